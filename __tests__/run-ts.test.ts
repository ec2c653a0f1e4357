import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * The app's runner, app/run-ts.js, on small projects of its own in a temporary folder (with
 * this project's node_modules): which source changes rebuild the bundle, that the early exit never
 * cuts work short, and that cdktf's archive assets work from a bundle.
 */

const ROOT = path.resolve(__dirname, "..");
const RUNNER = path.join(ROOT, "app", "run-ts.js");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mwaa-run-ts-test-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function project(name: string, files: Record<string, string>): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  for (const [rel, text] of Object.entries({
    "package.json": "{}\n",
    "cdktf.json": '{"app": "node run-ts.js app.ts"}\n',
    ...files,
  })) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

function run(dir: string, entry = "app.ts", nodeArgs: string[] = []) {
  const result = spawnSync(process.execPath, [...nodeArgs, RUNNER, entry], {
    cwd: dir,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const bundles = (dir: string) => fs.readdirSync(path.join(dir, ".cache", "run-ts")).filter((f) => f.endsWith(".js"));

describe("the bundle cache", () => {
  const dir = project("cache", {
    "app.ts": 'import { value } from "./lib/value";\nconsole.log(value);\n',
    "lib/value.ts": "export const value = 1;\n",
  });
  const value = path.join(dir, "lib", "value.ts");

  test("a run with unchanged sources reuses the bundle; a changed source rebuilds it", () => {
    expect(run(dir).stdout).toBe("1\n");
    const first = bundles(dir);
    expect(run(dir).stdout).toBe("1\n");
    expect(bundles(dir)).toEqual(first);

    fs.writeFileSync(value, "export const value = 2;\n");
    expect(run(dir).stdout).toBe("2\n");
    expect(bundles(dir)).not.toEqual(first);
  });

  test("a file rewritten with the same size and timestamps is still seen (its content is hashed)", () => {
    run(dir);
    const { mtime } = fs.statSync(value);
    fs.writeFileSync(value, "export const value = 3;\n");
    fs.utimesSync(value, mtime, mtime);
    expect(run(dir).stdout).toBe("3\n");
  });

  test("a file touched without a change keeps the bundle", () => {
    run(dir);
    const before = bundles(dir);
    fs.utimesSync(value, new Date(), new Date());
    expect(run(dir).stdout).toBe("3\n");
    expect(bundles(dir)).toEqual(before);
  });

  test("a new file that an import now resolves to rebuilds the bundle", () => {
    // lib/value.ts stays; a folder lib/value/ with an index would not win, but value.tsx does in
    // esbuild's order (.tsx before .ts): the folder's new entry is what is noticed.
    run(dir);
    fs.writeFileSync(path.join(dir, "lib", "value.tsx"), "export const value = 4;\n");
    expect(run(dir).stdout).toBe("4\n");
  });
});

describe("a source saved during the build", () => {
  test("the manifest holds what esbuild read: the next run rebuilds instead of serving the old bundle", () => {
    const dir = project("race", {
      "app.ts": 'import { value } from "./lib/value";\nconsole.log(value);\n',
      "lib/value.ts": "export const value = 1;\n",
    });
    // Preloaded into the runner: once esbuild has read the sources (its build resolved) and before
    // the runner writes its manifest, the file is saved again, deterministically. esbuild's exports
    // are getters, so require("esbuild") itself is wrapped.
    const preload = path.join(dir, "save-during-build.js");
    fs.writeFileSync(
      preload,
      `const Module = require("module");
const fs = require("fs");
const load = Module._load;
Module._load = function (request, ...rest) {
  const real = load.call(this, request, ...rest);
  if (request !== "esbuild") return real;
  return { ...real, build: async (options) => {
    const result = await real.build(options);
    fs.writeFileSync(${JSON.stringify(path.join(dir, "lib", "value.ts"))}, "export const value = 2;\\n");
    return result;
  } };
};
`,
    );
    const first = run(dir, "app.ts", ["-r", preload]);
    expect(first.stderr).toBe("");
    expect(first.stdout).toBe("1\n");
    expect(run(dir).stdout).toBe("2\n");
    expect(run(dir).stdout).toBe("2\n");
  });
});

describe("the early exit", () => {
  test("waits for the app's timers, for work that a beforeExit listener starts, and keeps the exit code", () => {
    const dir = project("exit", {
      "app.ts": [
        'setTimeout(() => console.log("timer"), 30);',
        'process.once("beforeExit", () => setTimeout(() => console.log("after beforeExit"), 30));',
        "process.exitCode = 3;",
      ].join("\n"),
    });
    const result = run(dir);
    expect(result.stdout).toBe("timer\nafter beforeExit\n");
    expect(result.status).toBe(3);
  });
});

describe("cdktf in a bundle", () => {
  test("an archive asset is zipped (cdktf runs its own file, not the app), without loading archiver into the app", () => {
    const dir = project("archive", {
      "src/hello.txt": "hello\n",
      "app.ts": [
        'import { App, AssetType, TerraformAsset, TerraformOutput, TerraformStack } from "cdktf";',
        'const app = new App({ outdir: "out" });',
        'const stack = new TerraformStack(app, "s");',
        'const asset = new TerraformAsset(stack, "a", { path: "src", type: AssetType.ARCHIVE });',
        'new TerraformOutput(stack, "p", { value: asset.path });',
        "app.synth();",
        'console.log(Object.keys(require.cache).some((k) => k.includes("/archiver/")) ? "archiver loaded" : "archiver not loaded");',
      ].join("\n"),
    });
    const result = run(dir);
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("archiver not loaded\n");
    const tf = JSON.parse(fs.readFileSync(path.join(dir, "out", "stacks", "s", "cdk.tf.json"), "utf8")) as {
      output: { p: { value: string } };
    };
    const zip = fs.readFileSync(path.join(dir, "out", "stacks", "s", tf.output.p.value));
    expect(zip.subarray(0, 4).toString("latin1")).toBe("PK\x03\x04");
    expect(zip.includes(Buffer.from("hello.txt"))).toBe(true);
  });
});
