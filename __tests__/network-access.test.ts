/**
 * Ways into the network (docs/network.md): the transit gateway attachment, the VPC
 * peering connection and the evaluation host, each synthesized from its shipped example, and the
 * config errors that stop a bad one before anything is written.
 */
import * as fs from "node:fs";
import { parseConfig } from "../model/parse";
import { accessHostOf, portForwardingLines } from "../app/port-forwarding";
import {
  type Block,
  type TerraformJson,
  blockAt,
  configErrorLines,
  minimalEnvironment,
  nameOf,
  ref,
  resources,
  synthStack,
} from "./helpers";

const example = (file: string) => {
  const config = parseConfig(fs.readFileSync(`config/examples/${file}.json`, "utf8"), file);
  return { environment: config.environments[0], doc: synthStack(config.environments[0] as never, config.backend) };
};
const tgw = example("transit-gateway");
const peered = example("peering");
const evaluation = example("evaluation-access");

const routesOf = (doc: TerraformJson, prefix: string): Block[] =>
  Object.entries(resources(doc, "aws_route"))
    .filter(([name]) => name.startsWith(prefix))
    .map(([, body]) => body);
const privateTables = (doc: TerraformJson) =>
  [1, 2].map((i) => ref(doc, "aws_route_table", `Mwaa_Network_PrivateRouteTable${i}`, "id"));

describe("transit gateway attachment", () => {
  test("attaches the created VPC in its two private subnets, leaving association, propagation and appliance mode to the owner", () => {
    // GIVEN config/examples/transit-gateway.json WHEN synthesized
    const attachment = blockAt(tgw.doc, "aws_ec2_transit_gateway_vpc_attachment", "Mwaa_TransitGateway");
    // THEN the attachment is in the created VPC's private subnets, and sets nothing the TGW owner decides
    expect(attachment).toMatchObject({
      transit_gateway_id: "tgw-0a1b2c3d4e5f60718",
      vpc_id: ref(tgw.doc, "aws_vpc", "Mwaa_Network_Vpc", "id"),
      subnet_ids: [1, 2].map((i) => ref(tgw.doc, "aws_subnet", `Mwaa_Network_PrivateSubnet${i}`, "id")),
    });
    for (const key of [
      "appliance_mode_support",
      "transit_gateway_default_route_table_association",
      "transit_gateway_default_route_table_propagation",
    ])
      expect(attachment).not.toHaveProperty(key);
  });

  test("routes each CIDR back through the transit gateway from both private route tables", () => {
    const routes = routesOf(tgw.doc, "Mwaa_TransitGateway_Private");
    const pairs = routes.map((r) => [r.route_table_id, r.destination_cidr_block, r.transit_gateway_id]);
    const expected = privateTables(tgw.doc).flatMap((table) =>
      ["10.0.0.0/8", "172.16.0.0/12"].map((cidr) => [table, cidr, "tgw-0a1b2c3d4e5f60718"]),
    );
    expect(pairs.sort()).toEqual(expected.sort());
  });

  test("outputs what a network team needs: VPC, private subnets, private route tables, the attachment, the ALB's name and group", () => {
    const outputs = Object.keys(tgw.doc.output ?? {});
    for (const name of [
      "mwaa_vpc_id",
      "mwaa_private_subnet_ids",
      "mwaa_private_route_table_ids",
      "mwaa_transit_gateway_attachment_id",
      "mwaa_alb_dns_name",
      "mwaa_alb_security_group_id",
    ]) {
      expect(outputs).toContain(name);
      expect(tgw.doc.output![name].description).toEqual(expect.any(String));
    }
    expect(tgw.doc.output!.mwaa_private_route_table_ids.value).toEqual(privateTables(tgw.doc));
  });
});

