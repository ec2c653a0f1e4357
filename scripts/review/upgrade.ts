/**
 * What the review says about an Airflow version change that Terraform and MWAA see differently.
 * A major upgrade from the latest 2.11.x is one MWAA makes in place (user guide "Changing the
 * Apache Airflow version", https://docs.aws.amazon.com/mwaa/latest/userguide/upgrading-environment.html),
 * but hashicorp/aws replaces the environment for it (internal/service/mwaa/environment.go,
 * CustomizeDiff `customdiff.ForceNewIf("airflow_version", ...)` when the old major is lower), so
 * the step goes through `npm run upgrade` and the config follows. A downgrade from 3.x to 2.11.x
 * is an in-place update for both. The review compares synths, not AWS: it cannot see whether the
 * command already ran, so it says what happens in each case.
 */
import type { VersionChange } from "../../constructs/versions";
import { LATEST_2_11, majorUpgradeRefusal } from "../upgrade/plan";

export const UPGRADE_COMMAND = "npm run upgrade -- --config FILE --environment NAME";

/** The change with the review's explanation for the upgrade paths; others unchanged. */
export function withUpgradeAdvice(change: VersionChange | undefined): VersionChange | undefined {
  if (change === undefined) return undefined;
  const { from, to } = change;
  if (change.kind === "major-down" && change.inPlace) {
    return { ...change, explanation: `a major downgrade (${from} to ${to}): in place, keeps the metadata, long update (MWAA snapshots the metadata database, changes every component and restores it; hashicorp/aws forces no replacement when the major goes down)` };
  }
  if (change.kind !== "major-up") return change;
  const terraform = `Terraform would **replace** the environment (hashicorp/aws ForceNewIf on a major upgrade: destroy, then create an empty one; DAG run history and the variables, connections and pools in its metadata database are lost; with protectFromDestroy the plan fails on prevent_destroy instead)`;
  const refusal = majorUpgradeRefusal(from, to);
  if (refusal !== undefined) {
    const route = from.startsWith("2.11.") ? `first set airflow.version to ${LATEST_2_11} and deploy (a minor upgrade, in place), then run \`${UPGRADE_COMMAND} --target ${to}\`` : `MWAA does not upgrade ${from} to 3.x in place: use the side-by-side migration (README, "Migrating to Airflow 3")`;
    return { ...change, explanation: `a major upgrade (${from} to ${to}): ${terraform}. Instead: ${route}` };
  }
  return {
    ...change,
    explanation: `a major upgrade (${from} to ${to}): ${terraform}. MWAA makes it in place, keeping the metadata: run \`${UPGRADE_COMMAND} --target ${to}\` **before** applying this change; once it has finished, \`terraform plan\` shows no change to airflow_version (the refresh reads ${to}) and this change is safe to apply (README, "Upgrading to Airflow 3"). This review cannot see which is the case: check the plan`,
  };
}
