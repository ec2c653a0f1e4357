import { spawnSync } from "node:child_process";
import { MWAA_REGIONS } from "../model/regions";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type TerraformJson, addresses, minimalEnvironment } from "./helpers";

/**
 * End-to-end: the real app (`node app/run-ts.js main.ts`, as `npm run synth` runs it) on
 * temporary configs and output folders. Five spawns in all (about 0.5 s each), run one after the
 * other because they share the runner's and the artifacts' caches under .cache/.
 *
 * The golden list of resource addresses (by stack) comes from the same run: config/example.json's
 * environments as the app builds them. It is read from the app's output rather than from an
 * in-process MwaaStack because the app also hands in the prepared uploads and the Lambda bundle,
 * whose resources an in-process synth without them would leave out. To accept a deliberate change:
 *
 *     UPDATE_GOLDEN=1 npx jest __tests__/app.test.ts
 *
 * then review the diff of __tests__/golden/example-addresses.json like any other code change.
 */

const ROOT = path.resolve(__dirname, "..");
const GOLDEN = path.join(__dirname, "golden", "example-addresses.json");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mwaa-app-test-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the app on a config (written to a temporary file) into an output folder. */
function synth(
  config: unknown,
  outdir: string,
  configName: string,
  env: NodeJS.ProcessEnv = {},
): Run & { configFile: string } {
  const configFile = path.join(tmp, configName);
  fs.writeFileSync(configFile, typeof config === "string" ? config : JSON.stringify(config, null, 2));
  const result = spawnSync(process.execPath, ["app/run-ts.js", "main.ts"], {
    cwd: ROOT,
    env: { ...process.env, MWAA_CONFIG: configFile, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1", ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, configFile };
}

/** Every file under a folder, by relative path, with its bytes. */
function snapshot(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else files.set(child, fs.readFileSync(path.join(dir, child)));
    }
  };
  walk("");
  return files;
}

/** An output folder with an unrelated file and a stack folder left by an earlier synth. */
function outdirWithLeftovers(name: string): string {
  const outdir = path.join(tmp, name);
  fs.mkdirSync(path.join(outdir, "stacks", "removed-env"), { recursive: true });
  fs.writeFileSync(path.join(outdir, "sentinel.txt"), "kept by the user\n");
  fs.writeFileSync(
    path.join(outdir, "stacks", "removed-env", "cdk.tf.json"),
    '{"resource": {"aws_s3_bucket": {"old": {}}}}\n',
  );
  return outdir;
}

const example = JSON.parse(fs.readFileSync(path.join(ROOT, "config", "example.json"), "utf8")) as {
  backend: unknown;
  environments: { name: string }[];
};
const exampleStacks = example.environments.map((e) => e.name);
/** The example's environments plus a small one of our own: two stacks or more. */
const validConfig = {
  backend: example.backend,
  environments: [...example.environments, minimalEnvironment({ name: "e2e-extra" })],
};
const expectedStacks = [...exampleStacks, "e2e-extra"].sort();

describe("an invalid config", () => {
  let run: Run & { configFile: string };
  let outdir: string;
  let before: Map<string, Buffer>;

  beforeAll(() => {
    // GIVEN an output folder with leftovers, and a config with two mistakes
    outdir = outdirWithLeftovers("out-invalid");
    before = snapshot(outdir);
    const config = { environments: [minimalEnvironment({ name: "bad name", region: "Europe" })] };
    // WHEN the app runs
    run = synth(config, outdir, "invalid.json");
  });

  test("exits non-zero", () => {
    expect(run.status).not.toBe(0);
    expect(run.status).not.toBeNull();
  });

  test("prints one line per problem, naming the file and the field", () => {
    const lines = run.stderr.split("\n").filter((l) => l.trim() !== "");
    expect(lines.sort()).toEqual([
      `${run.configFile}: environments[0].name: 1 to 80 characters, a letter then letters, digits, - or _ (got "bad name")`,
      `${run.configFile}: environments[0].region: an AWS Region where Amazon MWAA runs (aws: ${MWAA_REGIONS.aws.join(", ")}; aws-cn: ${MWAA_REGIONS["aws-cn"].join(", ")}) (got "Europe")`,
    ]);
  });

  test("prints no stack trace", () => {
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stdout).not.toMatch(/^\s+at /m);
  });

  test("leaves the output folder untouched", () => {
    // THEN the same files with the same bytes: the sentinel and the old stack are still there
    const after = snapshot(outdir);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [file, bytes] of before) expect(after.get(file)?.equals(bytes)).toBe(true);
  });
});

