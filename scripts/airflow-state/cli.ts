/**
 * `npm run airflow-state -- <subcommand>`: backup, restore and the migration cutover, through the
 * same InvokeRestApi client as the Lambdas (lambda/airflow-state). Uses the caller's AWS
 * credentials; with a private web server InvokeRestApi answers only from inside the VPC (MWAA
 * guide, access policies), so run it from there (VPN, bastion, CI runner in the VPC).
 *
 *   backup --env NAME [--out FILE]                 back up now, same code as the scheduled Lambda
 *   restore --env NAME --from FILE|s3://b/k [--dry-run]   print the plan, then write it
 *   cutover-pause --config FILE [--environment STACK] [--dry-run]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { MWAAClient } from "@aws-sdk/client-mwaa";
import type { BackupDocument } from "../../lambda/airflow-state/contract";
import { AirflowRestApi, AirflowStateError, requireAvailable } from "../../lambda/airflow-state/rest-client";
import { applyPlan, formatChanges, planCutover, planRestore, takeBackup, type PlannedWrite } from "../../lambda/airflow-state/state";
import { parseConfig } from "../../constructs/config";

const USAGE = "usage: npm run airflow-state -- backup --env NAME [--out FILE] | restore --env NAME --from FILE|s3://bucket/key [--dry-run] | cutover-pause --config FILE [--environment STACK] [--dry-run]";

async function readBackup(from: string): Promise<BackupDocument> {
  if (!from.startsWith("s3://")) return JSON.parse(readFileSync(from, "utf8")) as BackupDocument;
  const [bucket, ...key] = from.slice(5).split("/");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const s3 = require("@aws-sdk/client-s3") as { S3Client: new (c: object) => { send(c: unknown): Promise<{ Body: { transformToString(): Promise<string> } }> }; GetObjectCommand: new (i: object) => unknown };
  const out = await new s3.S3Client({}).send(new s3.GetObjectCommand({ Bucket: bucket, Key: key.join("/") }));
  return JSON.parse(await out.Body.transformToString()) as BackupDocument;
}

function print(title: string, plan: PlannedWrite[]): void {
  console.log(`${title}:`);
  for (const line of formatChanges(plan)) console.log(`  ${line}`);
}

export async function main(argv: string[], client = new MWAAClient({})): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: { env: { type: "string" }, out: { type: "string" }, from: { type: "string" }, config: { type: "string" }, environment: { type: "string" }, "dry-run": { type: "boolean", default: false } },
  });
  const dryRun = values["dry-run"] === true;
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
    console.log("run history is not restored: the REST API cannot write it as history; the backup file stays the record");
    if (!dryRun) console.log(`wrote ${await applyPlan(api, plan)} change(s)`);
    return 0;
  }
  if (command === "cutover-pause" && values.config !== undefined) {
    const config = parseConfig(readFileSync(values.config, "utf8"), values.config);
    const envs = config.environments.filter((e) => e.migration !== undefined && (values.environment === undefined || e.name === values.environment));
    if (envs.length !== 1) throw new AirflowStateError(`${values.config}: ${envs.length === 0 ? "no environment with migration" : "several environments with migration: pick one with --environment"}`);
    const env = envs[0];
    const oldName = env.environmentName ?? env.name;
    const old = new AirflowRestApi(client, oldName);
    const candidate = new AirflowRestApi(client, env.migration!.candidate.environmentName);
    await requireAvailable(client, old.environmentName);
    await requireAvailable(client, candidate.environmentName);
    const plan = await planCutover(old, candidate);
    print(`${old.environmentName} (old)`, plan.old);
    print(`${candidate.environmentName} (candidate)`, plan.candidate);
    if (!dryRun) console.log(`wrote ${(await applyPlan(old, plan.old)) + (await applyPlan(candidate, plan.candidate))} change(s)`);
    return 0;
  }
  console.error(USAGE);
  return 2;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e instanceof AirflowStateError || (e as Error).name === "ConfigError" ? `airflow-state: ${(e as Error).message}` : e);
      process.exit(1);
    },
  );
}
