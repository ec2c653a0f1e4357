/**
 * The package as a construct library, tested the way a user gets it: `npm pack` (which builds
 * dist/ through prepack), the tarball unpacked into node_modules/ of a temporary copy of
 * examples/embed, then the example type-checked against the packed declarations and synthesized.
 *
 * No network: the example's other dependencies (cdktf, constructs, @cdktf/provider-aws, esbuild,
 * tsx, ...) and the package's own (zod, fflate) are symlinked from this project's node_modules, at
 * the versions the example declares. The tarball is unpacked, not linked, so only what it holds can
 * be resolved: a file missing from `files`, a wrong `exports` target or a declaration that points
 * at an unshipped module fails here.
 *
 * Slow by nature (incremental tsc build, pack, a tsc check with skipLibCheck off, a synth): about
 * 10 to 15 s on two cores, so everything runs once in beforeAll (type-check and synth in parallel),
 * and its result is reused while the content it depends on is unchanged (see beforeAll).
 */
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const EXAMPLE = path.join(ROOT, "examples", "embed");
const PROJECT = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as PackageJson;
const EXAMPLE_PACKAGE = JSON.parse(fs.readFileSync(path.join(EXAMPLE, "package.json"), "utf8")) as PackageJson;
/** The references examples/embed/main.ts passes in for its own subnets, and its existing bucket. */
const EXISTING_SUBNETS = ["${aws_subnet.PrivateA.id}", "${aws_subnet.PrivateB.id}"];
const EXISTING_BUCKET = "platform-airflow-artifacts";

