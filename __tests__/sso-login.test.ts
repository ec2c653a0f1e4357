import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { strToU8, zipSync } from "fflate";
import { parseConfig } from "../model/parse";
import type { EnvironmentInput } from "../model/schema";
import { shippedLambdaCode } from "../lambda/shipped";
import {
  ASSUME_TOKEN_ROLE_ACTIONS,
  ENV_VARS,
  LOGIN_TIMEOUT_SECONDS,
  MAX_CONDITION_VALUES_PER_RULE,
} from "../lambda/login/contract";
import {
  type Block,
  type TerraformJson,
  addresses,
  blockAt,
  minimalEnvironment,
  nameOf,
  ref,
  resources,
  synthStack,
  configErrorLines,
  COGNITO,
  OIDC as OIDC_PROVIDER,
} from "./helpers";

// Issue "Sign in to Airflow": the ALB authenticates, a login Lambda maps groups to an Airflow role
// and signs the person in with an MWAA web login token from that role's token role.

// A small real bundle, so no esbuild run is needed.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sso-login-test-"));
const zipPath = path.join(tmp, "sign-in.zip");
const zip = zipSync(
  { "index.js": strToU8("exports.handler = async () => ({ statusCode: 200 });\n") },
  { mtime: new Date("2000-01-01T00:00:00Z") },
);
fs.writeFileSync(zipPath, zip);
const signInCode = { zipPath, sha256Base64: createHash("sha256").update(zip).digest("base64") };
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const OIDC = { ...OIDC_PROVIDER, logoutUrl: "https://login.example.com/oauth2/v1/logout" };

/** Two groups map to Viewer: still one Viewer token role. */
const AF2_MAPPING = [
  { group: "airflow-admins", airflowRole: "Admin" },
  { group: "data-engineers", airflowRole: "User" },
  { group: "analysts", airflowRole: "Viewer" },
  { group: "interns", airflowRole: "Viewer" },
];
const AF3_MAPPING = [{ group: "airflow-admins", airflowRole: "Admin" }];

const env = (overrides: Record<string, unknown>) => minimalEnvironment(overrides as Partial<EnvironmentInput>);
/** Airflow 2, OIDC with a logout URL, no default role. */
const af2Env = env({
  airflow: { version: "2.10.3" },
  access: {
    domainName: "airflow.example.com",
    hostedZoneName: "example.com",
    allowedCidrs: ["10.0.0.0/8"],
    sso: { type: "oidc", oidc: OIDC, roleMapping: AF2_MAPPING },
  },
});
/** Airflow 3, Cognito (domain prefix), a default role, its own groups claim, another environment name. */
const af3Env = env({
  name: "analytics-af3",
  airflow: { version: "3.0.6" },
  access: {
    domainName: "airflow3.example.com",
    hostedZoneId: "Z0123456789ABCDEFGHIJ",
    allowedCidrs: ["10.0.0.0/8"],
    sso: {
      type: "cognito",
      cognito: COGNITO,
      groupsClaim: "cognito:groups",
      roleMapping: AF3_MAPPING,
      defaultRole: "Viewer",
    },
  },
});

// Each distinct config is synthesized once and shared by the tests below.
const af2 = synthStack(af2Env, undefined, { signInCode });
const af3 = synthStack(af3Env, undefined, { signInCode });
/** ALB authentication without sso, and every bundle handed in: the sign-in bundle must go unused. */
const noSso = synthStack(
  env({
    access: {
      domainName: "airflow.example.com",
      hostedZoneName: "example.com",
      allowedCidrs: ["10.0.0.0/8"],
      authentication: { type: "oidc", oidc: OIDC },
    },
  }),
  undefined,
  { signInCode, workerCountCode: signInCode },
);

