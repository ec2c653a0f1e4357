/**
 * The credential-free review (`npm run review`): a corpus of config changes, each synthesized
 * in-process before and after, with what the review must say about it. The diff and the Markdown
 * are pure functions (`diffStacks`, `renderMarkdown`); the real CLI runs twice, on the
 * hand-written cdktf.out folders in fixtures/review.
 */
import { spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PRIVATE_SUBNET_IDS, minimalEnvironment, synthStack } from "./helpers";
import type { EnvironmentInput } from "../model/schema";
import type { MwaaArtifactFiles } from "../constructs/artifact-uploads";
import {
  deepDiff,
  diffStacks,
  type ResourceChange,
  type Review,
  type StackReview,
  type TerraformDoc,
} from "../review/diff";
import { MARKER, renderMarkdown } from "../review/render";
import { REPLACE_RULES, forcesReplacement } from "../review/rules";
import { ReviewError, readSynthFolder, synthesize } from "../review/sources";
import { run } from "../review/cli";

const ROOT = path.resolve(__dirname, "..");
const FIXTURES = path.join(__dirname, "fixtures", "review");
const ENV = "aws_mwaa_environment";

const doc = (environment: EnvironmentInput, artifacts?: MwaaArtifactFiles): TerraformDoc =>
  synthStack(
    environment,
    undefined,
    artifacts === undefined ? undefined : { artifactFiles: artifacts },
  ) as unknown as TerraformDoc;

