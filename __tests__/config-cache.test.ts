import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseConfig, parseEnvironment } from "../model/parse";
import * as validation from "../model/validation";
import { BUNDLE_ENV, loadConfig } from "../app/config-cache";

/**
 * The app's config cache (app/config-cache.ts) and the construct's shortcut for environments
 * parseConfig already validated (model/parse.ts): same results as validating, never stale.
 */

const ROOT = path.resolve(__dirname, "..");
const shipped = [
  "config/example.json",
  ...fs.readdirSync(path.join(ROOT, "config", "examples")).map((f) => `config/examples/${f}`),
];
const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), "utf8");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mwaa-config-cache-test-"));
const saved = process.env[BUNDLE_ENV];
afterEach(() => {
  if (saved === undefined) delete process.env[BUNDLE_ENV];
  else process.env[BUNDLE_ENV] = saved;
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Equal as data, key order and keys set to undefined included (and whatever realm made the objects). */
const shape = (v: unknown) => JSON.stringify(v, (_key, x: unknown) => (x === undefined ? "(undefined)" : x));
const same = (a: unknown, b: unknown) => shape(a) === shape(b);
/**
 * loadConfig in a fresh module registry where zod's package.json says `version` (zod itself is
 * never touched); whether it validated, i.e. loaded the schemas (a hit does not).
 */
function loadWithZod(version: string, text: string, file: string, root: string): boolean {
  const zodPackage = `${path.sep}zod${path.sep}package.json`;
  let validated = false;
  jest.isolateModules(() => {
    const realFs = jest.requireActual<typeof import("node:fs")>("node:fs");
    const readFileSync = ((...args: Parameters<typeof realFs.readFileSync>) =>
      String(args[0]).endsWith(zodPackage)
        ? JSON.stringify({ version })
        : realFs.readFileSync(...args)) as typeof realFs.readFileSync;
    jest.doMock("node:fs", () => ({ ...realFs, readFileSync }));
    jest.doMock("../model/validation", () => {
      validated = true;
      return jest.requireActual("../model/validation");
    });
    (jest.requireActual("../app/config-cache") as typeof import("../app/config-cache")).loadConfig(text, file, root);
  });
  jest.dontMock("node:fs");
  jest.dontMock("../model/validation");
  return validated;
}
const installedZod = (JSON.parse(fs.readFileSync(require.resolve("zod/package.json"), "utf8")) as { version: string })
  .version;

const cacheFiles = (root: string) =>
  fs.existsSync(path.join(root, ".cache", "config")) ? fs.readdirSync(path.join(root, ".cache", "config")) : [];

describe("loadConfig", () => {
  test.each(shipped)("%s: a cached config equals a validated one, keys set to undefined included", (rel) => {
    const root = fs.mkdtempSync(path.join(tmp, "shipped-"));
    process.env[BUNDLE_ENV] = "main-0123456789abcdef.js";
    const first = loadConfig(read(rel), rel, root);
    expect(cacheFiles(root)).toHaveLength(1);
    const again = loadConfig(read(rel), rel, root);
    expect(same(again, validation.parseConfig(read(rel), rel))).toBe(true);
    expect(same(first, again)).toBe(true);
  });

  test("a hit loads neither zod nor the schemas", () => {
    const root = fs.mkdtempSync(path.join(tmp, "lazy-"));
    process.env[BUNDLE_ENV] = "main-0123456789abcdef.js";
    loadConfig(read("config/example.json"), "config/example.json", root);
    jest.isolateModules(() => {
      jest.doMock("../model/validation", () => {
        throw new Error("validation loaded");
      });
      jest.doMock("zod", () => {
        throw new Error("zod loaded");
      });
      const isolated = jest.requireActual("../app/config-cache") as typeof import("../app/config-cache");
      const config = isolated.loadConfig(read("config/example.json"), "config/example.json", root);
      const { parseEnvironment: isolatedParse } = jest.requireActual(
        "../model/parse",
      ) as typeof import("../model/parse");
      expect(isolatedParse({ ...config.environments[0] })).toEqual(config.environments[0]);
    });
    jest.dontMock("../model/validation");
    jest.dontMock("zod");
  });

  test("a changed text or another bundle validates again; an invalid config is never cached", () => {
    const root = fs.mkdtempSync(path.join(tmp, "stale-"));
    const file = "config/example.json";
    process.env[BUNDLE_ENV] = "main-0123456789abcdef.js";
    const text = read(file);
    loadConfig(text, file, root);
    const broken = text.replace('"mw1.small"', '"mw1.tiny"');
    expect(() => loadConfig(broken, file, root)).toThrow(/environmentClass/);
    expect(() => loadConfig(broken, file, root)).toThrow(/environmentClass/);
    const renamed = JSON.parse(text);
    renamed.environments[0].name = "renamed";
    expect(loadConfig(JSON.stringify(renamed), file, root).environments[0].name).toBe("renamed");
    process.env[BUNDLE_ENV] = "main-fedcba9876543210.js";
    const cached = fs.readFileSync(path.join(root, ".cache", "config", cacheFiles(root)[0]));
    loadConfig(JSON.stringify(renamed), file, root);
    expect(fs.readFileSync(path.join(root, ".cache", "config", cacheFiles(root)[0]))).not.toEqual(cached);
  });

  test("another installed zod validates again: zod is outside the bundle, its version is in the key", () => {
    const root = fs.mkdtempSync(path.join(tmp, "zod-"));
    const file = "config/example.json";
    const text = read(file);
    process.env[BUNDLE_ENV] = "main-0123456789abcdef.js";
    loadConfig(text, file, root);
    expect(loadWithZod(installedZod, text, file, root)).toBe(false);
    expect(loadWithZod(`${installedZod}-other`, text, file, root)).toBe(true);
    expect(loadWithZod(`${installedZod}-other`, text, file, root)).toBe(false);
  });

  test("outside the runner (no bundle name) nothing is cached", () => {
    const root = fs.mkdtempSync(path.join(tmp, "none-"));
    delete process.env[BUNDLE_ENV];
    loadConfig(read("config/example.json"), "config/example.json", root);
    expect(cacheFiles(root)).toEqual([]);
  });
});

describe("parseEnvironment of an environment parseConfig returned", () => {
  test.each(shipped)("%s: the same as validating it again", (rel) => {
    for (const environment of parseConfig(read(rel), rel).environments) {
      expect(same(parseEnvironment({ ...environment }), validation.parseEnvironment({ ...environment }))).toBe(true);
    }
  });

  test("a changed copy is validated", () => {
    const [environment] = parseConfig(read("config/example.json"), "config/example.json").environments;
    expect(() =>
      parseEnvironment(
        { ...environment, airflow: { ...environment.airflow, environmentClass: "mw1.tiny" } } as never,
        "copy",
      ),
    ).toThrow(/copy: airflow.environmentClass/);
  });

  test("the result is the construct's own copy", () => {
    const [environment] = parseConfig(read("config/example.json"), "config/example.json").environments;
    const parsed = parseEnvironment({ ...environment });
    expect(parsed).not.toBe(environment);
    expect(parsed.airflow).not.toBe(environment.airflow);
  });
});
