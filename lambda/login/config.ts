/** The sign-in Lambda's configuration: environment variables (contract.ts ENV_VARS) read and validated once. */
import {
  AIRFLOW_MAJORS,
  DEFAULT_ALB_SESSION_COOKIE_NAME,
  DEFAULT_GROUPS_CLAIM,
  ENV_VARS,
  GROUP_NAME_RULE,
  albPublicKeyBase,
  isValidGroupName,
} from "./contract";
import type { AirflowMajor } from "./contract";
import { isVisibleAscii } from "./alb";

export interface RoleMappingEntry {
  /** Group name as the identity provider puts it in the groups claim (case-sensitive, whole name). */
  readonly group: string;
  readonly airflowRole: string;
}

export interface LoginConfig {
  readonly environmentName: string;
  readonly albArn: string;
  readonly region: string;
  /** Where the ALB's signing keys are, without `/<kid>` (contract.ts albPublicKeyBase). */
  readonly albKeyBase: string;
  readonly airflowMajor: AirflowMajor;
  readonly roleMapping: readonly RoleMappingEntry[];
  readonly defaultRole?: string;
  readonly groupsClaim: string;
  /** The listener's client id, which the ALB header's `client` must carry. */
  readonly clientId: string;
  /** The listener's issuer, which the ALB header's `iss` must carry. */
  readonly issuer: string;
  /** Cognito only: groups come from the access token verified against this user pool. */
  readonly cognitoUserPoolId?: string;
  /** Airflow role -> IAM role ARN. */
  readonly tokenRoleArns: Readonly<Record<string, string>>;
  readonly webHostname: string;
  readonly logoutUrl?: string;
  readonly albSessionCookieName: string;
}

const ENVIRONMENT_NAME = /^[a-zA-Z][0-9a-zA-Z_-]{0,79}$/;
const ALB_ARN =
  /^arn:(aws(?:-[a-z]+)*):elasticloadbalancing:([a-z]{2}(?:-[a-z]+)+-\d{1,2}):\d{12}:loadbalancer\/app\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{1,32}$/;
const IAM_ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const AIRFLOW_ROLE = /^[A-Za-z0-9][\w .-]{0,63}$/;
const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
const COOKIE_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/;
/** Cognito user pool id: `<region>_<id>` (the region names the issuer host). */
const USER_POOL_ID = /^([a-z]{2}(?:-[a-z]+)+-\d{1,2})_[A-Za-z0-9]+$/;

function parseJson(env: NodeJS.ProcessEnv, name: string): unknown {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") throw new Error(`${name} is required`);
  try {
    return JSON.parse(raw);
  } catch {
    throw new Error(`${name} must be JSON`);
  }
}

function httpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === "https:";
  } catch {
    return false;
  }
}

