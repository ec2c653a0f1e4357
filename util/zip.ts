import type { Zippable } from "fflate";
import { PluginsError } from "../plugins/errors";

/** One file of an archive: a posix path inside the zip and its bytes. */
export interface ZipEntry {
  readonly name: string;
  readonly data: Uint8Array;
}

/** Every entry carries 1980-01-01 00:00:00, the first instant a zip (DOS) timestamp can hold. */
export const ZIP_ENTRY_TIME = { year: 1980, month: 1, day: 1, hour: 0, minute: 0, second: 0 } as const;

/**
 * fflate writes the DOS fields with local-time getters, so the Date is built from local
 * components at each call (TZ may change while the process runs): the stored fields are
 * ZIP_ENTRY_TIME in every time zone.
 */
function entryDate(): Date {
  const t = ZIP_ENTRY_TIME;
  return new Date(t.year, t.month - 1, t.day, t.hour, t.minute, t.second, 0);
}
/** One level for every entry of plugins.zip; changing it changes every archive's bytes. */
export const ZIP_LEVEL = 6;
/** A deflate level fflate takes. */
export type ZipLevel = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
/** Unix host, regular file, rw-r--r--: the external attributes of every entry. */
const UNIX_HOST = 3;
export const ZIP_FILE_MODE = 0o100644;
const EXTERNAL_ATTRS = (ZIP_FILE_MODE << 16) >>> 0;

/** Plain code-unit order: locale-independent, the same on every machine. */
export function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function checkEntryName(name: string): void {
  const parts = name.split("/");
  const unsafe =
    name === "" ||
    name.startsWith("/") ||
    name.includes("\\") ||
    parts.some((p) => p === "" || p === "." || p === "..");
  if (unsafe) throw new PluginsError(`zip entry "${name}": must be a relative posix path without "." or ".." segments`);
  // A key like "123" would jump ahead of the sorted keys (JavaScript orders integer keys first).
  if (/^\d+$/.test(name))
    throw new PluginsError(`zip entry "${name}": an all-digit file name at the archive root is not supported`);
}

/**
 * Builds a zip whose bytes depend only on the entries' names and contents: sorted by name,
 * one timestamp, one mode, one compression level, no directory entries. The one zip writer of
 * the project: plugins.zip and the Lambda bundles (level 9) both come from here.
 */
export function deterministicZip(entries: readonly ZipEntry[], level: ZipLevel = ZIP_LEVEL): Uint8Array {
  const sorted = [...entries].sort((a, b) => byName(a.name, b.name));
  const mtime = entryDate();
  const files: Zippable = {};
  let previous: string | undefined;
  for (const entry of sorted) {
    checkEntryName(entry.name);
    if (entry.name === previous) throw new PluginsError(`zip entry "${entry.name}" appears twice`);
    previous = entry.name;
    files[entry.name] = [entry.data, { level, mtime, os: UNIX_HOST, attrs: EXTERNAL_ATTRS }];
  }
  // Loaded here: a synth whose zips are all cached never needs fflate.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { zipSync } = require("fflate") as typeof import("fflate");
  return zipSync(files, { level, mtime });
}
