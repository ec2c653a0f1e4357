/**
 * Sign-in Lambda for a private MWAA web server behind an Application Load Balancer (ALB Lambda
 * target). It turns a person whom the ALB has authenticated at the identity provider into an
 * Airflow session, as in AWS's guide "Accessing a private Amazon MWAA environment using federated
 * identities" and the sample aws-samples/alb-sso-mwaa:
 *
 * 1. The ALB authenticates the person (authenticate-oidc or authenticate-cognito) and forwards the
 *    login paths of the environment's Airflow major version (contract.ts AIRFLOW_WEB_PATHS) here,
 *    with the signed user claims in `x-amzn-oidc-data`.
 * 2. The header is verified before any claim is used (jwt.ts): ES256, the expected ALB as
 *    `signer`, not expired, signature valid with the regional ALB key for its `kid`.
 * 3. The person's groups (claim GROUPS_CLAIM) are matched against ROLE_MAPPING in order; the first
 *    match wins, else DEFAULT_ROLE, else the person is refused.
 * 4. The IAM role for that Airflow role (TOKEN_ROLE_ARNS) is assumed with RoleSessionName and
 *    SourceIdentity set from the person's email (or `sub`), so CloudTrail and MWAA's
 *    `AirflowIdentity` (assumed-role/<role>/<session>) show who signed in.
 * 5. CreateWebLoginToken with those credentials, then a 302 to
 *    `https://<WEB_HOSTNAME><web login path>#<token>`; the ALB's pass-through rule sends that URL to
 *    the web server, whose page exchanges the token for a session. The token is valid 60 seconds.
 *
 * Logout paths expire the ALB session cookies (and Airflow's own session cookie) and redirect to
 * LOGOUT_URL, the identity provider's logout, or to `/`. The ALB user guide's advice for logout:
 * expire the authentication session cookie and redirect to the IdP's logout endpoint; without the
 * IdP logout the ALB signs the person straight back in on the next request.
 *
 * No AWS call is made before the header is verified and a role is chosen. Every request ends in
 * exactly one JSON log line (`event`, `decision`, `reason`, `user`, `airflowRole`, ...); neither the
 * header nor the token is ever logged. Refusals answer 403 with a short HTML page in plain words
 * that names no token, header, ARN or internal detail, plus a reference (the Lambda request id).
 *
 * Network: the function calls STS, the MWAA API and `public-keys.auth.elb.<region>.amazonaws.com`
 * (public, no VPC endpoint), so run it outside a VPC or give it a NAT path.
 */
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { CreateWebLoginTokenCommand, MWAAClient } from "@aws-sdk/client-mwaa";
import {
  AIRFLOW_MAJORS,
  AIRFLOW_ROLES,
  AIRFLOW_ROLE_NAMES,
  AIRFLOW_WEB_PATHS,
  ALB_SESSION_COOKIE_SHARDS,
  DEFAULT_ALB_SESSION_COOKIE_NAME,
  DEFAULT_GROUPS_CLAIM,
  ENV_VARS,
  PASS_THROUGH_QUERY,
} from "./contract";
import type { AirflowMajor } from "./contract";
import { AlbJwtError, createPublicKeyLookup, fetchPem, verifyAlbJwt } from "./jwt";
import type { AlbClaims, AlbJwtFailure, PublicKeyFetcher, PublicKeyLookup } from "./jwt";
import { consoleLog, type LogLevel } from "../shared/log";

export { AIRFLOW_ROLES, AIRFLOW_ROLE_NAMES, AIRFLOW_WEB_PATHS, ENV_VARS, verifyAlbJwt, AlbJwtError, createPublicKeyLookup };
export type { AlbClaims, AirflowMajor };

/** The ALB header with the signed user claims. */
export const OIDC_DATA_HEADER = "x-amzn-oidc-data";
/** AssumeRole minimum; the credentials serve one CreateWebLoginToken call. */
export const ASSUME_ROLE_DURATION_SECONDS = 900;
export const MAX_ATTEMPTS = 3;
export const CONNECTION_TIMEOUT_MS = 2_000;
export const REQUEST_TIMEOUT_MS = 4_000;

// ---------------------------------------------------------------- configuration

export interface RoleMappingEntry {
  /** Group name or id as the identity provider puts it in the groups claim (case-sensitive). */
  readonly group: string;
  readonly airflowRole: string;
}

