/** Test-only: reads a zip's central directory, to check what the deterministic writer stored. */

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
  readonly time: {
    readonly year: number;
    readonly month: number;
    readonly day: number;
    readonly hour: number;
    readonly minute: number;
    readonly second: number;
  };
}

/** Lists a zip's central directory in archive order (for tests and diagnostics; no zip64). */
export function readZipDirectory(zip: Uint8Array): ZipDirectoryEntry[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let end = zip.length - 22;
  while (end >= 0 && view.getUint32(end, true) !== 0x06054b50) end--;
  if (end < 0) throw new Error("not a zip archive: no end of central directory record");
  const count = view.getUint16(end + 10, true);
  let offset = view.getUint32(end + 16, true);
  const decoder = new TextDecoder();
  const entries: ZipDirectoryEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (view.getUint32(offset, true) !== 0x02014b50) throw new Error(`zip central directory entry ${i} is damaged`);
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
      time: {
        year: 1980 + (date >> 9),
        month: (date >> 5) & 15,
        day: date & 31,
        hour: time >> 11,
        minute: (time >> 5) & 63,
        second: (time & 31) * 2,
      },
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
