/**
 * A changed requirements.txt as a package diff, for the review: the uploaded file is an
 * `aws_s3_object` whose `content` the plugins.zip pipeline rendered (plugins/requirements.ts), so
 * the synthesized JSON holds both versions and the diff needs no checkout.
 */
import type { ResourceChange } from "./types";

/** What the pipeline writes first in every uploaded requirements file (plugins/requirements.ts header). */
const GENERATED = /^# Generated from \S+ by the plugins\.zip pipeline/;

/** name (PEP 503 normalized) -> the requirement line as written, for requirement lines only. */
export function requirementLines(content: string): Map<string, string> {
  const packages = new Map<string, string>();
  for (const raw of content.split("\n")) {
    const line = raw.replace(/(^|\s+)#.*$/, "").trim();
    if (line === "" || line.startsWith("-")) continue;
    const name = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(line)?.[0];
    if (name !== undefined) packages.set(name.replace(/[-_.]+/g, "-").toLowerCase(), line);
  }
  return packages;
}

/** Added, removed and changed requirement lines between two uploaded files, one bullet each. */
export function packageDiff(before: string, after: string): string[] {
  const [a, b] = [requirementLines(before), requirementLines(after)];
  const lines: string[] = [];
  for (const [name, line] of b) {
    const old = a.get(name);
    if (old === undefined) lines.push(`added \`${line}\``);
    else if (old !== line) lines.push(`changed \`${old}\` → \`${line}\``);
  }
  for (const [name, line] of a) if (!b.has(name)) lines.push(`removed \`${line}\``);
  return lines;
}

/** The review's "requirements" section: each changed uploaded requirements file and its package diff. */
export function requirementsDiffLines(changes: readonly ResourceChange[]): string[] {
  const out: string[] = [];
  for (const c of changes) {
    if (c.type !== "aws_s3_object" || c.action !== "update") continue;
    const content = c.attributes.find(
      (a) => a.path === "content" && typeof a.before === "string" && typeof a.after === "string",
    );
    if (content === undefined || !GENERATED.test(content.after as string)) continue;
    const diff = packageDiff(content.before as string, content.after as string);
    if (diff.length === 0) continue;
    out.push(
      `- \`${c.label ?? c.address}\` (checked offline against the MWAA image of the environment's Airflow version at synth):`,
      ...diff.map((d) => `  - ${d}`),
    );
  }
  return out.length === 0 ? [] : ["#### 📦 REQUIREMENTS", "", ...out, ""];
}
