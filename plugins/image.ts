/**
 * What MWAA's pip sees on the image of an Airflow version, materialized for the offline check
 * (aws/amazon-mwaa-docker-images, images/airflow/<v>/; data in plugins/image-data/):
 *
 * - `python/mwaa/utils/user_requirements.py` runs `safe-pip-install -r requirements.txt`, adding
 *   `-c $AIRFLOW_CONSTRAINTS_FILE` unless a line of the file matches `-c |--constraint ` (a
 *   commented-out one counts: "intentional", says its comment);
 * - `bin/airflow-user/safe-pip-install` is `pip3 install --constraint "${MWAA_ESSENTIAL_CONSTRAINTS_FILE}" "$@"`:
 *   the essential constraints (Airflow, Celery, Flask, ...) always apply;
 * - the image's installed packages (its bill of materials) satisfy requirements without a wheel.
 *   pip cannot be pointed at another machine's site-packages, so each installed package becomes a
 *   stub wheel (name and version, no files, no dependencies: the image already has them) that pip
 *   may pick from a second --find-links folder; a stub pip picks is a package MWAA need not install.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cacheKey, makeStagingDir, publishDir, readJsonIfExists, sha256Hex } from "../util/cache";
import { PluginsError } from "./errors";
import { imageFileLabel, loadImageData, normalizeName, type ImageData } from "./image-data";
import { parsePipFailure } from "./pip";
import { buildWheel, wheelFileName } from "./wheel";

/** The image of one Airflow version, ready for pip: constraint files and stub wheels in the cache. */
export interface MwaaImage {
  readonly data: ImageData;
  /** Content hash of the image data: part of every cache key that depends on it. */
  readonly key: string;
  readonly constraintsFile: string;
  readonly essentialConstraintsFile: string;
  /** A --find-links folder of stub wheels, one per installed package. */
  readonly stubsDir: string;
  /** `normalized-name==version` of every installed package. */
  readonly installed: ReadonlySet<string>;
}

const READY = "ready.json";

function pinsFile(pins: Readonly<Record<string, string>>, source: string): string {
  return `# ${source}\n${Object.entries(pins)
    .map(([name, version]) => `${name}==${version}`)
    .join("\n")}\n`;
}

/** `name==version` as pip compares them, for wheel file names and installed packages alike. */
export function packageKey(name: string, version: string): string {
  return `${normalizeName(name)}==${version}`;
}

/** The package a wheel file holds (PEP 427: `{distribution}-{version}(-{build})?-{python}-{abi}-{platform}.whl`). */
export function wheelPackageKey(fileName: string): string {
  const [name, version] = fileName.split("-");
  return packageKey(name, version);
}

/**
 * The image of `airflowVersion`, written once per data hash under `<cacheDir>/image/<key>/`;
 * undefined when the repository has no image for that version (plugins/image-data.ts says which).
 */
