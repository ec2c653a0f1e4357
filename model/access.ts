import { z } from "zod";
import {
  AIRFLOW_ROLE_NAMES,
  COGNITO_GROUPS_CLAIM,
  DEFAULT_GROUPS_CLAIM,
  GROUP_NAME_RULE,
  albPublicKeyBase,
  isValidGroupName,
  partitionOfRegion,
  type AirflowRoleName,
} from "../lambda/login/contract";
import { ref } from "./ref";
import { isIpv4Cidr, isIpv6Cidr, refineNetworkAddress } from "./cidr";
import { evaluationHostSchema } from "./network-access";

/** The `access` block of an environment: how people reach the private web server through an ALB. */

const DOMAIN = /^(?=.{1,253}$)(?!-)([a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$/;
const ACM_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/;
const ZONE_ID = /^Z[0-9A-Z]{1,31}$/;
const SG_ID = /^sg-[0-9a-f]{8}([0-9a-f]{9})?$/;
const PREFIX_LIST = /^pl-[0-9a-f]{8}([0-9a-f]{9})?$/;
const SSM_PARAMETER = /^(\/[A-Za-z0-9_.-]+)+$|^[A-Za-z0-9_.-]+$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const HTTPS_URL = /^https:\/\/[^\s/$.?#].[^\s]*$/;
const COGNITO_POOL_ARN = /^arn:aws[a-z-]*:cognito-idp:[a-z0-9-]+:\d{12}:userpool\/[a-z0-9-]+_[A-Za-z0-9]+$/;

export const DEFAULT_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

const cidr = z
  .string()
  .refine((c) => isIpv4Cidr(c) || isIpv6Cidr(c), { error: "a CIDR like 10.0.0.0/8 or 2001:db8::/32" })
  .superRefine(refineNetworkAddress);

/** Where an OIDC client secret is read from: by reference, never the secret itself. */
export const secretRefSchema = z.union(
  [
    z.strictObject({
      ssmParameter: z
        .string()
        .regex(SSM_PARAMETER, { error: "an SSM parameter name like /mwaa/oidc/client-secret" })
        .describe("SSM parameter (SecureString) holding the client secret."),
    }),
    z.strictObject({
      secretArn: ref(SECRET_ARN, "a Secrets Manager secret ARN").describe(
        "Secrets Manager secret holding the client secret.",
      ),
    }),
  ],
  {
    error:
      'a reference: {"ssmParameter": "/path"} or {"secretArn": "arn:aws:secretsmanager:..."}; never the secret itself',
  },
);

export const oidcSchema = z.strictObject({
  issuer: z.string().regex(HTTPS_URL, { error: "an https URL" }).describe("OIDC issuer URL."),
  authorizationEndpoint: z
    .string()
    .regex(HTTPS_URL, { error: "an https URL" })
    .describe("The IdP's authorization endpoint."),
  tokenEndpoint: z.string().regex(HTTPS_URL, { error: "an https URL" }).describe("The IdP's token endpoint."),
  userInfoEndpoint: z.string().regex(HTTPS_URL, { error: "an https URL" }).describe("The IdP's user info endpoint."),
  clientId: z.string().min(1, { error: "the OIDC client id" }).describe("OIDC client id of the ALB."),
  clientSecret: secretRefSchema.describe(
    "Where the client secret is read from, by reference (never the secret itself).",
  ),
  scope: z.string().default("openid email profile").describe('OIDC scopes. @default "openid email profile"'),
  logoutUrl: z
    .string()
    .regex(HTTPS_URL, { error: "an https URL" })
    .optional()
    .describe("IdP logout URL the logout path redirects to. @default - the sign-in page of this domain"),
});

export const cognitoSchema = z.strictObject({
  userPoolArn: ref(COGNITO_POOL_ARN, "a Cognito user pool ARN").describe("The Cognito user pool."),
  userPoolClientId: z
    .string()
    .regex(/^[a-z0-9]{1,128}$/, { error: "a Cognito app client id" })
    .describe("The pool's app client for the ALB."),
  userPoolDomain: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$|^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/, {
      error: "the Cognito domain prefix or custom domain",
    })
    .describe("The pool's domain: its prefix, or a custom domain."),
});

/** An identity provider in front of the ALB: fields complete for the chosen type. */
export const identityProviderFields = {
  type: z
    .enum(["oidc", "cognito"], { error: "oidc or cognito" })
    .describe("Identity provider kind: an OIDC provider or a Cognito user pool."),
  oidc: oidcSchema.optional().describe("The OIDC provider; required with type oidc. @default - none"),
  cognito: cognitoSchema.optional().describe("The Cognito user pool; required with type cognito. @default - none"),
  sessionTimeoutSeconds: z
    .number()
    .int({ error: "an integer from 60 to 604800" })
    .min(60, { error: "an integer from 60 to 604800" })
    .max(604800, { error: "an integer from 60 to 604800" })
    .default(28800)
    .describe("ALB session lifetime. @default 28800 (8 hours)"),
};

export function checkIdentityProvider(
  idp: { type: "oidc" | "cognito"; oidc?: unknown; cognito?: unknown },
  ctx: z.RefinementCtx,
  path: (string | number)[],
) {
  const other = idp.type === "oidc" ? "cognito" : "oidc";
  if (idp[idp.type] === undefined)
    ctx.addIssue({ code: "custom", path: [...path, idp.type], message: `required when type is "${idp.type}"` });
  if (idp[other] !== undefined)
    ctx.addIssue({ code: "custom", path: [...path, other], message: `only allowed when type is "${other}"` });
}

export const AIRFLOW_ROLES = AIRFLOW_ROLE_NAMES as readonly [AirflowRoleName, ...AirflowRoleName[]];
const airflowRole = z.enum(AIRFLOW_ROLES, { error: `an Airflow role: ${AIRFLOW_ROLES.join(", ")}` });

/** Sign-in through the identity provider, mapped to Airflow roles by a login Lambda. */
export const ssoSchema = z
  .strictObject({
    ...identityProviderFields,
    groupsClaim: z
      .string()
      .min(1)
      .default(DEFAULT_GROUPS_CLAIM)
      .describe(
        `OIDC only: the user-info claim holding the person's groups (a JSON array of names). With Cognito the groups are the access token's ${COGNITO_GROUPS_CLAIM}. @default "${DEFAULT_GROUPS_CLAIM}"`,
      ),
    roleMapping: z
      .array(
        z.strictObject({
          group: z
            .string()
            .refine(isValidGroupName, { error: `a group name: ${GROUP_NAME_RULE}` })
            .describe("A group of the identity provider."),
          airflowRole: airflowRole.describe("The Airflow role its members get."),
        }),
        { error: "a list of {group, airflowRole}" },
      )
      .min(1, { error: "at least one {group, airflowRole}" })
      .describe("Groups to Airflow roles; the first match wins."),
    defaultRole: airflowRole
      .optional()
      .describe("Role of a person in no mapped group. @default - refused with a page saying so"),
  })
  .superRefine((sso, ctx) => {
    checkIdentityProvider(sso, ctx, []);
    if (
      sso.type === "cognito" &&
      sso.groupsClaim !== DEFAULT_GROUPS_CLAIM &&
      sso.groupsClaim !== COGNITO_GROUPS_CLAIM
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["groupsClaim"],
        message: `leave it out with Cognito: groups come from the verified access token's ${COGNITO_GROUPS_CLAIM} (a user attribute is not a source of roles)`,
      });
    }
    const seen = new Set<string>();
    sso.roleMapping.forEach((m, i) => {
      if (seen.has(m.group))
        ctx.addIssue({
          code: "custom",
          path: ["roleMapping", i, "group"],
          message: "each group once (the first match wins, so a repeat never applies)",
        });
      seen.add(m.group);
    });
  });