export interface LoginConfig {
  readonly environmentName: string;
  readonly albArn: string;
  readonly region: string;
  readonly airflowMajor: AirflowMajor;
  readonly roleMapping: readonly RoleMappingEntry[];
  readonly defaultRole?: string;
  readonly groupsClaim: string;
  /** Airflow role -> IAM role ARN. */
  readonly tokenRoleArns: Readonly<Record<string, string>>;
  readonly webHostname: string;
  readonly logoutUrl?: string;
  readonly albSessionCookieName: string;
}

const ENVIRONMENT_NAME = /^[a-zA-Z][0-9a-zA-Z_-]{0,79}$/;
const ALB_ARN = /^arn:aws(?:-[a-z]+)*:elasticloadbalancing:([a-z]{2}(?:-[a-z]+)+-\d{1,2}):\d{12}:loadbalancer\/app\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{1,32}$/;
const IAM_ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const AIRFLOW_ROLE = /^[A-Za-z0-9][\w .-]{0,63}$/;
const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
const COOKIE_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/;

function parseJson(env: NodeJS.ProcessEnv, name: string): unknown {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") throw new Error(`${name} is required`);
  try {
    return JSON.parse(raw);
  } catch {
    throw new Error(`${name} must be JSON`);
  }
}

/** Reads and validates the configuration; every error names its variable and never echoes a secret. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): LoginConfig {
  const str = (name: string): string => (env[name] ?? "").trim();

  const environmentName = str(ENV_VARS.environmentName);
  if (!ENVIRONMENT_NAME.test(environmentName)) throw new Error(`${ENV_VARS.environmentName} must be an MWAA environment name, got "${environmentName}"`);

  const region = str("AWS_REGION");
  if (region === "") throw new Error("AWS_REGION is required");
  const albArn = str(ENV_VARS.albArn);
  const albMatch = ALB_ARN.exec(albArn);
  if (!albMatch) throw new Error(`${ENV_VARS.albArn} must be an Application Load Balancer ARN`);
  if (albMatch[1] !== region) throw new Error(`${ENV_VARS.albArn} is in ${albMatch[1]} but the function runs in ${region}; the ALB's signing keys are regional`);

  const airflowMajor = str(ENV_VARS.airflowMajor);
  if (!(AIRFLOW_MAJORS as readonly string[]).includes(airflowMajor)) throw new Error(`${ENV_VARS.airflowMajor} must be one of ${AIRFLOW_MAJORS.join(", ")}, got "${airflowMajor}"`);

  const rawArns = parseJson(env, ENV_VARS.tokenRoleArns);
  if (rawArns === null || typeof rawArns !== "object" || Array.isArray(rawArns)) throw new Error(`${ENV_VARS.tokenRoleArns} must be a JSON object of Airflow role -> IAM role ARN`);
  const tokenRoleArns: Record<string, string> = {};
  for (const [role, arn] of Object.entries(rawArns as Record<string, unknown>)) {
    if (!AIRFLOW_ROLE.test(role)) throw new Error(`${ENV_VARS.tokenRoleArns}: "${role}" is not an Airflow role name`);
    if (typeof arn !== "string" || !IAM_ROLE_ARN.test(arn)) throw new Error(`${ENV_VARS.tokenRoleArns}: the value for "${role}" must be an IAM role ARN`);
    tokenRoleArns[role] = arn;
  }
  const needArn = (where: string, role: string): void => {
    if (!Object.hasOwn(tokenRoleArns, role)) throw new Error(`${where}: Airflow role "${role}" has no IAM role in ${ENV_VARS.tokenRoleArns}`);
  };

  const rawMapping = parseJson(env, ENV_VARS.roleMapping);
  if (!Array.isArray(rawMapping)) throw new Error(`${ENV_VARS.roleMapping} must be a JSON array of {"group", "airflowRole"}`);
  const roleMapping: RoleMappingEntry[] = rawMapping.map((entry: unknown, i) => {
    const e = entry as Partial<Record<string, unknown>> | null;
    if (e === null || typeof e !== "object" || typeof e.group !== "string" || e.group.trim() === "" || typeof e.airflowRole !== "string") {
      throw new Error(`${ENV_VARS.roleMapping}[${i}] must be {"group": string, "airflowRole": string}`);
    }
    needArn(`${ENV_VARS.roleMapping}[${i}]`, e.airflowRole);
    return { group: e.group.trim(), airflowRole: e.airflowRole };
  });

  const defaultRole = str(ENV_VARS.defaultRole) || undefined;
  if (defaultRole !== undefined) needArn(ENV_VARS.defaultRole, defaultRole);
  if (roleMapping.length === 0 && defaultRole === undefined) throw new Error(`${ENV_VARS.roleMapping} is empty and ${ENV_VARS.defaultRole} is not set: nobody could sign in`);

  const groupsClaim = str(ENV_VARS.groupsClaim) || DEFAULT_GROUPS_CLAIM;

  const webHostname = str(ENV_VARS.webHostname).toLowerCase();
  if (!HOSTNAME.test(webHostname)) throw new Error(`${ENV_VARS.webHostname} must be a host name such as airflow.example.com (no scheme, port or path)`);

  const logoutUrl = str(ENV_VARS.logoutUrl) || undefined;
  if (logoutUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(logoutUrl);
    } catch {
      url = undefined;
    }
    if (url?.protocol !== "https:") throw new Error(`${ENV_VARS.logoutUrl} must be an https URL`);
  }

  const albSessionCookieName = str(ENV_VARS.albSessionCookieName) || DEFAULT_ALB_SESSION_COOKIE_NAME;
  if (!COOKIE_NAME.test(albSessionCookieName)) throw new Error(`${ENV_VARS.albSessionCookieName} must be a cookie name`);

  return {
    environmentName,
    albArn,
    region,
    airflowMajor: airflowMajor as AirflowMajor,
    roleMapping,
    ...(defaultRole !== undefined ? { defaultRole } : {}),
    groupsClaim,
    tokenRoleArns,
    webHostname,
    ...(logoutUrl !== undefined ? { logoutUrl } : {}),
    albSessionCookieName,
  };
}

// ---------------------------------------------------------------- pure decisions

/**
 * The person's groups from a claim value: a JSON array of strings, a string holding a JSON array,
 * or a comma separated (else whitespace separated) string, optionally in brackets (Cognito's
 * `custom:` attributes mapped from SAML arrive as "[g1, g2]").
 */
