import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Testing } from "cdktf";
import type { MwaaArtifactFiles } from "../constructs/artifact-uploads";
import { MwaaStack } from "../constructs/stack";
import { ArtifactError, prepareArtifacts } from "../plugins/artifacts";
import {
  type TerraformJson,
  addresses,
  blockAt,
  minimalEnvironment,
  nameOf,
  ref,
  resources,
  synthStack,
  testApp,
} from "./helpers";

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

// Small real files: the assets cdktf copies into the synth output.
const inputs = fs.mkdtempSync(path.join(os.tmpdir(), "mwaa-artifact-uploads-"));
function file(rel: string, content: string | Buffer): { path: string; sha256: string } {
  const p = path.join(inputs, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  return { path: p, sha256: sha256(content) };
}

const DAG_A = "from airflow import DAG\n# a\n";
const DAG_B = "from airflow import DAG\n# sub/b\n";
const DAG_C = "from airflow import DAG\n# c\n";
const STARTUP = "#!/bin/sh\nexport A=1\n";
// Binary content, so a text-mode copy would show.
const PLUGINS = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, 0x0a, 0x0d, 0x00, 0x01]);
const REQUIREMENTS = "--find-links /usr/local/airflow/plugins\n--no-index\napache-airflow-providers-amazon==9.0.0\n";

const FILES: MwaaArtifactFiles = {
  dags: {
    "a.py": file("dags/a.py", DAG_A),
    "sub/b.py": file("dags/sub/b.py", DAG_B),
    "c.py": file("dags/c.py", DAG_C),
  },
  requirements: { content: REQUIREMENTS, sha256: sha256(REQUIREMENTS) },
  startupScript: file("startup.sh", STARTUP),
  plugins: file("plugins.zip", PLUGINS),
};
const { "c.py": _removed, ...withoutC } = FILES.dags;

// Each distinct config is synthesized once. The full one is a full synth (assets copied to disk).
const stack = new MwaaStack(testApp(), "dev", { environment: { ...minimalEnvironment(), artifactFiles: FILES } });
const outdir = Testing.fullSynth(stack);
const stackDir = path.join(outdir, "stacks", "dev");
const full = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")) as TerraformJson;
const oneDagFewer = synthStack(minimalEnvironment(), undefined, { artifactFiles: { ...FILES, dags: withoutC } });
const none = synthStack(minimalEnvironment());

afterAll(() => {
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.rmSync(inputs, { recursive: true, force: true });
});

const OBJECTS = {
  "dags/a.py": "Mwaa_Artifacts_Dag-apy",
  "dags/sub/b.py": "Mwaa_Artifacts_Dag-sub--bpy",
  "dags/c.py": "Mwaa_Artifacts_Dag-cpy",
  "requirements.txt": "Mwaa_Artifacts_Requirements",
  "startup.sh": "Mwaa_Artifacts_StartupScript",
  "plugins.zip": "Mwaa_Artifacts_Plugins",
} as const;
const object = (doc: TerraformJson, key: keyof typeof OBJECTS) => blockAt(doc, "aws_s3_object", OBJECTS[key]);
const address = (doc: TerraformJson, key: keyof typeof OBJECTS) =>
  `aws_s3_object.${nameOf(doc, "aws_s3_object", OBJECTS[key])}`;
const environment = (doc: TerraformJson) => blockAt(doc, "aws_mwaa_environment", "Mwaa_Environment");