describe("VPC peering", () => {
  test("peers the created VPC with the existing one, accepted in the same apply (same account and Region)", () => {
    expect(blockAt(peered.doc, "aws_vpc_peering_connection", "Mwaa_Peering")).toMatchObject({
      vpc_id: ref(peered.doc, "aws_vpc", "Mwaa_Network_Vpc", "id"),
      peer_vpc_id: "vpc-0a1b2c3d4e5f60718",
      auto_accept: true,
    });
  });

  test("routes both ways: the private route tables to the peer, the peer's listed route tables back to the created VPC", () => {
    const pcx = ref(peered.doc, "aws_vpc_peering_connection", "Mwaa_Peering", "id");
    const ours = routesOf(peered.doc, "Mwaa_Peering_Private").map((r) => [
      r.route_table_id,
      r.destination_cidr_block,
      r.vpc_peering_connection_id,
    ]);
    expect(ours.sort()).toEqual(
      privateTables(peered.doc)
        .map((t) => [t, "10.60.0.0/16", pcx])
        .sort(),
    );
    const theirs = routesOf(peered.doc, "Mwaa_Peering_Peer").map((r) => [
      r.route_table_id,
      r.destination_cidr_block,
      r.vpc_peering_connection_id,
    ]);
    expect(theirs.sort()).toEqual([
      ["rtb-0a1b2c3d4e5f60711", "10.50.0.0/16", pcx],
      ["rtb-0a1b2c3d4e5f60722", "10.50.0.0/16", pcx],
    ]);
    expect(peered.doc.output).not.toHaveProperty("mwaa_peer_route_to_add");
  });

  test("without the peer's route tables, an output says which route its owner adds", () => {
    // GIVEN the example's peering without peerRouteTableIds
    const network = {
      ...peered.environment.network,
      peering: { ...peered.environment.network.peering!, peerRouteTableIds: [] },
    };
    const doc = synthStack({ ...(peered.environment as never as object), network } as never);
    // THEN no route in the peer VPC, and the output names destination and target
    expect(routesOf(doc, "Mwaa_Peering_Peer")).toEqual([]);
    expect(doc.output!.mwaa_peer_route_to_add.value).toBe(
      `In the route tables of vpc-0a1b2c3d4e5f60718 that should reach MWAA: destination 10.50.0.0/16, target ${ref(doc, "aws_vpc_peering_connection", "Mwaa_Peering", "id")}`,
    );
  });
});

