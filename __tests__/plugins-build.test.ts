/**
 * End-to-end: real pip, offline, on wheels built here (PyPI is unreachable in tests).
 * Fixtures are built once per file. A cold build starts pip once (~1 s); the pipeline is
 * synchronous, so the builds from another checkout run in a child process, beside this one's.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { unzipSync } from "fflate";
import { removeStaleStaging } from "../util/cache";
import {
  buildPlugins,
  checkResolution,
  ZIP_ENTRY_TIME,
  ZIP_FILE_MODE,
  type PluginsBuild,
  type PluginsInput,
} from "../plugins";
import { buildWheel, wheelFileName, type WheelSpec } from "../plugins/wheel";
import { readZipDirectory } from "./zip-reader";
import { resolvePython, runPipPhases } from "../plugins/pip";

const LIBX_1 = wheelFileName("libx", "1.0");
const LIBX_2 = wheelFileName("libx", "2.0");
const APP_A = wheelFileName("app-a", "1.0");
const TOOL_B = wheelFileName("tool-b", "1.0");
const COMMON = wheelFileName("common", "1.0");

/**
 * libx 1.0 for Airflow's set (via app-a), libx 2.0 for the startup venv (via tool-b): conflicting
 * pins; both sets also need the same common 1.0 wheel.
 */
function writeWheelhouse(dir: string, libx2Body = "VERSION = '2.0'\n"): void {
  mkdirSync(dir, { recursive: true });
  const wheels: WheelSpec[] = [
    { name: "libx", version: "1.0", files: { "libx/__init__.py": "VERSION = '1.0'\n" } },
    { name: "libx", version: "2.0", files: { "libx/__init__.py": libx2Body } },
    { name: "common", version: "1.0", files: { "common/__init__.py": "" } },
    { name: "app-a", version: "1.0", requires: ["libx==1.0", "common"], files: { "app_a/__init__.py": "" } },
    { name: "tool-b", version: "1.0", requires: ["libx==2.0", "common"], files: { "tool_b/__init__.py": "" } },
  ];
  for (const spec of wheels) writeFileSync(join(dir, wheelFileName(spec.name, spec.version)), buildWheel(spec));
}

