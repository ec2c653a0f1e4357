/**
 * Worker-count Lambda: publishes how many Airflow workers an MWAA environment runs, minute by minute.
 *
 * Why: MWAA publishes no worker-count metric that survives wide dashboard ranges. The usual trick,
 * `AWS/MWAA CPUUtilization` with the `SampleCount` statistic, counts one sample per worker container
 * per minute, so it equals the number of workers only at a 1-minute period: on a 1-day range
 * CloudWatch widens the period and SampleCount adds up every minute's samples (1 worker for a day
 * shows as 1440). This function turns each minute's sample count into a gauge (`WorkerCount`,
 * `AdditionalWorkerCount`), one value per minute, so that `Average` over any period is the mean
 * number of workers and `Maximum` the peak, whatever the period.
 *
 * Source metrics (AWS/MWAA container metrics, documented in the MWAA User Guide, "Container,
 * queue, and database metrics for Amazon MWAA"): namespace `AWS/MWAA`, metric `CPUUtilization`,
 * dimensions `Cluster` (`BaseWorker`, `AdditionalWorker`, `Scheduler` in AWS's sample dashboard) and
 * `Environment` (the environment name). The BaseWorker cluster runs the environment's first worker;
 * the AdditionalWorker cluster runs workers two and up (the rest of `min_workers` plus autoscaled
 * workers). The same page lists `NumWorkers` (BaseWorker, "always 1") and `NumAdditionalWorkers`
 * (unit Count) in that namespace; whether MWAA emits them could not be checked without an AWS
 * account. Where it does, chart NumAdditionalWorkers (Maximum) beside AdditionalWorkerCount.
 *
 * Emit interval (assumption): these metrics come from ECS on Fargate, and ECS sends metrics to
 * CloudWatch at one-minute intervals, one value per running task (ECS Developer Guide, "Amazon ECS
 * CloudWatch metrics"). So SampleCount per 1-minute period = number of containers. If AWS ever
 * emits more often, set SAMPLES_PER_WORKER_PER_MINUTE (e.g. 3 for 20-second samples) and counts are
 * normalised as round(samples / SAMPLES_PER_WORKER_PER_MINUTE). Expect single-minute noise either
 * way: a sample that lands a second late counts in the next minute (0 then 2), and a replaced
 * container overlaps its successor for a minute. Publishing the observed counts, zeros and twos
 * alike, keeps long-range averages unbiased.
 *
 * Which minute each run publishes: exactly one, the minute that ended LAG_MINUTES (contract.ts
 * DEFAULT_LAG_MINUTES) before the run, once its data counts as final. CloudWatch keeps every value
 * sent for a minute, so a minute published twice with different counts has a Minimum and an
 * Average that are neither; one final value per minute makes Minimum, Maximum and Average agree.
 * The run reads from that minute up to the current one, to see how far the data has arrived. A
 * failed run leaves its minute unpublished (a gap), never a second value.
 * - A minute without AdditionalWorker samples has 0 additional workers (CloudWatch returns no data
 *   point for a period without samples).
 * - BaseWorker samples mark how far the data has arrived. MWAA runs exactly one base worker while
 *   the environment is up, so a base sample in the minute or any later one means the minute's data
 *   is in; the minute is then published, with 0 base workers if it had none itself (a container
 *   replacement or a late sample: skipping it would bias averages upwards). Without any base sample
 *   since the minute (environment creating, updating, deleted, or metrics late) nothing is
 *   published and the run logs a warning; the WorkerCountStopped alarm (constructs/alarms.ts)
 *   pages when that lasts while the environment runs.
 *
 * Environment variables:
 * - MWAA_ENVIRONMENT_NAME (required): the `Environment` dimension of the source metrics.
 * - METRIC_NAMESPACE (default `PrivateMWAA`): namespace of the published metrics.
 * - LAG_MINUTES (default 5): the run publishes the minute that ended this many minutes ago.
 * - SAMPLES_PER_WORKER_PER_MINUTE (default 1): see "Emit interval" above.
 *
 * IAM: cloudwatch:GetMetricData, and cloudwatch:PutMetricData (condition key cloudwatch:namespace).
 * Invoked every minute by an EventBridge schedule; when the event carries `time`, the minute is
 * computed from it, so a delayed retry of an invocation publishes the same minute.
 */
