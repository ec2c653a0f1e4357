import type { Construct } from "constructs";
import { DataAwsSecretsmanagerSecretVersion } from "@cdktf/provider-aws/lib/data-aws-secretsmanager-secret-version";
import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import type { LbListenerDefaultAction } from "@cdktf/provider-aws/lib/lb-listener";

/** What both `access.authentication` and `access.sso` say about the identity provider. */
export interface IdentityProvider {
  readonly type: "oidc" | "cognito";
  readonly sessionTimeoutSeconds: number;
  readonly oidc?: {
    readonly issuer: string;
    readonly authorizationEndpoint: string;
    readonly tokenEndpoint: string;
    readonly userInfoEndpoint: string;
    readonly clientId: string;
    readonly clientSecret: { readonly ssmParameter: string } | { readonly secretArn: string };
    readonly scope: string;
  };
  readonly cognito?: {
    readonly userPoolArn: string;
    readonly userPoolClientId: string;
    readonly userPoolDomain: string;
  };
}

/**
 * The ALB authenticate action for an identity provider. The OIDC client secret is read by
 * reference (SSM or Secrets Manager) at plan time: never in the config or the synthesized JSON.
 */
export function authenticateAction(scope: Construct, idp: IdentityProvider, order: number): LbListenerDefaultAction {
  if (idp.type === "cognito") {
    const c = idp.cognito!;
    return {
      type: "authenticate-cognito",
      order,
      authenticateCognito: {
        userPoolArn: c.userPoolArn,
        userPoolClientId: c.userPoolClientId,
        userPoolDomain: c.userPoolDomain,
        sessionTimeout: idp.sessionTimeoutSeconds,
      },
    };
  }
  const o = idp.oidc!;
  const secret =
    "ssmParameter" in o.clientSecret
      ? new DataAwsSsmParameter(scope, "OidcClientSecret", { name: o.clientSecret.ssmParameter, withDecryption: true })
          .value
      : new DataAwsSecretsmanagerSecretVersion(scope, "OidcClientSecret", { secretId: o.clientSecret.secretArn })
          .secretString;
  return {
    type: "authenticate-oidc",
    order,
    authenticateOidc: {
      issuer: o.issuer,
      authorizationEndpoint: o.authorizationEndpoint,
      tokenEndpoint: o.tokenEndpoint,
      userInfoEndpoint: o.userInfoEndpoint,
      clientId: o.clientId,
      clientSecret: secret,
      scope: o.scope,
      sessionTimeout: idp.sessionTimeoutSeconds,
      onUnauthenticatedRequest: "authenticate",
    },
  };
}
