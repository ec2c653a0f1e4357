import { Construct } from "constructs";
import { Fn, type ITerraformDependable } from "cdktf";
import { DataAwsAvailabilityZones } from "@cdktf/provider-aws/lib/data-aws-availability-zones";
import { DataAwsRouteTable } from "@cdktf/provider-aws/lib/data-aws-route-table";
import { DataAwsVpc } from "@cdktf/provider-aws/lib/data-aws-vpc";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import type { Environment } from "../model/schema";
import { pascalId, subnetCidrs, withName } from "./private/naming";
import type { ServiceEndpoint } from "../model/versions";

export interface MwaaNetworkProps {
  /** Environment name, used in resource names. */
  readonly name: string;
  readonly region: string;
  /** The environment's `network` block: an existing VPC, or one to create. */
  readonly network: Environment["network"];
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * The VPC the environment runs in: an existing one, or a new VPC across two AZs with public and
 * private subnets, an internet gateway and 0 to 2 NAT gateways. Without a NAT path it adds the
 * AWS service endpoints MWAA documents for private routing.
 */
export class MwaaNetwork extends Construct {
  readonly vpcId: string;
  readonly privateSubnetIds: string[];
  readonly publicSubnetIds: string[];
  /** Whether the VPC is created here (and so belongs to this stack's account). */
  readonly created: boolean;
  /** Route tables of the private subnets: created ones, or looked up for the S3 gateway endpoint; else empty. */
  readonly privateRouteTableIds: string[];
  /** The AWS service endpoints and their HTTPS ingress rule; empty when none are created here. */
  readonly serviceEndpoints: ITerraformDependable[] = [];

  constructor(scope: Construct, id: string, props: MwaaNetworkProps) {
    super(scope, id);
    const tags = props.tags ?? {};
    const { network } = props;
    let vpcCidr: string;
    let privateRouteTableIds: string[];

    if (network.create !== undefined) {
      this.created = true;
      const { cidr, natGateways } = network.create;
      // Only the Region's own AZs: with Local Zones opted in, names[0..1] could be a Local Zone, and
      // the subnets' AZs replace the environment. opt-in-status values: EC2 DescribeAvailabilityZones
      // filters (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeAvailabilityZones.html).
      const zones = new DataAwsAvailabilityZones(this, "Zones", {
        state: "available",
        filter: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
      });
      const vpc = new Vpc(this, "Vpc", {
        cidrBlock: cidr,
        enableDnsHostnames: true,
        enableDnsSupport: true,
        tags: withName(tags, props.name),
      });
      const cidrs = subnetCidrs(cidr);
      const igw = new InternetGateway(this, "InternetGateway", { vpcId: vpc.id, tags: withName(tags, props.name) });
      const publicTable = new RouteTable(this, "PublicRouteTable", {
        vpcId: vpc.id,
        tags: withName(tags, `${props.name}-public`),
      });
      new Route(this, "PublicDefaultRoute", {
        routeTableId: publicTable.id,
        destinationCidrBlock: "0.0.0.0/0",
        gatewayId: igw.id,
      });
      const azs = [0, 1];
      const publicSubnets = azs.map((i) => {
        const subnet = new Subnet(this, `PublicSubnet${i + 1}`, {
          vpcId: vpc.id,
          cidrBlock: cidrs.public[i],
          availabilityZone: Fn.element(zones.names, i),
          tags: withName(tags, `${props.name}-public-${i + 1}`),
        });
        new RouteTableAssociation(this, `PublicSubnet${i + 1}RouteTable`, {
          subnetId: subnet.id,
          routeTableId: publicTable.id,
        });
        return subnet;
      });
      const nats = Array.from({ length: natGateways }, (_, i) => {
        const eip = new Eip(this, `NatEip${i + 1}`, {
          domain: "vpc",
          tags: withName(tags, `${props.name}-nat-${i + 1}`),
        });
        return new NatGateway(this, `NatGateway${i + 1}`, {
          allocationId: eip.id,
          subnetId: publicSubnets[i].id,
          tags: withName(tags, `${props.name}-${i + 1}`),
          dependsOn: [igw],
        });
      });
      const privateTables = azs.map(
        (i) =>
          new RouteTable(this, `PrivateRouteTable${i + 1}`, {
            vpcId: vpc.id,
            tags: withName(tags, `${props.name}-private-${i + 1}`),
          }),
      );
      const privateSubnets = azs.map((i) => {
        const subnet = new Subnet(this, `PrivateSubnet${i + 1}`, {
          vpcId: vpc.id,
          cidrBlock: cidrs.private[i],
          availabilityZone: Fn.element(zones.names, i),
          tags: withName(tags, `${props.name}-private-${i + 1}`),
        });
        new RouteTableAssociation(this, `PrivateSubnet${i + 1}RouteTable`, {
          subnetId: subnet.id,
          routeTableId: privateTables[i].id,
        });
        if (nats.length > 0) {
          // With one NAT gateway both AZs share it; with two each AZ keeps its own.
          new Route(this, `PrivateDefaultRoute${i + 1}`, {
            routeTableId: privateTables[i].id,
            destinationCidrBlock: "0.0.0.0/0",
            natGatewayId: nats[Math.min(i, nats.length - 1)].id,
          });
        }
        return subnet;
      });
      this.vpcId = vpc.id;
      vpcCidr = vpc.cidrBlock;
      this.privateSubnetIds = privateSubnets.map((s) => s.id);
      this.publicSubnetIds = publicSubnets.map((s) => s.id);
      privateRouteTableIds = privateTables.map((t) => t.id);
    } else {
      this.created = false;
      this.vpcId = network.vpcId!;
      this.privateSubnetIds = [...network.privateSubnetIds!];
      this.publicSubnetIds = [...network.publicSubnetIds];
      const lookupNeeded = network.serviceEndpoints.length > 0;
      vpcCidr = lookupNeeded ? new DataAwsVpc(this, "Vpc", { id: this.vpcId }).cidrBlock : "";
      privateRouteTableIds = network.serviceEndpoints.includes("s3")
        ? this.privateSubnetIds.map(
            (subnetId, i) => new DataAwsRouteTable(this, `PrivateRouteTable${i + 1}`, { subnetId }).id,
          )
        : [];
    }

    this.privateRouteTableIds = privateRouteTableIds;
    if (network.serviceEndpoints.length > 0)
      this.addServiceEndpoints(props, network.serviceEndpoints, vpcCidr, privateRouteTableIds);
  }

