/** The example's Airflow content (airflow/) builds offline, and its startup script is safe to run. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { buildPlugins, type PluginsBuild } from "../plugins";
import { SAMPLE_WHEELS } from "../scripts/sample-wheelhouse";
import { buildWheel, wheelFileName } from "../plugins/wheel";

const airflow = join(__dirname, "..", "airflow");

describe("airflow/wheelhouse", () => {
  it("holds exactly the wheels scripts/sample-wheelhouse.ts generates, byte for byte", () => {
    // GIVEN the committed sample wheels WHEN compared with a fresh build of their specs
    const committed = readdirSync(join(airflow, "wheelhouse"))
      .filter((name) => name.endsWith(".whl"))
      .sort();
    const expected = SAMPLE_WHEELS.map((spec) => wheelFileName(spec.name, spec.version)).sort();
    // THEN the names match and every file is identical (regenerate with the script if not)
    expect(committed).toEqual(expected);
    for (const spec of SAMPLE_WHEELS) {
      const name = wheelFileName(spec.name, spec.version);
      expect({ name, same: buildWheel(spec).equals(readFileSync(join(airflow, "wheelhouse", name))) }).toEqual({
        name,
        same: true,
      });
    }
  });
});

describe("the sample airflow/ content", () => {
  let cacheDir: string;
  let build: PluginsBuild;

  beforeAll(() => {
    cacheDir = mkdtempSync(join(tmpdir(), "plugins-sample-"));
    build = buildPlugins({
      requirementsFile: join(airflow, "requirements.txt"),
      startupRequirementsFile: join(airflow, "startup-requirements.txt"),
      pluginModulesDir: join(airflow, "plugins"),
      pythonVersion: "3.11",
      wheelhouse: join(airflow, "wheelhouse"),
      cacheDir,
    });
  });

  afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

  it("builds plugins.zip offline with both acme-common versions, the plugin module and the startup requirements", () => {
    // GIVEN the example's inputs WHEN built (beforeAll) THEN the zip holds what MWAA and startup.sh need
    expect(build.wheels).toEqual([
      "acme_airflow_helpers-1.0.0-py3-none-any.whl",
      "acme_common-1.0.0-py3-none-any.whl",
      "acme_common-2.0.0-py3-none-any.whl",
      "acme_dbt_runner-1.0.0-py3-none-any.whl",
    ]);
    const names = Object.keys(unzipSync(readFileSync(build.zipPath)));
    expect(names).toEqual(expect.arrayContaining(["acme_plugin.py", "startup-requirements.txt"]));
    expect(names.some((name) => name.includes("__pycache__"))).toBe(false);
  });

  it("uploads a requirements.txt that leaves MWAA's own Airflow constraints in force", () => {
    // GIVEN no constraints file in the example THEN the uploaded file must not trip MWAA's "-c " / "--constraint " search
    expect(build.requirementsContent).not.toMatch(/-c |--constraint /);
    expect(build.requirementsContent).toContain("\nacme-airflow-helpers==1.0.0\n");
  });
});

describe("airflow/startup.sh", () => {
  const script = join(airflow, "startup.sh");

  it("is valid bash", () => {
    // GIVEN the script WHEN bash parses it THEN there is no syntax error
    const parsed = spawnSync("bash", ["--norc", "-n", script], { encoding: "utf8" });
    expect(parsed.stderr).toBe("");
    expect(parsed.status).toBe(0);
  });

  it("skips the venv on the web server, exports DBT_VENV_PATH, and leaks no strict mode when sourced", () => {
    // GIVEN a wrapper that sources the script the way MWAA's does, on the web server
    const wrapper = `source "${script}"; echo "venv=$DBT_VENV_PATH flags=$-"`;
    // WHEN it runs
    const run = spawnSync("bash", ["--norc", "-c", wrapper], {
      encoding: "utf8",
      env: { PATH: process.env.PATH, AIRFLOW_HOME: "/usr/local/airflow", MWAA_AIRFLOW_COMPONENT: "webserver" },
    });
    // THEN the wrapper goes on, sees the variable, and has neither errexit (e) nor nounset (u)
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^venv=\/usr\/local\/airflow\/dbt_venv flags=[^eu]*$/m);
    expect(run.stderr).toBe("");
  });

  it("reports a missing startup-requirements.txt without stopping the component's start", () => {
    // GIVEN a worker whose plugins folder lacks the startup requirements
    const home = mkdtempSync(join(tmpdir(), "plugins-startup-"));
    try {
      const run = spawnSync("bash", ["--norc", "-c", `source "${script}"; echo "still running"`], {
        encoding: "utf8",
        env: { PATH: process.env.PATH, AIRFLOW_HOME: home, MWAA_AIRFLOW_COMPONENT: "worker" },
      });
      // THEN the error says what is missing, and the wrapper still runs
      expect(run.stderr).toContain(`${home}/plugins/startup-requirements.txt is missing`);
      expect(run.stdout).toContain("still running");
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
