import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CloudWatchClient, GetMetricDataCommand, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import type { GetMetricDataCommandInput, MetricDatum } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { unzipSync } from "fflate";
import { bundleLambda } from "../lambda/bundle";
import type { LambdaBundle } from "../lambda/bundle";

const ROOT = path.resolve(__dirname, "..");
const ENTRY = path.join(ROOT, "lambda", "worker-count", "handler.ts");

let tmp: string; // cache dirs, outside the project
let scratch: string; // inside the project (<root>/.cache), so that node resolution finds <root>/node_modules
let a: LambdaBundle;
let b: LambdaBundle;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lambda-bundle-test-"));
  fs.mkdirSync(path.join(ROOT, ".cache"), { recursive: true });
  scratch = fs.mkdtempSync(path.join(ROOT, ".cache", "jest-lambda-bundle-"));
  a = bundleLambda({ entry: ENTRY, cacheDir: path.join(tmp, "a"), name: "worker-count" });
  b = bundleLambda({ entry: ENTRY, cacheDir: path.join(tmp, "b"), name: "worker-count" });
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.rmSync(scratch, { recursive: true, force: true });
});

const indexJs = (bundle: LambdaBundle): string => {
  const entries = unzipSync(fs.readFileSync(bundle.zipPath));
  return Buffer.from(entries["index.js"]!).toString("utf8");
};

/** Runs `fn` with lambda/bundle.ts loaded in a fresh module registry in which requiring esbuild throws. */
function withoutEsbuild<T>(fn: (bundle: typeof bundleLambda) => T): T {
  jest.doMock("esbuild", () => {
    throw new Error("esbuild was loaded");
  });
  try {
    let isolated: typeof bundleLambda | undefined;
    jest.isolateModules(() => {
      isolated = (require("../lambda/bundle") as typeof import("../lambda/bundle")).bundleLambda;
    });
    return fn(isolated!);
  } finally {
    jest.dontMock("esbuild");
  }
}

