import { MwaaSecurityGroup } from "../constructs/security-group";
import { VPC_ID, blockAt, minimalEnvironment, ref, resources, synthConstruct, synthStack } from "./helpers";

// Synthesized once and shared by the tests below.
const doc = synthStack(minimalEnvironment({ tags: { team: "data" } }));
const SG = "Mwaa_SecurityGroup";
const sgId = ref(doc, "aws_security_group", SG, "id");

describe("MWAA security group", () => {
  test("is created in the environment's VPC, named and tagged after the environment", () => {
    expect(blockAt(doc, "aws_security_group", SG)).toMatchObject({
      name: "dev-mwaa",
      vpc_id: VPC_ID,
      tags: { team: "data", Name: "dev-mwaa" },
    });
    expect(blockAt(doc, "aws_security_group", SG).description).toMatch(/\S/);
  });

  test("members reach each other on 443 (web server endpoint), with a description", () => {
    expect(blockAt(doc, "aws_vpc_security_group_ingress_rule", `${SG}_SelfHttps`)).toEqual({
      security_group_id: sgId,
      referenced_security_group_id: sgId,
      ip_protocol: "tcp",
      from_port: 443,
      to_port: 443,
      description: "MWAA members to the web server endpoint",
    });
  });

  test("members reach each other on 5432 (metadata database endpoint), with a description", () => {
    expect(blockAt(doc, "aws_vpc_security_group_ingress_rule", `${SG}_SelfPostgres`)).toEqual({
      security_group_id: sgId,
      referenced_security_group_id: sgId,
      ip_protocol: "tcp",
      from_port: 5432,
      to_port: 5432,
      description: "MWAA members to the metadata database endpoint",
    });
  });

  test("no other ingress into the group without an ALB", () => {
    // GIVEN no access block
    // THEN the only rules into the MWAA group are the two self rules
    const into = Object.keys(resources(doc, "aws_vpc_security_group_ingress_rule")).filter(
      (name) => resources(doc, "aws_vpc_security_group_ingress_rule")[name].security_group_id === sgId,
    );
    expect(into.map((name) => name.replace(/_[0-9A-F]{8}$/, "")).sort()).toEqual([
      `${SG}_SelfHttps`,
      `${SG}_SelfPostgres`,
    ]);
  });

  test("egress to AWS services is open (through NAT or VPC endpoints)", () => {
    expect(blockAt(doc, "aws_vpc_security_group_egress_rule", `${SG}_AllEgress`)).toMatchObject({
      security_group_id: sgId,
      ip_protocol: "-1",
      cidr_ipv4: "0.0.0.0/0",
    });
  });

  test("is attached to the environment and to both customer endpoints", () => {
    expect(blockAt(doc, "aws_mwaa_environment", "Mwaa_Environment").network_configuration.security_group_ids).toEqual([
      sgId,
    ]);
    expect(blockAt(doc, "aws_vpc_endpoint", "Mwaa_CustomerEndpoints_Database").security_group_ids).toEqual([sgId]);
    expect(blockAt(doc, "aws_vpc_endpoint", "Mwaa_CustomerEndpoints_Webserver").security_group_ids).toEqual([sgId]);
  });
});

describe("allowHttpsFrom", () => {
  test("lets another security group reach the web server endpoint on 443 only", () => {
    // GIVEN the construct on its own
    const own = synthConstruct((scope) => {
      const sg = new MwaaSecurityGroup(scope, "SecurityGroup", { environmentName: "dev", vpcId: VPC_ID });
      // WHEN another group is allowed in
      sg.allowHttpsFrom("HttpsFromAlb", "sg-0123456789abcdef0", "ALB to the web server endpoint");
    });
    // THEN one more rule, 443 from exactly that group
    expect(blockAt(own, "aws_vpc_security_group_ingress_rule", "SecurityGroup_HttpsFromAlb")).toEqual({
      security_group_id: ref(own, "aws_security_group", "SecurityGroup", "id"),
      referenced_security_group_id: "sg-0123456789abcdef0",
      ip_protocol: "tcp",
      from_port: 443,
      to_port: 443,
      description: "ALB to the web server endpoint",
    });
  });
});
