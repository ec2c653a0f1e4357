/**
 * The sign-in Lambda's public contract: the environment variables it reads, the Airflow roles it
 * knows, and the web server paths per Airflow major version that the ALB listener rules, the
 * health check and the handler must agree on. Free of imports, so constructs can use it at synth
 * time without loading the AWS SDK that the handler imports.
 *
 * How the pieces fit (one listener, rules in priority order):
 *
 * 1. PASS-THROUGH (highest priority): path in `passThroughPathPatterns` AND query
 *    `PASS_THROUGH_QUERY` (login=true) -> forward to the web server endpoint. This is the URL the
 *    Lambda redirects to; MWAA's page there reads the token after `#` (a fragment never reaches a
 *    server) and exchanges it for an Airflow session. Without this rule the redirect comes back
 *    to the Lambda and loops (the handler refuses such a request instead of looping).
 * 2. LOGIN: authenticate (OIDC or Cognito), then path in `loginPathPatterns`, method in
 *    `LOGIN_HTTP_METHODS` -> forward to this Lambda (target group attribute
 *    `MULTI_VALUE_HEADERS`). The method condition keeps form POSTs of MWAA's own token
 *    exchange on the web server whatever path it uses.
 * 3. LOGOUT: path in `logoutPathPatterns` -> forward to this Lambda. No authenticate action is
 *    needed: the handler does not read the identity on logout, and an expired session would
 *    otherwise be sent to the identity provider just to sign out.
 * 4. Default: authenticate, then forward to the web server endpoint.
 *
 * Sources (looked up 2026-11; "unverified" marks what no source confirmed):
 * - [MWAA-WEB] AWS MWAA User Guide, "Create an Apache Airflow webserver access token"
 *   (call-mwaa-apis-web): `https://<host>/aws_mwaa/aws-console-sso?login=true#<web token>`.
 * - [MWAA-REST] AWS MWAA User Guide, "Using the Apache Airflow REST API": the token exchange is a
 *   POST to `/aws_mwaa/login` (Airflow 2, cookie `session`) and `/pluginsv2/aws_mwaa/login`
 *   (Airflow 3, cookie `_token`).
 * - [SAMPLE] aws-samples/alb-sso-mwaa (cdk/quickstart_stack/quickstart_stack.py and
 *   cdk/quickstart_mwaa_authx_lambda_code/mwaa_authx.py): rule 1 `/aws_mwaa/aws-console-sso` +
 *   query `login=true` -> web server; rule 2 `/aws_mwaa/aws-console-sso` -> Lambda; rule 3
 *   `/logout` -> Lambda; the Lambda redirects to `/aws_mwaa/aws-console-sso?login=true#<token>`.
 * - [GUIDE] AWS technical guide "Accessing a private Amazon MWAA environment using federated
 *   identities" (2022), as reproduced in ksharlandjiev/apache-airflow-tools
 *   (mwaa-rbac-custom-roles/airflow2|airflow3/02-alb.yml): the same pattern with query
 *   `token=true`, logout on `/logout/` and `/logout/close`, and for Airflow 3 `/auth/login/*` ->
 *   Lambda; its README lists Airflow 3's login endpoint as `/auth/login/` (was `/login/`) and the
 *   plugin path as `/pluginsv2/aws_mwaa/aws-console-sso` (in addition to `/aws_mwaa/...`).
 * - [AF3-URL] Public scripts for MWAA on Airflow 3 print the UI URL as
 *   `https://<host>/pluginsv2/aws_mwaa/aws-console-sso?login=true#<web token>`.
 */

/** Environment variables the handler reads. */
export const ENV_VARS = {
  /** Required: the MWAA environment name (CreateWebLoginToken `Name`). */
  environmentName: "MWAA_ENVIRONMENT_NAME",
  /** Required: ARN of the ALB whose signed `x-amzn-oidc-data` header is accepted (JWT header `signer`). Its region must be AWS_REGION. */
  albArn: "ALB_ARN",
  /** Required: "2" or "3", the environment's Airflow major version; picks the paths below. */
  airflowMajor: "AIRFLOW_MAJOR",
  /** Required: JSON array of `{ "group": string, "airflowRole": string }`, in priority order; the first entry whose group the person is in wins. May be `[]` when DEFAULT_ROLE is set. */
  roleMapping: "ROLE_MAPPING",
  /** Optional: Airflow role for people in none of the mapped groups. Unset: they are refused. */
  defaultRole: "DEFAULT_ROLE",
  /** Optional, default DEFAULT_GROUPS_CLAIM, OIDC only: the user-info claim holding the person's groups (a JSON array of names; a string is one whole name, never split). */
  groupsClaim: "GROUPS_CLAIM",
  /** Required: the listener's OIDC client id (Cognito: the app client id); the ALB header's `client` must equal it. */
  clientId: "OIDC_CLIENT_ID",
  /** Required without COGNITO_USER_POOL_ID: the listener's OIDC issuer; the ALB header's `iss` must equal it. */
  issuer: "OIDC_ISSUER",
  /** Set for Cognito: the user pool id (`<region>_<id>`). Groups then come from the verified access token's COGNITO_GROUPS_CLAIM, and the expected `iss` is the pool's issuer URL. */
  cognitoUserPoolId: "COGNITO_USER_POOL_ID",
  /** Required: JSON object, Airflow role name -> ARN of the IAM role to assume for it; every mapped role and DEFAULT_ROLE need one. */
  tokenRoleArns: "TOKEN_ROLE_ARNS",
  /** Required: the host name people use (e.g. airflow.example.com), no scheme or path; the browser is redirected there. */
  webHostname: "WEB_HOSTNAME",
  /** Optional: https URL of the identity provider's logout (e.g. Cognito's /logout?client_id=..&logout_uri=..). Unset: logout redirects to `/`. */
  logoutUrl: "LOGOUT_URL",
  /** Optional, default DEFAULT_ALB_SESSION_COOKIE_NAME: the listener's authenticate action `session_cookie_name`. */
  albSessionCookieName: "ALB_SESSION_COOKIE_NAME",
} as const;

