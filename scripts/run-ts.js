#!/usr/bin/env node
// A fast TypeScript runner for the app: esbuild bundles the entry once per content of its sources
// (cached in .cache/run-ts), then node runs the plain bundle. Loading one file instead of cdktf's
// hundreds of modules halves start-up; no type-checking here (`tsc --noEmit` does that in `npm test`).
// Sources must not rely on __dirname: the bundle runs from the cache folder.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const SOURCE_DIRS = ["constructs", "plugins", "lambda", "shared", "scripts"];
const SKIP = new Set(["node_modules", "cdktf.out", ".cache", "__tests__", ".git"]);

function sourceFiles(root, entry) {
  const files = [path.resolve(root, entry), path.join(root, "package-lock.json")];
  const walk = (dir) => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (SKIP.has(e.name)) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|js|json)$/.test(e.name)) files.push(p);
    }
  };
  for (const d of SOURCE_DIRS) walk(path.join(root, d));
  return files.sort();
}

function bundleFor(root, entry) {
  const hash = crypto.createHash("sha256");
  for (const f of sourceFiles(root, entry)) {
    hash.update(path.relative(root, f));
    try {
      hash.update(fs.readFileSync(f));
    } catch {
      hash.update("missing");
    }
  }
  const dir = path.join(root, ".cache", "run-ts");
  const out = path.join(dir, `${path.basename(entry, ".ts")}-${hash.digest("hex").slice(0, 16)}.js`);
  if (fs.existsSync(out)) return out;
  fs.mkdirSync(dir, { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  require("esbuild").buildSync({
    entryPoints: [path.resolve(root, entry)],
    absWorkingDir: root,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    outfile: tmp,
    // esbuild runs its own binary; it must stay a real package.
    external: ["esbuild"],
    // Less to parse at every start. No keepNames: its helper runs at every closure creation in
    // cdktf's token resolution (a tenth of a 20-environment synth); nothing reads function names.
    minify: true,
    logLevel: "error",
  });
  fs.renameSync(tmp, out);
  // Older bundles of this entry go; never the one just written (another synth may be loading it).
  for (const old of fs.readdirSync(dir)) {
    if (old.startsWith(`${path.basename(entry, ".ts")}-`) && !old.startsWith(path.basename(out))) fs.rmSync(path.join(dir, old), { force: true });
  }
  return out;
}

const [entry, ...args] = process.argv.slice(2);
if (entry === undefined) {
  process.stderr.write("usage: node scripts/run-ts.js <entry.ts> [args...]\n");
  process.exit(2);
}
/**
 * Runs the bundle as a CommonJS module with V8's code cache beside it, so later starts skip
 * compiling it. A missing or rejected cache only costs one compile and is rewritten.
 */
function runWithCodeCache(file) {
  const Module = require("module");
  const vm = require("vm");
  const cacheFile = `${file}.v8cache`;
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(fs.readFileSync(file, "utf8")), { filename: file, cachedData });
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  const compiled = script.runInThisContext();
  // The cache is written after the run, so it holds the functions the synth compiled too.
  if (cachedData === undefined || script.cachedDataRejected) {
    process.once("exit", () => {
      try {
        fs.writeFileSync(`${cacheFile}.${process.pid}.tmp`, script.createCachedData());
        fs.renameSync(`${cacheFile}.${process.pid}.tmp`, cacheFile);
      } catch {
        // A read-only cache folder only costs speed.
      }
    });
  }
  compiled.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
}

process.argv = [process.argv[0], path.resolve(entry), ...args];
runWithCodeCache(bundleFor(process.cwd(), entry));
