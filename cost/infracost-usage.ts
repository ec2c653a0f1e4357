/**
 * The Infracost usage file (infracost-usage.yml) of one synthesized stack, so that `infracost
 * breakdown --usage-file` prices the config's workers, schedulers and metadata database instead
 * of Infracost's zero defaults. Written by synth beside each stack's cdk.tf.json.
 */
import { ENVIRONMENT_CLASSES, type ClassLimits } from "../model/versions";
import type { StackJson } from "./units";
import { billableUnits } from "./units";

/**
 * The usage keys Infracost reads for `aws_mwaa_environment`, in its order. Source:
 * infracost/infracost@95ba4f49a7abf5567b04f751a115543281a4ab18
 * internal/resources/aws/mwaa_environment.go, `MWAAEnvironment.UsageSchema()`:
 *   {Key: "additional_workers", DefaultValue: 0.0, ValueType: schema.Float64},
 *   {Key: "additional_schedulers", DefaultValue: 0.0, ValueType: schema.Float64},
 *   {Key: "meta_database_gb", DefaultValue: 0.0, ValueType: schema.Float64},
 * Semantics (infracost-usage-example.yml of that commit): "Average number of monthly additional
 * worker instances", "Average number of monthly additional scheduler instances", "Total storage
 * used for meta database" (GB). Workers and schedulers are hourly quantities (the golden test
 * testdata/mwaa_environment_test: 2.5 additional workers -> 1,825 worker hours a month).
 */
export const INFRACOST_MWAA_USAGE_KEYS = ["additional_workers", "additional_schedulers", "meta_database_gb"] as const;

/** Usage file format: `version: 0.1`, `resource_usage` keyed by Terraform address (infracost-usage-example.yml). */
export const INFRACOST_USAGE_VERSION = "0.1";

/** The file name beside each stack's cdk.tf.json. */
export const USAGE_FILE = "infracost-usage.yml";

export type MwaaUsage = Record<(typeof INFRACOST_MWAA_USAGE_KEYS)[number], number>;

/** The config's `cost` block: what the estimate assumes beyond the synthesized JSON. */
export interface CostAssumptions {
  readonly metadataDatabaseGb: number;
  /** @default - each environment's min_workers */
  readonly averageWorkers?: number;
}

/** Infracost's "small" default metadata size (model/schema.ts costSchema), for stacks without an environment in the config. */
export const DEFAULT_COST: CostAssumptions = { metadataDatabaseGb: 50 };

/**
 * The usage of each MWAA environment in a stack, keyed by its Terraform address. "Additional"
 * counts what runs beyond one worker and beyond the schedulers of the class's default count
 * (model/versions.ts ENVIRONMENT_CLASSES, 2; 1 for mw1.micro). Workers: the config's
 * cost.averageWorkers held within min_workers..max_workers, else min_workers (they always run).
 */
export function mwaaUsage(stack: StackJson, cost: CostAssumptions): Record<string, MwaaUsage> {
  const out: Record<string, MwaaUsage> = {};
  for (const env of billableUnits(stack).environments) {
    const limits = (ENVIRONMENT_CLASSES as Record<string, ClassLimits>)[env.environmentClass];
    const includedSchedulers = limits?.schedulers[0] ?? 2;
    out[env.address] = {
      additional_workers: Math.max(
        0,
        Math.min(env.maxWorkers, Math.max(env.minWorkers, cost.averageWorkers ?? env.minWorkers)) - 1,
      ),
      additional_schedulers: Math.max(0, env.schedulers - includedSchedulers),
      meta_database_gb: cost.metadataDatabaseGb,
    };
  }
  return out;
}

/** The YAML text of a stack's usage file (plain numbers and addresses only: no YAML library needed). */
export function usageFileText(stack: StackJson, cost: CostAssumptions): string {
  const usage = mwaaUsage(stack, cost);
  const envs = new Map(billableUnits(stack).environments.map((e) => [e.address, e]));
  const lines = [
    "# Infracost usage file, written by `npm run synth` from the config: change the config's `cost` block, not this file.",
    "# infracost breakdown --path cdk.tf.json --usage-file infracost-usage.yml (docs/cost.md)",
    `version: ${INFRACOST_USAGE_VERSION}`,
  ];
  if (Object.keys(usage).length === 0) {
    lines.push("resource_usage: {}");
    return `${lines.join("\n")}\n`;
  }
  lines.push("resource_usage:");
  for (const [address, u] of Object.entries(usage)) {
    const env = envs.get(address)!;
    const comments: Record<keyof MwaaUsage, string> = {
      additional_workers: `workers beyond the first: ${cost.averageWorkers === undefined ? `min_workers ${env.minWorkers}` : `cost.averageWorkers ${cost.averageWorkers}`} - 1 (range ${env.minWorkers - 1} to ${env.maxWorkers - 1} for ${env.minWorkers}-${env.maxWorkers} workers)`,
      additional_schedulers: `schedulers ${env.schedulers} beyond the ${env.environmentClass} default`,
      meta_database_gb: "cost.metadataDatabaseGb in the config",
    };
    lines.push(`  ${address}:`);
    for (const key of INFRACOST_MWAA_USAGE_KEYS) lines.push(`    ${key}: ${u[key]} # ${comments[key]}`);
  }
  return `${lines.join("\n")}\n`;
}
