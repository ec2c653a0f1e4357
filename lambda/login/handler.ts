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
 *    `signer`, the listener's `client` and `iss`, not expired, signature valid with the ALB key
 *    of its partition and region for its `kid`.
 * 3. The person's groups are matched against ROLE_MAPPING in order (whole names, roles.ts); the
 *    first match wins, else DEFAULT_ROLE, else the person is refused. Groups come from the
 *    verified header's claim GROUPS_CLAIM (OIDC), or with Cognito from the verified access token's
 *    `cognito:groups` (cognito.ts), because Cognito's user info has none.
 * 4. The IAM role for that Airflow role (TOKEN_ROLE_ARNS) is assumed with RoleSessionName and
 *    SourceIdentity from the person's verified email (else `sub`) plus a hash of it (roles.ts), so
 *    CloudTrail and MWAA's `AirflowIdentity` (assumed-role/<role>/<session>) show who signed in.
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
 * Network: the function calls STS, the MWAA API, the ALB key endpoint (contract.ts
 * albPublicKeyBase) and with Cognito the user pool's JWKS (public, no VPC endpoint), so run it
 * outside a VPC or give it a NAT path.
 *
 * Files: config.ts (environment), jwt.ts (ALB header), cognito.ts (access token), roles.ts
 * (groups, identity, session name), alb.ts (event and response), pages.ts (refusal page).
 */
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { CreateWebLoginTokenCommand, MWAAClient } from "@aws-sdk/client-mwaa";
import { AIRFLOW_WEB_PATHS, ALB_SESSION_COOKIE_SHARDS, LOGIN_TIMEOUT_SECONDS, PASS_THROUGH_QUERY } from "./contract";
import { readConfig, type LoginConfig } from "./config";
import { AlbJwtError, createPublicKeyLookup, fetchPem, verifyAlbJwt } from "./jwt";
import type { AlbClaims, AlbJwtFailure, PublicKeyFetcher, PublicKeyLookup } from "./jwt";
import { AccessTokenError, createCognitoGroupsVerifier, type CognitoGroupsVerifier, type JwksFetcher } from "./cognito";
import { chooseAirflowRole, identityOf, parseGroups, sessionName } from "./roles";
import {
  NO_STORE,
  headerOf,
  isRepeated,
  isVisibleAscii,
  queryOf,
  respond,
  type AlbEvent,
  type AlbResult,
  type LambdaContextLike,
} from "./alb";
import { REFUSAL_HEADERS, refusalPage, type RefusalKind } from "./pages";
import { consoleLog, type LogLevel } from "../runtime/log";
import { beforeDeadline, deadlineSignal } from "../runtime/deadline";

// The handler module's public names, as before the split into files.
export { AIRFLOW_ROLES, AIRFLOW_ROLE_NAMES, AIRFLOW_WEB_PATHS, ENV_VARS } from "./contract";
export type { AirflowMajor } from "./contract";
export { AlbJwtError, createPublicKeyLookup, verifyAlbJwt };
export { REFUSAL_TEXT } from "./pages";
export { readConfig, chooseAirflowRole, identityOf, parseGroups, sessionName };
export type { RoleChoice, Identity } from "./roles";
export type { AlbClaims, AlbEvent, AlbResult, LambdaContextLike, LoginConfig, RefusalKind };
export type { RoleMappingEntry } from "./config";

