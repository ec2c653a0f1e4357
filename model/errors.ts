import type { z } from "zod";

/** A config that does not validate: every problem, one line each, as `<file>: <path>: <what is allowed> (got <value>)`. */
export class ConfigError extends Error {
  constructor(readonly lines: readonly string[]) {
    super(lines.join("\n"));
    this.name = "ConfigError";
  }
}

/** Renders a path the way users write it: `environments[0].airflow.maxWorkers`. */
export function joinPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === "number" || /^\d+$/.test(String(key))) return `${out}[${String(key)}]`;
    return out === "" ? String(key) : `${out}.${String(key)}`;
  }, "");
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[key as string];
  }
  return v;
}

function render(value: unknown): string {
  if (value === undefined) return "nothing";
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

/** Levenshtein distance, for "did you mean" on unknown keys. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(
        row[j] + 1,
        row[j - 1] + 1,
        diag + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1),
      );
      diag = row[j];
      row[j] = next;
    }
  }
  return row[b.length];
}

/** ` (did you mean "x"?)` when one of `known` is close to `key`, else "". */
export function suggestion(key: string, known: readonly string[]): string {
  const best = known.map((k) => [k, distance(key, k)] as const).sort((x, y) => x[1] - y[1])[0];
  return best !== undefined && best[1] <= Math.max(2, Math.floor(key.length / 4))
    ? ` (did you mean "${best[0]}"?)`
    : "";
}

/** One line per zod issue. `knownKeys` lists the keys of the object at a path, for suggestions. */
export function formatIssues(
  file: string,
  input: unknown,
  issues: readonly z.core.$ZodIssue[],
  knownKeys: (path: readonly PropertyKey[]) => readonly string[],
): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        lines.push(
          `${file}: ${joinPath([...issue.path, key])}: unknown key${suggestion(key, knownKeys(issue.path))} (got ${render(valueAt(input, [...issue.path, key]))})`,
        );
      }
      continue;
    }
    if (issue.code === "invalid_key") {
      // A record key broke its rule: report the rule's own message for that key.
      const key = issue.path[issue.path.length - 1];
      for (const inner of issue.issues)
        lines.push(`${file}: ${joinPath(issue.path)}: ${inner.message} (got ${render(String(key))})`);
      continue;
    }
    if (issue.code === "invalid_union" && issue.errors.length > 0 && issue.message.startsWith("Invalid input")) {
      // zod's default union message says nothing; the first branch's issues do.
      lines.push(
        ...formatIssues(
          file,
          input,
          issue.errors[0].map((i) => ({ ...i, path: [...issue.path, ...i.path] })),
          knownKeys,
        ),
      );
      continue;
    }
    const path = joinPath(issue.path);
    // A secret pasted into the config must not end up in CI logs.
    const value = /secret/i.test(path) ? "***" : valueAt(input, issue.path);
    const allowed =
      issue.message.startsWith("Invalid input: expected") && value === undefined ? "required" : issue.message;
    lines.push(`${file}: ${path === "" ? "(top level)" : path}: ${allowed} (got ${render(value)})`);
  }
  return [...new Set(lines)];
}
