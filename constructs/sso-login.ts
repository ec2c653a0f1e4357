import { Construct } from "constructs";
import { Fn, Token, type ITerraformDependable } from "cdktf";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import {
  LbListenerRule,
  type LbListenerRuleAction,
  type LbListenerRuleCondition,
} from "@cdktf/provider-aws/lib/lb-listener-rule";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { LbTargetGroupAttachment } from "@cdktf/provider-aws/lib/lb-target-group-attachment";
import {
  AIRFLOW_WEB_PATHS,
  ASSUME_TOKEN_ROLE_ACTIONS,
  ENV_VARS,
  LOGIN_HTTP_METHODS,
  LOGIN_TIMEOUT_SECONDS,
  MAX_CONDITION_VALUES_PER_RULE,
  PASS_THROUGH_QUERY,
  MULTI_VALUE_HEADERS,
} from "../lambda/login/contract";
import { BundledFunction, type LambdaCode } from "./bundled-function";
import type { Sso } from "../model/access";
import { LISTENER_RULE_PRIORITIES, type SignInRules } from "./private/listener-priorities";
import { elbName, lambdaFunctionName, shortHash, withName } from "./private/naming";

export type { SignInRules };

export interface SsoLoginProps {
  readonly environmentName: string;
  readonly region: string;
  readonly accountId: string;
  readonly partition: string;
  readonly airflowMajor: 2 | 3;
  /** The environment's `access.sso` block. */
  readonly sso: Sso;
  /** The name people open (the IdP callback is https://<domain>/oauth2/idpresponse). */
  readonly domainName: string;
  /**
   * Which requests reach its sign-in rules: every host (alone on the listener), or only some host
   * names (beside another environment during a migration), at the priorities of a band of
   * LISTENER_RULE_PRIORITIES. @default { hosts: "every" }: every host, priorities 10, 20, 30
   */
  readonly rules?: SignInRules;
  /** What its listener rules wait for (at cutover: the environment's own update). @default - nothing */
  readonly rulesDependOn?: ITerraformDependable[];
  readonly code: LambdaCode;
  readonly loadBalancerArn: string;
  readonly httpsListenerArn: string;
  /** The listener's authenticate action for the identity provider (order 1). */
  readonly authenticate: LbListenerRuleAction;
  /** The web server endpoint's target group. */
  readonly webTargetGroupArn: string;
  readonly logRetentionDays: number;
  /** CMK of the function's log group. @default - AWS owned key */
  readonly logKmsKeyArn?: string;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * Sign-in through the company's identity provider: the ALB authenticates the person, a login
 * Lambda maps their groups to an Airflow role, assumes that role's token role and redirects the
 * browser into Airflow with an MWAA web login token.
 */
export class SsoLogin extends Construct {
  readonly function: BundledFunction;
  readonly targetGroup: LbTargetGroup;
  /** One IAM role per Airflow role people can get, by Airflow role name. */
  readonly tokenRoles: Record<string, IamRole> = {};

