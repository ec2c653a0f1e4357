/**
 * References between resources: an attribute whose JSON is unchanged still changes at apply time
 * when what it references changes (a replaced security group gives the environment a new id). The
 * changes found in the JSON are carried along references until nothing new changes.
 */
import type { RawChange } from "./attribute-diff";
import { type Entry, isObject } from "./change";
import { TERRAFORM_ONLY, forcesReplacement, notKnown } from "./rules";
import { deferredReadWhy } from "./deferred-read";
import type { AttributeChange, Block, Json } from "./types";

const REFERENCE = /(?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*\.[a-z_][a-z0-9_]*/g;

export interface Reference {
  readonly path: string;
  readonly rulePath: string;
  readonly value: Json;
  /** `address.attribute` tokens found in the value. */
  readonly targets: readonly { readonly address: string; readonly attribute: string }[];
}

export function references(block: Block, known: ReadonlyMap<string, Entry>): Reference[] {
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
        const found = v.flatMap((x) =>
          typeof x === "string" ? references({ x }, known).flatMap((r) => r.targets) : [],
        );
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
export interface ChangedOutputs {
  readonly all: boolean;
  /** The resource may or may not be replaced (its change is not known to this review). */
  readonly uncertain?: boolean;
  readonly attributes: ReadonlySet<string>;
  readonly why: string;
  /** A data source read at apply only because a dependency has a change planned: its result is the same. */
  readonly deferredRead?: boolean;
}

/** A resource of both synths, with what changed in its own JSON and what changes through references. */
export interface Referrer {
  readonly entry: Entry;
  readonly direct: readonly RawChange[];
  readonly indirect: AttributeChange[];
}

/**
 * Adds to each referrer's `indirect` the references whose target changes, round by round, until
 * nothing new changes. `changedOutputs` says, for the current state of every referrer, what of it
 * changes as seen from a reference to it.
 */
export function propagate(
  working: ReadonlyMap<string, Referrer>,
  known: ReadonlyMap<string, Entry>,
  changedOutputs: () => ReadonlyMap<string, ChangedOutputs>,
): void {
  const refs = new Map<string, Reference[]>();
  for (const [address, w] of working) refs.set(address, references(w.entry.block, known));
  for (let round = 0; round < 50; round++) {
    const outputs = changedOutputs();
    let grew = false;
    for (const [address, w] of working) {
      for (const ref of refs.get(address) ?? []) {
        if (
          w.direct.some(
            (c) => c.path === ref.path || c.path.startsWith(`${ref.path}.`) || c.path.startsWith(`${ref.path}[`),
          )
        )
          continue;
        if (w.indirect.some((c) => c.path === ref.path)) continue;
        const hit = ref.targets.find((t) => {
          const o = outputs.get(t.address);
          return o !== undefined && t.address !== address && (o.all || o.attributes.has(t.attribute));
        });
        // Terraform reads a data source at apply when a managed resource it references has any change
        // planned, even one that leaves the referenced value alone (./deferred-read.ts).
        const deferredBy =
          hit === undefined && w.entry.mode === "data"
            ? ref.targets.find(
                (t) =>
                  !t.address.startsWith("data.") &&
                  outputs.get(t.address)?.uncertain !== true &&
                  outputs.has(t.address),
              )
            : undefined;
        if (deferredBy !== undefined) {
          w.indirect.push({
            path: ref.path,
            before: ref.value,
            after: ref.value,
            indirect: deferredReadWhy(address, deferredBy.address),
            via: deferredBy.address,
            deferredRead: true,
          });
          grew = true;
          continue;
        }
        if (hit === undefined) continue;
        const { why, uncertain, deferredRead } = outputs.get(hit.address) as ChangedOutputs;
        const managed = w.entry.mode === "managed";
        const forced = managed ? forcesReplacement(w.entry.type, ref.rulePath, ref.value, undefined) : undefined;
        // What an uncertain change forces is uncertain too: "may be replaced", never "replaced" or "updated".
        const replaces = uncertain ? undefined : forced;
        const unknown = !managed
          ? undefined
          : uncertain && forced !== undefined
            ? `it may be replaced: ${forced}`
            : forced === undefined
              ? notKnown(w.entry.type, ref.rulePath)
              : undefined;
        w.indirect.push({
          path: ref.path,
          before: ref.value,
          after: ref.value,
          indirect: why,
          via: hit.address,
          ...(uncertain ? { uncertain } : {}),
          ...(replaces ? { replaces } : {}),
          ...(unknown ? { unknown } : {}),
          ...(deferredRead ? { deferredRead } : {}),
        });
        grew = true;
      }
    }
    if (!grew) break;
  }
}
