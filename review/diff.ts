/**
 * The review's logic, as pure functions on synthesized Terraform JSON: which resources a change adds,
 * removes, updates or replaces, per stack, with the attribute paths that changed. No files (but the
 * package's MWAA image data), no processes, no AWS: `diffStacks(base, head)` takes the parsed
 * `cdk.tf.json` of each stack.
 */
import { AIRFLOW_VERSION, versionChange } from "../model/versions";
import { deferredOutputs, deferredReadNote } from "./deferred-read";
import { guardRemovedNote, upgradeCommand, withUpgradeAdvice } from "./upgrade";
import { migrationNotes, migrationState } from "./migration";
import { versionPackageItems } from "./version-packages";
import { type RawChange, deepDiff } from "./attribute-diff";
import { type Entry, entries, isObject, resourceChange } from "./change";
import { type ChangedOutputs, propagate } from "./references";
import {
  COMPUTED_ON_UPDATE,
  MWAA_ARTIFACT_ATTRIBUTES,
  MWAA_ENVIRONMENT,
  NOT_KNOWN,
  REPLACE_RULES,
  TAG_ATTRIBUTES,
  TERRAFORM_ONLY,
  forcesReplacement,
  notKnown,
} from "./rules";
import { billableUnits, unitChanges } from "../cost/units";
import type {
  Action,
  AttributeChange,
  Block,
  Json,
  OptionChange,
  ProtectedRisk,
  ResourceChange,
  Review,
  StackCounts,
  StackReview,
  TerraformDoc,
} from "./types";

export type * from "./types";
export { deepDiff } from "./attribute-diff";

const sameJson = (a: Json | undefined, b: Json | undefined) => JSON.stringify(a) === JSON.stringify(b);

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
// One stack

interface Working {
  readonly entry: Entry;
  readonly base: Block;
  readonly direct: RawChange[];
  readonly indirect: AttributeChange[];
}

