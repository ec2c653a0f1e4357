#!/usr/bin/env node
// @ts-check
// A fast TypeScript runner for the app: esbuild bundles the entry once per content of its sources
// (cached in .cache/run-ts), then node runs the plain bundle. Loading one file instead of cdktf's
// hundreds of modules halves start-up; no type-checking of the app here (`tsc -b` does that in
// `npm test`, this file included: it is JavaScript checked through its JSDoc, because as TypeScript
// it would need a transpiler loaded before every synth). Sources must not rely on __dirname: the
// bundle runs from the cache folder. MWAA_PLAIN_SYNTH=1 (app/synth.ts): no bundle, no cache, no
// early exit; tsx runs the entry as it is.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

/** Bump when the bundle options or the manifest layout change. */
const FORMAT = 3;
/**
 * A file changed within this many ms before it was hashed may change again with the same size and
 * timestamps (file system clocks tick coarsely): its stat is not trusted, it is hashed again next
 * time (git's "racily clean" rule).
 */
const RACY_MS = 2000;

/** @typedef {{ sig: string, changedMs: number }} Signature */
/** @typedef {Signature & { sha: string }} Loaded */
/** @typedef {{ path: string, kind: "file" | "dir", sig: string, trusted: boolean, sha: string | undefined }} ManifestEntry */
/** @typedef {{ format: number, root: string, entry: string, bundle: string, entries: ManifestEntry[] }} Manifest */

/** @param {string | Buffer} data */
const sha256 = (data) => crypto.createHash("sha256").update(data).digest("hex");

/**
 * size, mtime, ctime and inode: any write or rename changes one of them.
 * @param {string} file
 * @returns {Signature}
 */
function signature(file) {
  try {
    const s = fs.statSync(file, { bigint: true });
    return {
      sig: `${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.ino}`,
      changedMs: Number(s.ctimeNs > s.mtimeNs ? s.ctimeNs : s.mtimeNs) / 1e6,
    };
  } catch {
    return { sig: "missing", changedMs: 0 };
  }
}

/** @param {string} file */
function contentHash(file) {
  try {
    return sha256(fs.readFileSync(file));
  } catch {
    return "missing";
  }
}

/**
 * A manifest entry for a file (content hash) or a folder (its entries: a new file may change how an
 * import resolves). `loaded` is what esbuild read of a file (projectSources), which wins over the
 * file as it is now: it may have been saved again during the build.
 * @param {string} root
 * @param {string} rel
 * @param {"file" | "dir"} kind
 * @param {number} now
 * @param {Loaded} [loaded]
 * @returns {ManifestEntry}
 */
function manifestEntry(root, rel, kind, now, loaded) {
  const abs = path.resolve(root, rel);
  const { sig, changedMs } = loaded ?? signature(abs);
  return {
    path: rel,
    kind,
    sig,
    trusted: changedMs < now - RACY_MS,
    sha: kind === "file" ? (loaded?.sha ?? contentHash(abs)) : undefined,
  };
}

/**
 * Whether the bundle of a manifest is still right: every project file the last build read has the
 * same content (by stat when it is trustworthy, else by hash) and no folder holding one gained or
 * lost an entry. Updates the entries it re-hashed; returns false on any difference.
 * @param {string} root
 * @param {{ file: string, data: Manifest }} manifest
 */
function stillFresh(root, manifest) {
  let rehashed = false;
  const now = Date.now();
  for (const e of manifest.data.entries) {
    const abs = path.resolve(root, e.path);
    const { sig, changedMs } = signature(abs);
    if (sig === e.sig && e.trusted) continue;
    if (e.kind === "dir" ? sig !== e.sig : contentHash(abs) !== e.sha) return false;
    Object.assign(e, { sig, trusted: changedMs < now - RACY_MS });
    rehashed = true;
  }
  if (rehashed) writeAtomic(manifest.file, JSON.stringify(manifest.data));
  return true;
}

/**
 * @param {string} file
 * @param {string | Buffer} data
 */
