import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { basename, isAbsolute, join, relative, sep } from "node:path";
import {
  cacheKey,
  makeStagingDir,
  readJsonIfExists,
  removeStaleStaging,
  sha256Hex,
  writeFileAtomic,
} from "../util/cache";
import { PluginsError } from "./errors";
import { collectPluginModules, type PluginModuleFile } from "./modules";
import { runPipPhases, type PipPhase, type PipPhaseResult } from "./pip";
import { discardChecks, planChecks, readCheckResults, type PlannedChecks, type ResolutionCheck } from "./resolve";
import { imageConflict, imageConstraintFiles, mwaaImage, namesOwnConstraints } from "./image";
import { missingImageData } from "./image-data";
import {
  countRequirements,
  MWAA_PLUGINS_DIR,
  renderRequirements,
  ZIP_CONSTRAINTS_NAME,
  ZIP_STARTUP_REQUIREMENTS_NAME,
} from "./requirements";
import {
  discardWheelSets,
  downloadJobs,
  finishWheelSets,
  fingerprintWheels,
  planWheelSets,
  wheelSetFolders,
  wheelSetKey,
  type WheelFingerprint,
  type ImageUse,
  type WheelSet,
  type WheelSetRequest,
} from "./wheels";
import { deterministicZip, type ZipEntry } from "../util/zip";

export interface PluginsInput {
  /** Absolute path of the user's requirements.txt (for MWAA's own resolver). */
  readonly requirementsFile: string;
  /** Absolute path of the requirements installed by the startup script into its own venv (e.g. dbt-snowflake); optional. */
  readonly startupRequirementsFile?: string;
  /**
   * Absolute path of an Airflow constraints file; optional. Applied when downloading the
   * requirements set (pip -c), shipped in plugins.zip as constraints.txt and referenced from the
   * uploaded requirements.txt. Without it MWAA applies its image's Airflow constraints, which
   * the offline check cannot see: pass the constraints of your Airflow version.
   */
  readonly constraintsFile?: string;
  /** Absolute path of a folder of custom Airflow plugin modules (.py and sub-packages) zipped beside the wheels; optional. */
  readonly pluginModulesDir?: string;
  /**
   * The environment's Airflow version: the requirements are resolved as MWAA's image of that
   * version resolves them (its constraints unless the uploaded file names its own, its essential
   * constraints always, its installed packages; plugins/image.ts), and packages the image already
   * has are left out of the zip.
   * @default - no image: the requirements resolve from the zip's wheels alone
   */
  readonly airflowVersion?: string;
  /** MWAA's Python version for the environment's Airflow version, e.g. "3.11" (Airflow 2.10.x) or "3.12" (Airflow 3.0.x). */
  readonly pythonVersion: string;
  /** Where wheels come from: undefined = PyPI (or PIP_INDEX_URL), or an absolute folder of wheels, used with --no-index --find-links. */
  readonly wheelhouse?: string;
  /** Cache root (absolute), e.g. <project>/.cache/plugins. */
  readonly cacheDir: string;
  /** Progress lines go here (stderr in the app). */
  readonly log?: (line: string) => void;
  /** Python interpreter that runs pip; default "python3". Only its pip matters: the target is MWAA's. */
  readonly pythonExecutable?: string;
}

export interface PluginsBuild {
  /** Absolute path of the built plugins.zip (inside cacheDir, content-addressed). */
  readonly zipPath: string;
  readonly zipSha256: string;
  readonly zipSize: number;
  /** Rendered requirements.txt for upload. */
  readonly requirementsContent: string;
  /** Wheel file names in the zip, sorted. */
  readonly wheels: readonly string[];
  /** True when the zip came from the cache: pip did not run. */
  readonly cacheHit: boolean;
}

interface BuildRecord {
  readonly zipSha256: string;
  readonly zipSize: number;
  readonly wheels: string[];
}