/** Top-level attributes in a block's `lifecycle.ignore_changes` (Terraform keeps their prior values). */
export function ignoredAttributes(block: Block | undefined): ReadonlySet<string> {
  const lifecycle = block?.lifecycle;
  const list = isObject(lifecycle) ? lifecycle.ignore_changes : undefined;
  return new Set(
    Array.isArray(list)
      ? list.filter((v): v is string => typeof v === "string").map((v) => v.split(/[.[]/)[0] as string)
      : [],
  );
}

function classify(w: Working): { action: Action; attributes: AttributeChange[] } {
  const { type, mode } = w.entry;
  const attributes: AttributeChange[] = [];
  const ignoredTop = mode === "managed" ? ignoredAttributes(w.entry.block) : new Set<string>();
  for (const c of w.direct) {
    const top = c.rulePath.split(".")[0];
    if (ignoredTop.has(top as string)) {
      attributes.push({ path: c.path, before: c.before, after: c.after, ignored: true });
      continue;
    }
    const terraformOnly = TERRAFORM_ONLY.has(top);
    const replaces =
      mode === "managed" && !terraformOnly ? forcesReplacement(type, c.rulePath, c.before, c.after) : undefined;
    const unknown =
      mode === "managed" && !terraformOnly && replaces === undefined ? notKnown(type, c.rulePath) : undefined;
    attributes.push({
      path: c.path,
      before: c.before,
      after: c.after,
      ...(replaces ? { replaces } : {}),
      ...(unknown ? { unknown } : {}),
      ...(terraformOnly ? { terraformOnly } : {}),
    });
  }
  // An ignored attribute keeps its prior value whatever it references (a new AMI from an SSM lookup
  // does not replace an instance that ignores `ami`): Terraform's lifecycle.ignore_changes
  // (developer.hashicorp.com/terraform/language/meta-arguments/lifecycle), measured by the corpus.
  for (const a of w.indirect) {
    if (!ignoredTop.has(a.path.split(/[.[]/)[0] as string)) attributes.push(a);
    else
      attributes.push({
        path: a.path,
        before: a.before,
        after: a.after,
        indirect: a.indirect,
        via: a.via,
        ignored: true,
      });
  }
  if (mode === "managed") {
    const whole = REPLACE_RULES[type]?.forceNewWhole?.(w.base, w.entry.block);
    if (whole !== undefined) attributes.unshift({ path: "(resource)", replaces: whole });
  }
  if (attributes.length === 0) return { action: "update", attributes };
  if (mode === "data") return { action: "read", attributes };
  if (attributes.some((a) => a.replaces !== undefined)) return { action: "replace", attributes };
  if (attributes.some((a) => a.unknown !== undefined)) return { action: "unknown", attributes };
  if (attributes.every((a) => a.terraformOnly)) return { action: "terraform-only", attributes };
  // An ignored change is no change to Terraform; the environment's airflow_version is the upgrade command's.
  if (type !== MWAA_ENVIRONMENT && attributes.every((a) => a.terraformOnly || a.ignored))
    return { action: "terraform-only", attributes };
  return { action: "update", attributes };
}

function outputsOf(w: Working, action: Action, attributes: readonly AttributeChange[]): ChangedOutputs | undefined {
  const { type, mode, address } = w.entry;
  const real = attributes.filter((a) => !a.terraformOnly && !a.ignored);
  if (real.length === 0) return undefined;
  if (action === "replace") return { all: true, attributes: new Set(), why: `${address} is replaced` };
  if (action === "unknown")
    return { all: true, uncertain: true, attributes: new Set(), why: `${address} may be replaced (${NOT_KNOWN})` };
  // Changed only through references that may not change: so may what reads it.
  if (real.every((a) => a.uncertain))
    return { all: true, uncertain: true, attributes: new Set(), why: `${address} may change (${NOT_KNOWN})` };
  if (mode === "data") {
    const deferred = deferredOutputs(address, w.indirect);
    if (deferred !== undefined) return deferred;
    // Input that changes because something it reads is replaced or changed: the answer changes too.
    // Only its own arguments changed (a filter added, say): it may well return the same values.
    if (w.indirect.some((a) => !a.uncertain))
      return { all: true, attributes: new Set(), why: `${address} is read again with changed input` };
    return {
      all: true,
      uncertain: true,
      attributes: new Set(),
      why: `${address} is read with changed arguments and may return other values (${NOT_KNOWN})`,
    };
  }
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
      const keys = [...new Set([...Object.keys(r.block), ...Object.keys(a.block)])].filter(
        (k) => k !== "//" && !TERRAFORM_ONLY.has(k),
      );
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
  return Object.entries(doc.resource?.[MWAA_ENVIRONMENT] ?? {}).map(([n, b]) => ({
    address: `${MWAA_ENVIRONMENT}.${n}`,
    name: b.name,
  }));
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
    notes.push(
      `The provider configuration changes (${providers.map((c) => `\`${c.path}\``).join(", ")}): a new region or account means every resource is looked up there and planned anew.`,
    );
  }
  return notes;
}

function unchangedStack(name: string, doc: TerraformDoc): StackReview {
  return {
    name,
    status: "unchanged",
    changes: [],
    notes: [],
    counts: { added: 0, changed: 0, removed: 0, replaced: 0, unknown: 0 },
    environments: environmentsOf(doc),
  };
}

/** The changes of one stack between two synths of it. */
export function diffStack(name: string, base: TerraformDoc, head: TerraformDoc): StackReview {
  const before = entries(base);
  const after = entries(head);
  const working = new Map<string, Working>();
  const candidateName = migrationState(head).candidate;
  for (const [address, entry] of after) {
    const old = before.get(address);
    if (old === undefined) continue;
    working.set(address, {
      entry,
      base: old.block,
      direct: deepDiff(old.block as Json, entry.block as Json),
      indirect: [],
    });
  }

  // Carry changes along references until nothing new changes.
  propagate(working, after, () => {
    const outputs = new Map<string, ChangedOutputs>();
    for (const [address, w] of working) {
      const { action, attributes } = classify(w);
      const o = outputsOf(w, action, attributes);
      if (o !== undefined) outputs.set(address, o);
    }
    return outputs;
  });

  const changes: ResourceChange[] = [];
  for (const w of working.values()) {
    const { action, attributes } = classify(w);
    if (attributes.length === 0) continue;
    changes.push(
      deferredReadNote(
        resourceChange(w.entry, action, {
          atRisk: w.base,
          attributes,
          ...environmentDetails(w.entry.type, action, attributes, w, name, candidateName),
        }),
      ),
    );
  }

  const removed = [...before.values()].filter((e) => !after.has(e.address));
  const added = [...after.values()].filter((e) => !before.has(e.address));
  const moved = addressChanges(removed, added);
  const movedFrom = new Set(moved.map(([r]) => r.address));
  const movedTo = new Set(moved.map(([, a]) => a.address));
  for (const [r, a] of moved)
    changes.push(resourceChange(a, "replace", { atRisk: r.block, addressChange: { from: r.address, to: a.address } }));
  for (const e of added)
    if (!movedTo.has(e.address))
      changes.push(resourceChange(e, e.mode === "data" ? "read" : "create", { block: e.block }));
  for (const e of removed)
    if (!movedFrom.has(e.address)) changes.push(resourceChange(e, "delete", { atRisk: e.block, block: e.block }));
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
    artifactOf.has(c.address)
      ? {
          ...c,
          note: `the environment's ${artifactOf.get(c.address)}: its new version updates the MWAA environment in place (LONG UPDATE)`,
        }
      : addDagNote(c, head, base),
  );

  const managed = withNotes.filter((c) => c.mode === "managed");
  const counts: StackCounts = {
    added: managed.filter((c) => c.action === "create").length,
    changed: managed.filter((c) => c.action === "update").length,
    removed: managed.filter((c) => c.action === "delete").length,
    replaced: managed.filter((c) => c.action === "replace").length,
    unknown: managed.filter((c) => c.action === "unknown").length,
  };
  const notes = [...stackNotes(base, head), ...guardNotes(name, working.values(), candidateName)];
  if (withNotes.length === 0 && notes.length === 0) return unchangedStack(name, head);
  const migration = migrationNotes(base, head);
  const versionPackages = versionPackageItems(base, head);
  return {
    name,
    status: "changed",
    changes: withNotes,
    notes,
    counts,
    environments: environmentsOf(head),
    ...(migration.length > 0 ? { migration } : {}),
    ...(versionPackages.length > 0 ? { versionPackages } : {}),
  };
}

