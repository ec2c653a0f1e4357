import { parseConfig } from "../model/parse";
import type { EnvironmentInput } from "../model/schema";
import { DEFAULT_SSL_POLICY } from "../model/access";
import {
  type Block,
  type TerraformJson,
  PRIVATE_SUBNET_IDS,
  VPC_ID,
  blockAt,
  dataSources,
  minimalEnvironment,
  nameOf,
  ref,
  resources,
  synthStack,
  configErrorLines,
  COGNITO,
  OIDC,
} from "./helpers";

// Issue "Private web server access": an ALB in front of the private web server endpoint.
// Assertions follow references between blocks (what Terraform wires), not only their presence.

const PUBLIC_SUBNET_IDS = ["subnet-0a1b2c3d4e5f60733", "subnet-0a1b2c3d4e5f60744"];
const CERT_ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9";
const SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:mwaa/dev/oidc-AbCdEf";
const PREFIX_LIST = "pl-0123456789abcdef0";
const CLIENT_SG = "sg-0123456789abcdef0";
const ZONE_ID = "Z0123456789ABCDEFGHIJ";
const env = (overrides: Record<string, unknown>) => minimalEnvironment(overrides as Partial<EnvironmentInput>);

// Each distinct config is synthesized once and shared by the tests below.
/** Airflow 2, internal, ACM certificate for a domain in a zone looked up by name, three kinds of client, OIDC (SSM), a user-set base_url. */
const acm = synthStack(
  env({
    airflow: { version: "2.10.3", configurationOptions: { "webserver.base_url": "airflow-alt.example.com" } },
    access: {
      domainName: "airflow.example.com",
      hostedZoneName: "example.com",
      allowedCidrs: ["10.0.0.0/8"],
      allowedPrefixListIds: [PREFIX_LIST],
      allowedSecurityGroupIds: [CLIENT_SG],
      authentication: { type: "oidc", oidc: OIDC },
    },
  }),
);
/** Airflow 3, internet-facing, dual-stack, existing certificate, zone by id, every ALB knob set, no authentication. */
const open = synthStack(
  env({
    airflow: { version: "3.0.6" },
    network: { vpcId: VPC_ID, privateSubnetIds: [...PRIVATE_SUBNET_IDS], publicSubnetIds: PUBLIC_SUBNET_IDS },
    protectFromDestroy: false,
    access: {
      scheme: "internet-facing",
      domainName: "airflow3.example.com",
      hostedZoneId: ZONE_ID,
      certificateArn: CERT_ARN,
      allowedCidrs: ["203.0.113.0/24", "2001:db8::/32"],
      ipAddressType: "dualstack",
      sslPolicy: "ELBSecurityPolicy-TLS13-1-3-2021-06",
      idleTimeoutSeconds: 120,
      accessLogs: { bucket: "dev-alb-logs" },
    },
  }),
);
/** Airflow 2 without a domain: existing certificate, deletion protection overridden, Cognito. */
const noDomain = synthStack(
  env({
    airflow: { version: "2.10.3" },
    access: {
      certificateArn: CERT_ARN,
      allowedCidrs: ["10.0.0.0/8"],
      deletionProtection: false,
      authentication: { type: "cognito", cognito: COGNITO },
    },
  }),
);
/** OIDC with the client secret in Secrets Manager. */
const secretsManager = synthStack(
  env({
    access: {
      certificateArn: CERT_ARN,
      allowedCidrs: ["10.0.0.0/8"],
      authentication: { type: "oidc", oidc: { ...OIDC, clientSecret: { secretArn: SECRET_ARN } } },
    },
  }),
);
/** No `access`: no ALB at all. */
const none = synthStack(minimalEnvironment());

