/**
 * The review's replacement table (review/rules.ts) against the pinned hashicorp/aws, and the
 * promises that rest on it: no resource type the project synthesizes lacks a rule, a change the
 * table does not cover is "not known to this review" (never an update), and the summary table and
 * the sections of the Markdown count the same things.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { diffStacks, type Review, type TerraformDoc } from "../review/diff";
import { renderMarkdown } from "../review/render";
import { PROVIDER_ARGUMENTS, PROVIDER_ARGUMENTS_VERSION } from "../review/arguments";
import { bindingArguments, pinnedAwsVersion, terraformType } from "../terraform-check/provider-aws";
import { NOT_KNOWN, REPLACE_RULES } from "../review/rules";

const ROOT = path.resolve(__dirname, "..");

/** Every .ts file under a folder of the project (no node_modules). */
function sources(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts") && !f.includes("node_modules"))
    .map((f) => path.join(ROOT, dir, f));
}

describe("the replacement table", () => {
  test("has a rule for every resource type the project can synthesize", () => {
    // GIVEN every resource class the constructs import by deep path (eslint.config.mjs forbids the barrel), and
    // every type in the golden address list of config/example.json as the app synthesizes it
    const imported = new Set<string>();
    for (const file of [...sources("constructs"), path.join(ROOT, "main.ts")]) {
      for (const m of fs.readFileSync(file, "utf8").matchAll(/@cdktf\/provider-aws\/lib\/([a-z0-9-]+)/g)) {
        const dir = m[1] as string;
        if (dir === "provider" || dir.startsWith("data-")) continue;
        const type = terraformType(dir);
        if (type !== undefined) imported.add(type);
      }
    }
    const golden = JSON.parse(
      fs.readFileSync(path.join(__dirname, "golden", "example-addresses.json"), "utf8"),
    ) as Record<string, string[]>;
    const synthesized = new Set(
      Object.values(golden)
        .flat()
        .filter((a) => !a.startsWith("data."))
        .map((a) => a.split(".")[0] as string),
    );
    // WHEN looked up in the table
    const missing = [...new Set([...imported, ...synthesized])].filter((t) => REPLACE_RULES[t] === undefined).sort();
    // THEN none is missing (the import scan cannot pass vacuously: it finds the environment and the ALB)
    expect(imported).toContain("aws_mwaa_environment");
    expect(imported).toContain("aws_lb_listener_rule");
    expect(missing).toEqual([]);
  });

  test("knows the arguments of the pinned hashicorp/aws, from its bindings (review/arguments.ts, npm run generate)", () => {
    // GIVEN the generated argument lists and the bindings the project pins
    expect(PROVIDER_ARGUMENTS_VERSION).toBe(pinnedAwsVersion());
    // WHEN each type's argument list is compared with its binding
    // THEN they are the same, and every type with a rule has one
    for (const type of Object.keys(REPLACE_RULES))
      expect([type, [...(PROVIDER_ARGUMENTS[type] ?? [])].sort()]).toEqual([type, bindingArguments(type)]);
  });

  test("names only attributes the pinned provider has, each with the provider file it comes from", () => {
    // GIVEN every rule
    for (const [type, rule] of Object.entries(REPLACE_RULES)) {
      // WHEN its attribute paths are compared with the type's arguments in the pinned provider
      const args = PROVIDER_ARGUMENTS[type] ?? [];
      const strangers = [
        ...rule.forceNew,
        ...(rule.unverified ?? []),
        ...Object.keys(rule.forceNewIf ?? {}),
        ...Object.keys(rule.askAws ?? {}),
      ].filter((p) => !args.includes(p.split(".")[0] as string));
      // THEN there are none it does not have (the IPAM subnet fields, dns_options.* and target_id_prefix came later)
      expect([type, strangers]).toEqual([type, []]);
      expect(rule.source).toMatch(/^hashicorp\/terraform-provider-aws internal\/service\/[a-z0-9]+\/[a-z0-9_]+\.go/);
    }
    expect(REPLACE_RULES.aws_subnet?.forceNew).not.toContain("ipv4_ipam_pool_id");
    expect(REPLACE_RULES.aws_cloudwatch_event_target?.forceNew).not.toContain("target_id_prefix");
  });
});

