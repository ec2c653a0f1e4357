import { Construct } from "constructs";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { withName } from "./private/naming";

export interface MwaaSecurityGroupProps {
  readonly environmentName: string;
  readonly vpcId: string;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * The environment's security group, also attached to the two customer endpoints: members reach each
 * other on 443 (web server) and 5432 (metadata database).
 */
export class MwaaSecurityGroup extends Construct {
  /** The security group resource. */
  readonly resource: SecurityGroup;
  readonly securityGroupId: string;

  constructor(scope: Construct, id: string, props: MwaaSecurityGroupProps) {
    super(scope, id);
    const sg = new SecurityGroup(this, "Resource", {
      name: `${props.environmentName}-mwaa`,
      description: `MWAA environment ${props.environmentName} and its customer managed endpoints`,
      vpcId: props.vpcId,
      tags: withName(props.tags ?? {}, `${props.environmentName}-mwaa`),
    });
    this.resource = sg;
    this.securityGroupId = sg.id;
    for (const [ruleId, port, what] of [
      ["SelfHttps", 443, "web server endpoint"],
      ["SelfPostgres", 5432, "metadata database endpoint"],
    ] as const) {
      new VpcSecurityGroupIngressRule(this, ruleId, {
        securityGroupId: sg.id,
        description: `MWAA members to the ${what}`,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        referencedSecurityGroupId: sg.id,
      });
    }
    // Workers reach AWS services (S3, SQS, logs, ECR) through a NAT gateway or VPC endpoints.
    new VpcSecurityGroupEgressRule(this, "AllEgress", {
      securityGroupId: sg.id,
      description: "MWAA to AWS services through NAT or VPC endpoints",
      ipProtocol: "-1",
      cidrIpv4: "0.0.0.0/0",
    });
  }

  /** Lets another security group reach the web server endpoint on 443 (the ALB). */
  allowHttpsFrom(id: string, sourceSecurityGroupId: string, description: string): void {
    new VpcSecurityGroupIngressRule(this, id, {
      securityGroupId: this.securityGroupId,
      description,
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      referencedSecurityGroupId: sourceSecurityGroupId,
    });
  }
}