const WA = "Mwaa_WebAccess";
const lb = (doc: TerraformJson) => blockAt(doc, "aws_lb", `${WA}_LoadBalancer`);
const targetGroup = (doc: TerraformJson) => blockAt(doc, "aws_lb_target_group", `${WA}_TargetGroup`);
const httpsListener = (doc: TerraformJson) => blockAt(doc, "aws_lb_listener", `${WA}_HttpsListener`);
const httpListener = (doc: TerraformJson) => blockAt(doc, "aws_lb_listener", `${WA}_HttpRedirectListener`);
const albSg = (doc: TerraformJson) => ref(doc, "aws_security_group", `${WA}_SecurityGroup`, "id");
const mwaaSg = (doc: TerraformJson) => ref(doc, "aws_security_group", "Mwaa_SecurityGroup", "id");
const tgArn = (doc: TerraformJson) => ref(doc, "aws_lb_target_group", `${WA}_TargetGroup`, "arn");
const lbRef = (doc: TerraformJson, attribute: string) => ref(doc, "aws_lb", `${WA}_LoadBalancer`, attribute);
const options = (doc: TerraformJson) =>
  blockAt(doc, "aws_mwaa_environment", "Mwaa_Environment").airflow_configuration_options ?? {};
/** Rules of a security group, from a rule type's blocks. */
const rulesOf = (doc: TerraformJson, type: string, sg: string) =>
  Object.values(resources(doc, type)).filter((r) => r.security_group_id === sg);

describe("targets: the web server endpoint's interfaces", () => {
  test("one interface lookup per private subnet, each indexing the sorted interface ids of the web server endpoint", () => {
    // GIVEN two private subnets, so the endpoint has two interfaces (unknown until apply)
    const interfaces = dataSources(acm, "aws_network_interface");
    const endpointIds = `aws_vpc_endpoint.${nameOf(acm, "aws_vpc_endpoint", "Mwaa_CustomerEndpoints_Webserver")}.network_interface_ids`;
    // THEN a literal number of lookups, index i into sort(tolist(ids)), never for_each or count
    expect(Object.keys(interfaces)).toHaveLength(PRIVATE_SUBNET_IDS.length);
    PRIVATE_SUBNET_IDS.forEach((_, i) => {
      const eni = blockAt(acm, "data.aws_network_interface", `${WA}_WebserverInterface${i + 1}`);
      expect(eni.id).toBe(`\${element(sort(tolist(${endpointIds})), ${i})}`);
      expect(eni).not.toHaveProperty("for_each");
      expect(eni).not.toHaveProperty("count");
    });
  });

  test("one attachment per interface: its private IP on 443 in the web server target group", () => {
    // GIVEN the interface lookups
    // THEN each attachment reads exactly one lookup's private_ip
    const attachments = Object.keys(resources(acm, "aws_lb_target_group_attachment"));
    expect(attachments).toHaveLength(PRIVATE_SUBNET_IDS.length);
    PRIVATE_SUBNET_IDS.forEach((_, i) => {
      expect(blockAt(acm, "aws_lb_target_group_attachment", `${WA}_WebserverTarget${i + 1}`)).toEqual({
        target_group_arn: tgArn(acm),
        target_id: ref(acm, "data.aws_network_interface", `${WA}_WebserverInterface${i + 1}`, "private_ip"),
        port: 443,
      });
    });
  });

  test("the target group takes IPs over HTTPS 443 in the VPC, and its health check accepts 200 and 302", () => {
    // GIVEN the endpoint answers 302 to / (the login redirect)
    const tg = targetGroup(acm);
    expect(tg).toMatchObject({ target_type: "ip", protocol: "HTTPS", port: 443, vpc_id: VPC_ID });
    expect(tg.health_check).toMatchObject({ protocol: "HTTPS", path: "/" });
    expect(String(tg.health_check.matcher).split(",").sort()).toEqual(["200", "302"]);
  });
});

