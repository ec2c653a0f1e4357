import { Construct } from "constructs";
import { Ec2TransitGatewayVpcAttachment } from "@cdktf/provider-aws/lib/ec2-transit-gateway-vpc-attachment";
import { Route } from "@cdktf/provider-aws/lib/route";
import { withName } from "./private/naming";

export interface TransitGatewayAttachmentProps {
  /** Environment name, used in the Name tag. */
  readonly name: string;
  /** The transit gateway (tgw-...), the account's own or shared with it through AWS RAM. */
  readonly transitGatewayId: string;
  /** The created VPC. */
  readonly vpcId: string;
  /** Subnets of the attachment: the created VPC's private subnets, one per AZ. */
  readonly subnetIds: string[];
  /** Route tables of the private subnets: each gets a route per CIDR through the transit gateway. */
  readonly privateRouteTableIds: string[];
  /** Destinations sent through the transit gateway (the networks people reach the ALB from). */
  readonly routedCidrs: readonly string[];
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * Attaches the created VPC to a transit gateway and routes the given CIDRs back through it.
 * Appliance mode and the transit gateway's route tables (association, propagation) are left to the
 * transit gateway's owner: for a transit gateway shared through AWS RAM the attaching account cannot
 * set them, and the provider's defaults apply to one the account owns (hashicorp/aws,
 * ec2_transit_gateway_vpc_attachment, transit_gateway_default_route_table_association/_propagation).
 */
export class TransitGatewayAttachment extends Construct {
  readonly attachment: Ec2TransitGatewayVpcAttachment;

  constructor(scope: Construct, id: string, props: TransitGatewayAttachmentProps) {
    super(scope, id);
    if (props.routedCidrs.length === 0) throw new Error(`${id}: routedCidrs: at least one CIDR`);
    this.attachment = new Ec2TransitGatewayVpcAttachment(this, "Resource", {
      transitGatewayId: props.transitGatewayId,
      vpcId: props.vpcId,
      subnetIds: props.subnetIds,
      tags: withName(props.tags ?? {}, props.name),
    });
    props.privateRouteTableIds.forEach((routeTableId, i) => {
      for (const cidr of props.routedCidrs) {
        // Keyed by route table and CIDR, so editing one CIDR leaves the other routes alone.
        new Route(this, `Private${i + 1}To${cidrKey(cidr)}`, {
          routeTableId,
          destinationCidrBlock: cidr,
          transitGatewayId: props.transitGatewayId,
          dependsOn: [this.attachment],
        });
      }
    });
  }
}

/** "10.0.0.0/8" -> "10_0_0_0_8": a construct id part from a CIDR. */
export function cidrKey(cidr: string): string {
  return cidr.replace(/[^0-9A-Za-z]/g, "_");
}