const ZIP_NAME = "plugins.zip";
const BUILD_RECORD = "build.json";

/** How messages name a file: relative to the working folder when inside it. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel.split(sep).join("/") : path;
}

function requireAbsolute(field: string, path: string | undefined): void {
  if (path !== undefined && !isAbsolute(path))
    throw new PluginsError(`plugins: ${field} must be an absolute path (got "${path}")`);
}

function readInputFile(field: string, path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new PluginsError(
      `plugins: ${field} ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
}

function validate(input: PluginsInput): void {
  requireAbsolute("requirementsFile", input.requirementsFile);
  requireAbsolute("startupRequirementsFile", input.startupRequirementsFile);
  requireAbsolute("constraintsFile", input.constraintsFile);
  requireAbsolute("pluginModulesDir", input.pluginModulesDir);
  requireAbsolute("wheelhouse", input.wheelhouse);
  requireAbsolute("cacheDir", input.cacheDir);
  if (!/^3\.\d{1,2}$/.test(input.pythonVersion)) {
    throw new PluginsError(`plugins: pythonVersion must look like "3.11" (got "${input.pythonVersion}")`);
  }
}

/** The inputs, read once: everything the cache keys and the zip are computed from. */
interface ReadInputs {
  readonly requirements: WheelSetRequest;
  readonly startup?: WheelSetRequest;
  readonly constraintsContent?: string;
  readonly modules: readonly PluginModuleFile[];
}

/** The image the requirements set installs on, when the Airflow version is given and its data exists. */
function imageUse(input: PluginsInput, requirementsContent: string, log: (line: string) => void): ImageUse | undefined {
  if (input.airflowVersion === undefined) return undefined;
  const image = mwaaImage(input.airflowVersion, input.cacheDir);
  if (image === undefined) {
    log(
      `plugins: warning: ${displayPath(input.requirementsFile)} is NOT checked against the MWAA image: ${missingImageData(input.airflowVersion)}`,
    );
    return undefined;
  }
  // user_requirements.py reads the uploaded file: the pipeline's header names the constraints file when one is given.
  const upload = renderRequirements(requirementsContent, {
    sourceName: basename(input.requirementsFile),
    findLinks: MWAA_PLUGINS_DIR,
    constraintsPath: input.constraintsFile === undefined ? undefined : `${MWAA_PLUGINS_DIR}/${ZIP_CONSTRAINTS_NAME}`,
  });
  const ownConstraints = namesOwnConstraints(upload);
  return { image, ownConstraints, constraintFiles: imageConstraintFiles(image, ownConstraints) };
}

function readInputs(input: PluginsInput): ReadInputs {
  const constraintsContent =
    input.constraintsFile === undefined ? undefined : readInputFile("constraintsFile", input.constraintsFile);
  const wheelhouse =
    input.wheelhouse === undefined ? undefined : { dir: input.wheelhouse, wheels: fingerprintWheels(input.wheelhouse) };
  const requirementsContent = readInputFile("requirementsFile", input.requirementsFile);
  const image = imageUse(input, requirementsContent, input.log ?? (() => undefined));
  const requirements: WheelSetRequest = {
    label: displayPath(input.requirementsFile),
    requirementsFile: input.requirementsFile,
    requirementsContent,
    ...(image === undefined ? {} : { image }),
    constraintsFile: input.constraintsFile,
    constraintsContent,
    pythonVersion: input.pythonVersion,
    wheelhouse,
  };
  // The startup venv is a separate resolver run: Airflow's constraints do not apply to it.
  const startup: WheelSetRequest | undefined =
    input.startupRequirementsFile === undefined
      ? undefined
      : {
          label: displayPath(input.startupRequirementsFile),
          requirementsFile: input.startupRequirementsFile,
          requirementsContent: readInputFile("startupRequirementsFile", input.startupRequirementsFile),
          pythonVersion: input.pythonVersion,
          wheelhouse,
        };
  countRequirements(requirements.requirementsContent, requirements.label);
  if (startup !== undefined) countRequirements(startup.requirementsContent, startup.label);
  const modules = input.pluginModulesDir === undefined ? [] : collectPluginModules(input.pluginModulesDir);
  return { requirements, startup, constraintsContent, modules };
}

