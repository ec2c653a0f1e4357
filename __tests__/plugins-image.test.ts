/**
 * Requirements checked as MWAA's image resolves them (plugins/image.ts), with real pip, offline:
 * the example's wheels (airflow/wheelhouse) plus wheels built here. The image's own packages come
 * from plugins/image-data/3.3.1.json (aws/amazon-mwaa-docker-images).
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildPlugins } from "../plugins";
import { checkRequirements } from "../plugins/check";
import { buildWheel, wheelFileName } from "../plugins/wheel";

const root = join(__dirname, "..");
let work: string;
let wheelhouse: string;
let cacheDir: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "plugins-image-"));
  wheelhouse = join(work, "wheelhouse");
  cacheDir = join(work, "cache");
  cpSync(join(root, "airflow", "wheelhouse"), wheelhouse, { recursive: true });
  // A provider release older than the 3.3.1 constraints' pin, and psycopg2 (installed in the image, not constrained) at two versions.
  const wheels = [
    { name: "apache-airflow-providers-amazon", version: "8.0.0" },
    { name: "psycopg2", version: "2.9.12" },
    { name: "psycopg2", version: "2.9.10" },
  ];
  for (const { name, version } of wheels)
    writeFileSync(
      join(wheelhouse, wheelFileName(name, version)),
      buildWheel({ name, version, files: { [`${name.replace(/-/g, "_")}/__init__.py`]: "" } }),
    );
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

function requirements(name: string, lines: string[]): string {
  const path = join(work, name);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

const check = (file: string, extra: { constraintsFile?: string; airflowVersion?: string } = {}) =>
  checkRequirements({
    requirementsFile: file,
    wheelhouse,
    cacheDir,
    pythonVersion: "3.12",
    airflowVersion: "3.3.1",
    ...extra,
  });

describe("the requirements check against the MWAA image", () => {
  test("a requirement that conflicts with the image's Airflow constraints names the pin and its file", () => {
    // GIVEN a provider pinned below the 3.3.1 constraints, with its wheel at hand WHEN checked THEN the conflict names both
    const file = requirements("conflict.txt", ["apache-airflow-providers-amazon==8.0.0"]);
    expect(() => check(file)).toThrow(
      "apache-airflow-providers-amazon==8.0.0 conflicts with 9.34.0 pinned by the Airflow 3.3.1 constraints (mwaa image 3.3.1 etc/airflow_constraints.txt)",
    );
  });

  test("with constraints of its own (MWAA's rule), the image's Airflow constraints do not apply", () => {
    // GIVEN the same line and a constraints file of the user's WHEN checked THEN it resolves from its wheel
    const file = requirements("own.txt", ["apache-airflow-providers-amazon==8.0.0"]);
    const constraintsFile = requirements("own-constraints.txt", ["apache-airflow-providers-amazon==8.0.0"]);
    expect(check(file, { constraintsFile }).installs).toEqual([
      wheelFileName("apache-airflow-providers-amazon", "8.0.0"),
    ]);
  });

  test("a requirement that would replace a critical package is refused, naming it", () => {
    const file = requirements("critical.txt", ["celery==5.5.0"]);
    // the essential constraints apply even with constraints of the user's own
    const constraintsFile = requirements("empty-constraints.txt", []);
    expect(() => check(file, { constraintsFile })).toThrow(
      "celery==5.5.0 would replace celery 5.6.3, a critical package of the MWAA 3.3.1 image that requirements cannot override (mwaa image 3.3.1 etc/mwaa_essential_constraints.txt)",
    );
  });

  test("a package the image already has needs no wheel", () => {
    // GIVEN flask (installed and pinned in the image), not in the wheelhouse WHEN checked THEN it resolves from the image
    const result = check(requirements("installed.txt", ["flask", "acme-airflow-helpers==1.0.0"]));
    expect(result.fromImage).toEqual([wheelFileName("flask", "3.1.3")]);
    expect(result.installs).toEqual([
      wheelFileName("acme-airflow-helpers", "1.0.0"),
      wheelFileName("acme-common", "1.0.0"),
    ]);
  });

  test("a requirement whose wheel plugins.zip lacks does not resolve", () => {
    const file = requirements("missing.txt", ["acme-airflow-helpers==1.0.0", "acme-absent==1.0"]);
    expect(() => check(file)).toThrow(
      /"acme-absent==1.0" does not resolve from the wheels in plugins.zip; MWAA would fail the update/,
    );
  });

  test("a version whose image is not public says so and checks the wheels alone", () => {
    const result = check(join(root, "airflow", "requirements.txt"), { airflowVersion: "2.8.1" });
    expect(result.againstImage).toBe(false);
    expect(result.warning).toMatch(
      /NOT checked against the MWAA image: aws\/amazon-mwaa-docker-images has no image for Airflow 2.8.1/,
    );
  });
});

describe("plugins.zip on the MWAA image", () => {
  test("the image's packages stay out of the zip unless another version is pinned; the seed's startup venv keeps its own resolution", () => {
    // GIVEN the example's sets (acme-common 1.x for Airflow, 2.x in the startup venv) plus psycopg2 at the image's version
    const startup = join(root, "airflow", "startup-requirements.txt");
    const log: string[] = [];
    const build = (lines: string[]) =>
      buildPlugins({
        requirementsFile: requirements(`zip-${lines.length}.txt`, lines),
        startupRequirementsFile: startup,
        wheelhouse,
        cacheDir,
        pythonVersion: "3.12",
        airflowVersion: "3.3.1",
        log: (l) => log.push(l),
      });
    const same = build(["acme-airflow-helpers==1.0.0", "psycopg2==2.9.12"]);
    // THEN psycopg2 2.9.12 is not zipped (the image has it), both acme-common versions are
    expect(same.wheels).toEqual(
      [
        wheelFileName("acme-airflow-helpers", "1.0.0"),
        wheelFileName("acme-common", "1.0.0"),
        wheelFileName("acme-common", "2.0.0"),
        wheelFileName("acme-dbt-runner", "1.0.0"),
      ].sort(),
    );
    expect(log.join("\n")).toMatch(/1 packages already in the MWAA 3.3.1 image, left out of plugins.zip/);
    // AND pinning another version of it ships that wheel
    const other = build(["acme-airflow-helpers==1.0.0", "psycopg2==2.9.10", "# another"]);
    expect(other.wheels).toContain(wheelFileName("psycopg2", "2.9.10"));
  });
});