describe("evaluation host", () => {
  const instance = blockAt(evaluation.doc, "aws_instance", "Mwaa_AccessHost");
  const hostGroup = ref(evaluation.doc, "aws_security_group", "Mwaa_AccessHost_SecurityGroup", "id");

  test("a plain aws_instance: smallest type, private subnet, no public IP, IMDSv2, the Session Manager instance profile", () => {
    expect(Object.keys(resources(evaluation.doc, "aws_instance"))).toHaveLength(1);
    expect(instance).toMatchObject({
      instance_type: "t4g.nano",
      subnet_id: ref(evaluation.doc, "aws_subnet", "Mwaa_Network_PrivateSubnet1", "id"),
      associate_public_ip_address: false,
      vpc_security_group_ids: [hostGroup],
      iam_instance_profile: ref(evaluation.doc, "aws_iam_instance_profile", "Mwaa_AccessHost_Profile", "name"),
      metadata_options: { http_tokens: "required" },
    });
    expect(instance.lifecycle).toEqual({ ignore_changes: ["ami"] });
    expect(instance).not.toHaveProperty("key_name");
    expect(blockAt(evaluation.doc, "data.aws_ssm_parameter", "Mwaa_AccessHost_Ami").name).toBe(
      "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64",
    );
    expect(
      blockAt(evaluation.doc, "aws_iam_role_policy_attachment", "Mwaa_AccessHost_SessionManager").policy_arn,
    ).toMatch(/^arn:\$\{data\.aws_partition\.[^}]+\}:iam::aws:policy\/AmazonSSMManagedInstanceCore$/);
  });

  test("its security group has no inbound rule; the ALB admits it on 443", () => {
    const group = nameOf(evaluation.doc, "aws_security_group", "Mwaa_AccessHost_SecurityGroup");
    const rules = Object.values(resources(evaluation.doc, "aws_vpc_security_group_ingress_rule"));
    expect(rules.filter((r) => r.security_group_id === hostGroup)).toEqual([]);
    expect(blockAt(evaluation.doc, "aws_security_group", "Mwaa_AccessHost_SecurityGroup")).not.toHaveProperty(
      "ingress",
    );
    expect(group).toBeDefined();
    expect(
      blockAt(evaluation.doc, "aws_vpc_security_group_ingress_rule", "Mwaa_AccessHost_AlbHttpsFromHost"),
    ).toMatchObject({
      security_group_id: ref(evaluation.doc, "aws_security_group", "Mwaa_WebAccess_SecurityGroup", "id"),
      referenced_security_group_id: hostGroup,
      from_port: 443,
      to_port: 443,
    });
  });

  test("without NAT, the VPC gets the ssm, ssmmessages and ec2messages endpoints besides MWAA's", () => {
    const services = Object.values(resources(evaluation.doc, "aws_vpc_endpoint")).map((e) => e.service_name);
    for (const s of ["ssm", "ssmmessages", "ec2messages", "airflow.env", "s3"])
      expect(services).toContain(`com.amazonaws.eu-west-1.${s}`);
    expect(blockAt(evaluation.doc, "aws_vpc_endpoint", "Mwaa_Network_SsmmessagesEndpoint")).toMatchObject({
      vpc_endpoint_type: "Interface",
      private_dns_enabled: true,
    });
  });

  test("has no say from protectFromDestroy", () => {
    expect(evaluation.environment.protectFromDestroy).toBe(true);
    expect(instance.lifecycle.prevent_destroy).toBeUndefined();
  });

  test("the port-forwarding output and the command synth prints name the synthesized instance and ALB", () => {
    // GIVEN the synthesized outputs
    const instanceId = ref(evaluation.doc, "aws_instance", "Mwaa_AccessHost", "id");
    const albDns = ref(evaluation.doc, "aws_lb", "Mwaa_WebAccess_LoadBalancer", "dns_name");
    expect(evaluation.doc.output!.mwaa_access_host_instance_id.value).toBe(instanceId);
    expect(evaluation.doc.output!.mwaa_port_forwarding_command.value).toBe(
      `aws ssm start-session --region eu-west-1 --target ${instanceId} --document-name AWS-StartPortForwardingSessionToRemoteHost --parameters host=${albDns},portNumber=443,localPortNumber=443`,
    );
    // WHEN synth prints its lines for the stack
    const host = accessHostOf(evaluation.doc as never)!;
    const lines = portForwardingLines("analytics-eval", "cdktf.out/stacks/analytics-eval/cdk.tf.json", host);
    // THEN the command reads exactly those two outputs from the stack's folder, and the hosts line names the domain
    const read = [...lines[1].matchAll(/terraform -chdir=(\S+) output -raw (\w+)/g)].map((m) => [m[1], m[2]]);
    expect(read).toEqual([
      ["cdktf.out/stacks/analytics-eval", "mwaa_access_host_instance_id"],
      ["cdktf.out/stacks/analytics-eval", "mwaa_alb_dns_name"],
    ]);
    for (const [, output] of read) expect(evaluation.doc.output).toHaveProperty(output);
    expect(lines[1]).toContain("--region eu-west-1 ");
    expect(lines[1]).toContain("--document-name AWS-StartPortForwardingSessionToRemoteHost --parameters host=");
    expect(lines[1]).toContain(",portNumber=443,localPortNumber=443");
    expect(lines[2]).toContain('"127.0.0.1 airflow.analytics-eval.example.com"');
    // Local port 443 is privileged on Linux: the lines say how to run it, as docs/network.md does
    expect(lines[3]).toBe(
      "  local port 443 needs administrator rights where ports below 1024 are privileged (Linux): run the command with sudo -E, or use localPortNumber=8443 and https://<domain>:8443 (docs/network.md)",
    );
    const doc = fs.readFileSync("docs/network.md", "utf8");
    expect(doc).toContain("localPortNumber=443");
    expect(doc).toContain("`sudo -E`");
    expect(doc).toContain("`localPortNumber=8443`, open\n`https://<domain>:8443`");
  });

  test("stacks without a host print no port-forwarding lines", () => {
    expect(accessHostOf(tgw.doc as never)).toBeUndefined();
  });
});