function renderUpload(inputs: ReadInputs): string {
  return renderRequirements(inputs.requirements.requirementsContent, {
    sourceName: basename(inputs.requirements.requirementsFile),
    findLinks: MWAA_PLUGINS_DIR,
    constraintsPath:
      inputs.constraintsContent === undefined ? undefined : `${MWAA_PLUGINS_DIR}/${ZIP_CONSTRAINTS_NAME}`,
  });
}

function renderStartup(startup: WheelSetRequest, findLinks: string): string {
  return renderRequirements(startup.requirementsContent, {
    sourceName: basename(startup.requirementsFile),
    findLinks,
    purpose: "startup",
  });
}

/** One wheel per file name; a name in both sets is the same release, so it is kept once. */
function unionOfWheels(
  sets: readonly WheelSet[],
  log: (line: string) => void,
): Map<string, { set: WheelSet; wheel: WheelFingerprint }> {
  const union = new Map<string, { set: WheelSet; wheel: WheelFingerprint }>();
  for (const set of sets) {
    for (const wheel of set.wheels) {
      const seen = union.get(wheel.name);
      if (seen === undefined) union.set(wheel.name, { set, wheel });
      else if (seen.wheel.sha256 !== wheel.sha256)
        log(`plugins: warning: two different files are named ${wheel.name}; keeping the one from the requirements set`);
    }
  }
  return union;
}

/** A set's offline check, for a set with requirements (pip refuses an empty set). */
interface SetCheck {
  readonly request: WheelSetRequest;
  readonly index: number;
  readonly check: ResolutionCheck;
}

/** The image's part of a set's check: its installed packages, its constraint files, its conflicts named. */
function imageCheck(
  request: WheelSetRequest,
): Pick<ResolutionCheck, "extraFindLinks" | "constraintFiles" | "explainFailure"> {
  const use = request.image;
  if (use === undefined) return {};
  return {
    extraFindLinks: [use.image.stubsDir],
    constraintFiles: use.constraintFiles,
    explainFailure: (output) => imageConflict(request.label, output, use.image, use.ownConstraints),
  };
}

/** The checks of the sets, each rendered with --find-links pointing at `wheelsDir` (the zip's wheels). */
function setChecks(inputs: ReadInputs, wheelsDir: string): SetCheck[] {
  const candidates: SetCheck[] = [
    {
      request: inputs.requirements,
      index: 0,
      check: {
        label: inputs.requirements.label,
        wheelsDir,
        pythonVersion: inputs.requirements.pythonVersion,
        requirements: renderRequirements(inputs.requirements.requirementsContent, {
          sourceName: basename(inputs.requirements.requirementsFile),
          findLinks: wheelsDir,
          constraintsPath: inputs.requirements.constraintsFile,
        }),
        ...imageCheck(inputs.requirements),
      },
    },
  ];
  if (inputs.startup !== undefined) {
    const startup = inputs.startup;
    candidates.push({
      request: startup,
      index: 1,
      check: {
        label: startup.label,
        wheelsDir,
        pythonVersion: startup.pythonVersion,
        requirements: renderStartup(startup, wheelsDir),
      },
    });
  }
  return candidates.filter(({ request }) => countRequirements(request.requirementsContent, request.label) > 0);
}

/**
 * Reads the offline checks' outcomes. A set whose resolution picks a wheel it did not download
 * (another version from the other set) is reported: MWAA would install a release the download
 * did not choose.
 */
