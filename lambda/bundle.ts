/**
 * Bundles a TypeScript Lambda handler into a deterministic, content-addressed zip, at synth time.
 *
 * - esbuild (loaded lazily, only on a cache miss): one CommonJS file, minified, tree-shaken,
 *   target node20 (runs unchanged on the nodejs20.x, nodejs22.x and nodejs24.x runtimes; deploy
 *   on LAMBDA_RUNTIME), `@aws-sdk/*` left external because the Node.js runtimes ship AWS SDK v3.
 *   `absWorkingDir` is the project root, so the output does not depend on where the checkout is;
 *   the output is checked for the root's absolute path anyway.
 * - Zip (fflate): a single entry `index.js`, fixed mtime 1980-01-01 00:00, mode 0644, level 9.
 *   Same inputs, same bytes, so `source_code_hash` and the S3/Lambda update only change when the
 *   code does.
 * - Cache: `<cacheDir>/<name>-<sha256 hex of zip>.zip` plus `<cacheDir>/<name>.manifest.json`
 *   listing the files esbuild read (from its metafile, paths relative to the project root). The key
 *   is a sha256 over the contents of those files, the project's tsconfig.json, the esbuild and
 *   fflate versions and the build and zip options: never mtimes or absolute paths. A hit re-hashes
 *   the listed inputs, reads the zip, and returns in a few milliseconds without loading esbuild.
 *   Files are written to a temporary name and renamed, so a crash or a concurrent synth never
 *   leaves a partial zip or manifest behind.
 *
 * Known limit of the key: a new file that changes how an unchanged import resolves (e.g. adding
 * `foo/index.ts` beside an imported `foo.js`) is not seen until some listed input changes; delete
 * the manifest to force a rebuild.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { BuildOptions } from "esbuild";
import { sha256Base64, sha256Hex, writeFileAtomic } from "../util/cache";
import { deterministicZip, ZIP_ENTRY_TIME, ZIP_FILE_MODE } from "../util/zip";

export interface LambdaBundle {
  /** Absolute path of the zip, under cacheDir, named after its content hash. */
  readonly zipPath: string;
  /** base64 sha256 of the zip: the value `aws_lambda_function.source_code_hash` wants. */
  readonly sha256Base64: string;
  readonly sizeBytes: number;
}

export interface BundleLambdaOptions {
  /** Absolute path of the handler's entry file (e.g. <project>/lambda/worker-count/handler.ts). */
  readonly entry: string;
  /** Absolute cache folder, e.g. <project>/.cache/lambda. */
  readonly cacheDir: string;
  /** Bundle name, used in file names: letters, digits, '.', '_' and '-'. */
  readonly name: string;
}

export { LAMBDA_HANDLER, LAMBDA_RUNTIME } from "./runtime/runtime";

/** Bump when the bundling or zipping logic changes in a way the options below do not capture. */
const CACHE_FORMAT = 1;
const ZIP_ENTRY = "index.js";
/** The zip is util/zip.ts's deterministic one (fixed time, Unix mode 0644), at the highest level. */
const ZIP_LEVEL = 9;

/** Every esbuild option except the entry point; part of the cache key. */
const BUILD_OPTIONS = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  minify: true,
  treeShaking: true,
  external: ["@aws-sdk/*"],
  sourcemap: false,
  legalComments: "none",
  // A node_modules that is a symbolic link to a shared install (a worktree, the CDK Terrain check's
  // copy) stays inside the project root: files are named by the link, not its target
  // (https://esbuild.github.io/api/#preserve-symlinks). Same bytes as with a real node_modules.
  preserveSymlinks: true,
  charset: "utf8",
  logLevel: "silent",
} as const satisfies BuildOptions;

interface Manifest {
  readonly format: number;
  readonly key: string;
  readonly zipFile: string;
  /** Files esbuild read, relative to the project root, '/'-separated, sorted. */
  readonly inputs: string[];
}

function packageVersion(pkg: string, fromDir: string): string {
  const file = require.resolve(`${pkg}/package.json`, { paths: [fromDir, __dirname] });
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
}

/** The nearest folder at or above the entry's folder with a package.json. */
function projectRoot(entry: string): string {
  let dir = path.dirname(entry);
  for (;;) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`bundleLambda: no package.json at or above ${path.dirname(entry)}`);
    dir = parent;
  }
}

function toPosix(rel: string): string {
  return rel.split(path.sep).join("/");
}

