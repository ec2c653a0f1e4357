/**
 * The in-place major upgrade that Terraform cannot make (hashicorp/aws replaces the environment when
 * airflow_version's major goes up: internal/service/mwaa/environment.go, CustomizeDiff
 * `customdiff.ForceNewIf("airflow_version", ...)`, `oldVersion.Segments()[0] < newVersion.Segments()[0]`):
 *
 *   npm run upgrade -- --config FILE --environment NAME [--candidate] [--dry-run] [--retry]
 *
 * The target is the config's airflow.version (the candidate's with --candidate), which must carry
 * airflow.majorUpgradeInPlace: with it, Terraform ignores airflow_version, so the deploy of that
 * config and the command never fight (docs/upgrades.md).
 * Calls MWAA's UpdateEnvironment with the caller's AWS credentials and waits, printing every status
 * MWAA reports. Exit 0 upgraded (or nothing to do, or dry run); 1 refused or bad input; 2 the update
 * failed or MWAA rolled it back, or (without --retry) the last update had failed; 3 still changing when the
 * wait ended or a status read failed after UpdateEnvironment (run again to resume).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { MWAAClient } from "@aws-sdk/client-mwaa";
import { parseConfig } from "../model/parse";
import { ConfigError } from "../model/errors";
import {
  runUpgrade,
  type RequirementsCheck,
  type UpgradeDeps,
  type UpgradeOutcome,
  type UpgradeRequest,
} from "./upgrade/run";

export const USAGE =
  "usage: npm run upgrade -- --config FILE --environment NAME [--candidate] [--target 3.x.y, the config's] [--dry-run] [--retry] [--poll-seconds 30] [--max-wait-minutes 180]";

class UsageError extends Error {}

/** The request and the region for the arguments: which MWAA environment, which target, which requirements. */
export function requestFromArgs(
  argv: readonly string[],
  cwd: string,
): { request: UpgradeRequest; region: string } | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: "string" },
        environment: { type: "string" },
        target: { type: "string" },
        candidate: { type: "boolean", default: false },
        "dry-run": { type: "boolean", default: false },
        retry: { type: "boolean", default: false },
        "poll-seconds": { type: "string" },
        "max-wait-minutes": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split("\n")[0]} (${USAGE})`);
  }
  if (values.help === true) return "help";
  if (values.config === undefined) throw new UsageError(`--config is required (${USAGE})`);
  if (values.environment === undefined)
    throw new UsageError(`--environment is required: the environment's name in the config (${USAGE})`);
  const file = path.resolve(cwd, values.config);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(
      `--config ${values.config}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  const config = parseConfig(text, values.config);
  const env = config.environments.find(
    (e) => e.name === values.environment || e.environmentName === values.environment,
  );
  if (env === undefined)
    throw new UsageError(
      `--environment ${values.environment}: no such environment in ${values.config} (${config.environments.map((e) => e.name).join(", ")})`,
    );
  // The rehearsal upgrades the side-by-side candidate, a copy of the current environment.
  const candidate = values.candidate === true ? env.migration?.candidate : undefined;
  if (values.candidate === true && candidate === undefined)
    throw new UsageError(`--candidate: environment ${env.name} has no migration.candidate in ${values.config}`);
  const airflow = candidate?.airflow ?? env.airflow;
  const artifacts = candidate !== undefined ? candidate.artifacts : env.artifacts;
  const at = candidate !== undefined ? "migration.candidate.airflow" : "airflow";
  // Driven from the config: the PR that sets the 3.x version and the guard comes first, so that
  // Terraform ignores airflow_version (no replacement, no downgrade back) before MWAA changes it.
  if (!airflow.majorUpgradeInPlace) {
    throw new UsageError(
      `refused: ${values.config} does not set ${at}.majorUpgradeInPlace for ${values.environment}. First set ${at}.version to the 3.x target and ${at}.majorUpgradeInPlace to true, review and deploy that (Terraform then ignores airflow_version), then run this command (docs/upgrades.md)`,
    );
  }
  const target = airflow.version;
  if (values.target !== undefined && values.target !== target) {
    throw new UsageError(
      `--target ${values.target}: ${values.config} sets ${at}.version to ${target}; the command goes to the config's version (leave --target out, or change the config first)`,
    );
  }
  const number = (flag: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${flag} ${v}: a whole number of at least 1`);
    return n;
  };
  return {
    region: env.region,
    request: {
      environmentName: candidate?.environmentName ?? env.environmentName ?? env.name,
      target,
      requirementsFile: artifacts?.requirements !== undefined ? path.resolve(cwd, artifacts.requirements) : undefined,
      dryRun: values["dry-run"] === true,
      retry: values.retry === true,
      pollSeconds: number("poll-seconds", values["poll-seconds"]),
      maxWaitMinutes: number("max-wait-minutes", values["max-wait-minutes"]),
    },
  };
}

/**
 * The requirements check another command of this project owns:
 * `npm run plugins -- --check-only --requirements FILE --airflow-version X.Y.Z`, exit 0 fine, 1 with
 * one message a line. Any other exit is a failed check too (the upgrade is refused, not started).
 */
export function pluginsCheck(root: string): UpgradeDeps["checkRequirements"] {
  return (requirementsFile, airflowVersion) =>
    new Promise<RequirementsCheck>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          "-r",
          "tsx/cjs",
          path.join(root, "plugins", "cli.ts"),
          "--check-only",
          "--requirements",
          requirementsFile,
          "--airflow-version",
          airflowVersion,
        ],
        { cwd: root },
      );
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (out += d.toString()));
      child.on("error", (e) => resolve({ ok: false, messages: [`requirements check did not run: ${e.message}`] }));
      child.on("close", (code) =>
        resolve({
          ok: code === 0,
          messages: out
            .split("\n")
            .map((l) => l.trim())
            .filter((l) => l !== ""),
        }),
      );
    });
}

export async function main(argv: readonly string[], cwd: string, deps?: Partial<UpgradeDeps>): Promise<number> {
  const log = deps?.log ?? ((line: string) => process.stdout.write(`upgrade: ${line}\n`));
  let outcome: UpgradeOutcome;
  try {
    const parsed = requestFromArgs(argv, cwd);
    if (parsed === "help") {
      log(USAGE);
      return 0;
    }
    outcome = await runUpgrade(parsed.request, {
      mwaa: deps?.mwaa ?? new MWAAClient({ region: parsed.region }),
      checkRequirements: deps?.checkRequirements ?? pluginsCheck(path.resolve(__dirname, "..")),
      sleep: deps?.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
      log,
    });
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError) {
      log(e.message);
      return 1;
    }
    log(`AWS call failed: ${(e as Error).name}: ${(e as Error).message}`);
    return 1;
  }
  log(outcome.message);
  return outcome.exitCode;
}

if (require.main === module) {
  void main(process.argv.slice(2), process.cwd()).then((code) => (process.exitCode = code));
}
