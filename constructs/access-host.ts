import { Construct } from "constructs";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { ACCESS_HOST_INSTANCE_TYPES } from "../model/access-host";
import { withName } from "./private/naming";

/**
 * Session Manager's document for port forwarding to a host the instance reaches, with the parameters
 * host, portNumber and localPortNumber (AWS Systems Manager User Guide, "Start a session", port
 * forwarding to a remote host: https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-sessions-start.html).
 */
export const PORT_FORWARDING_DOCUMENT = "AWS-StartPortForwardingSessionToRemoteHost";
/** The ALB's HTTPS port, and the local one: the certificate and Airflow's redirects name the domain on 443. */
export const FORWARDED_PORT = 443;
/** The unprivileged local port docs/network.md offers when binding 443 needs administrator rights. */
export const ALTERNATIVE_LOCAL_PORT = 8443;

export interface AccessHostProps {
  /** Environment name, used in names and tags. */
  readonly name: string;
  readonly region: string;
  /** The AWS partition (aws, aws-cn, aws-us-gov), for the managed policy's ARN. */
  readonly partition: string;
  readonly vpcId: string;
  /** A private subnet for the host (no public IP either way). */
  readonly subnetId: string;
  /** Instance type, one of ACCESS_HOST_INSTANCE_TYPES (the AMI's architecture follows it). */
  readonly instanceType: keyof typeof ACCESS_HOST_INSTANCE_TYPES;
  /** Security group of the ALB: it admits the host on 443. */
  readonly albSecurityGroupId: string;
  /** DNS name of the (internal) ALB: the remote host the session forwards to. */
  readonly albDnsName: string;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * An EC2 instance that Session Manager forwards one local port through to the internal ALB: no
 * inbound rule, no public IP, no key pair. It is for a first look without a network team, so it is
 * never protected from destroy. In a VPC without NAT it needs the ssm, ssmmessages and ec2messages
 * endpoints (network.serviceEndpoints adds them by default).
 */
export class AccessHost extends Construct {
  readonly instance: Instance;
  readonly securityGroup: SecurityGroup;
  private readonly props: AccessHostProps;

  constructor(scope: Construct, id: string, props: AccessHostProps) {
    super(scope, id);
    const arch = ACCESS_HOST_INSTANCE_TYPES[props.instanceType];
    if (arch === undefined)
      throw new Error(
        `${id}: instanceType: one of ${Object.keys(ACCESS_HOST_INSTANCE_TYPES).join(", ")} (got ${props.instanceType})`,
      );
    this.props = props;
    const tags = props.tags ?? {};
    const hostName = `${props.name}-access-host`;

    // Amazon Linux 2023 comes with SSM Agent; AWS publishes its latest AMI id under this public parameter
    // (Amazon Linux 2023 User Guide, "Launching AL2023 using the SSM parameter and AWS CLI").
    const ami = new DataAwsSsmParameter(this, "Ami", {
      name: `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${arch}`,
    });
    const trust = new DataAwsIamPolicyDocument(this, "TrustPolicy", {
      statement: [
        { actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }] },
      ],
    });
    const role = new IamRole(this, "Role", {
      assumeRolePolicy: trust.json,
      description: `Session Manager host of MWAA ${props.name}`,
      tags,
    });
    // The managed policy AWS documents for Session Manager's instance profile (AWS Systems Manager User
    // Guide, "Configure instance permissions required for Systems Manager").
    new IamRolePolicyAttachment(this, "SessionManager", {
      role: role.name,
      policyArn: `arn:${props.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
    });
    const profile = new IamInstanceProfile(this, "Profile", { role: role.name, tags });

    this.securityGroup = new SecurityGroup(this, "SecurityGroup", {
      name: hostName,
      description: `Session Manager host of MWAA ${props.name}: no inbound rule`,
      vpcId: props.vpcId,
      tags: withName(tags, hostName),
    });
    // SSM Agent calls ssm, ssmmessages and ec2messages over HTTPS (endpoints or NAT), and the session
    // reaches the ALB on 443: one outbound rule, nothing inbound.
    new VpcSecurityGroupEgressRule(this, "HttpsOut", {
      securityGroupId: this.securityGroup.id,
      description: "Session Manager endpoints and the ALB",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: "0.0.0.0/0",
    });
    new VpcSecurityGroupIngressRule(this, "AlbHttpsFromHost", {
      securityGroupId: props.albSecurityGroupId,
      description: "HTTPS from the Session Manager host",
      ipProtocol: "tcp",
      fromPort: FORWARDED_PORT,
      toPort: FORWARDED_PORT,
      referencedSecurityGroupId: this.securityGroup.id,
    });

    this.instance = new Instance(this, "Resource", {
      ami: ami.insecureValue,
      instanceType: props.instanceType,
      subnetId: props.subnetId,
      vpcSecurityGroupIds: [this.securityGroup.id],
      iamInstanceProfile: profile.name,
      associatePublicIpAddress: false,
      metadataOptions: { httpTokens: "required" },
      rootBlockDevice: { encrypted: true },
      tags: withName(tags, hostName),
      // A newer AMI must not replace the host on every deploy.
      lifecycle: { ignoreChanges: ["ami"] },
    });
  }

  /** The `aws ssm start-session` command with the synthesized ids (resolved on apply). */
  get portForwardingCommand(): string {
    return startSessionCommand(this.props.region, this.instance.id, this.props.albDnsName);
  }
}

/** The port-forwarding command for a host and a target; the same text synth prints with placeholders. */
export function startSessionCommand(region: string, target: string, remoteHost: string): string {
  return [
    `aws ssm start-session --region ${region} --target ${target}`,
    `--document-name ${PORT_FORWARDING_DOCUMENT}`,
    `--parameters host=${remoteHost},portNumber=${FORWARDED_PORT},localPortNumber=${FORWARDED_PORT}`,
  ].join(" ");
}
