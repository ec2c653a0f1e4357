/**
 * Scheduled backup of what lives inside an MWAA environment: variables, pools, connections'
 * non-secret fields, DAG pause states and run history, read through InvokeRestApi (paged, each
 * call within its 10 s and 6 MB limits), written as one JSON object per run to
 * `s3://<bucket>/<prefix><environment>/<ISO date>.json` (the bucket is versioned; the lifecycle rule
 * on the prefix sets retention). History pages stop 30 s before the function's own timeout and the
 * document lists what was cut short. A successful run publishes BACKUP_SUCCESS_METRIC; its alarm
 * fires on a failure and on a missing run alike.
 */
import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { MWAAClient } from "@aws-sdk/client-mwaa";
import { backupPrefix } from "../airflow-state/backup-layout";
import { BACKUP_SUCCESS_METRIC, ENV_VARS, type BackupDocument } from "../airflow-state/contract";
import { AirflowRestApi, requireAvailable, type MwaaSender } from "../airflow-state/rest-client";
import { takeBackup } from "../airflow-state/state";

/** Writes one object; the S3 client's PutObject in the Lambda runtime. */
export type PutObject = (bucket: string, key: string, body: string) => Promise<void>;

export interface BackupDeps {
  readonly mwaa: MwaaSender;
  readonly cloudwatch: { send(command: unknown): Promise<unknown> };
  readonly putObject: PutObject;
  readonly now: () => Date;
  readonly remainingMs: () => number;
}

/** Key of a run's object: sortable by date. */
export function backupKey(prefix: string, environmentName: string, takenAt: Date): string {
  return `${backupPrefix(prefix, environmentName)}${takenAt.toISOString().replace(/[:.]/g, "-")}.json`;
}

export async function backupWith(
  deps: BackupDeps,
  env: { environmentName: string; bucket: string; prefix: string; namespace: string },
): Promise<{ key: string; counts: BackupDocument["counts"]; truncated: string[] }> {
  const { airflowVersion } = await requireAvailable(deps.mwaa, env.environmentName);
  const takenAt = deps.now();
  const deadline = Date.now() + Math.max(0, deps.remainingMs() - 30_000);
  const doc = await takeBackup(new AirflowRestApi(deps.mwaa, env.environmentName), {
    airflowVersion,
    takenAt,
    deadline,
  });
  const key = backupKey(env.prefix, env.environmentName, takenAt);
  await deps.putObject(env.bucket, key, JSON.stringify(doc));
  await deps.cloudwatch.send(
    new PutMetricDataCommand({
      Namespace: env.namespace,
      MetricData: [
        {
          MetricName: BACKUP_SUCCESS_METRIC,
          Value: 1,
          Unit: "Count",
          Dimensions: [{ Name: "Environment", Value: env.environmentName }],
        },
      ],
    }),
  );
  console.log(JSON.stringify({ message: "backed up", key, counts: doc.counts, truncated: doc.truncated }));
  return { key, counts: doc.counts, truncated: doc.truncated };
}

/** PutObject through the runtime's @aws-sdk/client-s3 (not a dependency of this package: bundles leave @aws-sdk external). */
function s3PutObject(): PutObject {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const s3 = require("@aws-sdk/client-s3") as {
    S3Client: new (c: object) => { send(c: unknown): Promise<unknown> };
    PutObjectCommand: new (i: object) => unknown;
  };
  const client = new s3.S3Client({});
  return async (Bucket, Key, Body) => {
    await client.send(new s3.PutObjectCommand({ Bucket, Key, Body, ContentType: "application/json" }));
  };
}

export async function handler(_event: unknown, context: { getRemainingTimeInMillis(): number }): Promise<unknown> {
  const read = (name: string) => {
    const v = process.env[name];
    if (v === undefined || v === "") throw new Error(`${name} is not set`);
    return v;
  };
  return backupWith(
    {
      mwaa: new MWAAClient({}),
      cloudwatch: new CloudWatchClient({}),
      putObject: s3PutObject(),
      now: () => new Date(),
      remainingMs: () => context.getRemainingTimeInMillis(),
    },
    {
      environmentName: read(ENV_VARS.environmentName),
      bucket: read(ENV_VARS.bucket),
      prefix: read(ENV_VARS.prefix),
      namespace: read(ENV_VARS.namespace),
    },
  );
}