describe("a config whose artifacts cannot be prepared", () => {
  /** A DAG folder inside the project (artifact paths are relative to its root) holding a dangling link. */
  const danglingLink = (): string => {
    fs.mkdirSync(path.join(ROOT, ".cache"), { recursive: true });
    const dags = fs.mkdtempSync(path.join(ROOT, ".cache", "app-test-links-"));
    fs.writeFileSync(path.join(dags, "a.py"), "a = 1\n");
    fs.symlinkSync(path.join(dags, "gone.py"), path.join(dags, "broken.py"));
    return path.relative(ROOT, dags);
  };
  const made: string[] = [];
  afterAll(() => made.forEach((d) => fs.rmSync(path.join(ROOT, d), { recursive: true, force: true })));

  test.each([
    ["a DAG folder that does not exist", () => "airflow/no-such-folder"],
    ["a dangling symbolic link in the DAG folder", () => (made.push(danglingLink()), made[made.length - 1])],
  ])("%s: fails with the field's line, before the output folder is touched", (_case, dagsDir) => {
    // GIVEN a schema-valid config whose DAG folder is found bad only when preparing uploads
    const outdir = outdirWithLeftovers(`out-artifacts-${made.length}`);
    const before = snapshot(outdir);
    const config = { environments: [minimalEnvironment({ artifacts: { dagsDir: dagsDir() } })] };
    // WHEN the app runs
    const run = synth(config, outdir, "artifacts.json");
    // THEN it exits non-zero with one line for the field, no stack trace, and the same output folder
    expect(run.status).not.toBe(0);
    // (progress lines of the artifact pipeline may come before it)
    const lines = run.stderr.split("\n").filter((l) => l.startsWith(`${run.configFile}: `));
    expect(lines).toHaveLength(1);
    expect(lines[0].startsWith(`${run.configFile}: environments[0].artifacts.dagsDir: `)).toBe(true);
    expect(lines[0]).toMatch(/ \(got .+\)$/);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    const after = snapshot(outdir);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [file, bytes] of before) expect(after.get(file)?.equals(bytes)).toBe(true);
  });
});