/** A one-stack document from resources given as { type: { name: body } }. */
const docOf = (
  resource: Record<string, Record<string, Record<string, unknown>>>,
  data: Record<string, Record<string, Record<string, unknown>>> = {},
): TerraformDoc => ({ resource, data }) as unknown as TerraformDoc;
const only = (r: Review) => r.stacks[0] as Review["stacks"][number];
const changeOf = (r: Review, address: string) => only(r).changes.find((c) => c.address === address);

describe("what the review says about a change", () => {
  test("a type without a rule is not known to this review, never updated in place", () => {
    // GIVEN a changed resource of a type the table does not have
    const base = docOf({ aws_sns_topic: { Alarms: { name: "alarms", display_name: "a" } } });
    const head = docOf({ aws_sns_topic: { Alarms: { name: "alarms", display_name: "b" } } });
    // WHEN reviewed
    const r = diffStacks({ dev: base }, { dev: head });
    const markdown = renderMarkdown(r);
    // THEN it is "unknown", counted as such, and the Markdown says to check the plan, not "updated in place"
    expect(changeOf(r, "aws_sns_topic.Alarms")?.action).toBe("unknown");
    expect(only(r).counts).toMatchObject({ changed: 0, unknown: 1 });
    const line = markdown.split("\n").find((l) => l.includes("aws_sns_topic.Alarms")) ?? "";
    expect(line).toContain(NOT_KNOWN);
    expect(markdown).not.toMatch(/aws_sns_topic\.Alarms`: updated in place/);
  });

  test("an argument the pinned provider does not have, or one the rule did not read, is not known either", () => {
    // GIVEN a subnet with an IPAM argument from a later provider, and a NAT gateway with an argument newer than its rule's source
    const base = docOf({
      aws_subnet: { A: { vpc_id: "vpc-1", cidr_block: "10.0.0.0/24" } },
      aws_nat_gateway: { Nat: { subnet_id: "subnet-1" } },
    });
    const head = docOf({
      aws_subnet: { A: { vpc_id: "vpc-1", cidr_block: "10.0.0.0/24", ipv4_ipam_pool_id: "ipam-pool-1" } },
      aws_nat_gateway: { Nat: { subnet_id: "subnet-1", availability_mode: "regional" } },
    });
    // WHEN reviewed
    const r = diffStacks({ dev: base }, { dev: head });
    // THEN both are unknown, with the reason on the attribute
    expect(changeOf(r, "aws_subnet.A")).toMatchObject({
      action: "unknown",
      attributes: [{ unknown: expect.stringContaining(`in hashicorp/aws ${pinnedAwsVersion()}`) }],
    });
    expect(changeOf(r, "aws_nat_gateway.Nat")).toMatchObject({
      action: "unknown",
      attributes: [{ unknown: expect.stringMatching(/not read/) }],
    });
  });

  test("the replacements the pinned provider makes that the table missed are replacements", () => {
    // GIVEN a record type change, a NAT gateway in another subnet, a new EIP domain, a bucket policy and
    // versioning on another bucket, and an event invoke config on another function
    const base = docOf({
      aws_route53_record: { Alias: { name: "airflow.example.com", zone_id: "Z1", type: "A" } },
      aws_nat_gateway: { Nat: { subnet_id: "subnet-1", allocation_id: "eipalloc-1" } },
      aws_eip: { Nat: { domain: "vpc" } },
      aws_s3_bucket_policy: { Policy: { bucket: "a", policy: "{}" } },
      aws_s3_bucket_versioning: { Versioning: { bucket: "a", versioning_configuration: { status: "Enabled" } } },
      aws_lambda_function_event_invoke_config: { Retries: { function_name: "f", maximum_retry_attempts: 0 } },
    });
    const head = docOf({
      aws_route53_record: { Alias: { name: "airflow.example.com", zone_id: "Z1", type: "AAAA" } },
      aws_nat_gateway: { Nat: { subnet_id: "subnet-2", allocation_id: "eipalloc-1" } },
      aws_eip: { Nat: { domain: "standard" } },
      aws_s3_bucket_policy: { Policy: { bucket: "b", policy: "{}" } },
      aws_s3_bucket_versioning: { Versioning: { bucket: "b", versioning_configuration: { status: "Enabled" } } },
      aws_lambda_function_event_invoke_config: { Retries: { function_name: "g", maximum_retry_attempts: 0 } },
    });
    // WHEN reviewed
    const r = diffStacks({ dev: base }, { dev: head });
    // THEN each is replaced
    expect(only(r).changes.map((c) => [c.address, c.action])).toEqual(
      only(r).changes.map((c) => [c.address, "replace"]),
    );
    expect(only(r).counts.replaced).toBe(6);
  });

  test("a replaced load balancer replaces its listener and the listener's rules", () => {
    // GIVEN an ALB made internet-facing (ForceNew), with a listener and a rule that reference it
    const lb = (internal: boolean) => ({ Alb: { name: "airflow", internal } });
    const rest = {
      aws_lb_listener: { Https: { load_balancer_arn: "${aws_lb.Alb.arn}", port: 443 } },
      aws_lb_listener_rule: { Login: { listener_arn: "${aws_lb_listener.Https.arn}", priority: 10 } },
    };
    // WHEN reviewed
    const r = diffStacks({ dev: docOf({ aws_lb: lb(true), ...rest }) }, { dev: docOf({ aws_lb: lb(false), ...rest }) });
    // THEN all three are replaced, the rule because its listener is
    expect(
      only(r)
        .changes.map((c) => [c.address, c.action])
        .sort(),
    ).toEqual([
      ["aws_lb.Alb", "replace"],
      ["aws_lb_listener.Https", "replace"],
      ["aws_lb_listener_rule.Login", "replace"],
    ]);
  });

  test("what references a resource of unknown fate may be replaced: not known, never replaced or updated", () => {
    // GIVEN an unknown-type resource changed, referenced by a ForceNew attribute of a known type
    const base = docOf({
      aws_sns_topic: { T: { name: "a" } },
      aws_lambda_permission: {
        P: {
          function_name: "f",
          action: "lambda:InvokeFunction",
          principal: "sns.amazonaws.com",
          source_arn: "${aws_sns_topic.T.arn}",
        },
      },
    });
    const head = JSON.parse(JSON.stringify(base)) as { resource: { aws_sns_topic: { T: { name: string } } } };
    head.resource.aws_sns_topic.T.name = "b";
    // WHEN reviewed
    const r = diffStacks({ dev: base }, { dev: head as unknown as TerraformDoc });
    // THEN the permission is unknown too ("it may be replaced")
    expect(changeOf(r, "aws_lambda_permission.P")).toMatchObject({
      action: "unknown",
      attributes: [{ path: "source_arn", unknown: expect.stringMatching(/may be replaced/) }],
    });
  });
});

describe("the types of the access host, transit gateway and peering examples", () => {
  // Bodies as config/examples/evaluation-access.json, transit-gateway.json and peering.json synthesize them.
  const instance = {
    ami: "${data.aws_ssm_parameter.Ami.insecure_value}",
    associate_public_ip_address: false,
    iam_instance_profile: "${aws_iam_instance_profile.Profile.name}",
    instance_type: "t4g.nano",
    metadata_options: { http_tokens: "required" },
    root_block_device: { encrypted: true },
    subnet_id: "${aws_subnet.Private1.id}",
    tags: { Name: "access-host" },
    vpc_security_group_ids: ["${aws_security_group.Host.id}"],
  };
  const base = {
    aws_instance: { Host: instance },
    aws_iam_instance_profile: { Profile: { role: "${aws_iam_role.Host.name}", tags: { team: "data" } } },
    aws_iam_role_policy_attachment: {
      Ssm: { policy_arn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore", role: "${aws_iam_role.Host.name}" },
    },
    aws_ec2_transit_gateway_vpc_attachment: {
      Tgw: {
        subnet_ids: ["subnet-1", "subnet-2"],
        tags: { Name: "tgw" },
        transit_gateway_id: "tgw-0a1b2c3d4e5f60718",
        vpc_id: "vpc-1",
      },
    },
    aws_vpc_peering_connection: {
      Peering: { auto_accept: true, peer_vpc_id: "vpc-0a1b2c3d4e5f60718", tags: { Name: "peering" }, vpc_id: "vpc-1" },
    },
  };
  /** The action the review gives one resource when only `change` is applied to its body. */
  const actionOf = (type: keyof typeof base, name: string, change: Record<string, unknown>) => {
    const head = JSON.parse(JSON.stringify(base)) as Record<string, Record<string, Record<string, unknown>>>;
    head[type] = { [name]: { ...(head[type]?.[name] ?? {}), ...change } };
    return changeOf(diffStacks({ dev: docOf(base) }, { dev: docOf(head) }), `${type}.${name}`);
  };

  test.each([
    ["aws_instance", "Host", { subnet_id: "${aws_subnet.Private2.id}" }],
    ["aws_instance", "Host", { associate_public_ip_address: true }],
    ["aws_instance", "Host", { root_block_device: { encrypted: false } }],
    ["aws_instance", "Host", { ebs_block_device: [{ device_name: "/dev/sdf", volume_size: 10 }] }],
    ["aws_instance", "Host", { user_data: "#!/bin/sh", user_data_replace_on_change: true }],
    ["aws_iam_instance_profile", "Profile", { path: "/airflow/" }],
    ["aws_iam_role_policy_attachment", "Ssm", { policy_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }],
    ["aws_iam_role_policy_attachment", "Ssm", { role: "other" }],
    ["aws_ec2_transit_gateway_vpc_attachment", "Tgw", { transit_gateway_id: "tgw-0f0f0f0f0f0f0f0f0" }],
    ["aws_vpc_peering_connection", "Peering", { peer_vpc_id: "vpc-0f0f0f0f0f0f0f0f0" }],
    ["aws_vpc_peering_connection", "Peering", { peer_region: "eu-central-1" }],
  ] as const)("%s.%s: %j replaces it", (type, name, change) => {
    expect(actionOf(type, name, change)?.action).toBe("replace");
  });

  test.each([
    ["aws_instance", "Host", { vpc_security_group_ids: ["${aws_security_group.Host.id}", "sg-2"] }],
    ["aws_instance", "Host", { iam_instance_profile: "other" }],
    ["aws_instance", "Host", { metadata_options: { http_tokens: "optional" } }],
    ["aws_instance", "Host", { root_block_device: { encrypted: true, volume_size: 20 } }],
    ["aws_instance", "Host", { user_data: "#!/bin/sh" }],
    ["aws_iam_instance_profile", "Profile", { role: "${aws_iam_role.Other.name}" }],
    ["aws_ec2_transit_gateway_vpc_attachment", "Tgw", { subnet_ids: ["subnet-1", "subnet-3"] }],
    ["aws_ec2_transit_gateway_vpc_attachment", "Tgw", { dns_support: "disable" }],
    ["aws_vpc_peering_connection", "Peering", { auto_accept: false }],
    ["aws_vpc_peering_connection", "Peering", { requester: { allow_remote_vpc_dns_resolution: true } }],
  ] as const)("%s.%s: %j updates it in place", (type, name, change) => {
    expect(actionOf(type, name, change)?.action).toBe("update");
  });

  test("an instance type change is not known: the provider asks EC2 whether the architectures differ", () => {
    expect(actionOf("aws_instance", "Host", { instance_type: "t3.nano" })).toMatchObject({
      action: "unknown",
      attributes: [{ path: "instance_type", unknown: expect.stringMatching(/asks EC2/) }],
    });
  });

  test("arguments 6.25.0 has and the revisions read do not are not known", () => {
    expect(actionOf("aws_instance", "Host", { force_destroy: true })?.action).toBe("unknown");
    expect(
      actionOf("aws_ec2_transit_gateway_vpc_attachment", "Tgw", { security_group_referencing_support: "enable" })
        ?.action,
    ).toBe("unknown");
  });
});

describe("the summary table and the sections", () => {
  /** Per stack: the table's numbers and the numbers in the stack's section headings. */
  function countsIn(markdown: string): Record<string, { table: number[]; sections: number[] }> {
    const out: Record<string, { table: number[]; sections: number[] }> = {};
    const heading = (title: RegExp, text: string) =>
      Number(new RegExp(`^#### ${title.source} \\((\\d+)`, "m").exec(text)?.[1] ?? 0);
    for (const row of markdown.matchAll(/^\| `([^`]+)` \| [^|]+ \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|$/gm)) {
      const name = row[1] as string;
      const start = markdown.indexOf(`### Stack \`${name}\``);
      const next = markdown.indexOf("### Stack ", start + 1);
      const section = markdown.slice(start, next < 0 ? undefined : next);
      out[name] = {
        table: row.slice(2, 7).map(Number),
        sections: [
          heading(/Added/, section),
          heading(/Changed/, section),
          heading(/Removed/, section),
          heading(/⚠️ REPLACES/, section),
          heading(/❓ Not known/, section),
        ],
      };
    }
    return out;
  }

  test("count the same resources: data sources, protected and long updates included alike", () => {
    // GIVEN a changed stack with a protected bucket and a data source removed, a resource and a data
    // source added, an environment update and an unknown change; a new stack; a removed stack
    const base = docOf(
      {
        aws_s3_bucket: { B: { bucket: "b" } },
        aws_iam_role: { R: { name: "r", description: "x" } },
        aws_mwaa_environment: { E: { name: "dev", max_workers: 2 } },
        aws_sns_topic: { T: { name: "t", display_name: "a" } },
      },
      { aws_partition: { P: {} }, aws_caller_identity: { C: {} } },
    );
    const head = docOf(
      {
        aws_iam_role: { R: { name: "r", description: "y" }, R2: { name: "r2" } },
        aws_mwaa_environment: { E: { name: "dev", max_workers: 3 } },
        aws_sns_topic: { T: { name: "t", display_name: "b" } },
      },
      { aws_caller_identity: { C: {} }, aws_region: { Now: {} } },
    );
    const r = diffStacks({ dev: base, old: base }, { dev: head, extra: head });
    // WHEN rendered
    const counts = countsIn(renderMarkdown(r));
    // THEN every stack's headings carry the table's numbers (and the example is not trivial)
    expect(Object.keys(counts).sort()).toEqual(["dev", "extra", "old"]);
    expect(counts.dev?.table).toEqual([1, 2, 1, 0, 1]);
    for (const [name, { table, sections }] of Object.entries(counts)) expect([name, sections]).toEqual([name, table]);
  });
});

describe("changes that reach a resource only through what may not change", () => {
  // A data source whose own arguments change (a filter added) may return the same values; what
  // reads it, and what reads that, may change or may not: "not known", never "replaced" or "updated".
  const stack = (zones: Record<string, unknown>, cidr = "10.0.0.0/24"): TerraformDoc =>
    ({
      data: {
        aws_availability_zones: { Z: zones },
        aws_network_interface: { N: { id: "${element(tolist(aws_vpc_endpoint.E.network_interface_ids), 0)}" } },
      },
      resource: {
        aws_subnet: {
          S: {
            vpc_id: "vpc-1",
            cidr_block: cidr,
            availability_zone: "${element(data.aws_availability_zones.Z.names, 0)}",
          },
        },
        aws_vpc_endpoint: {
          E: {
            vpc_id: "vpc-1",
            service_name: "com.amazonaws.eu-west-1.s3",
            vpc_endpoint_type: "Interface",
            subnet_ids: ["${aws_subnet.S.id}"],
          },
        },
        aws_lb_target_group_attachment: {
          A: {
            target_group_arn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/t/1",
            target_id: "${data.aws_network_interface.N.private_ip}",
          },
        },
      },
    }) as unknown as TerraformDoc;
  const actions = (review: Review) => Object.fromEntries(review.stacks[0].changes.map((c) => [c.address, c.action]));
  const base = stack({ state: "available" });

  test("a filter added to the zones: the subnet and the attachment may be replaced (not known), nothing is called replaced", () => {
    const review = diffStacks(
      { s: base },
      { s: stack({ state: "available", filter: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] }) },
    );
    expect(actions(review)).toMatchObject({ "aws_subnet.S": "unknown", "aws_lb_target_group_attachment.A": "unknown" });
    expect(Object.values(actions(review))).not.toContain("replace");
  });

  test("a subnet that is certainly replaced still replaces the attachment that reads its endpoint's interfaces", () => {
    const review = diffStacks({ s: base }, { s: stack({ state: "available" }, "10.0.1.0/24") });
    expect(actions(review)).toMatchObject({ "aws_subnet.S": "replace", "aws_lb_target_group_attachment.A": "replace" });
  });
});
