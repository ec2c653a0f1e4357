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
/** The only dimension of both gauges; its value is the MWAA environment name. */
export const ENVIRONMENT_DIMENSION = "Environment";

/** Environment variables the handler reads. */
export const ENV_VARS = {
  /** Required: the MWAA environment name. */
  environmentName: "MWAA_ENVIRONMENT_NAME",
  /** Optional, default DEFAULT_METRIC_NAMESPACE. */
  namespace: "METRIC_NAMESPACE",
  /** Optional, default 10: whole minutes each run reads and (re)publishes. */
  lookbackMinutes: "LOOKBACK_MINUTES",
  /** Optional, default 2: newest whole minutes left for a later run while their samples arrive. */
  settleMinutes: "SETTLE_MINUTES",
  /** Optional, default 1: CPUUtilization samples each container emits per minute. */
  samplesPerWorkerPerMinute: "SAMPLES_PER_WORKER_PER_MINUTE",
} as const;