export function parseGroups(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === "string").map((g) => g.trim()).filter((g) => g !== "");
  if (typeof value !== "string") return [];
  const text = value.trim();
  if (text.startsWith("[")) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parseGroups(parsed);
    } catch {
      // not JSON: "[a, b]" without quotes; handled below
    }
  }
  const inner = text.replace(/^\[/, "").replace(/\]$/, "");
  return (inner.includes(",") ? inner.split(",") : inner.split(/\s+/))
    .map((g) => g.trim().replace(/^"(.*)"$/, "$1"))
    .filter((g) => g !== "");
}

export interface RoleChoice {
  readonly airflowRole: string;
  /** The mapping entry's group that matched; absent when the default role was used. */
  readonly group?: string;
}

/** First entry of `mapping` (in order) whose group the person is in; else the default role; else undefined. */
export function chooseAirflowRole(groups: readonly string[], mapping: readonly RoleMappingEntry[], defaultRole?: string): RoleChoice | undefined {
  const mine = new Set(groups);
  const hit = mapping.find((m) => mine.has(m.group));
  if (hit) return { airflowRole: hit.airflowRole, group: hit.group };
  return defaultRole !== undefined ? { airflowRole: defaultRole } : undefined;
}

/**
 * A RoleSessionName / SourceIdentity from an identity: characters outside `[\w+=,.@-]` become
 * `-`, at most 64 characters (both STS limits). Undefined when fewer than 2 characters remain.
 */
export function sessionName(identity: string | undefined): string | undefined {
  if (typeof identity !== "string") return undefined;
  const name = identity.trim().replace(/[^\w+=,.@-]/g, "-").slice(0, 64);
  return name.length >= 2 ? name : undefined;
}

/** The person as shown in logs and session names: `email`, else `sub`. */
export function identityOf(claims: AlbClaims): string | undefined {
  for (const key of ["email", "sub"]) {
    const value = claims[key];
    if (typeof value === "string" && value.trim() !== "") return value.trim();
  }
  return undefined;
}

// ---------------------------------------------------------------- ALB event and response

/** ALB Lambda target event (single- or multi-value headers, names lower-cased by the ALB). */
export interface AlbEvent {
  readonly requestContext?: { readonly elb?: { readonly targetGroupArn?: string } };
  readonly httpMethod?: string;
  readonly path?: string;
  readonly queryStringParameters?: Readonly<Record<string, string>> | null;
  readonly multiValueQueryStringParameters?: Readonly<Record<string, readonly string[]>> | null;
  readonly headers?: Readonly<Record<string, string>> | null;
  readonly multiValueHeaders?: Readonly<Record<string, readonly string[]>> | null;
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
}

