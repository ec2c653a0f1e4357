/**
 * A platform team composes PrivateMwaaEnvironment with resources of its own app: ids and ARNs are
 * cdktf tokens, which must end up as Terraform references, while literal values keep their checks.
 */
import { Lazy, TerraformStack, Token } from "cdktf";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { parseEnvironment } from "../model/parse";
import type { EnvironmentInput } from "../model/schema";
import { PrivateMwaaEnvironment } from "../constructs/private-mwaa-environment";
import {
  type Block,
  configErrorLines,
  dataSources,
  minimalEnvironment,
  resources,
  synthConstruct,
  testApp,
  type TerraformJson,
} from "./helpers";

describe("composing with the user's own resources", () => {
  // GIVEN a VPC, two subnets, a key, a topic and a client security group of the user's app
  let doc: TerraformJson;
  beforeAll(() => {
    doc = synthConstruct((scope) => {
      const vpc = new Vpc(scope, "Vpc", { cidrBlock: "10.0.0.0/16" });
      const a = new Subnet(scope, "A", { vpcId: vpc.id, cidrBlock: "10.0.1.0/24", availabilityZone: "eu-west-1a" });
      const b = new Subnet(scope, "B", { vpcId: vpc.id, cidrBlock: "10.0.2.0/24", availabilityZone: "eu-west-1b" });
      const key = new KmsKey(scope, "Key", {});
      const topic = new SnsTopic(scope, "Alarms", { name: "airflow-alarms" });
      const clients = new SecurityGroup(scope, "Clients", { vpcId: vpc.id });
      // WHEN the environment takes them as props
      new PrivateMwaaEnvironment(scope, "Mwaa", {
        name: "platform-airflow",
        region: "eu-west-1",
        network: { vpcId: vpc.id, privateSubnetIds: [a.id, b.id] },
        kmsKeyArn: key.arn,
        monitoring: { alarmTopicArn: topic.arn, workerCount: false },
        access: {
          certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666",
          allowedSecurityGroupIds: [clients.id],
        },
      });
    });
  });

  // THEN the JSON refers to them
  test("the environment runs in the user's subnets with the user's key", () => {
    const [env] = Object.values(resources(doc, "aws_mwaa_environment"));
    expect(env.network_configuration.subnet_ids).toEqual(["${aws_subnet.A.id}", "${aws_subnet.B.id}"]);
    expect(env.kms_key).toBe("${aws_kms_key.Key.arn}");
  });

  test("security groups are created in the user's VPC", () => {
    const vpcs = Object.values(resources(doc, "aws_security_group")).map((sg) => sg.vpc_id);
    expect(vpcs.length).toBeGreaterThanOrEqual(2);
    expect(vpcs.filter((v) => v !== "${aws_vpc.Vpc.id}")).toEqual([]);
  });

  test("every alarm that notifies, notifies the user's topic", () => {
    const alarms = [
      ...Object.values(resources(doc, "aws_cloudwatch_metric_alarm")),
      ...Object.values(resources(doc, "aws_cloudwatch_composite_alarm")),
    ];
    const actions = alarms.map((a) => a.alarm_actions).filter((a) => a !== undefined);
    expect(actions.length).toBeGreaterThan(0);
    for (const a of actions) expect(a).toEqual(["${aws_sns_topic.Alarms.arn}"]);
  });

  test("the ALB admits the user's client security group", () => {
    const rules = Object.values(resources(doc, "aws_vpc_security_group_ingress_rule"));
    expect(rules.some((r) => r.referenced_security_group_id === "${aws_security_group.Clients.id}")).toBe(true);
  });
});

