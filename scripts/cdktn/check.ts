/**
 * `npm run check:cdktn`: proves that moving from CDKTF to CDK Terrain (cdktn) is mechanical.
 *
 * 1. Copies the project (git-tracked and untracked-not-ignored files, i.e. what a fresh clone plus
 *    your work in progress holds) to a temporary folder.
 * 2. Applies the swap (swap.ts) to every package.json and every TypeScript/JavaScript source, and
 *    drops package-lock.json (it pins cdktf).
 * 3. `npm install` of the swapped package.json (needs the npm registry), in a folder of its own
 *    outside the project, reused by later runs while the swapped package.json is the same.
 * 4. Type-checks the swapped copy (`tsc --noEmit -p .`): the provider bindings of
 *    @cdktn/provider-aws must accept every call the constructs make.
 * 5. Synthesizes config/example.json and every config/examples/*.json with the original project
 *    and with the swapped copy (`node app/run-ts.js main.ts`, MWAA_CONFIG and CDKTF_OUTDIR).
 * 6. Compares the outputs: manifest.json, each stack's cdk.tf.json (resources, data sources,
 *    outputs, providers, backend, every attribute and the `//` metadata) and the files of each
 *    stack's assets/ folder. Prints every difference; fails on any that known-differences.ts does
 *    not explain.
 *
 * Options: --keep (leave the temporary folder for inspection), --skip-typecheck, --fresh (install
 * again even when an install of the same swapped package.json is there to reuse).
 * Exit codes: 0 no unexplained difference, 1 unexplained differences or a failed step,
 * 2 the environment cannot run the check (no git, registry unreachable).
 */
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { classify, diffJson, report, type ClassifiedDifference, type Difference } from "./compare";
import { KNOWN_DIFFERENCES } from "./known-differences";
import { swapFile, type SwapNote } from "./swap";

const ROOT = path.resolve(__dirname, "..", "..");
const args = new Set(process.argv.slice(2));
const KEEP = args.has("--keep");
const SKIP_TYPECHECK = args.has("--skip-typecheck");
const FRESH = args.has("--fresh");
/**
 * Installs of the swapped package.json, by its hash, outside the project (a node_modules under the
 * project would let a missing package resolve from the project's own node_modules by walking up).
 */
const INSTALL_CACHE = path.join(os.tmpdir(), "mwaa-cdktn-check-install");

/** The environment cannot run the check (exit 2). */
class SetupError extends Error {}
/** A step of the check failed (exit 1). */
class CheckError extends Error {}

const log = (line: string) => process.stdout.write(`${line}\n`);
const seconds = (start: number) => `${((Date.now() - start) / 1000).toFixed(1)} s`;