import { CloudWatchClient, GetMetricDataCommand, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import type {
  CloudWatchClientConfig,
  MetricDataQuery,
  MetricDataResult,
  MetricDatum,
} from "@aws-sdk/client-cloudwatch";
import {
  ADDITIONAL_WORKER_COUNT_METRIC_NAME,
  DEFAULT_LAG_MINUTES,
  DEFAULT_METRIC_NAMESPACE,
  ENVIRONMENT_DIMENSION,
  ENV_VARS,
  WORKER_COUNT_METRIC_NAME,
  WORKER_COUNT_TIMEOUT_SECONDS,
} from "./contract";
import { consoleLog, type LogLevel } from "../runtime/log";
import { beforeDeadline, deadlineSignal, type DeadlineContext } from "../runtime/deadline";

export {
  ADDITIONAL_WORKER_COUNT_METRIC_NAME,
  DEFAULT_METRIC_NAMESPACE,
  ENVIRONMENT_DIMENSION,
  ENV_VARS,
  WORKER_COUNT_METRIC_NAME,
};

export const SOURCE_NAMESPACE = "AWS/MWAA";
export const SOURCE_METRIC_NAME = "CPUUtilization";
export const BASE_WORKER_CLUSTER = "BaseWorker";
export const ADDITIONAL_WORKER_CLUSTER = "AdditionalWorker";

export { DEFAULT_LAG_MINUTES };

/** Attempts per API call, first try included, for the SDK's standard retry strategy (exponential backoff with jitter). */
export const MAX_ATTEMPTS = 5;
/** Per-attempt limits, so a hung connection fails fast and is retried instead of using up the function timeout. */
export const CONNECTION_TIMEOUT_MS = 3_000;
export const REQUEST_TIMEOUT_MS = 10_000;
/** The run stops waiting for CloudWatch this long before Lambda's timeout, to log its own ERROR line. */
export const WORKER_COUNT_DEADLINE_MARGIN_MS = 2_000;

const PERIOD_SECONDS = 60;
const MINUTE_MS = PERIOD_SECONDS * 1000;
const BASE_QUERY_ID = "base";
const ADDITIONAL_QUERY_ID = "additional";
const MAX_GET_METRIC_DATA_PAGES = 50;

export interface WorkerCountConfig {
  readonly environmentName: string;
  readonly namespace: string;
  readonly lagMinutes: number;
  readonly samplesPerWorkerPerMinute: number;
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw.trim());
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** Reads and validates the configuration; every error names its variable. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): WorkerCountConfig {
  const environmentName = (env[ENV_VARS.environmentName] ?? "").trim();
  if (environmentName === "") throw new Error(`${ENV_VARS.environmentName} is required`);
  const namespace = (env[ENV_VARS.namespace] ?? "").trim() || DEFAULT_METRIC_NAMESPACE;
  if (namespace.length > 255 || namespace.startsWith("AWS/")) {
    throw new Error(
      `${ENV_VARS.namespace} must be at most 255 characters and not start with "AWS/", got "${namespace}"`,
    );
  }
  const lagMinutes = intFromEnv(env, ENV_VARS.lagMinutes, DEFAULT_LAG_MINUTES, 1, 60);
  const samplesPerWorkerPerMinute = intFromEnv(env, ENV_VARS.samplesPerWorkerPerMinute, 1, 1, 60);
  return { environmentName, namespace, lagMinutes, samplesPerWorkerPerMinute };
}

/** Whole minutes `[startMs, endMs)`, both on minute boundaries. */
export interface MinuteWindow {
  readonly startMs: number;
  readonly endMs: number;
}

