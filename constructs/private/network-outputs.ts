import { TerraformOutput, type TerraformStack } from "cdktf";
import type { PrivateMwaaEnvironment } from "../private-mwaa-environment";

/** Output names of the evaluation host, read back by synth's summary to print the port-forwarding command. */
export const ACCESS_HOST_INSTANCE_ID_OUTPUT = "mwaa_access_host_instance_id";
export const PORT_FORWARDING_COMMAND_OUTPUT = "mwaa_port_forwarding_command";

/**
 * What a network team needs to attach a created VPC by hand, and the ids of the ways in this stack
 * made. An existing VPC's ids are the config's own, so they get no outputs.
 */
export function networkOutputs(stack: TerraformStack, mwaa: PrivateMwaaEnvironment): void {
  const output = (id: string, value: string | string[], description: string) =>
    new TerraformOutput(stack, id, { value, description });
  const { network, config } = mwaa;
  if (network.created) {
    output("mwaa_vpc_id", network.vpcId, "The created VPC");
    output(
      "mwaa_private_subnet_ids",
      network.privateSubnetIds,
      "Private subnets of the created VPC (environment, endpoints, internal ALB)",
    );
    output(
      "mwaa_private_route_table_ids",
      network.privateRouteTableIds,
      "Route tables of the private subnets: where routes back to your networks go",
    );
  }
  if (mwaa.transitGateway !== undefined)
    output(
      "mwaa_transit_gateway_attachment_id",
      mwaa.transitGateway.attachment.id,
      "Attachment of the created VPC; associate and propagate it in the transit gateway's route tables",
    );
  const peering = mwaa.peering;
  if (peering !== undefined) {
    output("mwaa_vpc_peering_connection_id", peering.connection.id, "Peering connection of the created VPC");
    if (config.network.peering!.peerRouteTableIds.length === 0) {
      output(
        "mwaa_peer_route_to_add",
        `In the route tables of ${config.network.peering!.peerVpcId} that should reach MWAA: destination ${config.network.create!.cidr}, target ${peering.connection.id}`,
        "The route the peer VPC's owner adds (this stack manages no route table of the peer)",
      );
    }
  }
  if (mwaa.accessHost !== undefined) {
    output(
      ACCESS_HOST_INSTANCE_ID_OUTPUT,
      mwaa.accessHost.instance.id,
      "Session Manager port-forwarding host (the --target of aws ssm start-session)",
    );
    output(
      PORT_FORWARDING_COMMAND_OUTPUT,
      mwaa.accessHost.portForwardingCommand,
      "Forwards local port 443 to the ALB; docs/network.md",
    );
  }
}