/** Reads and validates the configuration; every error names its variable and never echoes a secret. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): LoginConfig {
  const str = (name: string): string => (env[name] ?? "").trim();

  const environmentName = str(ENV_VARS.environmentName);
  if (!ENVIRONMENT_NAME.test(environmentName))
    throw new Error(`${ENV_VARS.environmentName} must be an MWAA environment name, got "${environmentName}"`);

  const region = str("AWS_REGION");
  if (region === "") throw new Error("AWS_REGION is required");
  const albArn = str(ENV_VARS.albArn);
  const albMatch = ALB_ARN.exec(albArn);
  if (!albMatch) throw new Error(`${ENV_VARS.albArn} must be an Application Load Balancer ARN`);
  const [, partition, albRegion] = albMatch as unknown as [string, string, string];
  if (albRegion !== region)
    throw new Error(
      `${ENV_VARS.albArn} is in ${albRegion} but the function runs in ${region}; the ALB's signing keys are regional`,
    );
  const albKeyBase = albPublicKeyBase(partition, albRegion);
  if (albKeyBase === undefined)
    throw new Error(
      `${ENV_VARS.albArn}: the ALB guide documents no signing-key endpoint for ${partition} ${albRegion} (commercial regions and AWS GovCloud (US) only)`,
    );

  const airflowMajor = str(ENV_VARS.airflowMajor);
  if (!(AIRFLOW_MAJORS as readonly string[]).includes(airflowMajor))
    throw new Error(`${ENV_VARS.airflowMajor} must be one of ${AIRFLOW_MAJORS.join(", ")}, got "${airflowMajor}"`);

  const rawArns = parseJson(env, ENV_VARS.tokenRoleArns);
  if (rawArns === null || typeof rawArns !== "object" || Array.isArray(rawArns))
    throw new Error(`${ENV_VARS.tokenRoleArns} must be a JSON object of Airflow role -> IAM role ARN`);
  const tokenRoleArns: Record<string, string> = {};
  for (const [role, arn] of Object.entries(rawArns as Record<string, unknown>)) {
    if (!AIRFLOW_ROLE.test(role)) throw new Error(`${ENV_VARS.tokenRoleArns}: "${role}" is not an Airflow role name`);
    if (typeof arn !== "string" || !IAM_ROLE_ARN.test(arn))
      throw new Error(`${ENV_VARS.tokenRoleArns}: the value for "${role}" must be an IAM role ARN`);
    tokenRoleArns[role] = arn;
  }
  const needArn = (where: string, role: string): void => {
    if (!Object.hasOwn(tokenRoleArns, role))
      throw new Error(`${where}: Airflow role "${role}" has no IAM role in ${ENV_VARS.tokenRoleArns}`);
  };

  const rawMapping = parseJson(env, ENV_VARS.roleMapping);
  if (!Array.isArray(rawMapping))
    throw new Error(`${ENV_VARS.roleMapping} must be a JSON array of {"group", "airflowRole"}`);
  const roleMapping: RoleMappingEntry[] = rawMapping.map((entry: unknown, i) => {
    const e = entry as Partial<Record<string, unknown>> | null;
    if (e === null || typeof e !== "object" || typeof e.group !== "string" || typeof e.airflowRole !== "string") {
      throw new Error(`${ENV_VARS.roleMapping}[${i}] must be {"group": string, "airflowRole": string}`);
    }
    if (!isValidGroupName(e.group))
      throw new Error(`${ENV_VARS.roleMapping}[${i}].group must be a group name: ${GROUP_NAME_RULE}`);
    needArn(`${ENV_VARS.roleMapping}[${i}]`, e.airflowRole);
    return { group: e.group, airflowRole: e.airflowRole };
  });

  const defaultRole = str(ENV_VARS.defaultRole) || undefined;
  if (defaultRole !== undefined) needArn(ENV_VARS.defaultRole, defaultRole);
  if (roleMapping.length === 0 && defaultRole === undefined)
    throw new Error(`${ENV_VARS.roleMapping} is empty and ${ENV_VARS.defaultRole} is not set: nobody could sign in`);

  const groupsClaim = str(ENV_VARS.groupsClaim) || DEFAULT_GROUPS_CLAIM;

  const clientId = str(ENV_VARS.clientId);
  if (clientId === "") throw new Error(`${ENV_VARS.clientId} is required (the listener's client id)`);
  const cognitoUserPoolId = str(ENV_VARS.cognitoUserPoolId) || undefined;
  let issuer: string;
  if (cognitoUserPoolId !== undefined) {
    const pool = USER_POOL_ID.exec(cognitoUserPoolId);
    if (!pool) throw new Error(`${ENV_VARS.cognitoUserPoolId} must be a Cognito user pool id like eu-west-1_AbCdEf123`);
    // The ALB header's `iss` with a Cognito listener (aws-jwt-verify 5.2.1 README, AlbJwtVerifier `issuer`).
    issuer = `https://cognito-idp.${pool[1]}.amazonaws.com/${cognitoUserPoolId}`;
  } else {
    issuer = str(ENV_VARS.issuer);
    if (!httpsUrl(issuer)) throw new Error(`${ENV_VARS.issuer} must be the listener's OIDC issuer (an https URL)`);
  }

  const webHostname = str(ENV_VARS.webHostname).toLowerCase();
  if (!HOSTNAME.test(webHostname))
    throw new Error(
      `${ENV_VARS.webHostname} must be a host name such as airflow.example.com (no scheme, port or path)`,
    );

  const logoutUrl = str(ENV_VARS.logoutUrl) || undefined;
  // Used as the Location header as written: new URL() drops tabs and line breaks, so check the raw text too.
  if (logoutUrl !== undefined && !(httpsUrl(logoutUrl) && isVisibleAscii(logoutUrl))) {
    throw new Error(
      `${ENV_VARS.logoutUrl} must be an https URL of visible ASCII characters (percent-encode anything else)`,
    );
  }

  const albSessionCookieName = str(ENV_VARS.albSessionCookieName) || DEFAULT_ALB_SESSION_COOKIE_NAME;
  if (!COOKIE_NAME.test(albSessionCookieName))
    throw new Error(`${ENV_VARS.albSessionCookieName} must be a cookie name`);

  return {
    environmentName,
    albArn,
    region,
    albKeyBase,
    airflowMajor: airflowMajor as AirflowMajor,
    roleMapping,
    ...(defaultRole !== undefined ? { defaultRole } : {}),
    groupsClaim,
    clientId,
    issuer,
    ...(cognitoUserPoolId !== undefined ? { cognitoUserPoolId } : {}),
    tokenRoleArns,
    webHostname,
    ...(logoutUrl !== undefined ? { logoutUrl } : {}),
    albSessionCookieName,
  };
}