describe("certificate and DNS", () => {
  test("with ACM, the HTTPS listener waits for the validation: it uses the validation's certificate_arn", () => {
    // GIVEN no certificateArn
    // THEN the listener references aws_acm_certificate_validation, not the certificate itself
    expect(httpsListener(acm).certificate_arn).toBe(
      ref(acm, "aws_acm_certificate_validation", `${WA}_Domain_CertificateValidation`, "certificate_arn"),
    );
    expect(blockAt(acm, "aws_acm_certificate", `${WA}_Domain_Certificate`)).toMatchObject({
      domain_name: "airflow.example.com",
      validation_method: "DNS",
    });
  });

  test("the validation record comes from the certificate's domain_validation_options and is what the validation waits for", () => {
    const cert = `aws_acm_certificate.${nameOf(acm, "aws_acm_certificate", `${WA}_Domain_Certificate`)}`;
    const option = (field: string) => `\${tolist(${cert}.domain_validation_options).0.${field}}`;
    const record = blockAt(acm, "aws_route53_record", `${WA}_Domain_ValidationRecord`);
    expect(record).toMatchObject({
      zone_id: ref(acm, "data.aws_route53_zone", `${WA}_Domain_Zone`, "zone_id"),
      name: option("resource_record_name"),
      type: option("resource_record_type"),
      records: [option("resource_record_value")],
    });
    expect(blockAt(acm, "aws_acm_certificate_validation", `${WA}_Domain_CertificateValidation`)).toEqual({
      certificate_arn: `\${${cert}.arn}`,
      validation_record_fqdns: [ref(acm, "aws_route53_record", `${WA}_Domain_ValidationRecord`, "fqdn")],
    });
  });

  test("with certificateArn, the listener uses that ARN and no ACM resources exist", () => {
    // GIVEN certificateArn, with and without a domain
    for (const doc of [open, noDomain]) {
      expect(httpsListener(doc).certificate_arn).toBe(CERT_ARN);
      expect(resources(doc, "aws_acm_certificate")).toEqual({});
      expect(resources(doc, "aws_acm_certificate_validation")).toEqual({});
    }
    // THEN the only records are the aliases
    expect(Object.keys(resources(open, "aws_route53_record")).sort()).toEqual(
      [
        nameOf(open, "aws_route53_record", `${WA}_Domain_AliasA`),
        nameOf(open, "aws_route53_record", `${WA}_Domain_AliasAAAA`),
      ].sort(),
    );
  });

  test("the alias A record points at the ALB's dns_name and zone_id and evaluates target health; no AAAA for ipv4", () => {
    expect(blockAt(acm, "aws_route53_record", `${WA}_Domain_AliasA`)).toEqual({
      zone_id: ref(acm, "data.aws_route53_zone", `${WA}_Domain_Zone`, "zone_id"),
      name: "airflow.example.com",
      type: "A",
      alias: { name: lbRef(acm, "dns_name"), zone_id: lbRef(acm, "zone_id"), evaluate_target_health: true },
    });
    expect(() => nameOf(acm, "aws_route53_record", `${WA}_Domain_AliasAAAA`)).toThrow(/no aws_route53_record/);
  });

  test("dualstack adds an AAAA alias to the same ALB", () => {
    // GIVEN ipAddressType dualstack
    for (const type of ["A", "AAAA"]) {
      expect(blockAt(open, "aws_route53_record", `${WA}_Domain_Alias${type}`)).toMatchObject({
        zone_id: ref(open, "data.aws_route53_zone", `${WA}_Domain_Zone`, "zone_id"),
        name: "airflow3.example.com",
        type,
        alias: { name: lbRef(open, "dns_name"), zone_id: lbRef(open, "zone_id"), evaluate_target_health: true },
      });
    }
  });

  test("the hosted zone is looked up by name or by id, among public zones", () => {
    expect(blockAt(acm, "data.aws_route53_zone", `${WA}_Domain_Zone`)).toEqual({
      name: "example.com",
      private_zone: false,
    });
    expect(blockAt(open, "data.aws_route53_zone", `${WA}_Domain_Zone`)).toEqual({
      zone_id: ZONE_ID,
      private_zone: false,
    });
  });

  test("without a domain there is no zone lookup and no record", () => {
    expect(dataSources(noDomain, "aws_route53_zone")).toEqual({});
    expect(resources(noDomain, "aws_route53_record")).toEqual({});
  });
});

