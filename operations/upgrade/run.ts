/**
 * The in-place major upgrade: GetEnvironment, checks, UpdateEnvironment(AirflowVersion), then
 * GetEnvironment every `pollSeconds` until MWAA ends in AVAILABLE (done) or a failure status.
 * Resumable: started while the environment is already changing, it only waits. The MWAA client, the
 * requirements check, the clock and the output are injected, so tests drive every status path.
 */
import {
  GetEnvironmentCommand,
  UpdateEnvironmentCommand,
  type Environment as MwaaEnvironmentDescription,
} from "@aws-sdk/client-mwaa";
import { majorUpgradeRefusal } from "./plan";
import { ENVIRONMENT_STATUSES, statusInfo } from "./statuses";

/** What the command is asked to do. */
export interface UpgradeRequest {
  /** The MWAA environment's name. */
  readonly environmentName: string;
  /** The Airflow 3 version to go to. */
  readonly target: string;
  /** requirements.txt to check for the target before MWAA installs it. @default - no check (no requirements) */
  readonly requirementsFile?: string;
  /** Check and print what would happen; change nothing. @default false */
  readonly dryRun?: boolean;
  /** Seconds between two status reads. @default 30 */
  readonly pollSeconds?: number;
  /** Give up waiting (the update goes on; re-run to resume) after this many minutes. @default 180 */
  readonly maxWaitMinutes?: number;
  /** Start a new attempt although MWAA's last update of the environment failed. @default false */
  readonly retry?: boolean;
}

/** Result of the requirements check for a target Airflow version. */
export interface RequirementsCheck {
  readonly ok: boolean;
  readonly messages: readonly string[];
}

export interface UpgradeDeps {
  /** An MWAA client (`new MWAAClient({ region })`); only `send` is used. */
  readonly mwaa: { send(command: unknown): Promise<unknown> };
  /** `npm run plugins -- --check-only --requirements FILE --airflow-version X.Y.Z` or a stand-in. */
  readonly checkRequirements: (requirementsFile: string, airflowVersion: string) => Promise<RequirementsCheck>;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: (line: string) => void;
}

/** How the command ended: its exit code and its last line. */
export interface UpgradeOutcome {
  /** done, nothing to do or dry run 0; refused 1; failed or rolled back 2; still changing when giving up 3. */
  readonly exitCode: 0 | 1 | 2 | 3;
  readonly kind: "upgraded" | "already" | "dry-run" | "refused" | "failed" | "rolled-back" | "still-running";
  readonly message: string;
}

/** After the upgrade: the guard goes in a later change, which then plans nothing for airflow_version. */
const REMOVE_GUARD =
  "Next: remove airflow.majorUpgradeInPlace from the config in a later change; Terraform refreshes airflow_version from AWS, so that plan shows no change to it (docs/upgrades.md).";

/** After a failed upgrade the config says 3.x while AWS runs the old version: the guard must stay. */
const keepGuard = (running: string | undefined) =>
  `Keep airflow.majorUpgradeInPlace in the config (without it Terraform would replace the environment to reach the config's version); fix the cause (docs/upgrades.md) and run the command again with --retry, or set airflow.version back to ${running ?? "the version it runs"} and then remove the field.`;

const refused = (message: string): UpgradeOutcome => ({ exitCode: 1, kind: "refused", message: `refused: ${message}` });

/** Statuses from which MWAA accepts an update (UPDATE_FAILED: restored and ready to use). */
const STARTABLE = new Set(["AVAILABLE", "UPDATE_FAILED"]);

async function describe(deps: UpgradeDeps, name: string): Promise<MwaaEnvironmentDescription> {
  const out = (await deps.mwaa.send(new GetEnvironmentCommand({ Name: name }))) as {
    Environment?: MwaaEnvironmentDescription;
  };
  if (out.Environment === undefined) throw new Error(`GetEnvironment ${name}: no environment in the answer`);
  return out.Environment;
}

/**
 * MWAA's record of the environment's last update (GetEnvironment `Environment.LastUpdate`:
 * `Status` FAILED | PENDING | SUCCESS, `Error.ErrorCode`/`ErrorMessage`, `Source`, `CreatedAt`;
 * @aws-sdk/client-mwaa 3.523.0 `dist-types/models/models_0.d.ts`, `LastUpdate`, `UpdateError`,
 * `UpdateStatus`). It does not name the version that update asked for.
 */