describe("literal ids keep their checks", () => {
  test("a literal that is not a VPC id is refused with today's message", () => {
    const lines = configErrorLines(
      () =>
        new PrivateMwaaEnvironment(
          new TerraformStack(testApp(), "t"),
          "Mwaa",
          minimalEnvironment({
            network: { vpcId: "vpc-nope", privateSubnetIds: ["subnet-0a1b2c3d4e5f60711", "subnet-0a1b2c3d4e5f60722"] },
          }),
        ),
    );
    expect(lines).toEqual(['Mwaa props: network.vpcId: a VPC id like vpc-0a1b2c3d4e5f60718 (got "vpc-nope")']);
  });

  test("a token in one subnet and a bad literal in the other: only the literal is reported", () => {
    const lines = configErrorLines(() => {
      const stack = new TerraformStack(testApp(), "t");
      const vpc = new Vpc(stack, "Vpc", { cidrBlock: "10.0.0.0/16" });
      const a = new Subnet(stack, "A", { vpcId: vpc.id, cidrBlock: "10.0.1.0/24" });
      new PrivateMwaaEnvironment(
        stack,
        "Mwaa",
        minimalEnvironment({ network: { vpcId: vpc.id, privateSubnetIds: [a.id, "subnet-x"] } }),
      );
    });
    expect(lines).toEqual([
      'Mwaa props: network.privateSubnetIds[1]: a subnet id like subnet-0a1b2c3d4e5f60718 (got "subnet-x")',
    ]);
  });
});

describe("reach and extend", () => {
  // GIVEN an environment with web access, extended after construction
  let mwaa!: PrivateMwaaEnvironment;
  let doc: TerraformJson;
  beforeAll(() => {
    doc = synthConstruct((scope) => {
      const db = new SecurityGroup(scope, "DatabaseClients", { vpcId: "vpc-0a1b2c3d4e5f60718" });
      mwaa = new PrivateMwaaEnvironment(scope, "Mwaa", {
        ...minimalEnvironment(),
        monitoring: { workerCount: false },
        executionRolePolicyStatements: [
          {
            sid: "TeamSecrets",
            actions: ["secretsmanager:GetSecretValue"],
            resources: ["*"],
            conditions: [{ test: "StringEquals", variable: "aws:ResourceTag/team", values: ["data"] }],
          },
        ],
        access: {
          certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666",
          allowedCidrs: ["10.0.0.0/8"],
        },
      });
      // WHEN the app adds a statement and a security group
      mwaa.addToRolePolicy({
        sid: "ReadWarehouse",
        actions: ["s3:GetObject"],
        resources: ["arn:aws:s3:::warehouse/*"],
      });
      mwaa.addSecurityGroup(db.id);
    });
  });

  test("the underlying resources are typed members", () => {
    expect(mwaa.environmentResource.terraformResourceType).toBe("aws_mwaa_environment");
    expect(mwaa.role.terraformResourceType).toBe("aws_iam_role");
    expect(mwaa.securityGroup.resource.terraformResourceType).toBe("aws_security_group");
    expect(mwaa.bucket.bucket?.terraformResourceType).toBe("aws_s3_bucket");
    expect(mwaa.dashboard?.dashboard.terraformResourceType).toBe("aws_cloudwatch_dashboard");
    expect(mwaa.alarms.alarms.length).toBeGreaterThan(0);
    expect(new Set(mwaa.alarms.alarms.map((a) => a.terraformResourceType))).toEqual(
      new Set(["aws_cloudwatch_metric_alarm"]),
    );
    expect(mwaa.loadBalancer?.terraformResourceType).toBe("aws_lb");
  });

  test("addToRolePolicy appends to the execution role's policy, after the config's statements", () => {
    const [policy] = Object.values(dataSources(doc, "aws_iam_policy_document")).filter((d) =>
      d.statement.some((s: Block) => s.sid === "PublishMetrics"),
    );
    const sids = policy.statement.map((s: Block) => s.sid);
    expect(sids.slice(-2)).toEqual(["TeamSecrets", "ReadWarehouse"]);
    expect(policy.statement.at(-1)).toMatchObject({
      actions: ["s3:GetObject"],
      resources: ["arn:aws:s3:::warehouse/*"],
    });
  });

  test("a config statement carries its conditions", () => {
    const [policy] = Object.values(dataSources(doc, "aws_iam_policy_document")).filter((d) =>
      d.statement.some((s: Block) => s.sid === "TeamSecrets"),
    );
    expect(policy.statement.find((s: Block) => s.sid === "TeamSecrets").condition).toEqual([
      { test: "StringEquals", variable: "aws:ResourceTag/team", values: ["data"] },
    ]);
  });

  test("addSecurityGroup attaches the group after the environment's own", () => {
    const [env] = Object.values(resources(doc, "aws_mwaa_environment"));
    const groups = env.network_configuration.security_group_ids;
    expect(groups).toHaveLength(2);
    expect(groups[0]).toMatch(/^\$\{aws_security_group\.Mwaa_SecurityGroup_[0-9A-F]{8}\.id\}$/);
    expect(groups[1]).toBe("${aws_security_group.DatabaseClients.id}");
  });
});

