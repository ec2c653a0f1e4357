import { ArtifactBucket } from "../constructs/artifact-bucket";
import {
  type TerraformJson,
  blockAt,
  dataSources,
  minimalEnvironment,
  nameOf,
  ref,
  resources,
  synthConstruct,
  synthStack,
} from "./helpers";

const KMS_KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9";

// Each distinct config is synthesized once and shared by the tests below.
const created = synthStack(minimalEnvironment());
const custom = synthStack(
  minimalEnvironment({
    kmsKeyArn: KMS_KEY_ARN,
    bucket: { name: "team-mwaa-artifacts" },
    protectFromDestroy: false,
    tags: { team: "data" },
  }),
);
const existing = synthStack(minimalEnvironment({ bucket: { existingName: "team-existing-artifacts" } }));

const BUCKET = "Mwaa_Bucket";
const bucketId = (doc: TerraformJson) => ref(doc, "aws_s3_bucket", BUCKET, "id");

describe("created bucket", () => {
  test("gets a generated name starting airflow-<environment>-", () => {
    // GIVEN no bucket name WHEN synthesized THEN Terraform generates one from the prefix
    const bucket = blockAt(created, "aws_s3_bucket", BUCKET);
    expect(bucket.bucket_prefix).toBe("airflow-dev-");
    expect(bucket.bucket).toBeUndefined();
  });

  test("takes the configured name", () => {
    // GIVEN bucket.name
    const bucket = blockAt(custom, "aws_s3_bucket", BUCKET);
    // THEN that exact name, and no prefix
    expect(bucket.bucket).toBe("team-mwaa-artifacts");
    expect(bucket.bucket_prefix).toBeUndefined();
  });

  test("is versioned (MWAA requires it)", () => {
    expect(blockAt(created, "aws_s3_bucket_versioning", `${BUCKET}_Versioning`)).toEqual({
      bucket: bucketId(created),
      versioning_configuration: { status: "Enabled" },
    });
  });

  test("is encrypted with SSE-S3 (AES256) by default", () => {
    expect(blockAt(created, "aws_s3_bucket_server_side_encryption_configuration", `${BUCKET}_Encryption`)).toEqual({
      bucket: bucketId(created),
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" }, bucket_key_enabled: false }],
    });
  });

  test("is encrypted with the customer managed key when kmsKeyArn is set", () => {
    // GIVEN kmsKeyArn
    // THEN aws:kms with that key, and an S3 bucket key to cut KMS requests
    expect(blockAt(custom, "aws_s3_bucket_server_side_encryption_configuration", `${BUCKET}_Encryption`)).toEqual({
      bucket: bucketId(custom),
      rule: [
        {
          apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: KMS_KEY_ARN },
          bucket_key_enabled: true,
        },
      ],
    });
  });

  test("blocks every kind of public access", () => {
    expect(blockAt(created, "aws_s3_bucket_public_access_block", `${BUCKET}_PublicAccessBlock`)).toEqual({
      bucket: bucketId(created),
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  test("disables ACLs (BucketOwnerEnforced)", () => {
    expect(blockAt(created, "aws_s3_bucket_ownership_controls", `${BUCKET}_OwnershipControls`)).toEqual({
      bucket: bucketId(created),
      rule: { object_ownership: "BucketOwnerEnforced" },
    });
  });

  test("has a policy denying requests without TLS", () => {
    // GIVEN a created bucket
    // THEN its policy is the generated document, which denies s3:* on the bucket and its objects when aws:SecureTransport is false
    const document = nameOf(created, "data.aws_iam_policy_document", `${BUCKET}_PolicyDocument`);
    expect(blockAt(created, "aws_s3_bucket_policy", `${BUCKET}_Policy`)).toEqual({
      bucket: bucketId(created),
      policy: `\${data.aws_iam_policy_document.${document}.json}`,
    });
    const arn = ref(created, "aws_s3_bucket", BUCKET, "arn");
    expect(dataSources(created, "aws_iam_policy_document")[document].statement).toEqual([
      {
        sid: "DenyInsecureTransport",
        effect: "Deny",
        principals: [{ type: "*", identifiers: ["*"] }],
        actions: ["s3:*"],
        resources: [arn, `${arn}/*`],
        condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      },
    ]);
  });

  test("is protected from destroy by default, and not when protectFromDestroy is false", () => {
    expect(blockAt(created, "aws_s3_bucket", BUCKET).lifecycle).toEqual({ prevent_destroy: true });
    expect(blockAt(custom, "aws_s3_bucket", BUCKET).lifecycle?.prevent_destroy ?? false).toBe(false);
  });

  test("carries the environment's tags and a Name", () => {
    expect(blockAt(custom, "aws_s3_bucket", BUCKET).tags).toMatchObject({ team: "data", Name: "dev-airflow" });
  });

  test("is the environment's source bucket, and the environment waits for versioning", () => {
    const environment = blockAt(created, "aws_mwaa_environment", "Mwaa_Environment");
    expect(environment.source_bucket_arn).toBe(ref(created, "aws_s3_bucket", BUCKET, "arn"));
    expect(environment.depends_on).toContain(
      `aws_s3_bucket_versioning.${nameOf(created, "aws_s3_bucket_versioning", `${BUCKET}_Versioning`)}`,
    );
  });
});

describe("existing bucket", () => {
  test("is read with a data source, by name", () => {
    // GIVEN bucket.existingName
    // THEN a data source reads it
    expect(blockAt(existing, "data.aws_s3_bucket", BUCKET)).toEqual({ bucket: "team-existing-artifacts" });
  });

  test("creates no bucket or bucket settings", () => {
    // GIVEN bucket.existingName
    // THEN nothing of type aws_s3_bucket* exists: the bucket's owner manages it
    const bucketTypes = Object.keys(existing.resource ?? {}).filter((type) => type.startsWith("aws_s3_bucket"));
    expect(bucketTypes).toEqual([]);
    expect(
      Object.keys(dataSources(existing, "aws_iam_policy_document")).filter((n) => n.startsWith(`${BUCKET}_`)),
    ).toEqual([]);
  });

  test("is wired into the environment, the execution role and the outputs", () => {
    const arn = ref(existing, "data.aws_s3_bucket", BUCKET, "arn");
    const environment = blockAt(existing, "aws_mwaa_environment", "Mwaa_Environment");
    expect(environment.source_bucket_arn).toBe(arn);
    // It still waits for the role policy, and there is no created versioning to wait for.
    expect(environment.depends_on).toContain(
      `aws_iam_role_policy.${nameOf(existing, "aws_iam_role_policy", "Mwaa_ExecutionRole_Policy")}`,
    );
    expect(environment.depends_on.filter((d: string) => d.startsWith("aws_s3_bucket"))).toEqual([]);
    const read = blockAt(existing, "data.aws_iam_policy_document", "Mwaa_ExecutionRole_PolicyDocument").statement.find(
      (s: { sid?: string }) => s.sid === "ReadArtifacts",
    );
    expect(read.resources).toEqual([arn, `${arn}/*`]);
    expect(existing.output?.mwaa_bucket_name.value).toBe(ref(existing, "data.aws_s3_bucket", BUCKET, "bucket"));
  });
});

describe("generated name prefix", () => {
  const prefixFor = (environmentName: string): string => {
    const doc = synthConstruct(
      (scope) => new ArtifactBucket(scope, "Bucket", { environmentName, protectFromDestroy: true }),
    );
    return Object.values(resources(doc, "aws_s3_bucket"))[0].bucket_prefix;
  };

  test("is lower case with only letters, digits and hyphens", () => {
    expect(prefixFor("Analytics_Prod")).toBe("airflow-analytics-prod-");
  });

  test("stays within S3's 37-character prefix limit without a doubled hyphen", () => {
    // GIVEN an 80-character environment name whose cut falls on a hyphen
    const prefix = prefixFor(`${"a".repeat(27)}-${"b".repeat(52)}`);
    // THEN the prefix is cut, ends in a single hyphen and is at most 37 characters
    expect(prefix).toBe(`airflow-${"a".repeat(27)}-`);
    expect(prefix.length).toBeLessThanOrEqual(37);
  });

  test.each([true, false])(
    "prevent_destroy is protectFromDestroy (%s): the default lives in the config schema only",
    (protectFromDestroy) => {
      const doc = synthConstruct(
        (scope) => new ArtifactBucket(scope, "Bucket", { environmentName: "dev", protectFromDestroy }),
      );
      expect(blockAt(doc, "aws_s3_bucket", "Bucket").lifecycle).toEqual({ prevent_destroy: protectFromDestroy });
    },
  );
});
