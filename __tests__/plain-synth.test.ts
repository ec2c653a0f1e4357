import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Lazy } from "cdktf";
import { version as cdktfVersion } from "cdktf/package.json";
import { loadApp, synthStacks } from "../app/mwaa-app";
import { VERIFIED_CDKTF } from "../app/fast-synth";
import { withoutTokenStackTraces } from "../app/stack-traces";
import { PLAIN_ENV, plainSynthRequested } from "../app/synth";

/**
 * The fast path (fastSynth, no token stack traces) against the plain one (MWAA_PLAIN_SYNTH=1:
 * cdktf's app.synth(), nothing patched, nothing cached) on every shipped config: the same files,
 * byte for byte. The files each environment uploads are prepared once and handed to both.
 */

const ROOT = path.resolve(__dirname, "..");
const CONFIGS = [
  "config/example.json",
  ...fs
    .readdirSync(path.join(ROOT, "config/examples"))
    .filter((f) => f.endsWith(".json"))
    .map((f) => `config/examples/${f}`),
];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mwaa-plain-synth-test-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Every file under a folder, by relative path, with its bytes. */
function files(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const rel of fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).sort()) {
    if (fs.statSync(path.join(dir, rel)).isFile()) out.set(rel, fs.readFileSync(path.join(dir, rel)));
  }
  return out;
}

test.each(CONFIGS)("%s: the fast and the plain synth write the same bytes", (config) => {
  // GIVEN a shipped config, validated and its files prepared once
  const loaded = loadApp({ configFile: path.join(ROOT, config), root: ROOT, plain: true });
  // WHEN synthesized both ways (plain first: nothing recorded by the fast path can help it)
  const plainDir = path.join(tmp, path.basename(config, ".json"), "plain");
  const fastDir = path.join(tmp, path.basename(config, ".json"), "fast");
  synthStacks(loaded, plainDir, true);
  synthStacks(loaded, fastDir, false);
  // THEN every file is the same, and there is at least one stack
  const plain = files(plainDir);
  const fast = files(fastDir);
  expect([...fast.keys()]).toEqual([...plain.keys()]);
  expect([...plain.keys()].filter((f) => f.endsWith("cdk.tf.json")).length).toBeGreaterThan(0);
  for (const [rel, bytes] of plain) expect({ rel, same: fast.get(rel)?.equals(bytes) }).toEqual({ rel, same: true });
});

describe("MWAA_PLAIN_SYNTH", () => {
  test.each([
    [undefined, false],
    ["", false],
    ["0", false],
    ["1", true],
    ["true", true],
  ])("%p turns the plain path %p", (value, plain) => {
    expect(plainSynthRequested(value === undefined ? {} : { [PLAIN_ENV]: value })).toBe(plain);
  });

  test("the runner reads the same variable the app does", () => {
    expect(fs.readFileSync(path.join(ROOT, "app", "run-ts.js"), "utf8")).toContain(`process.env.${PLAIN_ENV}`);
  });
});

describe("token stack traces off (app/stack-traces.ts)", () => {
  const creationStack = () =>
    (Lazy.anyValue({ produce: () => "x" }) as unknown as { creationStack?: string[] }).creationStack;
  const original = Error.captureStackTrace;

  test("on the verified cdktf release: tokens record no stack while it is on, and the original is back after", () => {
    expect(cdktfVersion).toBe(VERIFIED_CDKTF);
    expect(creationStack()?.length).toBeGreaterThan(0);
    const restore = withoutTokenStackTraces();
    try {
      expect(creationStack()).toEqual([]);
      // an Error still gets its stack
      expect(new Error("still traced").stack).toContain("still traced\n    at ");
    } finally {
      restore();
    }
    expect(Error.captureStackTrace).toBe(original);
    expect(creationStack()?.length).toBeGreaterThan(0);
  });

  test("on any other cdktf release (CDK Terrain included): nothing is replaced", () => {
    const restore = withoutTokenStackTraces("0.22.0");
    expect(Error.captureStackTrace).toBe(original);
    expect(creationStack()?.length).toBeGreaterThan(0);
    restore();
    expect(Error.captureStackTrace).toBe(original);
  });
});
