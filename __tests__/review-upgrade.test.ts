import { versionChange } from "../model/versions";
import { diffStacks, type TerraformDoc } from "../review/diff";
import { isRefused, renderMarkdown } from "../review/render";
import { withUpgradeAdvice } from "../review/upgrade";
import { LATEST_2_11 } from "../operations/upgrade/plan";
import { minimalEnvironment, synthStack } from "./helpers";

const COMMAND = "npm run upgrade -- --config FILE --environment analytics";
/** What the review says for each version change around Airflow 3 (the review renders `explanation`). */
const say = (from: string, to: string, ignored = false) =>
  withUpgradeAdvice(versionChange(from, to), { command: COMMAND, ignored });

describe("the review's words for Airflow version changes", () => {
  test("GIVEN the latest 2.11.x -> 3.x without the guard THEN refused: Terraform replaces; it names the field and the command", () => {
    const c = say(LATEST_2_11, "3.3.1");
    expect(c).toMatchObject({ kind: "major-up", inPlace: false });
    expect(c?.explanation).toMatch(/Terraform would \*\*replace\*\* the environment .*DAG run history .* are lost/);
    expect(c?.explanation).toContain(
      `set airflow.majorUpgradeInPlace to true beside airflow.version 3.3.1 in this change (Terraform then ignores airflow_version), deploy it, then run \`${COMMAND}\``,
    );
  });

  test("GIVEN the latest 2.11.x -> 3.x with the guard THEN in place by the command, not refused", () => {
    const c = say(LATEST_2_11, "3.3.1", true);
    expect(c).toMatchObject({ kind: "major-up", inPlace: true, byCommand: true });
    expect(c?.explanation).toContain(
      `in place by \`${COMMAND}\` after this change is deployed (Terraform ignores airflow_version while airflow.majorUpgradeInPlace is set; metadata kept;`,
    );
  });

  test("GIVEN an older 2.11.x THEN first the minor upgrade to the latest 2.11.x without the guard, then the command, guarded or not", () => {
    for (const ignored of [false, true]) {
      const c = say("2.11.0", "3.3.1", ignored);
      expect(c?.inPlace).toBe(false);
      expect(c?.explanation).toContain(
        `first set airflow.version to ${LATEST_2_11}, without airflow.majorUpgradeInPlace, and deploy (a minor upgrade, in place), then set 3.3.1 with airflow.majorUpgradeInPlace and run \`${COMMAND}\``,
      );
    }
  });

  test("GIVEN 2.10.3 or older THEN the side-by-side migration, not the command", () => {
    const text = say("2.10.3", "3.3.1")?.explanation ?? "";
    expect(text).toContain("use the side-by-side migration");
    expect(text).not.toContain("npm run upgrade");
  });

  test("GIVEN 3.x -> 2.11.x THEN in place, keeps the metadata, long update", () => {
    expect(say("3.3.1", "2.11.2")).toMatchObject({ kind: "major-down", inPlace: true });
    expect(say("3.3.1", "2.11.2")?.explanation).toMatch(
      /^a major downgrade \(3\.3\.1 to 2\.11\.2\): in place, keeps the metadata, long update/,
    );
  });

  test("GIVEN a minor change within 3.x while the guard is set THEN refused: neither Terraform nor the command would make it", () => {
    const c = say("3.2.1", "3.3.1", true);
    expect(c?.inPlace).toBe(false);
    expect(c?.explanation).toMatch(
      /^a minor upgrade \(3\.2\.1 to 3\.3\.1\): Terraform ignores airflow_version while airflow\.majorUpgradeInPlace is set, .*remove airflow\.majorUpgradeInPlace in this change$/,
    );
  });

  test("GIVEN a minor change or a refused downgrade without the guard THEN the words stay those of versionChange (negative control)", () => {
    expect(say("2.10.3", "2.11.2")).toEqual(versionChange("2.10.3", "2.11.2"));
    expect(say("3.3.1", "2.10.3")).toEqual(versionChange("3.3.1", "2.10.3"));
  });
});

describe("the review of the in-place upgrade's config changes, from real synths", () => {
  // GIVEN one environment at the latest 2.11.x (before), the PR that sets 3.3.1 with or without the
  // guard (during), and the PR that removes the guard (after)
  const synth = (airflow: Record<string, unknown>) =>
    synthStack(minimalEnvironment({ name: "analytics", airflow })) as unknown as TerraformDoc;
  const before = synth({ version: LATEST_2_11 });
  const guarded = synth({ version: "3.3.1", majorUpgradeInPlace: true });
  const unguarded = synth({ version: "3.3.1" });
  const after = unguarded;
  const review = (base: TerraformDoc, head: TerraformDoc) => diffStacks({ analytics: base }, { analytics: head });
  const environmentOf = (r: ReturnType<typeof review>) =>
    r.stacks[0]?.changes.find((c) => c.type === "aws_mwaa_environment");

  test("WITH the guard: a LONG UPDATE made by the command, not refused, nothing replaced", () => {
    const r = review(before, guarded);
    const env = environmentOf(r);
    expect(env).toMatchObject({
      action: "update",
      longUpdate: true,
      versionChange: { inPlace: true, byCommand: true },
    });
    expect(isRefused(env!)).toBe(false);
    expect(r.stacks[0]?.counts).toMatchObject({ replaced: 0, changed: 1 });
    const md = renderMarkdown(r);
    expect(md).toContain("#### ⏳ LONG UPDATE");
    expect(md).toMatch(
      /⏳ `aws_mwaa_environment\.[^`]+` \(`analytics`\): the Airflow version changes in place by the upgrade command, not by this deploy/,
    );
    expect(md).toContain(
      "in place by `npm run upgrade -- --config FILE --environment analytics` after this change is deployed",
    );
    expect(md).toContain("_(in `lifecycle.ignore_changes`: Terraform plans no change to it)_");
    expect(md).toMatch(/\(`analytics`\): changed by the upgrade command _\(see LONG UPDATE above\)_/);
    expect(md).not.toMatch(/refused|REFUSED|REPLACES/);
  });

  test("WITHOUT the guard: refused (the review exits 2), naming the field and the command", () => {
    const r = review(before, unguarded);
    const env = environmentOf(r);
    expect(env?.action).toBe("replace");
    expect(isRefused(env!)).toBe(true);
    expect(renderMarkdown(r)).toContain(
      "set airflow.majorUpgradeInPlace to true beside airflow.version 3.3.1 in this change",
    );
  });

  test("removing the guard: a note to check the running version first, nothing else changes in AWS", () => {
    const r = review(guarded, after);
    expect(r.stacks[0]?.counts).toMatchObject({ replaced: 0, changed: 0, added: 0, removed: 0 });
    expect(r.stacks[0]?.notes).toEqual([
      expect.stringMatching(
        /^airflow\.majorUpgradeInPlace is removed for `aws_mwaa_environment\.[^`]+` \(`analytics`\): Terraform manages airflow_version \(3\.3\.1\) again\. .*would \*\*replace\*\* the environment .*`aws mwaa get-environment --name analytics --query Environment\.AirflowVersion`/,
      ),
    ]);
    expect(renderMarkdown(r)).toContain("> [!WARNING]\n> airflow.majorUpgradeInPlace is removed");
  });
});
