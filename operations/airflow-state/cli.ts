/**
 * `npm run airflow-state -- <subcommand>`: backup, restore and the migration cutover, through the
 * same InvokeRestApi client as the Lambdas (lambda/airflow-state). Uses the caller's AWS
 * credentials; with a private web server InvokeRestApi answers only from inside the VPC (MWAA
 * guide, access policies), so run it from there (VPN, bastion, CI runner in the VPC).
 *
 *   backup --env NAME [--out FILE]                 back up now, same code as the scheduled Lambda
 *   restore --env NAME --from FILE|s3://b/k [--dry-run]   print the plan, then write it
 *   cutover-pause --config FILE [--environment STACK] [--plan-file FILE] [--allow-missing] [--dry-run]
 *       saves the old environment's active DAGs to the plan file (default .airflow-state/cutover/<STACK>.json; not a cache: npm run clean leaves it)
 *       before the first write; a re-run after a failure takes them from it; removed when done
 *   check-secrets --config FILE [--environment STACK]   which declared secrets have no value yet
 *
 * Bad arguments: one line naming the argument, exit 2.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { MWAAClient } from "@aws-sdk/client-mwaa";
import type { BackupDocument } from "../../lambda/airflow-state/contract";
import { AirflowRestApi, AirflowStateError, requireAvailable } from "../../lambda/airflow-state/rest-client";
import {
  applyPlan,
  formatChanges,
  planCutover,
  planRestore,
  takeBackup,
  type PlannedWrite,
} from "../../lambda/airflow-state/state";
import { parseConfig } from "../../model/parse";
import { checkSecrets, declaredSecrets, describeWithSdk, type Describe } from "./check-secrets";

const USAGE =
  "usage: npm run airflow-state -- backup --env NAME [--out FILE] | restore --env NAME --from FILE|s3://bucket/key [--dry-run] | cutover-pause --config FILE [--environment STACK] [--plan-file FILE] [--allow-missing] [--dry-run] | check-secrets --config FILE [--environment STACK]";

/** What each subcommand requires and allows. */
const COMMANDS: Record<string, { required: string[]; allowed: string[] }> = {
  backup: { required: ["env"], allowed: ["out"] },
  restore: { required: ["env", "from"], allowed: ["dry-run"] },
  "cutover-pause": { required: ["config"], allowed: ["environment", "plan-file", "allow-missing", "dry-run"] },
  "check-secrets": { required: ["config"], allowed: ["environment"] },
};

/** A bad command line, reported as one line and exit 2. */
class UsageError extends Error {}

async function readBackup(from: string): Promise<BackupDocument> {
  let text: string;
  if (!from.startsWith("s3://")) text = readFileSync(from, "utf8");
  else {
    const [bucket, ...key] = from.slice(5).split("/");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const s3 = require("@aws-sdk/client-s3") as {
      S3Client: new (c: object) => { send(c: unknown): Promise<{ Body: { transformToString(): Promise<string> } }> };
      GetObjectCommand: new (i: object) => unknown;
    };
    const out = await new s3.S3Client({}).send(new s3.GetObjectCommand({ Bucket: bucket, Key: key.join("/") }));
    text = await out.Body.transformToString();
  }
  let doc: Partial<BackupDocument>;
  try {
    doc = JSON.parse(text) as Partial<BackupDocument>;
  } catch {
    throw new AirflowStateError(`${from}: not JSON, so not a backup of this tool`);
  }
  if (doc.format !== 1) throw new AirflowStateError(`${from}: not a backup of this tool (no "format": 1)`);
  return doc as BackupDocument;
}

/** What cutover-pause saves before its first write. */
interface CutoverPlanFile {
  readonly old: string;
  readonly candidate: string;
  /** DAGs active in the old environment when the cutover began. */
  readonly active: string[];
}

function readCutoverPlan(file: string, old: string, candidate: string): string[] {
  let saved: Partial<CutoverPlanFile>;
  try {
    saved = JSON.parse(readFileSync(file, "utf8")) as Partial<CutoverPlanFile>;
  } catch {
    throw new AirflowStateError(`${file}: not a cutover plan (not JSON); remove it to plan afresh`);
  }
  if (saved.old !== old || saved.candidate !== candidate || !Array.isArray(saved.active))
    throw new AirflowStateError(
      `${file}: a cutover plan of ${String(saved.old)} to ${String(saved.candidate)}, not ${old} to ${candidate}; remove it or pass another --plan-file`,
    );
  return saved.active.map(String);
}

function print(title: string, plan: PlannedWrite[]): void {
  console.log(`${title}:`);
  for (const line of formatChanges(plan)) console.log(`  ${line}`);
}

function parse(argv: string[]) {
  const [command, ...rest] = argv;
  const spec = command === undefined ? undefined : COMMANDS[command];
  if (spec === undefined)
    throw new UsageError(
      command === undefined
        ? "no subcommand"
        : `unknown subcommand ${command}: one of ${Object.keys(COMMANDS).join(", ")}`,
    );
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        env: { type: "string" },
        out: { type: "string" },
        from: { type: "string" },
        config: { type: "string" },
        environment: { type: "string" },
        "plan-file": { type: "string" },
        "allow-missing": { type: "boolean" },
        "dry-run": { type: "boolean" },
      },
    }));
  } catch (e) {
    // node's messages are one line already ("Unknown option '--x'...", "Option '--env <value>' argument missing").
    throw new UsageError(`${command}: ${(e as Error).message.split("\n")[0]}`);
  }
  for (const name of Object.keys(values)) {
    if (!spec.required.includes(name) && !spec.allowed.includes(name))
      throw new UsageError(
        `${command}: --${name} does not apply (it takes ${[...spec.required, ...spec.allowed].map((o) => `--${o}`).join(", ")})`,
      );
  }
  const missing = spec.required.filter((name) => values[name] === undefined);
  if (missing.length > 0) throw new UsageError(`${command}: ${missing.map((m) => `--${m}`).join(" and ")} required`);
  return {
    command,
    values: values as {
      env?: string;
      out?: string;
      from?: string;
      config?: string;
      environment?: string;
      "plan-file"?: string;
      "allow-missing"?: boolean;
      "dry-run"?: boolean;
    },
  };
}

