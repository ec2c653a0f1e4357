/**
 * The review's logic, as pure functions on synthesized Terraform JSON: which resources a change adds,
 * removes, updates or replaces, per stack, with the attribute paths that changed. No files, no
 * processes, no AWS: `diffStacks(base, head)` takes the parsed `cdk.tf.json` of each stack.
 */
import {
  COMPUTED_ON_UPDATE,
  MWAA_ARTIFACT_ATTRIBUTES,
  MWAA_ENVIRONMENT,
  PROTECTED_TYPES,
  REPLACE_RULES,
  SET_ATTRIBUTES,
  TAG_ATTRIBUTES,
  TERRAFORM_ONLY,
  NOT_KNOWN,
  forcesReplacement,
  notKnown,
  type Json,
} from "./rules";
import { versionChange, type VersionChange } from "../../constructs/versions";

export type { Json } from "./rules";

/** A resource or data source body. */
export type Block = { readonly [key: string]: Json };

/** The parts of a synthesized `cdk.tf.json` the review reads. */
export interface TerraformDoc {
  readonly resource?: { readonly [type: string]: { readonly [name: string]: Block } };
  readonly data?: { readonly [type: string]: { readonly [name: string]: Block } };
  readonly terraform?: Block;
  readonly provider?: Block;
  readonly [key: string]: Json | undefined;
}

/** One changed attribute. Paths join nested blocks with "." and show list positions as `[i]`. */
export interface AttributeChange {
  readonly path: string;
  /** undefined: the attribute is not set. */
  readonly before?: Json;
  readonly after?: Json;
  /** The JSON is the same, but the value changes at apply time because what it references changes. */
  readonly indirect?: string;
  /** The address whose change causes the indirect change. */
  readonly via?: string;
  /** Why this change replaces the resource, when it does. */
  readonly replaces?: string;
  /** Why the review cannot tell whether this change updates or replaces the resource. */
  readonly unknown?: string;
  /** A Terraform meta-argument (depends_on, lifecycle): nothing changes in AWS. */
  readonly terraformOnly?: boolean;
}

/** A changed key of `airflow_configuration_options` (which `terraform plan` shows as "(sensitive value)"). */
export interface OptionChange {
  readonly key: string;
  readonly before?: string;
  readonly after?: string;
}

/** `unknown`: a change the review's rules do not cover (it may be an update or a replacement). */
export type Action = "create" | "delete" | "update" | "replace" | "unknown" | "terraform-only" | "read";

export interface ResourceChange {
  /** `type.name`, or `data.type.name` for a data source. */
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly mode: "managed" | "data";
  /** The construct path from cdktf's `//` metadata, when there is one. */
  readonly constructPath?: string;
  readonly action: Action;
  readonly attributes: readonly AttributeChange[];
  /** For the MWAA environment: which configuration options changed. */
  readonly options?: readonly OptionChange[];
  /** prevent_destroy, or a type the review always protects (MWAA environment, S3 bucket). */
  readonly protected: boolean;
  /** lifecycle.prevent_destroy is set: Terraform refuses the plan instead of destroying. */
  readonly preventDestroy: boolean;
  /** The MWAA environment is updated in place (10 to 30 minutes). */
  readonly longUpdate?: boolean;
  /** Why the environment updates although its own JSON may not change (artifacts). */
  readonly longUpdateReasons?: readonly string[];
  /** Only tags change. */
  readonly tagsOnly?: boolean;
  /** An address change: the same resource under another address is destroyed and a new one created. */
  readonly addressChange?: { readonly from: string; readonly to: string };
  /** A short description (S3 key, name) to tell resources apart in the report. */
  readonly label?: string;
  /** A remark for reviewers (a DAG file needs no environment update). */
  readonly note?: string;
  /** For the MWAA environment: its Airflow version changes; `inPlace` false is refused. */
  readonly versionChange?: VersionChange;
}

export interface StackCounts {
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
  readonly replaced: number;
  /** Changes the review cannot judge (action `unknown`). */
  readonly unknown: number;
}