  /** One endpoint per service, keyed by service name so adding or removing one leaves the others alone. */
  private addServiceEndpoints(
    props: MwaaNetworkProps,
    services: readonly ServiceEndpoint[],
    vpcCidr: string,
    routeTableIds: string[],
  ) {
    const tags = props.tags ?? {};
    const interfaces = services.filter((s) => s !== "s3");
    let securityGroupIds: string[] = [];
    if (interfaces.length > 0) {
      const sg = new SecurityGroup(this, "ServiceEndpointsSecurityGroup", {
        name: `${props.name}-service-endpoints`,
        description: `AWS service endpoints for MWAA ${props.name}`,
        vpcId: this.vpcId,
        tags: withName(tags, `${props.name}-service-endpoints`),
      });
      const https = new VpcSecurityGroupIngressRule(this, "ServiceEndpointsHttpsFromVpc", {
        securityGroupId: sg.id,
        description: "HTTPS from the VPC to the AWS service endpoints",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: vpcCidr,
      });
      this.serviceEndpoints.push(https);
      securityGroupIds = [sg.id];
    }
    for (const service of services) {
      const gateway = service === "s3";
      const endpoint = new VpcEndpoint(this, `${pascalId(service)}Endpoint`, {
        vpcId: this.vpcId,
        serviceName: `com.amazonaws.${props.region}.${service}`,
        vpcEndpointType: gateway ? "Gateway" : "Interface",
        ...(gateway
          ? { routeTableIds }
          : { subnetIds: this.privateSubnetIds, securityGroupIds, privateDnsEnabled: true }),
        tags: withName(tags, `${props.name}-${service}`),
      });
      this.serviceEndpoints.push(endpoint);
    }
  }
}
