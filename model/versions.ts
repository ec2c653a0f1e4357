/**
 * What MWAA supports, in one place. Every Airflow version below is one an AWS source confirms MWAA
 * accepts (rechecked 2026-12); 2.4.3 to 2.6.3 reached end of support on 2025-12-30 and are not
 * offered here (MWAA user guide, "Apache Airflow versions").
 *
 * Sources, by key:
 * - API: the MWAA API model, boto/botocore `botocore/data/mwaa/2020-07-01/service-2.json`
 *   (CreateEnvironmentInput.AirflowVersion "Valid values: 2.7.2, 2.8.1, 2.9.2, 2.10.1, 2.10.3,
 *   2.11.0, and 3.0.6").
 * - GUIDE: MWAA user guide, FAQ "What Python version should I use?" (the version table with
 *   Python and MWAA availability date; docs.aws.amazon.com/mwaa/latest/userguide/mwaa-faqs.html):
 *   3.3.1 (2026-09-01), 3.2.1 (2026-05-19), 2.11.2 (2026-07-23), 2.11.0, 3.0.6, 2.10.3, 2.10.1,
 *   2.9.2, 2.8.1, 2.7.2.
 * - IMAGE: MWAA's image repository aws/amazon-mwaa-docker-images,
 *   `images/airflow/<version>/Dockerfile.base.j2` (`ENV PYTHON_VERSION=3.12.x` for 2.11.x and
 *   3.x, `3.11.9` for 2.9.2 to 2.10.3).
 */

export type VersionSource = "API" | "GUIDE" | "IMAGE";

/** Airflow versions MWAA runs: the Python of their image (the wheel pipeline downloads for it) and who says so. */
export const AIRFLOW_VERSIONS = {
  "2.7.2": { python: "3.11", sources: ["API", "GUIDE"] },
  "2.8.1": { python: "3.11", sources: ["API", "GUIDE"] },
  "2.9.2": { python: "3.11", sources: ["API", "GUIDE", "IMAGE"] },
  "2.10.1": { python: "3.11", sources: ["API", "GUIDE", "IMAGE"] },
  "2.10.3": { python: "3.11", sources: ["API", "GUIDE", "IMAGE"] },
  "2.11.0": { python: "3.12", sources: ["API", "GUIDE", "IMAGE"] },
  "2.11.2": { python: "3.12", sources: ["GUIDE", "IMAGE"] },
  "3.0.6": { python: "3.12", sources: ["API", "GUIDE", "IMAGE"] },
  "3.2.1": { python: "3.12", sources: ["GUIDE", "IMAGE"] },
  "3.3.1": { python: "3.12", sources: ["GUIDE", "IMAGE"] },
} as const satisfies Record<string, { python: string; sources: readonly VersionSource[] }>;

export type AirflowVersion = keyof typeof AIRFLOW_VERSIONS;

/** New environments get the newest Airflow 3 MWAA accepts: Airflow 2 is past its community support. */
export const DEFAULT_AIRFLOW_VERSION: AirflowVersion = "3.3.1";

export function airflowMajor(version: AirflowVersion): 2 | 3 {
  return version.startsWith("3.") ? 3 : 2;
}

/** The environment's attribute that Terraform ignores while airflow.majorUpgradeInPlace is set. */
export const AIRFLOW_VERSION = "airflow_version";

/** AWS's guide to moving to a new major version in a new environment. */
export const MIGRATION_GUIDE_URL = "https://docs.aws.amazon.com/mwaa/latest/migrationguide/migrating-to-new-mwaa.html";

export interface VersionChange {
  readonly from: string;
  readonly to: string;
  /** minor: same major; major-up: 2 to 3; major-down: 3 to 2. */
  readonly kind: "minor" | "major-up" | "major-down";
  /** Whether this project applies it as an in-place update of the same environment. */
  readonly inPlace: boolean;
  /** One sentence for people: what happens, or why not and the allowed path. */
  readonly explanation: string;
}

const parts = (v: string) => v.split(".").map(Number);

/**
 * What changing an existing environment's Airflow version does. MWAA user guide "Changing the
 * Apache Airflow version" (upgrading-environment): minor versions go up and down in place (MWAA
 * snapshots and restores the metadata database); a major upgrade in place is possible only from
 * the latest 2.11.x, and 3.x can go down to 2.11.x only. hashicorp/terraform-provider-aws
 * internal/service/mwaa/environment.go replaces the environment when the major version goes up
 * (CustomizeDiff ForceNewIf), so here 2 to 3 goes through the side-by-side migration (docs/upgrades.md).
 */
export function versionChange(from: string, to: string): VersionChange | undefined {
  if (from === to) return undefined;
  const [a, b] = [parts(from), parts(to)];
  if (a.some(Number.isNaN) || b.some(Number.isNaN)) return undefined;
  const direction = b[0] > a[0] ? "major-up" : b[0] < a[0] ? "major-down" : "minor";
  const i = b.findIndex((n, k) => n !== a[k]);
  const up = i >= 0 && b[i] > (a[i] ?? -1);
  if (direction === "minor") {
    return {
      from,
      to,
      kind: "minor",
      inPlace: true,
      explanation: `a minor ${up ? "upgrade" : "downgrade"} (${from} to ${to}): MWAA changes it in place, keeping the metadata database (a long update)`,
    };
  }
  if (direction === "major-up") {
    return {
      from,
      to,
      kind: "major-up",
      inPlace: false,
      explanation: `a major upgrade (${from} to ${to}) replaces the environment (Terraform destroys it and creates a new one with an empty metadata database): not allowed in place; use the side-by-side migration (docs/upgrades.md, "Migrating to Airflow 3"; AWS: ${MIGRATION_GUIDE_URL})`,
    };
  }
  const to211 = b[0] === 2 && b[1] === 11;
  return to211
    ? {
        from,
        to,
        kind: "major-down",
        inPlace: true,
        explanation: `a major downgrade (${from} to ${to}): MWAA supports it in place to 2.11.x only, keeping the metadata database (a long update)`,
      }
    : {
        from,
        to,
        kind: "major-down",
        inPlace: false,
        explanation: `a downgrade from ${from} to ${to} is not supported by MWAA: from 3.x it goes down to 2.11.x only (2.11.0 or 2.11.2)`,
      };
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

/**
 * Interface endpoints Session Manager needs on a host without internet access: ssm, ssmmessages and
 * ec2messages (AWS Systems Manager User Guide, "Improve the security of EC2 instances by using VPC
 * endpoints for Systems Manager" and "Reference: ec2messages, ssmmessages, and other API operations",
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-setting-up-messageAPIs.html).
 */
export const SESSION_MANAGER_SERVICES = ["ssm", "ssmmessages", "ec2messages"] as const;

/** Every AWS service endpoint `network.serviceEndpoints` can create. */
export const SERVICE_ENDPOINTS = [...PRIVATE_ROUTING_SERVICES, ...SESSION_MANAGER_SERVICES] as const;

export type ServiceEndpoint = (typeof SERVICE_ENDPOINTS)[number];