type LastUpdate = NonNullable<MwaaEnvironmentDescription["LastUpdate"]>;

const lastUpdateError = (last: LastUpdate | undefined) =>
  last?.Error !== undefined
    ? `${last.Error.ErrorCode ?? "error"}: ${last.Error.ErrorMessage ?? ""}`.trimEnd()
    : "no error recorded";

/** "its last update failed (started <time>, source <source>): <code>: <message>". */
function describeFailure(last: LastUpdate): string {
  const when = [
    last.CreatedAt !== undefined ? `started ${new Date(last.CreatedAt).toISOString()}` : undefined,
    last.Source !== undefined ? `source ${last.Source}` : undefined,
  ].filter((p) => p !== undefined);
  return `its last update failed${when.length > 0 ? ` (${when.join(", ")})` : ""}: ${lastUpdateError(last)}`;
}

const describeStatus = (status: string | undefined) =>
  `${status ?? "(no status)"}: ${statusInfo(status)?.says ?? "a status this command does not know; waiting"}`;

export async function runUpgrade(request: UpgradeRequest, deps: UpgradeDeps): Promise<UpgradeOutcome> {
  const { environmentName: name, target } = request;
  const env = await describe(deps, name);
  const from = env.AirflowVersion ?? "(unknown)";
  const status = env.Status;
  deps.log(`${name}: Airflow ${from}, ${describeStatus(status)}`);

  const phase = statusInfo(status)?.phase;
  if (phase !== "working") {
    if (from === target && status === "AVAILABLE")
      return {
        exitCode: 0,
        kind: "already",
        message: `${name} already runs Airflow ${target}; nothing to do. ${REMOVE_GUARD}`,
      };
    const refusal = majorUpgradeRefusal(from, target);
    if (refusal !== undefined) return refused(refusal);
    if (status === undefined || !STARTABLE.has(status))
      return refused(
        `${name} is ${status ?? "in an unknown state"}; MWAA updates an environment that is AVAILABLE (or UPDATE_FAILED, restored)`,
      );
    // A re-run after a failure this command did not watch (it exited 3, then MWAA rolled back) must
    // not start a second long update unasked. LastUpdate does not name the version tried, so any
    // failed last update of an environment not yet at the target counts.
    if (env.LastUpdate?.Status === "FAILED") {
      if (request.retry !== true) {
        return {
          exitCode: 2,
          kind: "failed",
          message: `${name} runs Airflow ${from} (${status}) and ${describeFailure(env.LastUpdate)}. Not starting again. ${keepGuard(env.AirflowVersion)}`,
        };
      }
      deps.log(`--retry: ${describeFailure(env.LastUpdate)}; starting a new attempt`);
    }
    if (request.requirementsFile !== undefined) {
      const check = await deps.checkRequirements(request.requirementsFile, target);
      if (!check.ok) {
        // MWAA rolls back on requirements that do not install, which the guide warns is lengthy.
        return refused(
          `${request.requirementsFile} does not fit Airflow ${target}:\n${check.messages.map((m) => `  ${m}`).join("\n")}`,
        );
      }
      deps.log(`requirements: ${request.requirementsFile} fits Airflow ${target}`);
    }
    if (request.dryRun === true) {
      return {
        exitCode: 0,
        kind: "dry-run",
        message: `dry run: would call UpdateEnvironment(Name=${name}, AirflowVersion=${target}) and wait; MWAA snapshots the metadata database, changes every component and restores the database (a long update). Nothing changed.`,
      };
    }
    await deps.mwaa.send(new UpdateEnvironmentCommand({ Name: name, AirflowVersion: target }));
    deps.log(`UpdateEnvironment sent: ${name} ${from} -> ${target}`);
  } else {
    deps.log(`${name} is already changing: waiting for it (re-running this command resumes the wait)`);
    if (request.dryRun === true)
      return {
        exitCode: 0,
        kind: "dry-run",
        message: `dry run: ${name} is ${status}; would wait for it. Nothing changed.`,
      };
    const ended = await waitSurvivingErrors(request, deps, false);
    // The change waited for was another one (e.g. a deploy's): it ended well, so start the upgrade now.
    return ended === "start" ? runUpgrade(request, deps) : ended;
  }
  return waitSurvivingErrors(request, deps, true) as Promise<UpgradeOutcome>;
}

