/**
 * `npm run validate:terraform`: the generated mocks, the refusal to pass silently without
 * terraform in CI, and one real Terraform run on a tiny broken stack, so that the check is known
 * to fail on a schema error (it cannot pass vacuously).
 *
 * The Terraform run needs terraform and hashicorp/aws: from the provider mirror in
 * MWAA_TF_PLUGIN_DIR (.ci/run sets it where the machine has one), or from the registry in CI.
 * Elsewhere it is skipped; with CI=true it always runs.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkStack, installAws, pinnedAwsVersion, scratchCopy, terraformEnv } from "../terraform-check/check-stack";
import { type ProviderSchema, mockedTestFile } from "../terraform-check/test-file";
import { run } from "../terraform-check/validate";
import { minimalEnvironment, synthStack } from "./helpers";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mwaa-validate-terraform-test-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("the generated test file", () => {
  const schema: ProviderSchema = {
    resource_schemas: {
      aws_iam_role: {
        block: { attributes: { arn: { type: "string", computed: true }, name: { type: "string", optional: true } } },
      },
      aws_vpc_endpoint: {
        block: {
          attributes: {
            arn: { type: "string", computed: true },
            network_interface_ids: { type: ["set", "string"], computed: true },
          },
        },
      },
    },
    data_source_schemas: {
      aws_availability_zones: { block: { attributes: { names: { type: ["list", "string"], computed: true } } } },
    },
  };
  const doc = {
    provider: { aws: [{ region: "eu-west-1" }, { alias: "endpoints", region: "eu-west-1" }] },
    resource: {
      aws_iam_role: { Role: { name: "r" } },
      aws_vpc_endpoint: {
        Web: {
          service_name: "${data.terraform_remote_state.Environment.outputs.mwaa_webserver_vpc_endpoint_service}",
          provider: "aws.endpoints",
        },
      },
    },
    data: { aws_availability_zones: { Zones: {} }, terraform_remote_state: { Environment: { backend: "s3" } } },
  };
  const text = mockedTestFile(doc, schema);

  test("mocks every provider configuration, aliases included", () => {
    // GIVEN a stack with the default aws provider and an alias (above)
    // WHEN its test file is generated
    // THEN there is one mock_provider per configuration, and the run applies
    expect(text.match(/^mock_provider "aws" \{$/gm)).toHaveLength(2);
    expect(text).toMatch(/^ {2}alias = "endpoints"$/m);
    expect(text).toMatch(/run "plan_and_apply" \{\n {2}command = apply\n\}/);
  });

  test("gives computed ARNs the shape of an ARN, and lists the stack indexes elements", () => {
    // GIVEN the same file
    // THEN the role's computed arn is an ARN, the zones have names, the endpoint has ENIs; name (not computed) is left alone
    expect(text).toMatch(
      /mock_resource "aws_iam_role" \{\n {4}defaults = \{"arn":"arn:aws:iam:eu-west-1:123456789012:[^"]+"\}/,
    );
    expect(text).toMatch(
      /mock_data "aws_availability_zones" \{\n {4}defaults = \{"names":\["eu-west-1a","eu-west-1b","eu-west-1c"\]/,
    );
    expect(text).toMatch(/"network_interface_ids":\["eni-/);
    expect(text).not.toMatch(/"name":"r"/);
  });

  test("overrides each terraform_remote_state with the outputs the stack reads", () => {
    // GIVEN the endpoint reading an output of the environment's stack
    // THEN an override_data block gives that output a value of the right shape
    expect(text).toContain("override_data {\n  target = data.terraform_remote_state.Environment");
    expect(text).toMatch(/"mwaa_webserver_vpc_endpoint_service":"com\.amazonaws\.vpce\.eu-west-1\.vpce-svc-/);
  });
});

test("from the registry, the mocks' schema comes from the hashicorp/aws version the synthesized stacks pin, not the newest", () => {
  const doc = synthStack(minimalEnvironment(), undefined, {
    workerCountCode: { zipPath: __filename, sha256Base64: "x" },
  }) as unknown as { terraform: { required_providers: { aws: { version: string } } } };
  const pinned = doc.terraform.required_providers.aws.version;
  expect(pinnedAwsVersion()).toBe(pinned);
});

const hasTerraform = spawnSync("terraform", ["version"], { encoding: "utf8" }).error === undefined;

describe("without terraform, or without the provider", () => {
  const withoutTerraform = async (
    ci: string | undefined,
    argv: string[] = [],
    terraform = path.join(tmp, "no-such-dir", "terraform"),
  ) => {
    const saved = { CI: process.env.CI };
    if (ci === undefined) delete process.env.CI;
    else process.env.CI = ci;
    const lines: string[] = [];
    try {
      return { code: await run(argv, path.resolve(__dirname, ".."), (l) => lines.push(l), terraform), lines };
    } finally {
      if (saved.CI === undefined) delete process.env.CI;
      else process.env.CI = saved.CI;
    }
  };

  test("says so and exits 0 locally, but fails in CI", async () => {
    // GIVEN no terraform executable
    // WHEN the check runs outside CI, then with CI=true
    const local = await withoutTerraform(undefined);
    const ci = await withoutTerraform("true");
    // THEN it explains why it did not run; only CI treats that as a failure
    expect(local.code).toBe(0);
    expect(local.lines.join("\n")).toMatch(/not run: terraform is not on PATH/);
    expect(ci.code).toBe(1);
    expect(ci.lines.join("\n")).toMatch(/CI=true, so this is a failure/);
  });

  (hasTerraform ? test : test.skip)(
    `says so when the provider mirror has no hashicorp/aws, and fails only in CI${hasTerraform ? "" : " (skipped: terraform is not on PATH)"}`,
    async () => {
      // GIVEN terraform, and a plugin dir without the provider
      const empty = path.join(tmp, "empty-mirror");
      fs.mkdirSync(empty, { recursive: true });
      // WHEN the check runs outside CI, then with CI=true
      const local = await withoutTerraform(undefined, ["--plugin-dir", empty], "terraform");
      const ci = await withoutTerraform("true", ["--plugin-dir", empty], "terraform");
      // THEN it names the missing provider; only CI fails
      expect(local.code).toBe(0);
      expect(local.lines.join("\n")).toMatch(/not run: .*holds no registry\.terraform\.io\/hashicorp\/aws/);
      expect(ci.code).toBe(1);
    },
  );
});

const pluginDir = process.env.MWAA_TF_PLUGIN_DIR || undefined;
/** Why the real Terraform run is skipped here (undefined: it runs); printed, and in the test's name. */
const skipReason = !hasTerraform
  ? "terraform is not on PATH"
  : pluginDir === undefined && process.env.CI !== "true"
    ? "MWAA_TF_PLUGIN_DIR is not set (a local mirror of hashicorp/aws, e.g. MWAA_TF_PLUGIN_DIR=/opt/tf-plugins npm run test:slow; or CI=true to take the provider from the registry)"
    : undefined;
