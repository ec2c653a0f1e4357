import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, AssetType, Lazy, TerraformAsset, TerraformOutput, TerraformStack } from "cdktf";
import { version as cdktfVersion } from "cdktf/package.json";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { synthApp, VERIFIED_CDKTF } from "../app/fast-synth";

/**
 * The app's synth without cdktf's preparing pass (app/fast-synth.ts) writes exactly what
 * `app.synth()` writes: the same app is built twice and synthesized both ways.
 */

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mwaa-fast-synth-test-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).sort()) {
    if (fs.statSync(path.join(dir, rel)).isFile()) out[rel] = fs.readFileSync(path.join(dir, rel), "utf8");
  }
  return out;
}

/** Synthesizes `build` stock and fast; returns both outputs and how often a Lazy value was produced in each. */
function bothWays(name: string, build: (app: App, produced: () => void) => void) {
  const run = (how: "stock" | "fast") => {
    let produced = 0;
    fs.mkdirSync(path.join(tmp, name, how), { recursive: true });
    const app = new App({ outdir: path.join(tmp, name, how), stackTraces: false });
    build(app, () => (produced += 1));
    if (how === "stock") app.synth();
    else synthApp(app);
    return { files: files(path.join(tmp, name, how)), produced };
  };
  return { stock: run("stock"), fast: run("fast") };
}

function stack(app: App, id: string): TerraformStack {
  const s = new TerraformStack(app, id);
  new AwsProvider(s, "aws", { region: "eu-west-1" });
  return s;
}

test("the installed cdktf is the release the shortcut was checked against (else: check synthApp again, then VERIFIED_CDKTF)", () => {
  expect(cdktfVersion).toBe(VERIFIED_CDKTF);
});

test("independent stacks: same output, each value resolved once instead of twice", () => {
  const { stock, fast } = bothWays("independent", (app, produced) => {
    for (const id of ["one", "two"]) {
      const s = stack(app, id);
      const bucket = new S3Bucket(s, "Bucket", {
        bucket: Lazy.stringValue({ produce: () => (produced(), `${id}-bucket`) }),
      });
      new TerraformOutput(s, "arn", { value: bucket.arn });
    }
  });
  expect(fast.files).toEqual(stock.files);
  expect(Object.keys(fast.files)).toContain("stacks/two/cdk.tf.json");
  expect(stock.produced).toBe(4);
  expect(fast.produced).toBe(2);
});

test("a reference to another stack's resource is an error naming both stacks (the stock synth would add an output and a remote state)", () => {
  const build = (app: App) => {
    const bucket = new S3Bucket(stack(app, "producer"), "Bucket", { bucket: "shared" });
    new TerraformOutput(stack(app, "consumer"), "arn", { value: bucket.arn });
  };
  expect(() => bothWays("cross", build)).toThrow('synthApp: stack "consumer" refers to a resource of stack "producer"');
});

test("a Lazy value that adds a construct while it resolves is an error (the stock preparing pass would have added it in time)", () => {
  const build = (app: App) => {
    const s = stack(app, "only");
    let added = false;
    new S3Bucket(s, "Bucket", {
      bucket: Lazy.stringValue({
        produce: () => {
          if (!added) new TerraformOutput(s, "late", { value: "added while resolving" });
          added = true;
          return "bucket";
        },
      }),
    });
  };
  expect(() => bothWays("lazy-adds", build)).toThrow("synthApp: a construct was added while the stacks were written");
});

test("the shortcut leaves cdktf as it found it, also after an error", () => {
  const app = new App({ outdir: path.join(tmp, "restored"), stackTraces: false });
  const bucket = new S3Bucket(stack(app, "producer"), "Bucket", { bucket: "shared" });
  new TerraformOutput(stack(app, "consumer"), "arn", { value: bucket.arn });
  expect(() => synthApp(app)).toThrow(/refers to a resource/);
  app.synth();
  expect(fs.readFileSync(path.join(tmp, "restored", "stacks", "consumer", "cdk.tf.json"), "utf8")).toContain(
    "terraform_remote_state",
  );
});

describe("the output folder", () => {
  const outdir = path.join(tmp, "reuse");
  const source = path.join(tmp, "reuse-source.txt");
  /** One stack with a file asset, synthesized by synthApp into the same folder each time. */
  const synth = (withAsset = true) => {
    const app = new App({ outdir, stackTraces: false });
    const s = stack(app, "only");
    if (withAsset) {
      const asset = new TerraformAsset(s, "File", { path: source, type: AssetType.FILE });
      new TerraformOutput(s, "path", { value: asset.path });
    }
    synthApp(app);
    return withAsset
      ? path.join(
          outdir,
          "stacks",
          "only",
          JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "only", "cdk.tf.json"), "utf8")).output.path.value,
        )
      : "";
  };

  test("an unchanged file asset stays in place; a changed or tampered one is copied again", () => {
    fs.writeFileSync(source, "one\n");
    const copy = synth();
    const { ino } = fs.statSync(copy);
    expect(synth()).toBe(copy);
    expect(fs.statSync(copy).ino).toBe(ino);

    fs.writeFileSync(copy, "tampered\n");
    expect(fs.readFileSync(synth(), "utf8")).toBe("one\n");

    fs.writeFileSync(source, "two\n");
    const changed = synth();
    expect(changed).not.toBe(copy);
    expect(fs.readFileSync(changed, "utf8")).toBe("two\n");
    expect(fs.readdirSync(path.dirname(path.dirname(changed)))).toEqual([path.basename(path.dirname(changed))]);
  });

  test("what the synth did not write goes (earlier stacks, stray files, assets no longer used); the output folder's own files stay", () => {
    fs.writeFileSync(source, "one\n");
    synth();
    fs.mkdirSync(path.join(outdir, "stacks", "removed"), { recursive: true });
    fs.writeFileSync(path.join(outdir, "stacks", "removed", "cdk.tf.json"), "{}");
    fs.writeFileSync(path.join(outdir, "stacks", "only", "stray.txt"), "x");
    fs.writeFileSync(path.join(outdir, "kept.txt"), "x");
    synth(false);
    expect(fs.readdirSync(path.join(outdir, "stacks"))).toEqual(["only"]);
    expect(fs.readdirSync(path.join(outdir, "stacks", "only"))).toEqual(["cdk.tf.json"]);
    expect(fs.existsSync(path.join(outdir, "kept.txt"))).toBe(true);
  });

  test("Terraform's own files in a stack folder stay: the init working directory, the lock file and saved plans", () => {
    synth(false);
    const stack = path.join(outdir, "stacks", "only");
    fs.mkdirSync(path.join(stack, ".terraform", "providers"), { recursive: true });
    fs.writeFileSync(path.join(stack, ".terraform", "terraform.tfstate"), "{}");
    fs.writeFileSync(path.join(stack, ".terraform.lock.hcl"), "# lock");
    fs.writeFileSync(path.join(stack, "plan.tfplan"), "plan");
    fs.writeFileSync(path.join(stack, "stray.txt"), "x");
    synth(false);
    expect(fs.readdirSync(stack).sort()).toEqual([".terraform", ".terraform.lock.hcl", "cdk.tf.json", "plan.tfplan"]);
    expect(fs.existsSync(path.join(stack, ".terraform", "terraform.tfstate"))).toBe(true);
  });
});
