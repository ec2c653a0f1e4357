/**
 * The CDK Terrain swap (scripts/cdktn/swap.ts) on sample strings, the comparison and the known
 * differences it is judged by (compare.ts, known-differences.ts), and the guard that keeps the
 * project swappable: no source reaches into cdktf's internals. The swap on the real project, with
 * installs and synths, is `npm run check:cdktn`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { classify, diffJson, report } from "../scripts/cdktn/compare";
import { KNOWN_DIFFERENCES } from "../scripts/cdktn/known-differences";
import {
  CDKTN_VERSIONS,
  renameSpecifier,
  swapFile,
  swapImports,
  swapKind,
  swapPackageJson,
  swapScript,
} from "../scripts/cdktn/swap";

const ROOT = path.resolve(__dirname, "..");

describe("swapImports", () => {
  test("renames cdktf and the AWS provider in every import form, and nothing else", () => {
    // GIVEN a source with every specifier form the project uses, plus look-alikes that must stay
    const source = [
      'import { App, TerraformStack } from "cdktf";',
      "import type { ITerraformDependable } from 'cdktf';",
      'import { MwaaEnvironment } from "@cdktf/provider-aws/lib/mwaa-environment";',
      // The barrel form, written so eslint's no-restricted-imports rule (eslint.config.mjs) does not flag this sample.
      `import * as aws from ${JSON.stringify("@cdktf/provider-aws")};`,
      'export { Lazy } from "cdktf";',
      'export * from "@cdktf/provider-aws/lib/vpc";',
      'import "cdktf";',
      'const { Testing } = require("cdktf") as typeof import("cdktf");',
      'const p = require.resolve("cdktf/package.json");',
      'jest.mock("@cdktf/provider-aws/lib/provider");',
      'const lazy = await import ( "cdktf" );',
      'import { Construct } from "constructs";',
      'import { x } from "cdktf-local-helpers";',
      'import { y } from "@cdktf/provider-google/lib/x";',
      'const out = "cdktf.out"; // files from cdktf are synthesized by "cdktf synth"',
      'import { z } from "./cdktf";',
    ].join("\n");
    // WHEN swapped
    const { text, changes, notes } = swapImports(source, "sample.ts");
    // THEN the cdktf and provider specifiers moved, everything else is byte-for-byte the same
    expect(text.split("\n")).toEqual([
      'import { App, TerraformStack } from "cdktn";',
      "import type { ITerraformDependable } from 'cdktn';",
      'import { MwaaEnvironment } from "@cdktn/provider-aws/lib/mwaa-environment";',
      'import * as aws from "@cdktn/provider-aws";',
      'export { Lazy } from "cdktn";',
      'export * from "@cdktn/provider-aws/lib/vpc";',
      'import "cdktn";',
      'const { Testing } = require("cdktn") as typeof import("cdktn");',
      'const p = require.resolve("cdktn/package.json");',
      'jest.mock("@cdktn/provider-aws/lib/provider");',
      'const lazy = await import ( "cdktn" );',
      'import { Construct } from "constructs";',
      'import { x } from "cdktf-local-helpers";',
      'import { y } from "@cdktf/provider-google/lib/x";',
      'const out = "cdktf.out"; // files from cdktf are synthesized by "cdktf synth"',
      'import { z } from "./cdktf";',
    ]);
    expect(changes).toBe(12);
    expect(notes).toEqual([]);
  });

  test("a string that is exactly the provider's package name is renamed too, with a note", () => {
    // GIVEN the barrel import hidden behind a constant (an import the specifier patterns cannot see)
    const source =
      'const BARREL = "@cdktf/provider-aws";\nrequire(BARREL);\nconst lib = \'@cdktf/provider-aws/lib/vpc\';\nconst doc = "see @cdktf/provider-aws docs";\n';
    const { text, changes, notes } = swapImports(source, "bench.ts");
    // THEN both module names move, prose that merely mentions the package stays
    expect(text).toBe(
      'const BARREL = "@cdktn/provider-aws";\nrequire(BARREL);\nconst lib = \'@cdktn/provider-aws/lib/vpc\';\nconst doc = "see @cdktf/provider-aws docs";\n',
    );
    expect(changes).toBe(2);
    expect(notes.map((n) => n.kind)).toEqual(["string", "string"]);
  });

  test("multi-line imports keep their layout", () => {
    const source = 'import {\n  App,\n  TerraformStack,\n} from\n  "cdktf";\n';
    expect(swapImports(source).text).toBe('import {\n  App,\n  TerraformStack,\n} from\n  "cdktn";\n');
  });

  test("a deep path into cdktf itself is swapped but reported: the fork may not keep it", () => {
    const { text, notes } = swapImports('import { Aspects } from "cdktf/lib/aspect";', "constructs/x.ts");
    expect(text).toBe('import { Aspects } from "cdktn/lib/aspect";');
    expect(notes).toEqual([
      {
        kind: "deep-reach",
        message: expect.stringContaining('constructs/x.ts: "cdktf/lib/aspect" reaches into cdktf\'s internals'),
      },
    ]);
  });

  test("renameSpecifier maps package roots and paths inside them only", () => {
    expect(renameSpecifier("cdktf")).toBe("cdktn");
    expect(renameSpecifier("@cdktf/provider-aws/lib/s3-object")).toBe("@cdktn/provider-aws/lib/s3-object");
    expect(renameSpecifier("cdktf-cli")).toBeUndefined();
    expect(renameSpecifier("@cdktf/provider-awsx")).toBeUndefined();
    expect(renameSpecifier("constructs")).toBeUndefined();
  });
});

describe("swapPackageJson", () => {
  const sample = `{
  "name": "app",
  "scripts": {
    "synth": "node app/run-ts.js main.ts",
    "deploy": "cdktf deploy",
    "ci-deploy": "npx cdktf deploy --auto-approve '*' && echo done",
    "check:cdktn": "node -r tsx/cjs scripts/cdktn/check.ts",
    "clean": "rm -rf cdktf.out"
  },
  "dependencies": {
    "@cdktf/provider-aws": "21.22.1",
    "cdktf": "0.21.0",
    "constructs": "10.8.1",
    "zod": "4.6.7"
  },
  "devDependencies": {
    "cdktf-cli": "0.21.0",
    "jest": "30.5.2"
  }
}
`;

  test("renames the packages at the fork's versions, moves constructs into cdktn's range, and keeps key order", () => {
    const { text, changes, notes } = swapPackageJson(sample);
    const pkg = JSON.parse(text);
    expect(pkg.dependencies).toEqual({
      "@cdktn/provider-aws": CDKTN_VERSIONS["@cdktn/provider-aws"],
      cdktn: CDKTN_VERSIONS.cdktn,
      constructs: CDKTN_VERSIONS.constructs,
      zod: "4.6.7",
    });
    expect(Object.keys(pkg.dependencies)).toEqual(["@cdktn/provider-aws", "cdktn", "constructs", "zod"]);
    expect(pkg.devDependencies).toEqual({ "cdktn-cli": CDKTN_VERSIONS["cdktn-cli"], jest: "30.5.2" });
    expect(Object.keys(pkg)).toEqual(["name", "scripts", "dependencies", "devDependencies"]);
    expect(text.endsWith("}\n")).toBe(true);
    expect(changes).toBe(6); // 4 packages, 2 scripts
    expect(notes).toEqual([]);
  });

  test("runs the cdktn CLI where scripts ran cdktf, and leaves paths and other names alone", () => {
    const { scripts } = JSON.parse(swapPackageJson(sample).text);
    expect(scripts).toEqual({
      synth: "node app/run-ts.js main.ts",
      deploy: "cdktn deploy",
      "ci-deploy": "npx cdktn deploy --auto-approve '*' && echo done",
      "check:cdktn": "node -r tsx/cjs scripts/cdktn/check.ts",
      clean: "rm -rf cdktf.out",
    });
    expect(swapScript("cdktf")).toBe("cdktn");
    expect(swapScript("cdktf-cli --version; cdktf.json")).toBe("cdktf-cli --version; cdktf.json");
  });

  test("keeps constructs inside cdktn's peer range: >=10.6.0 <10.8.0", () => {
    const [major, minor] = CDKTN_VERSIONS.constructs.split(".").map(Number);
    expect(major).toBe(10);
    expect(minor).toBeGreaterThanOrEqual(6);
    expect(minor).toBeLessThan(8);
    const peers = JSON.parse(
      swapPackageJson('{"peerDependencies":{"cdktf":">=0.21.0","constructs":"^10.0.0"}}').text,
    ).peerDependencies;
    expect(peers).toEqual({ cdktn: `^${CDKTN_VERSIONS.cdktn}`, constructs: ">=10.6.0 <10.8.0" });
  });

  test("notes other @cdktf packages, which have no rename here", () => {
    const { notes } = swapPackageJson(
      '{"dependencies":{"@cdktf/provider-google":"16.0.0"}}',
      "examples/x/package.json",
    );
    expect(notes).toEqual([
      {
        kind: "package",
        message:
          "examples/x/package.json: dependencies.@cdktf/provider-google has no rename in this swap (only @cdktf/provider-aws is mapped)",
      },
    ]);
  });

  test("the project's own package.json swaps to cdktn, its provider, its CLI and a constructs it accepts", () => {
    const pkg = JSON.parse(swapPackageJson(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).text);
    const all = { ...pkg.dependencies, ...pkg.devDependencies };
    expect(Object.keys(all).filter((n) => n === "cdktf" || n.startsWith("cdktf-") || n.startsWith("@cdktf/"))).toEqual(
      [],
    );
    expect(all).toMatchObject({
      cdktn: "0.24.0",
      "@cdktn/provider-aws": "25.7.0",
      "cdktn-cli": "0.24.0",
      constructs: "10.7.2",
    });
  });
});

describe("swapFile", () => {
  test("picks package.json files and sources, never node_modules or declarations", () => {
    expect(swapKind("package.json")).toBe("package.json");
    expect(swapKind("examples/embed/package.json")).toBe("package.json");
    expect(swapKind("constructs/stack.ts")).toBe("source");
    expect(swapKind("app/run-ts.js")).toBe("source");
    expect(swapKind("node_modules/cdktf/lib/index.js")).toBeUndefined();
    expect(swapKind("types/x.d.ts")).toBeUndefined();
    expect(swapKind("config/example.json")).toBeUndefined();
    expect(swapKind("scripts/cdktn/swap.ts")).toBeUndefined();
    expect(swapKind("__tests__/cdktn-swap.test.ts")).toBeUndefined();
    expect(swapFile("README.md", 'from "cdktf"').text).toBe('from "cdktf"');
  });
});

describe("the project stays swappable", () => {
  // Strings renamed outside import positions (kind "string") are allowed: check:cdktn prints them.
  test("no source reaches into cdktf's internals, and the swap leaves no cdktf import behind", () => {
    // GIVEN every source file a clone (plus work in progress) holds
    const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
      cwd: ROOT,
      encoding: "utf8",
    })
      .split("\n")
      .filter((f) => swapKind(f) === "source" && fs.existsSync(path.join(ROOT, f)));
    expect(files.length).toBeGreaterThan(20);
    const notes: string[] = [];
    const leftovers: string[] = [];
    for (const file of files) {
      const result = swapFile(file, fs.readFileSync(path.join(ROOT, file), "utf8"));
      notes.push(...result.notes.filter((n) => n.kind !== "string").map((n) => n.message));
      // THEN nothing imports cdktf after the swap: every import was in a form the swap knows
      for (const m of result.text.matchAll(/["'](cdktf|@cdktf\/provider-aws)(\/[^"']*)?["']/g))
        leftovers.push(`${file}: ${m[0]}`);
    }
    expect(notes).toEqual([]);
    // File names the fork keeps, and cdktf's symbol key for a construct's synthesis step, which
    // app/fast-synth.ts reads only on the cdktf release it was checked against (CDK Terrain
    // takes the stock synth; __tests__/fast-synth.test.ts fails when cdktf changes).
    expect(
      leftovers.filter((l) => !/"cdktf\.(out|json)"|^app\/fast-synth\.ts: "cdktf\/customSynthesis"$/.test(l)),
    ).toEqual([]);
  });
});

describe("compare and known differences", () => {
  const stack = (version: string, providerVersion: string, source: string, extra: Record<string, unknown> = {}) => ({
    "//": { metadata: { backend: "local", stackName: "dev", version } },
    terraform: {
      backend: { local: { path: "terraform.dev.tfstate" } },
      required_providers: { aws: { source, version: providerVersion } },
    },
    resource: {
      aws_mwaa_environment: {
        Mwaa_Environment_1: { name: "dev", network_configuration: { subnet_ids: ["subnet-a", "subnet-b"] }, ...extra },
      },
    },
  });

  test("the expected differences are all explained, each by its own entry", () => {
    // GIVEN the cdktf and cdktn synth of the same stack
    const diffs = classify(
      diffJson("stacks/dev/cdk.tf.json", stack("0.21.0", "6.25.0", "aws"), stack("0.24.0", "6.66.0", "hashicorp/aws")),
    );
    // THEN three leaves differ, each explained
    expect(diffs.map((d) => [d.path.join("."), d.explainedBy?.id])).toEqual([
      ["//.metadata.version", "library-version-in-metadata"],
      ["terraform.required_providers.aws.source", "provider-source-namespace"],
      ["terraform.required_providers.aws.version", "provider-version-constraint"],
    ]);
    expect(classify(diffJson("manifest.json", { version: "0.21.0" }, { version: "0.24.0" }))[0]!.explainedBy?.id).toBe(
      "library-version-in-manifest",
    );
  });

  test("any other difference is unexplained: attributes, list order, added or removed blocks, another provider source", () => {
    const a = stack("0.21.0", "6.25.0", "aws");
    const b = stack("0.21.0", "6.25.0", "aws", { kms_key: "arn:aws:kms:eu-west-1:123456789012:key/x" });
    (b.resource.aws_mwaa_environment.Mwaa_Environment_1.network_configuration.subnet_ids as string[]).reverse();
    const diffs = classify(diffJson("stacks/dev/cdk.tf.json", a, b));
    expect(diffs.map((d) => [d.path.join("."), d.explainedBy?.id])).toEqual([
      ["resource.aws_mwaa_environment.Mwaa_Environment_1.kms_key", undefined],
      ["resource.aws_mwaa_environment.Mwaa_Environment_1.network_configuration.subnet_ids.0", undefined],
      ["resource.aws_mwaa_environment.Mwaa_Environment_1.network_configuration.subnet_ids.1", undefined],
    ]);
    const source = classify(diffJson("stacks/dev/cdk.tf.json", a, stack("0.21.0", "6.25.0", "someone/aws")));
    expect(source[0]!.explainedBy).toBeUndefined();
    // A new major version of the provider is not a mechanical move.
    const major = classify(diffJson("stacks/dev/cdk.tf.json", a, stack("0.21.0", "7.0.0", "aws")));
    expect(major[0]!.explainedBy).toBeUndefined();
    // A version in a place other than the metadata or the provider pin is not explained either.
    const tag = classify(
      diffJson(
        "stacks/dev/cdk.tf.json",
        { resource: { x: { version: "0.21.0" } } },
        { resource: { x: { version: "0.24.0" } } },
      ),
    );
    expect(tag[0]!.explainedBy).toBeUndefined();
  });

  test("the report names each difference, its values and what explains it", () => {
    const lines = report(
      classify(
        diffJson(
          "stacks/dev/cdk.tf.json",
          { a: 1, "//": { metadata: { version: "0.21.0" } } },
          { b: 2, "//": { metadata: { version: "0.24.0" } } },
        ),
      ),
    );
    expect(lines).toEqual([
      "  stacks/dev/cdk.tf.json",
      '    //.metadata.version: "0.21.0" -> "0.24.0"  [known: library-version-in-metadata]',
      "    a: 1 -> (absent)  [UNEXPLAINED]",
      "    b: (absent) -> 2  [UNEXPLAINED]",
    ]);
  });

  test("every known difference has an id and a reason", () => {
    expect(new Set(KNOWN_DIFFERENCES.map((k) => k.id)).size).toBe(KNOWN_DIFFERENCES.length);
    for (const k of KNOWN_DIFFERENCES) expect(k.reason.length).toBeGreaterThan(40);
  });
});