export interface AlbResult {
  readonly statusCode: number;
  readonly statusDescription: string;
  readonly headers?: Record<string, string>;
  readonly multiValueHeaders?: Record<string, string[]>;
  readonly body: string;
  readonly isBase64Encoded: false;
}

/** Lambda context; only the request id is used (as the reference on error pages). */
export interface LambdaContextLike {
  readonly awsRequestId?: string;
}

function headerOf(event: AlbEvent, name: string): string | undefined {
  const single = event.headers?.[name];
  if (typeof single === "string") return single;
  const multi = event.multiValueHeaders?.[name];
  return Array.isArray(multi) && typeof multi[0] === "string" ? multi[0] : undefined;
}

function queryOf(event: AlbEvent, name: string): string | undefined {
  const single = event.queryStringParameters?.[name];
  if (typeof single === "string") return single;
  const multi = event.multiValueQueryStringParameters?.[name];
  return Array.isArray(multi) && typeof multi[0] === "string" ? multi[0] : undefined;
}

const STATUS_TEXT: Record<number, string> = { 200: "200 OK", 302: "302 Found", 403: "403 Forbidden" };

/**
 * Answers in the form the target group uses: `multiValueHeaders` when the event has them
 * (target group attribute lambda.multi_value_headers.enabled), else `headers`. Single-value mode
 * cannot repeat a header name, so repeated Set-Cookie headers are sent under names that differ in
 * letter case only (HTTP header names are case-insensitive). Unverified that the ALB passes such
 * names through unchanged: enable multi-value headers (contract.ts TARGET_GROUP_ATTRIBUTES).
 */
function respond(event: AlbEvent, statusCode: number, pairs: ReadonlyArray<readonly [string, string]>, body: string): AlbResult {
  const base = { statusCode, statusDescription: STATUS_TEXT[statusCode] ?? String(statusCode), body: event.httpMethod?.toUpperCase() === "HEAD" ? "" : body, isBase64Encoded: false as const };
  if (event.multiValueHeaders) {
    const multiValueHeaders: Record<string, string[]> = {};
    for (const [name, value] of pairs) (multiValueHeaders[name] ??= []).push(value);
    return { ...base, multiValueHeaders };
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of pairs) {
    let key = name;
    for (let i = 0; Object.hasOwn(headers, key); i++) key = caseVariant(name, i);
    headers[key] = value;
  }
  return { ...base, headers };
}

/** The i-th letter-case variant of a header name, never the name itself. */
function caseVariant(name: string, i: number): string {
  const letters = [...name].map((c, idx) => ({ c, idx })).filter(({ c }) => c.toLowerCase() !== c.toUpperCase());
  const bits = i + 1;
  const chars = [...name];
  letters.forEach(({ c, idx }, k) => {
    if ((bits >> k) & 1) chars[idx] = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
  });
  return chars.join("");
}

const NO_STORE: ReadonlyArray<readonly [string, string]> = [
  ["Cache-Control", "no-store"],
  ["Pragma", "no-cache"],
];

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

/** What a refused person reads: plain words, nothing internal. */
export const REFUSAL_TEXT = {
  notInGroup: {
    title: "You are not in a group that may use Airflow.",
    hint: "Ask your Airflow administrator to add you to one of the Airflow groups, then sign in again.",
  },
  notVerified: {
    title: "Your sign-in could not be verified.",
    hint: "Open the Airflow address again to sign in afresh. If this keeps happening, contact your platform team.",
  },
  noToken: {
    title: "Airflow could not issue a login token.",
    hint: "Try again in a minute. If this keeps happening, contact your platform team.",
  },
  misconfigured: {
    title: "Airflow sign-in is not set up correctly.",
    hint: "Please contact your platform team.",
  },
  notSignIn: {
    title: "This address does not sign you in to Airflow.",
    hint: "Open the Airflow address in your browser to sign in.",
  },
} as const;
export type RefusalKind = keyof typeof REFUSAL_TEXT;

function refusalPage(kind: RefusalKind, reference: string | undefined): string {
  const { title, hint } = REFUSAL_TEXT[kind];
  const ref = reference ? `<p class="ref">Reference: ${escapeHtml(reference)}</p>` : "";
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Airflow sign-in</title>` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:4em auto;padding:0 1em;color:#222}.ref{color:#777;font-size:.85em}</style>` +
    `</head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(hint)}</p>${ref}</body></html>`
  );
}

