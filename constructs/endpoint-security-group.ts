import { Construct } from "constructs";
import type { TerraformProvider } from "cdktf";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { ENDPOINT_TAG_KEY } from "./private/endpoints-role-policy";
import { withName } from "./private/naming";

export interface EndpointSecurityGroupProps {
  readonly environmentName: string;
  readonly vpcId: string;
  /** The environment's security group: reaches the endpoints on 443 and 5432. */
  readonly mwaaSecurityGroupId: string;
  /** Provider of the VPC owner (an assumed role, or the owner's own stack). @default - the stack's default provider */
  readonly provider?: TerraformProvider;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * The endpoints' own security group, for when the VPC owner creates them: in a shared VPC the
 * owner attaches its own group, which admits the environment's group (same VPC, referenced by id).
 */
export class EndpointSecurityGroup extends Construct {
  readonly securityGroupId: string;
  private readonly provider?: TerraformProvider;
  private readonly environmentName: string;

  constructor(scope: Construct, id: string, props: EndpointSecurityGroupProps) {
    super(scope, id);
    this.provider = props.provider;
    this.environmentName = props.environmentName;
    const sg = new SecurityGroup(this, "Resource", {
      name: `${props.environmentName}-mwaa-endpoints`,
      description: `Customer managed endpoints of MWAA ${props.environmentName}`,
      vpcId: props.vpcId,
      provider: props.provider,
      tags: {
        ...withName(props.tags ?? {}, `${props.environmentName}-mwaa-endpoints`),
        [ENDPOINT_TAG_KEY]: props.environmentName,
      },
    });
    this.securityGroupId = sg.id;
    for (const [ruleId, port, what] of [
      ["EnvironmentHttps", 443, "web server endpoint"],
      ["EnvironmentPostgres", 5432, "metadata database endpoint"],
    ] as const) {
      this.allow(ruleId, port, props.mwaaSecurityGroupId, `MWAA ${props.environmentName} to the ${what}`);
    }
  }

  /** Lets another security group reach the endpoints on a port (the ALB on 443). */
  allow(id: string, port: number, sourceSecurityGroupId: string, description: string): void {
    new VpcSecurityGroupIngressRule(this, id, {
      securityGroupId: this.securityGroupId,
      description,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      referencedSecurityGroupId: sourceSecurityGroupId,
      provider: this.provider,
      tags: { [ENDPOINT_TAG_KEY]: this.environmentName },
    });
  }
}
