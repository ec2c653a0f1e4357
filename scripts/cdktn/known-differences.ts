/**
 * Differences between the cdktf synth and the CDK Terrain (cdktn) synth of the same project that
 * are expected, each with its reason. One place: `npm run check:cdktn` fails on any difference not
 * matched here. Keep every entry as narrow as it can be (exact path, expected shape of both
 * values), so that a real change in the Terraform JSON can never hide behind one.
 */
import type { Difference } from "./compare";

export interface KnownDifference {
  readonly id: string;
  /** Why the two synths differ here, and why that is harmless. */
  readonly reason: string;
  readonly matches: (d: Difference) => boolean;
}

const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
/** A Terraform version constraint as the prebuilt providers write it ("6.25.0", "~> 6.0", ">= 6.25.0, < 7.0.0"). */
const CONSTRAINT = /^\s*(?:(?:[<>=!~]{0,2}\s*\d+(?:\.\d+){0,2}(?:-[0-9A-Za-z.-]+)?)\s*,?\s*)+$/;

const major = (constraint: unknown): string | undefined => /\d+/.exec(String(constraint))?.[0];
const pathIs = (d: Difference, ...path: string[]): boolean =>
  d.path.length === path.length && path.every((p, i) => p === "*" || d.path[i] === p);
const isStackJson = (d: Difference): boolean => /^stacks\/[^/]+\/cdk\.tf\.json$/.test(d.file);
const bothMatch = (d: Difference, re: RegExp): boolean =>
  typeof d.cdktf === "string" && typeof d.cdktn === "string" && re.test(d.cdktf) && re.test(d.cdktn);

export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  {
    id: "library-version-in-metadata",
    reason:
      "Each stack's `//.metadata.version` records the version of the CDK library that synthesized it (cdktf 0.21.0 vs cdktn 0.24.x). " +
      "Terraform ignores `//` keys; it is a comment for people and tools.",
    matches: (d) => isStackJson(d) && pathIs(d, "//", "metadata", "version") && bothMatch(d, SEMVER),
  },
  {
    id: "library-version-in-manifest",
    reason:
      "manifest.json's `version` is the CDK library version that wrote it (cdktf vs cdktn). The CLIs read it; Terraform never does.",
    matches: (d) => d.file === "manifest.json" && pathIs(d, "version") && bothMatch(d, SEMVER),
  },
  {
    id: "provider-version-constraint",
    reason:
      "Each prebuilt provider pins the hashicorp/aws version it was generated from: @cdktf/provider-aws 21.22.1 pins 6.25.0, " +
      "@cdktn/provider-aws 25.x a newer 6.x (25.7.0: 6.66.0). Same provider and major version; every attribute this project sets exists in " +
      "the newer bindings (the swapped copy type-checks) and is written identically. The move is also a provider upgrade: `terraform init -upgrade` updates the " +
      "lock file, and the first plan after the move is where to look for behaviour the newer provider changes.",
    // A new major version of the provider is not mechanical: it fails here until someone looks.
    matches: (d) =>
      isStackJson(d) &&
      pathIs(d, "terraform", "required_providers", "*", "version") &&
      bothMatch(d, CONSTRAINT) &&
      major(d.cdktf) === major(d.cdktn),
  },
  {
    id: "provider-source-namespace",
    reason:
      'cdktf\'s prebuilt provider writes the short source "aws", cdktn\'s the explicit "hashicorp/aws". Terraform expands a source without a ' +
      'namespace to "hashicorp/<name>" on registry.terraform.io, so both are the provider address registry.terraform.io/hashicorp/aws: ' +
      "the same provider, the same lock file entry, the same state.",
    matches: (d) =>
      isStackJson(d) &&
      pathIs(d, "terraform", "required_providers", "*", "source") &&
      typeof d.cdktf === "string" &&
      /^[a-z0-9-]+$/.test(d.cdktf) &&
      (d.cdktn === `hashicorp/${d.cdktf}` || d.cdktn === `registry.terraform.io/hashicorp/${d.cdktf}`),
  },
];
