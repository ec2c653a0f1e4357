import { Construct } from "constructs";
import { LbListenerCertificate } from "@cdktf/provider-aws/lib/lb-listener-certificate";
import { LbListenerRule, type LbListenerRuleAction } from "@cdktf/provider-aws/lib/lb-listener-rule";
import { WebDomain } from "./domain";
import type { Access } from "../model/access";

export interface SecondHostProps {
  /** The second name, e.g. next.airflow.example.com. */
  readonly hostName: string;
  /** The ALB's `access` block: its hosted zone, certificate and address type. */
  readonly access: Access;
  /** Certificate for hostName. @default - an ACM certificate for hostName with a zone and no access.certificateArn; access.certificateArn otherwise */
  readonly certificateArn?: string;
  readonly loadBalancer: { readonly dnsName: string; readonly zoneId: string };
  readonly httpsListenerArn: string;
  /** What requests for hostName get: the listener's authenticate action (if any), then forward. */
  readonly actions: LbListenerRuleAction[];
  /** Below every other rule of the listener, above its default action. */
  readonly priority: number;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * A second host name on the same ALB and HTTPS listener, during a side-by-side migration: its alias
 * record, its certificate (added to the listener by SNI, so the domain's certificate is left
 * alone: a new subject alternative name would replace it) and a host-header rule.
 */
export class SecondHost extends Construct {
  readonly rule: LbListenerRule;

  constructor(scope: Construct, id: string, props: SecondHostProps) {
    super(scope, id);
    const { access } = props;
    const shared = props.certificateArn === undefined && access.certificateArn !== undefined;
    const domain = new WebDomain(this, "Domain", {
      domainName: props.hostName,
      hostedZoneId: access.hostedZoneId,
      hostedZoneName: access.hostedZoneId === undefined ? access.hostedZoneName : undefined,
      privateHostedZone: access.privateHostedZone,
      certificateArn: props.certificateArn ?? access.certificateArn,
      tags: props.tags,
    });
    // An existing certificate of the domain must cover hostName itself (a SAN or a wildcard).
    if (!shared)
      new LbListenerCertificate(this, "ListenerCertificate", {
        listenerArn: props.httpsListenerArn,
        certificateArn: domain.certificateArn,
      });
    domain.addAlias(props.loadBalancer, access.ipAddressType === "dualstack");
    this.rule = new LbListenerRule(this, "Rule", {
      listenerArn: props.httpsListenerArn,
      priority: props.priority,
      action: props.actions,
      condition: [{ hostHeader: { values: [props.hostName] } }],
      tags: props.tags,
    });
  }
}
