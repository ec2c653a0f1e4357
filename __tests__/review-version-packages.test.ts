import type { ImageData } from "../plugins/image-data";
import { diffStack } from "../review/diff";
import { renderMarkdown } from "../review/render";
import type { TerraformDoc } from "../review/types";
import { versionPackageItems, versionPackageLines } from "../review/version-packages";

const header =
  "# Generated from requirements.txt by the plugins.zip pipeline (plugins/): edit that file, not this one.\n--find-links /usr/local/airflow/plugins\n--no-index\n";

function image(
  version: string,
  pins: { constraints: Record<string, string>; essential?: Record<string, string>; installed?: Record<string, string> },
): ImageData {
  const root = `images/airflow/${version}`;
  return {
    airflowVersion: version,
    source: {
      repository: "aws/amazon-mwaa-docker-images",
      commit: "0".repeat(40),
      constraints: `${root}/etc/airflow_constraints.txt`,
      essentialConstraints: `${root}/etc/mwaa_essential_constraints.txt`,
      billOfMaterials: `${root}/BillOfMaterials/${version}/Python-Packages-BOM.txt`,
    },
    constraints: pins.constraints,
    essentialConstraints: pins.essential ?? {},
    installed: pins.installed ?? {},
  };
}

const v2 = image("2.11.0", {
  constraints: {
    "apache-airflow-providers-amazon": "9.1.0",
    Apache_Airflow_Providers_Snowflake: "5.0.0",
    requests: "2.31.0",
    boto3: "1.35.0",
    same: "1.0",
    gone: "1.0",
  },
  essential: { celery: "5.5.2" },
  installed: { "apache-airflow-providers-amazon": "9.1.0", celery: "5.5.2", boto3: "1.35.0" },
});
const v3 = image("3.3.1", {
  constraints: {
    "apache-airflow-providers-amazon": "9.34.0",
    "apache-airflow-providers-snowflake": "6.1.0",
    requests: "2.32.3",
    boto3: "1.40.0",
    same: "1.0",
    added: "2.0",
  },
  essential: { celery: "5.6.3" },
  installed: { "apache-airflow-providers-amazon": "9.34.0", celery: "5.6.3", boto3: "1.40.0", "only-in-3": "1.0" },
});

