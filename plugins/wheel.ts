import { createHash } from "node:crypto";
import { PluginsError } from "./errors";
import { deterministicZip, type ZipEntry } from "../util/zip";

/** A pure-Python distribution to pack as a `py3-none-any` wheel. */
export interface WheelSpec {
  /** Project name as users write it, e.g. "acme-airflow-helpers". */
  readonly name: string;
  readonly version: string;
  /** Files of the wheel by posix path, e.g. { "acme_helpers/__init__.py": "..." }. */
  readonly files: Readonly<Record<string, string>>;
  /** Requires-Dist lines (PEP 508), e.g. ["acme-common>=1,<2"]. */
  readonly requires?: readonly string[];
  /** console_scripts entry points: command name -> "module:function". pip writes them to bin/. */
  readonly consoleScripts?: Readonly<Record<string, string>>;
  readonly summary?: string;
}

const NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const VERSION = /^[0-9][0-9A-Za-z.+!]*$/;

/** The escaped distribution name used in wheel and dist-info names (PEP 427 / 491). */
export function wheelDistributionName(name: string): string {
  return name.replace(/[-_.]+/g, "_").toLowerCase();
}

/** `<name>-<version>-py3-none-any.whl`, the file name pip expects for `buildWheel`'s output. */
export function wheelFileName(name: string, version: string): string {
  return `${wheelDistributionName(name)}-${version}-py3-none-any.whl`;
}

function recordHash(data: Uint8Array): string {
  return `sha256=${createHash("sha256").update(data).digest("base64url")}`;
}

function metadata(spec: WheelSpec): string {
  const lines = ["Metadata-Version: 2.1", `Name: ${spec.name}`, `Version: ${spec.version}`];
  if (spec.summary !== undefined) lines.push(`Summary: ${spec.summary}`);
  for (const requirement of spec.requires ?? []) lines.push(`Requires-Dist: ${requirement}`);
  return `${lines.join("\n")}\n`;
}

function entryPoints(scripts: Readonly<Record<string, string>>): string {
  const lines = Object.keys(scripts)
    .sort()
    .map((command) => `${command} = ${scripts[command]}`);
  return `[console_scripts]\n${lines.join("\n")}\n`;
}

/**
 * Packs a valid pure-Python wheel (METADATA, WHEEL, RECORD with sha256 hashes) whose bytes
 * depend only on the spec. Used by the tests and by the sample wheelhouse script.
 */
export function buildWheel(spec: WheelSpec): Buffer {
  if (!NAME.test(spec.name)) throw new PluginsError(`buildWheel: invalid project name "${spec.name}"`);
  if (!VERSION.test(spec.version))
    throw new PluginsError(`buildWheel: invalid version "${spec.version}" for ${spec.name}`);
  const distInfo = `${wheelDistributionName(spec.name)}-${spec.version}.dist-info`;
  const encoder = new TextEncoder();
  const contents = new Map<string, Uint8Array>();
  for (const [path, text] of Object.entries(spec.files)) {
    if (path.startsWith(`${distInfo}/`))
      throw new PluginsError(`buildWheel: ${path} is generated; remove it from files`);
    contents.set(path, encoder.encode(text));
  }
  contents.set(`${distInfo}/METADATA`, encoder.encode(metadata(spec)));
  contents.set(
    `${distInfo}/WHEEL`,
    encoder.encode(
      "Wheel-Version: 1.0\nGenerator: mwaa-private-cdktf buildWheel\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    ),
  );
  if (spec.consoleScripts !== undefined)
    contents.set(`${distInfo}/entry_points.txt`, encoder.encode(entryPoints(spec.consoleScripts)));

  const recordPath = `${distInfo}/RECORD`;
  const recordLines = [...contents.keys()].sort().map((path) => {
    const data = contents.get(path) as Uint8Array;
    return `${path},${recordHash(data)},${data.length}`;
  });
  contents.set(recordPath, encoder.encode(`${[...recordLines, `${recordPath},,`].join("\n")}\n`));

  const entries: ZipEntry[] = [...contents].map(([name, data]) => ({ name, data }));
  return Buffer.from(deterministicZip(entries));
}
