import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Bump when the layout of plugins.zip or of the cache changes, so old entries stop matching. */
export const CACHE_FORMAT = 1;

/** sha256 as hex: cache keys, file names and artifact hashes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** sha256 as base64: what `aws_lambda_function.source_code_hash` wants. */
export function sha256Base64(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("base64");
}

/** A cache key: sha256 of a canonical JSON of the parts (no paths, no mtimes go in). */
export function cacheKey(parts: Readonly<Record<string, unknown>>): string {
  return sha256Hex(JSON.stringify({ format: CACHE_FORMAT, ...parts }));
}

/** Writes a file so that readers see the old content or the whole new one, never a half. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    writeFileSync(temp, data);
    renameSync(temp, path);
  } finally {
    rmSync(temp, { force: true });
  }
}

/** A fresh folder under <cacheDir>/tmp: on the cache's file system, so it can be renamed into place. */
export function makeStagingDir(cacheDir: string): string {
  const tmpRoot = join(cacheDir, "tmp");
  mkdirSync(tmpRoot, { recursive: true });
  const dir = join(tmpRoot, `${process.pid}-${randomBytes(6).toString("hex")}`);
  mkdirSync(dir);
  return dir;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Removes staging folders that interrupted runs left behind (older than a day, so never a live run's). */
export function removeStaleStaging(cacheDir: string, now = Date.now()): void {
  const tmpRoot = join(cacheDir, "tmp");
  let names: string[];
  try {
    names = readdirSync(tmpRoot);
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(tmpRoot, name);
    try {
      if (now - statSync(path).mtimeMs > DAY_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // another run removed it first
    }
  }
}

/**
 * Moves a finished staging folder to its final, content-addressed place. When another run got
 * there first, its folder (same key, same content) wins and ours is dropped.
 */
export function publishDir(staging: string, finalDir: string): void {
  mkdirSync(join(finalDir, ".."), { recursive: true });
  try {
    renameSync(staging, finalDir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
    rmSync(staging, { recursive: true, force: true });
  }
}

export function readJsonIfExists<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch (error) {
    // Missing, or not JSON (written by hand?): either way not a usable cache entry.
    if ((error as NodeJS.ErrnoException).code === "ENOENT" || error instanceof SyntaxError) return undefined;
    throw error;
  }
}