export function mwaaImage(airflowVersion: string, cacheDir: string): MwaaImage | undefined {
  const loaded = loadImageData(airflowVersion);
  if (loaded === undefined) return undefined;
  const { data } = loaded;
  const key = cacheKey({ kind: "mwaa-image", data: sha256Hex(loaded.raw) });
  const dir = join(cacheDir, "image", key);
  const image: MwaaImage = {
    data,
    key,
    constraintsFile: join(dir, "airflow_constraints.txt"),
    essentialConstraintsFile: join(dir, "mwaa_essential_constraints.txt"),
    stubsDir: join(dir, "stubs"),
    installed: new Set(Object.entries(data.installed).map(([name, version]) => packageKey(name, version))),
  };
  if (readJsonIfExists(join(dir, READY)) !== undefined) return image;
  const staging = makeStagingDir(cacheDir);
  try {
    const source = `${data.source.repository}@${data.source.commit}`;
    writeFileSync(
      join(staging, "airflow_constraints.txt"),
      pinsFile(data.constraints, `${source} ${data.source.constraints}`),
    );
    writeFileSync(
      join(staging, "mwaa_essential_constraints.txt"),
      pinsFile(data.essentialConstraints, `${source} ${data.source.essentialConstraints}`),
    );
    mkdirSync(join(staging, "stubs"));
    for (const [name, version] of Object.entries(data.installed)) {
      writeFileSync(
        join(staging, "stubs", wheelFileName(name, version)),
        buildWheel({ name, version, files: {}, summary: `installed in the MWAA ${data.airflowVersion} image` }),
      );
    }
    writeFileSync(join(staging, READY), JSON.stringify({ source }));
    publishDir(staging, dir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return image;
}

/** user_requirements.py's test, on the file MWAA reads: does it name constraints of its own? */
export function namesOwnConstraints(uploadedRequirements: string): boolean {
  return uploadedRequirements.split(/\r?\n/).some((line) => /-c |--constraint /.test(line));
}

/** The image's constraint files pip gets beside the requirements, as MWAA passes them. */
export function imageConstraintFiles(image: MwaaImage, ownConstraints: boolean): string[] {
  return ownConstraints ? [image.essentialConstraintsFile] : [image.constraintsFile, image.essentialConstraintsFile];
}

/** Where a pin came from, for messages. */
function pinSource(
  image: MwaaImage,
  name: string,
  ownConstraints: boolean,
): { version: string; critical: boolean; label: string } | undefined {
  const key = Object.keys(image.data.essentialConstraints).find(
    (pinned) => normalizeName(pinned) === normalizeName(name),
  );
  const { data } = image;
  if (key !== undefined)
    return {
      version: data.essentialConstraints[key],
      critical: true,
      label: imageFileLabel(data, data.source.essentialConstraints),
    };
  if (ownConstraints) return undefined;
  const pinned = Object.keys(data.constraints).find((candidate) => normalizeName(candidate) === normalizeName(name));
  return pinned === undefined
    ? undefined
    : { version: data.constraints[pinned], critical: false, label: imageFileLabel(data, data.source.constraints) };
}

/** The project name a requirement string starts with. */
function projectOf(requirement: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(requirement)?.[0] ?? requirement;
}

/**
 * pip's failure read in terms of the image: a requirement that conflicts with a pin of the
 * image's Airflow constraints, or that would replace a critical package. Undefined when the
 * failure has nothing to do with the image's pins (the caller reports it as before).
 */
export function imageConflict(
  label: string,
  output: string,
  image: MwaaImage,
  ownConstraints: boolean,
): PluginsError | undefined {
  const failure = parsePipFailure(output);
  const airflow = image.data.airflowVersion;
  const describe = (requested: string, name: string): PluginsError | undefined => {
    const pin = pinSource(image, name, ownConstraints);
    if (pin === undefined) return undefined;
    if (pin.critical) {
      return new PluginsError(
        `${label}: ${requested} would replace ${projectOf(name)} ${pin.version}, a critical package of the MWAA ${airflow} image that requirements cannot override (${pin.label}); remove the line, or pin ${pin.version}`,
      );
    }
    return new PluginsError(
      `${label}: ${requested} conflicts with ${pin.version} pinned by the Airflow ${airflow} constraints (${pin.label}); pin ${pin.version}, or pass constraints of your own`,
    );
  };
  if (failure.conflict !== undefined) {
    const constrained = failure.conflict
      .map((line) => /^The user requested \(constraint\) (\S+)$/.exec(line)?.[1])
      .filter((pin): pin is string => pin !== undefined);
    for (const pin of constrained) {
      const name = projectOf(pin);
      const requested = failure.conflict
        .map((line) => /^(?:The user requested (?!\(constraint\))(\S+)|(\S+ \S+) depends on (\S+))$/.exec(line))
        .find((m) => m !== null && projectOf(m[1] ?? m[3]).toLowerCase() === name.toLowerCase());
      if (requested === undefined || requested === null) continue;
      const text = requested[1] ?? `${requested[3]} (needed by ${requested[2]})`;
      const error = describe(text, name);
      if (error !== undefined) return error;
    }
  }
  // "Could not find a version ... (from versions: 3.1.3)": when the pinned version was there, the pin is why.
  const offered = /\(from versions: ([^)]*)\)/.exec(output)?.[1].split(", ") ?? [];
  if (
    failure.missing !== undefined &&
    offered.includes(pinSource(image, projectOf(failure.missing), ownConstraints)?.version ?? "")
  ) {
    const text =
      failure.neededBy === undefined ? failure.missing : `${failure.missing} (needed by ${failure.neededBy})`;
    return describe(text, projectOf(failure.missing));
  }
  return undefined;
}
