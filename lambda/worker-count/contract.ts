/**
 * The worker-count Lambda's public contract: what it publishes and which environment variables it
 * reads. Free of imports, so constructs and dashboards can use these names at synth time without
 * loading the AWS SDK that the handler imports.
 */

/** Namespace used when METRIC_NAMESPACE is not set. */
export const DEFAULT_METRIC_NAMESPACE = "PrivateMWAA";
/** Gauge, unit Count, one value per minute: base + additional workers. Chart with Average (mean) or Maximum (peak). */
export const WORKER_COUNT_METRIC_NAME = "WorkerCount";
/** Gauge, unit Count, one value per minute: workers of the AdditionalWorker cluster (0 when none ran). */
export const ADDITIONAL_WORKER_COUNT_METRIC_NAME = "AdditionalWorkerCount";
/**
 * Each run publishes exactly one minute, the one that ended this many minutes ago, once: CloudWatch
 * aggregates every value sent for a period instead of replacing it (GetMetricStatistics API
 * reference: "CloudWatch aggregates all data points with time stamps that fall within each
 * period"), so a minute republished with a later, higher count kept its first low value as the
 * Minimum. Assumption, not an AWS figure: the AWS/MWAA container samples of a minute (BaseWorker and
 * AdditionalWorker may arrive at different times) are all in within 5 minutes. Raise LAG_MINUTES if
 * late samples show up. The metric's newest minutes are therefore always this far behind the clock,
 * which the alarms on it allow for.
 */
export const DEFAULT_LAG_MINUTES = 5;

/** The function's timeout; the handler stops waiting for CloudWatch a margin before it. */
export const WORKER_COUNT_TIMEOUT_SECONDS = 50;

/** The only dimension of both gauges; its value is the MWAA environment name. */
export const ENVIRONMENT_DIMENSION = "Environment";

/** Environment variables the handler reads. */
export const ENV_VARS = {
  /** Required: the MWAA environment name. */
  environmentName: "MWAA_ENVIRONMENT_NAME",
  /** Optional, default DEFAULT_METRIC_NAMESPACE. */
  namespace: "METRIC_NAMESPACE",
  /** Optional, default DEFAULT_LAG_MINUTES: how many whole minutes after a minute ends its data counts as final and the minute is published, once. */
  lagMinutes: "LAG_MINUTES",
  /** Optional, default 1: CPUUtilization samples each container emits per minute. */
  samplesPerWorkerPerMinute: "SAMPLES_PER_WORKER_PER_MINUTE",
} as const;