export type Sso = z.output<typeof ssoSchema>;

export const accessSchema = z.strictObject({
  scheme: z
    .enum(["internal", "internet-facing"], { error: "internal or internet-facing" })
    .default("internal")
    .describe('ALB scheme. @default "internal"'),
  domainName: z
    .string()
    .regex(DOMAIN, { error: "a lower-case DNS name like airflow.example.com" })
    .optional()
    .describe("Name users open. @default - the ALB's DNS name (needs certificateArn)"),
  hostedZoneId: ref(ZONE_ID, "a Route53 hosted zone id like Z0123456789ABCDEFGHIJ")
    .optional()
    .describe("Route53 zone of domainName, by id. @default - looked up by hostedZoneName"),
  hostedZoneName: z
    .string()
    .regex(DOMAIN, { error: "a hosted zone name like example.com" })
    .optional()
    .describe("Route53 zone of domainName, by name. @default - hostedZoneId"),
  privateHostedZone: z.boolean().default(false).describe("Look hostedZoneName up among private zones. @default false"),
  certificateArn: ref(ACM_ARN, "an ACM certificate ARN")
    .optional()
    .describe("Existing certificate. @default - an ACM certificate for domainName, DNS-validated in the hosted zone"),
  allowedCidrs: z
    .array(cidr)
    .default([])
    .describe("Client CIDRs allowed on 443 (and 80 for the redirect). @default []"),
  allowedPrefixListIds: z
    .array(ref(PREFIX_LIST, "a prefix list id like pl-0123456789abcdef0"))
    .default([])
    .describe("Client prefix lists allowed on 443 (and 80). @default []"),
  allowedSecurityGroupIds: z
    .array(ref(SG_ID, "a security group id like sg-0123456789abcdef0"))
    .default([])
    .describe("Client security groups allowed on 443 (and 80). @default []"),
  allowWholeInternet: z
    .boolean()
    .default(false)
    .describe("Opt in to 0.0.0.0/0 or ::/0 in allowedCidrs: an ALB open to the whole internet. @default false"),
  sslPolicy: z
    .string()
    .regex(/^ELBSecurityPolicy-[A-Za-z0-9-]+$/, { error: "an ELB security policy name" })
    .default(DEFAULT_SSL_POLICY)
    .describe(`TLS policy of the HTTPS listener. @default "${DEFAULT_SSL_POLICY}"`),
  idleTimeoutSeconds: z
    .number()
    .int()
    .min(1, { error: "an integer from 1 to 4000" })
    .max(4000, { error: "an integer from 1 to 4000" })
    .default(60)
    .describe("ALB idle timeout in seconds. @default 60"),
  ipAddressType: z
    .enum(["ipv4", "dualstack"], { error: "ipv4 or dualstack" })
    .default("ipv4")
    .describe('IP address type of the ALB. @default "ipv4"'),
  deletionProtection: z
    .boolean()
    .optional()
    .describe("ALB deletion protection. @default - the environment's protectFromDestroy"),
  accessLogs: z
    .strictObject({
      bucket: ref(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "an S3 bucket name").describe("Bucket of the access logs."),
      prefix: z.string().default("alb").describe('Key prefix of the access logs. @default "alb"'),
    })
    .optional()
    .describe("ALB access logs to this bucket (its policy must allow ELB log delivery). @default - off"),
  authentication: z
    .strictObject(identityProviderFields)
    .superRefine((idp, ctx) => checkIdentityProvider(idp, ctx, []))
    .optional()
    .describe(
      "Authenticate people at the ALB (OIDC or Cognito) before Airflow; they still need an MWAA login. @default - none",
    ),
  sso: ssoSchema
    .optional()
    .describe("Sign in through the identity provider, mapped to Airflow roles (login Lambda). @default - none"),
  evaluationHost: evaluationHostSchema
    .optional()
    .describe(
      "A Session Manager port-forwarding host to open the UI once without a network team: no inbound rule, no public IP, not protected from destroy. Synth prints the command (docs/network.md). @default - none",
    ),
});