const S = "Mwaa_SignIn";
const CASES: [string, TerraformJson, "2" | "3"][] = [
  ["Airflow 2", af2, "2"],
  ["Airflow 3", af3, "3"],
];
const rule = (doc: TerraformJson, id: string) => blockAt(doc, "aws_lb_listener_rule", `${S}_${id}`);
const webTg = (doc: TerraformJson) => ref(doc, "aws_lb_target_group", "Mwaa_WebAccess_TargetGroup", "arn");
const lambdaTg = (doc: TerraformJson) => ref(doc, "aws_lb_target_group", `${S}_TargetGroup`, "arn");
const httpsListener = (doc: TerraformJson) => blockAt(doc, "aws_lb_listener", "Mwaa_WebAccess_HttpsListener");
const fn = (doc: TerraformJson) => blockAt(doc, "aws_lambda_function", `${S}_Function`);
const variables = (doc: TerraformJson): Record<string, string> => fn(doc).environment.variables;
const policyDoc = (doc: TerraformJson, id: string) => blockAt(doc, "data.aws_iam_policy_document", id);
const partition = (doc: TerraformJson) => ref(doc, "data.aws_partition", "Mwaa_Partition", "partition");
const account = (doc: TerraformJson) => ref(doc, "data.aws_caller_identity", "Mwaa_Account", "account_id");
/** The Airflow roles that have a token role; fails on none, so loops over them cannot pass empty. */
const roleNames = (doc: TerraformJson): string[] => {
  const names = Object.keys(tokenRoles(doc));
  expect(names.length).toBeGreaterThan(0);
  return names;
};
/** Token role IamRole resources by Airflow role, read from the construct paths `<Role>TokenRole`. */
const tokenRoles = (doc: TerraformJson): Record<string, Block> =>
  Object.fromEntries(
    Object.entries(resources(doc, "aws_iam_role"))
      .map(([name, body]) => [/^Mwaa_SignIn_([A-Za-z]+)TokenRole_[0-9A-F]{8}$/.exec(name)?.[1], body] as const)
      .filter((e): e is [string, Block] => e[0] !== undefined),
  );
const tokenRoleArn = (doc: TerraformJson, name: string) => `arn:${partition(doc)}:iam::${account(doc)}:role/${name}`;