/** A checkout: requirement files, constraints, plugin modules (with build litter to skip). */
function writeProject(dir: string): void {
  const files: Record<string, string> = {
    "requirements.txt": "# Airflow's set\n--index-url https://ci:t0ken@pypi.example.com/simple\napp-a==1.0\n",
    "startup-requirements.txt": "tool-b==1.0\n",
    "constraints.txt": "libx==1.0\n",
    "plugins/top_plugin.py": "from acme.sub.mod import VALUE\n",
    "plugins/acme/__init__.py": "",
    "plugins/acme/sub/mod.py": "VALUE = 1\n",
    "plugins/acme/stale.pyc": "bytecode",
    "plugins/acme/__pycache__/mod.cpython-311.pyc": "bytecode",
    "plugins/__pycache__/top_plugin.cpython-311.pyc": "bytecode",
    "plugins/.DS_Store": "finder",
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

function inputFor(project: string, wheelhouse: string, cacheDir: string, log: string[] = []): PluginsInput {
  return {
    requirementsFile: join(project, "requirements.txt"),
    startupRequirementsFile: join(project, "startup-requirements.txt"),
    constraintsFile: join(project, "constraints.txt"),
    pluginModulesDir: join(project, "plugins"),
    pythonVersion: "3.11",
    wheelhouse,
    cacheDir,
    log: (line) => log.push(line),
  };
}

function allFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
}

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

const projectRoot = join(__dirname, "..");

/** buildPlugins in another process, one input after the other; the result or the error of each, with its log. */
const CHILD_BUILDS = `
const { buildPlugins, PluginsError } = require("./plugins");
const inputs = JSON.parse(process.argv[1]);
const results = inputs.map((input) => {
  const log = [];
  try {
    return { build: buildPlugins({ ...input, log: (line) => log.push(line) }), log };
  } catch (error) {
    return { error: { message: String(error.message), isPluginsError: error instanceof PluginsError }, log };
  }
});
process.stdout.write(JSON.stringify(results));
`;

interface ChildBuild {
  readonly build?: PluginsBuild;
  readonly error?: { readonly message: string; readonly isPluginsError: boolean };
  readonly log: string[];
}

function buildInChild(inputs: readonly PluginsInput[]): Promise<ChildBuild[]> {
  return new Promise((resolve, reject) => {
    // The inputs go on the command line: stdin would reach its end only when this process's event loop
    // runs, which the synchronous build here blocks.
    const args = JSON.stringify(inputs.map(({ log: _log, ...input }) => input));
    const child = spawn(process.execPath, ["-r", "tsx/cjs", "-e", CHILD_BUILDS, args], {
      cwd: projectRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolve(JSON.parse(stdout) as ChildBuild[])
        : reject(new Error(`child build exited ${code}: ${stderr}`)),
    );
  });
}

/** The build of a child's result, or the child's error as the test's failure. */
function built(result: ChildBuild): PluginsBuild {
  if (result.build === undefined) throw new Error(`the build failed: ${result.error?.message}`);
  return result.build;
}

let root: string;
let wheelhouse: string;
let projectA: string;
let first: PluginsBuild;
const firstLog: string[] = [];
/**
 * Built in a child while this process builds `first`: another checkout, then a changed wheelhouse
 * (both with cache-b), then a requirement without a wheel.
 */
let elsewhere: Promise<ChildBuild[]>;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "plugins-build-"));
  wheelhouse = join(root, "wheelhouse");
  projectA = join(root, "checkout-a");
  writeWheelhouse(wheelhouse);
  writeProject(projectA);

  // GIVEN a copy of the inputs elsewhere, every file with another mtime, and a fresh cache
  const projectB = join(root, "elsewhere", "checkout-b");
  const wheelhouseB = join(root, "elsewhere", "wheelhouse");
  cpSync(projectA, projectB, { recursive: true });
  cpSync(wheelhouse, wheelhouseB, { recursive: true });
  let minute = 0;
  for (const path of [...allFiles(projectB), ...allFiles(wheelhouseB)]) {
    const when = new Date(Date.UTC(2019, 0, 1, 0, minute++));
    utimesSync(path, when, when);
  }
  // AND a wheelhouse whose libx 2.0 wheel has other content under the same file name
  writeWheelhouse(join(root, "wheelhouse-changed"), "VERSION = '2.0'  # rebuilt\n");
  // AND a requirement the wheelhouse has no wheel for
  const missing = join(root, "missing");
  mkdirSync(missing);
  writeFileSync(join(missing, "requirements.txt"), "app-a==1.0\nfoo==1.2\n");
  // The child gets the interpreter this process resolves (a pyenv shim costs ~0.5 s per lookup).
  const python = resolvePython("python3");
  elsewhere = buildInChild([
    { ...inputFor(projectB, wheelhouseB, join(root, "cache-b")), pythonExecutable: python },
    { ...inputFor(projectB, join(root, "wheelhouse-changed"), join(root, "cache-b")), pythonExecutable: python },
    {
      requirementsFile: join(missing, "requirements.txt"),
      pythonVersion: "3.11",
      wheelhouse,
      cacheDir: join(root, "cache-missing"),
      pythonExecutable: python,
    },
  ]);
  elsewhere.catch(() => undefined); // awaited by the tests; not an unhandled rejection meanwhile

  first = buildPlugins(inputFor(projectA, wheelhouse, join(root, "cache-a"), firstLog));
});

afterAll(async () => {
  await elsewhere?.catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
});

// Before buildPlugins' tests: its pip run overlaps the child's builds, which those tests await.
describe("checkResolution", () => {
  it("names the requirement that does not resolve from the zip's wheels", () => {
    // GIVEN the zip's wheels (app-a and libx) and a requirement with no wheel among them
    const wheels = join(root, "check-wheels");
    mkdirSync(wheels);
    for (const name of [APP_A, LIBX_1]) cpSync(join(wheelhouse, name), join(wheels, name));
    const requirements = `--find-links ${wheels}\n--no-index\napp-a==1.0\nfoo\n`;
    // WHEN checked THEN PluginsError says MWAA would fail and what to do
    expect(() =>
      checkResolution({ label: "requirements.txt", requirements, wheelsDir: wheels, pythonVersion: "3.11" }),
    ).toThrow(
      'requirements.txt: "foo" does not resolve from the wheels in plugins.zip; MWAA would fail the update. Add its wheel or remove the line.',
    );
  });
});