export const DEFAULT_GROUPS_CLAIM = "groups";
/**
 * Cognito puts a user's groups in its access and ID tokens as `cognito:groups` (Cognito Developer
 * Guide, "Understanding the access token"), not in the userInfo answer the ALB signs into
 * `x-amzn-oidc-data` (a captured payload in kubernetes-sigs/aws-load-balancer-controller#1715 has
 * `sub, email_verified, email, username, exp, iss` only).
 */
export const COGNITO_GROUPS_CLAIM = "cognito:groups";

/**
 * What a group name in ROLE_MAPPING may be (checked in the config schema and by the handler alike):
 * 1 to 256 characters, no control characters, no leading or trailing white space. Inner spaces are
 * part of the name ("Data Engineers"): a group matches only a claim value equal to the whole name.
 */
export const GROUP_NAME_RULE = "1 to 256 characters, no control characters, no leading or trailing spaces";
export function isValidGroupName(name: unknown): name is string {
  return (
    typeof name === "string" &&
    name.length >= 1 &&
    name.length <= 256 &&
    name.trim() === name &&
    !/[\u0000-\u001f\u007f-\u009f]/.test(name)
  );
}

/**
 * Where the ALB publishes the public key for a `kid` (ALB User Guide, "Authenticate users using an
 * Application Load Balancer", user claims encoding and signature verification:
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html#user-claims-encoding):
 * `https://public-keys.auth.elb.<region>.amazonaws.com/<kid>` in the commercial regions, and an S3
 * URL in each AWS GovCloud (US) region. The guide names no endpoint for other partitions (China,
 * ISO), so sign-in is refused there at config time. Returns the URL without the `/<kid>`, or
 * undefined for a partition/region the guide does not document.
 */
export function albPublicKeyBase(partition: string, region: string): string | undefined {
  if (!/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(region)) return undefined;
  if (partition === "aws" && !region.startsWith("us-gov-") && !region.startsWith("cn-") && !region.startsWith("us-iso"))
    return `https://public-keys.auth.elb.${region}.amazonaws.com`;
  if (partition === "aws-us-gov" && (region === "us-gov-west-1" || region === "us-gov-east-1"))
    return `https://s3-${region}.amazonaws.com/aws-elb-public-keys-prod-${region}`;
  return undefined;
}

/** The partition of a region name, as the ALB's ARN would show it. */
export function partitionOfRegion(region: string): string {
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-isob-")) return "aws-iso-b";
  if (region.startsWith("us-iso")) return "aws-iso";
  return "aws";
}
/** The ALB's default session cookie name; the ALB splits large sessions into shards `-0` .. `-3`. */
export const DEFAULT_ALB_SESSION_COOKIE_NAME = "AWSELBAuthSessionCookie";
export const ALB_SESSION_COOKIE_SHARDS = 4;

/** Airflow's default roles (MWAA grants `airflow:CreateWebLoginToken` on `arn:aws:airflow:<region>:<account>:role/<env>/<role>`). */
export const AIRFLOW_ROLES = {
  admin: "Admin",
  op: "Op",
  user: "User",
  viewer: "Viewer",
  public: "Public",
} as const;
export type AirflowRoleName = (typeof AIRFLOW_ROLES)[keyof typeof AIRFLOW_ROLES];
export const AIRFLOW_ROLE_NAMES: readonly AirflowRoleName[] = Object.values(AIRFLOW_ROLES);

/**
 * What the Lambda's own role needs on each token role ARN, and what each token role's trust policy
 * must allow the Lambda's role: the handler passes SourceIdentity, which needs sts:SetSourceIdentity
 * (as in [GUIDE]'s templates). Each token role itself needs only `airflow:CreateWebLoginToken` on
 * `arn:aws:airflow:<region>:<account>:role/<environment>/<airflow role>`.
 */
export const ASSUME_TOKEN_ROLE_ACTIONS = ["sts:AssumeRole", "sts:SetSourceIdentity"] as const;

/**
 * The target group attribute `lambda.multi_value_headers.enabled` the handler needs: several
 * Set-Cookie headers on logout need multi-value headers, and the handler reads and answers
 * multi-value headers only. The sign-in construct sets it from here.
 */