function reportChecks(
  checks: readonly SetCheck[],
  planned: PlannedChecks,
  phase: PipPhaseResult,
  sets: readonly WheelSet[],
  log: (line: string) => void,
): void {
  const results = readCheckResults(planned, phase.results);
  const seconds = phase.seconds.toFixed(1);
  checks.forEach(({ request, index: setIndex }, index) => {
    const { installs, fromImage } = results[index];
    const own = new Set(sets[setIndex].wheels.map((wheel) => wheel.name));
    const foreign = installs.filter((name) => !own.has(name));
    if (foreign.length > 0) {
      log(
        `plugins: warning: ${request.label}: from plugins.zip pip would install ${foreign.join(", ")}, which its download did not choose; pin those versions in ${request.label}`,
      );
    }
    const image =
      request.image === undefined
        ? ""
        : ` on the MWAA ${request.image.image.data.airflowVersion} image (${fromImage.length} already installed there)`;
    log(
      `plugins: ${request.label}: resolves offline from the zip's wheels${image} (${installs.length} to install, ${seconds} s)`,
    );
  });
}

/**
 * Each set's wheels (cached, or downloaded by pip, the sets in parallel) and, once per pair of
 * sets, the offline check of both sets on exactly the union of their wheels. One runner does the
 * downloads and then the checks, so pip starts once per build. Returns the union, for the zip.
 */
function wheelsForZip(
  inputs: ReadInputs,
  setKeys: readonly (string | null)[],
  cacheDir: string,
  python: string,
  log: (line: string) => void,
): ReturnType<typeof unionOfWheels> {
  const requests = inputs.startup === undefined ? [inputs.requirements] : [inputs.requirements, inputs.startup];
  // The check depends only on the sets (their files' contents and wheels): done once per pair.
  const checkedMarker = join(cacheDir, "checked", cacheKey({ kind: "resolution-check", sets: setKeys }));
  const checkNeeded = !existsSync(checkedMarker);
  const pending = planWheelSets(requests, cacheDir, log);
  let checkStaging: string | undefined;
  let planned: PlannedChecks | undefined;
  try {
    const phases: PipPhase[] = [{ jobs: downloadJobs(pending) }];
    let checks: SetCheck[] = [];
    let checkWheels = "";
    if (checkNeeded) {
      checkStaging = makeStagingDir(cacheDir);
      checkWheels = join(checkStaging, "wheels");
      checks = setChecks(inputs, checkWheels);
    }
    if (checks.length > 0) {
      planned = planChecks(checks.map(({ check }) => check));
      // The zip's wheels, linked in the union's order: the requirements set's file wins a name.
      // A freshly downloaded requirements set still holds the image's packages: they are not linked (nor zipped).
      const skip = requests.map((request) => (request.image === undefined ? null : [...request.image.image.installed]));
      phases.push({ linkWheels: { from: wheelSetFolders(pending), to: checkWheels, skip }, jobs: planned.jobs });
    }
    const [downloads, checked] = runPipPhases(python, phases);
    const sets = finishWheelSets(pending, cacheDir, downloads, log);
    const union = unionOfWheels(sets, log);
    if (planned !== undefined) {
      const linked = readdirSync(checkWheels).sort();
      const zipped = [...union.keys()].sort();
      if (linked.join("\n") !== zipped.join("\n")) {
        throw new PluginsError(
          `plugins: the offline check saw ${linked.join(", ")} but plugins.zip gets ${zipped.join(", ")}; delete ${cacheDir} and build again`,
        );
      }
      reportChecks(checks, planned, checked, sets, log);
    }
    if (checkNeeded) {
      mkdirSync(join(cacheDir, "checked"), { recursive: true });
      writeFileAtomic(checkedMarker, "");
    }
    return union;
  } finally {
    discardWheelSets(pending);
    if (planned !== undefined) discardChecks(planned);
    if (checkStaging !== undefined) rmSync(checkStaging, { recursive: true, force: true });
  }
}

