import { ExecutionRole } from "../constructs/execution-role";
import {
  type Block,
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
const EXTRA = [
  {
    sid: "ReadConnections",
    actions: ["secretsmanager:GetSecretValue"],
    resources: ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:airflow/*"],
  },
  { effect: "Deny" as const, actions: ["s3:DeleteObject", "s3:PutObject"], resources: ["arn:aws:s3:::team-archive/*"] },
];

// Each distinct config is synthesized once and shared by the tests below.
const plain = synthStack(minimalEnvironment());
const withKey = synthStack(
  minimalEnvironment({ kmsKeyArn: KMS_KEY_ARN, executionRolePolicyStatements: EXTRA, tags: { team: "data" } }),
);

const ROLE = "Mwaa_ExecutionRole";
const statements = (doc: TerraformJson): Block[] =>
  blockAt(doc, "data.aws_iam_policy_document", `${ROLE}_PolicyDocument`).statement;
const statement = (doc: TerraformJson, sid: string): Block => {
  const found = statements(doc).find((s) => s.sid === sid);
  if (found === undefined)
    throw new Error(
      `no statement ${sid}; there are: ${statements(doc)
        .map((s) => s.sid)
        .join(", ")}`,
    );
  return found;
};
const trust = (doc: TerraformJson): Block[] =>
  blockAt(doc, "data.aws_iam_policy_document", `${ROLE}_TrustPolicy`).statement;
const account = (doc: TerraformJson) => ref(doc, "data.aws_caller_identity", "Mwaa_Account", "account_id");
const partition = (doc: TerraformJson) => ref(doc, "data.aws_partition", "Mwaa_Partition", "partition");
const environmentArn = (doc: TerraformJson) =>
  `arn:${partition(doc)}:airflow:eu-west-1:${account(doc)}:environment/dev`;

describe("role", () => {
  test("is named after the environment (a prefix: role names are global) and assumed through the trust policy", () => {
    expect(blockAt(plain, "aws_iam_role", ROLE).name).toBeUndefined();
    expect(blockAt(plain, "aws_iam_role", ROLE)).toMatchObject({
      name_prefix: "dev-mwaa-execution-",
      assume_role_policy: `\${data.aws_iam_policy_document.${nameOf(plain, "data.aws_iam_policy_document", `${ROLE}_TrustPolicy`)}.json}`,
    });
  });

  test("carries the environment's tags", () => {
    expect(blockAt(withKey, "aws_iam_role", ROLE).tags).toMatchObject({ team: "data", Name: "dev-mwaa-execution" });
  });

  test("its inline policy is the permissions document", () => {
    expect(blockAt(plain, "aws_iam_role_policy", `${ROLE}_Policy`)).toMatchObject({
      role: ref(plain, "aws_iam_role", ROLE, "id"),
      policy: `\${data.aws_iam_policy_document.${nameOf(plain, "data.aws_iam_policy_document", `${ROLE}_PolicyDocument`)}.json}`,
    });
  });

  test("is the environment's execution role, and the environment waits for its policy", () => {
    const environment = blockAt(plain, "aws_mwaa_environment", "Mwaa_Environment");
    expect(environment.execution_role_arn).toBe(ref(plain, "aws_iam_role", ROLE, "arn"));
    expect(environment.depends_on).toContain(
      `aws_iam_role_policy.${nameOf(plain, "aws_iam_role_policy", `${ROLE}_Policy`)}`,
    );
  });

  test("a long environment name still gives a name prefix within IAM's 38 characters", () => {
    // GIVEN an 80-character environment name (the maximum)
    const name = `e${"x".repeat(79)}`;
    const doc = synthConstruct(
      (scope) =>
        new ExecutionRole(scope, "Role", {
          environmentName: name,
          region: "eu-west-1",
          accountId: "123456789012",
          partition: "aws",
          bucketArn: "arn:aws:s3:::b",
        }),
    );
    // THEN the prefix keeps the start of the name and leaves room for the 26-character suffix IAM allows after it
    const role = Object.values(resources(doc, "aws_iam_role"))[0];
    expect(role.name_prefix).toBe(`${name.slice(0, 22)}-mwaa-execution-`);
    expect(role.name_prefix.length).toBeLessThanOrEqual(38);
  });
});

describe("trust (confused deputy)", () => {
  test("only the MWAA services may assume the role", () => {
    const [only, ...others] = trust(plain);
    expect(others).toEqual([]);
    expect(only).toMatchObject({
      effect: "Allow",
      actions: ["sts:AssumeRole"],
      principals: [{ type: "Service", identifiers: ["airflow.amazonaws.com", "airflow-env.amazonaws.com"] }],
    });
  });

  test("only for this account and this environment", () => {
    // THEN aws:SourceAccount is the caller's account and aws:SourceArn this environment's ARN
    expect(trust(plain)[0].condition).toEqual([
      { test: "StringEquals", variable: "aws:SourceAccount", values: [account(plain)] },
      { test: "ArnLike", variable: "aws:SourceArn", values: [environmentArn(plain)] },
    ]);
  });
});

describe("permissions", () => {
  test("metrics are published for this environment only", () => {
    expect(statement(plain, "PublishMetrics")).toMatchObject({
      actions: ["airflow:PublishMetrics"],
      resources: [environmentArn(plain)],
    });
  });

  test("artifacts are read from this bucket only", () => {
    const arn = ref(plain, "aws_s3_bucket", "Mwaa_Bucket", "arn");
    const read = statement(plain, "ReadArtifacts");
    expect(read.resources).toEqual([arn, `${arn}/*`]);
    // THEN exactly the S3 actions of AWS's documented execution-role policy (MWAA user guide,
    // "Amazon MWAA execution role"): a narrower set fails only at creation, 20 minutes in
    expect(read.actions).toEqual(["s3:GetObject*", "s3:GetBucket*", "s3:List*"]);
  });

  test("logs go to this environment's log groups only", () => {
    expect(statement(plain, "WriteOwnLogs").resources).toEqual([
      `arn:${partition(plain)}:logs:eu-west-1:${account(plain)}:log-group:airflow-dev-*`,
    ]);
  });

  test("the Celery queues are MWAA's airflow-celery-* queues", () => {
    expect(statement(plain, "CeleryQueues").resources).toEqual([
      `arn:${partition(plain)}:sqs:eu-west-1:*:airflow-celery-*`,
    ]);
  });

  test("without a CMK, KMS is allowed only through SQS and never on this account's keys", () => {
    // GIVEN no kmsKeyArn
    const kms = statement(plain, "KmsViaSqs");
    // THEN the AWS owned key of the queues is usable through SQS only
    expect(kms.resources).toBeUndefined();
    expect(kms.not_resources).toEqual([`arn:${partition(plain)}:kms:*:${account(plain)}:key/*`]);
    expect(kms.condition).toEqual([
      { test: "StringLike", variable: "kms:ViaService", values: ["sqs.eu-west-1.amazonaws.com"] },
    ]);
    expect(statements(plain).find((s) => s.sid === "CustomerManagedKey")).toBeUndefined();
  });

  test("with a CMK, that key is allowed through SQS and S3, and nothing else", () => {
    // GIVEN kmsKeyArn
    const kms = statement(withKey, "CustomerManagedKey");
    // THEN exactly that key, through the two services that use it
    expect(kms.resources).toEqual([KMS_KEY_ARN]);
    expect(kms.condition).toEqual([
      {
        test: "StringLike",
        variable: "kms:ViaService",
        values: ["sqs.eu-west-1.amazonaws.com", "s3.eu-west-1.amazonaws.com"],
      },
    ]);
    expect(statements(withKey).find((s) => s.sid === "KmsViaSqs")).toBeUndefined();
  });

  test("extra statements from config are appended in order", () => {
    // GIVEN two extra statements, the second a Deny without sid
    const all = statements(withKey);
    // THEN they are the last two, as written (effect defaults to Allow)
    expect(all.slice(-2)).toEqual([
      { sid: "ReadConnections", effect: "Allow", actions: EXTRA[0].actions, resources: EXTRA[0].resources },
      { effect: "Deny", actions: EXTRA[1].actions, resources: EXTRA[1].resources },
    ]);
    expect(all.length).toBe(statements(plain).length + 2);
  });

  test('no statement anywhere allows a bare "*" action', () => {
    // GIVEN every policy document of both stacks (bucket, role, and any other)
    const actions = [plain, withKey].flatMap((doc) =>
      Object.values(dataSources(doc, "aws_iam_policy_document")).flatMap((d) =>
        (d.statement as Block[]).flatMap((s) => [...(s.actions ?? []), ...(s.not_actions ?? [])]),
      ),
    );
    // THEN every action names its service
    expect(actions.length).toBeGreaterThan(20);
    expect(actions.filter((a: string) => !/^[a-z0-9-]+:[A-Za-z0-9*]+$/.test(a))).toEqual([]);
  });

  test('only actions without resource-level permissions are granted on "*"', () => {
    const onEverything = statements(plain)
      .filter((s) => (s.resources ?? []).includes("*"))
      .flatMap((s) => s.actions);
    expect(onEverything.sort()).toEqual([
      "cloudwatch:PutMetricData",
      "logs:DescribeLogGroups",
      "s3:GetAccountPublicAccessBlock",
    ]);
  });
});