interface PackageJson {
  name: string;
  version: string;
  main?: string;
  types?: string;
  exports?: Record<string, string | Record<string, string>>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

interface Packed {
  filename: string;
  size: number;
  entryCount: number;
  files: { path: string }[];
}

interface Run {
  code: number;
  output: string;
}

type Block = Record<string, any>;
interface TerraformJson {
  terraform: Block;
  provider: Record<string, Block[]>;
  resource: Record<string, Record<string, Block>>;
  data: Record<string, Record<string, Block>>;
  output: Record<string, Block>;
}

function run(argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, {
      cwd,
      env: { ...process.env, CHECKPOINT_DISABLE: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (b: Buffer) => (output += b.toString()));
    child.stderr.on("data", (b: Buffer) => (output += b.toString()));
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

/** Symlinks node_modules/<name> of the app to the project's installed copy. */
function linkDependency(app: string, name: string): void {
  const target = path.join(ROOT, "node_modules", name);
  if (!fs.existsSync(target))
    throw new Error(`${name} is not installed in the project: cannot link it into the example`);
  const link = path.join(app, "node_modules", name);
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.symlinkSync(target, link, "dir");
}

/**
 * Everything the pack, the type-check and the synth read: the project's files that git sees
 * (tracked or not ignored, with their content), minus the other test suites, plus the Node version.
 * package-lock.json stands for node_modules. Outside a git checkout there is no key (no reuse).
 */
function contentKey(): string | undefined {
  let list: string;
  try {
    list = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch {
    return undefined;
  }
  const hash = createHash("sha256").update(`${process.version}\0`);
  const files = list
    .split("\0")
    .filter((f) => f !== "" && (!f.startsWith("__tests__/") || f === "__tests__/library.test.ts"))
    .sort();
  for (const file of files) {
    if (!fs.statSync(path.join(ROOT, file), { throwIfNoEntry: false })?.isFile()) continue; // deleted, not yet staged; or a link
    hash
      .update(`${file}\0`)
      .update(fs.readFileSync(path.join(ROOT, file)))
      .update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

/** What one run of the procedure found: reused as it is while the content key stays the same. */
interface Result {
  packed: Packed;
  tsc: Run;
  synth: Run;
}

/**
 * npm pack, the tarball unpacked into a copy of the example with its dependencies linked, then the
 * example type-checked and synthesized in parallel, all in `dir`.
 */
async function packAndBuild(dir: string): Promise<Result> {
  let t = Date.now();
  const out = execFileSync("npm", ["pack", "--pack-destination", dir, "--json", "--silent"], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  const packed = (JSON.parse(out.slice(out.indexOf("["))) as Packed[])[0]!;
  timings.pack = Date.now() - t;

  const app = path.join(dir, "app");
  fs.cpSync(EXAMPLE, app, { recursive: true, filter: (src) => !/[\\/](node_modules|cdktf\.out|\.cache)$/.test(src) });
  const unpacked = path.join(app, "node_modules", PROJECT.name);
  fs.mkdirSync(unpacked, { recursive: true });
  execFileSync("tar", ["-xzf", path.join(dir, packed.filename), "-C", unpacked, "--strip-components=1"]);
  const links = new Set([
    ...Object.keys(EXAMPLE_PACKAGE.dependencies ?? {}),
    ...Object.keys(EXAMPLE_PACKAGE.devDependencies ?? {}),
    ...Object.keys(PROJECT.dependencies ?? {}),
  ]);
  links.delete(PROJECT.name);
  links.delete("cdktf-cli"); // the CLI only runs `cdktf synth`; the test runs the app command itself
  for (const name of links) linkDependency(app, name);

  t = Date.now();
  const timed = async (name: string, p: Promise<Run>) => {
    const r = await p;
    timings[name] = Date.now() - t;
    return r;
  };
  const [tsc, synth] = await Promise.all([
    timed("tsc", run([path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "."], app)),
    // The example's cdktf.json app command, as `cdktf synth` would run it.
    timed("synth", run(["-r", "tsx/cjs", "main.ts"], app, { CDKTF_OUTDIR: path.join(app, "cdktf.out") })),
  ]);
  return { packed, tsc, synth };
}

/**
 * By default the work runs in a temporary folder and nothing is reused. With MWAA_TEST_REUSE=1 it
 * runs in .cache/library-test/<content key>/ and its result is kept there: a later run on the same
 * content (nothing the package or the example reads has changed) reuses it instead of packing,
 * type-checking and synthesizing again (about 15 s). Only a passing result is kept; a new key
 * replaces the old folder. Opt-in: a reused result is one this run did not check.
 */
const REUSE = process.env.MWAA_TEST_REUSE === "1";
const CACHE = path.join(ROOT, ".cache", "library-test");
let workDir: string;
let app: string;
let packed: Packed;
let tsc: Run;
let synth: Run;
let tf: TerraformJson;
const timings: Record<string, number> = {};

beforeAll(async () => {
  const key = REUSE ? contentKey() : undefined;
  workDir = key === undefined ? fs.mkdtempSync(path.join(os.tmpdir(), "mwaa-library-test-")) : path.join(CACHE, key);
  app = path.join(workDir, "app");
  const resultFile = path.join(workDir, "result.json");
  let result: Result;
  if (key !== undefined && fs.existsSync(resultFile)) {
    result = JSON.parse(fs.readFileSync(resultFile, "utf8")) as Result;
    process.stdout.write(`library test: reused the result for content ${key} (.cache/library-test)\n`);
  } else {
    if (key !== undefined) {
      fs.rmSync(CACHE, { recursive: true, force: true });
      fs.mkdirSync(workDir, { recursive: true });
    }
    result = await packAndBuild(workDir);
    if (key !== undefined && result.tsc.code === 0 && result.synth.code === 0)
      fs.writeFileSync(resultFile, JSON.stringify(result));
    process.stdout.write(
      `library test: pack ${timings.pack} ms, tsc ${timings.tsc} ms, synth ${timings.synth} ms (in parallel)\n`,
    );
  }
  ({ packed, tsc, synth } = result);
  if (synth.code === 0)
    tf = JSON.parse(
      fs.readFileSync(path.join(app, "cdktf.out", "stacks", "platform", "cdk.tf.json"), "utf8"),
    ) as TerraformJson;
}, 180_000);

afterAll(() => {
  if (workDir !== undefined && !workDir.startsWith(CACHE)) fs.rmSync(workDir, { recursive: true, force: true });
});

describe("the packed tarball", () => {
  const paths = () => packed.files.map((f) => f.path);

  test("holds compiled JS and declarations, the Lambda handler sources, the MWAA image data, and nothing else", () => {
    // GIVEN the files npm pack put in the tarball
    // THEN each is compiled output, a handler source bundleLambda needs at synth time, image data the requirements check reads, or package metadata
    const imageData = /^plugins\/image-data\/\d+\.\d+\.\d+\.json$/;
    const unexpected = paths().filter(
      (p) =>
        !/^dist\/.+\.(js|d\.ts)$/.test(p) &&
        !/^dist\/lambda\/[a-z0-9-]+\.zip$/.test(p) &&
        !/^lambda\/[a-z0-9-]+\/[a-z0-9-]+\.ts$/.test(p) &&
        !imageData.test(p) &&
        !["package.json", "README.md", "LICENSE"].includes(p),
    );
    expect(unexpected).toEqual([]);
    expect(paths()).toEqual(
      expect.arrayContaining(["plugins/image-data/3.3.1.json", "plugins/image-data/2.11.0.json"]),
    );
    expect(
      paths().filter(
        (p) =>
          /(^|\/)(__tests__|cdktf\.out|node_modules|\.cache|examples|scripts)\//.test(p) ||
          /\.test\.|tsbuildinfo|\.map$/.test(p),
      ),
    ).toEqual([]);
    expect(paths()).toEqual(
      expect.arrayContaining([
        "lambda/worker-count/handler.ts",
        "lambda/worker-count/contract.ts",
        "lambda/login/handler.ts",
      ]),
    );
  });

  test("has every file main, types and exports point at", () => {
    const targets = [
      PROJECT.main,
      PROJECT.types,
      ...Object.values(PROJECT.exports ?? {}).flatMap((v) => (typeof v === "string" ? [v] : Object.values(v))),
    ]
      .filter((t): t is string => t !== undefined)
      .map((t) => t.replace(/^\.\//, ""));
    const concrete = targets.flatMap((t) =>
      t.includes("*") ? ["worker-count", "login"].map((n) => t.replace("*", n)) : [t],
    );
    expect(concrete.filter((t) => !paths().includes(t))).toEqual([]);
  });

  test("ships no stale output: every compiled file has its TypeScript source", () => {
    // An incremental build never deletes the output of a removed source; npm pack would ship it.
    const orphans = paths()
      .filter((p) => p.startsWith("dist/") && /\.(js|d\.ts)$/.test(p))
      .map((p) => p.replace(/^dist\//, "").replace(/(\.d\.ts|\.js)$/, ".ts"))
      .filter((src) => !fs.existsSync(path.join(ROOT, src)));
    expect(orphans).toEqual([]);
  });

  test("has declarations that import only shipped files, its dependencies and node built-ins", () => {
    const dependencies = new Set([
      ...Object.keys(PROJECT.dependencies ?? {}),
      ...Object.keys(PROJECT.peerDependencies ?? {}),
    ]);
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    const root = path.join(app, "node_modules", PROJECT.name);
    const problems: string[] = [];
    for (const file of paths().filter((p) => p.endsWith(".d.ts"))) {
      const text = fs.readFileSync(path.join(root, file), "utf8");
      for (const [, spec] of text.matchAll(
        /(?:from\s+|import\s*\(\s*|require\s*\(\s*|reference\s+path=)["']([^"']+)["']/g,
      )) {
        if (spec!.startsWith(".")) {
          const base = path.posix.join(path.posix.dirname(file), spec!);
          if (![`${base}.d.ts`, `${base}/index.d.ts`, base].some((c) => paths().includes(c)))
            problems.push(`${file}: ${spec} is not in the tarball`);
        } else {
          const pkg = spec!.startsWith("@") ? spec!.split("/").slice(0, 2).join("/") : spec!.split("/")[0]!;
          if (!dependencies.has(pkg) && !builtins.has(spec!) && !builtins.has(pkg))
            problems.push(`${file}: ${spec} is not a dependency of the package`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test("is the file the example's package.json installs", () => {
    expect(EXAMPLE_PACKAGE.dependencies?.[PROJECT.name]).toBe(`file:../../${packed.filename}`);
  });

  test("the example declares the versions this project builds and tests with", () => {
    const declared = { ...EXAMPLE_PACKAGE.dependencies, ...EXAMPLE_PACKAGE.devDependencies };
    const mismatches = Object.entries(declared)
      .filter(([name]) => name !== PROJECT.name)
      .filter(([name, version]) => ({ ...PROJECT.dependencies, ...PROJECT.devDependencies })[name] !== version)
      .map(([name, version]) => `${name}@${version}`);
    expect(mismatches).toEqual([]);
  });
});

describe("examples/embed against the packed package", () => {
  test("type-checks against the packed declarations (skipLibCheck off)", () => {
    if (tsc.code !== 0) throw new Error(`tsc failed:\n${tsc.output}`);
  });

  test("synthesizes", () => {
    if (synth.code !== 0) throw new Error(`synth failed:\n${synth.output}`);
    expect(tf.resource).toBeDefined();
  });

  test("puts the MWAA environment into the embedder's stack, on the subnets passed in", () => {
    const environments = Object.values(tf.resource.aws_mwaa_environment ?? {});
    expect(environments).toHaveLength(1);
    expect(environments[0]!.name).toBe("platform-airflow");
    expect(environments[0]!.network_configuration.subnet_ids).toEqual(EXISTING_SUBNETS);
    expect(environments[0]!.webserver_access_mode).toBe("PRIVATE_ONLY");
    // The customer managed endpoints on the same subnets.
    const endpoints = Object.values(tf.resource.aws_vpc_endpoint ?? {});
    expect(endpoints.map((e) => e.subnet_ids)).toEqual([EXISTING_SUBNETS, EXISTING_SUBNETS]);
  });

  test("keeps the embedder's own resource, provider and outputs", () => {
    expect(tf.resource.aws_sns_topic?.Alerts?.name).toBe("platform-alerts");
    // One AWS provider: the embedder's, with its default tags; the construct adds none of its own.
    expect(tf.provider.aws).toEqual([
      { default_tags: [{ tags: { "managed-by": "platform-cdktf" } }], region: "eu-west-1" },
    ]);
    expect(Object.keys(tf.output).sort()).toEqual([
      "airflow_bucket_name",
      "airflow_environment_arn",
      "airflow_security_group_id",
      "alerts_topic_arn",
    ]);
    expect(tf.terraform.backend).toEqual({ local: { path: "terraform.platform.tfstate" } });
  });

  test("uses the existing bucket instead of creating one, and uploads the example's DAG to it", () => {
    expect(tf.resource.aws_s3_bucket).toBeUndefined();
    expect(Object.values(tf.data.aws_s3_bucket ?? {}).map((b) => b.bucket)).toEqual([EXISTING_BUCKET]);
    const objects = Object.values(tf.resource.aws_s3_object ?? {});
    expect(objects.map((o) => o.key)).toEqual(["dags/platform_hello.py"]);
  });

  test("runs the worker-count Lambda from the bundle prebuilt in the tarball", () => {
    const functions = Object.values(tf.resource.aws_lambda_function ?? {});
    expect(functions).toHaveLength(1);
    expect(functions[0]!.filename).toMatch(/^assets\/.+\/worker-count\.zip$/);
    expect(fs.existsSync(path.join(app, "cdktf.out", "stacks", "platform", functions[0]!.filename))).toBe(true);
  });
});