describe.each(CASES)("listener rules, %s", (_what, doc, major) => {
  // The paths people and the web server use, written out (not read from the contract the construct
  // itself reads), so a changed path table shows up here as a changed behaviour.
  const paths = {
    "2": {
      passThrough: ["/aws_mwaa/aws-console-sso"],
      login: ["/aws_mwaa/aws-console-sso", "/login", "/login/"],
      logout: ["/logout", "/logout/"],
    },
    "3": {
      passThrough: ["/pluginsv2/aws_mwaa/aws-console-sso", "/aws_mwaa/aws-console-sso"],
      login: ["/pluginsv2/aws_mwaa/aws-console-sso", "/aws_mwaa/aws-console-sso", "/auth/login", "/auth/login/"],
      logout: ["/auth/logout", "/auth/logout/", "/logout", "/logout/"],
    },
  }[major];
  const authenticate = () => httpsListener(doc).default_action[0];

  test("pass-through, login, logout, in that priority order, all on the HTTPS listener", () => {
    const listener = ref(doc, "aws_lb_listener", "Mwaa_WebAccess_HttpsListener", "arn");
    const rules = ["PassThroughRule", "LoginRule", "LogoutRule"].map((id) => rule(doc, id));
    expect(rules.map((r) => r.priority)).toEqual([10, 20, 30]);
    expect(Object.keys(resources(doc, "aws_lb_listener_rule"))).toHaveLength(3);
    for (const r of rules) expect(r.listener_arn).toBe(listener);
  });

  test("pass-through: the web login URL (login=true) authenticates and goes to the web server, not back to the Lambda", () => {
    // GIVEN the Lambda redirects to <pass-through path>?login=true#<token>
    const r = rule(doc, "PassThroughRule");
    expect(r.condition).toEqual([
      { path_pattern: { values: paths.passThrough } },
      { query_string: [{ key: "login", value: "true" }] },
    ]);
    // THEN authenticate (order 1), then forward to the web server target group (order 2)
    expect(r.action).toEqual([authenticate(), { type: "forward", order: 2, target_group_arn: webTg(doc) }]);
  });

  test("login: GET on the version's login paths authenticates, then forwards to the Lambda target group", () => {
    const r = rule(doc, "LoginRule");
    expect(r.condition).toEqual([
      { path_pattern: { values: paths.login } },
      { http_request_method: { values: ["GET"] } },
    ]);
    expect(r.action).toEqual([authenticate(), { type: "forward", order: 2, target_group_arn: lambdaTg(doc) }]);
    expect(r.action[0].order).toBe(1);
  });

  test("logout: the version's logout paths go to the Lambda without authentication", () => {
    const r = rule(doc, "LogoutRule");
    expect(r.condition).toEqual([{ path_pattern: { values: paths.logout } }]);
    expect(r.action).toEqual([{ type: "forward", order: 1, target_group_arn: lambdaTg(doc) }]);
  });

  test("every rule stays within the ALB's condition values per rule", () => {
    for (const id of ["PassThroughRule", "LoginRule", "LogoutRule"]) {
      const count = rule(doc, id).condition.reduce(
        (n: number, c: Block) =>
          n +
          (c.path_pattern?.values.length ?? 0) +
          (c.http_request_method?.values.length ?? 0) +
          (c.query_string?.length ?? 0),
        0,
      );
      expect(count).toBeLessThanOrEqual(MAX_CONDITION_VALUES_PER_RULE);
    }
  });

  test("the HTTPS listener's default action authenticates, then forwards to the web server target group", () => {
    const [first, second, ...rest] = httpsListener(doc).default_action;
    expect(rest).toEqual([]);
    expect(first).toMatchObject({ type: major === "2" ? "authenticate-oidc" : "authenticate-cognito", order: 1 });
    expect(second).toEqual({ type: "forward", order: 2, target_group_arn: webTg(doc) });
  });
});

test("the two versions route different login paths (Airflow 3's /auth/login/ only on Airflow 3)", () => {
  expect(rule(af3, "LoginRule").condition[0].path_pattern.values).toContain("/auth/login/");
  expect(rule(af2, "LoginRule").condition[0].path_pattern.values).not.toContain("/auth/login/");
  expect(rule(af3, "PassThroughRule").condition[0].path_pattern.values).toContain(
    "/pluginsv2/aws_mwaa/aws-console-sso",
  );
});

test("the identity provider in the rules: OIDC reads its client secret by reference, Cognito uses the user pool", () => {
  expect(rule(af2, "LoginRule").action[0].authenticate_oidc.client_secret).toBe(
    ref(af2, "data.aws_ssm_parameter", "Mwaa_WebAccess_OidcClientSecret", "value"),
  );
  expect(rule(af3, "LoginRule").action[0].authenticate_cognito).toMatchObject({
    user_pool_arn: COGNITO.userPoolArn,
    user_pool_client_id: COGNITO.userPoolClientId,
    user_pool_domain: COGNITO.userPoolDomain,
  });
});

