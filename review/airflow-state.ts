/**
 * What a change does inside Airflow, for the review: the declared pools and variables are the
 * `input` of the apply Lambda's `aws_lambda_invocation` (a JSON string that `terraform plan` shows
 * as one long line; constructs/airflow-state.ts), the secret connections and variables are
 * `aws_secretsmanager_secret`s, once per stack (constructs/airflow-secrets.ts). Named readably here, with a warning where a removal can break DAGs.
 */
import type { ApplyInput, DeclaredPool, DeclaredVariable } from "../lambda/airflow-state/contract";
import type { Block, ResourceChange } from "./types";

/** Resource names come from construct paths (`Mwaa/AirflowState/Apply` -> `Mwaa_AirflowState_Apply_<hash>`). */
const APPLY = /(^|_)AirflowState_Apply_[0-9A-F]{8}$/;
/** `Mwaa/AirflowSecrets/Connection_<name>`; `AirflowState_` is where they were before they moved to the stack (deletes of those still read well). */
const SECRET = /(^|_)Airflow(Secrets|State)_(Connection|Variable)_.+_[0-9A-F]{8}$/;

const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

function parseInput(value: unknown): ApplyInput | undefined {
  if (typeof value !== "string") return undefined;
  try {
    const parsed = JSON.parse(value) as Partial<ApplyInput>;
    return { pools: parsed.pools ?? [], variables: parsed.variables ?? [] };
  } catch {
    return undefined;
  }
}

const EMPTY: ApplyInput = { pools: [], variables: [] };

function changed<T>(
  label: string,
  before: T | undefined,
  after: T | undefined,
  show: (v: T | undefined) => string,
): string[] {
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [`${label} ${show(before)} -> ${show(after)}`];
}

const text = (v: string | undefined) => code(v ?? "");
const flag = (v: boolean | undefined) => String(v ?? false);

function poolLines(before: readonly DeclaredPool[], after: readonly DeclaredPool[]): string[] {
  const old = new Map(before.map((p) => [p.name, p]));
  const now = new Map(after.map((p) => [p.name, p]));
  const lines: string[] = [];
  for (const p of after) {
    const b = old.get(p.name);
    if (b === undefined) {
      lines.push(`pool ${code(p.name)} added: ${p.slots} slots`);
      continue;
    }
    const parts = [
      ...changed("slots", b.slots, p.slots, (v) => String(v)),
      ...changed("description", b.description, p.description, text),
      ...changed("include deferred", b.includeDeferred, p.includeDeferred, flag),
    ];
    if (parts.length > 0) lines.push(`pool ${code(p.name)} ${parts.join(", ")}`);
  }
  for (const p of before)
    if (!now.has(p.name))
      lines.push(
        `⚠️ pool ${code(p.name)} removed: the apply deletes it from Airflow; tasks that name it in \`pool=\` stop being scheduled`,
      );
  return lines;
}

function variableLines(before: readonly DeclaredVariable[], after: readonly DeclaredVariable[]): string[] {
  const old = new Map(before.map((v) => [v.key, v]));
  const now = new Map(after.map((v) => [v.key, v]));
  const lines: string[] = [];
  for (const v of after) {
    const b = old.get(v.key);
    if (b === undefined) {
      lines.push(`variable ${code(v.key)} added = ${code(v.value)}`);
      continue;
    }
    const parts = [
      ...changed("value", b.value, v.value, text),
      ...changed("description", b.description, v.description, text),
    ];
    if (parts.length > 0) lines.push(`variable ${code(v.key)} ${parts.join(", ")}`);
  }
  for (const v of before)
    if (!now.has(v.key))
      lines.push(`⚠️ variable ${code(v.key)} removed: the apply deletes it from Airflow; DAGs that still read it fail`);
  return lines;
}

/** The invocation's input on each side: the changed attribute, or the whole block when created or removed. */
function inputs(c: ResourceChange): [ApplyInput, ApplyInput] | undefined {
  if (c.action === "create") return [EMPTY, parseInput(c.block?.input) ?? EMPTY];
  if (c.action === "delete") return [parseInput(c.block?.input) ?? EMPTY, EMPTY];
  const input = c.attributes.find((a) => a.path === "input");
  if (input === undefined) return undefined;
  const [b, a] = [parseInput(input.before), parseInput(input.after)];
  return b !== undefined && a !== undefined ? [b, a] : undefined;
}

function secretLines(c: ResourceChange): string[] {
  const kind = SECRET.exec(c.name)?.[3] === "Connection" ? "connection" : "variable";
  const secretName =
    c.label ?? (typeof (c.block as Block | undefined)?.name === "string" ? (c.block!.name as string) : c.address);
  const id = secretName.split("/").pop() ?? secretName;
  if (c.action === "create")
    return [
      `secret ${kind} ${code(id)} added: secret ${code(secretName)} is created without a value; set it before DAGs use it (docs/airflow-state.md, "Setting a secret's value")`,
    ];
  if (c.action === "delete")
    return [
      `⚠️ secret ${kind} ${code(id)} removed: secret ${code(secretName)} is scheduled for deletion; DAGs that still use ${kind === "connection" ? "this connection" : "this variable"} fail`,
    ];
  if (c.action === "replace")
    return [
      `⚠️ secret ${kind} ${code(id)}: secret ${code(secretName)} is replaced, and the new one has no value until it is set again`,
    ];
  return [`secret ${kind} ${code(id)}: ${c.attributes.map((a) => code(a.path)).join(", ")} changed`];
}

/** The review's "inside Airflow" section: pool, variable and secret changes, removals flagged. */
export function airflowStateLines(changes: readonly ResourceChange[]): string[] {
  const lines: string[] = [];
  for (const c of changes) {
    if (c.type === "aws_lambda_invocation" && APPLY.test(c.name)) {
      const sides = inputs(c);
      if (sides !== undefined)
        lines.push(
          ...poolLines(sides[0].pools, sides[1].pools),
          ...variableLines(sides[0].variables, sides[1].variables),
        );
    } else if (c.type === "aws_secretsmanager_secret" && SECRET.test(c.name)) {
      lines.push(...secretLines(c));
    }
  }
  return lines.length === 0 ? [] : ["#### 🗄️ INSIDE AIRFLOW (`airflowState`)", "", ...lines.map((l) => `- ${l}`), ""];
}