/** The ALB header with the signed user claims (ALB User Guide, user claims encoding). */
export const OIDC_DATA_HEADER = "x-amzn-oidc-data";
/** The ALB header with the IdP's access token, in plain text (same section). */
export const ACCESS_TOKEN_HEADER = "x-amzn-oidc-accesstoken";
/** AssumeRole minimum; the credentials serve one CreateWebLoginToken call. */
export const ASSUME_ROLE_DURATION_SECONDS = 900;
export const MAX_ATTEMPTS = 3;
export const CONNECTION_TIMEOUT_MS = 2_000;
export const REQUEST_TIMEOUT_MS = 4_000;
/** The handler stops waiting for AWS this long before Lambda's timeout, to answer its own page and log. */
export const LOGIN_DEADLINE_MARGIN_MS = 1_000;

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
export type MwaaClientFactory = (config: {
  readonly region: string;
  readonly credentials: TemporaryCredentials;
}) => MWAAClient;

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
  /** Fetches a Cognito user pool's JWKS (JSON text); default aws-jwt-verify's HTTPS fetcher. Cached per container. */
  readonly fetchCognitoJwks?: JwksFetcher;
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
  wrong_client: "WARN",
  wrong_issuer: "WARN",
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
  // One key cache per key endpoint, one Cognito verifier per pool and client, for the life of the container.
  const lookups = new Map<string, PublicKeyLookup>();
  const publicKeyFor = (keyBase: string): PublicKeyLookup => {
    let lookup = lookups.get(keyBase);
    if (!lookup) lookups.set(keyBase, (lookup = createPublicKeyLookup(keyBase, fetcher)));
    return lookup;
  };
  const cognitoVerifiers = new Map<string, CognitoGroupsVerifier>();
  const cognitoFor = (userPoolId: string, clientId: string): CognitoGroupsVerifier => {
    const key = `${userPoolId} ${clientId}`;
    let verifier = cognitoVerifiers.get(key);
    if (!verifier)
      cognitoVerifiers.set(key, (verifier = createCognitoGroupsVerifier(userPoolId, clientId, deps.fetchCognitoJwks)));
    return verifier;
  };

  return async (event, context) => {
    const started = now();
    const path = typeof event?.path === "string" ? event.path : "";
    const method = (event?.httpMethod ?? "").toUpperCase();
    const reference = context?.awsRequestId;
    const deadline = deadlineSignal(context, LOGIN_DEADLINE_MARGIN_MS, LOGIN_TIMEOUT_SECONDS * 1000);
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
      return respond(403, [...REFUSAL_HEADERS, ...NO_STORE], refusalPage(kind, reference));
    };

    try {
      config = readConfig(deps.env ?? process.env);
    } catch (err) {
      return refuse("misconfigured", {
        reason: "config_error",
        level: "ERROR",
        detail: err instanceof Error ? err.message : String(err),
      });
    }
    const paths = AIRFLOW_WEB_PATHS[config.airflowMajor];

    if (paths.logoutPathPatterns.includes(path)) {
      const expired = "Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; Secure; HttpOnly";
      const cookies = [
        ...Array.from(
          { length: ALB_SESSION_COOKIE_SHARDS },
          (_, i) => `${config!.albSessionCookieName}-${i}=; ${expired}`,
        ),
        `${paths.airflowSessionCookie}=; ${expired}`,
      ];
      finish("logout", { decision: "allowed", reason: "logout", level: "INFO" });
      return respond(
        302,
        [["Location", config.logoutUrl ?? "/"], ...NO_STORE, ...cookies.map((c) => ["Set-Cookie", c] as const)],
        "",
      );
    }
    if (!paths.loginPathPatterns.includes(path)) return refuse("notSignIn", { reason: "unknown_path", level: "WARN" });
    // The LOGIN rule forwards GET only (contract.ts LOGIN_HTTP_METHODS).
    if (method !== "GET") return refuse("notSignIn", { reason: "method_not_allowed", level: "WARN" });
    if (
      paths.passThroughPathPatterns.includes(path) &&
      queryOf(event, PASS_THROUGH_QUERY.key) === PASS_THROUGH_QUERY.value
    ) {
      // The web login URL itself reached the Lambda: the pass-through rule is missing. Redirecting would loop.
      // On other login paths (`/login/?login=true`) the redirect goes to the web login URL: no loop.
      return refuse("misconfigured", { reason: "pass_through_rule_missing", level: "ERROR" });
    }

    // 1. Verify the ALB's signed header before trusting anything in it.
    if (isRepeated(event, OIDC_DATA_HEADER) || isRepeated(event, ACCESS_TOKEN_HEADER))
      return refuse("notVerified", { reason: "repeated_header", level: "WARN" });
    const raw = headerOf(event, OIDC_DATA_HEADER);
    if (raw === undefined || raw.trim() === "")
      return refuse("notVerified", { reason: "missing_header", level: "WARN" });
    let claims: AlbClaims;
    try {
      const verifyOptions = {
        albArn: config.albArn,
        clientId: config.clientId,
        issuer: config.issuer,
        publicKey: publicKeyFor(config.albKeyBase),
        nowMs: now(),
      };
      ({ claims } = await beforeDeadline(deadline, "ALB header verification", () => verifyAlbJwt(raw, verifyOptions)));
    } catch (err) {
      if (err instanceof AlbJwtError)
        return refuse("notVerified", { reason: err.reason, level: JWT_REASON_LEVEL[err.reason], detail: err.message });
      return refuse("notVerified", {
        reason: "verify_error",
        level: "ERROR",
        error: err instanceof Error ? err.name : "Error",
      });
    }

    // 2. Who, and which Airflow role.
    const identity = identityOf(claims);
    if (identity === undefined) return refuse("notVerified", { reason: "no_identity", level: "WARN" });
    const user = identity.value;
    const session = sessionName(identity);
    let groups: string[];
    if (config.cognitoUserPoolId !== undefined) {
      const accessToken = headerOf(event, ACCESS_TOKEN_HEADER);
      if (accessToken === undefined || accessToken.trim() === "")
        return refuse("notVerified", { reason: "missing_access_token", level: "WARN", user });
      try {
        const verifier = cognitoFor(config.cognitoUserPoolId, config.clientId);
        groups = await beforeDeadline(deadline, "Cognito access token verification", () =>
          verifier.groupsOf(accessToken.trim(), claims.sub),
        );
      } catch (err) {
        if (err instanceof AccessTokenError)
          return refuse("notVerified", { reason: err.reason, level: "WARN", user, detail: err.message });
        return refuse("notVerified", {
          reason: "verify_error",
          level: "ERROR",
          user,
          error: err instanceof Error ? err.name : "Error",
        });
      }
    } else {
      groups = parseGroups(claims[config.groupsClaim]);
    }
    const choice = chooseAirflowRole(groups, config.roleMapping, config.defaultRole);
    if (!choice) return refuse("notInGroup", { reason: "no_matching_group", level: "INFO", user });
    const roleArn = config.tokenRoleArns[choice.airflowRole];
    const who = {
      user,
      airflowRole: choice.airflowRole,
      ...(choice.group !== undefined ? { group: choice.group } : {}),
    };

    // 3. Assume the role allowed to create a token for exactly that Airflow role.
    let credentials: TemporaryCredentials;
    try {
      const client = (sts ??= createStsClient(config.region));
      const command = new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: session,
        SourceIdentity: session,
        DurationSeconds: ASSUME_ROLE_DURATION_SECONDS,
      });
      const out = await beforeDeadline(deadline, "AssumeRole", (abortSignal) => client.send(command, { abortSignal }));
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken)
        throw Object.assign(new Error("AssumeRole returned no credentials"), { name: "NoCredentials" });
      credentials = {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        ...(c.Expiration ? { expiration: c.Expiration } : {}),
      };
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      return refuse("noToken", {
        reason: "assume_role_failed",
        level: "ERROR",
        ...who,
        error: e.name,
        detail: e.message,
      });
    }

    // 4. The web login token, then into Airflow.
    let webToken: string;
    let airflowIdentity: string | undefined;
    try {
      const client = mwaaClient({ region: config.region, credentials });
      const command = new CreateWebLoginTokenCommand({ Name: config.environmentName });
      const out = await beforeDeadline(deadline, "CreateWebLoginToken", (abortSignal) =>
        client.send(command, { abortSignal }),
      );
      if (!out.WebToken)
        throw Object.assign(new Error("CreateWebLoginToken returned no token"), { name: "NoWebToken" });
      webToken = out.WebToken;
      airflowIdentity = out.AirflowIdentity;
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      return refuse("noToken", {
        reason: "create_web_login_token_failed",
        level: "ERROR",
        ...who,
        error: e.name,
        detail: e.message,
      });
    }

    // The token goes into a response header: anything but visible ASCII (CR, LF, ...) could split or bend it.
    const location = `https://${config.webHostname}${paths.webLoginPath}#${webToken}`;
    if (!isVisibleAscii(location))
      return refuse("noToken", { reason: "web_token_not_visible_ascii", level: "ERROR", ...who });
    finish("login", {
      decision: "allowed",
      reason: choice.group !== undefined ? "group_matched" : "default_role",
      level: "INFO",
      ...who,
      ...(airflowIdentity ? { airflowIdentity } : {}),
    });
    return respond(302, [["Location", location], ...NO_STORE], "");
  };
}

/** Lambda entry point (handler setting `index.handler`). */
export const handler: LoginHandler = createHandler();