if (skipReason !== undefined)
  process.stderr.write(`validate-terraform.test.ts: the real Terraform run is skipped: ${skipReason}\n`);

(skipReason === undefined ? describe : describe.skip)(
  `Terraform on a stack with a schema error${skipReason === undefined ? "" : ` (skipped: ${skipReason})`}`,
  () => {
    test("fails at validate, naming the broken attribute", async () => {
      // GIVEN a one-resource stack whose bucket has an attribute hashicorp/aws does not have
      const stackDir = path.join(tmp, "broken", "stack");
      fs.mkdirSync(stackDir, { recursive: true });
      const broken = {
        terraform: { required_providers: { aws: { source: "aws", version: pinnedAwsVersion() } } },
        provider: { aws: [{ region: "eu-west-1" }] },
        resource: { aws_s3_bucket: { Bucket: { bucket: "mwaa-check", no_such_attribute: "x" } } },
      };
      fs.writeFileSync(path.join(stackDir, "cdk.tf.json"), JSON.stringify(broken));
      const t = terraformEnv(path.join(tmp, "broken"), pluginDir);
      if (typeof t === "string") throw new Error(t);
      // WHEN init, validate and test run on a scratch copy of it
      const doc = scratchCopy(stackDir, path.join(tmp, "broken", "scratch"), t.awsVersion);
      const result = await checkStack(t, path.join(tmp, "broken", "scratch"), doc, undefined);
      // THEN validate fails and says which attribute
      expect(result).toMatchObject({ ok: false, failedStep: "validate" });
      expect(result.details.join("\n")).toMatch(/no_such_attribute/);
    }, 120_000);

    test("with mocks, the test run fails naming the broken attribute, on an init shared with another folder", async () => {
      // GIVEN the same broken stack, and an init done once in a folder of its own (as for every stack)
      const t = terraformEnv(path.join(tmp, "broken-shared"), pluginDir);
      if (typeof t === "string") throw new Error(t);
      const initDir = path.join(tmp, "broken-shared", "provider");
      expect(await installAws(t, initDir)).toEqual([]);
      const scratch = path.join(tmp, "broken-shared", "scratch");
      const doc = scratchCopy(path.join(tmp, "broken", "stack"), scratch, t.awsVersion);
      // WHEN checked with a (minimal) schema for the mocks and that init
      const result = await checkStack(t, scratch, doc, { resource_schemas: {} }, initDir);
      // THEN the stack reused the init (no init of its own) and its test run failed naming the attribute
      expect(fs.lstatSync(path.join(scratch, ".terraform", "providers")).isSymbolicLink()).toBe(true);
      expect(result).toMatchObject({ ok: false, failedStep: "test" });
      expect(result.details.join("\n")).toMatch(/no_such_attribute/);
    }, 120_000);
  },
);