// ---------------------------------------------------------------- handler

export type { LogLevel };

/** Credentials from AssumeRole, as an SDK client wants them. */
export interface TemporaryCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration?: Date;
}

/** Builds the MWAA client that calls CreateWebLoginToken with the assumed role's credentials. */
export type MwaaClientFactory = (config: { readonly region: string; readonly credentials: TemporaryCredentials }) => MWAAClient;

export const createMwaaClient: MwaaClientFactory = ({ region, credentials }) =>
  new MWAAClient({
    region,
    credentials,
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
  });

export function createStsClient(region: string): STSClient {
  return new STSClient({
    region,
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
  });
}

export interface LoginDeps {
  /** Environment variables; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** STS client; default createStsClient(AWS_REGION), created once per container. */
  readonly sts?: STSClient;
  /** Default createMwaaClient. */
  readonly mwaaClient?: MwaaClientFactory;
  /** Fetches the ALB public key PEM; default an HTTPS GET. Keys are cached per kid for the handler's lifetime. */
  readonly fetchPublicKey?: PublicKeyFetcher;
  /** Clock in epoch milliseconds; default Date.now. */
  readonly now?: () => number;
  /** Receives the one JSON log line per request; default console.log/warn/error by level. */
  readonly log?: (line: string, level: LogLevel) => void;
}

interface Decision {
  readonly decision: "allowed" | "refused";
  readonly reason: string;
  readonly level: LogLevel;
  readonly user?: string;
  readonly airflowRole?: string;
  readonly group?: string;
  readonly error?: string;
  readonly detail?: string;
  readonly airflowIdentity?: string;
}

const JWT_REASON_LEVEL: Record<AlbJwtFailure, LogLevel> = {
  malformed: "WARN",
  bad_algorithm: "WARN",
  bad_kid: "WARN",
  wrong_signer: "WARN",
  expired: "INFO",
  key_unavailable: "ERROR",
  bad_signature: "WARN",
};

export type LoginHandler = (event: AlbEvent, context?: LambdaContextLike) => Promise<AlbResult>;

