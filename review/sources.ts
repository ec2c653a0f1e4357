/**
 * Where the two synths come from: an existing cdktf.out folder, the working tree synthesized into a
 * temporary folder, or a git ref checked out into a temporary worktree and synthesized there.
 * Everything here runs locally: git and node, never AWS or terraform.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { TerraformDoc } from "./diff";

/** A failure the CLI reports as one line (plus the synth's own stderr lines), without a stack trace. */
export class ReviewError extends Error {
  constructor(
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = "ReviewError";
  }
}

/** Whether `dir` looks like a cdktf output folder: it has manifest.json or stacks/. */
export function isSynthFolder(dir: string): boolean {
  try {
    return (
      fs.statSync(dir).isDirectory() &&
      (fs.existsSync(path.join(dir, "manifest.json")) || fs.existsSync(path.join(dir, "stacks")))
    );
  } catch {
    return false;
  }
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new ReviewError(`cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ReviewError(`${file} is not valid JSON (${(e as Error).message})`);
  }
}

/**
 * The stacks of a cdktf output folder: stack name -> parsed cdk.tf.json. The stacks listed in
 * manifest.json (cdktf leaves folders of older stacks behind); without a manifest, stacks/*.
 */
export function readSynthFolder(dir: string): Record<string, TerraformDoc> {
  if (!isSynthFolder(dir)) throw new ReviewError(`${dir} is not a cdktf output folder (no manifest.json, no stacks/)`);
  const manifestFile = path.join(dir, "manifest.json");
  const out: Record<string, TerraformDoc> = {};
  if (fs.existsSync(manifestFile)) {
    const manifest = readJson(manifestFile) as { stacks?: Record<string, { synthesizedStackPath?: string }> };
    if (
      typeof manifest !== "object" ||
      manifest === null ||
      typeof manifest.stacks !== "object" ||
      manifest.stacks === null
    ) {
      throw new ReviewError(`${manifestFile} has no "stacks" object`);
    }
    for (const [name, stack] of Object.entries(manifest.stacks)) {
      const rel = stack?.synthesizedStackPath ?? path.join("stacks", name, "cdk.tf.json");
      out[name] = readJson(path.join(dir, rel)) as TerraformDoc;
    }
    return out;
  }
  const stacksDir = path.join(dir, "stacks");
  for (const name of fs.readdirSync(stacksDir).sort()) {
    const file = path.join(stacksDir, name, "cdk.tf.json");
    if (fs.existsSync(file)) out[name] = readJson(file) as TerraformDoc;
  }
  return out;
}

/**
 * Runs the app in `cwd` with its output in `outdir` (CDKTF_OUTDIR): `node app/run-ts.js main.ts`
 * (`scripts/run-ts.js` in checkouts before the synth runtime moved to app/), or, in an older
 * checkout without that runner, its own `npm run synth`.
 */
export function synthesize(
  cwd: string,
  outdir: string,
  config: string | undefined,
  what: string,
): Record<string, TerraformDoc> {
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" };
  if (config !== undefined) env.MWAA_CONFIG = config;
  else delete env.MWAA_CONFIG;
  const runner = ["app/run-ts.js", "scripts/run-ts.js"].find((r) => fs.existsSync(path.join(cwd, r)));
  const [command, args] =
    runner !== undefined
      ? [process.execPath, [runner, "main.ts"]]
      : [process.platform === "win32" ? "npm.cmd" : "npm", ["run", "--silent", "synth"]];
  const run = spawnSync(command, args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (run.error !== undefined) throw new ReviewError(`synth of ${what} could not start (${run.error.message})`);
  if (run.status !== 0) {
    const lines = `${run.stderr ?? ""}`.split("\n").filter((l) => l.trim() !== "");
    throw new ReviewError(`synth of ${what} failed (exit ${run.status ?? run.signal})`, lines.slice(-40));
  }
  // An app that ignores CDKTF_OUTDIR writes to its own cdktf.out.
  if (!isSynthFolder(outdir) && isSynthFolder(path.join(cwd, "cdktf.out")))
    return readSynthFolder(path.join(cwd, "cdktf.out"));
  return readSynthFolder(outdir);
}

function git(cwd: string, args: string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync("git", args, { cwd, encoding: "utf8" });
  if (r.error !== undefined) throw new ReviewError(`git could not start (${r.error.message})`);
  return { ok: r.status === 0, out: `${r.stdout ?? ""}`.trim(), err: `${r.stderr ?? ""}`.trim() };
}

/** The config path as seen from another checkout of the same project. */
function configIn(project: string, projectRoot: string, config: string | undefined): string | undefined {
  if (config === undefined || !path.isAbsolute(config)) return config;
  const rel = path.relative(projectRoot, config);
  return rel.startsWith("..") || path.isAbsolute(rel) ? config : path.join(project, rel);
}

/**
 * Synthesizes a git ref: checks it out into a temporary worktree (detached), links node_modules,
 * seeds the content-addressed artifact caches, synthesizes with the same config, then removes the
 * worktree whatever happens.
 */
export function synthesizeRef(
  projectRoot: string,
  ref: string,
  config: string | undefined,
  tmp: string,
  log: (line: string) => void = () => {},
): Record<string, TerraformDoc> {
  const repoRoot = repoRootOf(projectRoot);
  const commit = git(repoRoot, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  if (!commit.ok)
    throw new ReviewError(
      `--base ${ref}: not a folder with manifest.json or stacks/, and not a git ref of ${repoRoot}`,
    );
  log(`synthesizing base ${ref} (${commit.out.slice(0, 12)}) in a temporary worktree`);
  const checkout = path.join(tmp, "base-src");
  const added = git(repoRoot, ["worktree", "add", "--detach", checkout, commit.out]);
  if (!added.ok) throw new ReviewError(`git worktree add for ${ref} failed`, added.err.split("\n"));
  try {
    const project = path.join(checkout, path.relative(repoRoot, projectRoot));
    const modules = path.join(projectRoot, "node_modules");
    if (fs.existsSync(modules) && !fs.existsSync(path.join(project, "node_modules")))
      fs.symlinkSync(modules, path.join(project, "node_modules"), "dir");
    // Artifact caches are keyed by content, so the base reuses what the head already built.
    for (const cache of ["plugins", "lambda"]) {
      const from = path.join(projectRoot, ".cache", cache);
      if (fs.existsSync(from)) fs.cpSync(from, path.join(project, ".cache", cache), { recursive: true });
    }
    return synthesize(
      project,
      path.join(tmp, "base-out"),
      configIn(project, projectRoot, config),
      `base ${ref} (${commit.out.slice(0, 12)})`,
    );
  } finally {
    const removed = git(repoRoot, ["worktree", "remove", "--force", checkout]);
    if (!removed.ok) {
      fs.rmSync(checkout, { recursive: true, force: true });
      git(repoRoot, ["worktree", "prune"]);
    }
  }
}

/** The repository's top folder, for a git ref base. */
function repoRootOf(cwd: string): string {
  const top = git(cwd, ["rev-parse", "--show-toplevel"]);
  if (!top.ok) throw new ReviewError(`${cwd} is not inside a git repository (needed for a git ref --base)`);
  return top.out;
}

/** A temporary folder removed by the returned function. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mwaa-review-"));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
