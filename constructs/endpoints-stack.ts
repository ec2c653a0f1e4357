import { Construct } from "constructs";
import { TerraformOutput, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CustomerEndpoints } from "./customer-endpoints";
import { EndpointSecurityGroup } from "./endpoint-security-group";
import type { Backend, Environment } from "../model/schema";
import { configureBackend, remoteState } from "./private/backend";
import { webAccessOutputs } from "./web-access";
import { WebAccess } from "./web-access";

export interface MwaaEndpointsStackProps {
  /** The environment, validated (endpoints.createdBy "vpc-owner", an existing shared network). */
  readonly environment: Environment;
  /** The environment's stack: its outputs are read from its state; it deploys first. */
  readonly environmentStack: TerraformStack;
  /** @default {"type": "local"} */
  readonly backend?: Backend;
}

/**
 * The stack a VPC owner applies with its own credentials and state: the two customer endpoints
 * (and the ALB, whose targets are their interfaces) from the services the environment exports.
 */
export class MwaaEndpointsStack extends TerraformStack {
  readonly endpoints: CustomerEndpoints;
  readonly webAccess?: WebAccess;

  constructor(scope: Construct, id: string, props: MwaaEndpointsStackProps) {
    super(scope, id);
    const env = props.environment;
    const backend = props.backend ?? { type: "local" };
    configureBackend(this, id, backend);
    new AwsProvider(this, "aws", { region: env.region });
    this.addDependency(props.environmentStack);
    const core = remoteState(this, "Environment", backend, props.environmentStack.node.id);
    const vpcId = env.network.vpcId!;
    const subnetIds = [...env.network.privateSubnetIds!];
    // The MWAA environment's own name, which the environment stack's names and tags use too.
    const mwaaName = env.environmentName ?? env.name;

    const sg = new EndpointSecurityGroup(this, "SecurityGroup", {
      environmentName: mwaaName,
      vpcId,
      mwaaSecurityGroupId: core.getString("mwaa_security_group_id"),
      tags: env.tags,
    });
    this.endpoints = new CustomerEndpoints(this, "CustomerEndpoints", {
      environmentName: mwaaName,
      vpcId,
      subnetIds,
      securityGroupIds: [sg.securityGroupId],
      databaseServiceName: core.getString("mwaa_database_vpc_endpoint_service"),
      webserverServiceName: core.getString("mwaa_webserver_vpc_endpoint_service"),
      tags: env.tags,
    });
    new TerraformOutput(this, "mwaa_database_vpc_endpoint_id", {
      value: this.endpoints.database.id,
      description: "Customer managed endpoint of the metadata database",
    });
    new TerraformOutput(this, "mwaa_webserver_vpc_endpoint_id", {
      value: this.endpoints.webserver.id,
      description: "Customer managed endpoint of the web server",
    });

    if (env.access === undefined) return;
    // The ALB's targets are interfaces in the owner's account: it lives here, after the endpoints.
    this.webAccess = new WebAccess(this, "WebAccess", {
      environmentName: mwaaName,
      access: env.access,
      vpcId,
      albSubnetIds: env.access.scheme === "internal" ? subnetIds : [...env.network.publicSubnetIds],
      endpointSecurityGroupId: sg.securityGroupId,
      webserverEndpointInterfaceIds: this.endpoints.webserver.networkInterfaceIds,
      webserverEndpointSubnetCount: subnetIds.length,
      deletionProtection: env.access.deletionProtection,
      tags: env.tags,
    });
    sg.allow("HttpsFromAlb", 443, this.webAccess.securityGroupId, "ALB to the web server endpoint");
    webAccessOutputs(this, this.webAccess);
  }
}