export function createHandler(deps: LoginDeps = {}): LoginHandler {
  const now = deps.now ?? Date.now;
  const log = deps.log ?? consoleLog;
  const fetcher = deps.fetchPublicKey ?? fetchPem;
  const mwaaClient = deps.mwaaClient ?? createMwaaClient;
  let sts = deps.sts;
  // One key cache per region for the life of the container (the region is fixed per function).
  const lookups = new Map<string, PublicKeyLookup>();
  const publicKeyFor = (region: string): PublicKeyLookup => {
    let lookup = lookups.get(region);
    if (!lookup) lookups.set(region, (lookup = createPublicKeyLookup(region, fetcher)));
    return lookup;
  };

  return async (event, context) => {
    const started = now();
    const path = typeof event?.path === "string" ? event.path : "";
    const method = (event?.httpMethod ?? "").toUpperCase();
    const reference = context?.awsRequestId;
    let config: LoginConfig | undefined;

    const finish = (eventName: "login" | "logout", d: Decision): void => {
      log(
        JSON.stringify({
          level: d.level,
          event: eventName,
          decision: d.decision,
          reason: d.reason,
          user: d.user,
          airflowRole: d.airflowRole,
          group: d.group,
          airflowIdentity: d.airflowIdentity,
          environment: config?.environmentName,
          airflowMajor: config?.airflowMajor,
          path: path.slice(0, 200),
          method: method.slice(0, 10),
          error: d.error,
          detail: d.detail,
          requestId: reference,
          durationMs: now() - started,
        }),
        d.level,
      );
    };
    const refuse = (kind: RefusalKind, d: Omit<Decision, "decision">): AlbResult => {
      finish("login", { ...d, decision: "refused" });
      return respond(event, 403, [["Content-Type", "text/html; charset=utf-8"], ...NO_STORE, ["X-Content-Type-Options", "nosniff"], ["Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'"]], refusalPage(kind, reference));
    };

    try {
      config = readConfig(deps.env ?? process.env);
    } catch (err) {
      return refuse("misconfigured", { reason: "config_error", level: "ERROR", detail: err instanceof Error ? err.message : String(err) });
    }
    const paths = AIRFLOW_WEB_PATHS[config.airflowMajor];

    if (paths.logoutPathPatterns.includes(path)) {
      const expired = "Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; Secure; HttpOnly";
      const cookies = [
        ...Array.from({ length: ALB_SESSION_COOKIE_SHARDS }, (_, i) => `${config!.albSessionCookieName}-${i}=; ${expired}`),
        `${paths.airflowSessionCookie}=; ${expired}`,
      ];
      finish("logout", { decision: "allowed", reason: "logout", level: "INFO" });
      return respond(event, 302, [["Location", config.logoutUrl ?? "/"], ...NO_STORE, ...cookies.map((c) => ["Set-Cookie", c] as const)], "");
    }
    if (!paths.loginPathPatterns.includes(path)) return refuse("notSignIn", { reason: "unknown_path", level: "WARN" });
    if (method !== "GET" && method !== "HEAD") return refuse("notSignIn", { reason: "method_not_allowed", level: "WARN" });
    if (queryOf(event, PASS_THROUGH_QUERY.key) === PASS_THROUGH_QUERY.value) {
      // The web login URL itself reached the Lambda: the pass-through rule is missing. Redirecting would loop.
      return refuse("misconfigured", { reason: "pass_through_rule_missing", level: "ERROR" });
    }

    // 1. Verify the ALB's signed header before trusting anything in it.
    const raw = headerOf(event, OIDC_DATA_HEADER);
    if (raw === undefined || raw.trim() === "") return refuse("notVerified", { reason: "missing_header", level: "WARN" });
    let claims: AlbClaims;
    try {
      ({ claims } = await verifyAlbJwt(raw, { albArn: config.albArn, publicKey: publicKeyFor(config.region), nowMs: now() }));
    } catch (err) {
      if (err instanceof AlbJwtError) return refuse("notVerified", { reason: err.reason, level: JWT_REASON_LEVEL[err.reason], detail: err.message });
      return refuse("notVerified", { reason: "verify_error", level: "ERROR", error: err instanceof Error ? err.name : "Error" });
    }

    // 2. Who, and which Airflow role.
    const user = identityOf(claims);
    const session = sessionName(user);
    if (session === undefined) return refuse("notVerified", { reason: "no_identity", level: "WARN" });
    const choice = chooseAirflowRole(parseGroups(claims[config.groupsClaim]), config.roleMapping, config.defaultRole);
    if (!choice) return refuse("notInGroup", { reason: "no_matching_group", level: "INFO", user });
    const roleArn = config.tokenRoleArns[choice.airflowRole];
    const who = { user, airflowRole: choice.airflowRole, ...(choice.group !== undefined ? { group: choice.group } : {}) };
    if (roleArn === undefined) return refuse("misconfigured", { reason: "config_error", level: "ERROR", ...who }); // readConfig prevents this

    // 3. Assume the role allowed to create a token for exactly that Airflow role.
    let credentials: TemporaryCredentials;
    try {
      sts ??= createStsClient(config.region);
      const out = await sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: session,
          SourceIdentity: session,
          DurationSeconds: ASSUME_ROLE_DURATION_SECONDS,
        }),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw Object.assign(new Error("AssumeRole returned no credentials"), { name: "NoCredentials" });
      credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, ...(c.Expiration ? { expiration: c.Expiration } : {}) };
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      return refuse("noToken", { reason: "assume_role_failed", level: "ERROR", ...who, error: e.name, detail: e.message });
    }

    // 4. The web login token, then into Airflow.
    let webToken: string;
    let airflowIdentity: string | undefined;
    try {
      const out = await mwaaClient({ region: config.region, credentials }).send(new CreateWebLoginTokenCommand({ Name: config.environmentName }));
      if (!out.WebToken) throw Object.assign(new Error("CreateWebLoginToken returned no token"), { name: "NoWebToken" });
      webToken = out.WebToken;
      airflowIdentity = out.AirflowIdentity;
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      return refuse("noToken", { reason: "create_web_login_token_failed", level: "ERROR", ...who, error: e.name, detail: e.message });
    }

    finish("login", { decision: "allowed", reason: choice.group !== undefined ? "group_matched" : "default_role", level: "INFO", ...who, ...(airflowIdentity ? { airflowIdentity } : {}) });
    return respond(event, 302, [["Location", `https://${config.webHostname}${paths.webLoginPath}#${webToken}`], ...NO_STORE], "");
  };
}

/** Lambda entry point (handler setting `index.handler`). */
export const handler: LoginHandler = createHandler();
