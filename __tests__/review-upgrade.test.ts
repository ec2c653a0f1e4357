import { versionChange } from "../constructs/versions";
import { withUpgradeAdvice } from "../scripts/review/upgrade";
import { LATEST_2_11 } from "../scripts/upgrade/plan";

/** What the review says for each version change around Airflow 3 (the review renders `explanation`). */
const say = (from: string, to: string) => withUpgradeAdvice(versionChange(from, to));

describe("the review's words for Airflow version changes", () => {
  test("GIVEN the latest 2.11.x -> 3.x THEN it says Terraform replaces, and to run the upgrade command first", () => {
    const c = say(LATEST_2_11, "3.3.1");
    expect(c).toMatchObject({ kind: "major-up", inPlace: false });
    expect(c?.explanation).toMatch(/Terraform would \*\*replace\*\* the environment .*DAG run history .* are lost/);
    expect(c?.explanation).toContain("run `npm run upgrade -- --config FILE --environment NAME --target 3.3.1` **before** applying this change");
    expect(c?.explanation).toContain(`the refresh reads 3.3.1`);
  });

  test("GIVEN an older 2.11.x THEN first the minor upgrade to the latest 2.11.x, then the command", () => {
    expect(say("2.11.0", "3.3.1")?.explanation).toContain(`first set airflow.version to ${LATEST_2_11} and deploy (a minor upgrade, in place), then run \`npm run upgrade`);
  });

  test("GIVEN 2.10.3 or older THEN the side-by-side migration, not the command", () => {
    const text = say("2.10.3", "3.3.1")?.explanation ?? "";
    expect(text).toContain("use the side-by-side migration");
    expect(text).not.toContain("npm run upgrade");
  });

  test("GIVEN 3.x -> 2.11.x THEN in place, keeps the metadata, long update", () => {
    expect(say("3.3.1", "2.11.2")).toMatchObject({ kind: "major-down", inPlace: true });
    expect(say("3.3.1", "2.11.2")?.explanation).toMatch(/^a major downgrade \(3\.3\.1 to 2\.11\.2\): in place, keeps the metadata, long update/);
  });

  test("GIVEN a minor change or a refused downgrade THEN the words stay those of versionChange (negative control)", () => {
    expect(say("2.10.3", "2.11.2")).toEqual(versionChange("2.10.3", "2.11.2"));
    expect(say("3.3.1", "2.10.3")).toEqual(versionChange("3.3.1", "2.10.3"));
  });
});
