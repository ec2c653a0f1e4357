import { zipSync, type Zippable } from "fflate";
import { PluginsError } from "./errors";

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
/** One level for every entry; changing it changes every archive's bytes. */
export const ZIP_LEVEL = 6;
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
  const unsafe = name === "" || name.startsWith("/") || name.includes("\\") || parts.some((p) => p === "" || p === "." || p === "..");
  if (unsafe) throw new PluginsError(`zip entry "${name}": must be a relative posix path without "." or ".." segments`);
  // A key like "123" would jump ahead of the sorted keys (JavaScript orders integer keys first).
  if (/^\d+$/.test(name)) throw new PluginsError(`zip entry "${name}": an all-digit file name at the archive root is not supported`);
}

/**
 * Builds a zip whose bytes depend only on the entries' names and contents: sorted by name,
 * one timestamp, one mode, one compression level, no directory entries.
 */
export function deterministicZip(entries: readonly ZipEntry[]): Uint8Array {
  const sorted = [...entries].sort((a, b) => byName(a.name, b.name));
  const mtime = entryDate();
  const files: Zippable = {};
  let previous: string | undefined;
  for (const entry of sorted) {
    checkEntryName(entry.name);
    if (entry.name === previous) throw new PluginsError(`zip entry "${entry.name}" appears twice`);
    previous = entry.name;
    files[entry.name] = [entry.data, { level: ZIP_LEVEL, mtime, os: UNIX_HOST, attrs: EXTERNAL_ATTRS }];
  }
  return zipSync(files, { level: ZIP_LEVEL, mtime });
}

/** What the central directory says about one entry: enough to check determinism. */
export interface ZipDirectoryEntry {
  readonly name: string;
  /** Host system of the attributes (3 = Unix). */
  readonly madeBy: number;
  /** Unix mode bits from the external attributes, e.g. 0o100644. */
  readonly unixMode: number;
  /** 0 = stored, 8 = deflate. */
  readonly method: number;
  /** The DOS timestamp fields as stored (no time zone involved). */
  readonly time: { readonly year: number; readonly month: number; readonly day: number; readonly hour: number; readonly minute: number; readonly second: number };
}

/** Lists a zip's central directory in archive order (for tests and diagnostics; no zip64). */
export function readZipDirectory(zip: Uint8Array): ZipDirectoryEntry[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let end = zip.length - 22;
  while (end >= 0 && view.getUint32(end, true) !== 0x06054b50) end--;
  if (end < 0) throw new PluginsError("not a zip archive: no end of central directory record");
  const count = view.getUint16(end + 10, true);
  let offset = view.getUint32(end + 16, true);
  const decoder = new TextDecoder();
  const entries: ZipDirectoryEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (view.getUint32(offset, true) !== 0x02014b50) throw new PluginsError(`zip central directory entry ${i} is damaged`);
    const time = view.getUint16(offset + 12, true);
    const date = view.getUint16(offset + 14, true);
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    entries.push({
      name: decoder.decode(zip.subarray(offset + 46, offset + 46 + nameLength)),
      madeBy: view.getUint8(offset + 5),
      unixMode: view.getUint32(offset + 38, true) >>> 16,
      method: view.getUint16(offset + 10, true),
      time: { year: 1980 + (date >> 9), month: (date >> 5) & 15, day: date & 31, hour: time >> 11, minute: (time >> 5) & 63, second: (time & 31) * 2 },
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