export interface StackReview {
  readonly name: string;
  /** new: only in head; removed: only in base. */
  readonly status: "new" | "removed" | "changed" | "unchanged";
  readonly changes: readonly ResourceChange[];
  /** Stack-level warnings: backend or provider configuration changes. */
  readonly notes: readonly string[];
  readonly counts: StackCounts;
  /** Addresses of MWAA environments in the stack (base for removed stacks). */
  readonly environments: readonly { readonly address: string; readonly name?: Json }[];
}

export interface ProtectedRisk {
  readonly stack: string;
  readonly address: string;
  /** replace, delete (removed from a stack), address change, or stack removed. */
  readonly action: "replace" | "delete" | "address-change" | "stack-removed";
}

export interface Review {
  readonly stacks: readonly StackReview[];
  /** Removed and added stacks that both hold an MWAA environment: probably a renamed environment. */
  readonly renames: readonly { readonly from: string; readonly to: string }[];
  /** Protected resources that would be replaced or destroyed. */
  readonly protectedAtRisk: readonly ProtectedRisk[];
}

// ---------------------------------------------------------------------------------------------
// Blocks and addresses

interface Entry {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly mode: "managed" | "data";
  readonly block: Block;
}

function entries(doc: TerraformDoc): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const add = (blocks: TerraformDoc["resource"], mode: "managed" | "data") => {
    for (const [type, byName] of Object.entries(blocks ?? {})) {
      for (const [name, block] of Object.entries(byName ?? {})) {
        const address = `${mode === "data" ? "data." : ""}${type}.${name}`;
        out.set(address, { address, type, name, mode, block });
      }
    }
  };
  add(doc.resource, "managed");
  add(doc.data, "data");
  return out;
}

function isObject(v: Json | undefined): v is { [key: string]: Json } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function constructPath(block: Block): string | undefined {
  const meta = block["//"];
  if (!isObject(meta) || !isObject(meta.metadata)) return undefined;
  const p = meta.metadata.path;
  return typeof p === "string" ? p : undefined;
}

function preventDestroy(block: Block): boolean {
  const lifecycle = block.lifecycle;
  return isObject(lifecycle) && lifecycle.prevent_destroy === true;
}

function isProtected(type: string, block: Block): boolean {
  return PROTECTED_TYPES.has(type) || preventDestroy(block);
}

/** A label that tells resources of one type apart: the S3 key, a name. */
function labelOf(type: string, block: Block): string | undefined {
  const pick = (k: string) => (typeof block[k] === "string" && !(block[k] as string).includes("${") ? (block[k] as string) : undefined);
  if (type === "aws_s3_object") return pick("key");
  return pick("name") ?? pick("function_name") ?? pick("domain_name") ?? pick("bucket") ?? pick("alarm_name") ?? pick("dashboard_name") ?? pick("service_name");
}

// ---------------------------------------------------------------------------------------------
// Deep diff

const sameJson = (a: Json | undefined, b: Json | undefined) => JSON.stringify(a) === JSON.stringify(b);

function sortedIfSet(key: string, v: Json | undefined): Json | undefined {
  if (!Array.isArray(v) || !SET_ATTRIBUTES.has(key) || v.some((x) => typeof x === "object" && x !== null)) return v;
  return [...v].map((x) => JSON.stringify(x)).sort().map((x) => JSON.parse(x) as Json);
}

interface RawChange {
  /** Display path, with list positions. */
  readonly path: string;
  /** Rule path, without list positions. */
  readonly rulePath: string;
  readonly before?: Json;
  readonly after?: Json;
}