describe("bundleLambda: deterministic artifact", () => {
  test("GIVEN two empty cache dirs WHEN the worker-count handler is bundled into each THEN the zips are byte-identical", () => {
    expect(Buffer.compare(fs.readFileSync(a.zipPath), fs.readFileSync(b.zipPath))).toBe(0);
    expect(b.sha256Base64).toBe(a.sha256Base64);
    expect(path.basename(b.zipPath)).toBe(path.basename(a.zipPath));
  });

  test("GIVEN a bundle WHEN its fields are checked THEN the hash and size describe the zip and the file name is content-addressed", () => {
    const bytes = fs.readFileSync(a.zipPath);
    const digest = createHash("sha256").update(bytes).digest();
    expect(a.sha256Base64).toBe(digest.toString("base64"));
    expect(a.sizeBytes).toBe(bytes.length);
    expect(path.dirname(a.zipPath)).toBe(path.join(tmp, "a"));
    expect(path.basename(a.zipPath)).toBe(`worker-count-${digest.toString("hex")}.zip`);
    expect(fs.readdirSync(path.join(tmp, "a")).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  test("GIVEN the zip WHEN its headers are read THEN it has one deflated entry index.js, dated 1980-01-01 00:00, mode 0644", () => {
    const zip = fs.readFileSync(a.zipPath);
    expect(Object.keys(unzipSync(zip))).toEqual(["index.js"]);
    // local file header
    expect(zip.readUInt32LE(0)).toBe(0x04034b50);
    expect(zip.readUInt16LE(8)).toBe(8); // deflate
    expect(zip.readUInt16LE(10)).toBe(0); // DOS time 00:00:00
    expect(zip.readUInt16LE(12)).toBe((0 << 9) | (1 << 5) | 1); // DOS date 1980-01-01
    // central directory entry
    const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    expect(zip.readUInt16LE(eocd + 10)).toBe(1);
    const cd = zip.readUInt32LE(eocd + 16);
    expect(zip.readUInt32LE(cd)).toBe(0x02014b50);
    expect(zip.readUInt8(cd + 5)).toBe(3); // made by: Unix
    expect(zip.readUInt32LE(cd + 38) >>> 16).toBe(0o100644);
  });

  test("GIVEN the bundled code WHEN inspected THEN it is small, minified, keeps @aws-sdk external and holds no absolute or temp paths", () => {
    const code = indexJs(a);
    expect(code).toContain('require("@aws-sdk/client-cloudwatch")');
    expect(code).not.toMatch(/@smithy|credential-provider/); // the SDK was not inlined
    expect(a.sizeBytes).toBeLessThan(10_000);
    expect(code.split("\n").length).toBeLessThanOrEqual(2);
    for (const leak of ["/work/", ROOT, tmp, os.tmpdir(), "sourceMappingURL", "lambda/worker-count"]) {
      expect(code).not.toContain(leak);
    }
  });
});

describe("bundleLambda: cache", () => {
  let dir: string;
  let entry: string;
  let dep: string;
  const write = (file: string, text: string) => fs.writeFileSync(file, text);

  beforeAll(() => {
    dir = path.join(scratch, "src");
    fs.mkdirSync(dir, { recursive: true });
    entry = path.join(dir, "handler.ts");
    dep = path.join(dir, "dep.ts");
    write(dep, "export const greeting = (who: string): string => `hello ${who}`;\n");
    write(entry, 'import { greeting } from "./dep";\nexport const handler = async () => greeting("v1");\n');
  });

  test("GIVEN unchanged inputs WHEN bundled again THEN the cached zip is returned without loading esbuild or rewriting files", () => {
    const cacheDir = path.join(tmp, "hit");
    const first = bundleLambda({ entry, cacheDir, name: "tiny" });
    const files = fs.readdirSync(cacheDir).sort();
    const mtimes = files.map((f) => fs.statSync(path.join(cacheDir, f)).mtimeMs);
    const started = performance.now();
    const again = withoutEsbuild((bundle) => bundle({ entry, cacheDir, name: "tiny" }));
    const elapsed = performance.now() - started;
    expect(again).toEqual(first);
    expect(fs.readdirSync(cacheDir).sort()).toEqual(files);
    expect(files.map((f) => fs.statSync(path.join(cacheDir, f)).mtimeMs)).toEqual(mtimes);
    expect(elapsed).toBeLessThan(250); // milliseconds in practice; bound generous for loaded CI machines
    // the real cache hit also works on the worker-count handler, whose bundle was built in beforeAll
    expect(
      withoutEsbuild((bundle) => bundle({ entry: ENTRY, cacheDir: path.join(tmp, "a"), name: "worker-count" })),
    ).toEqual(a);
  });

  test("GIVEN a changed imported file WHEN bundled THEN the cache misses (esbuild is needed) and the hash changes; reverting restores the first zip", () => {
    const cacheDir = path.join(tmp, "miss");
    const v1 = bundleLambda({ entry, cacheDir, name: "tiny" });
    write(dep, "export const greeting = (who: string): string => `good morning ${who}`;\n");
    try {
      expect(() => withoutEsbuild((bundle) => bundle({ entry, cacheDir, name: "tiny" }))).toThrow("esbuild was loaded");
      const v2 = bundleLambda({ entry, cacheDir, name: "tiny" });
      expect(v2.sha256Base64).not.toBe(v1.sha256Base64);
      expect(v2.zipPath).not.toBe(v1.zipPath);
      expect(indexJs(v2)).toContain("good morning");
    } finally {
      write(dep, "export const greeting = (who: string): string => `hello ${who}`;\n");
    }
    const v3 = bundleLambda({ entry, cacheDir, name: "tiny" });
    expect(v3).toEqual(v1);
  });

  test("GIVEN a changed entry file WHEN bundled THEN the hash changes", () => {
    const cacheDir = path.join(tmp, "entry");
    const v1 = bundleLambda({ entry, cacheDir, name: "tiny" });
    const original = fs.readFileSync(entry, "utf8");
    write(entry, original.replace('"v1"', '"v2"'));
    try {
      const v2 = bundleLambda({ entry, cacheDir, name: "tiny" });
      expect(v2.sha256Base64).not.toBe(v1.sha256Base64);
      expect(indexJs(v2)).toContain('"v2"');
    } finally {
      write(entry, original);
    }
  });

  test("GIVEN the cached zip was deleted WHEN bundled THEN it is rebuilt with the same bytes", () => {
    const cacheDir = path.join(tmp, "deleted");
    const v1 = bundleLambda({ entry, cacheDir, name: "tiny" });
    fs.rmSync(v1.zipPath);
    expect(bundleLambda({ entry, cacheDir, name: "tiny" })).toEqual(v1);
    expect(fs.existsSync(v1.zipPath)).toBe(true);
  });

  test("GIVEN node_modules is a symbolic link to an install outside the project WHEN bundled THEN its packages count as the project's", () => {
    // GIVEN a project whose node_modules links to a shared install (a git worktree, the CDK Terrain check's copy)
    const project = path.join(tmp, "linked-project");
    const shared = path.join(tmp, "shared-install", "node_modules", "shared-dep");
    fs.mkdirSync(shared, { recursive: true });
    fs.mkdirSync(project, { recursive: true });
    write(path.join(shared, "package.json"), '{"name": "shared-dep", "version": "1.0.0", "main": "index.js"}\n');
    write(path.join(shared, "index.js"), 'exports.shout = (s) => s.toUpperCase() + "!";\n');
    write(path.join(project, "package.json"), '{"name": "linked-project", "version": "0.0.0"}\n');
    write(
      path.join(project, "handler.ts"),
      'import { shout } from "shared-dep";\nexport const handler = async () => shout("hi");\n',
    );
    fs.symlinkSync(path.dirname(shared), path.join(project, "node_modules"), "dir");
    // WHEN bundled THEN it builds (no "reads files outside the project root"), with the dependency inside
    const bundle = bundleLambda({
      entry: path.join(project, "handler.ts"),
      cacheDir: path.join(tmp, "linked-cache"),
      name: "linked",
    });
    const code = Buffer.from(unzipSync(fs.readFileSync(bundle.zipPath))["index.js"]).toString("utf8");
    expect(code).toContain("toUpperCase");
    const manifest = JSON.parse(fs.readFileSync(path.join(tmp, "linked-cache", "linked.manifest.json"), "utf8")) as {
      inputs: string[];
    };
    expect(manifest.inputs).toEqual(["handler.ts", "node_modules/shared-dep/index.js"]);
  });

  test("GIVEN invalid options WHEN bundling THEN it refuses with a clear error", () => {
    expect(() => bundleLambda({ entry, cacheDir: "relative/dir", name: "tiny" })).toThrow(/absolute/);
    expect(() => bundleLambda({ entry, cacheDir: tmp, name: "../evil" })).toThrow(/invalid name/);
    expect(() => bundleLambda({ entry: path.join(dir, "missing.ts"), cacheDir: tmp, name: "tiny" })).toThrow(
      /does not exist/,
    );
  });
});

describe("bundled worker-count artifact", () => {
  const cw = mockClient(CloudWatchClient); // stubs CloudWatchClient.prototype.send from <root>/node_modules
  const saved = { ...process.env };
  let artifact: { handler: (event?: { time?: string }) => Promise<unknown> };
  let logSpy: jest.SpyInstance;

  beforeAll(() => {
    const dir = path.join(scratch, "artifact");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "index.js"), indexJs(a));

    artifact = require(path.join(dir, "index.js")) as typeof artifact;
  });
  beforeEach(() => {
    cw.reset();
    logSpy = jest.spyOn(console, "log").mockImplementation(() => undefined);
    process.env.MWAA_ENVIRONMENT_NAME = "bundled-env";
    process.env.METRIC_NAMESPACE = "BundleTest";
  });
  afterEach(() => {
    logSpy.mockRestore();
    process.env = { ...saved };
  });
  afterAll(() => cw.restore());

  test("GIVEN the unzipped index.js WHEN its exported handler is invoked against a mocked CloudWatch THEN it publishes the worker counts", async () => {
    const t0 = Date.UTC(2024, 0, 15, 10, 0, 0); // in the past: the handler never uses an event time later than its clock
    cw.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => {
      const start = (input.StartTime as Date).getTime();
      const minutes = Array.from(
        { length: ((input.EndTime as Date).getTime() - start) / 60_000 },
        (_, i) => new Date(start + i * 60_000),
      );
      return {
        MetricDataResults: (input.MetricDataQueries ?? []).map((q) => ({
          Id: q.Id,
          Timestamps: minutes,
          Values: minutes.map(() =>
            q.MetricStat?.Metric?.Dimensions?.some((d) => d.Value === "AdditionalWorker") ? 2 : 1,
          ),
          StatusCode: "Complete",
        })),
      };
    });
    cw.on(PutMetricDataCommand).resolves({});

    await expect(artifact.handler({ time: new Date(t0 + 20_000).toISOString() })).resolves.toMatchObject({
      environment: "bundled-env",
      namespace: "BundleTest",
      publishedMinutes: 1,
    });

    const puts = cw.commandCalls(PutMetricDataCommand);
    expect(puts).toHaveLength(1);
    expect(puts[0]!.args[0].input.Namespace).toBe("BundleTest");
    const data = (puts[0]!.args[0].input.MetricData ?? []) as MetricDatum[];
    expect(data).toHaveLength(2);
    expect(data[0]).toEqual({
      MetricName: "WorkerCount",
      Dimensions: [{ Name: "Environment", Value: "bundled-env" }],
      Timestamp: new Date(t0 - 5 * 60_000),
      Value: 3,
      Unit: "Count",
      StorageResolution: 60,
    });
    expect(data[1]).toMatchObject({ MetricName: "AdditionalWorkerCount", Value: 2 });
    expect(logSpy).toHaveBeenCalledTimes(1);
    expect(JSON.parse(logSpy.mock.calls[0]![0] as string)).toMatchObject({ level: "INFO", publishedMinutes: 1 });
  });

  test("GIVEN the unzipped index.js WHEN CloudWatch fails THEN the bundled handler rejects", async () => {
    cw.on(GetMetricDataCommand).rejects(new Error("AccessDenied"));
    const errorSpy = jest.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      await expect(artifact.handler({})).rejects.toThrow("AccessDenied");
      expect(errorSpy).toHaveBeenCalledTimes(1);
      expect(JSON.parse(errorSpy.mock.calls[0]![0] as string)).toMatchObject({
        level: "ERROR",
        environment: "bundled-env",
        detail: "AccessDenied",
      });
      expect(logSpy).not.toHaveBeenCalled();
    } finally {
      errorSpy.mockRestore();
    }
  });
});