function stack(review: Review, name: string): StackReview {
  const s = review.stacks.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no stack ${name}; there are ${review.stacks.map((x) => x.name).join(", ")}`);
  return s;
}

function environmentChange(s: StackReview): ResourceChange | undefined {
  return s.changes.find((c) => c.type === ENV && c.mode === "managed");
}

/** Lines a checker greps for: the environment and "replace"/"destroy" on one line. */
function loudEnvironmentLines(markdown: string): string[] {
  return markdown.split("\n").filter((l) => l.includes(ENV) && /replace|destroy/i.test(l));
}

function review(
  base: Record<string, TerraformDoc>,
  head: Record<string, TerraformDoc>,
): { review: Review; markdown: string } {
  const r = diffStacks(base, head);
  return { review: r, markdown: renderMarkdown(r, { base: "main", head: "working tree" }) };
}

// One synth per distinct config, shared by the tests below.
const baseline = doc(
  minimalEnvironment({
    tags: { team: "data" },
    airflow: { maxWorkers: 10, configurationOptions: { "core.default_timezone": "utc" } },
  }),
);
const withAirflow = (airflow: Record<string, unknown>, overrides: Partial<EnvironmentInput> = {}) =>
  doc(
    minimalEnvironment({
      tags: { team: "data" },
      airflow: { maxWorkers: 10, configurationOptions: { "core.default_timezone": "utc" }, ...airflow },
      ...overrides,
    }),
  );

describe("a synth compared with itself", () => {
  const { review: r, markdown } = review({ dev: baseline }, { dev: baseline });

  test("shows no changes and no loud line", () => {
    // GIVEN the same synth as base and head
    // WHEN it is reviewed (above)
    // THEN the stack is unchanged, the Markdown says so, and nothing mentions replacing the environment
    expect(stack(r, "dev").status).toBe("unchanged");
    expect(markdown.startsWith(`${MARKER}\n`)).toBe(true);
    expect(markdown).toContain("No changes.");
    expect(loudEnvironmentLines(markdown)).toEqual([]);
    expect(r.protectedAtRisk).toEqual([]);
  });
});

describe("renaming an environment", () => {
  const renamed = withAirflow({}, { name: "prod" });
  const { review: r, markdown } = review({ dev: baseline }, { prod: renamed });

  test("removes one stack, adds another and warns that it looks like a rename", () => {
    // GIVEN the environment "dev" renamed to "prod" (stack names come from environment names)
    // WHEN reviewed
    // THEN stack dev is removed, prod is new, and the pair is reported as a rename
    expect(stack(r, "dev").status).toBe("removed");
    expect(stack(r, "prod").status).toBe("new");
    expect(r.renames).toEqual([{ from: "dev", to: "prod" }]);
    expect(markdown).toMatch(/looks like a renamed environment/);
  });

  test("says loudly that the environment is replaced and the old one stays", () => {
    // GIVEN the rename above
    // WHEN rendered
    // THEN a line names aws_mwaa_environment with "replace", the old stack's resources stay in AWS,
    // and the environment of the removed stack counts as a protected resource at risk
    expect(loudEnvironmentLines(markdown).some((l) => /replace/.test(l) && l.includes("`prod`"))).toBe(true);
    expect(markdown).toMatch(/Nothing destroys its \d+ resources/);
    expect(r.protectedAtRisk).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          stack: "dev",
          action: "stack-removed",
          address: expect.stringMatching(/^aws_mwaa_environment\./),
        }),
      ]),
    );
  });
});

describe("removing an environment", () => {
  const staging = withAirflow({}, { name: "stg" });
  const { review: r, markdown } = review({ dev: baseline, stg: staging }, { dev: baseline });

  test("reports the stack as removed, loudly, without calling it a rename", () => {
    // GIVEN a config with environments dev and stg, then only dev
    // WHEN reviewed
    // THEN stg is removed, its resources are left behind until it is destroyed, and no rename is guessed
    expect(stack(r, "stg").status).toBe("removed");
    expect(stack(r, "stg").counts.removed).toBeGreaterThan(10);
    expect(stack(r, "dev").status).toBe("unchanged");
    expect(r.renames).toEqual([]);
    expect(markdown).toContain("cdktf destroy stg");
    expect(markdown).toMatch(/### Stack `stg`\n\n#### ⚠️ REPLACES/);
    expect(r.protectedAtRisk.map((p) => p.stack)).toContain("stg");
  });
});

describe("changing the private subnets of an existing network", () => {
  const moved = doc(
    minimalEnvironment({
      tags: { team: "data" },
      airflow: { maxWorkers: 10, configurationOptions: { "core.default_timezone": "utc" } },
      network: {
        vpcId: "vpc-0a1b2c3d4e5f60718",
        privateSubnetIds: [PRIVATE_SUBNET_IDS[0], "subnet-0a1b2c3d4e5f60733"],
      },
    }),
  );
  const { review: r, markdown } = review({ dev: baseline }, { dev: moved });

  test("replaces the environment because of network_configuration.subnet_ids", () => {
    // GIVEN privateSubnetIds with one subnet swapped
    // WHEN reviewed
    // THEN the environment is replaced, forced by the subnet list, and it is a protected resource at risk
    const env = environmentChange(stack(r, "dev"));
    expect(env?.action).toBe("replace");
    expect(env?.attributes.find((a) => a.path === "network_configuration.subnet_ids")?.replaces).toBeDefined();
    expect(r.protectedAtRisk).toEqual(
      expect.arrayContaining([expect.objectContaining({ action: "replace", address: env?.address })]),
    );
    expect(
      loudEnvironmentLines(markdown).some((l) => /replaced/.test(l) && l.includes("network_configuration.subnet_ids")),
    ).toBe(true);
  });

  test("puts the replacement under REPLACES, with the old and new subnet lists", () => {
    // GIVEN the review above
    // WHEN rendered
    // THEN the REPLACES section holds the subnet change and says prevent_destroy will stop the plan
    const replaces = markdown.slice(markdown.indexOf("#### ⚠️ REPLACES"));
    expect(replaces).toContain("subnet-0a1b2c3d4e5f60733");
    expect(replaces).toContain("prevent_destroy");
  });

  test("a reordered subnet list is no change (the attribute is a set)", () => {
    // GIVEN the same subnets in the other order
    const reordered = doc(
      minimalEnvironment({
        tags: { team: "data" },
        airflow: { maxWorkers: 10, configurationOptions: { "core.default_timezone": "utc" } },
        network: { vpcId: "vpc-0a1b2c3d4e5f60718", privateSubnetIds: [PRIVATE_SUBNET_IDS[1], PRIVATE_SUBNET_IDS[0]] },
      }),
    );
    // WHEN reviewed
    const { review: same } = review({ dev: baseline }, { dev: reordered });
    // THEN the environment does not change
    expect(environmentChange(stack(same, "dev"))).toBeUndefined();
  });
});

describe("setting a KMS key", () => {
  const encrypted = withAirflow(
    {},
    { kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555" },
  );
  const { review: r, markdown } = review({ dev: baseline }, { dev: encrypted });

  test("replaces the environment", () => {
    // GIVEN kmsKeyArn set on an environment that had none
    // WHEN reviewed
    // THEN kms_key forces a replacement, reported on a loud line
    const env = environmentChange(stack(r, "dev"));
    expect(env?.action).toBe("replace");
    expect(env?.attributes.find((a) => a.path === "kms_key")).toMatchObject({
      before: undefined,
      replaces: expect.any(String),
    });
    expect(loudEnvironmentLines(markdown).length).toBeGreaterThan(0);
  });
});

describe("changing the worker count", () => {
  const bigger = withAirflow({ maxWorkers: 12 });
  const { review: r, markdown } = review({ dev: baseline }, { dev: bigger });

  test("is a long in-place update, not a replacement", () => {
    // GIVEN maxWorkers 10 -> 12
    // WHEN reviewed
    // THEN the environment is updated in place (long update) and nothing is replaced
    const env = environmentChange(stack(r, "dev"));
    expect(env).toMatchObject({ action: "update", longUpdate: true });
    expect(env?.attributes).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: "max_workers", before: 10, after: 12 })]),
    );
    expect(stack(r, "dev").counts.replaced).toBe(0);
    expect(r.protectedAtRisk).toEqual([]);
  });

  test("tells to apply only when the environment is AVAILABLE, and never says replace", () => {
    // GIVEN the review above
    // WHEN rendered
    // THEN LONG UPDATE names the 10-30 minutes and AVAILABLE, and no line says the environment is replaced
    expect(markdown).toContain("#### ⏳ LONG UPDATE");
    expect(markdown).toMatch(/10–30 minutes/);
    expect(markdown).toContain("Apply only when the environment is AVAILABLE");
    expect(markdown).not.toContain("#### ⚠️ REPLACES");
    expect(loudEnvironmentLines(markdown)).toEqual([]);
  });
});

describe("changing the Airflow version", () => {
  const at = (version: string) => withAirflow({ version });
  const v2103 = at("2.10.3");
  const v2112 = at("2.11.2");
  const v321 = at("3.2.1");

  test("a minor upgrade or downgrade is a long in-place update that says so", () => {
    // GIVEN 2.10.3 -> 2.11.2 (minor up) and 3.3.1 (the default) -> 3.2.1 (minor down)
    const up = review({ dev: v2103 }, { dev: v2112 });
    const down = review({ dev: baseline }, { dev: v321 });
    // THEN both are long updates, explained as minor changes, and nothing is refused
    expect(environmentChange(stack(up.review, "dev"))).toMatchObject({
      action: "update",
      longUpdate: true,
      versionChange: { kind: "minor", inPlace: true },
    });
    expect(up.markdown).toMatch(/Airflow version: a minor upgrade \(2\.10\.3 to 2\.11\.2\): MWAA changes it in place/);
    expect(down.markdown).toMatch(/a minor downgrade \(3\.3\.1 to 3\.2\.1\)/);
    expect(up.markdown + down.markdown).not.toMatch(/refused/);
  });

  test("a major upgrade (2.x to 3.x) without airflow.majorUpgradeInPlace replaces the environment and is refused, naming the field and the upgrade command", () => {
    // GIVEN 2.11.2 -> 3.3.1
    const { review: r, markdown } = review({ dev: v2112 }, { dev: baseline });
    // THEN a replacement forced by airflow_version, refused, naming the side-by-side migration and AWS's guide
    const env = environmentChange(stack(r, "dev"));
    expect(env?.action).toBe("replace");
    expect(env?.attributes.find((a) => a.path === "airflow_version")?.replaces).toMatch(/major/);
    expect(env?.versionChange).toMatchObject({ kind: "major-up", inPlace: false });
    expect(markdown).toMatch(
      /> \*\*Airflow version change refused\*\* for `aws_mwaa_environment\.[^`]+` in `dev`: a major upgrade \(2\.11\.2 to 3\.3\.1\): Terraform would \*\*replace\*\* the environment/,
    );
    expect(markdown).toContain(
      "set airflow.majorUpgradeInPlace to true beside airflow.version 3.3.1 in this change (Terraform then ignores airflow_version), deploy it, then run `npm run upgrade -- --config FILE --environment dev`",
    );
  });

  test("3.x goes down in place to 2.11.x only; further down is refused naming 2.11.x", () => {
    // GIVEN 3.3.1 -> 2.11.2 and 3.3.1 -> 2.10.3
    const ok = review({ dev: baseline }, { dev: v2112 });
    const refused = review({ dev: baseline }, { dev: v2103 });
    // THEN the first is a long update; the second is refused with the allowed target
    expect(environmentChange(stack(ok.review, "dev"))).toMatchObject({
      action: "update",
      versionChange: { kind: "major-down", inPlace: true },
    });
    expect(ok.markdown).toContain("a major downgrade (3.3.1 to 2.11.2): in place, keeps the metadata, long update");
    expect(environmentChange(stack(refused.review, "dev"))?.versionChange).toMatchObject({
      kind: "major-down",
      inPlace: false,
    });
    expect(refused.markdown).toMatch(/Airflow version change refused.*from 3\.x it goes down to 2\.11\.x only/);
  });

  test("a refused in-place change is listed as REFUSED, not as a long update", () => {
    // GIVEN 3.3.1 -> 2.10.3, an update MWAA rejects
    const { markdown } = review({ dev: baseline }, { dev: v2103 });
    // THEN it has a REFUSED section and no LONG UPDATE section
    expect(markdown).toContain("#### 🛑 REFUSED (1)");
    expect(markdown).toMatch(/the Airflow version change is \*\*refused\*\*: a downgrade from 3\.3\.1 to 2\.10\.3/);
    expect(markdown).not.toContain("#### ⏳ LONG UPDATE");
    expect(markdown).toMatch(/: refused _\(see REFUSED above\)_/);
  });

  test("the CLI fails on a refused change by default (exit 2), though nothing is replaced", () => {
    // GIVEN synth folders of 3.3.1 and of 2.10.3 (an in-place update MWAA does not make)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "review-version-"));
    const write = (name: string, d: TerraformDoc) => {
      fs.mkdirSync(path.join(dir, name, "stacks", "dev"), { recursive: true });
      fs.writeFileSync(path.join(dir, name, "stacks", "dev", "cdk.tf.json"), JSON.stringify(d));
      return path.join(dir, name);
    };
    const [base, head] = [write("base", baseline), write("head", v2103)];
    const out = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    const err = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      // WHEN the CLI reviews them, with and without the flag, and an allowed change
      // THEN exit 4 both times (not 2, a protected resource at risk), naming the refused change; the allowed change exits 0
      expect(run(["--base", base, "--head", head], ROOT)).toBe(4);
      expect(run(["--base", base, "--head", head, "--fail-on-protected-replace"], ROOT)).toBe(4);
      expect(err.mock.calls.map((c) => String(c[0])).join("")).toMatch(
        /1 Airflow version change\(s\) MWAA does not make in place \(refused\)/,
      );
      expect(run(["--base", base, "--head", base], ROOT)).toBe(0);
    } finally {
      out.mockRestore();
      err.mockRestore();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("changing airflow_configuration_options", () => {
  const options = withAirflow({
    configurationOptions: {
      "core.default_timezone": "europe/berlin",
      "celery.worker_autoscale": "5,5",
      "secrets.backend_kwargs": '{"token": "x"}',
    },
  });
  const { review: r, markdown } = review({ dev: baseline }, { dev: options });

  test("lists the changed option keys with their values, which terraform plan hides", () => {
    // GIVEN one option changed and two added
    // WHEN reviewed
    // THEN the review lists each key, and the Markdown shows them (a secret-looking value hidden)
    const env = environmentChange(stack(r, "dev"));
    expect(env?.longUpdate).toBe(true);
    expect(env?.options).toEqual([
      { key: "celery.worker_autoscale", before: undefined, after: "5,5" },
      { key: "core.default_timezone", before: "utc", after: "europe/berlin" },
      { key: "secrets.backend_kwargs", before: undefined, after: '{"token": "x"}' },
    ]);
    expect(markdown).toContain("changed `core.default_timezone`: `utc` → `europe/berlin`");
    expect(markdown).toContain("added `celery.worker_autoscale` = `5,5`");
    expect(markdown).toContain("added `secrets.backend_kwargs` = _(hidden: looks like a secret)_");
    expect(markdown).toContain("(sensitive value)");
  });
});

describe("changing tags only", () => {
  const retagged = doc(
    minimalEnvironment({
      tags: { team: "platform" },
      airflow: { maxWorkers: 10, configurationOptions: { "core.default_timezone": "utc" } },
    }),
  );
  const { review: r, markdown } = review({ dev: baseline }, { dev: retagged });

  test("tags the environment without a long update", () => {
    // GIVEN the tag team=data changed to team=platform on every resource
    // WHEN reviewed
    // THEN the environment is tagged only: no LONG UPDATE section, and the same change is grouped
    const env = environmentChange(stack(r, "dev"));
    expect(env).toMatchObject({ action: "update", tagsOnly: true });
    expect(env?.longUpdate).toBeUndefined();
    expect(markdown).not.toContain("LONG UPDATE");
    expect(markdown).toContain("tagged without an environment update");
    expect(markdown).toMatch(/- \d+ resources updated in place with the same change:/);
  });
});

describe("artifacts: DAGs, plugins.zip and requirements.txt", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mwaa-review-test-"));
  const file = (name: string, content: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, content);
    return { path: p, sha256: crypto.createHash("sha256").update(content).digest("hex") };
  };
  const requirements = (content: string) => ({
    content,
    sha256: crypto.createHash("sha256").update(content).digest("hex"),
  });
  const hello = file("hello.py", "print('hello')\n");
  const helloV2 = file("hello-v2.py", "print('hello again')\n");
  const extra = file("extra.py", "print('extra')\n");
  const pluginsV1 = file("plugins-v1.zip", "zip one");
  const pluginsV2 = file("plugins-v2.zip", "zip two");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const env = minimalEnvironment({ tags: { team: "data" } });
  const before = doc(env, { dags: { "hello.py": hello }, plugins: pluginsV1, requirements: requirements("boto3\n") });

  test("a changed DAG changes its object only; the environment is not updated", () => {
    // GIVEN hello.py with new content
    const after = doc(env, {
      dags: { "hello.py": helloV2 },
      plugins: pluginsV1,
      requirements: requirements("boto3\n"),
    });
    // WHEN reviewed
    const { review: r, markdown } = review({ dev: before }, { dev: after });
    // THEN only the DAG object changes (its source_hash), and there is no LONG UPDATE
    const s = stack(r, "dev");
    const dag = s.changes.find((c) => c.label === "dags/hello.py");
    expect(dag).toMatchObject({ type: "aws_s3_object", action: "update" });
    expect(dag?.attributes.map((a) => a.path)).toContain("source_hash");
    expect(environmentChange(s)).toBeUndefined();
    expect(markdown).not.toContain("LONG UPDATE");
    expect(markdown).toContain("a DAG file: MWAA picks it up from S3 without an environment update");
  });

  test("a new DAG adds an object; the environment's depends_on changes in Terraform only", () => {
    // GIVEN a second DAG file
    const after = doc(env, {
      dags: { "hello.py": hello, "extra.py": extra },
      plugins: pluginsV1,
      requirements: requirements("boto3\n"),
    });
    // WHEN reviewed
    const { review: r, markdown } = review({ dev: before }, { dev: after });
    // THEN one object is added, and the environment changes only in depends_on: no update in AWS
    const s = stack(r, "dev");
    expect(s.changes.filter((c) => c.action === "create").map((c) => c.label)).toEqual(["dags/extra.py"]);
    expect(environmentChange(s)).toMatchObject({ action: "terraform-only" });
    expect(s.counts).toMatchObject({ added: 1, changed: 0, replaced: 0 });
    expect(markdown).not.toContain("LONG UPDATE");
  });

  test("a new plugins.zip updates the environment although its JSON does not change", () => {
    // GIVEN plugins.zip with new content: only the object's source and source_hash change in the JSON
    const after = doc(env, { dags: { "hello.py": hello }, plugins: pluginsV2, requirements: requirements("boto3\n") });
    const envName = Object.keys(before.resource?.[ENV] ?? {})[0] as string;
    expect(deepDiff(before.resource?.[ENV]?.[envName] ?? null, after.resource?.[ENV]?.[envName] ?? null)).toEqual([]);
    // WHEN reviewed
    const { review: r, markdown } = review({ dev: before }, { dev: after });
    // THEN the review infers the new version_id: the environment gets a long update because of plugins.zip
    const change = environmentChange(stack(r, "dev"));
    expect(change).toMatchObject({ action: "update", longUpdate: true });
    expect(change?.attributes.find((a) => a.path === "plugins_s3_object_version")?.indirect).toMatch(/new version_id/);
    expect(change?.longUpdateReasons?.[0]).toMatch(/^plugins\.zip changed/);
    expect(markdown).toContain("#### ⏳ LONG UPDATE");
    expect(loudEnvironmentLines(markdown)).toEqual([]);
  });

  test("a new requirements.txt updates the environment the same way", () => {
    // GIVEN requirements.txt with one more package (its content is inline in the JSON)
    const after = doc(env, {
      dags: { "hello.py": hello },
      plugins: pluginsV1,
      requirements: requirements("boto3\npandas\n"),
    });
    // WHEN reviewed
    const { review: r } = review({ dev: before }, { dev: after });
    // THEN the environment gets a long update because of requirements.txt
    expect(environmentChange(stack(r, "dev"))?.longUpdateReasons?.[0]).toMatch(/^requirements\.txt changed/);
  });
});