describe("the Lambda behind the ALB", () => {
  test("its target group is of type lambda with multi-value headers on", () => {
    const tg = blockAt(af2, "aws_lb_target_group", `${S}_TargetGroup`);
    expect(tg).toMatchObject({ target_type: "lambda", lambda_multi_value_headers_enabled: true });
    for (const key of ["port", "protocol", "vpc_id"]) expect(tg).not.toHaveProperty(key);
  });

  test("the ALB may invoke the function, from that target group only", () => {
    expect(blockAt(af2, "aws_lambda_permission", `${S}_InvokeFromAlb`)).toMatchObject({
      action: "lambda:InvokeFunction",
      function_name: ref(af2, "aws_lambda_function", `${S}_Function`, "function_name"),
      principal: "elasticloadbalancing.amazonaws.com",
      source_arn: lambdaTg(af2),
    });
  });

  test("the function is attached to the target group after the permission exists", () => {
    expect(blockAt(af2, "aws_lb_target_group_attachment", `${S}_Target`)).toEqual({
      target_group_arn: lambdaTg(af2),
      target_id: ref(af2, "aws_lambda_function", `${S}_Function`, "arn"),
      depends_on: [`aws_lambda_permission.${nameOf(af2, "aws_lambda_permission", `${S}_InvokeFromAlb`)}`],
    });
  });

  test("the function runs the given bundle with the login timeout", () => {
    expect(fn(af2)).toMatchObject({
      source_code_hash: signInCode.sha256Base64,
      timeout: LOGIN_TIMEOUT_SECONDS,
      role: ref(af2, "aws_iam_role", `${S}_Function_Role`, "arn"),
    });
  });
});

describe("token roles", () => {
  test.each([
    ["Airflow 2: one per distinct mapped role", af2, ["Admin", "User", "Viewer"]],
    ["Airflow 3: the mapped role and the default role", af3, ["Admin", "Viewer"]],
  ] as const)("%s", (_what, doc, roles) => {
    expect(Object.keys(tokenRoles(doc)).sort()).toEqual([...roles]);
  });

  test.each(CASES)(
    "%s: each trusts only the login Lambda's role, for AssumeRole and SetSourceIdentity",
    (_what, doc) => {
      const lambdaRole = ref(doc, "aws_iam_role", `${S}_Function_Role`, "arn");
      for (const role of roleNames(doc)) {
        expect(blockAt(doc, "aws_iam_role", `${S}_${role}TokenRole`).assume_role_policy).toBe(
          ref(doc, "data.aws_iam_policy_document", `${S}_${role}TokenRoleTrust`, "json"),
        );
        const statements = policyDoc(doc, `${S}_${role}TokenRoleTrust`).statement;
        expect(statements).toHaveLength(1);
        expect(statements[0].effect ?? "Allow").toBe("Allow");
        expect([...statements[0].actions].sort()).toEqual([...ASSUME_TOKEN_ROLE_ACTIONS].sort());
        expect(statements[0].principals).toEqual([{ type: "AWS", identifiers: [lambdaRole] }]);
      }
    },
  );

  test.each([
    ["Airflow 2", af2, "dev"],
    ["Airflow 3", af3, "analytics-af3"],
  ] as const)("%s: each may only create web login tokens for its own Airflow role", (_what, doc, envName) => {
    for (const role of roleNames(doc)) {
      // GIVEN the role's inline policy
      const policy = blockAt(doc, "aws_iam_role_policy", `${S}_${role}TokenRolePolicy`);
      expect(policy.role).toBe(ref(doc, "aws_iam_role", `${S}_${role}TokenRole`, "id"));
      expect(policy.policy).toBe(ref(doc, "data.aws_iam_policy_document", `${S}_${role}TokenPolicy`, "json"));
      // THEN one action on exactly arn:<partition>:airflow:<region>:<account>:role/<env>/<Role>
      expect(policyDoc(doc, `${S}_${role}TokenPolicy`).statement).toEqual([
        {
          actions: ["airflow:CreateWebLoginToken"],
          resources: [`arn:${partition(doc)}:airflow:eu-west-1:${account(doc)}:role/${envName}/${role}`],
        },
      ]);
    }
  });

  test.each(CASES)("%s: the Lambda's own policy may assume exactly those roles", (_what, doc) => {
    const policy = blockAt(doc, "aws_iam_role_policy", `${S}_Function_Policy`);
    expect(policy.role).toBe(ref(doc, "aws_iam_role", `${S}_Function_Role`, "id"));
    expect(policy.policy).toBe(ref(doc, "data.aws_iam_policy_document", `${S}_Function_PolicyDocument`, "json"));
    const assume = policyDoc(doc, `${S}_Function_PolicyDocument`).statement.filter((s: Block) =>
      s.actions.some((a: string) => a.startsWith("sts:")),
    );
    expect(assume).toHaveLength(1);
    expect([...assume[0].actions].sort()).toEqual([...ASSUME_TOKEN_ROLE_ACTIONS].sort());
    const names = Object.values(tokenRoles(doc)).map((r) => r.name as string);
    expect([...assume[0].resources].sort()).toEqual(names.map((n) => tokenRoleArn(doc, n)).sort());
  });
});