/** Files a fresh clone plus uncommitted work holds: tracked (still present) and untracked-not-ignored. */
export function projectFiles(root: string): string[] {
  let out: string;
  try {
    out = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
      cwd: root,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (e) {
    throw new SetupError(`git ls-files failed in ${root}: ${(e as Error).message}`);
  }
  return [...new Set(out.split("\0").filter((f) => f !== ""))].filter((f) => fs.existsSync(path.join(root, f))).sort();
}

/** Copies the project into `dest`, swapped. Returns the count of rewrites and the swap's notes. */
function copySwapped(
  files: readonly string[],
  dest: string,
): { changes: number; changedFiles: number; notes: SwapNote[] } {
  let changes = 0;
  let changedFiles = 0;
  const notes: SwapNote[] = [];
  for (const rel of files) {
    if (path.basename(rel) === "package-lock.json") continue; // pins cdktf; npm resolves the swapped package.json afresh
    const from = path.join(ROOT, rel);
    const to = path.join(dest, rel);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    const stat = fs.lstatSync(from);
    if (stat.isSymbolicLink()) {
      fs.symlinkSync(fs.readlinkSync(from), to);
      continue;
    }
    if (!stat.isFile()) continue;
    const result = /\.(json|[cm]?[jt]sx?)$/.test(rel) ? swapFile(rel, fs.readFileSync(from, "utf8")) : undefined;
    if (result !== undefined && result.changes > 0) {
      fs.writeFileSync(to, result.text, { mode: stat.mode });
      changes += result.changes;
      changedFiles++;
    } else {
      fs.copyFileSync(from, to);
      fs.chmodSync(to, stat.mode);
    }
    if (result !== undefined) notes.push(...result.notes);
  }
  return { changes, changedFiles, notes };
}

interface RunResult {
  readonly code: number;
  readonly output: string;
}

function run(
  command: string,
  argv: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
  onOutput?: (chunk: string) => void,
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, argv, {
      cwd,
      env: { ...process.env, CHECKPOINT_DISABLE: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const take = (b: Buffer) => {
      output += b.toString();
      onOutput?.(b.toString());
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("error", (e) => resolve({ code: 127, output: `${output}${e.message}` }));
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

/**
 * `npm install` of the swapped package.json in a folder of its own, keyed by that file's content
 * and the node and npm versions; a later run with the same key reuses it. Written under a temporary
 * name and renamed, so an interrupted install is never reused.
 */
async function installSwapped(copy: string): Promise<{ dir: string; reused: boolean }> {
  const packageJson = fs.readFileSync(path.join(copy, "package.json"));
  const npmVersion = execFileSync("npm", ["--version"], { encoding: "utf8" }).trim();
  const key = createHash("sha256")
    .update(packageJson)
    .update(`\0${process.version}\0${npmVersion}`)
    .digest("hex")
    .slice(0, 16);
  const dir = path.join(INSTALL_CACHE, key);
  if (!FRESH && fs.existsSync(path.join(dir, "node_modules", ".package-lock.json"))) return { dir, reused: true };
  fs.mkdirSync(INSTALL_CACHE, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(INSTALL_CACHE, `${key}.tmp-`));
  fs.writeFileSync(path.join(tmp, "package.json"), packageJson);
  const install = await withProgress((onOutput) =>
    run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=http"], tmp, {}, onOutput),
  );
  if (install.code !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    process.stdout.write(`${install.output.replace(/^npm http .*\n?/gm, "").trim()}\n`);
    if (/ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN/.test(install.output))
      throw new SetupError("npm install of the swapped package.json could not reach the npm registry");
    throw new CheckError(
      "npm install of the swapped package.json failed (see above): the swapped versions do not resolve together",
    );
  }
  // Older installs (other keys) go: each is about 1 GB.
  for (const old of fs.readdirSync(INSTALL_CACHE)) {
    if (old !== key && !old.startsWith(`${key}.tmp-`))
      fs.rmSync(path.join(INSTALL_CACHE, old), { recursive: true, force: true });
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
  return { dir, reused: false };
}

/**
 * A cold install takes minutes and npm prints nothing meanwhile (no progress bar without a
 * terminal): one line every `intervalMs` with the packages fetched so far, counted from npm's
 * `--loglevel=http` lines ("npm http fetch GET 200 <url> ..." per metadata document, "npm http cache
 * <name>@<tarball> ..." per tarball read from the cache).
 */
export async function withProgress(
  install: (onOutput: (chunk: string) => void) => Promise<RunResult>,
  print: (line: string) => void = log,
  intervalMs = 10_000,
): Promise<RunResult> {
  const started = Date.now();
  let fetched = 0;
  print(
    "- npm install of the swapped package.json: the first run downloads about 1 GB and takes minutes; later runs reuse it",
  );
  const timer = setInterval(
    () =>
      print(`  npm install: ${fetched} package fetches so far, from the registry or npm's cache (${seconds(started)})`),
    intervalMs,
  );
  let partial = "";
  try {
    return await install((chunk) => {
      const lines = (partial + chunk).split("\n");
      partial = lines.pop() ?? "";
      fetched += lines.filter((l) => /^npm http (fetch|cache) /.test(l)).length;
    });
  } finally {
    clearInterval(timer);
  }
}

function configs(root: string): string[] {
  const examples = fs
    .readdirSync(path.join(root, "config", "examples"))
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => `config/examples/${f}`);
  return ["config/example.json", ...examples];
}

const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, "utf8"));

/** sha256 of every file under a folder, by relative path. */
function fileHashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(r);
      else
        out[r] = createHash("sha256")
          .update(fs.readFileSync(path.join(dir, r)))
          .digest("hex");
    }
  };
  if (fs.existsSync(dir)) walk("");
  return out;
}

