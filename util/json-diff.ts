/**
 * Leaf-level differences between two JSON values: the walk shared by the review
 * (review/attribute-diff.ts) and the CDK Terrain compare (scripts/cdktn/compare.ts). Each
 * caller says what counts as the same (keys to skip, values to normalize, when arrays are walked).
 */

/** A step into a JSON value: an object key, or (a number) an array index. */
export type Segment = string | number;

export interface Leaf {
  readonly path: readonly Segment[];
  /** undefined: absent on that side. */
  readonly before: unknown;
  readonly after: unknown;
}

export interface JsonDiffOptions {
  /** Object keys left out of the comparison. @default - none */
  readonly skipKey?: (key: string) => boolean;
  /** The value as compared, given where it is (e.g. a set sorted). @default - the value itself */
  readonly normalize?: (path: readonly Segment[], value: unknown) => unknown;
  /** Whether two arrays are compared element by element; otherwise each is one leaf. @default - always */
  readonly walkArrays?: (before: readonly unknown[], after: readonly unknown[]) => boolean;
  /** A one-element array against an object compares its element with the object. @default false */
  readonly unwrapSingletons?: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The leaves that differ, objects by sorted key, arrays by index; `path` is where both values are. */
export function jsonDiff(
  before: unknown,
  after: unknown,
  options: JsonDiffOptions = {},
  path: readonly Segment[] = [],
): Leaf[] {
  const b = options.normalize === undefined ? before : options.normalize(path, before);
  const a = options.normalize === undefined ? after : options.normalize(path, after);
  if (same(b, a)) return [];
  if (isObject(b) && isObject(a)) {
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])]
      .filter((k) => options.skipKey?.(k) !== true)
      .sort();
    return keys.flatMap((k) => jsonDiff(b[k], a[k], options, [...path, k]));
  }
  if (Array.isArray(b) && Array.isArray(a) && (options.walkArrays?.(b, a) ?? true)) {
    return Array.from({ length: Math.max(b.length, a.length) }, (_, i) =>
      jsonDiff(b[i], a[i], options, [...path, i]),
    ).flat();
  }
  if (options.unwrapSingletons === true) {
    if (Array.isArray(b) && b.length === 1 && isObject(a)) return jsonDiff(b[0], a, options, path);
    if (isObject(b) && Array.isArray(a) && a.length === 1) return jsonDiff(b, a[0], options, path);
  }
  return [{ path, before: b, after: a }];
}
