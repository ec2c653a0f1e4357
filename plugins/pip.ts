import { spawnSync } from "node:child_process";
import { devNull } from "node:os";
import { PluginsError } from "./errors";

/**
 * Wheel tags of MWAA's image: CPython on x86_64 Amazon Linux 2023 (glibc 2.34). pip does not
 * widen a manylinux_2_x tag to older ones, so each is listed, newest first (pip prefers
 * earlier tags when a release ships several); "any" keeps pure-Python wheels.
 */
export const MWAA_PLATFORMS = [
  "manylinux_2_34_x86_64",
  "manylinux_2_28_x86_64",
  "manylinux_2_27_x86_64",
  "manylinux_2_24_x86_64",
  "manylinux_2_17_x86_64",
  "manylinux2014_x86_64",
  "manylinux2010_x86_64",
  "manylinux1_x86_64",
  "any",
] as const;

/** Human wording of the target, for error messages. */
export function targetDescription(pythonVersion: string): string {
  return `Python ${pythonVersion} manylinux x86_64`;
}

/** The pip options that select MWAA's interpreter and platform instead of this machine's. */
export function mwaaTargetArgs(pythonVersion: string): string[] {
  return [
    "--only-binary=:all:",
    "--implementation",
    "cp",
    "--python-version",
    pythonVersion,
    ...MWAA_PLATFORMS.flatMap((platform) => ["--platform", platform]),
  ];
}

/** Transport settings a machine may need to reach an index; none of them changes what resolves. */
const PASS_THROUGH_PIP_VARS = new Set(["PIP_CERT", "PIP_CLIENT_CERT", "PIP_PROXY", "PIP_TRUSTED_HOST", "PIP_DEFAULT_TIMEOUT", "PIP_RETRIES", "PIP_CACHE_DIR", "PIP_INDEX_URL"]);

/**
 * pip's config files and PIP_* variables (a global constraint, extra find-links, another index)
 * would make the result depend on the machine: pip runs with no config file and only the
 * transport variables above. PIP_INDEX_URL is kept for PyPI mirrors; it has no effect with --no-index.
 */
export function isolatedPipEnv(source: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(source)) {
    if (!name.startsWith("PIP_") || PASS_THROUGH_PIP_VARS.has(name)) env[name] = value;
  }
  env.PIP_CONFIG_FILE = devNull;
  return env;
}

const interpreters = new Map<string, string>();

/**
 * The interpreter behind a command such as "python3". Version-manager shims (pyenv) cost
 * close to a second per start, so pip runs the real executable, asked once per process.
 */
export function resolvePython(command: string): string {
  const known = interpreters.get(command);
  if (known !== undefined) return known;
  const result = spawnSync(command, ["-c", "import sys; print(sys.executable)"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (result.error !== undefined || result.status !== 0) {
    const reason = result.error?.message ?? result.stderr.trim();
    throw new PluginsError(`cannot run "${command}" (${reason}); install Python 3 with pip, or set the Python executable`);
  }
  const executable = result.stdout.trim();
  const resolved = executable === "" ? command : executable;
  interpreters.set(command, resolved);
  return resolved;
}

export interface PipResult {
  readonly status: number;
  readonly output: string;
}

export interface PipJob {
  readonly args: readonly string[];
  readonly cwd: string;
}

const COMMON_ARGS = ["--disable-pip-version-check", "--no-input", "--no-color"];

/** Starts every job's pip at once and collects each one's status and output, in job order. */
const PARALLEL_RUNNER = `
import json, subprocess, sys
jobs = json.load(sys.stdin)
procs = [subprocess.Popen([sys.executable, "-m", "pip", *job["args"]], cwd=job["cwd"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for job in jobs]
results = []
for proc in procs:
    output, _ = proc.communicate()
    results.append({"status": proc.returncode, "output": output.decode("utf-8", "replace")})
json.dump(results, sys.stdout)
`;

/**
 * Runs pip jobs synchronously (spawnSync), in parallel when there are several: pip spends
 * about a second starting up, and the two requirement sets do not depend on each other.
 */
export function runPipJobs(python: string, jobs: readonly PipJob[]): PipResult[] {
  if (jobs.length === 0) return [];
  const executable = resolvePython(python);
  const options = { env: isolatedPipEnv(), encoding: "utf8" as const, maxBuffer: 64 * 1024 * 1024 };
  if (jobs.length === 1) {
    const result = spawnSync(executable, ["-m", "pip", ...COMMON_ARGS, ...jobs[0].args], { ...options, cwd: jobs[0].cwd, stdio: ["ignore", "pipe", "pipe"] });
    if (result.error !== undefined) throw new PluginsError(`cannot run "${executable} -m pip" (${result.error.message})`);
    return [{ status: result.status ?? 1, output: `${result.stdout}\n${result.stderr}` }];
  }
  const input = JSON.stringify(jobs.map((job) => ({ args: [...COMMON_ARGS, ...job.args], cwd: job.cwd })));
  const result = spawnSync(executable, ["-c", PARALLEL_RUNNER], { ...options, input });
  if (result.error !== undefined || result.status !== 0) {
    throw new PluginsError(`cannot run pip with "${executable}" (${result.error?.message ?? result.stderr.trim()})`);
  }
  return JSON.parse(result.stdout) as PipResult[];
}

/** What pip could not do, read from its output: the missing requirement, its parent, or the conflict. */
export interface PipFailure {
  /** The requirement no wheel satisfies, e.g. `foo==1.2`. */
  readonly missing?: string;
  /** The project whose dependency it is, when it is not a top-level line. */
  readonly neededBy?: string;
  /** "The conflict is caused by:" lines, when the set cannot resolve at all. */
  readonly conflict?: readonly string[];
  /** Why the index could not be reached (DNS, connection, TLS, proxy), when that is the cause. */
  readonly unreachable?: string;
  /** pip's last meaningful lines, for context. */
  readonly tail: string;
}

const NETWORK_ERROR = /(Failed to establish a new connection: [^')]*|Name or service not known|Temporary failure in name resolution|Connection refused|Network is unreachable|SSLError\([^)]*|ProxyError\([^)]*|Read timed out)/;

export function parsePipFailure(output: string): PipFailure {
  const lines = output.split("\n").map((line) => line.trimEnd());
  const meaningful = lines.filter((line) => line.trim() !== "" && !line.startsWith("INFO:"));
  // Retry warnings repeat the same error; the last lines, shortened, say enough.
  const tail = meaningful
    .filter((line) => !line.startsWith("WARNING: Retrying"))
    .slice(-3)
    .map((line) => (line.length > 300 ? `${line.slice(0, 297)}...` : line))
    .join(" | ");
  const unreachable = NETWORK_ERROR.exec(output)?.[1];
  const notFound = /Could not find a version that satisfies the requirement (\S+)(?: \(from (?!versions:)([^)]+)\))?/.exec(output);
  const noMatch = /No matching distribution found for (\S+)/.exec(output);
  const missing = noMatch?.[1] ?? notFound?.[1];
  const parent = notFound?.[2];
  const neededBy = parent !== undefined && !parent.startsWith("-r ") ? parent : undefined;
  const conflictStart = lines.findIndex((line) => line.startsWith("The conflict is caused by:"));
  let conflict: string[] | undefined;
  if (conflictStart >= 0) {
    conflict = [];
    for (const line of lines.slice(conflictStart + 1)) {
      if (line.trim() === "") break;
      conflict.push(line.trim());
    }
  }
  return { missing, neededBy, conflict, unreachable, tail };
}