describe("S3 objects", () => {
  test("one object per artifact, nothing else", () => {
    // GIVEN three DAGs, requirements, a startup script and plugins.zip
    // THEN exactly six objects with the keys MWAA reads
    expect(
      Object.values(resources(full, "aws_s3_object"))
        .map((o) => o.key)
        .sort(),
    ).toEqual(Object.keys(OBJECTS).sort());
  });

  test.each([
    ["dags/a.py", FILES.dags["a.py"]],
    ["dags/sub/b.py", FILES.dags["sub/b.py"]],
    ["dags/c.py", FILES.dags["c.py"]],
    ["startup.sh", FILES.startupScript!],
    ["plugins.zip", FILES.plugins!],
  ] as const)("%s: in the environment's bucket, with the file's content hash", (key, input) => {
    expect(object(full, key)).toMatchObject({
      bucket: ref(full, "aws_s3_bucket", "Mwaa_Bucket", "bucket"),
      key,
      source_hash: input.sha256,
    });
  });

  test.each([
    ["dags/a.py", DAG_A],
    ["dags/sub/b.py", DAG_B],
    ["startup.sh", STARTUP],
    ["plugins.zip", PLUGINS],
  ] as const)("%s: source is the asset copied into the stack's folder, with the input's bytes", (key, content) => {
    // GIVEN a full synth to disk
    const source: string = object(full, key).source;
    // THEN a relative path (the JSON is the same in any checkout) to a copy of the input file
    expect(source).toMatch(/^assets\//);
    expect(path.basename(source)).toBe(path.basename(key));
    expect(fs.readFileSync(path.join(stackDir, source))).toEqual(Buffer.from(content));
  });

  test("requirements.txt is inline content, so a plan shows its lines", () => {
    expect(object(full, "requirements.txt")).toMatchObject({
      key: "requirements.txt",
      content: REQUIREMENTS,
      content_type: "text/plain",
      source_hash: sha256(REQUIREMENTS),
    });
    expect(object(full, "requirements.txt")).not.toHaveProperty("source");
  });

  test("every object waits for the bucket's versioning (a version_id needs it)", () => {
    const versioning = `aws_s3_bucket_versioning.${nameOf(full, "aws_s3_bucket_versioning", "Mwaa_Bucket_Versioning")}`;
    for (const key of Object.keys(OBJECTS) as (keyof typeof OBJECTS)[])
      expect(object(full, key).depends_on).toEqual([versioning]);
  });
});

describe("environment wiring", () => {
  test.each([
    ["plugins", "plugins.zip"],
    ["requirements", "requirements.txt"],
    ["startup_script", "startup.sh"],
  ] as const)("%s: path and version come from exactly that object", (prefix, key) => {
    // THEN the path is the object's key and the version its version_id, so a new upload updates the environment
    const name = nameOf(full, "aws_s3_object", OBJECTS[key]);
    expect(environment(full)[`${prefix}_s3_path`]).toBe(`\${aws_s3_object.${name}.key}`);
    expect(environment(full)[`${prefix}_s3_object_version`]).toBe(`\${aws_s3_object.${name}.version_id}`);
  });

  test("the environment reads DAGs from dags/ and waits for every object", () => {
    expect(environment(full).dag_s3_path).toBe("dags/");
    const dependsOn: string[] = environment(full).depends_on;
    for (const key of Object.keys(OBJECTS) as (keyof typeof OBJECTS)[]) expect(dependsOn).toContain(address(full, key));
  });
});

describe("removing a DAG", () => {
  test("removes exactly its object and leaves every other address alone", () => {
    // GIVEN the same inputs without c.py
    // THEN the only address that differs is c.py's object
    const removed = address(full, "dags/c.py");
    expect(addresses(oneDagFewer)).toEqual(addresses(full).filter((a) => a !== removed));
    // AND the environment no longer waits for it
    expect(environment(oneDagFewer).depends_on).not.toContain(removed);
    expect(environment(oneDagFewer).depends_on).toContain(address(oneDagFewer, "dags/a.py"));
  });
});

describe("DAG paths that would share a resource id", () => {
  test("are a clear error naming both files, before anything is synthesized", () => {
    // GIVEN a/b.py and a--b.py (the id replaces "/" with "--")
    const dags = { "a/b.py": file("clash/a/b.py", DAG_A), "a--b.py": file("clash/a--b.py", DAG_B) };
    // WHEN the stack is built THEN a ConfigError names both paths and the field
    expect(
      () => new MwaaStack(testApp(), "clash", { environment: { ...minimalEnvironment(), artifactFiles: { dags } } }),
    ).toThrow(/artifacts\.dagsDir: "a--b\.py" and "a\/b\.py" map to the same resource id/);
  });
});

describe("no artifacts", () => {
  test("no objects, and the environment still reads dags/", () => {
    // GIVEN no artifacts
    // THEN nothing uploaded, no pinned paths or versions
    expect(resources(none, "aws_s3_object")).toEqual({});
    expect(environment(none).dag_s3_path).toBe("dags/");
    for (const prefix of ["plugins", "requirements", "startup_script"]) {
      expect(environment(none)).not.toHaveProperty(`${prefix}_s3_path`);
      expect(environment(none)).not.toHaveProperty(`${prefix}_s3_object_version`);
    }
  });
});

describe("prepareArtifacts: symbolic links in artifact folders", () => {
  // GIVEN a project whose DAG folder holds a link, and a folder outside the project
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "mwaa-links-"));
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), "mwaa-outside-"));
  fs.writeFileSync(path.join(outside, "secret.py"), "x = 1\n");
  fs.mkdirSync(path.join(root, "shared"));
  fs.writeFileSync(path.join(root, "shared", "common.py"), "common = 1\n");
  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });
  const dagsWith = (name: string, link: (dags: string) => void) => {
    const dags = path.join(root, name);
    fs.mkdirSync(dags);
    fs.writeFileSync(path.join(dags, "a.py"), "a = 1\n");
    link(dags);
    return name;
  };
  const prepare = (dagsDir: string) =>
    prepareArtifacts({ dagsDir }, { pythonVersion: "3.11", root, cacheDir: path.join(root, ".cache") });
  const failure = (dagsDir: string): ArtifactError => {
    try {
      prepare(dagsDir);
    } catch (e) {
      if (e instanceof ArtifactError) return e;
      throw e;
    }
    throw new Error("expected an ArtifactError");
  };

  test("a link to a file inside the project is uploaded with the file's content", () => {
    const dags = dagsWith("dags-file-link", (d) =>
      fs.symlinkSync(path.join(root, "shared", "common.py"), path.join(d, "common.py")),
    );
    expect(prepare(dags).dags["common.py"].sha256).toBe(sha256("common = 1\n"));
  });

  test.each([
    [
      "a dangling link",
      (d: string) => fs.symlinkSync(path.join(d, "gone.py"), path.join(d, "broken.py")),
      /^files, or links to files \(got "broken\.py", a symbolic link to nothing: .+gone\.py\)$/,
    ],
    [
      "a link to a file outside the project",
      (d: string) => fs.symlinkSync(path.join(outside, "secret.py"), path.join(d, "secret.py")),
      /^files inside the project \(got "secret\.py", a symbolic link to .+secret\.py, outside the project\)$/,
    ],
    [
      "a link to a folder outside the project",
      (d: string) => fs.symlinkSync(outside, path.join(d, "ext")),
      /^files inside the project \(got "ext", a symbolic link to .+, outside the project\)$/,
    ],
    [
      "a link loop",
      (d: string) => fs.symlinkSync(d, path.join(d, "loop")),
      /^files, or links to files; links to folders are not followed, they can loop \(got "loop", a symbolic link to .+\)$/,
    ],
  ])("%s is a one-line error of dagsDir", (name, link, message) => {
    const error = failure(dagsWith(`dags-${name.replace(/\W+/g, "-")}`, link));
    expect(error.field).toBe("dagsDir");
    expect(error.message).toMatch(message);
  });

  test("a dagsDir that is itself a link to a folder outside the project is refused", () => {
    fs.symlinkSync(outside, path.join(root, "dags-elsewhere"));
    const error = failure("dags-elsewhere");
    expect(error.field).toBe("dagsDir");
    expect(error.message).toMatch(
      /^a folder in the project \(got "dags-elsewhere", a symbolic link to .+, outside the project\)$/,
    );
  });
});