describe("hand-written documents", () => {
  const base = readSynthFolder(path.join(FIXTURES, "base")).dev as TerraformDoc;
  const clone = (): any => JSON.parse(JSON.stringify(base));
  const ENV_ADDRESS = "aws_mwaa_environment.Mwaa_Environment_3A36485A";

  test("a renamed construct id is a destroy and create of the environment", () => {
    // GIVEN the environment under a new address (its construct id renamed), body unchanged
    const head = clone();
    head.resource[ENV] = { Mwaa_Airflow_0F0F0F0F: head.resource[ENV].Mwaa_Environment_3A36485A };
    // WHEN reviewed
    const { review: r, markdown } = review({ dev: base }, { dev: head });
    // THEN it is one replacement with the address change, a protected resource at risk, and said loudly
    const env = environmentChange(stack(r, "dev"));
    expect(env).toMatchObject({
      action: "replace",
      addressChange: { from: ENV_ADDRESS, to: "aws_mwaa_environment.Mwaa_Airflow_0F0F0F0F" },
    });
    expect(stack(r, "dev").counts).toMatchObject({ added: 0, removed: 0, replaced: 1 });
    expect(r.protectedAtRisk).toEqual([{ stack: "dev", address: ENV_ADDRESS, action: "address-change" }]);
    expect(loudEnvironmentLines(markdown).some((l) => l.includes("destroy and create") && /replaced/.test(l))).toBe(
      true,
    );
  });

  test("a changed security group list is an update, not a replacement", () => {
    // GIVEN a second security group on the environment
    const head = clone();
    head.resource[ENV].Mwaa_Environment_3A36485A.network_configuration.security_group_ids.push("sg-0123456789abcdef0");
    // WHEN reviewed
    const env = environmentChange(stack(diffStacks({ dev: base }, { dev: head }), "dev"));
    // THEN the environment is updated in place
    expect(env).toMatchObject({ action: "update", longUpdate: true });
  });

  test("a replaced resource replaces what references it where that attribute forces it", () => {
    // GIVEN the security group's description changed (ForceNew), which the environment references by id
    const head = clone();
    head.resource.aws_security_group.Mwaa_SecurityGroup_3D9F837A.description = "MWAA environment dev (private)";
    // WHEN reviewed
    const s = stack(diffStacks({ dev: base }, { dev: head }), "dev");
    // THEN the group is replaced, and the environment is updated (security groups are updatable) because its id changes
    expect(s.changes.find((c) => c.type === "aws_security_group")?.action).toBe("replace");
    const env = environmentChange(s);
    expect(env).toMatchObject({ action: "update", longUpdate: true });
    expect(env?.attributes[0]).toMatchObject({
      path: "network_configuration.security_group_ids",
      indirect: expect.stringMatching(/is replaced/),
    });
  });

  test("sections come in order: REPLACES, LONG UPDATE, added, removed, changed", () => {
    // GIVEN a bucket renamed (replaced, protected), more workers, a DAG added, the plugins object removed, a tag changed on the group
    const head = clone();
    head.resource.aws_s3_bucket.Mwaa_Bucket_83671CFE.bucket_prefix = "airflow-dev2-";
    head.resource[ENV].Mwaa_Environment_3A36485A.max_workers = 6;
    head.resource.aws_s3_object["Mwaa_Artifacts_Dag-newpy_11111111"] = {
      ...head.resource.aws_s3_object["Mwaa_Artifacts_Dag-hellopy_40A9F772"],
      key: "dags/new.py",
      source_hash: "ab",
    };
    head.resource.aws_security_group.Mwaa_SecurityGroup_3D9F837A.tags = { team: "platform" };
    const { review: r, markdown } = review({ dev: base }, { dev: head });
    // WHEN the Markdown is read in order
    const at = (s: string) => markdown.indexOf(s);
    // THEN the sections appear in the contract's order and the bucket is a protected replacement
    expect(at("#### ⚠️ REPLACES")).toBeGreaterThan(0);
    expect(at("#### ⚠️ REPLACES")).toBeLessThan(at("#### ⏳ LONG UPDATE"));
    expect(at("#### ⏳ LONG UPDATE")).toBeLessThan(at("#### Added"));
    expect(at("#### Added")).toBeLessThan(at("#### Changed"));
    expect(r.protectedAtRisk).toEqual([
      { stack: "dev", address: "aws_s3_bucket.Mwaa_Bucket_83671CFE", action: "replace" },
    ]);
    // AND with a removal too, Removed sits between Added and Changed
    delete head.resource.aws_s3_object["Mwaa_Artifacts_Dag-hellopy_40A9F772"];
    const withRemoval = renderMarkdown(diffStacks({ dev: base }, { dev: head }));
    expect(withRemoval.indexOf("#### Added")).toBeLessThan(withRemoval.indexOf("#### Removed"));
    expect(withRemoval.indexOf("#### Removed")).toBeLessThan(withRemoval.indexOf("#### Changed"));
  });

  test("a changed state backend is a stack-level warning", () => {
    // GIVEN the local state path changed
    const head = clone();
    head.terraform.backend.local.path = "../../../elsewhere.tfstate";
    // WHEN reviewed
    const s = stack(diffStacks({ dev: base }, { dev: head }), "dev");
    // THEN the stack carries a note about migrating the state
    expect(s.status).toBe("changed");
    expect(s.notes.join("\n")).toMatch(/migrate-state/);
  });

  test("deepDiff ignores cdktf's // metadata and shows nested paths", () => {
    // GIVEN two blocks that differ in metadata and in one nested value
    const a = {
      "//": { metadata: { path: "a" } },
      network_configuration: { subnet_ids: ["s-1", "s-2"], security_group_ids: ["sg-1"] },
    };
    const b = {
      "//": { metadata: { path: "b" } },
      network_configuration: { subnet_ids: ["s-2", "s-3"], security_group_ids: ["sg-1"] },
    };
    // WHEN diffed
    // THEN only the nested subnet list is reported, at its dotted path
    expect(deepDiff(a, b)).toEqual([
      {
        path: "network_configuration.subnet_ids",
        rulePath: "network_configuration.subnet_ids",
        before: ["s-1", "s-2"],
        after: ["s-2", "s-3"],
      },
    ]);
  });
});

