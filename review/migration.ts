/**
 * The steps of a side-by-side migration, read from the outputs the stack writes while one is in
 * progress (constructs/stack.ts: mwaa_environment_name, mwaa_candidate_environment_name,
 * mwaa_served_environment_name, mwaa_candidate_url). Pure: two parsed cdk.tf.json documents in,
 * sentences out. Environment names and Airflow versions come from the synthesized JSON.
 */
import type { TerraformDoc } from "./types";

export interface MigrationState {
  readonly current?: string;
  readonly candidate?: string;
  readonly served?: string;
  readonly candidateUrl?: string;
  /** Airflow version by environment name. */
  readonly versions: ReadonlyMap<string, string>;
  /** The DAG files each environment reads (S3 keys under its dag_s3_path), by environment name. */
  readonly dags: ReadonlyMap<string, readonly string[]>;
}

/** The migration outputs of a stack and the Airflow version of each environment, by name. */
export function migrationState(doc: TerraformDoc): MigrationState {
  const outputs = (
    typeof doc.output === "object" && doc.output !== null && !Array.isArray(doc.output) ? doc.output : {}
  ) as Record<string, { value?: unknown }>;
  const literal = (key: string) => {
    const v = outputs[key]?.value;
    return typeof v === "string" && !v.includes("${") ? v : undefined;
  };
  const versions = new Map<string, string>();
  const dags = new Map<string, string[]>();
  const keys = Object.values(doc.resource?.aws_s3_object ?? {}).flatMap((o) =>
    typeof o.key === "string" ? [o.key] : [],
  );
  for (const block of Object.values(doc.resource?.aws_mwaa_environment ?? {})) {
    if (typeof block.name === "string" && typeof block.airflow_version === "string")
      versions.set(block.name, block.airflow_version);
    if (typeof block.name === "string" && typeof block.dag_s3_path === "string") {
      const prefix = block.dag_s3_path.endsWith("/") ? block.dag_s3_path : `${block.dag_s3_path}/`;
      dags.set(block.name, keys.filter((k) => k.startsWith(prefix)).sort());
    }
  }
  const current = literal("mwaa_environment_name");
  const candidate = literal("mwaa_candidate_environment_name");
  return {
    current,
    candidate,
    served: literal("mwaa_served_environment_name") ?? current,
    candidateUrl: literal("mwaa_candidate_url"),
    versions,
    dags,
  };
}

const METADATA =
  "its Airflow metadata database goes with it: DAG run history, task instances, and the variables and connections stored there (not those in a secrets backend). Export what you need first (docs/upgrades.md)";

/** The command that pauses and unpauses DAGs at cutover (through MWAA's InvokeRestApi; docs/airflow-state.md). */
export const CUTOVER_PAUSE_COMMAND = "npm run airflow-state -- cutover-pause --config FILE [--dry-run]";

/** Cutover, in order: the candidate's update, then the switch, and the DAGs to pause and unpause around it. */
function cutoverOrder(h: MigrationState): string[] {
  const list = (env: string | undefined) => {
    const files = env === undefined ? [] : (h.dags.get(env) ?? []);
    return files.length === 0
      ? "every DAG (its DAG files are not uploaded by this stack)"
      : files.map((f) => `\`${f}\``).join(", ");
  };
  return [
    `⏱️ **Order**: 1. Terraform updates ${`\`${h.candidate}\``} (base URL to the domain; 10 to 30 minutes, workers replaced). 2. Only when that update has finished, the listener's default action and the candidate's sign-in rules switch the domain to it (\`depends_on\` the candidate environment). If MWAA rolls the update back, the apply stops before step 2 and the domain keeps serving \`${h.current}\`.`,
    `⏸️ **DAGs**: both schedulers run; the DAGs run in \`${h.current}\` until the switch. When the apply has finished, pause in \`${h.current}\`: ${list(h.current)}; then unpause in \`${h.candidate}\` (its DAGs start paused: \`core.dags_are_paused_at_creation\` is pinned): ${list(h.candidate)}. \`${CUTOVER_PAUSE_COMMAND}\` does both on both environments.`,
  ];
}

/** What a change does to a migration, one line per fact; [] when no migration is involved. */
export function migrationNotes(base: TerraformDoc, head: TerraformDoc): string[] {
  const b = migrationState(base);
  const h = migrationState(head);
  const named = (s: MigrationState, env: string | undefined) =>
    `\`${env}\`${env !== undefined && s.versions.has(env) ? ` (Airflow ${s.versions.get(env)})` : ""}`;
  if (b.candidate === undefined && h.candidate !== undefined) {
    return [
      `🔀 **Migration starts**: creates the candidate environment ${named(h, h.candidate)} beside ${named(h, h.current)}, with its own role, security group, endpoints, log groups, artifacts, target group, sign-in and monitoring; network, bucket and ALB are shared. ${named(h, h.current)} is not touched.`,
      `🌐 The domain serves ${named(h, h.served)}; the candidate is at ${h.candidateUrl ?? "its second host name"}.`,
    ];
  }
  if (b.candidate !== undefined && h.candidate !== undefined) {
    if (b.served === h.served)
      return [
        `🔀 Migration in progress: the domain serves ${named(h, h.served)}; the candidate ${named(h, h.candidate)} is at ${h.candidateUrl ?? "its second host name"}.`,
      ];
    if (h.served === h.candidate) {
      return [
        `🔀 **Cutover**: the domain now serves the candidate ${named(h, h.candidate)} instead of ${named(b, b.served)}. ${named(h, h.current)} keeps running, unchanged, for a rollback.`,
        `🌐 The candidate's base URL moves to the domain: an in-place update of ${named(h, h.candidate)}.`,
        ...cutoverOrder(h),
      ];
    }
    return [
      `🔀 **Rollback**: the domain serves ${named(h, h.served)} again instead of the candidate ${named(b, b.served)}. The candidate keeps running at ${h.candidateUrl ?? "its second host name"}.`,
    ];
  }
  if (b.candidate !== undefined && h.candidate === undefined) {
    if (h.current === b.candidate) {
      return [
        `🔀 **Migration finishes**: ${named(h, h.current)} is kept (no replacement: its addresses do not change) and the domain serves it. The second host name goes.`,
        `🛑 The old environment ${named(b, b.current)} is **destroyed**, and ${METADATA}.`,
      ];
    }
    return [
      `🔀 **Migration abandoned**: the candidate ${named(b, b.candidate)} is **destroyed**, and ${METADATA}. ${named(h, h.current)} stays and the domain serves it.`,
    ];
  }
  return [];
}