describe("the review's packages on a new Airflow version", () => {
  test("named packages whose resolved version changes, with the file that pins them; pinned and unchanged ones are left out; the rest counted", () => {
    // GIVEN requirements naming a constrained, a critical, a pinned, an unconstrained and an unchanged package
    const requirements = `${header}apache-airflow-providers-amazon\napache-airflow-providers-snowflake>=5\ncelery\nacme-helpers==1.0.0\nsame\n`;
    // WHEN compared between the two images
    const lines = versionPackageLines(requirements, v2, v3);
    // THEN each named package that moves is one line, and the other constraint changes are a count
    expect(lines).toEqual([
      "`apache-airflow-providers-amazon` 9.1.0 → 9.34.0 (Airflow 2.11.0 → 3.3.1 constraints)",
      "`apache-airflow-providers-snowflake` 5.0.0 → 6.1.0 (Airflow 2.11.0 → 3.3.1 constraints)",
      "`celery` 5.5.2 → 5.6.3 (Airflow 2.11.0 → 3.3.1 essential constraints)",
      "other packages pinned by the Airflow constraints: 2 change version, 1 only in 3.3.1, 1 only in 2.11.0; the requirements' dependencies among them install at the new versions (compare `images/airflow/2.11.0/etc/airflow_constraints.txt` with `images/airflow/3.3.1/etc/airflow_constraints.txt` in aws/amazon-mwaa-docker-images)",
    ]);
  });

  test("requirements whose packages all keep their version say so before the count", () => {
    expect(versionPackageLines(`${header}acme-helpers==1.0.0\nsame\n`, v2, v3)).toEqual([
      "no package it names changes version",
      expect.stringMatching(/^other packages pinned by the Airflow constraints: 4 change version/),
    ]);
  });

  test("requirements with constraints of their own: the Airflow constraints do not apply, the image's installed packages do", () => {
    // GIVEN a file that names its own constraints (user_requirements.py then adds no Airflow constraints)
    const requirements = `${header}-c /usr/local/airflow/plugins/constraints.txt\napache-airflow-providers-amazon\nrequests\nonly-in-3\n`;
    // THEN only the installed version moves a package, and the count is of installed packages
    expect(versionPackageLines(requirements, v2, v3)).toEqual([
      "`apache-airflow-providers-amazon` 9.1.0 → 9.34.0 (installed in the Airflow 2.11.0 → 3.3.1 image)",
      "`only-in-3` (from plugins.zip) → 1.0 (a wheel in plugins.zip → installed in the Airflow 3.3.1 image)",
      expect.stringMatching(
        /^other packages installed in the image: 2 change version, 0 only in 3.3.1, 0 only in 2.11.0; .*BillOfMaterials\/2\.11\.0\/.* with `images\/airflow\/3\.3\.1\/BillOfMaterials\/3\.3\.1\/Python-Packages-BOM\.txt`/,
      ),
    ]);
  });

  const requirementsObject = (content: string) => ({ key: "requirements.txt", content });
  const stack = (version: string, content: string, extra: Partial<TerraformDoc> = {}): TerraformDoc => ({
    resource: {
      aws_mwaa_environment: {
        Env: { name: "analytics", airflow_version: version, requirements_s3_path: "${aws_s3_object.Req.key}" },
      },
      aws_s3_object: { Req: requirementsObject(content) },
    },
    ...extra,
  });

  test("an in-place version change in the shipped image data names the provider's new version, in its own section of the review", () => {
    // GIVEN an environment going from 2.11.0 to 3.3.1 with the same requirements (shipped plugins/image-data)
    const requirements = `${header}apache-airflow-providers-amazon\n`;
    // WHEN reviewed
    const review = diffStack("analytics", stack("2.11.0", requirements), stack("3.3.1", requirements));
    const markdown = renderMarkdown({ stacks: [review], renames: [], protectedAtRisk: [] });
    // THEN the section names the environment, the versions and the provider's move (2.11.0 and 3.3.1 etc/airflow_constraints.txt)
    expect(markdown).toContain("#### 📦 PACKAGES ON THE NEW AIRFLOW VERSION");
    expect(markdown).toContain(
      "- `analytics` Airflow 2.11.0 → 3.3.1: its requirements.txt resolved on the MWAA 3.3.1 image",
    );
    expect(markdown).toContain(
      "  - `apache-airflow-providers-amazon` 9.8.0 → 9.34.0 (Airflow 2.11.0 → 3.3.1 constraints)",
    );
    expect(markdown).toMatch(
      / {2}- other packages pinned by the Airflow constraints: \d{3} change version, \d+ only in 3\.3\.1, \d+ only in 2\.11\.0/,
    );
  });

  test("a migration candidate on another version is compared with the current environment's version", () => {
    // GIVEN a migration that starts: the candidate on 3.3.1 beside the current 2.11.0 environment
    const requirements = `${header}apache-airflow-providers-amazon\n`;
    const base = stack("2.11.0", requirements);
    const head: TerraformDoc = {
      resource: {
        aws_mwaa_environment: {
          Env: { name: "analytics", airflow_version: "2.11.0", requirements_s3_path: "${aws_s3_object.Req.key}" },
          Candidate: {
            name: "analytics-af3",
            airflow_version: "3.3.1",
            requirements_s3_path: "${aws_s3_object.CandidateReq.key}",
          },
        },
        aws_s3_object: { Req: requirementsObject(requirements), CandidateReq: requirementsObject(requirements) },
      },
      output: {
        mwaa_environment_name: { value: "analytics" },
        mwaa_candidate_environment_name: { value: "analytics-af3" },
      },
    };
    // THEN the candidate's packages are named against the current environment's image
    const items = versionPackageItems(base, head);
    expect(items[0]).toBe(
      "- `analytics-af3` Airflow 2.11.0 → 3.3.1: its requirements.txt resolved on the MWAA 3.3.1 image (checked at synth) instead of 2.11.0",
    );
    expect(items[1]).toBe("  - `apache-airflow-providers-amazon` 9.8.0 → 9.34.0 (Airflow 2.11.0 → 3.3.1 constraints)");
  });

  test("nothing when the version does not change, or the environment has no requirements; a version without image data is said so", () => {
    const requirements = `${header}apache-airflow-providers-amazon\n`;
    expect(versionPackageItems(stack("3.3.1", requirements), stack("3.3.1", `${requirements}x==1\n`))).toEqual([]);
    expect(versionPackageItems(stack("2.11.0", header), stack("3.3.1", header))).toEqual([]);
    // GIVEN a version whose image is not public (2.8.1)
    expect(versionPackageItems(stack("2.8.1", requirements), stack("2.9.2", requirements))[1]).toMatch(
      /^ {2}- not compared: aws\/amazon-mwaa-docker-images has no image for Airflow 2\.8\.1/,
    );
  });
});
