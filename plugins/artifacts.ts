import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Artifacts } from "../constructs/model";
import type { MwaaArtifactFiles } from "../constructs/artifact-uploads";
import { AIRFLOW_VERSIONS, type AirflowVersion } from "../constructs/versions";
import { buildPlugins } from "./build";
import { PluginsError } from "./errors";

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
  /** Project root: artifact paths are relative to it. */
  readonly root: string;
  /** Cache folder for wheels and plugins.zip. */
  readonly cacheDir: string;
  readonly log?: (line: string) => void;
}

const IGNORED = /(^|\/)(__pycache__|\.DS_Store$|.*\.pyc$|\.git(\/|$))/;

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

/** Files under a folder by posix path, ignoring caches; sorted so the output never depends on the file system. */
function listFiles(dir: string, prefix = ""): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((entry) => {
      const rel = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
      if (IGNORED.test(rel)) return [];
      return entry.isDirectory() ? listFiles(dir, rel) : [rel];
    })
    .sort();
}

function existing(field: keyof Artifacts, root: string, rel: string, kind: "file" | "folder"): string {
  const path = resolve(root, rel);
  let ok = false;
  try {
    ok = kind === "file" ? statSync(path).isFile() : statSync(path).isDirectory();
  } catch {
    ok = false;
  }
  if (!ok) throw new ArtifactError(field, `a ${kind} in the project (got "${rel}", which does not exist or is not a ${kind})`);
  return path;
}

/**
 * Finds and hashes the environment's Airflow content, builds plugins.zip (wheels + plugin modules)
 * and renders requirements.txt: everything the upload construct needs, as plain values.
 */
export function prepareArtifacts(artifacts: Artifacts, airflowVersion: AirflowVersion, options: PrepareOptions): MwaaArtifactFiles {
  const { root } = options;
  const dagsDir = existing("dagsDir", root, artifacts.dagsDir, "folder");
  const dags = Object.fromEntries(
    listFiles(dagsDir).map((rel) => {
      const path = join(dagsDir, rel);
      return [rel, { path, sha256: sha256(readFileSync(path)) }];
    }),
  );
  const startupScript = artifacts.startupScript === undefined ? undefined : existing("startupScript", root, artifacts.startupScript, "file");
  const needsZip = artifacts.requirements !== undefined || artifacts.startupRequirements !== undefined || artifacts.pluginsDir !== undefined;
  if (!needsZip) {
    return { dags, ...(startupScript !== undefined ? { startupScript: { path: startupScript, sha256: sha256(readFileSync(startupScript)) } } : {}) };
  }
  const requirementsFile = artifacts.requirements === undefined ? undefined : existing("requirements", root, artifacts.requirements, "file");
  const field = (name: keyof Artifacts, kind: "file" | "folder") => (artifacts[name] === undefined ? undefined : existing(name, root, artifacts[name]!, kind));
  let build;
  try {
    build = buildPlugins({
      // Without a requirements.txt the zip still carries the startup wheels and plugin modules.
      requirementsFile: requirementsFile ?? emptyRequirements(options.cacheDir),
      startupRequirementsFile: field("startupRequirements", "file"),
      constraintsFile: field("constraints", "file"),
      pluginModulesDir: field("pluginsDir", "folder"),
      wheelhouse: field("wheelhouse", "folder"),
      pythonVersion: AIRFLOW_VERSIONS[airflowVersion].python,
      cacheDir: options.cacheDir,
      log: options.log,
    });
  } catch (e) {
    if (e instanceof PluginsError) throw new ArtifactError("requirements", e.message);
    throw e;
  }
  return {
    dags,
    plugins: { path: build.zipPath, sha256: build.zipSha256 },
    ...(requirementsFile !== undefined ? { requirements: { content: build.requirementsContent, sha256: sha256(build.requirementsContent) } } : {}),
    ...(startupScript !== undefined ? { startupScript: { path: startupScript, sha256: sha256(readFileSync(startupScript)) } } : {}),
  };
}

function emptyRequirements(cacheDir: string): string {
  const path = join(cacheDir, "empty-requirements.txt");
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(path, "");
  return path;
}
