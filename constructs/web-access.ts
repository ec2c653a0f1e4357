import { Construct } from "constructs";
import { Fn, TerraformOutput, type TerraformStack } from "cdktf";
import { DataAwsNetworkInterface } from "@cdktf/provider-aws/lib/data-aws-network-interface";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener, type LbListenerDefaultAction } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { LbTargetGroupAttachment } from "@cdktf/provider-aws/lib/lb-target-group-attachment";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { dependable, type ITerraformDependable, type TerraformProvider } from "cdktf";
import { WebDomain } from "./domain";
import type { Access } from "../model/access";
import { authenticateAction } from "./private/identity-provider";
import { elbName, withName } from "./private/naming";

/** The web server endpoint of one environment: the ALB's targets are its interfaces' private IPs. */
export interface WebserverTargetProps {
  /** The MWAA environment's name (names the target group). */
  readonly environmentName: string;
  /** The security group of the web server endpoint; the ALB may reach it on 443 only. */
  readonly endpointSecurityGroupId: string;
  /** The web server endpoint's `network_interface_ids` (a set, unknown until apply). */
  readonly webserverEndpointInterfaceIds: string[];
  /** How many interfaces that endpoint has: one per subnet, known at synth time. */
  readonly webserverEndpointSubnetCount: number;
  /** Provider that may read the endpoint's interfaces: the one that created the endpoint. @default - the stack's default provider */
  readonly interfaceProvider?: TerraformProvider;
}

export interface WebAccessProps extends Partial<WebserverTargetProps> {
  /** Names the ALB and its security group. */
  readonly environmentName: string;
  /** The environment's `access` block, defaults applied. */
  readonly access: Access;
  readonly vpcId: string;
  /** Subnets of the ALB: private ones for internal, public ones for internet-facing. */
  readonly albSubnetIds: string[];
  /** ALB deletion protection (the config's access.deletionProtection, defaulted there). */
  readonly deletionProtection: boolean;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * An Application Load Balancer in front of the private web server: its targets are the private
 * IPs of the web server endpoint's interfaces, read one by one so the count is known at plan time.
 */
export class WebAccess extends Construct {
  readonly loadBalancer: Lb;
  /** The target group of the environment given in the props (the one the domain serves); undefined without one. */
  readonly targetGroup?: LbTargetGroup;
  readonly httpsListener: LbListener;
  readonly securityGroupId: string;
  /** The identity provider's authenticate action (order 1), for listener rules; undefined without one. */
  readonly authenticate?: LbListenerDefaultAction;
  /** The https URL people open: the domain, or the ALB's own name. */
  readonly url: string;
  /** The target group the domain serves. */
  servedTargetGroupArn?: string;
  /** The `access` block the ALB was made from. */
  readonly access: Access;
  private readonly vpcId: string;
  private readonly tags: Record<string, string>;

  constructor(scope: Construct, id: string, props: WebAccessProps) {
    super(scope, id);
    const { access, environmentName: name } = props;
    const tags = props.tags ?? {};
    const sg = new SecurityGroup(this, "SecurityGroup", {
      name: `${name}-mwaa-alb`,
      description: `ALB in front of the MWAA ${name} web server`,
      vpcId: props.vpcId,
      tags: withName(tags, `${name}-mwaa-alb`),
    });
    this.securityGroupId = sg.id;
    this.vpcId = props.vpcId;
    this.tags = tags;
    this.access = access;
    this.allowClients(sg.id, access);
    const domain = new WebDomain(this, "Domain", { ...access, tags });

    this.loadBalancer = new Lb(this, "LoadBalancer", {
      name: elbName(`${name}-mwaa`),
      loadBalancerType: "application",
      internal: access.scheme === "internal",
      subnets: props.albSubnetIds,
      securityGroups: [sg.id],
      ipAddressType: access.ipAddressType,
      dropInvalidHeaderFields: true,
      enableDeletionProtection: props.deletionProtection,
      idleTimeout: access.idleTimeoutSeconds,
      ...(access.accessLogs !== undefined
        ? { accessLogs: { bucket: access.accessLogs.bucket, prefix: access.accessLogs.prefix, enabled: true } }
        : {}),
      tags: withName(tags, `${name}-mwaa`),
    });

    const { endpointSecurityGroupId, webserverEndpointInterfaceIds, webserverEndpointSubnetCount } = props;
    if (
      endpointSecurityGroupId !== undefined &&
      webserverEndpointInterfaceIds !== undefined &&
      webserverEndpointSubnetCount !== undefined
    ) {
      this.targetGroup = this.addWebserverTarget(this, {
        environmentName: name,
        endpointSecurityGroupId,
        webserverEndpointInterfaceIds,
        webserverEndpointSubnetCount,
        interfaceProvider: props.interfaceProvider,
      });
    }

    // With sso every request is authenticated too; the sign-in rules sit in front of this default.
    const identityProvider = access.authentication ?? access.sso;
    this.authenticate = identityProvider !== undefined ? authenticateAction(this, identityProvider, 1) : undefined;
    if (identityProvider !== undefined) {
      // The ALB itself calls the IdP's token and user info endpoints (IPv4 only).
      new VpcSecurityGroupEgressRule(this, "ToIdentityProviderHttps", {
        securityGroupId: sg.id,
        description: "ALB to the identity provider's token and user info endpoints",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: "0.0.0.0/0",
      });
    }
    this.httpsListener = new LbListener(this, "HttpsListener", {
      loadBalancerArn: this.loadBalancer.arn,
      port: 443,
      protocol: "HTTPS",
      sslPolicy: access.sslPolicy,
      certificateArn: domain.certificateArn,
      // Until serve() names a target group (an environment that is not the props' one): 503.
      defaultAction: this.forwardTo(this.targetGroup?.arn),
      tags,
    });
    this.servedTargetGroupArn = this.targetGroup?.arn;
    new LbListener(this, "HttpRedirectListener", {
      loadBalancerArn: this.loadBalancer.arn,
      port: 80,
      protocol: "HTTP",
      defaultAction: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
      tags,
    });
    domain.addAlias(this.loadBalancer, access.ipAddressType === "dualstack");
    this.url = `https://${access.domainName ?? this.loadBalancer.dnsName}`;
  }