/** Leaf-level differences between two JSON values, ignoring cdktf's `//` metadata keys. */
export function deepDiff(before: Json | undefined, after: Json | undefined, path = "", rulePath = ""): RawChange[] {
  const key = rulePath.split(".").pop() ?? "";
  const b = sortedIfSet(key, before);
  const a = sortedIfSet(key, after);
  if (sameJson(b, a)) return [];
  if (isObject(b) && isObject(a)) {
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => k !== "//").sort();
    return keys.flatMap((k) => deepDiff(b[k], a[k], path === "" ? k : `${path}.${k}`, rulePath === "" ? k : `${rulePath}.${k}`));
  }
  if (Array.isArray(b) && Array.isArray(a) && b.length === a.length && b.some((x) => typeof x === "object" && x !== null)) {
    return b.flatMap((x, i) => deepDiff(x, a[i], `${path}[${i}]`, rulePath));
  }
  // Blocks written as a one-element list in some JSON and as an object in other: compare the object.
  if (Array.isArray(b) && b.length === 1 && isObject(a)) return deepDiff(b[0], a, path, rulePath);
  if (isObject(b) && Array.isArray(a) && a.length === 1) return deepDiff(b, a[0], path, rulePath);
  return [{ path, rulePath, before: b, after: a }];
}

function optionChanges(before: Json | undefined, after: Json | undefined): OptionChange[] {
  const b = isObject(before) ? before : {};
  const a = isObject(after) ? after : {};
  const str = (v: Json | undefined) => (v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v));
  return [...new Set([...Object.keys(b), ...Object.keys(a)])]
    .sort()
    .filter((k) => !sameJson(b[k], a[k]))
    .map((key) => ({ key, before: str(b[key]), after: str(a[key]) }));
}

// ---------------------------------------------------------------------------------------------
// References: an attribute whose JSON is unchanged still changes when what it references does.