/** Every difference between two synth output folders: manifest, each stack's JSON, each stack's asset files. */
export function compareOutputs(cdktfOut: string, cdktnOut: string): Difference[] {
  const manifestA = readJson(path.join(cdktfOut, "manifest.json")) as {
    stacks: Record<string, { synthesizedStackPath: string }>;
  };
  const manifestB = readJson(path.join(cdktnOut, "manifest.json")) as {
    stacks: Record<string, { synthesizedStackPath: string }>;
  };
  const differences = diffJson("manifest.json", manifestA, manifestB);
  for (const name of Object.keys(manifestA.stacks ?? {}).sort()) {
    const stackB = manifestB.stacks?.[name];
    if (stackB === undefined) continue; // already a manifest difference
    const jsonA = path.join(cdktfOut, manifestA.stacks[name]!.synthesizedStackPath);
    const jsonB = path.join(cdktnOut, stackB.synthesizedStackPath);
    differences.push(...diffJson(`stacks/${name}/cdk.tf.json`, readJson(jsonA), readJson(jsonB)));
    differences.push(
      ...diffJson(
        `stacks/${name}/assets`,
        fileHashes(path.join(path.dirname(jsonA), "assets")),
        fileHashes(path.join(path.dirname(jsonB), "assets")),
      ),
    );
  }
  return differences;
}

