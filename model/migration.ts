import type { z } from "zod";

/** Cross-field rules of `migration` (its schema is in model.ts, beside the `airflow` block it reuses). */
export function checkMigration(
  env: {
    name?: unknown;
    environmentName?: unknown;
    access?: { domainName?: string; hostedZoneId?: string; hostedZoneName?: string };
    endpoints?: { createdBy?: string };
    migration?: {
      candidate?: { environmentName?: unknown; airflow?: { configurationOptions?: Record<string, string> } };
      hostName?: string;
    };
  },
  ctx: z.RefinementCtx,
): void {
  const m = env.migration!;
  const current = typeof env.environmentName === "string" ? env.environmentName : env.name;
  const candidate = m.candidate?.environmentName;
  const at = (...p: string[]) => ["migration", ...p];
  if (
    typeof candidate === "string" &&
    typeof current === "string" &&
    candidate.toLowerCase() === current.toLowerCase()
  ) {
    ctx.addIssue({
      code: "custom",
      path: at("candidate", "environmentName"),
      message: `a name other than the current environment's ("${current}"): two MWAA environments cannot share a name`,
    });
  }
  // The environment named like the stack keeps the addresses it always had; a candidate with that
  // name would need them while the current one still holds them.
  if (
    typeof candidate === "string" &&
    typeof env.name === "string" &&
    candidate.toLowerCase() === env.name.toLowerCase() &&
    current !== env.name
  ) {
    ctx.addIssue({
      code: "custom",
      path: at("candidate", "environmentName"),
      message: `a name other than the stack's ("${env.name}")`,
    });
  }
  // Both schedulers run from the start: a DAG unpaused in the candidate would run twice (docs/upgrades.md, "Cutover").
  const paused = m.candidate?.airflow?.configurationOptions?.[CANDIDATE_PAUSED_OPTION];
  if (m.candidate !== undefined && paused?.toLowerCase() !== "true") {
    ctx.addIssue({
      code: "custom",
      path: at("candidate", "airflow", "configurationOptions", CANDIDATE_PAUSED_OPTION),
      message: `"True": the candidate's DAGs must start paused while the current environment's scheduler runs the same DAGs; cutover unpauses them (npm run airflow-state -- cutover-pause)`,
    });
  }
  if (env.access?.domainName === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["access", "domainName"],
      message: "required with migration: the domain serves one environment and a second host name the candidate",
    });
  } else if (m.hostName !== undefined && m.hostName === env.access.domainName) {
    ctx.addIssue({
      code: "custom",
      path: at("hostName"),
      message: `a host name other than access.domainName ("${env.access.domainName}")`,
    });
  } else if (env.access.hostedZoneId === undefined && env.access.hostedZoneName === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["access", "hostedZoneId"],
      message: "hostedZoneId or hostedZoneName is required with migration (the second host name's alias record)",
    });
  } else {
    const zone = env.access.hostedZoneName;
    const host = candidateHostName(m, env.access.domainName);
    if (zone !== undefined && !host.endsWith(`.${zone}`))
      ctx.addIssue({
        code: "custom",
        path: at("hostName"),
        message: `a name inside the hosted zone ${zone} (got "${host}")`,
      });
  }
  if (env.endpoints?.createdBy === "vpc-owner") {
    ctx.addIssue({
      code: "custom",
      path: ["endpoints", "createdBy"],
      message: 'stack or role with migration: the "vpc-owner" endpoints stack serves one environment',
    });
  }
}

/** The candidate's second host name: the configured one, or next.<domain>. */
export function candidateHostName(migration: { hostName?: string }, domainName: string): string {
  return migration.hostName ?? `next.${domainName}`;
}

/**
 * The option that keeps a candidate's DAGs paused until cutover, pinned in its config. Airflow's
 * default is True (Airflow configuration reference, [core] dags_are_paused_at_creation,
 * https://airflow.apache.org/docs/apache-airflow/stable/configurations-ref.html); MWAA's image
 * does not set it (aws/amazon-mwaa-docker-images 9d2bebb: no images/airflow/<v>/ file names it). A pin holds whatever a default or an image does. Kept
 * after finishing: the candidate's `airflow` block becomes `airflow`, so finishing updates nothing.
 */
export const CANDIDATE_PAUSED_OPTION = "core.dags_are_paused_at_creation";