describe("defaults are decided once, in the schema", () => {
  const CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666";
  test.each([true, false])(
    "access.deletionProtection follows protectFromDestroy (%s) when left out",
    (protectFromDestroy) => {
      const env = parseEnvironment(
        minimalEnvironment({ protectFromDestroy, access: { certificateArn: CERT, allowedCidrs: ["10.0.0.0/8"] } }),
      );
      expect(env.access?.deletionProtection).toBe(protectFromDestroy);
    },
  );

  test("an explicit access.deletionProtection wins", () => {
    const env = parseEnvironment(
      minimalEnvironment({ access: { certificateArn: CERT, allowedCidrs: ["10.0.0.0/8"], deletionProtection: false } }),
    );
    expect(env.access?.deletionProtection).toBe(false);
  });

  test("endpoints.role.region is the environment's region when left out", () => {
    const env = parseEnvironment(
      minimalEnvironment({
        endpoints: { createdBy: "role", role: { roleArn: "arn:aws:iam::210987654321:role/network-endpoints" } },
      }),
    );
    expect(env.endpoints.role?.region).toBe("eu-west-1");
  });
});

describe("every id and ARN field takes a token", () => {
  // GIVEN tokens of the user's own resources (any unresolved string token will do for validation)
  const token = () => Token.asString(Lazy.stringValue({ produce: () => "resolved-later" }));
  const CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666";
  test.each([
    [
      "network.vpcId and privateSubnetIds",
      () => ({ network: { vpcId: token(), privateSubnetIds: [token(), token()] } }),
    ],
    [
      "network.publicSubnetIds",
      () => ({
        network: { vpcId: token(), privateSubnetIds: [token(), token()], publicSubnetIds: [token(), token()] },
      }),
    ],
    ["kmsKeyArn", () => ({ kmsKeyArn: token() })],
    ["bucket.existingName", () => ({ bucket: { existingName: token() } })],
    [
      "monitoring.alarmTopicArn and onFailureDestinationArn",
      () => ({ monitoring: { alarmTopicArn: token(), onFailureDestinationArn: token() } }),
    ],
    ["endpoints.role.roleArn", () => ({ endpoints: { createdBy: "role", role: { roleArn: token() } } })],
    [
      "access.certificateArn, hostedZoneId, security groups, prefix lists, log bucket",
      () => ({
        access: {
          domainName: "airflow.example.com",
          hostedZoneId: token(),
          certificateArn: token(),
          allowedSecurityGroupIds: [token()],
          allowedPrefixListIds: [token()],
          accessLogs: { bucket: token() },
        },
      }),
    ],
    [
      "access.authentication.cognito.userPoolArn",
      () => ({
        access: {
          certificateArn: CERT,
          allowedCidrs: ["10.0.0.0/8"],
          authentication: {
            type: "cognito",
            cognito: { userPoolArn: token(), userPoolClientId: "abc123", userPoolDomain: "acme" },
          },
        },
      }),
    ],
  ] as const)("%s", (_fields, fields) => {
    // WHEN the environment is validated THEN it parses
    expect(() => parseEnvironment(minimalEnvironment(fields() as Partial<EnvironmentInput>))).not.toThrow();
  });
});