describe("security groups", () => {
  test("the ALB's group lets each allowed CIDR, prefix list and security group in on 443 and 80, and nothing else", () => {
    // GIVEN one CIDR, one prefix list and one security group
    const ingress = rulesOf(acm, "aws_vpc_security_group_ingress_rule", albSg(acm));
    const source = (r: Block) => r.cidr_ipv4 ?? r.cidr_ipv6 ?? r.prefix_list_id ?? r.referenced_security_group_id;
    // THEN exactly one tcp rule per source and port
    expect(ingress.map((r) => `${source(r)} ${r.ip_protocol} ${r.from_port}-${r.to_port}`).sort()).toEqual(
      [`10.0.0.0/8`, PREFIX_LIST, CLIENT_SG].flatMap((s) => [`${s} tcp 443-443`, `${s} tcp 80-80`]).sort(),
    );
    expect(ingress.find((r) => r.prefix_list_id === PREFIX_LIST)).not.toHaveProperty("cidr_ipv4");
    expect(ingress.find((r) => r.referenced_security_group_id === CLIENT_SG)).not.toHaveProperty("cidr_ipv4");
  });

  test("an IPv6 CIDR becomes a cidr_ipv6 rule", () => {
    const ingress = rulesOf(open, "aws_vpc_security_group_ingress_rule", albSg(open));
    expect(
      ingress
        .filter((r) => r.cidr_ipv6 === "2001:db8::/32")
        .map((r) => r.from_port)
        .sort(),
    ).toEqual([443, 80]);
    expect(ingress.some((r) => r.cidr_ipv4 === "2001:db8::/32")).toBe(false);
  });

  test("the ALB's group may leave only to the MWAA security group on 443", () => {
    // GIVEN no identity provider
    // THEN its one egress rule references the environment's group
    expect(rulesOf(open, "aws_vpc_security_group_egress_rule", albSg(open))).toEqual([
      expect.objectContaining({
        ip_protocol: "tcp",
        from_port: 443,
        to_port: 443,
        referenced_security_group_id: mwaaSg(open),
      }),
    ]);
    // GIVEN an identity provider: the way to the MWAA group is there as well
    expect(rulesOf(acm, "aws_vpc_security_group_egress_rule", albSg(acm))).toContainEqual(
      expect.objectContaining({
        ip_protocol: "tcp",
        from_port: 443,
        to_port: 443,
        referenced_security_group_id: mwaaSg(acm),
      }),
    );
  });

  test("with an identity provider the ALB may also reach it on 443, and only then", () => {
    // GIVEN OIDC (acm) or Cognito (noDomain): the ALB calls the IdP's token and user info endpoints itself
    for (const doc of [acm, noDomain]) {
      const egress = rulesOf(doc, "aws_vpc_security_group_egress_rule", albSg(doc));
      expect(egress).toHaveLength(2);
      expect(egress).toContainEqual(
        expect.objectContaining({ ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "0.0.0.0/0" }),
      );
    }
    // GIVEN no identity provider: no rule to the internet
    expect(
      rulesOf(open, "aws_vpc_security_group_egress_rule", albSg(open)).some((r) => r.cidr_ipv4 !== undefined),
    ).toBe(false);
  });

  test("the MWAA security group lets the ALB's group in on 443", () => {
    const fromAlb = rulesOf(acm, "aws_vpc_security_group_ingress_rule", mwaaSg(acm)).filter(
      (r) => r.referenced_security_group_id === albSg(acm),
    );
    expect(fromAlb).toEqual([expect.objectContaining({ ip_protocol: "tcp", from_port: 443, to_port: 443 })]);
  });
});

describe("load balancer", () => {
  test("internal: in the private subnets, behind its own security group, hardened by default", () => {
    // GIVEN scheme internal (default) and protectFromDestroy true (default)
    expect(lb(acm)).toMatchObject({
      load_balancer_type: "application",
      internal: true,
      subnets: [...PRIVATE_SUBNET_IDS],
      security_groups: [albSg(acm)],
      ip_address_type: "ipv4",
      drop_invalid_header_fields: true,
      enable_deletion_protection: true,
      idle_timeout: 60,
    });
    expect(lb(acm)).not.toHaveProperty("access_logs");
  });

  test("internet-facing: in the public subnets, with the configured idle timeout, access logs and no deletion protection when protectFromDestroy is false", () => {
    expect(lb(open)).toMatchObject({
      internal: false,
      subnets: PUBLIC_SUBNET_IDS,
      ip_address_type: "dualstack",
      drop_invalid_header_fields: true,
      enable_deletion_protection: false,
      idle_timeout: 120,
      access_logs: { bucket: "dev-alb-logs", prefix: "alb", enabled: true },
    });
  });

  test("access.deletionProtection overrides protectFromDestroy", () => {
    // GIVEN protectFromDestroy true (default) and deletionProtection false
    expect(lb(noDomain).enable_deletion_protection).toBe(false);
    expect(blockAt(noDomain, "aws_mwaa_environment", "Mwaa_Environment").lifecycle).toEqual({ prevent_destroy: true });
  });
});

