/**
 * Writes the sample wheels of airflow/wheelhouse/, so the example builds plugins.zip offline.
 * Reproducible: run `node -r tsx/cjs scripts/sample-wheelhouse.ts` and git shows no change.
 *
 * The two requirement sets share a dependency at different major versions on purpose:
 * Airflow's set needs acme-common 1.x and the startup venv's set needs 2.x; both wheels ship.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { buildWheel, wheelFileName, type WheelSpec } from "../plugins/wheel";

export const SAMPLE_WHEELS: readonly WheelSpec[] = [
  {
    name: "acme-common",
    version: "1.0.0",
    summary: "Sample shared library, major version 1 (Airflow's environment)",
    files: { "acme_common/__init__.py": 'VERSION = "1.0.0"\n' },
  },
  {
    name: "acme-common",
    version: "2.0.0",
    summary: "Sample shared library, major version 2 (the startup venv)",
    files: { "acme_common/__init__.py": 'VERSION = "2.0.0"\n' },
  },
  {
    name: "acme-airflow-helpers",
    version: "1.0.0",
    summary: "Sample helper installed into Airflow's environment by requirements.txt",
    requires: ["acme-common>=1.0,<2"],
    files: {
      "acme_airflow_helpers/__init__.py": [
        "import acme_common",
        "",
        "",
        "def greeting(name: str) -> str:",
        '    return f"Hello {name} from acme-airflow-helpers (acme-common {acme_common.VERSION})"',
        "",
      ].join("\n"),
    },
  },
  {
    name: "acme-dbt-runner",
    version: "1.0.0",
    summary: "Sample command installed into the startup venv (stands in for dbt)",
    requires: ["acme-common>=2.0,<3"],
    consoleScripts: { "acme-dbt-runner": "acme_dbt_runner:main" },
    files: {
      "acme_dbt_runner/__init__.py": [
        "import sys",
        "",
        "import acme_common",
        "",
        "",
        "def main() -> int:",
        '    print(f"acme-dbt-runner 1.0.0 (acme-common {acme_common.VERSION}) args={sys.argv[1:]}")',
        "    return 0",
        "",
      ].join("\n"),
    },
  },
];

/** Replaces the folder's wheels with the sample ones; returns the file names written. */
export function writeSampleWheelhouse(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) if (name.endsWith(".whl")) rmSync(join(dir, name));
  return SAMPLE_WHEELS.map((spec) => {
    const name = wheelFileName(spec.name, spec.version);
    writeFileSync(join(dir, name), buildWheel(spec));
    return name;
  });
}

if (require.main === module) {
  const dir = join(__dirname, "..", "airflow", "wheelhouse");
  for (const name of writeSampleWheelhouse(dir)) process.stdout.write(`${relative(process.cwd(), join(dir, name))}\n`);
}