function writeAtomic(file, data) {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * cdktf 0.21's node_modules/cdktf/lib/private/fs.js zips an archive asset by running itself,
 * `node ${__filename} src dest`, and requires archiver (about a third of the bundle) as it loads.
 * In a bundle __filename is the bundle, which would run the whole app again: that module gets
 * its real path back, and archiver stays out of the bundle, required from cdktf's own folder only
 * if something in this process calls it. CDK Terrain zips with fflate and has neither: nothing
 * matches then. __tests__/run-ts.test.ts synthesizes an archive asset through the runner.
 * @type {import("esbuild").Plugin}
 */
const cdktfPrivateFs = {
  name: "cdktf-private-fs",
  setup(build) {
    /** @param {string} file */
    const isCdktfFs = (file) => /[\\/]cdktf[\\/]lib[\\/]private[\\/]fs\.js$/.test(file);
    build.onResolve({ filter: /^archiver$/ }, (args) =>
      isCdktfFs(args.importer) ? { path: args.importer, namespace: "lazy-archiver" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "lazy-archiver" }, (args) => ({
      loader: "js",
      contents: `let real;
module.exports = function archiver(...args) {
  real = real || require("module").createRequire(${JSON.stringify(args.path)})("archiver");
  return real(...args);
};`,
    }));
    build.onLoad({ filter: /[\\/]cdktf[\\/]lib[\\/]private[\\/]fs\.js$/ }, async (args) => ({
      loader: "js",
      contents: `var __filename = ${JSON.stringify(args.path)};\n${await fs.promises.readFile(args.path, "utf8")}`,
    }));
  },
};

/**
 * A path under root none of whose segments below it is node_modules, as an esbuild filter: Go's
 * regexps have no lookahead, so a segment other than node_modules is one of another length or
 * with another character at some place. esbuild checks it itself: the hundreds of package files
 * never call into JS (a callback each cost a cold build about 150 ms).
 * @param {string} root
 */
function projectFilter(root) {
  const name = "node_modules";
  const c = "[^/\\\\]";
  const other = [...name].map((ch, i) => `${c}{${i}}[^${ch}/\\\\]${c}{${name.length - 1 - i}}`);
  const segment = `(?:${c}{0,${name.length - 1}}|${c}{${name.length + 1},}|${other.join("|")})`;
  return new RegExp(`^${root.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?:[/\\\\]${segment})+$`);
}

/** @type {Record<string, import("esbuild").Loader | undefined>} */
const LOADERS = {
  ".ts": "ts",
  ".mts": "ts",
  ".cts": "ts",
  ".tsx": "tsx",
  ".js": "js",
  ".cjs": "js",
  ".mjs": "js",
  ".jsx": "jsx",
  ".json": "json",
};

/**
 * Loads the project's own files as esbuild would (the same bytes and its default loader), keeping
 * for each the signature and hash of the bytes it got: the manifest must describe what the bundle
 * was built from, not a file saved again during the build. Stat before read: a write in between
 * changes the signature from the recorded one, so the next run hashes the file again. Files
 * outside root or of other types are left to esbuild and hashed after the build, as before.
 * @param {string} root
 * @param {Map<string, Loaded>} loaded
 * @returns {import("esbuild").Plugin}
 */
function projectSources(root, loaded) {
  return {
    name: "project-sources",
    setup(build) {
      build.onLoad({ filter: projectFilter(root), namespace: "file" }, async (args) => {
        const loader = LOADERS[path.extname(args.path)];
        if (loader === undefined) return undefined;
        const { sig, changedMs } = signature(args.path);
        const contents = await fs.promises.readFile(args.path);
        // Keyed as the metafile names inputs.
        loaded.set(path.relative(root, args.path).split(path.sep).join("/"), { sig, changedMs, sha: sha256(contents) });
        return { contents, loader };
      });
    },
  };
}

/**
 * @param {string} root
 * @param {string} entry
 * @param {string} dir
 * @param {string} name
 * @returns {Promise<Manifest>}
 */
async function build(root, entry, dir, name) {
  const tmp = path.join(dir, `${name}.${process.pid}.tmp`);
  const started = Date.now();
  /** @type {Map<string, Loaded>} */
  const loaded = new Map();
  // Asynchronous: esbuild runs plugins only there.
  const result = await require("esbuild").build({
    entryPoints: [path.resolve(root, entry)],
    absWorkingDir: root,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    outfile: tmp,
    metafile: true,
    // cdktfPrivateFs first: its onLoad wins for cdktf's fs.js.
    plugins: [cdktfPrivateFs, projectSources(root, loaded)],
    // esbuild runs its own binary; it must stay a real package. zod (a quarter of the bundle) is
    // only needed when the config is validated, not on a config cache hit (app/config-cache.ts):
    // required from node_modules then, it stays out of every other start and of the code cache.
    external: ["esbuild", "zod"],
    // Less to parse at every start. No keepNames: its helper runs at every closure creation in
    // cdktf's token resolution (a tenth of a 20-environment synth); nothing reads function names.
    minify: true,
    logLevel: "error",
  });
  const bundle = `${name}-${sha256(fs.readFileSync(tmp)).slice(0, 16)}.js`;
  fs.renameSync(tmp, path.join(dir, bundle));
  // What the bundle depends on: the project's own files it read and the folders they sit in;
  // packages by the lock files (npm rewrites node_modules/.package-lock.json on every install).
  const files = Object.keys(result.metafile.inputs)
    .filter((rel) => !rel.includes(":") && !rel.split("/").includes("node_modules"))
    .concat([
      "package.json",
      "package-lock.json",
      "tsconfig.json",
      "node_modules/.package-lock.json",
      path.relative(root, __filename),
    ]);
  // Folders, for a new file that would change how an import resolves; not the root (cdktf.out and
  // state files come and go there) nor node_modules (the lock files stand for it).
  const dirs = [...new Set(files.map((rel) => path.dirname(rel)))].filter(
    (rel) => rel !== "." && !rel.split("/").includes("node_modules"),
  );
  const entries = [...new Set(files)]
    .map((rel) => manifestEntry(root, rel, "file", started, loaded.get(rel)))
    .concat(dirs.map((rel) => manifestEntry(root, rel, "dir", started)));
  return { format: FORMAT, root, entry, bundle, entries };
}

/**
 * The cached bundle of the entry when it is still right, else undefined.
 * @param {string} root
 * @param {string} entry
 */
function freshBundle(root, entry) {
  const dir = path.join(root, ".cache", "run-ts");
  const name = path.basename(entry, ".ts");
  const manifestFile = path.join(dir, `${name}.manifest.json`);
  /** @type {Manifest | undefined} */
  let data;
  try {
    data = JSON.parse(fs.readFileSync(manifestFile, "utf8"));
  } catch {
    data = undefined;
  }
  // The bundle holds absolute paths (the lazy archiver): a moved checkout builds again.
  if (
    data &&
    data.format === FORMAT &&
    data.root === root &&
    data.entry === entry &&
    fs.existsSync(path.join(dir, data.bundle)) &&
    stillFresh(root, { file: manifestFile, data })
  ) {
    return path.join(dir, data.bundle);
  }
  return undefined;
}

/**
 * @param {string} root
 * @param {string} entry
 */
async function rebuild(root, entry) {
  const dir = path.join(root, ".cache", "run-ts");
  const name = path.basename(entry, ".ts");
  fs.mkdirSync(dir, { recursive: true });
  const manifest = await build(root, entry, dir, name);
  writeAtomic(path.join(dir, `${name}.manifest.json`), JSON.stringify(manifest));
  // Older bundles of this entry go; never the one just written (another synth may be loading it).
  for (const old of fs.readdirSync(dir)) {
    const bundleOfEntry = /^(.*)-[0-9a-f]{16}\.js(\.v8cache)?$/.exec(old);
    if (bundleOfEntry !== null && bundleOfEntry[1] === name && !old.startsWith(manifest.bundle))
      fs.rmSync(path.join(dir, old), { force: true });
  }
  return path.join(dir, manifest.bundle);
}

const [entryArg, ...args] = process.argv.slice(2);
if (entryArg === undefined) {
  process.stderr.write("usage: node app/run-ts.js <entry.ts> [args...]\n");
  process.exit(2);
}
/**
 * Runs the bundle as a CommonJS module with V8's code cache beside it, so later starts skip
 * compiling it. A missing or rejected cache only costs one compile and is rewritten.
 * @param {string} file
 */
function runWithCodeCache(file) {
  const Module = require("module");
  const vm = require("vm");
  const cacheFile = `${file}.v8cache`;
  /** @type {Buffer | undefined} */
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(fs.readFileSync(file, "utf8")), { filename: file, cachedData });
  const mod = new Module(file, module);
  mod.filename = file;
  // Node's own lookup of node_modules folders, as for any module loaded from that file (undocumented).
  mod.paths = /** @type {{ _nodeModulePaths(dir: string): string[] }} */ (
    /** @type {unknown} */ (Module)
  )._nodeModulePaths(path.dirname(file));
  const compiled = script.runInThisContext();
  // The cache is written after the run, so it holds the functions the synth compiled too.
  const writeCache = cachedData === undefined || script.cachedDataRejected;
  // V8 has taken what it needs from the cache: its buffer (over a MB) need not live through the run.
  cachedData = undefined;
  if (writeCache) {
    process.once("exit", () => writeAtomic(cacheFile, script.createCachedData()));
  }
  compiled.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
}

