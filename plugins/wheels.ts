import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { cacheKey, makeStagingDir, publishDir, readJsonIfExists, sha256Hex } from "../util/cache";
import { PluginsError } from "./errors";
import { mwaaTargetArgs, parsePipFailure, targetDescription, type PipJob, type PipPhaseResult } from "./pip";
import { imageConflict, wheelPackageKey, type MwaaImage } from "./image";
import { countRequirements, indexOptionLines, requirementsForDownload } from "./requirements";

/** A wheel by file name and content hash. */
export interface WheelFingerprint {
  readonly name: string;
  readonly sha256: string;
}

/** Names and content hashes of the `*.whl` files directly in a folder (where pip's --find-links looks), sorted. */
export function fingerprintWheels(dir: string): WheelFingerprint[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith(".whl"));
  } catch (error) {
    throw new PluginsError(
      `wheel folder ${dir} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  return names.sort().map((name) => ({ name, sha256: sha256Hex(readFileSync(join(dir, name))) }));
}

/** One resolver run: a requirements file (and maybe constraints) for MWAA's Python and platform. */
export interface WheelSetRequest {
  /** How messages name the set, e.g. "airflow/requirements.txt". */
  readonly label: string;
  readonly requirementsFile: string;
  readonly requirementsContent: string;
  readonly constraintsFile?: string;
  readonly constraintsContent?: string;
  readonly pythonVersion: string;
  /** Undefined: PyPI (or PIP_INDEX_URL). Otherwise the wheelhouse folder and its fingerprint. */
  readonly wheelhouse?: { readonly dir: string; readonly wheels: readonly WheelFingerprint[] };
  /**
   * The MWAA image this set is installed on (the requirements set, not the startup venv): its
   * constraint files apply, and its installed packages are not downloaded into the set.
   */
  readonly image?: ImageUse;
}

/** How a requirement set meets its MWAA image: MWAA's rule for which constraint files apply. */
export interface ImageUse {
  readonly image: MwaaImage;
  /** The uploaded file names constraints of its own: only the essential constraints of the image apply. */
  readonly ownConstraints: boolean;
  /** The image's constraint files pip gets (imageConstraintFiles). */
  readonly constraintFiles: readonly string[];
}

export interface WheelSet {
  readonly key: string;
  /** Folder holding exactly this set's wheels. */
  readonly dir: string;
  readonly wheels: readonly WheelFingerprint[];
  readonly cacheHit: boolean;
}

interface WheelSetManifest {
  readonly wheels: WheelFingerprint[];
}

const MANIFEST = "manifest.json";

/** Content only: the files' bytes, the target and the wheelhouse's wheels; no paths, no mtimes. */
export function wheelSetKey(request: WheelSetRequest): string {
  return cacheKey({
    kind: "wheel-set",
    requirements: sha256Hex(request.requirementsContent),
    constraints: request.constraintsContent === undefined ? null : sha256Hex(request.constraintsContent),
    target: mwaaTargetArgs(request.pythonVersion),
    wheelhouse: request.wheelhouse === undefined ? "pypi" : request.wheelhouse.wheels,
    // Only when set, so that keys of sets without an image stay what they were.
    ...(request.image === undefined ? {} : { image: [request.image.image.key, request.image.ownConstraints] }),
  });
}

function downloadFailure(request: WheelSetRequest, output: string): PluginsError {
  const image =
    request.image === undefined
      ? undefined
      : imageConflict(request.label, output, request.image.image, request.image.ownConstraints);
  if (image !== undefined) return image;
  const failure = parsePipFailure(output);
  const source = request.wheelhouse === undefined ? "" : ` in the wheelhouse ${request.wheelhouse.dir}`;
  const target = targetDescription(request.pythonVersion);
  if (failure.unreachable !== undefined && request.wheelhouse === undefined) {
    const what = failure.missing === undefined ? "" : ` for "${failure.missing}"`;
    return new PluginsError(
      `${request.label}: cannot reach the package index (PyPI, or PIP_INDEX_URL)${what}: ${failure.unreachable}. Without internet, set the wheelhouse to a folder of wheels.`,
    );
  }
  if (failure.missing !== undefined) {
    const parent = failure.neededBy === undefined ? "" : ` (needed by ${failure.neededBy})`;
    return new PluginsError(
      `${request.label}: no wheel for "${failure.missing}"${parent} for ${target}${source} (pip: ${failure.tail})`,
    );
  }
  if (failure.conflict !== undefined) {
    return new PluginsError(
      `${request.label}: the requirements conflict for ${target}: ${failure.conflict.join("; ")} (pip: ${failure.tail})`,
    );
  }
  return new PluginsError(`${request.label}: pip download failed for ${target}${source} (pip: ${failure.tail})`);
}

function cachedWheelSet(request: WheelSetRequest, cacheDir: string): WheelSet | undefined {
  const key = wheelSetKey(request);
  const dir = join(cacheDir, "wheels", key);
  const manifest = readJsonIfExists<WheelSetManifest>(join(dir, MANIFEST));
  return manifest === undefined ? undefined : { key, dir, wheels: manifest.wheels, cacheHit: true };
}

/** A download about to run: its staging folder and pip's arguments (undefined: nothing to download). */
interface PlannedDownload {
  readonly request: WheelSetRequest;
  readonly staging: string;
  readonly wheelsDir: string;
  readonly job?: PipJob;
}

function planDownload(request: WheelSetRequest, cacheDir: string, log: (line: string) => void): PlannedDownload {
  const from = request.wheelhouse === undefined ? "PyPI" : request.wheelhouse.dir;
  log(
    `plugins: ${request.label}: cache miss, pip download for ${targetDescription(request.pythonVersion)} from ${from}`,
  );
  for (const dropped of indexOptionLines(request.requirementsContent)) {
    log(`plugins: ${request.label}: ignoring "${dropped}" (wheels come from the wheelhouse, or PyPI / PIP_INDEX_URL)`);
  }
  if (request.wheelhouse === undefined && request.constraintsContent === undefined) {
    log(
      `plugins: ${request.label}: no constraints file, so unpinned dependencies may resolve to newer releases on a later download`,
    );
  }
  const staging = makeStagingDir(cacheDir);
  const wheelsDir = join(staging, "wheels");
  mkdirSync(wheelsDir);
  // pip refuses an empty set ("You must give at least one requirement"); nothing to download then.
  if (countRequirements(request.requirementsContent, request.label) === 0) return { request, staging, wheelsDir };
  const requirementsCopy = join(staging, "requirements.txt");
  writeFileSync(requirementsCopy, requirementsForDownload(request.requirementsContent));
  const args = ["download", ...mwaaTargetArgs(request.pythonVersion), "--dest", wheelsDir, "-r", requirementsCopy];
  if (request.constraintsFile !== undefined) args.push("-c", request.constraintsFile);
  if (request.wheelhouse !== undefined) args.push("--no-index", "--find-links", request.wheelhouse.dir);
  // MWAA's constraints, and the image's packages as candidates (what MWAA's pip finds installed).
  if (request.image !== undefined)
    args.push(
      ...request.image.constraintFiles.flatMap((file) => ["-c", file]),
      "--find-links",
      request.image.image.stubsDir,
    );
  return { request, staging, wheelsDir, job: { args, cwd: dirname(request.requirementsFile) } };
}

/** Each set from the cache, or a download planned into a staging folder; discardWheelSets removes the staging. */
export interface PendingWheelSets {
  readonly requests: readonly WheelSetRequest[];
  /** By request index: the cached set, or undefined when it is downloaded. */
  readonly cached: readonly (WheelSet | undefined)[];
  /** The downloads, with the index of their request. */
  readonly plans: readonly (PlannedDownload & { readonly index: number })[];
}

/** Looks each set up in the cache (logging the hits) and plans the downloads of the others. */
export function planWheelSets(
  requests: readonly WheelSetRequest[],
  cacheDir: string,
  log: (line: string) => void,
): PendingWheelSets {
  const cached = requests.map((request) => cachedWheelSet(request, cacheDir));
  cached.forEach((set, index) => {
    if (set !== undefined) log(`plugins: ${requests[index].label}: ${set.wheels.length} wheels (cache hit)`);
  });
  const plans: (PlannedDownload & { index: number })[] = [];
  try {
    cached.forEach((set, index) => {
      if (set === undefined) plans.push({ ...planDownload(requests[index], cacheDir, log), index });
    });
  } catch (error) {
    discardWheelSets({ requests, cached, plans });
    throw error;
  }
  return { requests, cached, plans };
}

/** The pip download jobs of the planned sets (a set without requirements has none). */
export function downloadJobs(pending: PendingWheelSets): PipJob[] {
  return pending.plans.flatMap((plan) => (plan.job === undefined ? [] : [plan.job]));
}

/** By request index, the folder that holds the set's wheels once the downloads ran (cache, or staging). */
export function wheelSetFolders(pending: PendingWheelSets): string[] {
  return pending.cached.map(
    (set, index) => set?.dir ?? (pending.plans.find((plan) => plan.index === index) as PlannedDownload).wheelsDir,
  );
}

/**
 * Reads the downloads' outcomes (from downloadJobs, in order): throws the first failure, else
 * moves each downloaded folder to its content-addressed place in the cache. Sets in request order.
 */
export function finishWheelSets(
  pending: PendingWheelSets,
  cacheDir: string,
  downloads: PipPhaseResult,
  log: (line: string) => void,
): WheelSet[] {
  const withJobs = pending.plans.filter((plan) => plan.job !== undefined);
  withJobs.forEach((plan, index) => {
    if (downloads.results[index].status !== 0) throw downloadFailure(plan.request, downloads.results[index].output);
  });
  const seconds = downloads.seconds.toFixed(1);
  const results = [...pending.cached];
  for (const plan of pending.plans) {
    const key = wheelSetKey(plan.request);
    const dir = join(cacheDir, "wheels", key);
    if (plan.request.image !== undefined)
      dropInstalled(plan.request.label, plan.wheelsDir, plan.request.image.image, log);
    const wheels = fingerprintWheels(plan.wheelsDir);
    writeFileSync(join(plan.wheelsDir, MANIFEST), JSON.stringify({ wheels } satisfies WheelSetManifest, null, 2));
    publishDir(plan.wheelsDir, dir);
    log(`plugins: ${plan.request.label}: downloaded ${wheels.length} wheels in ${seconds} s`);
    results[plan.index] = { key, dir, wheels, cacheHit: false };
  }
  return results as WheelSet[];
}

/** Removes the downloaded wheels of packages the image already has at that version: MWAA would not install them. */
function dropInstalled(label: string, dir: string, image: MwaaImage, log: (line: string) => void): void {
  const dropped = readdirSync(dir).filter(
    (name) => name.endsWith(".whl") && image.installed.has(wheelPackageKey(name)),
  );
  let bytes = 0;
  for (const name of dropped) {
    bytes += statSync(join(dir, name)).size;
    rmSync(join(dir, name));
  }
  if (dropped.length > 0)
    log(
      `plugins: ${label}: ${dropped.length} packages already in the MWAA ${image.data.airflowVersion} image, left out of plugins.zip (${bytes} bytes)`,
    );
}

export function discardWheelSets(pending: PendingWheelSets): void {
  for (const plan of pending.plans) rmSync(plan.staging, { recursive: true, force: true });
}