  /**
   * The ALB's way to one environment's web server: 443 to its endpoint's security group, and a
   * target group of the endpoint's interface IPs, read one by one so the count is known at plan time.
   */
  addWebserverTarget(scope: Construct, props: WebserverTargetProps): LbTargetGroup {
    new VpcSecurityGroupEgressRule(scope, "ToWebserverHttps", {
      securityGroupId: this.securityGroupId,
      description: "ALB to the MWAA web server endpoint",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      referencedSecurityGroupId: props.endpointSecurityGroupId,
    });
    const targetGroup = new LbTargetGroup(scope, "TargetGroup", {
      name: elbName(`${props.environmentName}-mwaa-web`),
      targetType: "ip",
      protocol: "HTTPS",
      port: 443,
      vpcId: this.vpcId,
      // The endpoint answers 302 to / (the login redirect).
      healthCheck: {
        protocol: "HTTPS",
        path: "/",
        matcher: "200,302",
        interval: 30,
        timeout: 10,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      },
      tags: withName(this.tags, `${props.environmentName}-mwaa-web`),
    });
    // The provider reads the set as tolist(...); sorted, an index is stable across plans.
    const sortedInterfaces = Fn.sort(props.webserverEndpointInterfaceIds);
    for (let i = 0; i < props.webserverEndpointSubnetCount; i++) {
      const eni = new DataAwsNetworkInterface(scope, `WebserverInterface${i + 1}`, {
        id: Fn.element(sortedInterfaces, i),
        provider: props.interfaceProvider,
      });
      new LbTargetGroupAttachment(scope, `WebserverTarget${i + 1}`, {
        targetGroupArn: targetGroup.arn,
        targetId: eni.privateIp,
        port: 443,
      });
    }
    return targetGroup;
  }

  /**
   * The domain (the HTTPS listener's default action) serves this target group (a 503 without one),
   * once `after` is done: at cutover, the update of the environment it switches to.
   */
  serve(targetGroupArn: string | undefined, after?: ITerraformDependable[]): void {
    this.servedTargetGroupArn = targetGroupArn;
    this.httpsListener.putDefaultAction(this.forwardTo(targetGroupArn));
    if (after !== undefined)
      this.httpsListener.dependsOn = [...(this.httpsListener.dependsOn ?? []), ...after.map(dependable)];
  }

  /** Authenticate (when an identity provider is set), then forward; a 503 without a target group. */
  forwardTo(targetGroupArn: string | undefined): LbListenerDefaultAction[] {
    const forward =
      targetGroupArn !== undefined
        ? { type: "forward", targetGroupArn }
        : {
            type: "fixed-response",
            fixedResponse: {
              contentType: "text/plain",
              statusCode: "503",
              messageBody: "No Airflow environment is served here.",
            },
          };
    return this.authenticate !== undefined ? [this.authenticate, { ...forward, order: 2 }] : [forward];
  }

  /** 443 and 80 (for the redirect) from every allowed source, one rule per source and port. */
  private allowClients(securityGroupId: string, access: Access): void {
    const sources: [
      string,
      { cidrIpv4?: string; cidrIpv6?: string; prefixListId?: string; referencedSecurityGroupId?: string },
    ][] = [
      ...access.allowedCidrs.map(
        (c) =>
          [c, c.includes(":") ? { cidrIpv6: c } : { cidrIpv4: c }] as [
            string,
            { cidrIpv4?: string; cidrIpv6?: string },
          ],
      ),
      ...access.allowedPrefixListIds.map((p) => [p, { prefixListId: p }] as [string, { prefixListId: string }]),
      ...access.allowedSecurityGroupIds.map(
        (g) => [g, { referencedSecurityGroupId: g }] as [string, { referencedSecurityGroupId: string }],
      ),
    ];
    for (const [source, rule] of sources) {
      for (const port of [443, 80]) {
        // Keyed by source and port, so editing one source leaves the other rules alone.
        new VpcSecurityGroupIngressRule(this, `From${source.replace(/[^A-Za-z0-9]/g, "_")}Port${port}`, {
          securityGroupId,
          description: port === 443 ? `HTTPS from ${source}` : `HTTP from ${source}, redirected to HTTPS`,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          ...rule,
        });
      }
    }
  }
}

/** The outputs of web access, the same in whichever stack the ALB lives. */
export function webAccessOutputs(stack: TerraformStack, webAccess: WebAccess): void {
  new TerraformOutput(stack, "mwaa_webserver_url", {
    value: webAccess.url,
    description: "URL of the Airflow UI behind the ALB",
  });
  new TerraformOutput(stack, "mwaa_alb_dns_name", {
    value: webAccess.loadBalancer.dnsName,
    description: "DNS name of the ALB",
  });
  new TerraformOutput(stack, "mwaa_alb_security_group_id", {
    value: webAccess.securityGroupId,
    description: "Security group of the ALB: clients are admitted here",
  });
  if (webAccess.servedTargetGroupArn !== undefined) {
    new TerraformOutput(stack, "mwaa_alb_target_group_arn", {
      value: webAccess.servedTargetGroupArn,
      description: "Target group of the web server endpoint's IPs",
    });
  }
}