describe("listeners", () => {
  test("HTTPS 443 on the ALB with the TLS 1.3 policy by default, forwarding to the web server target group", () => {
    expect(httpsListener(secretsManager)).toMatchObject({
      load_balancer_arn: lbRef(secretsManager, "arn"),
      port: 443,
      protocol: "HTTPS",
      ssl_policy: DEFAULT_SSL_POLICY,
    });
    expect(DEFAULT_SSL_POLICY).toMatch(/TLS13/);
    // GIVEN no identity provider: a single forward
    expect(httpsListener(open).default_action).toEqual([{ type: "forward", target_group_arn: tgArn(open) }]);
  });

  test("the TLS policy is configurable", () => {
    expect(httpsListener(open).ssl_policy).toBe("ELBSecurityPolicy-TLS13-1-3-2021-06");
  });

  test("HTTP 80 redirects permanently to HTTPS 443", () => {
    for (const doc of [acm, open]) {
      expect(httpListener(doc)).toMatchObject({
        load_balancer_arn: lbRef(doc, "arn"),
        port: 80,
        protocol: "HTTP",
        default_action: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", status_code: "HTTP_301" } }],
      });
    }
  });
});

describe("authentication at the ALB", () => {
  test("OIDC: authenticate (order 1) before the forward (order 2); the client secret is the SSM parameter's value", () => {
    // GIVEN authentication type oidc with clientSecret.ssmParameter
    const [authenticate, forward, ...rest] = httpsListener(acm).default_action;
    expect(rest).toEqual([]);
    expect(authenticate).toMatchObject({
      type: "authenticate-oidc",
      order: 1,
      authenticate_oidc: {
        issuer: OIDC.issuer,
        authorization_endpoint: OIDC.authorizationEndpoint,
        token_endpoint: OIDC.tokenEndpoint,
        user_info_endpoint: OIDC.userInfoEndpoint,
        client_id: OIDC.clientId,
        client_secret: ref(acm, "data.aws_ssm_parameter", `${WA}_OidcClientSecret`, "value"),
      },
    });
    expect(forward).toEqual({ type: "forward", order: 2, target_group_arn: tgArn(acm) });
    expect(blockAt(acm, "data.aws_ssm_parameter", `${WA}_OidcClientSecret`)).toEqual({
      name: OIDC.clientSecret.ssmParameter,
      with_decryption: true,
    });
  });

  test("OIDC with a Secrets Manager secret: the client secret is the secret version's secret_string", () => {
    const [authenticate] = httpsListener(secretsManager).default_action;
    expect(authenticate.authenticate_oidc.client_secret).toBe(
      ref(secretsManager, "data.aws_secretsmanager_secret_version", `${WA}_OidcClientSecret`, "secret_string"),
    );
    expect(blockAt(secretsManager, "data.aws_secretsmanager_secret_version", `${WA}_OidcClientSecret`)).toEqual({
      secret_id: SECRET_ARN,
    });
    expect(dataSources(secretsManager, "aws_ssm_parameter")).toEqual({});
  });

  test("the client secret is never a literal in the JSON", () => {
    for (const doc of [acm, secretsManager]) {
      expect(httpsListener(doc).default_action[0].authenticate_oidc.client_secret).toMatch(
        /^\$\{data\.aws_(ssm_parameter\.[^}]+\.value|secretsmanager_secret_version\.[^}]+\.secret_string)\}$/,
      );
    }
  });

  test("Cognito: authenticate-cognito with the user pool (order 1) before the forward (order 2)", () => {
    expect(httpsListener(noDomain).default_action).toEqual([
      {
        type: "authenticate-cognito",
        order: 1,
        authenticate_cognito: {
          user_pool_arn: COGNITO.userPoolArn,
          user_pool_client_id: COGNITO.userPoolClientId,
          user_pool_domain: COGNITO.userPoolDomain,
          session_timeout: 28800,
        },
      },
      { type: "forward", order: 2, target_group_arn: tgArn(noDomain) },
    ]);
  });
});