  constructor(scope: Construct, id: string, props: SsoLoginProps) {
    super(scope, id);
    const { sso, environmentName: env } = props;
    const tags = props.tags ?? {};
    const paths = AIRFLOW_WEB_PATHS[String(props.airflowMajor) as "2" | "3"];
    const airflowRoles = [
      ...new Set([
        ...sso.roleMapping.map((m) => m.airflowRole),
        ...(sso.defaultRole !== undefined ? [sso.defaultRole] : []),
      ]),
    ].sort();
    const tokenRoleArn = (role: string) =>
      `arn:${props.partition}:iam::${props.accountId}:role/${tokenRoleName(env, props.region, role)}`;

    this.function = new BundledFunction(this, "Function", {
      functionName: lambdaFunctionName(env, "airflow-sign-in"),
      description: `Signs people into MWAA ${env} with a web login token for their Airflow role`,
      code: props.code,
      environment: {
        [ENV_VARS.environmentName]: env,
        [ENV_VARS.albArn]: props.loadBalancerArn,
        [ENV_VARS.airflowMajor]: String(props.airflowMajor),
        [ENV_VARS.roleMapping]: JSON.stringify(sso.roleMapping),
        ...(sso.defaultRole !== undefined ? { [ENV_VARS.defaultRole]: sso.defaultRole } : {}),
        ...identityProviderEnvironment(sso),
        // Names are known at synth time, so the function and the roles do not wait on each other.
        [ENV_VARS.tokenRoleArns]: JSON.stringify(Object.fromEntries(airflowRoles.map((r) => [r, tokenRoleArn(r)]))),
        [ENV_VARS.webHostname]: props.domainName,
        ...logoutUrlVariable(props),
      },
      statements: [
        { sid: "AssumeTokenRoles", actions: [...ASSUME_TOKEN_ROLE_ACTIONS], resources: airflowRoles.map(tokenRoleArn) },
      ],
      logRetentionDays: props.logRetentionDays,
      logKmsKeyArn: props.logKmsKeyArn,
      timeoutSeconds: LOGIN_TIMEOUT_SECONDS,
      tags,
    });

    for (const role of airflowRoles) {
      const trust = new DataAwsIamPolicyDocument(this, `${role}TokenRoleTrust`, {
        statement: [
          {
            actions: [...ASSUME_TOKEN_ROLE_ACTIONS],
            principals: [{ type: "AWS", identifiers: [this.function.role.arn] }],
          },
        ],
      });
      const tokenRole = new IamRole(this, `${role}TokenRole`, {
        name: tokenRoleName(env, props.region, role),
        description: `May create MWAA web login tokens for ${env} as Airflow ${role}`,
        assumeRolePolicy: trust.json,
        tags: withName(tags, tokenRoleName(env, props.region, role)),
      });
      const policy = new DataAwsIamPolicyDocument(this, `${role}TokenPolicy`, {
        statement: [
          {
            actions: ["airflow:CreateWebLoginToken"],
            resources: [`arn:${props.partition}:airflow:${props.region}:${props.accountId}:role/${env}/${role}`],
          },
        ],
      });
      new IamRolePolicy(this, `${role}TokenRolePolicy`, {
        name: "create-web-login-token",
        role: tokenRole.id,
        policy: policy.json,
      });
      this.tokenRoles[role] = tokenRole;
    }

    this.targetGroup = new LbTargetGroup(this, "TargetGroup", {
      name: elbName(`${env}-sign-in`),
      targetType: "lambda",
      lambdaMultiValueHeadersEnabled: MULTI_VALUE_HEADERS,
      tags: withName(tags, `${env}-sign-in`),
    });
    const permission = new LambdaPermission(this, "InvokeFromAlb", {
      statementId: "AllowAlbTargetGroup",
      action: "lambda:InvokeFunction",
      functionName: this.function.function.functionName,
      principal: "elasticloadbalancing.amazonaws.com",
      sourceArn: this.targetGroup.arn,
    });
    new LbTargetGroupAttachment(this, "Target", {
      targetGroupArn: this.targetGroup.arn,
      targetId: this.function.function.arn,
      dependsOn: [permission],
    });

    const forward = (targetGroupArn: string, order: number): LbListenerRuleAction => ({
      type: "forward",
      order,
      targetGroupArn,
    });
    const kinds: RuleKind[] = [
      // Order matters: the web login URL (login=true) must reach the web server, not loop back here.
      {
        kind: "PassThrough",
        action: [props.authenticate, forward(props.webTargetGroupArn, 2)],
        paths: paths.passThroughPathPatterns,
        others: [{ queryString: [{ key: PASS_THROUGH_QUERY.key, value: PASS_THROUGH_QUERY.value }] }],
      },
      {
        kind: "Login",
        action: [props.authenticate, forward(this.targetGroup.arn, 2)],
        paths: paths.loginPathPatterns,
        others: [{ httpRequestMethod: { values: [...LOGIN_HTTP_METHODS] } }],
      },
      { kind: "Logout", action: [forward(this.targetGroup.arn, 1)], paths: paths.logoutPathPatterns, others: [] },
    ];
    for (const r of signInRules(props.rules ?? { hosts: "every" }, kinds)) {
      new LbListenerRule(this, r.id, {
        listenerArn: props.httpsListenerArn,
        priority: r.priority,
        action: [...r.action],
        condition: r.condition,
        tags,
        dependsOn: props.rulesDependOn,
      });
    }
  }
}

interface RuleKind {
  readonly kind: "PassThrough" | "Login" | "Logout";
  readonly action: readonly LbListenerRuleAction[];
  readonly paths: readonly string[];
  readonly others: readonly LbListenerRuleCondition[];
}

/**
 * The listener rules of the sign-in paths: id, priority and conditions. A host value counts against
 * the condition-value quota like a path, so with host names a kind's paths are split over as many
 * rules as it takes. The legacy ids and priorities (PassThroughRule 10, LoginRule 20, LogoutRule 30)
 * stay those of deployed stacks; a legacy kind's second rule takes the next number.
 */
function signInRules(
  rules: SignInRules,
  kinds: readonly RuleKind[],
): { id: string; priority: number; action: readonly LbListenerRuleAction[]; condition: LbListenerRuleCondition[] }[] {
  const out: {
    id: string;
    priority: number;
    action: readonly LbListenerRuleAction[];
    condition: LbListenerRuleCondition[];
  }[] = [];
  if (rules.hosts === "every") {
    for (const k of kinds)
      out.push({
        id: `${k.kind}Rule`,
        priority: LISTENER_RULE_PRIORITIES.signIn.legacy[k.kind],
        action: k.action,
        condition: [{ pathPattern: { values: [...k.paths] } }, ...k.others],
      });
    return out;
  }
  const hosts = rules.hosts;
  if (hosts.length === 0) return out;
  const band = rules.band;
  let next = band === "legacy" ? 0 : LISTENER_RULE_PRIORITIES.signIn[band];
  for (const k of kinds) {
    const others = k.others.reduce(
      (n, c) =>
        n + (c.httpRequestMethod?.values.length ?? 0) + (Array.isArray(c.queryString) ? c.queryString.length : 0),
      0,
    );
    const per = MAX_CONDITION_VALUES_PER_RULE - others - hosts.length;
    for (let i = 0; i * per < k.paths.length; i++) {
      const legacy = band === "legacy";
      out.push({
        id: legacy && i === 0 ? `${k.kind}Rule` : `${k.kind}Rule${i + 1}`,
        priority: legacy ? LISTENER_RULE_PRIORITIES.signIn.legacy[k.kind] + i : next++,
        action: k.action,
        condition: [
          { hostHeader: { values: [...hosts] } },
          { pathPattern: { values: k.paths.slice(i * per, (i + 1) * per) } },
          ...k.others,
        ],
      });
    }
  }
  return out;
}

/** The token role's name, fixed so the Lambda's environment can name it without a reference. */
function tokenRoleName(environment: string, region: string, airflowRole: string): string {
  // A hash of the full name (two long names with the same start still get different roles) and of
  // the Region: "IAM user, group, role, and policy names must be unique within the account" (IAM
  // API Reference, CreateRole RoleName), while an environment's name is unique per Region (its ARN
  // carries the Region), so one name in two Regions of an account would otherwise collide.
  return `${environment.slice(0, 40)}-airflow-${airflowRole.toLowerCase()}-${shortHash(`${region}/${environment}`)}`.slice(
    0,
    64,
  );
}

/**
 * What the handler checks the ALB header's `client` and `iss` against, and with Cognito the pool
 * whose access token carries the groups (lambda/login/cognito.ts).
 */
function identityProviderEnvironment(sso: Sso): Record<string, string> {
  const { oidc, cognito } = identityProvider(sso);
  if (oidc !== undefined)
    return {
      [ENV_VARS.groupsClaim]: sso.groupsClaim,
      [ENV_VARS.clientId]: oidc.clientId,
      [ENV_VARS.issuer]: oidc.issuer,
    };
  // The pool id is the ARN's last segment (arn:...:userpool/<region>_<id>); the ARN may be a reference.
  const poolId = Token.isUnresolved(cognito.userPoolArn)
    ? Fn.element(Fn.split("/", cognito.userPoolArn), 1)
    : (cognito.userPoolArn.split("/")[1] ?? cognito.userPoolArn);
  return { [ENV_VARS.clientId]: cognito.userPoolClientId, [ENV_VARS.cognitoUserPoolId]: poolId };
}

/** The block of `sso.type` (the schema requires it: checkIdentityProvider in model-access.ts). */
function identityProvider(
  sso: Sso,
):
  { oidc: NonNullable<Sso["oidc"]>; cognito?: undefined } | { oidc?: undefined; cognito: NonNullable<Sso["cognito"]> } {
  if (sso.type === "oidc" && sso.oidc !== undefined) return { oidc: sso.oidc };
  if (sso.type === "cognito" && sso.cognito !== undefined) return { cognito: sso.cognito };
  throw new Error(`access.sso.${sso.type}: required with type ${sso.type}`);
}

function logoutUrlVariable(props: SsoLoginProps): Record<string, string> {
  const { oidc, cognito: c } = identityProvider(props.sso);
  if (oidc !== undefined) return oidc.logoutUrl !== undefined ? { [ENV_VARS.logoutUrl]: oidc.logoutUrl } : {};
  const domain = c.userPoolDomain.includes(".")
    ? c.userPoolDomain
    : `${c.userPoolDomain}.auth.${props.region}.amazoncognito.com`;
  return {
    [ENV_VARS.logoutUrl]: `https://${domain}/logout?client_id=${c.userPoolClientId}&logout_uri=${encodeURIComponent(`https://${props.domainName}/`)}`,
  };
}
