/**
 * What MWAA supports, in one place. Checked against the MWAA user guide in 2026-11:
 * 2.4.3 to 2.6.3 reached end of support in December 2025 and are not offered here.
 */

/** Airflow versions MWAA runs, with the Python version of their image. */
export const AIRFLOW_VERSIONS = {
  "2.7.2": { python: "3.11" },
  "2.8.1": { python: "3.11" },
  "2.9.2": { python: "3.11" },
  "2.10.1": { python: "3.11" },
  "2.10.3": { python: "3.11" },
  "3.0.6": { python: "3.12" },
} as const;

export type AirflowVersion = keyof typeof AIRFLOW_VERSIONS;
export const DEFAULT_AIRFLOW_VERSION: AirflowVersion = "2.10.3";

export function airflowMajor(version: AirflowVersion): 2 | 3 {
  return version.startsWith("3.") ? 3 : 2;
}

export interface ClassLimits {
  readonly maxWorkers: number;
  readonly schedulers: readonly [min: number, max: number];
  readonly webservers: readonly [min: number, max: number];
}

const STANDARD: ClassLimits = { maxWorkers: 25, schedulers: [2, 5], webservers: [2, 5] };

/** Per environment class: mw1.micro runs one of each; every other class shares the same limits. */
export const ENVIRONMENT_CLASSES = {
  "mw1.micro": { maxWorkers: 1, schedulers: [1, 1], webservers: [1, 1] },
  "mw1.small": STANDARD,
  "mw1.medium": STANDARD,
  "mw1.large": STANDARD,
  "mw1.xlarge": STANDARD,
  "mw1.2xlarge": STANDARD,
} as const satisfies Record<string, ClassLimits>;

export type EnvironmentClass = keyof typeof ENVIRONMENT_CLASSES;

/** The five MWAA log modules: config key, provider block name, and the suffix of the log group MWAA writes to. */
export const LOG_MODULES = [
  { key: "dagProcessing", block: "dag_processing_logs", group: "DAGProcessing" },
  { key: "scheduler", block: "scheduler_logs", group: "Scheduler" },
  { key: "task", block: "task_logs", group: "Task" },
  { key: "webServer", block: "webserver_logs", group: "WebServer" },
  { key: "worker", block: "worker_logs", group: "Worker" },
] as const;

export type LogModuleKey = (typeof LOG_MODULES)[number]["key"];

export const LOG_LEVELS = ["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"] as const;

/**
 * Interface endpoints AWS documents for MWAA without a NAT path (plus the S3 gateway endpoint).
 * Keys are the service suffix of com.amazonaws.<region>.<service>.
 */
export const PRIVATE_ROUTING_SERVICES = [
  "s3",
  "monitoring",
  "ecr.dkr",
  "ecr.api",
  "logs",
  "sqs",
  "kms",
  "airflow.api",
  "airflow.env",
  "airflow.ops",
] as const;

export type PrivateRoutingService = (typeof PRIVATE_ROUTING_SERVICES)[number];