/** Clients the commands use; tests pass fakes. */
export interface CliDeps {
  readonly mwaa: MWAAClient;
  readonly describeSecret?: Describe;
}

export async function main(argv: string[], deps: CliDeps = { mwaa: new MWAAClient({}) }): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`airflow-state ${e.message}`);
    console.error(USAGE);
    return 2;
  }
  const { command, values } = parsed;
  const client = deps.mwaa;
  const dryRun = values["dry-run"] === true;
  if (command === "check-secrets" && values.config !== undefined) {
    const config = parseConfig(readFileSync(values.config, "utf8"), values.config);
    const secrets = declaredSecrets(config, values.environment);
    if (secrets.length === 0) {
      console.log(
        `${values.config}: no airflowState.secretsBackend secrets declared${values.environment !== undefined ? ` for ${values.environment}` : ""}`,
      );
      return 0;
    }
    const { lines, missing } = await checkSecrets(secrets, deps.describeSecret ?? describeWithSdk());
    for (const line of lines) console.log(line);
    console.log(
      missing === 0
        ? `all ${secrets.length} secret(s) have a value`
        : `${missing} of ${secrets.length} secret(s) without a value: DAGs that use them fail until it is set (docs/airflow-state.md, "Setting a secret's value")`,
    );
    return missing === 0 ? 0 : 1;
  }
  if (command === "backup" && values.env !== undefined) {
    const { airflowVersion } = await requireAvailable(client, values.env);
    const doc = await takeBackup(new AirflowRestApi(client, values.env), { airflowVersion, takenAt: new Date() });
    const out = values.out ?? `${values.env}-${doc.takenAt.replace(/[:.]/g, "-")}.json`;
    writeFileSync(out, JSON.stringify(doc));
    console.log(`wrote ${out}: ${JSON.stringify(doc.counts)}`);
    return 0;
  }
  if (command === "restore" && values.env !== undefined && values.from !== undefined) {
    const doc = await readBackup(values.from);
    await requireAvailable(client, values.env);
    const api = new AirflowRestApi(client, values.env);
    const plan = await planRestore(api, doc);
    print(`restore of ${doc.environmentName} (${doc.airflowVersion}, ${doc.takenAt}) into ${values.env}`, plan);
    console.log(
      "run history is not restored: the REST API cannot write it as history; the backup file stays the record",
    );
    if (!dryRun) console.log(`wrote ${await applyPlan(api, plan)} change(s)`);
    return 0;
  }
  if (command === "cutover-pause" && values.config !== undefined) {
    const config = parseConfig(readFileSync(values.config, "utf8"), values.config);
    const envs = config.environments.filter(
      (e) => e.migration !== undefined && (values.environment === undefined || e.name === values.environment),
    );
    if (envs.length !== 1)
      throw new AirflowStateError(
        `${values.config}: ${envs.length === 0 ? "no environment with migration" : "several environments with migration: pick one with --environment"}`,
      );
    const env = envs[0];
    const oldName = env.environmentName ?? env.name;
    const old = new AirflowRestApi(client, oldName);
    const candidate = new AirflowRestApi(client, env.migration!.candidate.environmentName);
    await requireAvailable(client, old.environmentName);
    await requireAvailable(client, candidate.environmentName);
    const planFile = values["plan-file"] ?? join(".airflow-state", "cutover", `${env.name}.json`);
    const saved = existsSync(planFile)
      ? readCutoverPlan(planFile, old.environmentName, candidate.environmentName)
      : undefined;
    if (saved !== undefined) console.log(`resuming the cutover saved in ${planFile}`);
    const plan = await planCutover(old, candidate, { active: saved, allowMissing: values["allow-missing"] === true });
    print(`${old.environmentName} (old)`, plan.old);
    print(`${candidate.environmentName} (candidate)`, plan.candidate);
    if (dryRun) return 0;
    if (saved === undefined) {
      mkdirSync(dirname(planFile), { recursive: true });
      const record: CutoverPlanFile = {
        old: old.environmentName,
        candidate: candidate.environmentName,
        active: plan.active,
      };
      writeFileSync(planFile, JSON.stringify(record, null, 2));
      console.log(`saved the plan to ${planFile}: if a write fails, run the same command again to resume`);
    }
    console.log(`wrote ${(await applyPlan(old, plan.old)) + (await applyPlan(candidate, plan.candidate))} change(s)`);
    rmSync(planFile);
    console.log(`cutover done; removed ${planFile}`);
    return 0;
  }
  return 2;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      // The message, not a stack trace (a missing file, a refused call, bad config: one line each); AIRFLOW_STATE_DEBUG=1 shows the stack.
      console.error(
        e instanceof Error && process.env.AIRFLOW_STATE_DEBUG === undefined ? `airflow-state: ${e.message}` : e,
      );
      process.exit(1);
    },
  );
}
