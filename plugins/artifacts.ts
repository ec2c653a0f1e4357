import { mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import type { ArtifactPaths as Artifacts, MwaaArtifactFiles } from "../model/prepared";

export type { ArtifactPaths, MwaaArtifactFiles } from "../model/prepared";
import { buildPlugins } from "./build";
import { sha256Hex } from "../util/cache";
import { PluginsError } from "./errors";
import { listFiles } from "./modules";

/** A problem with one field of an environment's `artifacts` block. */
export class ArtifactError extends Error {
  constructor(
    readonly field: keyof Artifacts,
    message: string,
  ) {
    super(message);
    this.name = "ArtifactError";
  }
}

export interface PrepareOptions {
  /** Python of the environment's Airflow version (e.g. "3.11"): the wheels are downloaded for it. */
  readonly pythonVersion: string;
  /**
   * The environment's Airflow version: requirements are checked against MWAA's image of it, and
   * packages it already has stay out of plugins.zip (see PluginsInput.airflowVersion).
   * @default - not checked against an image
   */
  readonly airflowVersion?: string;
  /** Project root: artifact paths are relative to it. */
  readonly root: string;
  /** Cache folder for wheels and plugins.zip. */
  readonly cacheDir: string;
  /**
   * Python interpreter that runs pip (only its pip matters: wheels are chosen for `pythonVersion`).
   * @default "python3"
   */
  readonly pythonExecutable?: string;
  readonly log?: (line: string) => void;
}

function existing(field: keyof Artifacts, root: string, rel: string, kind: "file" | "folder"): string {
  const path = resolve(root, rel);
  let ok = false;
  try {
    ok = kind === "file" ? statSync(path).isFile() : statSync(path).isDirectory();
  } catch {
    ok = false;
  }
  if (!ok)
    throw new ArtifactError(field, `a ${kind} in the project (got "${rel}", which does not exist or is not a ${kind})`);
  // The config refuses paths outside the project; a symbolic link must not lead there either.
  const project = realpathSync(root);
  const target = realpathSync(path);
  if (target !== project && !target.startsWith(`${project}${sep}`)) {
    throw new ArtifactError(
      field,
      `a ${kind} in the project (got "${rel}", a symbolic link to ${target}, outside the project)`,
    );
  }
  return path;
}

/** Every file of an artifact folder (see listFiles); a bad symbolic link is an error of that field. */
function filesOf(field: keyof Artifacts, dir: string, root: string): string[] {
  try {
    return listFiles(dir, root);
  } catch (e) {
    if (e instanceof PluginsError) throw new ArtifactError(field, e.message);
    throw e;
  }
}

/**
 * Finds and hashes the environment's Airflow content, builds plugins.zip (wheels + plugin modules)
 * and renders requirements.txt: everything the upload construct needs, as plain values.
 */
export function prepareArtifacts(artifacts: Artifacts, options: PrepareOptions): MwaaArtifactFiles {
  const { root } = options;
  const field = (name: keyof Artifacts, kind: "file" | "folder") =>
    artifacts[name] === undefined ? undefined : existing(name, root, artifacts[name]!, kind);
  const hashed = (path: string) => ({ path, sha256: sha256Hex(readFileSync(path)) });
  const dagsDir = existing("dagsDir", root, artifacts.dagsDir, "folder");
  const dags = Object.fromEntries(filesOf("dagsDir", dagsDir, root).map((rel) => [rel, hashed(join(dagsDir, rel))]));
  const startupPath = field("startupScript", "file");
  const startupScript = startupPath === undefined ? {} : { startupScript: hashed(startupPath) };
  const needsZip =
    artifacts.requirements !== undefined ||
    artifacts.startupRequirements !== undefined ||
    artifacts.pluginsDir !== undefined;
  if (!needsZip) return { dags, ...startupScript };
  const requirementsFile = field("requirements", "file");
  const pluginModulesDir = field("pluginsDir", "folder");
  if (pluginModulesDir !== undefined) filesOf("pluginsDir", pluginModulesDir, root);
  let build;
  try {
    build = buildPlugins({
      // Without a requirements.txt the zip still carries the startup wheels and plugin modules.
      requirementsFile: requirementsFile ?? emptyRequirements(options.cacheDir),
      startupRequirementsFile: field("startupRequirements", "file"),
      constraintsFile: field("constraints", "file"),
      pluginModulesDir,
      wheelhouse: field("wheelhouse", "folder"),
      pythonVersion: options.pythonVersion,
      airflowVersion: options.airflowVersion,
      cacheDir: options.cacheDir,
      pythonExecutable: options.pythonExecutable,
      log: options.log,
    });
  } catch (e) {
    if (e instanceof PluginsError) throw new ArtifactError("requirements", e.message);
    throw e;
  }
  return {
    dags,
    plugins: { path: build.zipPath, sha256: build.zipSha256 },
    ...(requirementsFile !== undefined
      ? { requirements: { content: build.requirementsContent, sha256: sha256Hex(build.requirementsContent) } }
      : {}),
    ...startupScript,
  };
}

function emptyRequirements(cacheDir: string): string {
  const path = join(cacheDir, "empty-requirements.txt");
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(path, "");
  return path;
}
