/**
 * Terraform as the judge of the review: each stack's base and head are planned with the real
 * hashicorp/aws provider against a state crafted from the base (terraform-check/simulated-plan.ts,
 * no AWS, no credentials), and each managed address's action is compared with the review's
 * (`npm run review -- --judge-with-terraform`). The rules table stays the fast offline default.
 */
import * as fs from "fs";
import * as path from "path";
import {
  type TerraformEnv,
  awsSchema,
  errorLines,
  installAws,
  pinnedAwsVersion,
  terraform,
  terraformEnv,
} from "../terraform-check/check-stack";
import { type PlannedChange, craftState, planHead, writeDoc } from "../terraform-check/simulated-plan";
import type { ProviderSchema } from "../terraform-check/test-file";
import { PROVIDER_ARGUMENTS } from "./arguments";
import { REPLACE_RULES } from "./rules";
import type { Review, StackReview, TerraformDoc } from "./types";

/** What the two say about one managed address. */
export interface Verdict {
  readonly stack: string;
  readonly address: string;
  /** create, update, replace, delete or none. */
  readonly review: string;
  readonly terraform: string;
  /** The review's update note says the plan shows an update only because of a deferred read. */
  readonly deferredRead: boolean;
  /**
   * The review says "not known" only because the provider decides by asking AWS (a rule's askAws),
   * which a plan without AWS cannot do either. @default false
   */
  readonly asksAws?: boolean;
  /** The review shows an update Terraform ignores (lifecycle.ignore_changes; `npm run upgrade` makes it). @default false */
  readonly ignoredByTerraform?: boolean;
}

export interface Judgement {
  readonly providerVersion: string;
  readonly agreed: number;
  readonly total: number;
  readonly replacementsAgreed: number;
  readonly replacements: number;
  /** Updates only a deferred data source read causes: explained, not counted as disagreements. */
  readonly explained: readonly Verdict[];
  readonly disagreements: readonly Verdict[];
  /** Addresses whose crafted base state did not settle (left out). */
  readonly unsettled: readonly string[];
}

/** Terraform's action of one planned change. */
export function terraformAction(actions: readonly string[]): string {
  const a = [...actions].sort().join(",");
  if (a === "create,delete") return "replace";
  if (a === "no-op" || a === "read" || a === "") return "none";
  return a;
}

/** The review's action of each managed address of a stack (an address change: delete the old, create the new). */
export function reviewActions(
  s: StackReview,
): Map<string, { action: string; deferredRead: boolean; asksAws?: boolean; ignoredByTerraform?: boolean }> {
  const out = new Map<
    string,
    { action: string; deferredRead: boolean; asksAws?: boolean; ignoredByTerraform?: boolean }
  >();
  for (const c of s.changes) {
    if (c.mode !== "managed") continue;
    if (c.addressChange !== undefined) {
      out.set(c.addressChange.from, { action: "delete", deferredRead: false });
      out.set(c.addressChange.to, { action: "create", deferredRead: false });
      continue;
    }
    const action = c.action === "terraform-only" ? "none" : c.action;
    const unknown = c.attributes.filter((a) => a.unknown !== undefined);
    const asksAws =
      action === "unknown" &&
      unknown.length > 0 &&
      unknown.every((a) => REPLACE_RULES[c.type]?.askAws?.[a.path] !== undefined);
    const ignoredByTerraform =
      action === "update" &&
      c.attributes.length > 0 &&
      c.attributes.every((a) => a.ignored === true || a.terraformOnly === true);
    out.set(c.address, {
      action,
      deferredRead: c.note?.startsWith("the plan shows an update here") === true,
      asksAws,
      ignoredByTerraform,
    });
  }
  return out;
}

/** Compares one stack's review with Terraform's plan of it. */
export function compareStack(
  s: StackReview,
  planned: readonly PlannedChange[],
  unsettled: ReadonlySet<string>,
): Verdict[] {
  const review = reviewActions(s);
  const tf = new Map(planned.filter((c) => c.mode === "managed").map((c) => [c.address, terraformAction(c.actions)]));
  const addresses = [...new Set([...review.keys(), ...[...tf].filter(([, a]) => a !== "none").map(([k]) => k)])]
    .filter((a) => !unsettled.has(a))
    .sort();
  return addresses.map((address) => ({
    stack: s.name,
    address,
    review: review.get(address)?.action ?? "none",
    terraform: tf.get(address) ?? "none",
    deferredRead: review.get(address)?.deferredRead ?? false,
    ...(review.get(address)?.asksAws === true ? { asksAws: true } : {}),
    ...(review.get(address)?.ignoredByTerraform === true ? { ignoredByTerraform: true } : {}),
  }));
}

/**
 * Agreement numbers over verdicts. Explained, not counted: an update only a deferred read causes
 * (the review says so), and a change the review leaves to the provider's question to AWS (a plan
 * without AWS cannot ask either), and an update the review shows although Terraform ignores it
 * (an in-place major upgrade: `npm run upgrade` makes it).
 */
export function summarize(
  verdicts: readonly Verdict[],
  providerVersion: string,
  unsettled: readonly string[],
): Judgement {
  const explained = verdicts.filter(
    (v) =>
      (v.deferredRead && v.terraform === "update") ||
      (v.asksAws === true && (v.terraform === "update" || v.terraform === "replace")) ||
      (v.ignoredByTerraform === true && v.terraform === "none"),
  );
  const counted = verdicts.filter((v) => !explained.includes(v));
  const disagreements = counted.filter((v) => v.review !== v.terraform);
  const replacements = counted.filter((v) => v.review === "replace" || v.terraform === "replace");
  return {
    providerVersion,
    agreed: counted.length - disagreements.length,
    total: counted.length,
    replacementsAgreed: replacements.filter((v) => v.review === v.terraform).length,
    replacements: replacements.length,
    explained,
    disagreements,
    unsettled,
  };
}