/** The window a run at `nowMs` reads: from the minute it publishes (LAG whole minutes before the current minute) up to the current minute. */
export function minuteWindow(nowMs: number, lagMinutes: number): MinuteWindow {
  const currentMinuteMs = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS;
  return { startMs: currentMinuteMs - lagMinutes * MINUTE_MS, endMs: currentMinuteMs };
}

function sampleCountQuery(id: string, cluster: string, environmentName: string): MetricDataQuery {
  return {
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: SOURCE_NAMESPACE,
        MetricName: SOURCE_METRIC_NAME,
        Dimensions: [
          { Name: "Cluster", Value: cluster },
          { Name: ENVIRONMENT_DIMENSION, Value: environmentName },
        ],
      },
      Period: PERIOD_SECONDS,
      Stat: "SampleCount",
    },
    ReturnData: true,
  };
}

/** The two GetMetricData queries: per-minute SampleCount of CPUUtilization for the BaseWorker and AdditionalWorker clusters. */
export function workerSampleQueries(environmentName: string): MetricDataQuery[] {
  return [
    sampleCountQuery(BASE_QUERY_ID, BASE_WORKER_CLUSTER, environmentName),
    sampleCountQuery(ADDITIONAL_QUERY_ID, ADDITIONAL_WORKER_CLUSTER, environmentName),
  ];
}

export interface WorkerCountPoint {
  /** Start of the minute the counts describe. */
  readonly timestamp: Date;
  readonly baseWorkers: number;
  readonly additionalWorkers: number;
  readonly workers: number;
}

export interface WorkerCounts {
  /** One point per published minute, oldest first. */
  readonly points: WorkerCountPoint[];
  /** Newest minutes of the window left unpublished because no BaseWorker samples have arrived for them yet. */
  readonly pendingMinutes: number;
}

function samplesByMinute(result: MetricDataResult, window: MinuteWindow): Map<number, number> {
  const byMinute = new Map<number, number>();
  const timestamps = result.Timestamps ?? [];
  const values = result.Values ?? [];
  if (timestamps.length !== values.length) {
    throw new Error(
      `GetMetricData result "${result.Id}" has ${timestamps.length} timestamps but ${values.length} values`,
    );
  }
  timestamps.forEach((timestamp, i) => {
    const ms = new Date(timestamp).getTime();
    const value = values[i];
    // Defensive: only whole minutes inside the window count; anything else is not a 60-s period of ours.
    if (
      ms % MINUTE_MS !== 0 ||
      ms < window.startMs ||
      ms >= window.endMs ||
      value === undefined ||
      !Number.isFinite(value)
    )
      return;
    byMinute.set(ms, value);
  });
  return byMinute;
}

/**
 * Pure: turns GetMetricData results (ids "base" and "additional", SampleCount per 60-s period)
 * into one worker-count point per minute of `window`, following the rules in the file comment.
 */
export function computeWorkerCounts(
  results: readonly MetricDataResult[],
  window: MinuteWindow,
  samplesPerWorkerPerMinute = 1,
): WorkerCounts {
  const find = (id: string): MetricDataResult => {
    const result = results.find((r) => r.Id === id);
    if (!result) throw new Error(`GetMetricData returned no result for query "${id}"`);
    if (result.StatusCode === "InternalError" || result.StatusCode === "Forbidden") {
      throw new Error(
        `GetMetricData query "${id}" failed with ${result.StatusCode}: ${(result.Messages ?? []).map((m) => m.Value).join("; ")}`,
      );
    }
    return result;
  };
  const base = samplesByMinute(find(BASE_QUERY_ID), window);
  const additional = samplesByMinute(find(ADDITIONAL_QUERY_ID), window);

  let newestWithBase = -Infinity;
  for (const [ms, samples] of base) if (samples > 0 && ms > newestWithBase) newestWithBase = ms;

  const toCount = (samples: number | undefined): number => Math.round((samples ?? 0) / samplesPerWorkerPerMinute);
  const points: WorkerCountPoint[] = [];
  let pendingMinutes = 0;
  for (let ms = window.startMs; ms < window.endMs; ms += MINUTE_MS) {
    if (ms > newestWithBase) {
      pendingMinutes++;
      continue;
    }
    const baseWorkers = toCount(base.get(ms));
    const additionalWorkers = toCount(additional.get(ms));
    points.push({ timestamp: new Date(ms), baseWorkers, additionalWorkers, workers: baseWorkers + additionalWorkers });
  }
  return { points, pendingMinutes };
}

