import * as fs from "node:fs";
import * as path from "node:path";
import type { z } from "zod";
import type { artifactsSchema } from "../model/schema";
import type { ArtifactsProps } from "../model/environment-props";
import type { ArtifactPaths } from "../model/prepared";
import { pinnedAwsVersion } from "../terraform-check/provider-aws";

const ROOT = path.resolve(__dirname, "..");

describe("the hashicorp/aws version, from @cdktf/provider-aws (terraform-check/provider-aws.ts)", () => {
  test("the README and docs/ name the pinned version wherever they name the version users get", () => {
    // GIVEN every "hashicorp/aws <version>" in the README and the docs pages
    const pages = [
      "README.md",
      ...fs
        .readdirSync(path.join(ROOT, "docs"))
        .filter((f) => f.endsWith(".md"))
        .map((f) => path.join("docs", f)),
    ];
    const readme = pages.map((p) => fs.readFileSync(path.join(ROOT, p), "utf8")).join("\n");
    const pinned = pinnedAwsVersion();
    const [major, minor] = pinned.split(".");
    // Other versions on purpose: the offline provider mirror of the development machines, and CDK Terrain's provider.
    const others = ["5.100.0", "6.66.0"];
    const named = [...readme.matchAll(/(?:hashicorp\/aws`?(?: provider)?|the pinned) (\d+\.\d+(?:\.\d+)?)/g)]
      .map((m) => m[1] as string)
      .filter((v) => !others.includes(v));
    // THEN each is the pinned version (or its major.minor), and there is at least one
    expect(named.length).toBeGreaterThan(3);
    expect(named.filter((v) => v !== pinned && v !== `${major}.${minor}`)).toEqual([]);
  });
});

/** true when A and B are the same type (readonly aside). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

describe("the artifacts block, defined by the config schema (model/schema.ts)", () => {
  test("the app's ArtifactPaths and the generated ArtifactsProps have its fields, each as optional as there", () => {
    // Checked by tsc -b (npm test): a field added, removed or made required in one of them fails to compile here.
    const pathsAgree: Same<Mutable<ArtifactPaths>, z.output<typeof artifactsSchema>> = true;
    const propsAgree: Same<Mutable<ArtifactsProps>, z.output<typeof artifactsSchema>> = true;
    expect([pathsAgree, propsAgree]).toEqual([true, true]);
  });
});