/** What the judge needs: terraform, the provider and its schema, in `scratch`; a string says why it cannot run. */
export async function prepareJudge(
  scratch: string,
  pluginDir: string | undefined,
): Promise<{ t: TerraformEnv; schema: ProviderSchema; version: string; providerDir: string } | string> {
  const prepared = terraformEnv(scratch, pluginDir);
  if (typeof prepared === "string") return prepared;
  const providerDir = path.join(scratch, "provider");
  const errors = await installAws(prepared, providerDir);
  if (errors.length > 0) return `hashicorp/aws cannot be installed (${errors.join(" ")})`;
  const schema = await awsSchema(prepared, providerDir);
  if (schema === undefined) return "terraform providers schema failed";
  return { t: prepared, schema, version: prepared.awsVersion ?? pinnedAwsVersion(), providerDir };
}

/**
 * Plans every stack of both synths (folders with stacks/<name>/) and compares with `review`.
 * Stacks only in one synth are all-create or left alone (nothing destroys them), as the review says.
 */
export async function judgeReview(
  review: Review,
  folders: { readonly base: string; readonly head: string },
  docs: {
    readonly base: Readonly<Record<string, TerraformDoc>>;
    readonly head: Readonly<Record<string, TerraformDoc>>;
  },
  judge: { t: TerraformEnv; schema: ProviderSchema; version: string },
  scratch: string,
): Promise<Judgement> {
  const verdicts: Verdict[] = [];
  const unsettled: string[] = [];
  for (const s of review.stacks) {
    if (s.status !== "changed") continue;
    const dir = path.join(scratch, "judge", s.name);
    fs.cpSync(path.join(folders.base, "stacks", s.name), dir, { recursive: true, dereference: true });
    const base = docs.base[s.name] as Record<string, never>;
    writeDoc(dir, base, judge.t.awsVersion, new Set());
    const init = await terraform(judge.t, dir, ["init", "-backend=false", "-input=false", "-no-color"]);
    if (init.code !== 0)
      throw new Error(`terraform init for ${s.name} failed: ${errorLines(init.output, 4).join(" ")}`);
    const crafted = await craftState(judge.t, dir, base, judge.schema);
    unsettled.push(...crafted.unsettled);
    fs.cpSync(path.join(folders.head, "stacks", s.name), dir, { recursive: true, dereference: true });
    const plan = await planHead(judge.t, dir, docs.head[s.name] as Record<string, never>);
    verdicts.push(...compareStack(s, plan.changes, new Set(crafted.unsettled)));
  }
  return summarize(verdicts, judge.version, unsettled);
}

/**
 * What a provider other than the pinned one cannot check: arguments of the rules' types that the
 * pinned provider has (./arguments.ts) and `schema` lacks (`type.argument`).
 */
export function argumentsMissingFrom(schema: ProviderSchema): string[] {
  return Object.keys(REPLACE_RULES)
    .sort()
    .flatMap((type) => {
      const block = schema.resource_schemas?.[type]?.block;
      if (block === undefined) return [`${type} (the whole type)`];
      const has = new Set([...Object.keys(block.attributes ?? {}), ...Object.keys(block.block_types ?? {})]);
      return (PROVIDER_ARGUMENTS[type] ?? []).filter((a) => !has.has(a)).map((a) => `${type}.${a}`);
    });
}

/** The judgement as Markdown lines, appended to the review; `missing`: argumentsMissingFrom the provider used. */
export function judgementMarkdown(j: Judgement, pinned: string, missing: readonly string[] = []): string[] {
  const lines = [
    "### Checked against `terraform plan`",
    "",
    `hashicorp/aws ${j.providerVersion} (the stacks pin ${pinned}), planned against a state crafted from the base, without AWS: the review and Terraform agree on ${j.agreed} of ${j.total} changed addresses, and on ${j.replacementsAgreed} of ${j.replacements} replacements.`,
  ];
  if (j.providerVersion !== pinned) {
    lines.push(
      `Provider ${j.providerVersion} is not the pinned ${pinned}: behaviour that differs between them is not checked here${missing.length > 0 ? `, among it these arguments ${pinned} has and ${j.providerVersion} lacks: ${missing.join(", ")}` : ""}.`,
    );
  }
  for (const v of j.explained) {
    if (v.ignoredByTerraform === true)
      lines.push(
        `- ${v.stack} \`${v.address}\`: the review shows the update \`lifecycle.ignore_changes\` hides from Terraform (\`npm run upgrade\` makes it; explained, not counted)`,
      );
    else if (v.asksAws === true)
      lines.push(
        `- ${v.stack} \`${v.address}\`: the review says "not known" because the provider asks AWS, which this plan cannot; it planned ${v.terraform} without asking (explained, not counted)`,
      );
    else
      lines.push(
        `- ${v.stack} \`${v.address}\`: the plan shows an update (a data source read at apply); the document is unchanged (explained, not counted)`,
      );
  }
  for (const v of j.disagreements)
    lines.push(`- ❗ ${v.stack} \`${v.address}\`: the review says ${v.review}, Terraform plans ${v.terraform}`);
  if (j.unsettled.length > 0)
    lines.push(`- not judged (the crafted state did not settle): ${j.unsettled.map((a) => `\`${a}\``).join(", ")}`);
  lines.push("");
  return lines;
}
