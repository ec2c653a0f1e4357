/**
 * Markdown for a pull request comment from a `Review`. Per stack: first what replaces or destroys
 * (loud), then the MWAA environment's long in-place update, then added, removed and changed.
 *
 * A line that says the MWAA environment is replaced names `aws_mwaa_environment` and "replace" on
 * that one line (CI greps for it); nothing else prints both words on one line.
 */
import type { AttributeChange, Json, OptionChange, ResourceChange, Review, StackReview } from "./diff";
import { airflowStateLines } from "./airflow-state";
import { requirementsDiffLines } from "./requirements-diff";
import { versionPackagesSection } from "./version-packages";
import { MWAA_ENVIRONMENT, NOT_KNOWN } from "./rules";

/** The hidden first line the workflow looks for to update its comment instead of adding one. */
export const MARKER = "<!-- mwaa-review -->";

export interface RenderOptions {
  /** What the base was: a git ref or a folder. */
  readonly base?: string;
  /** What the head was: "working tree" or a folder. */
  readonly head?: string;
  /** The config both sides were synthesized from (MWAA_CONFIG), when the review synthesized one. */
  readonly config?: string;
  /** Longest value shown before it is cut with "…". @default 100 */
  readonly maxValueLength?: number;
}

/** Inline code that survives backticks in the value. */
export function code(text: string): string {
  const runs = text.match(/`+/g) ?? [];
  const fence = "`".repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text.replace(/\n/g, "⏎")}${pad}${fence}`;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A value for a bullet: `(not set)`, a string, or compact JSON, cut to `max` characters. */
export function formatValue(v: Json | undefined, max = 100): string {
  if (v === undefined || v === null) return "_(not set)_";
  return code(cut(typeof v === "string" ? v : JSON.stringify(v), max));
}

/** Two long strings that differ: the stretch around the first difference of each. */
function around(a: string, b: string, max: number): [string, string] {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const from = Math.max(0, i - Math.floor(max / 3));
  const part = (s: string) => `${from > 0 ? "…" : ""}${cut(s.slice(from), max)}`;
  return [part(a), part(b)];
}

function change(before: Json | undefined, after: Json | undefined, max: number): string {
  if (typeof before === "string" && typeof after === "string" && (before.length > max || after.length > max)) {
    const [b, a] = around(before, after, max);
    return `${code(b)} → ${code(a)}`;
  }
  return `${formatValue(before, max)} → ${formatValue(after, max)}`;
}

const SECRET_KEY = /pass(word)?|secret|token|fernet|credential|private|api_?key/i;

function optionLine(o: OptionChange, max: number): string {
  const show = (v: string | undefined) =>
    v === undefined ? "_(not set)_" : SECRET_KEY.test(o.key) ? "_(hidden: looks like a secret)_" : formatValue(v, max);
  if (o.before === undefined) return `added ${code(o.key)} = ${show(o.after)}`;
  if (o.after === undefined) return `removed ${code(o.key)} (was ${show(o.before)})`;
  return `changed ${code(o.key)}: ${show(o.before)} → ${show(o.after)}`;
}

function attributeLines(c: ResourceChange, max: number, indent = "  "): string[] {
  const lines: string[] = [];
  const isOption = (a: AttributeChange) =>
    a.path === "airflow_configuration_options" || a.path.startsWith("airflow_configuration_options.");
  const weight = (a: AttributeChange) => (a.replaces !== undefined ? 2 : a.unknown !== undefined ? 1 : 0);
  const ordered = [...c.attributes].sort((x, y) => weight(y) - weight(x));
  for (const a of ordered) {
    if (isOption(a) && a.indirect === undefined && c.options !== undefined) continue;
    if (a.path === "(resource)") {
      lines.push(`${indent}- ${a.replaces ?? ""}: **forces replacement**`);
      continue;
    }
    if (a.terraformOnly) {
      lines.push(`${indent}- ${code(a.path)} changes _(Terraform only: no change in AWS)_`);
      continue;
    }
    if (a.ignored) {
      lines.push(
        `${indent}- ${code(a.path)}: ${change(a.before, a.after, max)} _(in \`lifecycle.ignore_changes\`: Terraform plans no change to it)_`,
      );
      continue;
    }
    const tail =
      a.replaces !== undefined
        ? ` — **forces replacement**: ${a.replaces}`
        : a.unknown !== undefined
          ? ` — ❓ ${NOT_KNOWN} (${a.unknown})`
          : "";
    if (a.indirect !== undefined)
      lines.push(
        `${indent}- ${code(a.path)} = ${formatValue(a.before, max)} changes at apply time: ${a.indirect}${tail}`,
      );
    else lines.push(`${indent}- ${code(a.path)}: ${change(a.before, a.after, max)}${tail}`);
  }
  if (c.options !== undefined && c.options.length > 0) {
    lines.push(
      `${indent}- ${code("airflow_configuration_options")} (\`terraform plan\` shows only "(sensitive value)"):`,
    );
    for (const o of c.options) lines.push(`${indent}  - ${optionLine(o, max)}`);
  }
  return lines;
}

function name(c: ResourceChange): string {
  return `${code(c.address)}${c.label !== undefined ? ` (${code(c.label)})` : ""}`;
}

function isEnvironment(c: ResourceChange): boolean {
  return c.type === MWAA_ENVIRONMENT && c.mode === "managed";
}

const METADATA_LOSS =
  "a new environment starts with an empty Airflow metadata database: DAG run history, task instances, and connections and variables stored in it are lost";
const PREVENT_DESTROY =
  "`lifecycle.prevent_destroy` is set on it, so the plan stops with an error until that protection is lifted — review before you lift it.";

function replaceLines(c: ResourceChange, max: number): string[] {
  const lines: string[] = [];
  if (c.addressChange !== undefined) {
    const what = isEnvironment(c)
      ? `the aws_mwaa_environment is replaced (destroyed and created again): ${METADATA_LOSS}`
      : "Terraform destroys the old resource and creates a new one";
    lines.push(
      `- ⚠️ ${name(c)}: destroy and create — its address changed from ${code(c.addressChange.from)} (a renamed construct id), so ${what}.`,
    );
    lines.push(
      `  - Keep the old construct id, or move the state (a \`moved\` block; cdktf \`moveTo\`/\`moveFromId\`) to keep the resource.`,
    );
  } else {
    const reasons = [
      ...new Set(
        c.attributes
          .filter((a) => a.replaces !== undefined)
          .map((a) =>
            a.indirect !== undefined ? `${code(a.path)} changes because ${a.indirect}` : (a.replaces as string),
          ),
      ),
    ];
    const what = isEnvironment(c)
      ? `: the aws_mwaa_environment is replaced, and ${METADATA_LOSS}; delete and create take tens of minutes`
      : "";
    lines.push(
      `- ⚠️ ${name(c)} will be **replaced** (destroyed, then created)${what}. Forced by: ${reasons.join("; ")}.`,
    );
    if (c.versionChange !== undefined && !c.versionChange.inPlace)
      lines.push(`  - Airflow version: 🛑 **refused**: ${c.versionChange.explanation}.`);
    lines.push(...attributeLines(c, max));
  }
  if (c.preventDestroy) lines.push(`  - ${PREVENT_DESTROY}`);
  return lines;
}

function protectedDeleteLines(c: ResourceChange): string[] {
  const lines = [
    isEnvironment(c)
      ? `- 🛑 ${name(c)} is **destroyed** (removed from the stack), and with it the Airflow metadata database of the environment.`
      : `- 🛑 ${name(c)} is **destroyed** (removed from the stack)${c.type === "aws_s3_bucket" ? ", with the DAGs and artifacts it holds" : ""}.`,
  ];
  // Terraform docs (language/block/resource, lifecycle): prevent_destroy "doesn't prevent Terraform
  // from destroying the resource if you remove the resource configuration" (hashicorp/web-unified-docs#1095).
  if (c.preventDestroy)
    lines.push(
      "  - `lifecycle.prevent_destroy` was set, but it goes with the removed configuration: it does **not** stop this destroy.",
    );
  return lines;
}

/** Only the version changes, and `npm run upgrade` makes it (airflow.majorUpgradeInPlace). */
function byCommandOnly(c: ResourceChange): boolean {
  return c.versionChange?.byCommand === true && c.attributes.every((a) => a.ignored || a.terraformOnly);
}

function longUpdateLines(c: ResourceChange, max: number): string[] {
  if (byCommandOnly(c)) {
    return [
      `- ⏳ ${name(c)}: the Airflow version changes in place by the upgrade command, not by this deploy. **Run it only when the environment is AVAILABLE.**`,
      `  - Airflow version: ${c.versionChange?.explanation ?? ""}.`,
      ...attributeLines(c, max),
    ];
  }
  const lines = [
    `- ⏳ ${name(c)} is updated in place: MWAA keeps the environment in UPDATING for **10–30 minutes** while workers, schedulers and web servers restart. **Apply only when the environment is AVAILABLE** — an update started while it is still creating or updating fails.`,
  ];
  if (c.versionChange !== undefined)
    lines.push(
      `  - Airflow version: ${c.versionChange.inPlace ? "" : "🛑 **refused**: "}${c.versionChange.explanation}.`,
    );
  for (const r of c.longUpdateReasons ?? []) lines.push(`  - ${r}.`);
  lines.push(...attributeLines(c, max));
  return lines;
}

/** A version change MWAA does not make in place: the review fails (exit 4), whatever the action. */
export function isRefused(c: ResourceChange): boolean {
  return c.versionChange !== undefined && !c.versionChange.inPlace;
}

function refusedLines(c: ResourceChange, max: number): string[] {
  return [
    `- 🛑 ${name(c)}: the Airflow version change is **refused**: ${c.versionChange?.explanation ?? ""}. MWAA rejects this update; do not apply it.`,
    ...attributeLines(c, max),
  ];
}

function list(title: string, items: string[], collapseOver = 25): string[] {
  if (items.length === 0) return [];
  if (items.length <= collapseOver) return [`#### ${title}`, "", ...items, ""];
  return [`#### ${title}`, "", "<details><summary>Show all</summary>", "", ...items, "", "</details>", ""];
}

function changedLines(c: ResourceChange, max: number): string[] {
  if (c.mode === "data") return [`- ${name(c)}: data source read again`, ...attributeLines(c, max)];
  if (c.action === "terraform-only")
    return [`- ${name(c)}: Terraform settings only (no change in AWS)`, ...attributeLines(c, max)];
  if (isEnvironment(c) && c.tagsOnly)
    return [
      `- ${name(c)}: tags only — tagged without an environment update (no UPDATING, no restart)`,
      ...attributeLines(c, max),
    ];
  return [`- ${name(c)}: updated in place${c.note !== undefined ? ` — ${c.note}` : ""}`, ...attributeLines(c, max)];
}

/** Above this many, the unprotected replacements are folded away (the protected ones never are). */
const REPLACES_SHOWN = 8;

/** Updates whose changes are all the same (a tag on every resource) are shown once. */
function groupedChanges(changed: readonly ResourceChange[], max: number): string[] {
  const lines: string[] = [];
  const groups = new Map<string, ResourceChange[]>();
  for (const c of changed) {
    const groupable =
      c.mode === "managed" &&
      c.action === "update" &&
      !isEnvironment(c) &&
      c.attributes.every((a) => a.indirect === undefined);
    const key = groupable
      ? JSON.stringify(c.attributes.map((a) => [a.path, a.before, a.after]))
      : `single:${c.address}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  for (const group of groups.values()) {
    const first = group[0] as ResourceChange;
    if (group.length < 3) {
      group.forEach((c) => lines.push(...changedLines(c, max)));
      continue;
    }
    lines.push(`- ${group.length} resources updated in place with the same change:`, ...attributeLines(first, max));
    lines.push(
      `  - <details><summary>Which resources</summary>${group.map((c) => code(c.address)).join(", ")}</details>`,
    );
  }
  return lines;
}

function unknownLines(c: ResourceChange, max: number): string[] {
  return [`- ❓ ${name(c)}: ${NOT_KNOWN} — it may be updated in place or replaced.`, ...attributeLines(c, max)];
}

/**
 * The sections of a changed stack. Each heading with a number counts exactly what the summary
 * table's column of the same name counts (managed resources only); data sources and Terraform-only
 * changes have sections of their own that the table does not count.
 */
function changedStack(s: StackReview, max: number): string[] {
  const out: string[] = [];
  if (s.migration !== undefined) out.push("#### 🔀 MIGRATION", "", ...s.migration.map((m) => `- ${m}`), "");
  for (const n of s.notes) out.push(`> [!WARNING]`, `> ${n}`, "");
  const managed = s.changes.filter((c) => c.mode === "managed");
  const data = s.changes.filter((c) => c.mode === "data");
  const rank = (c: ResourceChange) => (isEnvironment(c) ? 0 : c.protected ? 1 : 2);
  const replaces = managed.filter((c) => c.action === "replace").sort((x, y) => rank(x) - rank(y));
  const deletes = managed.filter((c) => c.action === "delete");
  const protectedDeletes = deletes.filter((c) => c.protected).sort((x, y) => rank(x) - rank(y));
  const loud = replaces.filter((c) => c.protected);
  const others = replaces.filter((c) => !c.protected);
  const replaceItems = [
    ...loud.flatMap((c) => replaceLines(c, max)),
    ...protectedDeletes.flatMap((c) => protectedDeleteLines(c)),
  ];
  if (others.length > REPLACES_SHOWN) {
    replaceItems.push(
      `- ⚠️ ${others.length} more resources are replaced (destroyed, then created): ${others
        .map((c) => code(c.type))
        .filter((t, i, all) => all.indexOf(t) === i)
        .join(", ")}.`,
      "",
      "<details><summary>Show them</summary>",
      "",
      ...others.flatMap((c) => replaceLines(c, max)),
      "",
      "</details>",
    );
  } else replaceItems.push(...others.flatMap((c) => replaceLines(c, max)));
  if (replaces.length > 0 || protectedDeletes.length > 0)
    out.push(
      `#### ⚠️ REPLACES (${replaces.length} replaced${protectedDeletes.length > 0 ? `, ${protectedDeletes.length} protected destroyed` : ""})`,
      "",
      ...replaceItems,
      "",
    );
  const unknown = managed.filter((c) => c.action === "unknown");
  out.push(
    ...list(
      `❓ Not known (${unknown.length})`,
      unknown.flatMap((c) => unknownLines(c, max)),
    ),
  );
  const updates = managed.filter((c) => c.action === "update");
  // A version move MWAA refuses never starts: it is listed as refused, not as a long update.
  const refused = updates.filter((c) => isRefused(c));
  if (refused.length > 0)
    out.push(`#### 🛑 REFUSED (${refused.length})`, "", ...refused.flatMap((c) => refusedLines(c, max)), "");
  const long = updates.filter((c) => c.longUpdate && !isRefused(c));
  if (long.length > 0) out.push("#### ⏳ LONG UPDATE", "", ...long.flatMap((c) => longUpdateLines(c, max)), "");
  out.push(...requirementsDiffLines(updates));
  out.push(...versionPackagesSection(s.versionPackages));
  out.push(...airflowStateLines(s.changes));
  const added = managed.filter((c) => c.action === "create");
  out.push(
    ...list(
      `Added (${added.length})`,
      added.map((c) => `- ${name(c)}${c.note !== undefined ? ` — ${c.note}` : ""}`),
    ),
  );
  out.push(
    ...list(
      `Removed (${deletes.length})`,
      deletes.map(
        (c) =>
          `- ${name(c)}: destroyed${c.protected ? " _(protected: see REPLACES above)_" : ""}${c.note !== undefined ? ` — ${c.note}` : ""}`,
      ),
    ),
  );
  const changedItems = [
    ...refused.map((c) => `- ${name(c)}: refused _(see REFUSED above)_`),
    ...long.map(
      (c) =>
        `- ${name(c)}: ${byCommandOnly(c) ? "changed by the upgrade command" : "updated in place"} _(see LONG UPDATE above)_`,
    ),
    ...groupedChanges(
      updates.filter((c) => !c.longUpdate && !isRefused(c)),
      max,
    ),
  ];
  out.push(...list(`Changed (${updates.length})`, changedItems, 60));
  const terraformOnly = managed.filter((c) => c.action === "terraform-only");
  out.push(
    ...list(
      `Terraform settings only, no change in AWS (${terraformOnly.length})`,
      terraformOnly.flatMap((c) => changedLines(c, max)),
    ),
  );
  const dataItems = data.map((c) =>
    c.action === "delete"
      ? `- ${name(c)}: no longer read`
      : c.attributes.length === 0
        ? `- ${name(c)}: new`
        : changedLines(c, max).join("\n"),
  );
  out.push(...list(`Data sources (${data.length})`, dataItems));
  if (out.length === 0) out.push("No changes.", "");
  return out;
}

function newStack(s: StackReview): string[] {
  const envs = s.environments.map((e) => `${code(e.address)}${typeof e.name === "string" ? ` (${code(e.name)})` : ""}`);
  const items = s.changes.map((c) => `- ${name(c)}${c.mode === "data" ? " _(data source)_" : ""}`);
  return [
    `🆕 A new stack with its own state: creates ${s.counts.added} resources${envs.length > 0 ? `, including the MWAA environment ${envs.join(", ")}` : ""}.`,
    "",
    ...list(`Added (${s.counts.added}; and ${s.changes.length - s.counts.added} data sources)`, items, 0),
  ];
}

function removedStack(s: StackReview): string[] {
  const left = s.changes.filter((c) => c.mode === "managed");
  const lines = [
    "#### ⚠️ REPLACES",
    "",
    `- 🛑 Stack ${code(s.name)} is no longer synthesized (its environment was removed from the config, or renamed). **Nothing destroys its ${left.length} resources**: they stay in AWS, and in the stack's state, until that stack is destroyed — run \`cdktf destroy ${s.name}\` from a checkout that still has it (before merging), or keep it in the config until then.`,
  ];
  for (const c of left.filter((x) => x.protected)) {
    lines.push(
      isEnvironment(c)
        ? `- 🛑 ${name(c)} keeps running (and costing) until then; destroying the stack destroys the environment and its Airflow metadata database.`
        : `- 🛑 ${name(c)} stays until then; destroying the stack destroys it${c.type === "aws_s3_bucket" ? " and the DAGs and artifacts in it" : ""}.`,
    );
  }
  lines.push(
    "",
    ...list(
      `Removed (${left.length}; and ${s.changes.length - left.length} data sources)`,
      s.changes.map((c) => `- ${name(c)}${c.mode === "data" ? " _(data source)_" : ""}`),
      0,
    ),
  );
  return lines;
}

const STATUS: Record<StackReview["status"], string> = {
  new: "🆕 new",
  removed: "🛑 removed",
  changed: "changed",
  unchanged: "unchanged",
};

/** The review as Markdown for a PR comment, starting with the hidden MARKER line. */
export function renderMarkdown(review: Review, options: RenderOptions = {}): string {
  const max = options.maxValueLength ?? 100;
  const out: string[] = [MARKER, "## MWAA change review", ""];
  const from = options.base !== undefined ? `base ${code(options.base)}` : "base";
  const to = options.head !== undefined ? `head ${code(options.head)}` : "head";
  out.push(
    `Compares the synthesized Terraform JSON of ${from} with ${to}, per stack (no AWS credentials, no Terraform state).`,
    "",
  );
  const names = review.stacks.map((s) => code(s.name)).join(", ");
  out.push(
    `${options.config !== undefined ? `Config ${code(options.config)}; s` : "S"}tacks compared: ${names === "" ? "_(none)_" : names}.`,
    "",
  );

  if (review.protectedAtRisk.length > 0) {
    const what: Record<string, string> = {
      replace: "replaced",
      delete: "destroyed",
      "address-change": "replaced: destroyed and created again (address changed)",
      "stack-removed": "left behind by a removed stack, destroyed when that stack is",
    };
    out.push(
      "> [!CAUTION]",
      `> **${review.protectedAtRisk.length} protected resource(s) would be replaced or destroyed:**`,
    );
    for (const r of review.protectedAtRisk) out.push(`> - ${code(r.address)} in ${code(r.stack)}: ${what[r.action]}`);
    out.push("");
  }
  const refused = review.stacks.flatMap((s) =>
    s.changes
      .filter((c) => c.versionChange !== undefined && !c.versionChange.inPlace)
      .map((c) => ({ stack: s.name, c })),
  );
  for (const { stack, c } of refused) {
    out.push(
      "> [!CAUTION]",
      `> **Airflow version change refused** for ${code(c.address)} in ${code(stack)}: ${c.versionChange!.explanation}.`,
      "",
    );
  }
  for (const r of review.renames) {
    out.push(
      "> [!CAUTION]",
      `> **Stack ${code(r.from)} removed and stack ${code(r.to)} added: this looks like a renamed environment.** A rename replaces the aws_mwaa_environment with a new one: stack ${code(r.to)} creates a new environment (new state, empty Airflow metadata database) and the old environment of ${code(r.from)} keeps running until stack ${code(r.from)} is destroyed.`,
      `> To keep the environment and its history, keep its name in the config: stack names come from environment names.`,
      "",
    );
  }

  // Resources only (data sources are not counted); each stack's section headings count the same.
  out.push("| Stack | Status | Added | Changed | Removed | Replaced | Not known |", "|---|---|--:|--:|--:|--:|--:|");
  for (const s of review.stacks)
    out.push(
      `| ${code(s.name)} | ${STATUS[s.status]} | ${s.counts.added} | ${s.counts.changed} | ${s.counts.removed} | ${s.counts.replaced} | ${s.counts.unknown} |`,
    );
  if (review.stacks.length === 0) out.push("| _(no stacks)_ | | | | | | |");
  out.push("");

  for (const s of review.stacks) {
    out.push(`### Stack ${code(s.name)}`, "");
    if (s.status === "new") out.push(...newStack(s));
    else if (s.status === "removed") out.push(...removedStack(s));
    else if (s.status === "unchanged") out.push("No changes.", "");
    else out.push(...changedStack(s, max));
    // After what replaces or destroys, which stays first.
    if (s.unitChanges !== undefined)
      out.push(`💰 **Billed by the hour:** ${s.unitChanges.join("; ")} (prices: docs/cost.md)`, "");
  }
  out.push(
    "<sub>From `npm run review`: the synthesized JSON only. Changes made outside Terraform (drift) and values known only after apply are not shown here; `terraform plan` shows those.</sub>",
    "",
  );
  return out.join("\n");
}
