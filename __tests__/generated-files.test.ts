import * as fs from "node:fs";
import * as path from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CustomerEndpoints } from "../constructs/customer-endpoints";
import { EndpointSecurityGroup } from "../constructs/endpoint-security-group";
import { ENDPOINT_TAG_KEY, endpointsRolePolicy } from "../constructs/private/endpoints-role-policy";
import { GENERATED, render } from "../scripts/generate";
import { PRIVATE_SUBNET_IDS, VPC_ID, resources, synthConstruct } from "./helpers";

const ROOT = path.join(__dirname, "..");

/** Throws, telling how to fix it, when a committed file differs from what the generator renders. */
function checkGenerated(file: string, committed: string, fresh: string): void {
  if (committed !== fresh)
    throw new Error(
      `${file} is out of date with the code it is generated from: run npm run generate and commit the result`,
    );
}

describe("generated files", () => {
  test("are the JSON Schema, the endpoints role policy and the props reference", () => {
    expect(Object.keys(GENERATED).sort()).toEqual([
      "config/schema.json",
      "docs/props.md",
      "model/environment-props.ts",
      "policies/endpoints-role-policy.json",
      "review/arguments.ts",
    ]);
  });

  test("the props reference lists every field with its default", () => {
    const reference = render(GENERATED["docs/props.md"]);
    // GIVEN fields with a zod default, a documented default and a class-dependent one
    expect(reference).toContain(
      '| `airflow.version` | "2.7.2" \\| "2.8.1" \\| "2.9.2" \\| "2.10.1" \\| "2.10.3" \\| "2.11.0" \\| "2.11.2" \\| "3.0.6" \\| "3.2.1" \\| "3.3.1" |  | "3.3.1" |',
    );
    expect(reference).toContain("| `airflow.maxWorkers` | integer |  | 10 (1 for mw1.micro) |");
    expect(reference).toContain("| `name` | string | yes |  |");
    // THEN no optional field is left without a stated default
    const rows = reference.split("\n").filter((l) => l.startsWith("| `"));
    expect(rows.length).toBeGreaterThan(100);
    for (const row of rows) {
      const [, , , required, defaultValue] = row.split(/(?<!\\)\|/).map((c) => c.trim());
      if (required !== "yes") expect(defaultValue).not.toBe("");
    }
  });

  test.each(Object.keys(GENERATED))("%s is exactly what scripts/generate.ts renders now", (file) => {
    // GIVEN the committed file WHEN rendered again THEN byte for byte the same
    checkGenerated(file, fs.readFileSync(path.join(ROOT, file), "utf8"), render(GENERATED[file]));
  });

  test("a stale file fails with the command that fixes it", () => {
    const fresh = render(GENERATED["policies/endpoints-role-policy.json"]);
    expect(() =>
      checkGenerated(
        "policies/endpoints-role-policy.json",
        fresh.replace("ec2:CreateVpcEndpoint", "ec2:CreateVpcEndpoints"),
        fresh,
      ),
    ).toThrow(/^policies\/endpoints-role-policy\.json .*: run npm run generate/);
  });

  test("render is stable JSON with a final newline", () => {
    const text = render(GENERATED["config/schema.json"]);
    expect(text.endsWith("}\n")).toBe(true);
    expect(render(GENERATED["config/schema.json"])).toBe(text);
    expect(JSON.parse(text)).toEqual(GENERATED["config/schema.json"]());
  });
});