describe("bad input: one line naming the field", () => {
  const created = (extra: object, access?: object, cidr = "10.20.0.0/16") =>
    configErrorLines(() =>
      parseConfig(
        JSON.stringify({
          environments: [
            minimalEnvironment({
              network: { create: { cidr, natGateways: 0 }, ...extra } as never,
              ...(access !== undefined
                ? { access: { domainName: "airflow.example.com", hostedZoneName: "example.com", ...access } as never }
                : {}),
            }),
          ],
        }),
        "c.json",
      ),
    );

  test("a transit gateway id of the wrong shape", () => {
    expect(
      created({
        transitGatewayId: undefined,
        transitGateway: { transitGatewayId: "tgw-xyz", routedCidrs: ["10.0.0.0/8"] },
      }),
    ).toEqual([
      'c.json: environments[0].network.transitGateway.transitGatewayId: a transit gateway id like tgw-0a1b2c3d4e5f60718 (got "tgw-xyz")',
    ]);
  });

  test("a peer VPC id of the wrong shape", () => {
    expect(created({ peering: { peerVpcId: "vpc-12", peerCidrs: ["10.30.0.0/16"] } })).toEqual([
      'c.json: environments[0].network.peering.peerVpcId: a VPC id like vpc-0a1b2c3d4e5f60718 (got "vpc-12")',
    ]);
  });

  test("a peer CIDR that overlaps the created VPC", () => {
    expect(created({ peering: { peerVpcId: "vpc-0a1b2c3d4e5f60718", peerCidrs: ["10.20.128.0/17"] } })).toEqual([
      'c.json: environments[0].network.peering.peerCidrs[0]: overlaps network.create.cidr 10.20.0.0/16: AWS cannot peer VPCs whose IPv4 CIDRs overlap (got "10.20.128.0/17")',
    ]);
  });

  test("the evaluation host with an internet-facing ALB", () => {
    const lines = configErrorLines(() =>
      parseConfig(
        JSON.stringify({
          environments: [
            minimalEnvironment({
              network: { create: { cidr: "10.20.0.0/16", natGateways: 1 } },
              access: {
                scheme: "internet-facing",
                domainName: "airflow.example.com",
                hostedZoneName: "example.com",
                allowedCidrs: ["203.0.113.0/24"],
                evaluationHost: {},
              },
            }),
          ],
        }),
        "c.json",
      ),
    );
    expect(lines).toEqual([
      'c.json: environments[0].access.evaluationHost: only with access.scheme "internal": an internet-facing ALB is reached without a host in the VPC (got {})',
    ]);
  });

  test("a transit gateway or peering on an existing VPC", () => {
    const lines = configErrorLines(() =>
      parseConfig(
        JSON.stringify({
          environments: [
            minimalEnvironment({
              network: {
                vpcId: "vpc-0a1b2c3d4e5f60718",
                privateSubnetIds: ["subnet-0a1b2c3d4e5f60711", "subnet-0a1b2c3d4e5f60722"],
                transitGateway: { transitGatewayId: "tgw-0a1b2c3d4e5f60718", routedCidrs: ["10.0.0.0/8"] },
              } as never,
            }),
          ],
        }),
        "c.json",
      ),
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^c\.json: environments\[0\]\.network\.transitGateway: only with network\.create/);
  });

  test("a routed CIDR inside the VPC, and one routed twice", () => {
    expect(
      created({ transitGateway: { transitGatewayId: "tgw-0a1b2c3d4e5f60718", routedCidrs: ["10.20.4.0/24"] } })[0],
    ).toMatch(/routedCidrs\[0\]: inside network\.create\.cidr 10\.20\.0\.0\/16/);
    const twice = created({
      peering: { peerVpcId: "vpc-0a1b2c3d4e5f60718", peerCidrs: ["10.30.0.0/16"] },
      transitGateway: { transitGatewayId: "tgw-0a1b2c3d4e5f60718", routedCidrs: ["10.30.0.0/16"] },
    });
    expect(twice).toEqual([
      'c.json: environments[0].network.transitGateway.routedCidrs[0]: routed twice: network.peering.peerCidrs[0] has it too (got "10.30.0.0/16")',
    ]);
  });

  test("every CIDR field must be a network address: host bits are refused, and a route is compared by its network", () => {
    expect(created({}, undefined, "10.50.128.0/16")).toEqual([
      'c.json: environments[0].network.create.cidr: 10.50.128.0/16 has host bits set; the network is 10.50.0.0/16 (got "10.50.128.0/16")',
    ]);
    const routed = created({
      peering: { peerVpcId: "vpc-0a1b2c3d4e5f60718", peerCidrs: ["10.60.0.0/16"] },
      transitGateway: { transitGatewayId: "tgw-0a1b2c3d4e5f60718", routedCidrs: ["10.60.1.0/16"] },
    });
    expect(routed).toEqual([
      'c.json: environments[0].network.transitGateway.routedCidrs[0]: 10.60.1.0/16 has host bits set; the network is 10.60.0.0/16 (got "10.60.1.0/16")',
      'c.json: environments[0].network.transitGateway.routedCidrs[0]: routed twice: network.peering.peerCidrs[0] has it too (got "10.60.1.0/16")',
    ]);
    expect(created({ peering: { peerVpcId: "vpc-0a1b2c3d4e5f60718", peerCidrs: ["172.16.0.1/12"] } })[0]).toMatch(
      /peerCidrs\[0\]: 172\.16\.0\.1\/12 has host bits set; the network is 172\.16\.0\.0\/12/,
    );
    expect(
      created(
        {},
        {
          scheme: "internal",
          ipAddressType: "dualstack",
          allowedCidrs: ["192.168.1.7/24", "2001:db8::1/32", "2001:db8::/32"],
        },
      ),
    ).toEqual([
      'c.json: environments[0].access.allowedCidrs[0]: 192.168.1.7/24 has host bits set; the network is 192.168.1.0/24 (got "192.168.1.7/24")',
      'c.json: environments[0].access.allowedCidrs[1]: 2001:db8::1/32 has host bits set; the network is 2001:db8::/32 (got "2001:db8::1/32")',
    ]);
  });

  test("a created VPC without NAT whose serviceEndpoints miss some", () => {
    expect(created({ serviceEndpoints: ["s3", "logs"] })).toEqual([
      'c.json: environments[0].network.serviceEndpoints: misses monitoring, ecr.dkr, ecr.api, sqs, kms, airflow.api, airflow.env, airflow.ops: a created VPC with natGateways 0 reaches AWS services only through these endpoints (list them, leave serviceEndpoints out for all, or set natGateways) (got ["s3","logs"])',
    ]);
    // With the evaluation host, the Session Manager ones are needed too
    expect(
      created(
        {
          serviceEndpoints: [
            "s3",
            "monitoring",
            "ecr.dkr",
            "ecr.api",
            "logs",
            "sqs",
            "kms",
            "airflow.api",
            "airflow.env",
            "airflow.ops",
          ],
        },
        { evaluationHost: {} },
      )[0],
    ).toMatch(/serviceEndpoints: misses ssm, ssmmessages, ec2messages:/);
  });
});