/** Pure: the one point a run publishes, the window's first minute, when its data has arrived; else undefined. */
export function finalPoint(counts: WorkerCounts, window: MinuteWindow): WorkerCountPoint | undefined {
  const first = counts.points[0];
  return first !== undefined && first.timestamp.getTime() === window.startMs ? first : undefined;
}

/** Pure: the PutMetricData entries for `points`: WorkerCount and AdditionalWorkerCount per minute, dimension Environment. */
export function toMetricData(points: readonly WorkerCountPoint[], environmentName: string): MetricDatum[] {
  const dimensions = [{ Name: ENVIRONMENT_DIMENSION, Value: environmentName }];
  const datum = (metricName: string, timestamp: Date, value: number): MetricDatum => ({
    MetricName: metricName,
    Dimensions: dimensions,
    Timestamp: timestamp,
    Value: value,
    Unit: "Count",
    StorageResolution: 60,
  });
  return points.flatMap((p) => [
    datum(WORKER_COUNT_METRIC_NAME, p.timestamp, p.workers),
    datum(ADDITIONAL_WORKER_COUNT_METRIC_NAME, p.timestamp, p.additionalWorkers),
  ]);
}

/**
 * The production client: the SDK's standard retry strategy (exponential backoff with jitter) with
 * MAX_ATTEMPTS, so throttling, 5xx and timeouts are retried; per-attempt connection and request
 * timeouts. Worst case per call is about 15 s of throttling backoff, well inside a 50-s timeout.
 */
export function createCloudWatchClient(config: CloudWatchClientConfig = {}): CloudWatchClient {
  return new CloudWatchClient({
    maxAttempts: MAX_ATTEMPTS,
    retryMode: "standard",
    requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
    ...config,
  });
}

async function fetchWorkerSamples(
  client: CloudWatchClient,
  environmentName: string,
  window: MinuteWindow,
  deadline: AbortSignal,
): Promise<MetricDataResult[]> {
  const merged = new Map<string, MetricDataResult & { Timestamps: Date[]; Values: number[] }>();
  let nextToken: string | undefined;
  let pages = 0;
  do {
    if (++pages > MAX_GET_METRIC_DATA_PAGES)
      throw new Error(`GetMetricData returned more than ${MAX_GET_METRIC_DATA_PAGES} pages`);
    const command = new GetMetricDataCommand({
      MetricDataQueries: workerSampleQueries(environmentName),
      StartTime: new Date(window.startMs),
      EndTime: new Date(window.endMs),
      ScanBy: "TimestampAscending",
      NextToken: nextToken,
    });
    const out = await beforeDeadline(deadline, "GetMetricData", (abortSignal) => client.send(command, { abortSignal }));
    for (const r of out.MetricDataResults ?? []) {
      const id = r.Id ?? "";
      const acc = merged.get(id) ?? { Id: id, Timestamps: [], Values: [] };
      acc.Timestamps.push(...(r.Timestamps ?? []));
      acc.Values.push(...(r.Values ?? []));
      acc.StatusCode = r.StatusCode;
      acc.Messages = [...(acc.Messages ?? []), ...(r.Messages ?? [])];
      merged.set(id, acc);
    }
    nextToken = out.NextToken;
  } while (nextToken);
  return [...merged.values()];
}

