/** The one list of Airflow versions and what changing between them means. */
import {
  AIRFLOW_VERSIONS,
  DEFAULT_AIRFLOW_VERSION,
  airflowMajor,
  versionChange,
  type AirflowVersion,
} from "../model/versions";
import { parseEnvironment } from "../model/parse";
import { PRIVATE_SUBNET_IDS } from "./helpers";

const versions = Object.keys(AIRFLOW_VERSIONS) as AirflowVersion[];

describe("the version list", () => {
  test("holds every version an AWS source confirms, each with its Python and source", () => {
    // GIVEN the API model (2.7.2 .. 2.11.0, 3.0.6), the user guide and MWAA's image repository (2.11.2, 3.2.1, 3.3.1)
    // THEN all ten are there, none dropped, each with a Python version and at least one source
    expect(versions).toEqual([
      "2.7.2",
      "2.8.1",
      "2.9.2",
      "2.10.1",
      "2.10.3",
      "2.11.0",
      "2.11.2",
      "3.0.6",
      "3.2.1",
      "3.3.1",
    ]);
    for (const v of versions) {
      expect(AIRFLOW_VERSIONS[v].python).toMatch(/^3\.1[12]$/);
      expect(AIRFLOW_VERSIONS[v].sources.length).toBeGreaterThan(0);
    }
    // Python 3.12 from 2.11.0 on (image Dockerfile.base.j2 PYTHON_VERSION)
    expect(versions.filter((v) => AIRFLOW_VERSIONS[v].python === "3.12")).toEqual([
      "2.11.0",
      "2.11.2",
      "3.0.6",
      "3.2.1",
      "3.3.1",
    ]);
  });

  test("new environments default to the newest Airflow 3", () => {
    // GIVEN an environment without airflow.version
    const env = parseEnvironment({
      name: "dev",
      region: "eu-west-1",
      network: { vpcId: "vpc-0a1b2c3d4e5f60718", privateSubnetIds: [...PRIVATE_SUBNET_IDS] },
    });
    // THEN it runs the newest 3.x in the list
    const newest3 = versions.filter((v) => airflowMajor(v) === 3).at(-1);
    expect(DEFAULT_AIRFLOW_VERSION).toBe(newest3);
    expect(env.airflow.version).toBe("3.3.1");
  });
});

describe("versionChange", () => {
  test.each([
    ["2.10.3", "2.11.2", "minor", true, /minor upgrade/],
    ["3.3.1", "3.0.6", "minor", true, /minor downgrade/],
    ["3.3.1", "2.11.0", "major-down", true, /to 2\.11\.x only/],
    ["3.0.6", "2.10.3", "major-down", false, /not supported by MWAA: from 3\.x it goes down to 2\.11\.x only/],
    ["2.11.2", "3.3.1", "major-up", false, /replaces the environment.*side-by-side migration/],
  ] as const)("%s to %s: %s, in place %s", (from, to, kind, inPlace, explanation) => {
    const change = versionChange(from, to);
    expect(change).toMatchObject({ kind, inPlace });
    expect(change?.explanation).toMatch(explanation);
  });

  test("no change is no version change", () => {
    expect(versionChange("3.3.1", "3.3.1")).toBeUndefined();
  });
});