/** DAG files: MWAA reads the DAG folder by itself, so adding or changing one needs no environment update. */
function addDagNote(c: ResourceChange, head: TerraformDoc, base: TerraformDoc): ResourceChange {
  if (c.type !== "aws_s3_object" || c.label === undefined || !["create", "update", "delete"].includes(c.action))
    return c;
  const prefixes = [head, base].flatMap((d) =>
    Object.values(d.resource?.[MWAA_ENVIRONMENT] ?? {}).map((b) => b.dag_s3_path),
  );
  const isDag = prefixes.some(
    (p) => typeof p === "string" && p !== "" && (c.label as string).startsWith(p.endsWith("/") ? p : `${p}/`),
  );
  return isDag ? { ...c, note: "a DAG file: MWAA picks it up from S3 without an environment update" } : c;
}

/** Environments whose airflow_version Terraform ignored in base and manages again in head. */
function guardNotes(stack: string, working: Iterable<Working>, candidateName: string | undefined): string[] {
  const notes: string[] = [];
  for (const w of working) {
    if (w.entry.type !== MWAA_ENVIRONMENT || w.entry.mode !== "managed") continue;
    if (!ignoredAttributes(w.base).has(AIRFLOW_VERSION) || ignoredAttributes(w.entry.block).has(AIRFLOW_VERSION))
      continue;
    const name = typeof w.entry.block.name === "string" ? w.entry.block.name : stack;
    const version =
      typeof w.entry.block.airflow_version === "string" ? w.entry.block.airflow_version : "(its airflow_version)";
    notes.push(guardRemovedNote(w.entry.address, name, version, upgradeCommand(stack, name === candidateName)));
  }
  return notes;
}

