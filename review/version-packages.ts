/**
 * When an environment's Airflow version changes (in place, or a migration candidate on another
 * version), the packages of its requirements.txt whose resolved version changes between the two
 * MWAA images. Read from the uploaded requirements.txt (`content` of its `aws_s3_object`, rendered
 * by plugins/requirements.ts) and the image data the offline check uses (plugins/image-data/<v>.json):
 * the same rule as plugins/image.ts, i.e. as MWAA's `user_requirements.py` and `safe-pip-install`
 * (the essential constraints always; the Airflow constraints unless the file names its own; then
 * what the image has installed; a requirement's own `==` pin otherwise).
 */
import { loadImageData, missingImageData, normalizeName, type ImageData } from "../plugins/image-data";
import { namesOwnConstraints } from "../plugins/image";
import { migrationState } from "./migration";
import { requirementLines } from "./requirements-diff";
import type { Block, TerraformDoc } from "./types";

/** The image data of a version, or undefined when there is none (2.7.2, 2.8.1). */
export type ImageDataSource = (version: string) => ImageData | undefined;

const shippedImageData: ImageDataSource = (version) => loadImageData(version)?.data;

/** Where pip on the image takes a package's version from. */
type Source = "essential constraints" | "your pin" | "constraints" | "installed" | "wheel";

const byName = (pins: Readonly<Record<string, string>>) =>
  new Map(Object.entries(pins).map(([name, version]) => [normalizeName(name), version]));

/** `name==1.2` (extras and a marker allowed): the one version the line asks for, else undefined. */
function exactPin(line: string): string | undefined {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?\s*==\s*([^\s,;*]+)\s*(;.*)?$/.exec(line)?.[2];
}

function resolve(
  data: ImageData,
  name: string,
  line: string,
  ownConstraints: boolean,
): { version?: string; source: Source } {
  const critical = byName(data.essentialConstraints).get(name);
  if (critical !== undefined) return { version: critical, source: "essential constraints" };
  const pin = exactPin(line);
  if (pin !== undefined) return { version: pin, source: "your pin" };
  const constrained = ownConstraints ? undefined : byName(data.constraints).get(name);
  if (constrained !== undefined) return { version: constrained, source: "constraints" };
  const installed = byName(data.installed).get(name);
  if (installed !== undefined) return { version: installed, source: "installed" };
  return { source: "wheel" };
}

function sourceLabel(source: Source, airflow: string): string {
  if (source === "installed") return `installed in the Airflow ${airflow} image`;
  if (source === "wheel") return "a wheel in plugins.zip";
  return source === "your pin" ? source : `Airflow ${airflow} ${source}`;
}

/** How many packages outside `except` two pin sets pin differently, and pin only in the first or only in the second. */
function pinDifferences(
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
  except: ReadonlySet<string>,
): { changed: number; onlyBefore: number; onlyAfter: number } {
  const [x, y] = [byName(a), byName(b)];
  const names = [...new Set([...x.keys(), ...y.keys()])].filter((name) => !except.has(name));
  return {
    changed: names.filter((name) => x.has(name) && y.has(name) && x.get(name) !== y.get(name)).length,
    onlyBefore: names.filter((name) => !y.has(name)).length,
    onlyAfter: names.filter((name) => !x.has(name)).length,
  };
}

/** One environment's lines: its named packages whose version changes, and a count of the rest. */
export function versionPackageLines(requirements: string, from: ImageData, to: ImageData): string[] {
  const own = namesOwnConstraints(requirements);
  const named = requirementLines(requirements);
  const lines: string[] = [];
  for (const [name, line] of named) {
    const [a, b] = [resolve(from, name, line, own), resolve(to, name, line, own)];
    if (a.version === b.version) continue;
    const why =
      a.source === b.source
        ? sourceLabel(a.source, `${from.airflowVersion} → ${to.airflowVersion}`)
        : `${sourceLabel(a.source, from.airflowVersion)} → ${sourceLabel(b.source, to.airflowVersion)}`;
    lines.push(`\`${name}\` ${a.version ?? "(from plugins.zip)"} → ${b.version ?? "(from plugins.zip)"} (${why})`);
  }
  if (lines.length === 0) lines.push("no package it names changes version");
  const names = new Set(named.keys());
  const [what, pins] = own
    ? ["installed in the image", (d: ImageData) => d.installed]
    : ["pinned by the Airflow constraints", (d: ImageData) => d.constraints];
  const rest = pinDifferences(pins(from), pins(to), names);
  if (rest.changed + rest.onlyBefore + rest.onlyAfter > 0) {
    const where = (d: ImageData) => (own ? d.source.billOfMaterials : d.source.constraints);
    lines.push(
      `other packages ${what}: ${rest.changed} change version, ${rest.onlyAfter} only in ${to.airflowVersion}, ${rest.onlyBefore} only in ${from.airflowVersion}; the requirements' dependencies among them install at the new versions (compare \`${where(from)}\` with \`${where(to)}\` in ${from.source.repository})`,
    );
  }
  return lines;
}

/** The requirements.txt an environment block installs: the `content` of the object its `requirements_s3_path` names. */
function requirementsOf(doc: TerraformDoc, env: Block): string | undefined {
  const ref =
    typeof env.requirements_s3_path === "string"
      ? /^\$\{aws_s3_object\.([^.]+)\.key\}$/.exec(env.requirements_s3_path)
      : null;
  const content = ref === null ? undefined : doc.resource?.aws_s3_object?.[ref[1]]?.content;
  return typeof content === "string" ? content : undefined;
}

/**
 * The review's "packages on the new Airflow version" items for a stack: per environment whose
 * `airflow_version` changes, or candidate environment that a migration starts on another version.
 */
export function versionPackageItems(
  base: TerraformDoc,
  head: TerraformDoc,
  imageData: ImageDataSource = shippedImageData,
): string[] {
  const before = base.resource?.aws_mwaa_environment ?? {};
  const after = head.resource?.aws_mwaa_environment ?? {};
  const migration = migrationState(head);
  const changes: { env: Block; from: string; to: string }[] = [];
  for (const [address, env] of Object.entries(after)) {
    const old = before[address];
    const from =
      old !== undefined
        ? old.airflow_version
        : !(address in before) && env.name === migration.candidate && migration.current !== undefined
          ? migration.versions.get(migration.current)
          : undefined;
    if (typeof from === "string" && typeof env.airflow_version === "string" && from !== env.airflow_version)
      changes.push({ env, from, to: env.airflow_version });
  }
  const items: string[] = [];
  for (const { env, from, to } of changes) {
    const requirements = requirementsOf(head, env);
    if (requirements === undefined || requirementLines(requirements).size === 0) continue;
    const [a, b] = [imageData(from), imageData(to)];
    const title = `- \`${typeof env.name === "string" ? env.name : "environment"}\` Airflow ${from} → ${to}: its requirements.txt resolved on the MWAA ${to} image (checked at synth) instead of ${from}`;
    if (a === undefined || b === undefined) {
      items.push(title, `  - not compared: ${missingImageData(a === undefined ? from : to)}`);
      continue;
    }
    items.push(title, ...versionPackageLines(requirements, a, b).map((line) => `  - ${line}`));
  }
  return items;
}

/** The section render prints (one line there): a heading and the items, or nothing. */
export function versionPackagesSection(items: readonly string[] | undefined): string[] {
  return items === undefined || items.length === 0
    ? []
    : ["#### 📦 PACKAGES ON THE NEW AIRFLOW VERSION", "", ...items, ""];
}