/**
 * Once MWAA is changing the environment, a failed status read (an expired SSO session, throttling,
 * the network) ends only the wait, not the update: exit 3, and a re-run resumes.
 */
async function waitSurvivingErrors(
  request: UpgradeRequest,
  deps: UpgradeDeps,
  started: boolean,
): Promise<UpgradeOutcome | "start"> {
  try {
    return await waitForEnd(request, deps, started);
  } catch (e) {
    const { name, message } = e as Error;
    return {
      exitCode: 3,
      kind: "still-running",
      message: `reading the status of ${request.environmentName} failed (${name}: ${message}); the update is still running at MWAA. Fix the cause (e.g. aws sso login) and re-run the same command to resume waiting.`,
    };
  }
}

/**
 * How long AVAILABLE at the old version right after UpdateEnvironment means "not started yet" rather
 * than "rolled back". 10 minutes: a rollback passes through ROLLING_BACK or UPDATING, which the poll
 * (every 30 s) sees, and MWAA's guide calls it lengthy; waiting longer for a change that never shows
 * costs only time, while judging too early reports a running upgrade as rolled back. Not measured.
 */
export const START_GRACE_MS = 10 * 60_000;

async function waitForEnd(
  request: UpgradeRequest,
  deps: UpgradeDeps,
  started: boolean,
): Promise<UpgradeOutcome | "start"> {
  const { environmentName: name, target } = request;
  const pollMs = (request.pollSeconds ?? 30) * 1000;
  const deadline = (request.maxWaitMinutes ?? 180) * 60_000;
  let waited = 0;
  let last: string | undefined;
  let rolledBack = false;
  // MWAA may still report AVAILABLE at the old version for a while after accepting UpdateEnvironment.
  let changing = false;
  for (;;) {
    const env = await describe(deps, name);
    const status = env.Status;
    if (status !== last) deps.log(`${new Date(Date.now()).toISOString()} ${describeStatus(status)}`);
    last = status;
    if (status === "ROLLING_BACK") rolledBack = true;
    if (status !== "AVAILABLE") changing = true;
    const phase = statusInfo(status)?.phase;
    const error = env.LastUpdate?.Error;
    const why =
      error !== undefined ? ` MWAA says: ${error.ErrorCode ?? "error"}: ${error.ErrorMessage ?? ""}`.trimEnd() : "";
    if (status === "AVAILABLE") {
      if (env.AirflowVersion === target && !rolledBack) {
        return {
          exitCode: 0,
          kind: "upgraded",
          message: `${name} runs Airflow ${target}, metadata kept. ${REMOVE_GUARD}`,
        };
      }
      if (!started && !rolledBack) return "start";
      if (!changing && waited < START_GRACE_MS && waited < deadline) {
        await deps.sleep(pollMs);
        waited += pollMs;
        continue;
      }
      if (!changing) {
        return {
          exitCode: 2,
          kind: "rolled-back",
          message: `${name} stayed AVAILABLE at Airflow ${env.AirflowVersion ?? "(unknown)"}, not ${target}, for ${Math.round(waited / 60_000)} minutes after UpdateEnvironment, without a status of a change: MWAA did not make it or rolled it back between two reads.${why} ${keepGuard(env.AirflowVersion)}`,
        };
      }
      return {
        exitCode: 2,
        kind: "rolled-back",
        message: `${name} is AVAILABLE again at Airflow ${env.AirflowVersion ?? "(unknown)"}, not ${target}: MWAA rolled the change back.${why} ${keepGuard(env.AirflowVersion)}`,
      };
    }
    if (phase === "failed") {
      const kind = status === "UPDATE_FAILED" && rolledBack ? "rolled-back" : "failed";
      const state =
        status === "UPDATE_FAILED"
          ? `restored to Airflow ${env.AirflowVersion ?? "(unknown)"} and ready to use`
          : ENVIRONMENT_STATUSES[status as keyof typeof ENVIRONMENT_STATUSES].says;
      return {
        exitCode: 2,
        kind,
        message: `upgrade of ${name} to ${target} failed (${status}): ${state}.${why} ${keepGuard(env.AirflowVersion)}`,
      };
    }
    if (waited >= deadline) {
      return {
        exitCode: 3,
        kind: "still-running",
        message: `${name} is still ${status} after ${Math.round(waited / 60_000)} minutes; MWAA goes on. Run the same command again to resume waiting.`,
      };
    }
    await deps.sleep(pollMs);
    waited += pollMs;
  }
}