function environmentDetails(
  type: string,
  action: Action,
  attributes: readonly AttributeChange[],
  w: Working,
  stack: string,
  candidateName: string | undefined,
): Partial<ResourceChange> {
  if (type !== MWAA_ENVIRONMENT) return {};
  const details: {
    options?: OptionChange[];
    longUpdate?: boolean;
    longUpdateReasons?: string[];
    tagsOnly?: boolean;
    versionChange?: ResourceChange["versionChange"];
  } = {};
  const version = attributes.find(
    (a) => a.path === AIRFLOW_VERSION && typeof a.before === "string" && typeof a.after === "string",
  );
  if (version !== undefined) {
    const command = upgradeCommand(stack, w.entry.block.name === candidateName && candidateName !== undefined);
    details.versionChange = withUpgradeAdvice(versionChange(version.before as string, version.after as string), {
      command,
      ignored: version.ignored === true,
    });
  }
  if (
    attributes.some(
      (a) => a.path === "airflow_configuration_options" || a.path.startsWith("airflow_configuration_options."),
    )
  ) {
    details.options = optionChanges(w.base.airflow_configuration_options, w.entry.block.airflow_configuration_options);
  }
  if (action !== "update") return details;
  const real = attributes.filter((a) => !a.terraformOnly);
  if (real.every((a) => TAG_ATTRIBUTES.has(a.path.split(/[.[]/)[0]))) return { ...details, tagsOnly: true };
  const reasons: string[] = [];
  for (const a of real) {
    const top = a.path.split(/[.[]/)[0];
    const artifact = MWAA_ARTIFACT_ATTRIBUTES[top];
    if (artifact !== undefined && a.indirect !== undefined)
      reasons.push(`${artifact} changed: ${a.indirect}, so \`${top}\` changes`);
  }
  return { ...details, longUpdate: true, longUpdateReasons: [...new Set(reasons)] };
}

/** A stack only in base (removed) or only in head (new): every resource goes with it. */
function wholeStack(name: string, doc: TerraformDoc, status: "new" | "removed"): StackReview {
  const changes: ResourceChange[] = [...entries(doc).values()].map((e) =>
    resourceChange(e, e.mode === "data" ? "read" : status === "new" ? "create" : "delete", {
      atRisk: status === "removed" ? e.block : undefined,
    }),
  );
  changes.sort((x, y) => x.address.localeCompare(y.address));
  const managed = changes.filter((c) => c.mode === "managed").length;
  return {
    name,
    status,
    changes,
    notes: [],
    counts: {
      added: status === "new" ? managed : 0,
      changed: 0,
      removed: status === "removed" ? managed : 0,
      replaced: 0,
      unknown: 0,
    },
    environments: environmentsOf(doc),
  };
}

/**
 * Compares two synths: stack name -> parsed cdk.tf.json. A stack only in base is removed (its
 * resources stay in AWS until that stack is destroyed); a stack only in head is new.
 */
export function diffStacks(
  base: Readonly<Record<string, TerraformDoc>>,
  head: Readonly<Record<string, TerraformDoc>>,
): Review {
  const names = [...new Set([...Object.keys(base), ...Object.keys(head)])].sort();
  const stacks = names.map((name) => {
    const b = base[name];
    const h = head[name];
    const stack =
      b === undefined
        ? wholeStack(name, h as TerraformDoc, "new")
        : h === undefined
          ? wholeStack(name, b, "removed")
          : diffStack(name, b, h);
    const moved = unitChanges(
      b === undefined ? undefined : billableUnits(b),
      h === undefined ? undefined : billableUnits(h),
    );
    return moved.length > 0 ? { ...stack, unitChanges: moved } : stack;
  });
  const removedWithEnv = stacks.filter((s) => s.status === "removed" && s.environments.length > 0).map((s) => s.name);
  const addedWithEnv = stacks.filter((s) => s.status === "new" && s.environments.length > 0).map((s) => s.name);
  const renames: { from: string; to: string }[] = [];
  if (removedWithEnv.length > 0 && addedWithEnv.length > 0) {
    if (removedWithEnv.length === addedWithEnv.length)
      removedWithEnv.forEach((from, i) => renames.push({ from, to: addedWithEnv[i] as string }));
    else for (const from of removedWithEnv) for (const to of addedWithEnv) renames.push({ from, to });
  }
  const protectedAtRisk: ProtectedRisk[] = [];
  for (const s of stacks) {
    for (const c of s.changes) {
      if (!c.protected) continue;
      if (s.status === "removed") protectedAtRisk.push({ stack: s.name, address: c.address, action: "stack-removed" });
      else if (c.addressChange !== undefined)
        protectedAtRisk.push({ stack: s.name, address: c.addressChange.from, action: "address-change" });
      else if (c.action === "replace") protectedAtRisk.push({ stack: s.name, address: c.address, action: "replace" });
      else if (c.action === "delete") protectedAtRisk.push({ stack: s.name, address: c.address, action: "delete" });
    }
  }
  return { stacks, renames, protectedAtRisk };
}