const REFERENCE = /(?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*\.[a-z_][a-z0-9_]*/g;

interface Reference {
  readonly path: string;
  readonly rulePath: string;
  readonly value: Json;
  /** `address.attribute` tokens found in the value. */
  readonly targets: readonly { readonly address: string; readonly attribute: string }[];
}

function references(block: Block, known: ReadonlyMap<string, Entry>): Reference[] {
  const out: Reference[] = [];
  const visit = (v: Json | undefined, path: string, rulePath: string, top: Json | undefined) => {
    if (typeof v === "string") {
      if (!v.includes("${")) return;
      const targets: { address: string; attribute: string }[] = [];
      for (const m of v.matchAll(REFERENCE)) {
        const parts = m[0].split(".");
        const attribute = parts.pop() as string;
        const address = parts.join(".");
        if (known.has(address)) targets.push({ address, attribute });
      }
      if (targets.length > 0) out.push({ path, rulePath, value: top ?? v, targets });
    } else if (Array.isArray(v)) {
      // A list of plain values is one attribute (subnet_ids): report it whole.
      if (v.every((x) => typeof x !== "object" || x === null)) {
        const found = v.flatMap((x) => (typeof x === "string" ? references({ x }, known).flatMap((r) => r.targets) : []));
        if (found.length > 0) out.push({ path, rulePath, value: v, targets: found });
      } else v.forEach((x, i) => visit(x, `${path}[${i}]`, rulePath, undefined));
    } else if (isObject(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (k === "//" || (path === "" && TERRAFORM_ONLY.has(k))) continue;
        visit(x, path === "" ? k : `${path}.${k}`, rulePath === "" ? k : `${rulePath}.${k}`, undefined);
      }
    }
  };
  visit(block as Json, "", "", undefined);
  return out;
}

/** What of a resource changes at apply time, seen from a reference to it. */
interface ChangedOutputs {
  readonly all: boolean;
  /** The resource may or may not be replaced (its change is not known to this review). */
  readonly uncertain?: boolean;
  readonly attributes: ReadonlySet<string>;
  readonly why: string;
}

// ---------------------------------------------------------------------------------------------
// One stack

interface Working {
  readonly entry: Entry;
  readonly base: Block;
  direct: RawChange[];
  indirect: AttributeChange[];
}

function classify(w: Working): { action: Action; attributes: AttributeChange[] } {
  const { type, mode } = w.entry;
  const attributes: AttributeChange[] = [];
  for (const c of w.direct) {
    const top = c.rulePath.split(".")[0];
    const terraformOnly = TERRAFORM_ONLY.has(top);
    const replaces = mode === "managed" && !terraformOnly ? forcesReplacement(type, c.rulePath, c.before, c.after) : undefined;
    const unknown = mode === "managed" && !terraformOnly && replaces === undefined ? notKnown(type, c.rulePath) : undefined;
    attributes.push({ path: c.path, before: c.before, after: c.after, ...(replaces ? { replaces } : {}), ...(unknown ? { unknown } : {}), ...(terraformOnly ? { terraformOnly } : {}) });
  }
  attributes.push(...w.indirect);
  if (mode === "managed") {
    const whole = REPLACE_RULES[type]?.forceNewWhole?.(w.base, w.entry.block);
    if (whole !== undefined) attributes.unshift({ path: "(resource)", replaces: whole });
  }
  if (attributes.length === 0) return { action: "update", attributes };
  if (mode === "data") return { action: "read", attributes };
  if (attributes.some((a) => a.replaces !== undefined)) return { action: "replace", attributes };
  if (attributes.some((a) => a.unknown !== undefined)) return { action: "unknown", attributes };
  if (attributes.every((a) => a.terraformOnly)) return { action: "terraform-only", attributes };
  return { action: "update", attributes };
}

function outputsOf(w: Working, action: Action, attributes: readonly AttributeChange[]): ChangedOutputs | undefined {
  const { type, mode, address } = w.entry;
  const real = attributes.filter((a) => !a.terraformOnly);
  if (real.length === 0) return undefined;
  if (action === "replace") return { all: true, attributes: new Set(), why: `${address} is replaced` };
  if (action === "unknown") return { all: true, uncertain: true, attributes: new Set(), why: `${address} may be replaced (${NOT_KNOWN})` };
  if (mode === "data") return { all: true, attributes: new Set(), why: `${address} is read again with changed input` };
  const changedTop = new Set(real.map((a) => a.path.split(/[.[]/)[0]));
  const names = new Set(changedTop);
  const computed = COMPUTED_ON_UPDATE[type];
  const triggers = computed?.when.filter((k) => changedTop.has(k)) ?? [];
  if (computed !== undefined && triggers.length > 0) computed.attributes.forEach((a) => names.add(a));
  const why =
    triggers.length > 0 && computed !== undefined
      ? `${address} gets a new ${computed.attributes[0]} (its ${triggers.join(", ")} changed)`
      : `${address} changes ${[...changedTop].join(", ")}`;
  return { all: false, attributes: names, why };
}

/** Pairs removed and added resources of one type that look like the same resource under a new address. */
function addressChanges(removed: Entry[], added: Entry[]): [Entry, Entry][] {
  const pairs: [Entry, Entry][] = [];
  const free = new Set(added);
  const identity = (type: string) => REPLACE_RULES[type]?.forceNew ?? ["name"];
  for (const r of removed) {
    let best: Entry | undefined;
    let bestScore = 0;
    for (const a of free) {
      if (a.type !== r.type || a.mode !== "managed" || r.mode !== "managed") continue;
      const keys = [...new Set([...Object.keys(r.block), ...Object.keys(a.block)])].filter((k) => k !== "//" && !TERRAFORM_ONLY.has(k));
      if (keys.length === 0) continue;
      const same = keys.filter((k) => sameJson(r.block[k], a.block[k])).length / keys.length;
      const ids = identity(r.type).filter((k) => r.block[k] !== undefined || a.block[k] !== undefined);
      const idsSame = ids.length > 0 && ids.every((k) => sameJson(r.block[k], a.block[k]));
      // Same identity (name, key, ...) or mostly the same body: one resource, moved.
      const score = idsSame ? 1 + same : same >= 0.75 ? same : 0;
      if (score > bestScore) {
        best = a;
        bestScore = score;
      }
    }
    if (best !== undefined) {
      pairs.push([r, best]);
      free.delete(best);
    }
  }
  return pairs;
}

function environmentsOf(doc: TerraformDoc): { address: string; name?: Json }[] {
  return Object.entries(doc.resource?.[MWAA_ENVIRONMENT] ?? {}).map(([n, b]) => ({ address: `${MWAA_ENVIRONMENT}.${n}`, name: b.name }));
}

function stackNotes(base: TerraformDoc, head: TerraformDoc): string[] {
  const notes: string[] = [];
  const backend = (d: TerraformDoc) => (isObject(d.terraform) ? d.terraform.backend : undefined);
  const b = backend(base);
  const h = backend(head);
  if (!sameJson(b, h)) {
    const paths = deepDiff(b, h).map((c) => `\`${c.path}\``);
    notes.push(
      `The state backend changes (${paths.join(", ") || "backend"}): run \`terraform init -migrate-state\` for this stack first, or Terraform starts from an empty state and plans to create everything again.`,
    );
  }
  const providers = deepDiff(base.provider, head.provider);
  if (providers.length > 0) {
    notes.push(`The provider configuration changes (${providers.map((c) => `\`${c.path}\``).join(", ")}): a new region or account means every resource is looked up there and planned anew.`);
  }
  return notes;
}

function unchangedStack(name: string, doc: TerraformDoc): StackReview {
  return { name, status: "unchanged", changes: [], notes: [], counts: { added: 0, changed: 0, removed: 0, replaced: 0, unknown: 0 }, environments: environmentsOf(doc) };
}

/** The changes of one stack between two synths of it. */
export function diffStack(name: string, base: TerraformDoc, head: TerraformDoc): StackReview {
  const before = entries(base);
  const after = entries(head);
  const working = new Map<string, Working>();
  for (const [address, entry] of after) {
    const old = before.get(address);
    if (old === undefined) continue;
    working.set(address, { entry, base: old.block, direct: deepDiff(old.block as Json, entry.block as Json), indirect: [] });
  }

  // Propagate changes through references until nothing new changes.
  const refs = new Map<string, Reference[]>();
  for (const [address, w] of working) refs.set(address, references(w.entry.block, after));
  for (let round = 0; round < 50; round++) {
    const outputs = new Map<string, ChangedOutputs>();
    for (const [address, w] of working) {
      const { action, attributes } = classify(w);
      const o = outputsOf(w, action, attributes);
      if (o !== undefined) outputs.set(address, o);
    }
    let grew = false;
    for (const [address, w] of working) {
      for (const ref of refs.get(address) ?? []) {
        if (w.direct.some((c) => c.path === ref.path || c.path.startsWith(`${ref.path}.`) || c.path.startsWith(`${ref.path}[`))) continue;
        if (w.indirect.some((c) => c.path === ref.path)) continue;
        const hit = ref.targets.find((t) => {
          const o = outputs.get(t.address);
          return o !== undefined && t.address !== address && (o.all || o.attributes.has(t.attribute));
        });
        if (hit === undefined) continue;
        const { why, uncertain } = outputs.get(hit.address) as ChangedOutputs;
        const managed = w.entry.mode === "managed";
        const forced = managed ? forcesReplacement(w.entry.type, ref.rulePath, ref.value, undefined) : undefined;
        // What an uncertain change forces is uncertain too: "may be replaced", never "replaced" or "updated".
        const replaces = uncertain ? undefined : forced;
        const unknown = !managed ? undefined : uncertain && forced !== undefined ? `it may be replaced: ${forced}` : forced === undefined ? notKnown(w.entry.type, ref.rulePath) : undefined;
        w.indirect.push({ path: ref.path, before: ref.value, after: ref.value, indirect: why, via: hit.address, ...(replaces ? { replaces } : {}), ...(unknown ? { unknown } : {}) });
        grew = true;
      }
    }
    if (!grew) break;
  }

  const changes: ResourceChange[] = [];
  for (const [address, w] of working) {
    const { action, attributes } = classify(w);
    if (attributes.length === 0) continue;
    const { entry } = w;
    const change: ResourceChange = {
      address,
      type: entry.type,
      name: entry.name,
      mode: entry.mode,
      constructPath: constructPath(entry.block),
      action,
      attributes,
      protected: entry.mode === "managed" && isProtected(entry.type, w.base),
      preventDestroy: preventDestroy(w.base),
      label: labelOf(entry.type, entry.block),
      ...environmentDetails(entry.type, action, attributes, w),
    };
    changes.push(change);
  }

  const removed = [...before.values()].filter((e) => !after.has(e.address));
  const added = [...after.values()].filter((e) => !before.has(e.address));
  const moved = addressChanges(removed, added);
  const movedFrom = new Set(moved.map(([r]) => r.address));
  const movedTo = new Set(moved.map(([, a]) => a.address));
  for (const [r, a] of moved) {
    changes.push({
      address: a.address,
      type: a.type,
      name: a.name,
      mode: a.mode,
      constructPath: constructPath(a.block),
      action: "replace",
      attributes: [],
      protected: isProtected(r.type, r.block),
      preventDestroy: preventDestroy(r.block),
      addressChange: { from: r.address, to: a.address },
      label: labelOf(a.type, a.block),
    });
  }
  for (const e of added) {
    if (movedTo.has(e.address)) continue;
    changes.push({ address: e.address, type: e.type, name: e.name, mode: e.mode, constructPath: constructPath(e.block), action: e.mode === "data" ? "read" : "create", attributes: [], protected: false, preventDestroy: false, label: labelOf(e.type, e.block) });
  }
  for (const e of removed) {
    if (movedFrom.has(e.address)) continue;
    changes.push({
      address: e.address,
      type: e.type,
      name: e.name,
      mode: e.mode,
      constructPath: constructPath(e.block),
      action: "delete",
      attributes: [],
      protected: e.mode === "managed" && isProtected(e.type, e.block),
      preventDestroy: preventDestroy(e.block),
      label: labelOf(e.type, e.block),
    });
  }
  changes.sort((x, y) => x.address.localeCompare(y.address));
  const artifactOf = new Map<string, string>();
  for (const c of changes) {
    if (c.type !== MWAA_ENVIRONMENT || c.action !== "update" || !c.longUpdate) continue;
    for (const a of c.attributes) {
      const artifact = MWAA_ARTIFACT_ATTRIBUTES[a.path];
      if (artifact !== undefined && a.via !== undefined) artifactOf.set(a.via, artifact);
    }
  }
  const withNotes = changes.map((c) =>
    artifactOf.has(c.address) ? { ...c, note: `the environment's ${artifactOf.get(c.address)}: its new version updates the MWAA environment in place (LONG UPDATE)` } : addDagNote(c, head, base),
  );

  const managed = withNotes.filter((c) => c.mode === "managed");
  const counts: StackCounts = {
    added: managed.filter((c) => c.action === "create").length,
    changed: managed.filter((c) => c.action === "update").length,
    removed: managed.filter((c) => c.action === "delete").length,
    replaced: managed.filter((c) => c.action === "replace").length,
    unknown: managed.filter((c) => c.action === "unknown").length,
  };
  const notes = stackNotes(base, head);
  if (withNotes.length === 0 && notes.length === 0) return unchangedStack(name, head);
  return { name, status: "changed", changes: withNotes, notes, counts, environments: environmentsOf(head) };
}

/** DAG files: MWAA reads the DAG folder by itself, so adding or changing one needs no environment update. */
function addDagNote(c: ResourceChange, head: TerraformDoc, base: TerraformDoc): ResourceChange {
  if (c.type !== "aws_s3_object" || c.label === undefined || !["create", "update", "delete"].includes(c.action)) return c;
  const prefixes = [head, base].flatMap((d) => Object.values(d.resource?.[MWAA_ENVIRONMENT] ?? {}).map((b) => b.dag_s3_path));
  const isDag = prefixes.some((p) => typeof p === "string" && p !== "" && (c.label as string).startsWith(p.endsWith("/") ? p : `${p}/`));
  return isDag ? { ...c, note: "a DAG file: MWAA picks it up from S3 without an environment update" } : c;
}

function environmentDetails(type: string, action: Action, attributes: readonly AttributeChange[], w: Working): Partial<ResourceChange> {
  if (type !== MWAA_ENVIRONMENT) return {};
  const details: { options?: OptionChange[]; longUpdate?: boolean; longUpdateReasons?: string[]; tagsOnly?: boolean; versionChange?: VersionChange } = {};
  const version = attributes.find((a) => a.path === "airflow_version" && typeof a.before === "string" && typeof a.after === "string");
  if (version !== undefined) details.versionChange = versionChange(version.before as string, version.after as string);
  if (attributes.some((a) => a.path === "airflow_configuration_options" || a.path.startsWith("airflow_configuration_options."))) {
    details.options = optionChanges(w.base.airflow_configuration_options, w.entry.block.airflow_configuration_options);
  }
  if (action !== "update") return details;
  const real = attributes.filter((a) => !a.terraformOnly);
  if (real.every((a) => TAG_ATTRIBUTES.has(a.path.split(/[.[]/)[0]))) return { ...details, tagsOnly: true };
  const reasons: string[] = [];
  for (const a of real) {
    const top = a.path.split(/[.[]/)[0];
    const artifact = MWAA_ARTIFACT_ATTRIBUTES[top];
    if (artifact !== undefined && a.indirect !== undefined) reasons.push(`${artifact} changed: ${a.indirect}, so \`${top}\` changes`);
  }
  return { ...details, longUpdate: true, longUpdateReasons: [...new Set(reasons)] };
}

/** A stack only in base (removed) or only in head (new): every resource goes with it. */
function wholeStack(name: string, doc: TerraformDoc, status: "new" | "removed"): StackReview {
  const changes: ResourceChange[] = [...entries(doc).values()].map((e) => ({
    address: e.address,
    type: e.type,
    name: e.name,
    mode: e.mode,
    constructPath: constructPath(e.block),
    action: e.mode === "data" ? "read" : status === "new" ? "create" : "delete",
    attributes: [],
    protected: status === "removed" && e.mode === "managed" && isProtected(e.type, e.block),
    preventDestroy: status === "removed" && preventDestroy(e.block),
    label: labelOf(e.type, e.block),
  }));
  changes.sort((x, y) => x.address.localeCompare(y.address));
  const managed = changes.filter((c) => c.mode === "managed").length;
  return {
    name,
    status,
    changes,
    notes: [],
    counts: { added: status === "new" ? managed : 0, changed: 0, removed: status === "removed" ? managed : 0, replaced: 0, unknown: 0 },
    environments: environmentsOf(doc),
  };
}

/**
 * Compares two synths: stack name -> parsed cdk.tf.json. A stack only in base is removed (its
 * resources stay in AWS until that stack is destroyed); a stack only in head is new.
 */
export function diffStacks(base: Readonly<Record<string, TerraformDoc>>, head: Readonly<Record<string, TerraformDoc>>): Review {
  const names = [...new Set([...Object.keys(base), ...Object.keys(head)])].sort();
  const stacks = names.map((name) => {
    const b = base[name];
    const h = head[name];
    if (b === undefined) return wholeStack(name, h as TerraformDoc, "new");
    if (h === undefined) return wholeStack(name, b, "removed");
    return diffStack(name, b, h);
  });
  const removedWithEnv = stacks.filter((s) => s.status === "removed" && s.environments.length > 0).map((s) => s.name);
  const addedWithEnv = stacks.filter((s) => s.status === "new" && s.environments.length > 0).map((s) => s.name);
  const renames: { from: string; to: string }[] = [];
  if (removedWithEnv.length > 0 && addedWithEnv.length > 0) {
    if (removedWithEnv.length === addedWithEnv.length) removedWithEnv.forEach((from, i) => renames.push({ from, to: addedWithEnv[i] as string }));
    else for (const from of removedWithEnv) for (const to of addedWithEnv) renames.push({ from, to });
  }
  const protectedAtRisk: ProtectedRisk[] = [];
  for (const s of stacks) {
    for (const c of s.changes) {
      if (!c.protected) continue;
      if (s.status === "removed") protectedAtRisk.push({ stack: s.name, address: c.address, action: "stack-removed" });
      else if (c.addressChange !== undefined) protectedAtRisk.push({ stack: s.name, address: c.addressChange.from, action: "address-change" });
      else if (c.action === "replace") protectedAtRisk.push({ stack: s.name, address: c.address, action: "replace" });
      else if (c.action === "delete") protectedAtRisk.push({ stack: s.name, address: c.address, action: "delete" });
    }
  }
  return { stacks, renames, protectedAtRisk };
}
