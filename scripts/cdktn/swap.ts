/**
 * The CDK Terrain swap: the mechanical rewrite that moves this project from CDKTF (archived by
 * HashiCorp in December 2025) to its maintained fork, CDK Terrain (`cdktn`). Pure functions on
 * file contents, so the unit test drives them on sample strings and `check.ts` applies them to a
 * copy of the project. Nothing here reads or writes files.
 *
 * What moves (and nothing else):
 * - packages: `cdktf` -> `cdktn`, `@cdktf/provider-aws` -> `@cdktn/provider-aws`,
 *   `cdktf-cli` -> `cdktn-cli`, and `constructs` to a version inside cdktn's peer range
 *   (cdktn 0.24 wants constructs >=10.6.0 <10.8.0);
 * - package.json scripts that run the `cdktf` CLI (`cdktf deploy` -> `cdktn deploy`);
 * - module specifiers in TypeScript/JavaScript sources: `import ... from`, `export ... from`,
 *   `import "..."`, `import("...")` (also `typeof import("...")`), `require("...")`,
 *   `require.resolve("...")` and `jest.mock("...")` / `jest.doMock("...")`; and any string that is
 *   exactly the provider's package name or a path in it (noted: a constant handed to require).
 *
 * Comments, prose and other strings that mention cdktf (e.g. `cdktf.out`, `cdktf.json`) are left
 * alone: they are names of files the fork keeps, or documentation.
 */

/** Target versions of the swap. One place; check.ts and the test read them from here. */
export const CDKTN_VERSIONS = {
  cdktn: "0.24.0",
  "cdktn-cli": "0.24.0",
  "@cdktn/provider-aws": "25.7.0",
  /** cdktn 0.24.0 and @cdktn/provider-aws 25.7.0 declare the peer range constructs >=10.6.0 <10.8.0. */
  constructs: "10.7.2",
} as const;

/** Package renames, old name -> new name. */
export const PACKAGE_RENAMES: Readonly<Record<string, keyof typeof CDKTN_VERSIONS>> = {
  cdktf: "cdktn",
  "cdktf-cli": "cdktn-cli",
  "@cdktf/provider-aws": "@cdktn/provider-aws",
};

/** Import specifiers that are renamed: a package root, or a path inside it. */
const MODULE_RENAMES: readonly (readonly [string, string])[] = [
  ["@cdktf/provider-aws", "@cdktn/provider-aws"],
  ["cdktf", "cdktn"],
];

const DEPENDENCY_FIELDS = ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"] as const;

export interface SwapNote {
  /**
   * "deep-reach": an import the fork may not support (a path inside cdktf itself): code must change.
   * "string": a provider package name renamed outside an import position (e.g. a constant handed to
   * `require`): renamed, and worth a look. "package": a package.json entry the swap does not map.
   */
  readonly kind: "deep-reach" | "string" | "package";
  readonly message: string;
}

export interface SwapResult {
  readonly text: string;
  /** Number of package names or specifiers rewritten. */
  readonly changes: number;
  readonly notes: SwapNote[];
}

/** `cdktf` or `cdktf/...` style specifier -> renamed specifier, or undefined when not ours. */
export function renameSpecifier(specifier: string): string | undefined {
  for (const [from, to] of MODULE_RENAMES) {
    if (specifier === from) return to;
    if (specifier.startsWith(`${from}/`)) return `${to}${specifier.slice(from.length)}`;
  }
  return undefined;
}

/**
 * A deep path into cdktf itself (`cdktf/lib/...`) is not a public API: the fork may move it. The
 * provider's `lib/<resource>` paths are its documented per-resource entry points, and are fine.
 */
function isDeepReach(specifier: string): boolean {
  return specifier.startsWith("cdktf/") && specifier !== "cdktf/package.json";
}