function zipEntries(inputs: ReadInputs, union: ReturnType<typeof unionOfWheels>): ZipEntry[] {
  const entries: ZipEntry[] = [];
  const generated = new Set<string>();
  for (const [name, { set }] of union) {
    entries.push({ name, data: readFileSync(join(set.dir, name)) });
    generated.add(name);
  }
  if (inputs.constraintsContent !== undefined) {
    entries.push({ name: ZIP_CONSTRAINTS_NAME, data: Buffer.from(inputs.constraintsContent) });
    generated.add(ZIP_CONSTRAINTS_NAME);
  }
  if (inputs.startup !== undefined) {
    entries.push({
      name: ZIP_STARTUP_REQUIREMENTS_NAME,
      data: Buffer.from(renderStartup(inputs.startup, MWAA_PLUGINS_DIR)),
    });
    generated.add(ZIP_STARTUP_REQUIREMENTS_NAME);
  }
  for (const module of inputs.modules) {
    if (generated.has(module.name))
      throw new PluginsError(
        `plugin modules: ${module.name} collides with a file the pipeline puts in plugins.zip; rename it`,
      );
    entries.push(module);
  }
  return entries;
}

/**
 * Builds plugins.zip for a private MWAA environment (synchronous: pip runs with spawnSync).
 *
 * The zip is content-addressed in the cache: with unchanged inputs (file contents, Python
 * version, wheelhouse contents, plugin modules) it returns the cached zip without running pip.
 * Otherwise each requirement set is downloaded (or taken from its own cache), the union of
 * wheels is checked offline with pip's resolver, and the zip is written atomically.
 */
export function buildPlugins(input: PluginsInput): PluginsBuild {
  const log = input.log ?? (() => undefined);
  const python = input.pythonExecutable ?? "python3";
  validate(input);
  const inputs = readInputs(input);
  const requirementsContent = renderUpload(inputs);
  const setKeys = [wheelSetKey(inputs.requirements), inputs.startup === undefined ? null : wheelSetKey(inputs.startup)];
  const zipKey = cacheKey({
    kind: "plugins-zip",
    sets: setKeys,
    constraints: inputs.constraintsContent === undefined ? null : sha256Hex(inputs.constraintsContent),
    startupRequirements:
      inputs.startup === undefined ? null : sha256Hex(renderStartup(inputs.startup, MWAA_PLUGINS_DIR)),
    modules: inputs.modules.map((module) => [module.name, sha256Hex(module.data)]),
  });
  const zipDir = join(input.cacheDir, "zips", zipKey);
  const zipPath = join(zipDir, ZIP_NAME);

  const record = readJsonIfExists<BuildRecord>(join(zipDir, BUILD_RECORD));
  if (record !== undefined && existsSync(zipPath) && statSync(zipPath).size === record.zipSize) {
    log(`plugins: plugins.zip up to date (cache hit, ${record.wheels.length} wheels)`);
    return {
      zipPath,
      zipSha256: record.zipSha256,
      zipSize: record.zipSize,
      requirementsContent,
      wheels: record.wheels,
      cacheHit: true,
    };
  }

  removeStaleStaging(input.cacheDir);
  const union = wheelsForZip(inputs, setKeys, input.cacheDir, python, log);
  const zip = deterministicZip(zipEntries(inputs, union));
  const built: BuildRecord = { zipSha256: sha256Hex(zip), zipSize: zip.length, wheels: [...union.keys()].sort() };
  mkdirSync(zipDir, { recursive: true });
  writeFileAtomic(zipPath, zip);
  writeFileAtomic(join(zipDir, BUILD_RECORD), JSON.stringify(built, null, 2));
  log(
    `plugins: built plugins.zip: ${built.wheels.length} wheels, ${inputs.modules.length} plugin files, ${zip.length} bytes`,
  );
  return { zipPath, ...built, requirementsContent, cacheHit: false };
}