describe("Airflow base URL (MWAA custom domain)", () => {
  test("Airflow 3 (3.0.6): webserver.base_url, MWAA's custom-domain option, is the bare domain; api.base_url is MWAA's own", () => {
    // GIVEN Airflow 3.0.6 with a domain
    // THEN the documented key carries the FQDN without https:// (MWAA's guide), and api.base_url,
    // which MWAA's image sets and protects, is not sent
    expect(options(open)["webserver.base_url"]).toBe("airflow3.example.com");
    expect(options(open)).not.toHaveProperty("api.base_url");
  });

  test("Airflow 2: webserver.base_url is the bare domain, no scheme and no path", () => {
    const doc = synthStack(
      env({
        airflow: { version: "2.10.3" },
        access: { domainName: "airflow.example.com", hostedZoneName: "example.com", allowedCidrs: ["10.0.0.0/8"] },
      }),
    );
    expect(options(doc)["webserver.base_url"]).toBe("airflow.example.com");
  });

  test("without a domain no base URL is set (the ALB's elb.amazonaws.com name is not one a certificate can name)", () => {
    expect(options(noDomain)).not.toHaveProperty("webserver.base_url");
    expect(options(noDomain)).not.toHaveProperty("api.base_url");
    // AND so the environment does not wait for, or change with, the ALB
    expect(JSON.stringify(blockAt(noDomain, "aws_mwaa_environment", "Mwaa_Environment"))).not.toContain("aws_lb.");
  });

  test("a base_url the user set is left alone", () => {
    expect(options(acm)["webserver.base_url"]).toBe("airflow-alt.example.com");
  });

  test("without access, no base_url is added", () => {
    expect(options(none)).not.toHaveProperty("webserver.base_url");
    expect(options(none)).not.toHaveProperty("api.base_url");
  });
});

describe("outputs", () => {
  test("URL, ALB DNS name and target group ARN reference what was built", () => {
    expect(acm.output).toMatchObject({
      mwaa_webserver_url: { value: "https://airflow.example.com" },
      mwaa_alb_dns_name: { value: lbRef(acm, "dns_name") },
      mwaa_alb_target_group_arn: { value: tgArn(acm) },
    });
    expect(noDomain.output?.mwaa_webserver_url.value).toBe(`https://${lbRef(noDomain, "dns_name")}`);
  });

  test("without access: no web outputs and no load balancer", () => {
    for (const key of ["mwaa_webserver_url", "mwaa_alb_dns_name", "mwaa_alb_target_group_arn"])
      expect(none.output).not.toHaveProperty(key);
    expect(resources(none, "aws_lb")).toEqual({});
    expect(resources(none, "aws_lb_listener")).toEqual({});
    expect(dataSources(none, "aws_network_interface")).toEqual({});
  });
});

