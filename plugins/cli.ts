/**
 * `npm run plugins`: builds plugins.zip for the airflow/ folder and prints its path, size and
 * sha256. Exits 1 with the message only (no stack) on a PluginsError or bad arguments.
 *
 *   node -r tsx/cjs plugins/cli.ts [--requirements F] [--startup-requirements F|none]
 *     [--constraints F] [--plugins-dir D|none] [--python 3.11] [--wheelhouse D|pypi] [--cache D]
 *
 * Defaults are the example's: airflow/requirements.txt, airflow/startup-requirements.txt,
 * airflow/plugins, airflow/wheelhouse, Python 3.11 (Airflow 2.10), cache .cache/plugins.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildPlugins, PluginsError, type PluginsInput } from "./index";

const USAGE =
  "usage: plugins [--requirements FILE] [--startup-requirements FILE|none] [--constraints FILE] " +
  "[--plugins-dir DIR|none] [--python 3.11] [--wheelhouse DIR|pypi] [--cache DIR]";

/** "none" (or "pypi" for the wheelhouse) turns an optional input off; a default applies only when it exists. */
function optionalPath(cwd: string, value: string | undefined, fallback: string, off: string): string | undefined {
  if (value === off) return undefined;
  if (value !== undefined) return resolve(cwd, value);
  return existsSync(fallback) ? fallback : undefined;
}

export function inputFromArgs(argv: readonly string[], cwd: string): PluginsInput {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        requirements: { type: "string" },
        "startup-requirements": { type: "string" },
        constraints: { type: "string" },
        "plugins-dir": { type: "string" },
        python: { type: "string" },
        wheelhouse: { type: "string" },
        cache: { type: "string" },
      },
    }));
  } catch (error) {
    throw new PluginsError(`${(error as Error).message}\n${USAGE}`);
  }
  const airflow = resolve(cwd, "airflow");
  return {
    requirementsFile: resolve(cwd, values.requirements ?? "airflow/requirements.txt"),
    startupRequirementsFile: optionalPath(cwd, values["startup-requirements"], resolve(airflow, "startup-requirements.txt"), "none"),
    constraintsFile: values.constraints === undefined ? undefined : resolve(cwd, values.constraints),
    pluginModulesDir: optionalPath(cwd, values["plugins-dir"], resolve(airflow, "plugins"), "none"),
    pythonVersion: values.python ?? "3.11",
    wheelhouse: optionalPath(cwd, values.wheelhouse, resolve(airflow, "wheelhouse"), "pypi"),
    cacheDir: resolve(cwd, values.cache ?? ".cache/plugins"),
    // Same variable as the app: the interpreter whose pip runs (default python3).
    pythonExecutable: process.env.MWAA_PYTHON || undefined,
    log: (line) => process.stderr.write(`${line}\n`),
  };
}

function main(): void {
  try {
    const started = process.hrtime.bigint();
    const build = buildPlugins(inputFromArgs(process.argv.slice(2), process.cwd()));
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    process.stdout.write(`${build.zipPath}\n`);
    process.stdout.write(`size ${build.zipSize} bytes, sha256 ${build.zipSha256}, ${build.wheels.length} wheels, ${build.cacheHit ? "cached" : "built"} in ${ms.toFixed(0)} ms\n`);
  } catch (error) {
    if (!(error instanceof PluginsError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) main();
