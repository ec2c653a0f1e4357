/**
 * Which attributes of a resource changed between two synths, as Terraform sees them: cdktf's `//`
 * metadata ignored, set-typed attributes compared without order, a block written as a one-element
 * list on one side and an object on the other compared as the object.
 */
import { type Segment, jsonDiff } from "../util/json-diff";
import { type Json, SET_ATTRIBUTES } from "./rules";

export interface RawChange {
  /** Display path, with list positions. */
  readonly path: string;
  /** Rule path, without list positions. */
  readonly rulePath: string;
  readonly before?: Json;
  readonly after?: Json;
}

/** The attribute name a value sits under: the last key of its path (list positions skipped). */
function attributeOf(path: readonly Segment[]): string {
  for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === "string") return path[i] as string;
  return "";
}

/** A list of plain values under a set-typed attribute, sorted: its order means nothing. */
function sortedIfSet(path: readonly Segment[], v: unknown): unknown {
  if (!Array.isArray(v) || !SET_ATTRIBUTES.has(attributeOf(path)) || v.some((x) => typeof x === "object" && x !== null))
    return v;
  return [...v]
    .map((x) => JSON.stringify(x))
    .sort()
    .map((x) => JSON.parse(x) as Json);
}

/** "a.b[0].c" for display, "a.b.c" for the rules. */
function paths(path: readonly Segment[]): { path: string; rulePath: string } {
  let display = "";
  for (const s of path) display += typeof s === "number" ? `[${s}]` : display === "" ? s : `.${s}`;
  return { path: display, rulePath: path.filter((s): s is string => typeof s === "string").join(".") };
}

/** Leaf-level differences between two JSON values, ignoring cdktf's `//` metadata keys. */
export function deepDiff(before: Json | undefined, after: Json | undefined): RawChange[] {
  const leaves = jsonDiff(before, after, {
    skipKey: (k) => k === "//",
    normalize: sortedIfSet,
    // Lists of blocks of the same length are compared block by block; other lists as one value.
    walkArrays: (b, a) => b.length === a.length && b.some((x) => typeof x === "object" && x !== null),
    unwrapSingletons: true,
  });
  return leaves.map((l) => ({
    ...paths(l.path),
    before: l.before as Json | undefined,
    after: l.after as Json | undefined,
  }));
}