describe("MWAA_PYTHON", () => {
  test("names the interpreter whose pip builds plugins.zip, and the error says how to set it", () => {
    // GIVEN requirements no earlier synth has cached (so pip must run), and MWAA_PYTHON naming no interpreter
    fs.mkdirSync(path.join(ROOT, ".cache"), { recursive: true });
    const dir = fs.mkdtempSync(path.join(ROOT, ".cache", "app-test-python-"));
    try {
      fs.writeFileSync(path.join(dir, "requirements.txt"), `# ${path.basename(dir)}\nacme-uncached==1.0\n`);
      const config = {
        environments: [
          minimalEnvironment({
            artifacts: {
              dagsDir: "airflow/dags",
              requirements: path.relative(ROOT, path.join(dir, "requirements.txt")),
            },
          }),
        ],
      };
      // WHEN the app runs
      const run = synth(config, path.join(tmp, "out-python"), "python.json", { MWAA_PYTHON: "/no/such/python3" });
      // THEN one line for the field that names that interpreter and the variable to change
      expect(run.status).toBe(1);
      const lines = run.stderr.split("\n").filter((l) => l.trim() !== "");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /environments\[0\]\.artifacts\.requirements: cannot run "\/no\/such\/python3" .*MWAA_PYTHON=\/path\/to\/python3/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a config that fails while the stacks are built", () => {
  test("fails with a field line, and the output folder keeps its earlier stacks", () => {
    // GIVEN two DAG paths that map to one resource id (a/b.py and a--b.py), found only by the construct
    // (inside the project: artifact paths are relative to its root)
    fs.mkdirSync(path.join(ROOT, ".cache"), { recursive: true });
    const dags = fs.mkdtempSync(path.join(ROOT, ".cache", "app-test-dags-"));
    try {
      fs.mkdirSync(path.join(dags, "a"));
      fs.writeFileSync(path.join(dags, "a", "b.py"), "# one\n");
      fs.writeFileSync(path.join(dags, "a--b.py"), "# two\n");
      const outdir = outdirWithLeftovers("out-construct");
      const before = snapshot(outdir);
      const config = { environments: [minimalEnvironment({ artifacts: { dagsDir: path.relative(ROOT, dags) } })] };
      // WHEN the app runs
      const run = synth(config, outdir, "construct.json");
      // THEN a non-zero exit with the field's line, no stack trace, and the same output folder
      expect(run.status).not.toBe(0);
      expect(run.stderr).toMatch(/artifacts\.dagsDir: "a--b\.py" and "a\/b\.py" map to the same resource id/);
      expect(run.stderr).not.toMatch(/^\s+at /m);
      const after = snapshot(outdir);
      expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
      for (const [file, bytes] of before) expect(after.get(file)?.equals(bytes)).toBe(true);
    } finally {
      fs.rmSync(dags, { recursive: true, force: true });
    }
  });
});

describe("a valid config", () => {
  let first: Run;
  let second: Run;
  let outA: string;
  let outB: string;

  beforeAll(() => {
    // GIVEN the example's environments plus one more, and two output folders (one with leftovers)
    outA = outdirWithLeftovers("out-a");
    outB = path.join(tmp, "out-b");
    // WHEN the app synthesizes the same input twice
    first = synth(validConfig, outA, "valid.json");
    second = synth(validConfig, outB, "valid.json");
  });

  test("succeeds", () => {
    expect({ status: first.status, stderr: first.stderr }).toMatchObject({ status: 0 });
    expect({ status: second.status, stderr: second.stderr }).toMatchObject({ status: 0 });
  });

  test("writes exactly one stack per environment and removes the stale one", () => {
    const stacks = fs.readdirSync(path.join(outA, "stacks")).sort();
    expect(stacks).toEqual(expectedStacks);
    for (const stack of stacks) expect(fs.existsSync(path.join(outA, "stacks", stack, "cdk.tf.json"))).toBe(true);
    const manifest = JSON.parse(fs.readFileSync(path.join(outA, "manifest.json"), "utf8")) as {
      stacks: Record<string, unknown>;
    };
    expect(Object.keys(manifest.stacks).sort()).toEqual(expectedStacks);
  });

  test("prints a summary on stdout: each stack, its counts as written, its file, and what to run next", () => {
    // THEN one line per stack whose counts are those of the JSON it names, then the next step
    const lines = first.stdout.split("\n");
    expect(lines).toContain(`synth: wrote ${expectedStacks.length} stacks`);
    for (const stack of expectedStacks) {
      const doc = JSON.parse(fs.readFileSync(path.join(outA, "stacks", stack, "cdk.tf.json"), "utf8")) as {
        resource: Record<string, object>;
        data: Record<string, object>;
      };
      const resources = Object.values(doc.resource).reduce((n, byName) => n + Object.keys(byName).length, 0);
      const data = Object.values(doc.data).reduce((n, byName) => n + Object.keys(byName).length, 0);
      const line = lines.find((l) => l.trim().startsWith(`${stack} `));
      expect(line).toMatch(
        new RegExp(
          `^  ${stack} +${resources} resources, ${data} data sources  ${path.relative(ROOT, path.join(outA, "stacks", stack, "cdk.tf.json")).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`,
        ),
      );
    }
    expect(lines.some((l) => l.startsWith("next: npm run diff -- "))).toBe(true);
  });

  test("prints each stack's billable units and writes its Infracost usage file beside its JSON", () => {
    // THEN under each stack line, a "billed by the hour" line; beside each cdk.tf.json, infracost-usage.yml
    // keyed by the stack's aws_mwaa_environment addresses
    const lines = first.stdout.split("\n");
    for (const stack of expectedStacks) {
      const at = lines.findIndex((l) => l.trim().startsWith(`${stack} `));
      expect(lines[at + 1]).toMatch(
        /^ +billed by the hour: mw1\.\w+, \d schedulers?, \d+-\d+ workers, .*endpoint-AZs .*ALB.*NAT gateway.*access host/,
      );
      const doc = JSON.parse(fs.readFileSync(path.join(outA, "stacks", stack, "cdk.tf.json"), "utf8")) as {
        resource: Record<string, Record<string, object>>;
      };
      const usage = fs.readFileSync(path.join(outA, "stacks", stack, "infracost-usage.yml"), "utf8");
      expect(usage).toMatch(/^version: 0\.1\nresource_usage:\n/m);
      for (const name of Object.keys(doc.resource.aws_mwaa_environment ?? {}))
        expect(usage).toContain(`\n  aws_mwaa_environment.${name}:\n    additional_workers: `);
    }
  });

  test("writes nothing to stderr, which the cdktf CLI would label [ERROR]", () => {
    expect(first.stderr).toBe("");
    expect(second.stderr).toBe("");
  });

  test("keeps files of the output folder that are not stacks", () => {
    expect(fs.readFileSync(path.join(outA, "sentinel.txt"), "utf8")).toBe("kept by the user\n");
  });

  test("is byte-identical across runs and output folders (manifest.json aside)", () => {
    const a = snapshot(outA);
    const b = snapshot(outB);
    for (const m of [a, b]) {
      m.delete("manifest.json");
      m.delete("sentinel.txt");
    }
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    const differing = [...a].filter(([file, bytes]) => !b.get(file)?.equals(bytes)).map(([file]) => file);
    expect(differing).toEqual([]);
  });

  test("has no absolute path of this checkout or the output folder in the stacks", () => {
    // A path that differs between checkouts (e.g. an absolute local state path) makes every plan differ.
    for (const stack of expectedStacks) {
      const text = fs.readFileSync(path.join(outA, "stacks", stack, "cdk.tf.json"), "utf8");
      expect(text).not.toContain(ROOT);
      expect(text).not.toContain(tmp);
    }
  });

  test("each stack keeps its own local state, by a relative path", () => {
    for (const stack of expectedStacks) {
      const doc = JSON.parse(fs.readFileSync(path.join(outA, "stacks", stack, "cdk.tf.json"), "utf8")) as TerraformJson;
      expect(doc.terraform?.backend).toEqual({ local: { path: `../../../terraform.${stack}.tfstate` } });
    }
  });

  test("the example's resource addresses match the golden list", () => {
    // An address is the construct path: renaming one destroys and recreates the resource on the next
    // deploy (the MWAA environment holds the Airflow metadata database).
    const actual = Object.fromEntries(
      exampleStacks.map((stack) => [
        stack,
        addresses(
          JSON.parse(fs.readFileSync(path.join(outA, "stacks", stack, "cdk.tf.json"), "utf8")) as TerraformJson,
        ),
      ]),
    );
    if (process.env.UPDATE_GOLDEN === "1") {
      fs.mkdirSync(path.dirname(GOLDEN), { recursive: true });
      fs.writeFileSync(GOLDEN, `${JSON.stringify(actual, null, 2)}\n`);
      return;
    }
    const golden = JSON.parse(fs.readFileSync(GOLDEN, "utf8")) as Record<string, string[]>;
    const changes = [...new Set([...Object.keys(golden), ...Object.keys(actual)])].flatMap((stack) => {
      const was = new Set(golden[stack] ?? []);
      const now = new Set(actual[stack] ?? []);
      return [
        ...[...now].filter((a) => !was.has(a)).map((a) => `  + ${stack}: ${a}`),
        ...[...was].filter((a) => !now.has(a)).map((a) => `  - ${stack}: ${a}`),
      ];
    });
    if (changes.length > 0) {
      throw new Error(
        [
          "Resource addresses of config/example.json differ from __tests__/golden/example-addresses.json:",
          ...changes,
          "A removed or renamed address destroys that resource on the next deploy; rename deliberately (moveTo / renameResourceId).",
          "If the change is intended, rewrite the golden file and review its diff:",
          "  UPDATE_GOLDEN=1 npx jest __tests__/app.test.ts",
        ].join("\n"),
      );
    }
  });
});