describe("prepareArtifacts (dags and a startup script: no pip run)", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "mwaa-prepare-"));
  const cacheDir = path.join(root, ".cache", "plugins");
  const write = (rel: string, content: string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), content);
  };
  write("airflow/dags/b.py", "b = 1\n");
  write("airflow/dags/a.py", "a = 1\n");
  write("airflow/dags/sub/c.py", "c = 1\n");
  write("airflow/dags/sub/c.cpython-311.pyc", "bytecode");
  write("airflow/dags/__pycache__/a.cpython-311.pyc", "bytecode");
  write("airflow/dags/sub/__pycache__/c.cpython-311.pyc", "bytecode");
  write("airflow/startup.sh", "#!/bin/sh\n");
  const artifacts = { dagsDir: "airflow/dags", startupScript: "airflow/startup.sh" };
  const prepare = (a: Parameters<typeof prepareArtifacts>[0] = artifacts) =>
    prepareArtifacts(a, { pythonVersion: "3.11", root, cacheDir });
  const first = prepare();

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test("lists DAG files sorted, skipping __pycache__ and *.pyc", () => {
    expect(Object.keys(first.dags)).toEqual(["a.py", "b.py", "sub/c.py"]);
  });

  test("hashes contents and points at the absolute files", () => {
    expect(first.dags["sub/c.py"]).toEqual({
      path: path.join(root, "airflow/dags/sub/c.py"),
      sha256: sha256("c = 1\n"),
    });
    expect(first.startupScript).toEqual({ path: path.join(root, "airflow/startup.sh"), sha256: sha256("#!/bin/sh\n") });
  });

  test("without requirements or plugins: no plugins.zip, no requirements, no pip cache", () => {
    expect(first).not.toHaveProperty("plugins");
    expect(first).not.toHaveProperty("requirements");
    expect(fs.existsSync(cacheDir)).toBe(false);
  });

  test("touching mtimes changes nothing; changing content changes only that hash", () => {
    // WHEN every file gets a new mtime
    const later = new Date(Date.now() + 3_600_000);
    for (const rel of ["airflow/dags/a.py", "airflow/dags/b.py", "airflow/dags/sub/c.py", "airflow/startup.sh"])
      fs.utimesSync(path.join(root, rel), later, later);
    // THEN the same result
    expect(prepare()).toEqual(first);
    // WHEN one DAG's content changes
    write("airflow/dags/b.py", "b = 2\n");
    const changed = prepare();
    write("airflow/dags/b.py", "b = 1\n");
    // THEN only its hash differs
    expect(changed.dags["b.py"].sha256).toBe(sha256("b = 2\n"));
    expect({ ...changed, dags: { ...changed.dags, "b.py": first.dags["b.py"] } }).toEqual(first);
  });

  test.each([
    [
      "a missing dagsDir",
      "dagsDir",
      { dagsDir: "airflow/missing", startupScript: "airflow/startup.sh" },
      /"airflow\/missing".*does not exist or is not a folder/,
    ],
    [
      "a dagsDir that is a file",
      "dagsDir",
      { dagsDir: "airflow/startup.sh" },
      /"airflow\/startup\.sh".*is not a folder/,
    ],
    [
      "a missing startupScript",
      "startupScript",
      { dagsDir: "airflow/dags", startupScript: "airflow/missing.sh" },
      /"airflow\/missing\.sh".*does not exist or is not a file/,
    ],
  ] as const)("%s gives an ArtifactError naming the field and the path", (_case, field, bad, message) => {
    let error: unknown;
    try {
      prepare(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ArtifactError);
    expect((error as ArtifactError).field).toBe(field);
    expect((error as ArtifactError).message).toMatch(message);
  });
});
