import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PluginsError } from "./errors";
import { mwaaTargetArgs, parsePipFailure, runPipJobs, type PipJob, type PipResult } from "./pip";

export interface ResolutionCheck {
  /** How messages name the set, e.g. "airflow/requirements.txt". */
  readonly label: string;
  /** The requirements as pip will read them, rendered with --find-links pointing at `wheelsDir`. */
  readonly requirements: string;
  /** A folder with exactly the wheels that go into plugins.zip. */
  readonly wheelsDir: string;
  readonly pythonVersion: string;
  /** More --find-links folders whose wheels are not in the zip (the MWAA image's installed packages). */
  readonly extraFindLinks?: readonly string[];
  /** Constraint files passed with -c, as MWAA passes its image's. */
  readonly constraintFiles?: readonly string[];
  /** A failure in the set's own terms (a conflict with the image's pins), or undefined for the generic message. */
  readonly explainFailure?: (output: string) => PluginsError | undefined;
}

export interface ResolutionResult {
  /** Wheel file names from the zip pip would install, sorted. */
  readonly installs: readonly string[];
  /** Wheel file names from the extra folders (packages the image already has), sorted. */
  readonly fromImage: readonly string[];
}

interface InstallReport {
  readonly install?: readonly { readonly download_info?: { readonly url?: string } }[];
}

function wheelNameOf(url: string): string {
  return decodeURIComponent(basename(new URL(url).pathname));
}

function checkArgs(check: ResolutionCheck, work: string): string[] {
  return [
    "install",
    "--dry-run",
    "--ignore-installed",
    "--no-index",
    "--find-links",
    check.wheelsDir,
    ...mwaaTargetArgs(check.pythonVersion),
    "--target",
    join(work, "target"),
    "--report",
    join(work, "report.json"),
    "-r",
    join(work, "requirements.txt"),
    ...(check.extraFindLinks ?? []).flatMap((dir) => ["--find-links", dir]),
    ...(check.constraintFiles ?? []).flatMap((file) => ["-c", file]),
  ];
}

/** Checks ready to run: their work folders (requirements written) and pip jobs, in check order. */
export interface PlannedChecks {
  readonly checks: readonly ResolutionCheck[];
  readonly jobs: readonly PipJob[];
  readonly works: readonly string[];
}

/** Writes each check's requirements to a work folder and builds its pip job; discardChecks removes them. */
export function planChecks(checks: readonly ResolutionCheck[]): PlannedChecks {
  const works: string[] = [];
  try {
    for (const check of checks) {
      const work = mkdtempSync(join(tmpdir(), "plugins-check-"));
      works.push(work);
      writeFileSync(join(work, "requirements.txt"), check.requirements);
    }
  } catch (error) {
    discardChecks({ checks, jobs: [], works });
    throw error;
  }
  return {
    checks,
    works,
    jobs: checks.map((check, index) => ({ args: checkArgs(check, works[index]), cwd: works[index] })),
  };
}

/** The wheels each check would install, from pip's reports; throws PluginsError naming what does not resolve. */
export function readCheckResults(planned: PlannedChecks, outcomes: readonly PipResult[]): ResolutionResult[] {
  return planned.checks.map((check, index) => {
    if (outcomes[index].status !== 0)
      throw check.explainFailure?.(outcomes[index].output) ?? resolutionFailure(check.label, outcomes[index].output);
    const report = JSON.parse(readFileSync(join(planned.works[index], "report.json"), "utf8")) as InstallReport;
    const urls = (report.install ?? []).flatMap((item) =>
      item.download_info?.url === undefined ? [] : [item.download_info.url],
    );
    const extra = new Set((check.extraFindLinks ?? []).map((dir) => resolve(dir)));
    const inExtra = (url: string) => extra.has(dirname(fileURLToPath(url)));
    return {
      installs: urls
        .filter((url) => !inExtra(url))
        .map(wheelNameOf)
        .sort(),
      fromImage: urls.filter(inExtra).map(wheelNameOf).sort(),
    };
  });
}

export function discardChecks(planned: PlannedChecks): void {
  for (const work of planned.works) rmSync(work, { recursive: true, force: true });
}

/**
 * Runs pip's resolver offline on the wheels going into plugins.zip, as MWAA's pip will:
 * `pip install --dry-run --ignore-installed --no-index --find-links <wheels>` for MWAA's
 * platform (pip 23 requires --target with --platform; nothing is written to it). The checks
 * run in parallel; results come in order. Throws PluginsError naming the requirement that
 * does not resolve.
 */
export function checkResolutions(checks: readonly ResolutionCheck[], python: string): ResolutionResult[] {
  const planned = planChecks(checks);
  try {
    return readCheckResults(planned, runPipJobs(python, planned.jobs));
  } finally {
    discardChecks(planned);
  }
}

/** One set's check; see checkResolutions. */
export function checkResolution(check: ResolutionCheck, python = "python3"): ResolutionResult {
  return checkResolutions([check], python)[0];
}

function resolutionFailure(label: string, output: string): PluginsError {
  const failure = parsePipFailure(output);
  const advice = "MWAA would fail the update. Add its wheel or remove the line.";
  if (failure.missing !== undefined) {
    const parent = failure.neededBy === undefined ? "" : ` (needed by ${failure.neededBy})`;
    return new PluginsError(
      `${label}: "${failure.missing}"${parent} does not resolve from the wheels in plugins.zip; ${advice} (pip: ${failure.tail})`,
    );
  }
  if (failure.conflict !== undefined) {
    return new PluginsError(
      `${label}: the requirements conflict with the wheels in plugins.zip: ${failure.conflict.join("; ")}; MWAA would fail the update. (pip: ${failure.tail})`,
    );
  }
  return new PluginsError(
    `${label}: pip cannot resolve the requirements from the wheels in plugins.zip; MWAA would fail the update. (pip: ${failure.tail})`,
  );
}