export type Access = z.output<typeof accessSchema>;

/** Cross-field rules of `access` that need the rest of the environment. */
export function checkAccess(
  env: { access?: Access; region?: unknown; network: { create?: unknown; publicSubnetIds?: string[] } },
  ctx: z.RefinementCtx,
) {
  const a = env.access!;
  const at = (...p: string[]) => ["access", ...p];
  if (a.domainName === undefined && a.certificateArn === undefined) {
    ctx.addIssue({
      code: "custom",
      path: at("certificateArn"),
      message: "required when no domainName is given (HTTPS needs a certificate)",
    });
  }
  if (
    (a.domainName !== undefined || a.hostedZoneName !== undefined) &&
    a.hostedZoneId !== undefined &&
    a.hostedZoneName !== undefined
  ) {
    ctx.addIssue({ code: "custom", path: at("hostedZoneName"), message: "hostedZoneId or hostedZoneName, not both" });
  }
  if (a.domainName !== undefined && a.hostedZoneId === undefined && a.hostedZoneName === undefined) {
    ctx.addIssue({
      code: "custom",
      path: at("hostedZoneId"),
      message: "hostedZoneId or hostedZoneName is required with domainName (alias record and DNS validation)",
    });
  }
  if (
    a.domainName !== undefined &&
    a.hostedZoneName !== undefined &&
    !(a.domainName === a.hostedZoneName || a.domainName.endsWith(`.${a.hostedZoneName}`))
  ) {
    ctx.addIssue({
      code: "custom",
      path: at("domainName"),
      message: `a name inside the hosted zone ${a.hostedZoneName}`,
    });
  }
  if (a.privateHostedZone && a.certificateArn === undefined) {
    ctx.addIssue({
      code: "custom",
      path: at("certificateArn"),
      message: "required with a private hosted zone (ACM validates DNS only in public zones)",
    });
  }
  const network = env.network as { create?: { natGateways?: number } };
  if (
    (a.sso !== undefined || a.authentication !== undefined) &&
    a.scheme === "internal" &&
    network.create?.natGateways === 0
  ) {
    ctx.addIssue({
      code: "custom",
      path: ["network", "create", "natGateways"],
      message:
        "at least 1 with access.sso or access.authentication: an internal ALB reaches the identity provider through a NAT gateway",
    });
  }
  if (a.sso !== undefined && a.authentication !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: at("authentication"),
      message: "authentication or sso, not both (sso authenticates too)",
    });
  }
  if (
    a.sso !== undefined &&
    typeof env.region === "string" &&
    albPublicKeyBase(partitionOfRegion(env.region), env.region) === undefined
  ) {
    ctx.addIssue({
      code: "custom",
      path: at("sso"),
      message: `not available in ${env.region}: the ALB guide documents the keys that sign x-amzn-oidc-data for commercial regions and AWS GovCloud (US) only`,
    });
  }
  if (a.sso !== undefined && a.domainName === undefined) {
    ctx.addIssue({
      code: "custom",
      path: at("domainName"),
      message: "required with sso (the IdP callback is https://<domainName>/oauth2/idpresponse)",
    });
  }
  const sources = a.allowedCidrs.length + a.allowedPrefixListIds.length + a.allowedSecurityGroupIds.length;
  if (a.scheme === "internet-facing" && sources === 0) {
    ctx.addIssue({
      code: "custom",
      path: at("allowedCidrs"),
      message:
        "an internet-facing ALB needs an explicit allow-list (allowedCidrs, allowedPrefixListIds or allowedSecurityGroupIds)",
    });
  }
  a.allowedCidrs.forEach((c, i) => {
    if ((c === "0.0.0.0/0" || c === "::/0") && !a.allowWholeInternet) {
      ctx.addIssue({
        code: "custom",
        path: at("allowedCidrs", String(i)),
        message: `${c} opens the ALB to everyone; set access.allowWholeInternet to true to mean it`,
      });
    }
    if (isIpv6Cidr(c) && a.ipAddressType !== "dualstack")
      ctx.addIssue({
        code: "custom",
        path: at("allowedCidrs", String(i)),
        message: 'IPv6 CIDRs need ipAddressType "dualstack"',
      });
  });
  if (
    a.scheme === "internet-facing" &&
    env.network.create === undefined &&
    (env.network.publicSubnetIds ?? []).length < 2
  ) {
    ctx.addIssue({
      code: "custom",
      path: ["network", "publicSubnetIds"],
      message: "an internet-facing ALB needs at least two public subnets",
    });
  }
}