process.argv = [process.argv[0], path.resolve(entryArg), ...args];
// The same test as app/synth.ts's plainSynthRequested (__tests__/plain-synth.test.ts runs both).
const plainValue = process.env.MWAA_PLAIN_SYNTH;
if (plainValue !== undefined && plainValue !== "" && plainValue !== "0") {
  // tsx's CommonJS hook (what `node -r tsx/cjs` loads), named in a variable: tsx ships no types for it.
  const tsxRegister = "tsx/cjs";
  require(tsxRegister);
  require(path.resolve(entryArg));
} else {
  runFast(entryArg);
}

/** @param {string} entry */
function runFast(entry) {
  // The bundle's name carries its content hash: the app keys what it caches on it (app/config-cache.ts).
  /** @param {string} file */
  const runBundle = (file) => {
    process.env.RUN_TS_BUNDLE = path.basename(file);
    runWithCodeCache(file);
  };
  const fresh = freshBundle(process.cwd(), entry);
  if (fresh !== undefined) runBundle(fresh);
  else {
    rebuild(process.cwd(), entry).then(
      // Outside the promise: the app's own errors stay uncaught exceptions, as on a cache hit.
      (file) => setImmediate(() => runBundle(file)),
      (error) => {
        process.stderr.write(`${error.message}\n`);
        process.exit(1);
      },
    );
  }
  // Once the app has nothing left to do, end at once: a natural exit also tears down the heap and
  // waits for V8's background tasks, tens of ms that change nothing. Checked after every 'beforeExit'
  // listener ran (next tick), and not when one of them started more work (a handle besides
  // stdout/stderr, a request, a timer): then the loop goes on and this runs again at its end.
  // Node's undocumented handle lists (typed loosely here).
  const internals = /** @type {{ _getActiveHandles(): unknown[], _getActiveRequests(): unknown[] }} */ (
    /** @type {unknown} */ (process)
  );
  process.on("beforeExit", () =>
    process.nextTick(() => {
      const handles = internals._getActiveHandles().filter((h) => h !== process.stdout && h !== process.stderr);
      const idle =
        handles.length === 0 &&
        internals._getActiveRequests().length === 0 &&
        !process.getActiveResourcesInfo().some((r) => r === "Timeout" || r === "Immediate");
      if (idle) process.exit();
    }),
  );
}
