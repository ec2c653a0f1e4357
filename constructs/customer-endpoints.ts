import { Construct } from "constructs";
import type { TerraformProvider } from "cdktf";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { ENDPOINT_TAG_KEY } from "./private/endpoints-role-policy";
import { withName } from "./private/naming";

export interface CustomerEndpointsProps {
  readonly environmentName: string;
  readonly vpcId: string;
  readonly subnetIds: string[];
  readonly securityGroupIds: string[];
  /** The environment's exported `database_vpc_endpoint_service`. */
  readonly databaseServiceName: string;
  /** The environment's exported `webserver_vpc_endpoint_service`. */
  readonly webserverServiceName: string;
  /** Provider that creates the endpoints (an assumed role). @default - the stack's default provider */
  readonly provider?: TerraformProvider;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * The two endpoints MWAA expects the customer to create when `endpoint_management = CUSTOMER`:
 * native resources in the same apply, never a custom resource that could delete them on update.
 */
export class CustomerEndpoints extends Construct {
  readonly database: VpcEndpoint;
  readonly webserver: VpcEndpoint;

  constructor(scope: Construct, id: string, props: CustomerEndpointsProps) {
    super(scope, id);
    const endpoint = (endpointId: string, serviceName: string, what: string) =>
      new VpcEndpoint(this, endpointId, {
        vpcId: props.vpcId,
        serviceName,
        vpcEndpointType: "Interface",
        subnetIds: props.subnetIds,
        securityGroupIds: props.securityGroupIds,
        // MWAA's endpoint services have no private DNS name; clients use the environment's URL or the ALB.
        privateDnsEnabled: false,
        provider: props.provider,
        // The endpoints role's policy only lets it change resources with this tag.
        tags: {
          ...withName(props.tags ?? {}, `${props.environmentName}-mwaa-${what}`),
          [ENDPOINT_TAG_KEY]: props.environmentName,
        },
      });
    this.database = endpoint("Database", props.databaseServiceName, "database");
    this.webserver = endpoint("Webserver", props.webserverServiceName, "webserver");
  }
}
