import { Construct } from "constructs";
import { Route } from "@cdktf/provider-aws/lib/route";
import { VpcPeeringConnection } from "@cdktf/provider-aws/lib/vpc-peering-connection";
import { withName } from "./private/naming";
import { cidrKey } from "./transit-gateway-attachment";

export interface VpcPeeringProps {
  /** Environment name, used in the Name tag. */
  readonly name: string;
  /** The created VPC (the requester). */
  readonly vpcId: string;
  /** The created VPC's IPv4 CIDR: the destination of the peer side's routes. */
  readonly vpcCidr: string;
  /** Route tables of the created VPC's private subnets. */
  readonly privateRouteTableIds: string[];
  /** The existing VPC, in the same account and Region. */
  readonly peerVpcId: string;
  /** The peer VPC's IPv4 CIDRs, routed from the private route tables. */
  readonly peerCidrs: readonly string[];
  /** Route tables of the peer VPC given a route back; empty when its owner adds it. */
  readonly peerRouteTableIds: readonly string[];
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * A VPC peering connection from the created VPC to an existing VPC of the same account and Region,
 * accepted in the same apply (`auto_accept`: "both VPCs need to be in the same AWS account and
 * region", hashicorp/aws vpc_peering_connection), with routes on both sides where this stack owns them.
 */
export class VpcPeering extends Construct {
  readonly connection: VpcPeeringConnection;

  constructor(scope: Construct, id: string, props: VpcPeeringProps) {
    super(scope, id);
    if (props.peerCidrs.length === 0) throw new Error(`${id}: peerCidrs: at least one CIDR`);
    this.connection = new VpcPeeringConnection(this, "Resource", {
      vpcId: props.vpcId,
      peerVpcId: props.peerVpcId,
      autoAccept: true,
      tags: withName(props.tags ?? {}, `${props.name}-peering`),
    });
    const vpcPeeringConnectionId = this.connection.id;
    props.privateRouteTableIds.forEach((routeTableId, i) => {
      for (const cidr of props.peerCidrs) {
        new Route(this, `Private${i + 1}To${cidrKey(cidr)}`, {
          routeTableId,
          destinationCidrBlock: cidr,
          vpcPeeringConnectionId,
        });
      }
    });
    for (const routeTableId of props.peerRouteTableIds) {
      // Keyed by the peer's route table id, so adding one leaves the others alone.
      new Route(this, `Peer${cidrKey(routeTableId)}`, {
        routeTableId,
        destinationCidrBlock: props.vpcCidr,
        vpcPeeringConnectionId,
      });
    }
  }
}
