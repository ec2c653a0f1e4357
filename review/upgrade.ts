/**
 * What the review says about an Airflow version change that Terraform and MWAA see differently.
 * A major upgrade from the latest 2.11.x is one MWAA makes in place (user guide "Changing the
 * Apache Airflow version", https://docs.aws.amazon.com/mwaa/latest/userguide/upgrading-environment.html),
 * but hashicorp/aws replaces the environment for it (internal/service/mwaa/environment.go,
 * CustomizeDiff `customdiff.ForceNewIf("airflow_version", ...)` when the old major is lower), so
 * the step goes through `npm run upgrade` while `airflow.majorUpgradeInPlace` makes Terraform
 * ignore airflow_version (`lifecycle.ignore_changes`; checked with terraform 1.11 and hashicorp/aws
 * 5.100.0: a state at 2.11.2 and a config at 3.3.1 plans a replacement without it, and the same plan
 * as an unchanged version with it). A downgrade from 3.x to 2.11.x is an in-place update for both.
 */
import type { VersionChange } from "../model/versions";
import { LATEST_2_11, majorUpgradeRefusal } from "../operations/upgrade/plan";

export const GUARD = "airflow.majorUpgradeInPlace";

/** The command for one environment of a stack (the stack is the config's environment name). */
export const upgradeCommand = (stack: string, candidate: boolean) =>
  `npm run upgrade -- --config FILE --environment ${stack}${candidate ? " --candidate" : ""}`;

/** A version change with the review's words; `byCommand`: the upgrade command makes it, not Terraform. */
export type UpgradeAdvice = VersionChange & { readonly byCommand?: boolean };

export interface UpgradeContext {
  /** `npm run upgrade ...` for this environment. */
  readonly command: string;
  /** The head synth has `lifecycle.ignore_changes` on airflow_version (the config's majorUpgradeInPlace). */
  readonly ignored: boolean;
}

/** The change with the review's explanation for the upgrade paths; others unchanged. */
export function withUpgradeAdvice(
  change: VersionChange | undefined,
  context: UpgradeContext,
): UpgradeAdvice | undefined {
  if (change === undefined) return undefined;
  const { from, to } = change;
  const { command, ignored } = context;
  if (change.kind === "major-down" && change.inPlace) {
    return {
      ...change,
      explanation: `a major downgrade (${from} to ${to}): in place, keeps the metadata, long update (MWAA snapshots the metadata database, changes every component and restores it; hashicorp/aws forces no replacement when the major goes down)`,
    };
  }
  if (change.kind !== "major-up") {
    if (!ignored) return change;
    // The guard makes Terraform skip any version change, and the command makes only the major upgrade.
    return {
      ...change,
      inPlace: false,
      explanation: `${change.explanation.split(":")[0]}: Terraform ignores airflow_version while ${GUARD} is set, and \`npm run upgrade\` makes only the major upgrade from ${LATEST_2_11}, so nothing would change it: remove ${GUARD} in this change`,
    };
  }
  const refusal = majorUpgradeRefusal(from, to);
  if (refusal !== undefined) {
    const route = from.startsWith("2.11.")
      ? `first set airflow.version to ${LATEST_2_11}, without ${GUARD}, and deploy (a minor upgrade, in place), then set ${to} with ${GUARD} and run \`${command}\``
      : `MWAA does not upgrade ${from} to 3.x in place: use the side-by-side migration (docs/upgrades.md, "Migrating to Airflow 3")`;
    return {
      ...change,
      explanation: `a major upgrade (${from} to ${to}): ${ignored ? "the upgrade command refuses it" : "Terraform would **replace** the environment"}. Instead: ${route}`,
    };
  }
  if (ignored) {
    return {
      ...change,
      inPlace: true,
      byCommand: true,
      explanation: `a major upgrade (${from} to ${to}): in place by \`${command}\` after this change is deployed (Terraform ignores airflow_version while ${GUARD} is set; metadata kept; a long update: MWAA snapshots the metadata database, changes every component and restores it). Deploying this plans no change to airflow_version; remove ${GUARD} in a later change once the environment runs ${to}`,
    };
  }
  const terraform = `Terraform would **replace** the environment (hashicorp/aws ForceNewIf on a major upgrade: destroy, then create an empty one; DAG run history and the variables, connections and pools in its metadata database are lost; with protectFromDestroy the plan fails on prevent_destroy instead)`;
  return {
    ...change,
    explanation: `a major upgrade (${from} to ${to}): ${terraform}. MWAA makes it in place, keeping the metadata: set ${GUARD} to true beside airflow.version ${to} in this change (Terraform then ignores airflow_version), deploy it, then run \`${command}\` (docs/upgrades.md)`,
  };
}

/** The note for a change that removes the guard: safe only once the environment runs the version. */
export function guardRemovedNote(address: string, name: string, version: string, command: string): string {
  return `${GUARD} is removed for \`${address}\` (\`${name}\`): Terraform manages airflow_version (${version}) again. If the environment already runs ${version}, this plans no change to it; if it does not (the upgrade command has not run or did not finish), Terraform would **replace** the environment for a major upgrade. Check with \`aws mwaa get-environment --name ${name} --query Environment.AirflowVersion\`, and if it does not, keep ${GUARD} in this change and run \`${command}\` first.`;
}
