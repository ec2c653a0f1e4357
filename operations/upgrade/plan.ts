/**
 * Which Airflow version changes MWAA makes in place, and which of them this project's upgrade
 * command drives. MWAA user guide "Changing the Apache Airflow version"
 * (https://docs.aws.amazon.com/mwaa/latest/userguide/upgrading-environment.html): MWAA supports
 * minor and major upgrades and downgrades; a major upgrade from 2.y.z to 3.y.z goes first to the
 * latest 2.11.x, then to 3.x; from 2.10.3 or older, create a new environment and migrate; 3.y.z can
 * go down to 2.11.x. MWAA snapshots the metadata database, changes the components and restores the
 * database from the snapshot. (Rechecked 2026-12 in the guide's current translations, e.g.
 * https://docs.aws.amazon.com/ja_jp/mwaa/latest/userguide/upgrading-environment.md; the English
 * copies stored for this project predate the change.)
 */
import { AIRFLOW_VERSIONS, airflowMajor, type AirflowVersion } from "../../model/versions";

const parts = (v: string) => v.split(".").map(Number);
const compare = (a: string, b: string) => {
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++)
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
};

const LISTED = Object.keys(AIRFLOW_VERSIONS) as AirflowVersion[];

/** The newest 2.11.x this project lists: the only version MWAA upgrades to 3.x in place. */
export const LATEST_2_11 = LISTED.filter((v) => v.startsWith("2.11."))
  .sort(compare)
  .at(-1) as AirflowVersion;

/** The newest 3.x this project lists. */
export const NEWEST_3 = LISTED.filter((v) => airflowMajor(v) === 3)
  .sort(compare)
  .at(-1) as AirflowVersion;

/** Whether `from` -> `to` is a major upgrade MWAA makes in place; otherwise the reason and what to do. */
export function majorUpgradeRefusal(from: string, to: string): string | undefined {
  if (!Object.hasOwn(AIRFLOW_VERSIONS, to) || !to.startsWith("3.")) {
    return `target ${to}: not an Airflow 3 version this project lists (${LISTED.filter((v) => v.startsWith("3.")).join(", ")})`;
  }
  if (from.startsWith("3."))
    return `the environment already runs Airflow ${from}: a change within 3.x is a minor one, made by Terraform from the config (airflow.version)`;
  if (!from.startsWith("2.")) return `the environment runs Airflow ${from}: MWAA upgrades in place from 2.11.x only`;
  if (compare(from, "2.11.0") < 0) {
    return `the environment runs Airflow ${from}: from 2.10.3 or older MWAA does not upgrade to 3.x in place; create a new environment and migrate (docs/upgrades.md, "Migrating to Airflow 3", the side-by-side migration)`;
  }
  if (from !== LATEST_2_11) {
    return `the environment runs Airflow ${from}, not the latest 2.11.x (${LATEST_2_11}): MWAA upgrades to 3.x only from the latest 2.11.x; first set airflow.version to ${LATEST_2_11}, without airflow.majorUpgradeInPlace, and deploy (a minor upgrade, which Terraform makes in place)`;
  }
  return undefined;
}