/** Content hash over everything that decides the output bytes. Returns undefined when an input is gone. */
function cacheKey(root: string, entryRel: string, inputs: readonly string[]): string | undefined {
  const h = createHash("sha256");
  const field = (label: string, value: string): void => {
    h.update(`${label}\0${value.length}\0${value}\0`);
  };
  field("format", String(CACHE_FORMAT));
  field("esbuild", packageVersion("esbuild", root));
  field("fflate", packageVersion("fflate", root));
  field("build", JSON.stringify(BUILD_OPTIONS));
  // The same value as before the zip writer was shared (os 3 = Unix), so existing caches stay valid.
  field(
    "zip",
    JSON.stringify({
      entry: ZIP_ENTRY,
      mtime: [ZIP_ENTRY_TIME.year, ZIP_ENTRY_TIME.month, ZIP_ENTRY_TIME.day],
      os: 3,
      attrs: ZIP_FILE_MODE * 0x10000,
      level: ZIP_LEVEL,
    }),
  );
  field("entry", entryRel);
  // esbuild reads tsconfig.json for some TypeScript semantics without listing it in the metafile.
  const tsconfig = path.join(root, "tsconfig.json");
  field("tsconfig", fs.existsSync(tsconfig) ? sha256Hex(fs.readFileSync(tsconfig)) : "-");
  for (const rel of inputs) {
    let content: Buffer;
    try {
      content = fs.readFileSync(path.join(root, rel));
    } catch {
      return undefined;
    }
    field("input", `${rel}\0${sha256Hex(content)}`);
  }
  return h.digest("hex");
}

function readManifest(file: string): Manifest | undefined {
  try {
    const m = JSON.parse(fs.readFileSync(file, "utf8")) as Manifest;
    return m.format === CACHE_FORMAT &&
      Array.isArray(m.inputs) &&
      typeof m.key === "string" &&
      typeof m.zipFile === "string"
      ? m
      : undefined;
  } catch {
    return undefined;
  }
}

function result(zipPath: string, zip: Uint8Array): LambdaBundle {
  return { zipPath, sha256Base64: sha256Base64(zip), sizeBytes: zip.length };
}

/** Builds (or finds in the cache) the deterministic zip for one Lambda handler. */
export function bundleLambda(opts: BundleLambdaOptions): LambdaBundle {
  const { entry, cacheDir, name } = opts;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new Error(`bundleLambda: invalid name "${name}"`);
  if (!path.isAbsolute(entry) || !path.isAbsolute(cacheDir))
    throw new Error("bundleLambda: entry and cacheDir must be absolute paths");
  if (!fs.existsSync(entry)) throw new Error(`bundleLambda: entry ${entry} does not exist`);

  const root = projectRoot(entry);
  const entryRel = toPosix(path.relative(root, entry));
  const manifestPath = path.join(cacheDir, `${name}.manifest.json`);

  // Cache hit: the inputs of the last build hash to the same key and its zip is still there.
  const previous = readManifest(manifestPath);
  if (previous && previous.inputs.includes(entryRel) && cacheKey(root, entryRel, previous.inputs) === previous.key) {
    const zipPath = path.join(cacheDir, previous.zipFile);
    try {
      const zip = fs.readFileSync(zipPath);
      if (previous.zipFile === `${name}-${sha256Hex(zip)}.zip`) return result(zipPath, zip);
    } catch {
      // zip missing: rebuild below
    }
  }

  // Cache miss: build. esbuild is required here only, so a hit never pays for loading it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require("esbuild") as typeof import("esbuild");
  const built = esbuild.buildSync({
    ...BUILD_OPTIONS,
    external: [...BUILD_OPTIONS.external],
    absWorkingDir: root,
    entryPoints: [entryRel],
    outfile: ZIP_ENTRY,
    write: false,
    metafile: true,
  });
  const output = built.outputFiles.find((f) => f.path.endsWith(ZIP_ENTRY));
  if (!output || built.outputFiles.length !== 1) {
    throw new Error(`bundleLambda: expected one output file, got ${built.outputFiles.map((f) => f.path).join(", ")}`);
  }
  const code = output.text;
  for (const leaked of new Set([root, cacheDir])) {
    if (leaked.length > 1 && code.includes(leaked))
      throw new Error(`bundleLambda: output of ${entryRel} contains the absolute path ${leaked}`);
  }
  const inputs = Object.keys(built.metafile.inputs).map(toPosix).sort();
  if (inputs.some((rel) => rel.startsWith("../") || path.isAbsolute(rel) || rel.includes(":"))) {
    // An input outside the project root (or a virtual one) would make the manifest path-dependent.
    throw new Error(`bundleLambda: ${entryRel} reads files outside the project root: ${inputs.join(", ")}`);
  }
  const key = cacheKey(root, entryRel, inputs);
  if (key === undefined) throw new Error(`bundleLambda: an input of ${entryRel} disappeared during the build`);

  const zip = deterministicZip([{ name: ZIP_ENTRY, data: output.contents }], ZIP_LEVEL);
  const zipFile = `${name}-${sha256Hex(zip)}.zip`;
  const zipPath = path.join(cacheDir, zipFile);
  fs.mkdirSync(cacheDir, { recursive: true });
  if (!fs.existsSync(zipPath)) writeFileAtomic(zipPath, zip);
  const manifest: Manifest = { format: CACHE_FORMAT, key, zipFile, inputs };
  writeFileAtomic(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return result(zipPath, zip);
}
