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
const PASS_THROUGH_PIP_VARS = new Set([
  "PIP_CERT",
  "PIP_CLIENT_CERT",
  "PIP_PROXY",
  "PIP_TRUSTED_HOST",
  "PIP_DEFAULT_TIMEOUT",
  "PIP_RETRIES",
  "PIP_CACHE_DIR",
  "PIP_INDEX_URL",
]);

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
  const result = spawnSync(command, ["-c", "import sys; print(sys.executable)"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (result.error !== undefined || result.status !== 0) {
    const reason = result.error?.message ?? result.stderr.trim();
    throw new PluginsError(
      `cannot run "${command}" (${reason}); install Python 3 with pip, or name one that has pip: MWAA_PYTHON=/path/to/python3 for npm run synth and npm run plugins (pythonExecutable in code)`,
    );
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

/** Jobs that run in parallel; a phase starts only when every job of the phases before it succeeded. */
export interface PipPhase {
  /**
   * Before the jobs start: hard links (copies across file systems) of the `*.whl` files of the
   * `from` folders into `to`, one file per name, the earlier folder winning (the rule of the zip's union).
   */
  readonly linkWheels?: {
    readonly from: readonly string[];
    readonly to: string;
    /** Per `from` folder, packages (`normalized-name==version`) left out: those the MWAA image already has. */
    readonly skip?: readonly (readonly string[] | null)[];
  };
  readonly jobs: readonly PipJob[];
}

export interface PipPhaseResult {
  /** One result per job, in job order. */
  readonly results: PipResult[];
  /** Wall time of the phase. */
  readonly seconds: number;
}

export interface PipRunOptions {
  /**
   * Linux default: pip is imported once and each job runs pip's command-line entry point in a
   * forked copy of that process (a fresh process per job, without paying Python and pip start-up
   * again). false: each job is a new `python -m pip` process, as on other systems.
   */
  readonly fork?: boolean;
}

const COMMON_ARGS = ["--disable-pip-version-check", "--no-input", "--no-color"];

/**
 * The runner: one Python process for all phases. pip's start-up (the interpreter, some 500 pip
 * modules, and the user-agent probes that run lsb_release, uname and rustc) costs ~0.8 s per
 * process, more than a command on a few local wheels; forking after it pays it once per build.
 * Each job still runs pip's own entry point (what the `pip` command calls) in its own process.
 */
const RUNNER = `
import json, os, re, shutil, subprocess, sys, tempfile, time, traceback
request = json.load(sys.stdin)
if sys.path and sys.path[0] == "":
    del sys.path[0]  # -c put the working folder first; a job's folder must not shadow pip's modules
pip_main = None
if request["fork"] and hasattr(os, "fork"):
    try:
        from pip._internal.cli.main import main as pip_main
    except Exception:
        pip_main = None
if pip_main is not None:
    import gc, importlib
    # Modules every job would import: loaded once, before the forks (each is optional).
    for name in ("pip._internal.commands.download", "pip._internal.commands.install", "pip._internal.resolution.resolvelib.resolver", "pip._internal.operations.prepare"):
        try:
            importlib.import_module(name)
        except Exception:
            pass
    try:
        from pip._internal.metadata import select_backend
        select_backend()
    except Exception:
        pass
    try:
        # The user agent goes only to a package index: computed once (it runs lsb_release, uname and
        # rustc), and not at all when every job has --no-index (wheels from local folders only).
        from pip._internal.network import session as pip_session
        offline = all("--no-index" in job["args"] for phase in request["phases"] for job in phase["jobs"])
        agent = "pip (no index)" if offline else pip_session.user_agent()
        pip_session.user_agent = lambda: agent
    except Exception:
        pass
    if hasattr(gc, "freeze"):
        gc.freeze()  # the forked jobs then leave these objects alone: fewer pages copied
    sys.stdout.flush()
    sys.stderr.flush()

def run_forked(job, out):
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.chdir(job["cwd"])
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)
            os.dup2(out.fileno(), 1)
            os.dup2(out.fileno(), 2)
            code = pip_main(list(job["args"]))
        except SystemExit as stop:
            if isinstance(stop.code, int) or stop.code is None:
                code = stop.code or 0
            else:
                sys.stderr.write(f"{stop.code}\\n")
                code = 1
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code if isinstance(code, int) else 1)
    def wait():
        status = os.waitpid(pid, 0)[1]
        return os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)
    return wait

def run_process(job, out):
    proc = subprocess.Popen([sys.executable, "-m", "pip", *job["args"]], cwd=job["cwd"], stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    return proc.wait

def link_wheels(spec):
    os.makedirs(spec["to"], exist_ok=True)
    skips = spec.get("skip") or []
    for index, folder in enumerate(spec["from"]):
        skip = set(skips[index] or []) if index < len(skips) else set()
        for name in os.listdir(folder):
            target = os.path.join(spec["to"], name)
            if not name.endswith(".whl") or os.path.lexists(target):
                continue
            parts = name.split("-")
            if skip and re.sub(r"[-_.]+", "-", parts[0]).lower() + "==" + parts[1] in skip:
                continue
            try:
                os.link(os.path.join(folder, name), target)
            except OSError:
                shutil.copyfile(os.path.join(folder, name), target)

done = []
for phase in request["phases"]:
    started = time.monotonic()
    if phase.get("linkWheels") is not None:
        link_wheels(phase["linkWheels"])
    running = []
    for job in phase["jobs"]:
        out = tempfile.TemporaryFile()
        running.append((out, (run_forked if pip_main is not None else run_process)(job, out)))
    results = []
    for out, wait in running:
        status = wait()
        out.seek(0)
        results.append({"status": status, "output": out.read().decode("utf-8", "replace")})
        out.close()
    done.append({"results": results, "seconds": time.monotonic() - started})
    if any(result["status"] != 0 for result in results):
        break
json.dump(done, sys.stdout)
sys.stdout.flush()
os._exit(0)  # tearing down the interpreter and pip's modules takes ~0.2 s and frees nothing the system would not
`;

/**
 * Runs pip phases synchronously (one spawnSync): the jobs of a phase in parallel (the two
 * requirement sets do not depend on each other), the phases in order. A phase after one with a
 * failed job does not run: the result has fewer entries than `phases`.
 */
export function runPipPhases(
  python: string,
  phases: readonly PipPhase[],
  options: PipRunOptions = {},
): PipPhaseResult[] {
  if (phases.every((phase) => phase.jobs.length === 0 && phase.linkWheels === undefined))
    return phases.map(() => ({ results: [], seconds: 0 }));
  const executable = resolvePython(python);
  const request = {
    fork: options.fork ?? process.platform === "linux",
    phases: phases.map((phase) => ({
      linkWheels: phase.linkWheels ?? null,
      jobs: phase.jobs.map((job) => ({ args: [...COMMON_ARGS, ...job.args], cwd: job.cwd })),
    })),
  };
  const result = spawnSync(executable, ["-c", RUNNER], {
    env: isolatedPipEnv(),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    input: JSON.stringify(request),
  });
  if (result.error !== undefined || result.status !== 0) {
    throw new PluginsError(`cannot run pip with "${executable}" (${result.error?.message ?? result.stderr.trim()})`);
  }
  return JSON.parse(result.stdout) as PipPhaseResult[];
}

/** One phase of parallel jobs; see runPipPhases. */
export function runPipJobs(python: string, jobs: readonly PipJob[], options: PipRunOptions = {}): PipResult[] {
  return jobs.length === 0 ? [] : runPipPhases(python, [{ jobs }], options)[0].results;
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

const NETWORK_ERROR =
  /(Failed to establish a new connection: [^')]*|Name or service not known|Temporary failure in name resolution|Connection refused|Network is unreachable|SSLError\([^)]*|ProxyError\([^)]*|Read timed out)/;

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
  const notFound =
    /Could not find a version that satisfies the requirement (\S+)(?: \(from (?!versions:)([^)]+)\))?/.exec(output);
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