describe("the replacement rules", () => {
  test("match the provider for the MWAA environment", () => {
    // GIVEN the rules table
    // WHEN asked about the environment's attributes
    // THEN name, kms_key, endpoint_management, subnet_ids and a major upgrade replace; the rest does not
    for (const p of ["name", "kms_key", "endpoint_management", "network_configuration.subnet_ids"])
      expect(forcesReplacement(ENV, p, "a", "b")).toBeDefined();
    expect(forcesReplacement(ENV, "airflow_version", "2.10.3", "3.0.6")).toBeDefined();
    for (const [p, b, a] of [
      ["airflow_version", "2.9.2", "2.10.3"],
      ["network_configuration.security_group_ids", "a", "b"],
      ["max_workers", 1, 2],
      ["plugins_s3_object_version", "a", "b"],
      ["tags.team", "a", "b"],
    ] as const) {
      expect(forcesReplacement(ENV, p, b, a)).toBeUndefined();
    }
    expect(REPLACE_RULES[ENV]?.source).toMatch(/internal\/service\/mwaa\/environment\.go/);
  });
});

describe("the CLI", () => {
  test("rejects bad arguments and a base that is neither a folder nor a git ref", () => {
    // GIVEN no --base, an unknown flag, and a base that does not exist
    // WHEN run in-process
    // THEN each throws a ReviewError (the CLI prints it as one line and exits 1)
    expect(() => run([], ROOT)).toThrow(/--base is required/);
    expect(() => run(["--base", "x", "--bogus"], ROOT)).toThrow(ReviewError);
    expect(() => run(["--base", "no-such-ref-or-folder-0x1f"], ROOT)).toThrow(
      /not a git ref|not inside a git repository/,
    );
  });

  test("a failed synth is reported with its stderr lines", () => {
    // GIVEN a config file that does not exist
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "mwaa-review-out-"));
    // WHEN the app is synthesized with it
    let error: unknown;
    try {
      synthesize(ROOT, out, path.join(out, "missing.json"), "the working tree");
    } catch (e) {
      error = e;
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
    // THEN a ReviewError names the synth and carries the app's own error line
    expect(error).toBeInstanceOf(ReviewError);
    expect((error as ReviewError).message).toMatch(/^synth of the working tree failed/);
    expect((error as ReviewError).details.join("\n")).toMatch(/missing\.json/);
  });

  test("exits 2 with --fail-on-protected-replace when the environment is replaced, and writes the Markdown", () => {
    // GIVEN the fixture base and a head that sets kms_key
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mwaa-review-md-"));
    const out = path.join(dir, "review.md");
    try {
      // WHEN the real CLI runs
      const r = spawnSync(
        process.execPath,
        [
          "-r",
          "tsx/cjs",
          "review/cli.ts",
          "--base",
          path.join(FIXTURES, "base"),
          "--head",
          path.join(FIXTURES, "head-kms"),
          "--markdown",
          out,
          "--fail-on-protected-replace",
        ],
        { cwd: ROOT, encoding: "utf8" },
      );
      // THEN it exits 2, prints the review, writes the same Markdown, and says why on stderr
      expect(r.status).toBe(2);
      expect(r.stdout.startsWith(MARKER)).toBe(true);
      expect(fs.readFileSync(out, "utf8")).toBe(r.stdout);
      expect(loudEnvironmentLines(r.stdout).some((l) => l.includes("kms_key"))).toBe(true);
      expect(r.stderr).toMatch(/protected resource\(s\) would be replaced or destroyed/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("exits 0 on an unchanged synth and prints no loud line", () => {
    // GIVEN the same folder as base and head
    // WHEN the real CLI runs with --fail-on-protected-replace
    const r = spawnSync(
      process.execPath,
      [
        "-r",
        "tsx/cjs",
        "review/cli.ts",
        "--base",
        path.join(FIXTURES, "base"),
        "--head",
        path.join(FIXTURES, "base"),
        "--fail-on-protected-replace",
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    // THEN it exits 0 and prints "No changes." without any line about replacing the environment
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("No changes.");
    expect(loudEnvironmentLines(r.stdout)).toEqual([]);
  });
});