describe("token role names are account-global", () => {
  test("GIVEN one environment name in two Regions of an account WHEN synthesized THEN no token role name is shared, and each fits IAM's 64 characters", () => {
    // GIVEN the same environment in eu-west-1 (af2) and us-east-1
    const usEast = synthStack(env({ ...af2Env, region: "us-east-1" }), undefined, { signInCode });
    const names = (doc: TerraformJson) => Object.values(tokenRoles(doc)).map((r) => r.name as string);
    // THEN IAM, which has one role namespace per account, sees different names
    expect(names(usEast)).toHaveLength(names(af2).length);
    expect(names(usEast).filter((n) => names(af2).includes(n))).toEqual([]);
    for (const n of [...names(af2), ...names(usEast)]) expect(n).toMatch(/^[\w+=,.@-]{1,64}$/);
    // AND the Lambda names the roles of its own Region
    const arns = JSON.parse(variables(usEast)[ENV_VARS.tokenRoleArns]) as Record<string, string>;
    expect(
      Object.values(arns)
        .map((a) => a.split("/").pop())
        .sort(),
    ).toEqual([...names(usEast)].sort());
  });
});

describe("the Lambda's environment", () => {
  test.each(CASES)("%s: ALB_ARN is the ALB's arn, AIRFLOW_MAJOR its major version", (_what, doc, major) => {
    expect(variables(doc)[ENV_VARS.albArn]).toBe(ref(doc, "aws_lb", "Mwaa_WebAccess_LoadBalancer", "arn"));
    expect(variables(doc)[ENV_VARS.airflowMajor]).toBe(major);
  });

  test("ROLE_MAPPING is the mapping in order; DEFAULT_ROLE and GROUPS_CLAIM follow the config", () => {
    expect(JSON.parse(variables(af2)[ENV_VARS.roleMapping])).toEqual(AF2_MAPPING);
    expect(JSON.parse(variables(af3)[ENV_VARS.roleMapping])).toEqual(AF3_MAPPING);
    expect(variables(af2)).not.toHaveProperty(ENV_VARS.defaultRole);
    expect(variables(af3)[ENV_VARS.defaultRole]).toBe("Viewer");
    expect(variables(af2)[ENV_VARS.groupsClaim]).toBe("groups");
    // Cognito: no claim name; the handler reads cognito:groups from the verified access token.
    expect(variables(af3)).not.toHaveProperty(ENV_VARS.groupsClaim);
    expect(variables(af3)[ENV_VARS.environmentName]).toBe("analytics-af3");
  });

  test("the ALB header's client and iss are checked against the listener: OIDC clientId and issuer; Cognito app client and user pool id", () => {
    expect(variables(af2)).toMatchObject({ [ENV_VARS.clientId]: OIDC.clientId, [ENV_VARS.issuer]: OIDC.issuer });
    expect(variables(af2)).not.toHaveProperty(ENV_VARS.cognitoUserPoolId);
    expect(variables(af3)).toMatchObject({
      [ENV_VARS.clientId]: COGNITO.userPoolClientId,
      [ENV_VARS.cognitoUserPoolId]: COGNITO.userPoolArn.split("/")[1],
    });
    expect(variables(af3)).not.toHaveProperty(ENV_VARS.issuer);
  });

  test.each(CASES)("%s: TOKEN_ROLE_ARNS names the same roles the IamRole resources create", (_what, doc) => {
    const arns = JSON.parse(variables(doc)[ENV_VARS.tokenRoleArns]) as Record<string, string>;
    const roles = tokenRoles(doc);
    expect(Object.keys(arns).sort()).toEqual(Object.keys(roles).sort());
    for (const [role, body] of Object.entries(roles)) expect(arns[role]).toBe(tokenRoleArn(doc, body.name));
  });

  test("WEB_HOSTNAME is the domain, without scheme", () => {
    expect(variables(af2)[ENV_VARS.webHostname]).toBe("airflow.example.com");
    expect(variables(af3)[ENV_VARS.webHostname]).toBe("airflow3.example.com");
  });

  test("LOGOUT_URL: the OIDC logoutUrl, or Cognito's logout endpoint returning to the domain", () => {
    expect(variables(af2)[ENV_VARS.logoutUrl]).toBe(OIDC.logoutUrl);
    expect(variables(af3)[ENV_VARS.logoutUrl]).toBe(
      "https://analytics-airflow.auth.eu-west-1.amazoncognito.com/logout?client_id=1example23456789&logout_uri=https%3A%2F%2Fairflow3.example.com%2F",
    );
  });
});