export const MULTI_VALUE_HEADERS = true;

/**
 * Values of the LOGIN rule's http-request-method condition. GET only: every condition value counts
 * against MAX_CONDITION_VALUES_PER_RULE, and Airflow 3 already has 4 login paths. The handler
 * refuses any other method.
 */
export const LOGIN_HTTP_METHODS = ["GET"] as const;

/** Query condition of the PASS-THROUGH rule: the web login URL carries it, so the redirect reaches the web server. */
export const PASS_THROUGH_QUERY = { key: "login", value: "true" } as const;

/**
 * Seconds the Lambda may run: one key fetch (3 s timeout), AssumeRole and CreateWebLoginToken with
 * retries. A web login token is valid for 60 seconds, so a slower sign-in is useless anyway.
 */
export const LOGIN_TIMEOUT_SECONDS = 15;

export type AirflowMajor = "2" | "3";
export const AIRFLOW_MAJORS: readonly AirflowMajor[] = ["2", "3"];

export interface AirflowWebPaths {
  /** Path-pattern values of the LOGIN rule (exact paths; ALB path matching is case-sensitive). With LOGIN_HTTP_METHODS at most MAX_CONDITION_VALUES_PER_RULE values. */
  readonly loginPathPatterns: readonly string[];
  /** Path-pattern values of the PASS-THROUGH rule (used together with PASS_THROUGH_QUERY). */
  readonly passThroughPathPatterns: readonly string[];
  /** Path-pattern values of the LOGOUT rule. */
  readonly logoutPathPatterns: readonly string[];
  /** Path and query of the URL the Lambda redirects to; the token follows after `#`. */
  readonly webLoginPath: string;
  /** The web server's own token exchange (form POST of `token`), for reference: it must reach the web server, never the Lambda. */
  readonly tokenExchangePath: string;
  /** Airflow's session cookie on the web server host, which the handler also expires on logout. */
  readonly airflowSessionCookie: string;
}

export const AIRFLOW_WEB_PATHS: Readonly<Record<AirflowMajor, AirflowWebPaths>> = {
  "2": {
    // `/aws_mwaa/aws-console-sso`: [SAMPLE], [GUIDE]. `/login/` (where Flask-AppBuilder sends
    // people without a session, `?next=...`) is unverified for MWAA: the samples route only the
    // console-sso path and leave `/login/` to the web server; routing it here means a person who
    // opens any Airflow page signs in without seeing Airflow's unusable password form.
    loginPathPatterns: ["/aws_mwaa/aws-console-sso", "/login", "/login/"],
    passThroughPathPatterns: ["/aws_mwaa/aws-console-sso"],
    // `/logout` [SAMPLE]; `/logout/` [GUIDE] and Flask-AppBuilder's logout view.
    logoutPathPatterns: ["/logout", "/logout/"],
    webLoginPath: "/aws_mwaa/aws-console-sso?login=true", // [MWAA-WEB], [SAMPLE]
    tokenExchangePath: "/aws_mwaa/login", // [MWAA-REST]
    airflowSessionCookie: "session", // [MWAA-REST]
  },
  "3": {
    // `/auth/login/`: [GUIDE] (Airflow 3 README and its `/auth/login/*` rule). The two
    // console-sso paths are entry points people bookmark; both exist on Airflow 3 per [GUIDE]'s
    // README. Unverified: that MWAA's Airflow 3 web server itself never requests
    // `/pluginsv2/aws_mwaa/aws-console-sso` without `login=true` (the LOGIN_HTTP_METHODS
    // condition keeps its POSTs on the web server either way).
    loginPathPatterns: [
      "/pluginsv2/aws_mwaa/aws-console-sso",
      "/aws_mwaa/aws-console-sso",
      "/auth/login",
      "/auth/login/",
    ],
    passThroughPathPatterns: ["/pluginsv2/aws_mwaa/aws-console-sso", "/aws_mwaa/aws-console-sso"],
    // Unverified: `/auth/logout/` is the FAB auth manager's logout under Airflow 3's `/auth`
    // mount, by analogy with `/auth/login/`; `/logout` is kept so one bookmark works on both.
    logoutPathPatterns: ["/auth/logout", "/auth/logout/", "/logout", "/logout/"],
    // [AF3-URL]; unverified by an AWS page (AWS documents only the Airflow 2 URL). [GUIDE]'s
    // Airflow 3 Lambda still redirects to the Airflow 2 path (`/aws_mwaa/aws-console-sso`).
    webLoginPath: "/pluginsv2/aws_mwaa/aws-console-sso?login=true",
    tokenExchangePath: "/pluginsv2/aws_mwaa/login", // [MWAA-REST]
    airflowSessionCookie: "_token", // [MWAA-REST]
  },
};

/**
 * ALB quota "Condition values per rule" (not adjustable; Application Load Balancer User Guide,
 * "Quotas for your Application Load Balancers"): path patterns, methods and query pairs of one rule
 * count together. Every rule above stays within it.
 */
export const MAX_CONDITION_VALUES_PER_RULE = 5;
