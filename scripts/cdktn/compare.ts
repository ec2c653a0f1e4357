/**
 * Structural comparison of two synth outputs (cdktf vs cdktn) and the classification of each
 * difference against the known, explained ones. Pure functions on parsed JSON; check.ts does the
 * file work.
 */
import { jsonDiff } from "../../util/json-diff";
import { KNOWN_DIFFERENCES, type KnownDifference } from "./known-differences";

/** One leaf that differs: a value changed, or a key exists on one side only (undefined on the other). */
export interface Difference {
  /** Where: the file ("manifest.json", "stacks/<name>/cdk.tf.json", "stacks/<name>/assets") and the JSON path inside it. */
  readonly file: string;
  readonly path: readonly string[];
  readonly cdktf: unknown;
  readonly cdktn: unknown;
}

export interface ClassifiedDifference extends Difference {
  /** The known difference that explains it; undefined means unexplained (the check fails). */
  readonly explainedBy?: KnownDifference;
}

/**
 * Leaf-level differences between two JSON values. Arrays are compared by index (order is part of
 * the output: Terraform lists are ordered); a length change shows as keys present on one side.
 */
export function diffJson(file: string, a: unknown, b: unknown): Difference[] {
  return jsonDiff(a, b).map((l) => ({ file, path: l.path.map(String), cdktf: l.before, cdktn: l.after }));
}

/** Each difference with the known difference that explains it, if any. */
export function classify(
  differences: readonly Difference[],
  known: readonly KnownDifference[] = KNOWN_DIFFERENCES,
): ClassifiedDifference[] {
  return differences.map((d) => ({ ...d, explainedBy: known.find((k) => k.matches(d)) }));
}

/** A value in one short line for the report. */
export function show(v: unknown): string {
  if (v === undefined) return "(absent)";
  const s = JSON.stringify(v);
  return s.length > 140 ? `${s.slice(0, 137)}...` : s;
}

/** Human-readable report lines, grouped by file; explained differences name their reason. */
export function report(differences: readonly ClassifiedDifference[]): string[] {
  const lines: string[] = [];
  let lastFile = "";
  for (const d of differences) {
    if (d.file !== lastFile) {
      lines.push(`  ${d.file}`);
      lastFile = d.file;
    }
    const tag = d.explainedBy !== undefined ? `known: ${d.explainedBy.id}` : "UNEXPLAINED";
    lines.push(`    ${d.path.join(".") || "(root)"}: ${show(d.cdktf)} -> ${show(d.cdktn)}  [${tag}]`);
  }
  return lines;
}