/** A stand-in for pip's entry point: prints its arguments and folder; its last argument says how it ends. */
const FAKE_PIP: Record<string, string> = {
  "pip/__init__.py": "",
  "pip/__main__.py": "import sys\nfrom pip._internal.cli.main import main\nsys.exit(main())\n",
  "pip/_internal/__init__.py": "",
  "pip/_internal/cli/__init__.py": "",
  "pip/_internal/cli/main.py": [
    "import os, sys",
    "def main(args=None):",
    "    args = sys.argv[1:] if args is None else args",
    "    print('args', ' '.join(args), 'in', os.getcwd())",
    "    print('to stderr', file=sys.stderr)",
    "    if args[-1] == 'raise':",
    "        raise RuntimeError('crashed')",
    "    if args[-1] == 'exit':",
    "        sys.exit('stopped by SystemExit')",
    "    if args[-1] == 'exit4':",
    "        sys.exit(4)",
    "    return int(args[-1])",
    "",
  ].join("\n"),
};

describe("runPipPhases", () => {
  it.each([
    ["forked from one start-up", true],
    ["as separate processes", false],
  ])(
    "runs pip's jobs %s: statuses and output in job order, links wheels first, and runs no phase after a failed one",
    (_how, fork) => {
      // GIVEN a stand-in pip first on the Python path, two wheel folders that share a name, and three phases
      const dir = mkdtempSync(join(root, "runner-"));
      for (const [path, content] of Object.entries(FAKE_PIP)) {
        mkdirSync(dirname(join(dir, "fake", path)), { recursive: true });
        writeFileSync(join(dir, "fake", path), content);
      }
      for (const [path, content] of Object.entries({
        "a/x.whl": "from a",
        "a/notes.txt": "not a wheel",
        "b/x.whl": "from b",
        "b/y.whl": "only in b",
      })) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), content);
      }
      const job = (last: string) => ({ args: ["download", last], cwd: join(dir, "a") });
      const phases = [
        { jobs: [job("0")] },
        {
          linkWheels: { from: [join(dir, "a"), join(dir, "b")], to: join(dir, "linked") },
          jobs: [job("0"), job("3"), job("exit"), job("exit4"), job("raise")],
        },
        { jobs: [job("0")] },
      ];
      const saved = process.env.PYTHONPATH;
      process.env.PYTHONPATH = join(dir, "fake");
      let results;
      try {
        // WHEN run
        results = runPipPhases("python3", phases, { fork });
      } finally {
        if (saved === undefined) delete process.env.PYTHONPATH;
        else process.env.PYTHONPATH = saved;
      }
      // THEN each job got pip's options and its folder, and reports its own status and both streams
      expect(results.map((phase) => phase.results.map((result) => result.status))).toEqual([[0], [0, 3, 1, 4, 1]]);
      const [, second] = results;
      expect(second.results[1].output).toBe(
        `args --disable-pip-version-check --no-input --no-color download 3 in ${join(dir, "a")}\nto stderr\n`,
      );
      expect(second.results[2].output).toContain("stopped by SystemExit");
      expect(second.results[4].output).toContain("RuntimeError: crashed");
      // AND the wheels were linked before the jobs, the first folder winning a name; the third phase did not run
      expect(readdirSync(join(dir, "linked")).sort()).toEqual(["x.whl", "y.whl"]);
      expect(readFileSync(join(dir, "linked", "x.whl"), "utf8")).toBe("from a");
    },
  );
});

