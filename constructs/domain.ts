import { Construct } from "constructs";
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { DataAwsRoute53Zone } from "@cdktf/provider-aws/lib/data-aws-route53-zone";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { withName } from "./private/naming";

export interface WebDomainProps {
  /** The name people open, e.g. airflow.example.com. @default - no DNS: the ALB's own name */
  readonly domainName?: string;
  /** @default - looked up by hostedZoneName */
  readonly hostedZoneId?: string;
  /** @default - hostedZoneId is used */
  readonly hostedZoneName?: string;
  /** Look the zone up among private zones. @default false */
  readonly privateHostedZone?: boolean;
  /** Existing certificate. @default - an ACM certificate for domainName, DNS-validated in the zone */
  readonly certificateArn?: string;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/** The web name: hosted zone, the certificate (existing or ACM with DNS validation) and alias records. */
export class WebDomain extends Construct {
  /** The certificate the HTTPS listener uses: for ACM, the validation's ARN, so the listener waits for a valid one. */
  readonly certificateArn: string;
  private readonly zoneId?: string;
  private readonly domainName?: string;

  constructor(scope: Construct, id: string, props: WebDomainProps) {
    super(scope, id);
    this.domainName = props.domainName;
    if (props.hostedZoneId !== undefined || props.hostedZoneName !== undefined) {
      const zone = new DataAwsRoute53Zone(this, "Zone", {
        ...(props.hostedZoneId !== undefined ? { zoneId: props.hostedZoneId } : { name: props.hostedZoneName }),
        privateZone: props.privateHostedZone ?? false,
      });
      this.zoneId = zone.zoneId;
    }
    if (props.certificateArn !== undefined) {
      this.certificateArn = props.certificateArn;
      return;
    }
    if (props.domainName === undefined || this.zoneId === undefined) {
      throw new Error("WebDomain: domainName and a hosted zone are required without certificateArn");
    }
    const certificate = new AcmCertificate(this, "Certificate", {
      domainName: props.domainName,
      validationMethod: "DNS",
      tags: withName(props.tags ?? {}, props.domainName),
      lifecycle: { createBeforeDestroy: true },
    });
    // One domain, so exactly one validation option.
    const option = certificate.domainValidationOptions.get(0);
    const record = new Route53Record(this, "ValidationRecord", {
      zoneId: this.zoneId,
      name: option.resourceRecordName,
      type: option.resourceRecordType,
      records: [option.resourceRecordValue],
      ttl: 60,
      allowOverwrite: true,
    });
    const validation = new AcmCertificateValidation(this, "CertificateValidation", {
      certificateArn: certificate.arn,
      validationRecordFqdns: [record.fqdn],
    });
    this.certificateArn = validation.certificateArn;
  }

  /** Alias records for the domain to the load balancer (AAAA too when dual-stack). */
  addAlias(target: { dnsName: string; zoneId: string }, dualStack: boolean): void {
    if (this.domainName === undefined || this.zoneId === undefined) return;
    for (const type of dualStack ? ["A", "AAAA"] : ["A"]) {
      new Route53Record(this, `Alias${type}`, {
        zoneId: this.zoneId,
        name: this.domainName,
        type,
        alias: { name: target.dnsName, zoneId: target.zoneId, evaluateTargetHealth: true },
      });
    }
  }
}
