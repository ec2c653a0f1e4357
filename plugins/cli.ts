/**
 * `npm run plugins`: builds plugins.zip for the airflow/ folder and prints its path, size and
 * sha256. Exits 1 with the message only (no stack) on a PluginsError or bad arguments.
 *
 * `npm run plugins -- --help` prints the options (HELP below). Defaults are the example's:
 * airflow/requirements.txt, airflow/startup-requirements.txt, airflow/plugins, airflow/wheelhouse,
 * Airflow 3.3.1 and its Python (3.12), cache .cache/plugins.
 */
import { existsSync } from "node:fs";
import { basename, resolve } from "node:path";
import { parseArgs } from "node:util";
import { checkRequirements, type RequirementsCheckInput } from "./check";
import { AIRFLOW_PYTHON } from "./image-data";
import { buildPlugins, PluginsError, type PluginsInput } from "./index";

/** The default Airflow version (model/versions.ts DEFAULT_AIRFLOW_VERSION; a test keeps them equal, plugins/ does not import constructs/). */
export const DEFAULT_AIRFLOW = "3.3.1";

const USAGE =
  "usage: plugins [--requirements FILE] [--startup-requirements FILE|none] [--constraints FILE] " +
  "[--plugins-dir DIR|none] [--airflow-version 3.3.1] [--python 3.12] [--wheelhouse DIR|pypi] [--cache DIR] [--check-only] [--help]";

/** `--help`: what the command does and every option with its default. */
export const HELP = `${USAGE}

Builds plugins.zip for MWAA: wheels for the requirements (pip download, offline from a wheelhouse or
from PyPI), the plugin modules, and the rendered requirements.txt; prints the zip's path, size and
sha256. The same step \`npm run synth\` runs for each environment's artifacts. Paths are relative to
the working folder.

options:
  --requirements FILE          Airflow's requirements (default airflow/requirements.txt)
  --startup-requirements FILE  requirements for the startup script's venv, or none
                               (default airflow/startup-requirements.txt when it exists)
  --constraints FILE           pip constraints for the Airflow set (default none)
  --plugins-dir DIR            plugin modules to put in the zip, or none (default airflow/plugins when it exists)
  --airflow-version VERSION    the environment's Airflow: the requirements resolve as on MWAA's image of it
                               (its constraints unless yours are given, its critical packages, what it has
                               installed, which stays out of the zip) (default 3.3.1)
  --python VERSION             MWAA's Python, which picks the wheels (default: the Python of --airflow-version's
                               image, 3.11 for 2.7.2 to 2.10.3 and 3.12 for 2.11.0 on)
  --wheelhouse DIR             a folder of wheels to install from offline, or pypi
                               (default airflow/wheelhouse when it exists)
  --cache DIR                  content-addressed cache of wheels and zips (default .cache/plugins)
  --check-only                 only check the requirements against the image and the wheelhouse's wheels:
                               no download, no zip; exit 0 when MWAA would install them, 1 with the reason
                               (for a pre-commit hook)
  -h, --help                   print this help and exit
`;

/** "none" (or "pypi" for the wheelhouse) turns an optional input off; a default applies only when it exists. */
function optionalPath(cwd: string, value: string | undefined, fallback: string, off: string): string | undefined {
  if (value === off) return undefined;
  if (value !== undefined) return resolve(cwd, value);
  return existsSync(fallback) ? fallback : undefined;
}

/** The build input for the arguments, or "help" when they ask for the help. */
export function inputFromArgs(
  argv: readonly string[],
  cwd: string,
): PluginsInput | { readonly checkOnly: RequirementsCheckInput } | "help" {
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
        "airflow-version": { type: "string" },
        "check-only": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new PluginsError(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.help === true) return "help";
  const airflow = resolve(cwd, "airflow");
  const airflowVersion = values["airflow-version"] ?? DEFAULT_AIRFLOW;
  if (!/^\d+\.\d+\.\d+$/.test(airflowVersion))
    throw new PluginsError(`--airflow-version must look like 3.3.1 (got "${airflowVersion}")\n${USAGE}`);
  const pythonVersion = values.python ?? AIRFLOW_PYTHON[airflowVersion];
  if (pythonVersion === undefined) {
    throw new PluginsError(
      `--airflow-version ${airflowVersion} is not one of the Airflow versions this project knows (${Object.keys(AIRFLOW_PYTHON).join(", ")}), so its Python is not known: give --python too\n${USAGE}`,
    );
  }
  if (values["check-only"] === true) {
    const wheelhouse = optionalPath(cwd, values.wheelhouse, resolve(airflow, "wheelhouse"), "pypi");
    if (wheelhouse === undefined)
      throw new PluginsError(
        "--check-only resolves offline from a folder of wheels: give --wheelhouse DIR (the wheels plugins.zip will carry)",
      );
    return {
      checkOnly: {
        requirementsFile: resolve(cwd, values.requirements ?? "airflow/requirements.txt"),
        constraintsFile: values.constraints === undefined ? undefined : resolve(cwd, values.constraints),
        airflowVersion,
        pythonVersion,
        wheelhouse,
        cacheDir: resolve(cwd, values.cache ?? ".cache/plugins"),
        pythonExecutable: process.env.MWAA_PYTHON || undefined,
      },
    };
  }
  return {
    airflowVersion,
    requirementsFile: resolve(cwd, values.requirements ?? "airflow/requirements.txt"),
    startupRequirementsFile: optionalPath(
      cwd,
      values["startup-requirements"],
      resolve(airflow, "startup-requirements.txt"),
      "none",
    ),
    constraintsFile: values.constraints === undefined ? undefined : resolve(cwd, values.constraints),
    pluginModulesDir: optionalPath(cwd, values["plugins-dir"], resolve(airflow, "plugins"), "none"),
    pythonVersion,
    wheelhouse: optionalPath(cwd, values.wheelhouse, resolve(airflow, "wheelhouse"), "pypi"),
    cacheDir: resolve(cwd, values.cache ?? ".cache/plugins"),
    // Same variable as the app: the interpreter whose pip runs (default python3).
    pythonExecutable: process.env.MWAA_PYTHON || undefined,
    log: (line) => process.stderr.write(`${line}\n`),
  };
}

/** The command: builds, or prints the help; sets process.exitCode to 1 on a PluginsError. */
export function main(argv: readonly string[]): void {
  try {
    const input = inputFromArgs(argv, process.cwd());
    if (input === "help") {
      process.stdout.write(HELP);
      return;
    }
    const started = process.hrtime.bigint();
    if ("checkOnly" in input) {
      const check = checkRequirements(input.checkOnly);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (check.warning !== undefined) process.stderr.write(`plugins: warning: ${check.warning}\n`);
      const on = check.againstImage
        ? ` on the MWAA ${input.checkOnly.airflowVersion} image (${check.fromImage.length} packages already installed there)`
        : "";
      process.stdout.write(
        `${basename(input.checkOnly.requirementsFile)}: MWAA would install it${on}: ${check.installs.length} wheels from plugins.zip; ${check.cacheHit ? "checked before" : "checked"} in ${ms.toFixed(0)} ms\n`,
      );
      return;
    }
    const build = buildPlugins(input);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    process.stdout.write(`${build.zipPath}\n`);
    process.stdout.write(
      `size ${build.zipSize} bytes, sha256 ${build.zipSha256}, ${build.wheels.length} wheels, ${build.cacheHit ? "cached" : "built"} in ${ms.toFixed(0)} ms\n`,
    );
  } catch (error) {
    if (!(error instanceof PluginsError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) main(process.argv.slice(2));