describe("buildPlugins", () => {
  it("zips both sets' wheels (both libx versions, the shared one once), the plugin modules by relative path, the constraints and the startup requirements, sorted", () => {
    // GIVEN two requirement sets that pin libx differently, plus plugin modules with build litter
    // WHEN built (beforeAll)
    const directory = readZipDirectory(readFileSync(first.zipPath));
    // THEN the archive holds exactly these entries, in code-unit order, no folders, no litter
    expect(directory.map((entry) => entry.name)).toEqual([
      "acme/__init__.py",
      "acme/sub/mod.py",
      APP_A,
      COMMON,
      "constraints.txt",
      LIBX_1,
      LIBX_2,
      "startup-requirements.txt",
      TOOL_B,
      "top_plugin.py",
    ]);
    expect(first.wheels).toEqual([APP_A, COMMON, LIBX_1, LIBX_2, TOOL_B]);
    expect(first.cacheHit).toBe(false);
  });

  it("gives every entry the fixed timestamp and mode 0644", () => {
    // GIVEN the built zip WHEN its central directory is read THEN all metadata is the constant one
    for (const entry of readZipDirectory(readFileSync(first.zipPath))) {
      expect(entry.time).toEqual(ZIP_ENTRY_TIME);
      expect(entry.unixMode).toBe(ZIP_FILE_MODE);
    }
  });

  it("ships the wheels byte for byte, and a startup-requirements.txt that installs from the plugins folder", () => {
    // GIVEN the built zip WHEN unpacked
    const files = unzipSync(readFileSync(first.zipPath));
    // THEN wheels equal the wheelhouse's, and the startup file points pip at the zip's wheels
    expect(Buffer.from(files[LIBX_2]).equals(readFileSync(join(wheelhouse, LIBX_2)))).toBe(true);
    expect(Buffer.from(files["constraints.txt"]).toString()).toBe("libx==1.0\n");
    const startup = Buffer.from(files["startup-requirements.txt"]).toString();
    expect(startup).toContain("\n--find-links /usr/local/airflow/plugins\n--no-index\n");
    expect(startup.endsWith("\ntool-b==1.0\n")).toBe(true);
  });

  it("reports the zip's sha256 and size, and keeps it content-addressed in the cache without temporary files", () => {
    // GIVEN the build result THEN the reported hash and size are the file's
    const bytes = readFileSync(first.zipPath);
    expect(first.zipSha256).toBe(sha256(bytes));
    expect(first.zipSize).toBe(bytes.length);
    expect(relative(join(root, "cache-a"), first.zipPath)).toMatch(/^zips\/[0-9a-f]{64}\/plugins\.zip$/);
    // AND no staging folder or half-written file is left behind
    const leftovers = allFiles(join(root, "cache-a")).filter(
      (path) => path.endsWith(".tmp") || relative(join(root, "cache-a"), path).startsWith("tmp/"),
    );
    expect(leftovers).toEqual([]);
  });

  it("renders the upload requirements: header first, the user's lines kept, the internet index removed", () => {
    // GIVEN a requirements file with an --index-url line carrying a token
    const lines = first.requirementsContent.split("\n");
    // THEN the header comes first, the constraints shipped in the zip are referenced, user lines follow
    expect(lines[0]).toMatch(/^# Generated from requirements\.txt/);
    expect(lines.slice(2, 5)).toEqual([
      "--find-links /usr/local/airflow/plugins",
      "--no-index",
      "--constraint /usr/local/airflow/plugins/constraints.txt",
    ]);
    expect(lines).toContain("# Airflow's set");
    expect(lines).toContain("app-a==1.0");
    expect(lines).toContain(
      "# removed by the plugins.zip pipeline (no internet in MWAA): --index-url https://***@pypi.example.com/simple",
    );
    expect(first.requirementsContent).not.toContain("t0ken");
  });

  it("logs each set's download, the offline check and the build", () => {
    // GIVEN the first (cold) build's log THEN it says what ran
    expect(firstLog.join("\n")).toMatch(
      /requirements\.txt: cache miss, pip download for Python 3\.11 manylinux x86_64/,
    );
    expect(firstLog.join("\n")).toMatch(/startup-requirements\.txt: downloaded 3 wheels/);
    expect(firstLog.join("\n")).toMatch(/requirements\.txt: resolves offline from the zip's wheels \(3 to install/);
    expect(firstLog.join("\n")).toMatch(/built plugins\.zip: 5 wheels, 3 plugin files/);
  });

  it("returns the cached zip without running pip when the inputs are unchanged, even after every file was touched", () => {
    // GIVEN every input file touched to a new mtime, and an interpreter that does not exist (pip cannot run)
    const later = new Date("2031-05-06T07:08:09Z");
    for (const path of [...allFiles(projectA), ...allFiles(wheelhouse)]) utimesSync(path, later, later);
    const log: string[] = [];
    // WHEN built again
    const started = process.hrtime.bigint();
    const again = buildPlugins({
      ...inputFor(projectA, wheelhouse, join(root, "cache-a"), log),
      pythonExecutable: join(root, "no-such-python"),
    });
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    // THEN the same zip comes back at once from the cache
    expect(again.cacheHit).toBe(true);
    expect(again.zipPath).toBe(first.zipPath);
    expect(again.zipSha256).toBe(first.zipSha256);
    expect(again.requirementsContent).toBe(first.requirementsContent);
    expect(log).toEqual(["plugins: plugins.zip up to date (cache hit, 5 wheels)"]);
    expect(elapsedMs).toBeLessThan(250);
  });

  it("rebuilds the zip for a changed plugin module from the cached wheels, without running pip", () => {
    // GIVEN a copy of the checkout with one plugin module edited, the warm cache, and no usable interpreter
    const projectC = join(root, "checkout-c");
    cpSync(projectA, projectC, { recursive: true });
    writeFileSync(join(projectC, "plugins", "acme", "sub", "mod.py"), "VALUE = 2\n");
    const log: string[] = [];
    // WHEN built
    const edited = buildPlugins({
      ...inputFor(projectC, wheelhouse, join(root, "cache-a"), log),
      pythonExecutable: join(root, "no-such-python"),
    });
    // THEN a new zip is made with the same wheels, the wheel sets and the offline check coming from the cache
    expect(edited.cacheHit).toBe(false);
    expect(edited.zipSha256).not.toBe(first.zipSha256);
    expect(edited.wheels).toEqual(first.wheels);
    expect(Buffer.from(unzipSync(readFileSync(edited.zipPath))["acme/sub/mod.py"]).toString()).toBe("VALUE = 2\n");
    expect(log.filter((line) => line.includes("(cache hit)"))).toHaveLength(2);
    expect(log.join("\n")).not.toContain("resolves offline");
  });

  it("fails with the missing package, the target and pip's words when no wheel exists", async () => {
    // GIVEN a requirement the wheelhouse has no wheel for (beforeAll)
    // WHEN built (in the child) THEN PluginsError names the file, the requirement and the platform, and quotes pip
    const { error } = (await elsewhere)[2];
    expect(error?.isPluginsError).toBe(true);
    expect(error?.message).toMatch(
      /requirements\.txt: no wheel for "foo==1\.2" for Python 3\.11 manylinux x86_64 in the wheelhouse .*\(pip: .*No matching distribution found for foo==1\.2\)/,
    );
    // AND nothing was cached for the failed set
    expect(() => readdirSync(join(root, "cache-missing", "wheels"))).toThrow();
  });

  it("builds byte-identical zips from another checkout path with other mtimes and an empty cache", async () => {
    // GIVEN a copy of the inputs elsewhere, every file with another mtime, and a fresh cache (beforeAll)
    // WHEN built from scratch (in the child)
    const fromB = built((await elsewhere)[0]);
    // THEN pip ran again, and the bytes and the content address are the same
    expect(fromB.cacheHit).toBe(false);
    expect(readFileSync(fromB.zipPath).equals(readFileSync(first.zipPath))).toBe(true);
    expect(relative(join(root, "cache-b"), fromB.zipPath)).toBe(relative(join(root, "cache-a"), first.zipPath));
  });

  it("changes the zip when a wheel's content changes under the same file name", async () => {
    // GIVEN a wheelhouse whose libx 2.0 wheel has other content (beforeAll)
    // WHEN built with the warm cache of the build from the same checkout (in the child, after it)
    const [fromB, changedResult] = await elsewhere;
    const changed = built(changedResult);
    // THEN it is rebuilt, with the same wheel names but another hash and address
    expect(changed.cacheHit).toBe(false);
    expect(changed.wheels).toEqual(first.wheels);
    expect(changed.zipSha256).not.toBe(first.zipSha256);
    expect(changed.zipPath).not.toBe(built(fromB).zipPath);
    expect(
      Buffer.from(unzipSync(readFileSync(changed.zipPath))[LIBX_2]).equals(
        readFileSync(join(root, "wheelhouse-changed", LIBX_2)),
      ),
    ).toBe(true);
  });

  it("rejects relative paths and a malformed Python version before running anything", () => {
    // GIVEN bad inputs WHEN built THEN PluginsError names the field
    const input = inputFor(projectA, wheelhouse, join(root, "cache-a"));
    expect(() => buildPlugins({ ...input, requirementsFile: "airflow/requirements.txt" })).toThrow(
      "requirementsFile must be an absolute path",
    );
    expect(() => buildPlugins({ ...input, pythonVersion: "311" })).toThrow(
      'pythonVersion must look like "3.11" (got "311")',
    );
    expect(() => buildPlugins({ ...input, requirementsFile: join(root, "nope.txt") })).toThrow(
      `requirementsFile ${join(root, "nope.txt")} cannot be read (ENOENT)`,
    );
  });
});

describe("removeStaleStaging", () => {
  it("removes staging folders older than a day and keeps recent ones (a live run's)", () => {
    // GIVEN one staging folder left by an interrupted run two days ago and one from now
    const cacheDir = join(root, "cache-stale");
    mkdirSync(join(cacheDir, "tmp", "old"), { recursive: true });
    mkdirSync(join(cacheDir, "tmp", "live"), { recursive: true });
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
    utimesSync(join(cacheDir, "tmp", "old"), twoDaysAgo, twoDaysAgo);
    // WHEN cleaned THEN only the old one is gone
    removeStaleStaging(cacheDir);
    expect(readdirSync(join(cacheDir, "tmp"))).toEqual(["live"]);
  });
});