describe("access validation", () => {
  const FILE = "config/test.json";
  const BASE = { domainName: "airflow.example.com", hostedZoneName: "example.com", allowedCidrs: ["10.0.0.0/8"] };
  const config = (access: Record<string, unknown>, more: Record<string, unknown> = {}) => ({
    environments: [env({ access, ...more })],
  });
  const errorLines = (c: unknown) => configErrorLines(() => parseConfig(JSON.stringify(c), FILE));

  test("the base of the cases below is valid", () => {
    expect(() => parseConfig(JSON.stringify(config(BASE)), FILE)).not.toThrow();
  });

  const A = "environments[0].access";
  const CASES: [string, unknown, string, string][] = [
    [
      "internet-facing without an allow-list",
      config(
        { ...BASE, allowedCidrs: [], scheme: "internet-facing" },
        { network: { vpcId: VPC_ID, privateSubnetIds: [...PRIVATE_SUBNET_IDS], publicSubnetIds: PUBLIC_SUBNET_IDS } },
      ),
      `${A}.allowedCidrs`,
      "an internet-facing ALB needs an explicit allow-list (allowedCidrs, allowedPrefixListIds or allowedSecurityGroupIds)",
    ],
    [
      "0.0.0.0/0 without allowWholeInternet",
      config({ ...BASE, allowedCidrs: ["10.0.0.0/8", "0.0.0.0/0"] }),
      `${A}.allowedCidrs[1]`,
      "0.0.0.0/0 opens the ALB to everyone; set access.allowWholeInternet to true to mean it",
    ],
    [
      "a CIDR with a /33",
      config({ ...BASE, allowedCidrs: ["10.0.0.0/33"] }),
      `${A}.allowedCidrs[0]`,
      "a CIDR like 10.0.0.0/8 or 2001:db8::/32",
    ],
    [
      "an upper-case domain name",
      config({ ...BASE, domainName: "Airflow.Example.com" }),
      `${A}.domainName`,
      "a lower-case DNS name like airflow.example.com",
    ],
    [
      "a domain without a hosted zone",
      config({ domainName: "airflow.example.com", allowedCidrs: ["10.0.0.0/8"] }),
      `${A}.hostedZoneId`,
      "hostedZoneId or hostedZoneName is required with domainName",
    ],
    [
      "both hosted zone id and name",
      config({ ...BASE, hostedZoneId: ZONE_ID }),
      `${A}.hostedZoneName`,
      "hostedZoneId or hostedZoneName, not both",
    ],
    [
      "no domain and no certificateArn",
      config({ allowedCidrs: ["10.0.0.0/8"] }),
      `${A}.certificateArn`,
      "required when no domainName is given (HTTPS needs a certificate)",
    ],
    [
      "a malformed certificate ARN",
      config({ ...BASE, certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/nope" }),
      `${A}.certificateArn`,
      "an ACM certificate ARN",
    ],
    ["an unknown scheme", config({ ...BASE, scheme: "public" }), `${A}.scheme`, "internal or internet-facing"],
    [
      "type oidc without the oidc block",
      config({ ...BASE, authentication: { type: "oidc" } }),
      `${A}.authentication.oidc`,
      'required when type is "oidc"',
    ],
    [
      "a cognito block with type oidc",
      config({ ...BASE, authentication: { type: "oidc", oidc: OIDC, cognito: COGNITO } }),
      `${A}.authentication.cognito`,
      'only allowed when type is "cognito"',
    ],
    [
      "an oidc block without clientId",
      config({ ...BASE, authentication: { type: "oidc", oidc: { ...OIDC, clientId: undefined } } }),
      `${A}.authentication.oidc.clientId`,
      "required",
    ],
    [
      "the client secret as a plain string",
      config({ ...BASE, authentication: { type: "oidc", oidc: { ...OIDC, clientSecret: "s3cr3t" } } }),
      `${A}.authentication.oidc.clientSecret`,
      'a reference: {"ssmParameter": "/path"} or {"secretArn": "arn:aws:secretsmanager:..."}; never the secret itself',
    ],
    [
      "internet-facing on an existing network without public subnets",
      config({ ...BASE, scheme: "internet-facing" }),
      "environments[0].network.publicSubnetIds",
      "an internet-facing ALB needs at least two public subnets",
    ],
    [
      "a private hosted zone without certificateArn",
      config({ ...BASE, privateHostedZone: true }),
      `${A}.certificateArn`,
      "required with a private hosted zone (ACM validates DNS only in public zones)",
    ],
    [
      "an identity provider behind an internal ALB without a NAT gateway",
      config(
        { ...BASE, authentication: { type: "oidc", oidc: OIDC } },
        { network: { create: { cidr: "10.20.0.0/16", natGateways: 0 } } },
      ),
      "environments[0].network.create.natGateways",
      "at least 1 with access.sso or access.authentication: an internal ALB reaches the identity provider through a NAT gateway",
    ],
  ];

  test("a client secret pasted into the config is not repeated in the error", () => {
    // GIVEN the real secret instead of a reference
    const lines = errorLines(
      config({ ...BASE, authentication: { type: "oidc", oidc: { ...OIDC, clientSecret: "s3cr3t-value" } } }),
    );
    // THEN the line names the field but not the value
    expect(lines.join("\n")).not.toContain("s3cr3t-value");
    expect(lines).toContainEqual(expect.stringMatching(/clientSecret: .*\(got "\*\*\*"\)$/));
  });

  test.each(CASES)("%s", (_what, c, path, message) => {
    // GIVEN one broken access field
    const lines = errorLines(c);
    // THEN a line names its path and says what is allowed
    expect(lines).toContainEqual(expect.stringContaining(`${FILE}: ${path}: ${message}`));
  });
});