async function main(): Promise<number> {
  const started = Date.now();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cdktn-check-"));
  const copy = path.join(tmp, "project");
  const out = path.join(tmp, "out");
  log(`check:cdktn: CDKTF -> CDK Terrain, in ${tmp}${KEEP ? " (kept)" : ""}`);
  try {
    // 1-2. copy and swap
    let t = Date.now();
    const files = projectFiles(ROOT);
    const swap = copySwapped(files, copy);
    log(
      `- copied ${files.length} files, swapped ${swap.changes} package names and import specifiers in ${swap.changedFiles} files (${seconds(t)})`,
    );
    for (const note of swap.notes) log(`  ${note.kind === "deep-reach" ? "MUST CHANGE" : "note"}: ${note.message}`);
    const deepReach = swap.notes.filter((n) => n.kind === "deep-reach").length;

    // 3. install (reused while the swapped package.json is unchanged, unless --fresh)
    t = Date.now();
    const { dir: installDir, reused } = await installSwapped(copy);
    fs.symlinkSync(path.join(installDir, "node_modules"), path.join(copy, "node_modules"), "dir");
    const installed = (name: string) =>
      (readJson(path.join(copy, "node_modules", name, "package.json")) as { version: string }).version;
    log(
      `- npm install${reused ? ` (reused ${installDir})` : ""}: cdktn ${installed("cdktn")}, @cdktn/provider-aws ${installed("@cdktn/provider-aws")}, ` +
        `constructs ${installed("constructs")}, cdktn-cli ${installed("cdktn-cli")} (${seconds(t)})`,
    );

    let failed = deepReach > 0;
    if (deepReach > 0) log(`FAIL: ${deepReach} import(s) reach into cdktf's internals (see MUST CHANGE above)`);
    // 4. type-check
    if (!SKIP_TYPECHECK) {
      t = Date.now();
      const tsc = await run(
        process.execPath,
        [
          path.join(copy, "node_modules", "typescript", "bin", "tsc"),
          "--noEmit",
          "-p",
          ".",
          "--tsBuildInfoFile",
          path.join(copy, ".cache", "tsbuildinfo"),
        ],
        copy,
      );
      if (tsc.code !== 0) {
        log(`- tsc --noEmit on the swapped copy: FAILED (${seconds(t)})`);
        log(tsc.output.trim().replace(/^/gm, "    "));
        failed = true;
      } else log(`- tsc --noEmit on the swapped copy: ok (${seconds(t)})`);
    }

    // 5-6. synth both, compare
    const all: ClassifiedDifference[] = [];
    for (const config of configs(ROOT)) {
      t = Date.now();
      const name = path.basename(config, ".json");
      const outA = path.join(out, "cdktf", name);
      const outB = path.join(out, "cdktn", name);
      fs.mkdirSync(outA, { recursive: true });
      fs.mkdirSync(outB, { recursive: true });
      const synth = (cwd: string, outdir: string) =>
        run(process.execPath, ["app/run-ts.js", "main.ts"], cwd, { MWAA_CONFIG: config, CDKTF_OUTDIR: outdir });
      const [a, b] = await Promise.all([synth(ROOT, outA), synth(copy, outB)]);
      if (a.code !== 0 || b.code !== 0) {
        const errorLines = (r: RunResult) => r.output.split("\n").filter((l) => l.startsWith(`${config}:`));
        if (
          a.code !== 0 &&
          b.code !== 0 &&
          errorLines(a).length > 0 &&
          errorLines(a).join("\n") === errorLines(b).join("\n")
        ) {
          // Same config errors on both sides: the config (or the app) is broken, not the swap. Still a failure: nothing else synthesizes the examples.
          log(
            `- ${config}: FAILED with cdktf and with cdktn alike, so the config or the app is broken, not the swap:\n${errorLines(a).join("\n").replace(/^/gm, "    ")}`,
          );
        } else {
          if (a.code !== 0)
            log(
              `- ${config}: cdktf synth FAILED (the project itself, before any swap)\n${a.output.trim().replace(/^/gm, "    ")}`,
            );
          if (b.code !== 0) log(`- ${config}: cdktn synth FAILED\n${b.output.trim().replace(/^/gm, "    ")}`);
        }
        failed = true;
        continue;
      }
      const differences = classify(compareOutputs(outA, outB));
      const stacks = Object.keys((readJson(path.join(outA, "manifest.json")) as { stacks: object }).stacks).length;
      const unexplained = differences.filter((d) => d.explainedBy === undefined).length;
      log(
        `- ${config}: ${stacks} stack(s), ${differences.length} difference(s), ${unexplained} unexplained (${seconds(t)})`,
      );
      for (const line of report(differences)) log(line);
      all.push(...differences);
    }

    const used = KNOWN_DIFFERENCES.filter((k) => all.some((d) => d.explainedBy === k));
    if (used.length > 0) {
      log("Known differences (scripts/cdktn/known-differences.ts):");
      for (const k of used) log(`  ${k.id} (${all.filter((d) => d.explainedBy === k).length}x): ${k.reason}`);
    }
    const unexplained = all.filter((d) => d.explainedBy === undefined);
    if (unexplained.length > 0) {
      log(`FAIL: ${unexplained.length} difference(s) not explained by scripts/cdktn/known-differences.ts`);
      failed = true;
    }
    log(`check:cdktn: ${failed ? "FAILED" : "ok"} in ${seconds(started)}`);
    return failed ? 1 : 0;
  } finally {
    if (!KEEP) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(
        `check:cdktn: ${e instanceof SetupError || e instanceof CheckError ? e.message : (e as Error).stack}\n`,
      );
      process.exitCode = e instanceof SetupError ? 2 : 1;
    },
  );
}