describe("without sso", () => {
  test("nothing sign-in related exists, even with the sign-in bundle handed in", () => {
    // GIVEN access.authentication (no sso) and both Lambda bundles
    expect(addresses(noSso).filter((a) => a.includes("SignIn"))).toEqual([]);
    expect(resources(noSso, "aws_lb_listener_rule")).toEqual({});
    expect(Object.values(resources(noSso, "aws_lb_target_group")).map((tg) => tg.target_type)).toEqual(["ip"]);
    expect(Object.keys(tokenRoles(noSso))).toEqual([]);
    // THEN the only function is the worker-count one
    expect(Object.keys(resources(noSso, "aws_lambda_function"))).toEqual([
      nameOf(noSso, "aws_lambda_function", "Mwaa_WorkerCount_Function"),
    ]);
  });

  test("sso without a sign-in bundle from the app uses the one shipped with the package", () => {
    // GIVEN access.sso and no signInCode
    const doc = synthStack(af2Env);
    // THEN the login function runs the shipped bundle
    const fns = Object.values(resources(doc, "aws_lambda_function")).map((f) => f.source_code_hash);
    expect(fns).toContain(shippedLambdaCode("login").sha256Base64);
  });
});

describe("sso validation", () => {
  const FILE = "config/test.json";
  const BASE = { domainName: "airflow.example.com", hostedZoneName: "example.com", allowedCidrs: ["10.0.0.0/8"] };
  const SSO = { type: "oidc", oidc: OIDC, roleMapping: [{ group: "airflow-admins", airflowRole: "Admin" }] };
  const config = (access: Record<string, unknown>, more: Record<string, unknown> = {}) => ({
    environments: [env({ access, ...more })],
  });
  const withSso = (sso: Record<string, unknown>) => config({ ...BASE, sso: { ...SSO, ...sso } });
  const errorLines = (c: unknown) => configErrorLines(() => parseConfig(JSON.stringify(c), FILE));
  const A = "environments[0].access";
  const ROLES = "an Airflow role: Admin, Op, User, Viewer, Public";

  test("the base of the cases below is valid", () => {
    expect(() => parseConfig(JSON.stringify(withSso({})), FILE)).not.toThrow();
  });

  const INVALID: [string, unknown, string, string][] = [
    [
      "sso without domainName",
      config({
        certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9",
        allowedCidrs: ["10.0.0.0/8"],
        sso: SSO,
      }),
      `${A}.domainName`,
      "required with sso (the IdP callback is https://<domainName>/oauth2/idpresponse)",
    ],
    [
      "sso together with authentication",
      config({ ...BASE, sso: SSO, authentication: { type: "oidc", oidc: OIDC } }),
      `${A}.authentication`,
      "authentication or sso, not both (sso authenticates too)",
    ],
    ["an empty roleMapping", withSso({ roleMapping: [] }), `${A}.sso.roleMapping`, "at least one {group, airflowRole}"],
    [
      "a group mapped twice",
      withSso({
        roleMapping: [
          { group: "a", airflowRole: "Admin" },
          { group: "a", airflowRole: "User" },
        ],
      }),
      `${A}.sso.roleMapping[1].group`,
      "each group once (the first match wins, so a repeat never applies)",
    ],
    [
      "an unknown airflowRole",
      withSso({ roleMapping: [{ group: "a", airflowRole: "admin" }] }),
      `${A}.sso.roleMapping[0].airflowRole`,
      ROLES,
    ],
    ["an unknown defaultRole", withSso({ defaultRole: "Superuser" }), `${A}.sso.defaultRole`, ROLES],
    [
      "type cognito without the cognito block",
      withSso({ type: "cognito", oidc: undefined }),
      `${A}.sso.cognito`,
      'required when type is "cognito"',
    ],
    [
      "a cognito block without userPoolDomain",
      withSso({ type: "cognito", oidc: undefined, cognito: { ...COGNITO, userPoolDomain: undefined } }),
      `${A}.sso.cognito.userPoolDomain`,
      "required",
    ],
    [
      "a client secret that is an SSM ARN, not a Secrets Manager ARN",
      withSso({ oidc: { ...OIDC, clientSecret: { secretArn: "arn:aws:ssm:eu-west-1:123456789012:parameter/x" } } }),
      `${A}.sso.oidc.clientSecret.secretArn`,
      "a Secrets Manager secret ARN",
    ],
    [
      "a parameter name with a space",
      withSso({ oidc: { ...OIDC, clientSecret: { ssmParameter: "my secret" } } }),
      `${A}.sso.oidc.clientSecret.ssmParameter`,
      "an SSM parameter name like /mwaa/oidc/client-secret",
    ],
    [
      "sso with endpoints.createdBy vpc-owner",
      config({ ...BASE, sso: SSO }, { endpoints: { createdBy: "vpc-owner" } }),
      `${A}.sso`,
      "not supported with endpoints.createdBy vpc-owner yet (the ALB is the VPC owner's); use access.authentication",
    ],
    [
      "a group name with a leading space",
      withSso({ roleMapping: [{ group: " admins", airflowRole: "Admin" }] }),
      `${A}.sso.roleMapping[0].group`,
      "a group name: 1 to 256 characters, no control characters, no leading or trailing spaces",
    ],
    [
      "a group name with a line break",
      withSso({ roleMapping: [{ group: "a\nb", airflowRole: "Admin" }] }),
      `${A}.sso.roleMapping[0].group`,
      "a group name: 1 to 256",
    ],
    [
      "Cognito with a groups claim of its own (a user attribute)",
      withSso({ type: "cognito", oidc: undefined, cognito: COGNITO, groupsClaim: "custom:groups" }),
      `${A}.sso.groupsClaim`,
      "leave it out with Cognito: groups come from the verified access token's cognito:groups (a user attribute is not a source of roles)",
    ],
    [
      "sso in a China region (no documented ALB key endpoint)",
      config({ ...BASE, sso: SSO }, { region: "cn-north-1" }),
      `${A}.sso`,
      "not available in cn-north-1: the ALB guide documents the keys that sign x-amzn-oidc-data for commercial regions and AWS GovCloud (US) only",
    ],
  ];

  test("a group name with inner spaces is valid", () => {
    expect(() =>
      parseConfig(JSON.stringify(withSso({ roleMapping: [{ group: "Data Engineers", airflowRole: "Op" }] })), FILE),
    ).not.toThrow();
  });

  test.each(INVALID)("%s", (_what, c, fieldPath, message) => {
    // GIVEN one broken sso field
    // THEN a line names its path and says what is allowed
    expect(errorLines(c)).toContainEqual(expect.stringContaining(`${FILE}: ${fieldPath}: ${message}`));
  });
});