/** One call: a run sends at most one minute, two entries. */
async function publish(
  client: CloudWatchClient,
  namespace: string,
  data: readonly MetricDatum[],
  deadline: AbortSignal,
): Promise<number> {
  if (data.length === 0) return 0;
  const command = new PutMetricDataCommand({ Namespace: namespace, MetricData: [...data] });
  await beforeDeadline(deadline, "PutMetricData", (abortSignal) => client.send(command, { abortSignal }));
  return 1;
}

/** EventBridge scheduled event; only `time` (ISO 8601) is read. */
export interface WorkerCountEvent {
  readonly time?: string;
}

export interface WorkerCountSummary {
  readonly environment: string;
  readonly namespace: string;
  /** Start of the minute this run publishes (ISO). */
  readonly minute: string;
  /** 1 when the minute was published, 0 when its data had not arrived. */
  readonly publishedMinutes: number;
  readonly putMetricDataCalls: number;
  /** The published minute: [minute start (ISO), WorkerCount, AdditionalWorkerCount]; empty when none. */
  readonly points: ReadonlyArray<readonly [string, number, number]>;
}

export type { LogLevel };

export interface WorkerCountDeps {
  /** CloudWatch client; default: createCloudWatchClient(), created once per Lambda container. */
  readonly client?: CloudWatchClient;
  /** Clock in epoch milliseconds; default Date.now. */
  readonly now?: () => number;
  /** Environment variables; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Receives the one JSON log line per run; default console.log, console.warn or console.error by level (Lambda's JSON log format keeps the level). */
  readonly log?: (line: string, level: LogLevel) => void;
}

export function createHandler(
  deps: WorkerCountDeps = {},
): (event?: WorkerCountEvent, context?: DeadlineContext) => Promise<WorkerCountSummary> {
  let client = deps.client;
  const now = deps.now ?? Date.now;
  const log = deps.log ?? consoleLog;
  return async (event, context) => {
    const started = now();
    const deadline = deadlineSignal(context, WORKER_COUNT_DEADLINE_MARGIN_MS, WORKER_COUNT_TIMEOUT_SECONDS * 1000);
    let config: WorkerCountConfig | undefined;
    try {
      config = readConfig(deps.env ?? process.env);
      const eventMs = typeof event?.time === "string" ? Date.parse(event.time) : NaN;
      const runAt = Number.isFinite(eventMs) ? Math.min(eventMs, started) : started;
      const window = minuteWindow(runAt, config.lagMinutes);
      client ??= createCloudWatchClient();

      const results = await fetchWorkerSamples(client, config.environmentName, window, deadline);
      const point = finalPoint(computeWorkerCounts(results, window, config.samplesPerWorkerPerMinute), window);
      const points = point !== undefined ? [point] : [];
      const putMetricDataCalls = await publish(
        client,
        config.namespace,
        toMetricData(points, config.environmentName),
        deadline,
      );

      const summary: WorkerCountSummary = {
        environment: config.environmentName,
        namespace: config.namespace,
        minute: new Date(window.startMs).toISOString(),
        publishedMinutes: points.length,
        putMetricDataCalls,
        points: points.map((p) => [p.timestamp.toISOString(), p.workers, p.additionalWorkers] as const),
      };
      const level: LogLevel = points.length > 0 ? "INFO" : "WARN";
      log(
        JSON.stringify({
          level,
          message:
            points.length > 0
              ? "published the worker count"
              : "no BaseWorker samples since the minute; nothing published",
          ...summary,
          durationMs: now() - started,
        }),
        level,
      );
      return summary;
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      log(
        JSON.stringify({
          level: "ERROR",
          message: "worker count run failed",
          environment: config?.environmentName,
          error: e.name,
          detail: e.message,
          durationMs: now() - started,
        }),
        "ERROR",
      );
      throw e;
    }
  };
}

/** Lambda entry point (handler setting `index.handler`). */
export const handler = createHandler();