describe("endpoints role policy", () => {
  type Statement = ReturnType<typeof endpointsRolePolicy>["Statement"][number] & {
    NotAction?: unknown;
    NotResource?: unknown;
  };
  const policy = endpointsRolePolicy();
  const statements = policy.Statement as Statement[];
  const isRead = (action: string) => /^ec2:Describe[A-Za-z]+$/.test(action);
  const resourceType = (arn: string) => /^arn:\*:ec2:\*:\*:([a-z-]+)\/\*$/.exec(arn)?.[1];
  const tagConditionKeys = (s: Statement) =>
    Object.values(s.Condition ?? {}).flatMap((byKey) =>
      Object.keys(byKey).flatMap((k) =>
        /^aws:(Resource|Request)Tag\//.test(k) ? [k.split("/").slice(1).join("/")] : [],
      ),
    );
  const scopedByTagOrCreate = (s: Statement) =>
    tagConditionKeys(s).length > 0 || Object.values(s.Condition ?? {}).some((byKey) => "ec2:CreateAction" in byKey);

  test("is an identity policy of Allow statements with Action and Resource lists, no Not*", () => {
    expect(policy.Version).toBe("2012-10-17");
    for (const s of statements) {
      expect(s.Effect).toBe("Allow");
      expect(s).not.toHaveProperty("NotAction");
      expect(s).not.toHaveProperty("NotResource");
      expect(s).not.toHaveProperty("Principal");
      expect(s.Action.length).toBeGreaterThan(0);
      expect(s.Resource.length).toBeGreaterThan(0);
    }
    expect(new Set(statements.map((s) => s.Sid)).size).toBe(statements.length);
  });

  test("allows exactly this set of actions", () => {
    expect([...new Set(statements.flatMap((s) => s.Action))].sort()).toEqual([
      "ec2:AuthorizeSecurityGroupIngress",
      "ec2:CreateSecurityGroup",
      "ec2:CreateTags",
      "ec2:CreateVpcEndpoint",
      "ec2:DeleteSecurityGroup",
      "ec2:DeleteTags",
      "ec2:DeleteVpcEndpoints",
      "ec2:DescribeNetworkInterfaces",
      "ec2:DescribePrefixLists",
      "ec2:DescribeSecurityGroupRules",
      "ec2:DescribeSecurityGroups",
      "ec2:DescribeSubnets",
      "ec2:DescribeVpcEndpointServices",
      "ec2:DescribeVpcEndpoints",
      "ec2:DescribeVpcs",
      "ec2:ModifySecurityGroupRules",
      "ec2:ModifyVpcEndpoint",
      "ec2:RevokeSecurityGroupEgress",
      "ec2:RevokeSecurityGroupIngress",
    ]);
  });

  test("has no wildcard action, neither * nor service:*", () => {
    for (const action of statements.flatMap((s) => s.Action)) {
      expect(action).toMatch(/^ec2:[A-Z][A-Za-z]+$/);
      expect(action).not.toContain("*");
    }
  });

  test("only Describe calls (no resource-level permissions) use Resource *", () => {
    for (const s of statements.filter((st) => st.Resource.includes("*"))) expect(s.Action.every(isRead)).toBe(true);
  });

  test("every write is scoped to EC2 resource ARNs, and on endpoints and groups to the tag or tag-on-create", () => {
    const writes = statements.filter((s) => !s.Action.every(isRead));
    expect(writes.length).toBeGreaterThan(0);
    for (const s of writes) {
      // Reads and writes never share a statement, so a write never inherits Resource "*".
      expect(s.Action.some(isRead)).toBe(false);
      for (const arn of s.Resource) {
        const type = resourceType(arn);
        expect([s.Sid, type]).toEqual([
          s.Sid,
          expect.stringMatching(/^(vpc-endpoint|security-group|security-group-rule|vpc|subnet)$/),
        ]);
        if (type !== "vpc-endpoint" && type !== "security-group") continue;
        // Attaching an existing group to a (tagged) endpoint, new or changed, changes nothing on the group.
        if (
          type === "security-group" &&
          s.Action.every((a) => a === "ec2:CreateVpcEndpoint" || a === "ec2:ModifyVpcEndpoint")
        )
          continue;
        expect([s.Sid, arn, scopedByTagOrCreate(s)]).toEqual([s.Sid, arn, true]);
      }
    }
  });

  test("no ARN names a partition: the file works in aws, aws-cn and aws-us-gov accounts alike", () => {
    const arns = statements.flatMap((s) => s.Resource).filter((r) => r !== "*");
    expect(arns.length).toBeGreaterThan(0);
    for (const arn of arns) expect(arn).toMatch(/^arn:\*:ec2:/);
  });

  test("endpoints can be moved to other security groups and subnets later, as AWS's own AmazonMWAAServiceRolePolicy allows", () => {
    // GIVEN ModifyVpcEndpoint, which also authorizes on the groups and subnets it adds or removes
    const modify = statements.filter((s) => s.Action.includes("ec2:ModifyVpcEndpoint"));
    // THEN it is granted on the tagged endpoints and, without a tag condition, on vpc, security-group and subnet
    const onTypes = (cond: boolean) =>
      new Set(modify.filter((s) => (s.Condition !== undefined) === cond).flatMap((s) => s.Resource.map(resourceType)));
    expect(onTypes(true)).toEqual(new Set(["vpc-endpoint"]));
    expect(onTypes(false)).toEqual(new Set(["vpc", "security-group", "subnet"]));
  });

  test("creating an endpoint or a group requires the tag in the request", () => {
    for (const [action, type] of [
      ["ec2:CreateVpcEndpoint", "vpc-endpoint"],
      ["ec2:CreateSecurityGroup", "security-group"],
    ]) {
      const grants = statements.filter(
        (s) => s.Action.includes(action) && s.Resource.some((r) => resourceType(r) === type),
      );
      expect(grants).toHaveLength(1);
      expect(grants[0].Condition).toEqual({ Null: { [`aws:RequestTag/${ENDPOINT_TAG_KEY}`]: "false" } });
    }
  });

  test("tags may be written only on create or on resources that already carry the tag", () => {
    for (const s of statements.filter(
      (st) => st.Action.includes("ec2:CreateTags") || st.Action.includes("ec2:DeleteTags"),
    )) {
      const onCreate = s.Condition?.StringEquals?.["ec2:CreateAction"];
      const tagged = s.Condition?.Null?.[`aws:ResourceTag/${ENDPOINT_TAG_KEY}`];
      expect([s.Sid, onCreate !== undefined || tagged === "false"]).toEqual([s.Sid, true]);
      if (onCreate !== undefined) expect(s.Action).toEqual(["ec2:CreateTags"]);
    }
  });

  test("its tag key is the one the constructs put on the endpoints, their group and its rules", () => {
    // GIVEN the endpoints and their security group as the constructs build them
    const doc = synthConstruct((scope) => {
      new AwsProvider(scope, "aws", { region: "eu-west-1" });
      const sg = new EndpointSecurityGroup(scope, "SecurityGroup", {
        environmentName: "dev",
        vpcId: VPC_ID,
        mwaaSecurityGroupId: "sg-0123456789abcdef0",
      });
      new CustomerEndpoints(scope, "Endpoints", {
        environmentName: "dev",
        vpcId: VPC_ID,
        subnetIds: [...PRIVATE_SUBNET_IDS],
        securityGroupIds: [sg.securityGroupId],
        databaseServiceName: "com.amazonaws.vpce.eu-west-1.vpce-svc-0000000000000000a",
        webserverServiceName: "com.amazonaws.vpce.eu-west-1.vpce-svc-0000000000000000b",
        tags: { team: "data" },
      });
    });
    // THEN the policy's tag conditions name exactly ENDPOINT_TAG_KEY
    const keys = new Set(statements.flatMap(tagConditionKeys));
    expect(keys).toEqual(new Set([ENDPOINT_TAG_KEY]));
    // AND every resource the role creates carries it
    const created = [
      ...Object.values(resources(doc, "aws_vpc_endpoint")),
      ...Object.values(resources(doc, "aws_security_group")),
      ...Object.values(resources(doc, "aws_vpc_security_group_ingress_rule")),
    ];
    expect(created).toHaveLength(5);
    for (const block of created) expect(block.tags).toMatchObject({ [ENDPOINT_TAG_KEY]: "dev" });
  });
});