// A quoted module specifier in one of the positions listed in the header. Group 1: the text
// before the quote; group 2: the quote; group 3: the specifier.
const SPECIFIER =
  /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s*|\brequire(?:\.resolve)?\s*\(\s*|\bjest\s*\.\s*(?:mock|doMock|unmock|requireActual)\s*\(\s*)(["'])([^"'\n]+)\2/g;

/** A quoted string that is exactly `@cdktf/provider-aws` or a path inside it. */
const PROVIDER_STRING = /(["'])(@cdktf\/provider-aws(?:\/[^"'\s]*)?)\1/g;

/** Rewrites the module specifiers of one TypeScript or JavaScript source. */
export function swapImports(source: string, file = "<source>"): SwapResult {
  let changes = 0;
  const notes: SwapNote[] = [];
  const text = source.replace(SPECIFIER, (whole: string, before: string, quote: string, specifier: string) => {
    const renamed = renameSpecifier(specifier);
    if (renamed === undefined) return whole;
    if (isDeepReach(specifier))
      notes.push({
        kind: "deep-reach",
        message: `${file}: "${specifier}" reaches into cdktf's internals; the fork may not keep that path (use the package root)`,
      });
    changes++;
    return `${before}${quote}${renamed}${quote}`;
  });
  // A string that is exactly the provider's package name (or a path in it) is a module name
  // wherever it stands, e.g. a constant passed to require(): rename it too, and say so.
  const withStrings = text.replace(PROVIDER_STRING, (_whole: string, quote: string, specifier: string) => {
    changes++;
    notes.push({
      kind: "string",
      message: `${file}: renamed the string "${specifier}" outside an import; an ordinary import keeps the swap a plain rename`,
    });
    return `${quote}${renameSpecifier(specifier)}${quote}`;
  });
  return { text: withStrings, changes, notes };
}

/** `cdktf <command>` in an npm script -> `cdktn <command>` (the cdktn-cli binary is `cdktn`). */
export function swapScript(command: string): string {
  return command.replace(/(^|[\s;&|(`]|\bnpx\s+)cdktf(?=\s|$)/g, "$1cdktn");
}

type PackageJson = Record<string, unknown> & {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  scripts?: Record<string, string>;
};

/** Rewrites a package.json: renamed packages at the fork's versions, constructs in range, CLI calls in scripts. Key order is kept. */
export function swapPackageJson(text: string, file = "package.json"): SwapResult {
  const pkg = JSON.parse(text) as PackageJson;
  let changes = 0;
  const notes: SwapNote[] = [];
  for (const field of DEPENDENCY_FIELDS) {
    const deps = pkg[field];
    if (deps === undefined) continue;
    const next: Record<string, string> = {};
    for (const [name, range] of Object.entries(deps)) {
      const renamed = PACKAGE_RENAMES[name];
      if (renamed !== undefined) {
        next[renamed] = field === "peerDependencies" ? `^${CDKTN_VERSIONS[renamed]}` : CDKTN_VERSIONS[renamed];
        changes++;
      } else if (name === "constructs") {
        next[name] = field === "peerDependencies" ? ">=10.6.0 <10.8.0" : CDKTN_VERSIONS.constructs;
        if (next[name] !== range) changes++;
      } else {
        next[name] = range;
        if (name.startsWith("@cdktf/"))
          notes.push({
            kind: "package",
            message: `${file}: ${field}.${name} has no rename in this swap (only @cdktf/provider-aws is mapped)`,
          });
      }
    }
    pkg[field] = next;
  }
  if (pkg.scripts !== undefined) {
    for (const [name, command] of Object.entries(pkg.scripts)) {
      const swapped = swapScript(command);
      if (swapped !== command) {
        pkg.scripts[name] = swapped;
        changes++;
      }
    }
  }
  const indent = /^(\s+)"/m.exec(text)?.[1] ?? "  ";
  return { text: `${JSON.stringify(pkg, null, indent)}${text.endsWith("\n") ? "\n" : ""}`, changes, notes };
}

/**
 * The swap's own tooling and its test: copied as they are (their sample strings must stay cdktf),
 * and deleted after a real move.
 */
export const SWAP_TOOLING = /^(scripts\/cdktn\/|__tests__\/cdktn-swap\.test\.ts$)/;

/** Which files the swap rewrites, by path ('/'-separated, relative to the project root). */
export function swapKind(file: string): "package.json" | "source" | undefined {
  if (file.split("/").some((part) => part === "node_modules") || SWAP_TOOLING.test(file)) return undefined;
  if (file === "package.json" || file.endsWith("/package.json")) return "package.json";
  if (/\.(ts|tsx|mts|cts|js|cjs|mjs)$/.test(file) && !file.endsWith(".d.ts")) return "source";
  return undefined;
}

/** Swaps one file's content by its kind; files of other kinds come back unchanged. */
export function swapFile(file: string, content: string): SwapResult {
  const kind = swapKind(file);
  if (kind === "package.json") return swapPackageJson(content, file);
  if (kind === "source") return swapImports(content, file);
  return { text: content, changes: 0, notes: [] };
}
