import { generateKeyPairSync, sign } from "node:crypto";
import type { KeyObject } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { CreateWebLoginTokenCommand, MWAAClient } from "@aws-sdk/client-mwaa";
import type { CreateWebLoginTokenResponse } from "@aws-sdk/client-mwaa";
import { mockClient } from "aws-sdk-client-mock";
import { unzipSync } from "fflate";
import { bundleLambda } from "../lambda/bundle";
import * as contract from "../lambda/login/contract";
import { AlbJwtError, albPublicKeyUrl, createPublicKeyLookup, fetchPem, verifyAlbJwt } from "../lambda/login/jwt";
import { albPublicKeyBase } from "../lambda/login/contract";
import {
  chooseAirflowRole,
  createHandler,
  createMwaaClient,
  identityOf,
  parseGroups,
  readConfig,
  LOGIN_DEADLINE_MARGIN_MS,
  sessionName,
} from "../lambda/login/handler";
import type { AlbEvent, AlbResult, LoginDeps, MwaaClientFactory } from "../lambda/login/handler";

// ---------------------------------------------------------------- fixtures

const ROOT = path.resolve(__dirname, "..");
const REGION = "eu-west-1";
const ALB_ARN = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/airflow-alb/50dc6c495c0c9188";
const KID = "7c1e4a9b-3f2d-4c5e-8a6b-9d0e1f2a3b4c";
const KEY_BASE = `https://public-keys.auth.elb.${REGION}.amazonaws.com`;
const KEY_URL = `${KEY_BASE}/${KID}`;
const CLIENT_ID = "airflow-client";
const ISSUER = "https://login.example.com";
/** 2026-11-25T10:00:00Z */
const NOW_MS = Date.UTC(2026, 10, 25, 10, 0, 0);
const NOW_S = NOW_MS / 1000;

const ARNS = {
  Admin: "arn:aws:iam::123456789012:role/airflow-prod-token-admin",
  Op: "arn:aws:iam::123456789012:role/airflow-prod-token-op",
  User: "arn:aws:iam::123456789012:role/airflow-prod-token-user",
  Viewer: "arn:aws:iam::123456789012:role/airflow-prod-token-viewer",
};
const MAPPING = [
  { group: "airflow-admins", airflowRole: "Admin" },
  { group: "data-engineers", airflowRole: "Op" },
  { group: "analysts", airflowRole: "Viewer" },
];
const ENV: NodeJS.ProcessEnv = {
  AWS_REGION: REGION,
  MWAA_ENVIRONMENT_NAME: "analytics-prod",
  ALB_ARN,
  AIRFLOW_MAJOR: "2",
  ROLE_MAPPING: JSON.stringify(MAPPING),
  TOKEN_ROLE_ARNS: JSON.stringify(ARNS),
  WEB_HOSTNAME: "airflow.example.com",
  OIDC_CLIENT_ID: CLIENT_ID,
  OIDC_ISSUER: ISSUER,
  LOGOUT_URL: "https://login.example.com/logout?client_id=abc&logout_uri=https%3A%2F%2Fairflow.example.com%2F",
};
const WEB_TOKEN = "eyJ0eXAiOiJKV1QifQ.web-login-token.sig";
const CREDS = {
  AccessKeyId: "ASIATESTKEY",
  SecretAccessKey: "secret",
  SessionToken: "session-token",
  Expiration: new Date(NOW_MS + 900_000),
};

const alb = generateKeyPairSync("ec", { namedCurve: "P-256" });
const other = generateKeyPairSync("ec", { namedCurve: "P-256" });
const PEM = alb.publicKey.export({ type: "spki", format: "pem" }).toString();

const b64 = (data: string | Buffer, pad: boolean): string => {
  const s = Buffer.from(data).toString("base64url");
  return pad ? s.padEnd(Math.ceil(s.length / 4) * 4, "=") : s;
};

interface SignOptions {
  readonly header?: Record<string, unknown>;
  readonly key?: KeyObject;
  /** The ALB quirk: `=` padding on every segment. */
  readonly pad?: boolean;
}

/** An ALB-style `x-amzn-oidc-data` value signed with ES256 (r||s) over the segments as sent. */
function albJwt(claims: Record<string, unknown>, opts: SignOptions = {}): string {
  const header = {
    alg: "ES256",
    kid: KID,
    signer: ALB_ARN,
    iss: "https://login.example.com",
    client: "airflow-client",
    exp: NOW_S + 120,
    typ: "JWT",
    ...opts.header,
  };
  const signingInput = `${b64(JSON.stringify(header), opts.pad ?? false)}.${b64(JSON.stringify(claims), opts.pad ?? false)}`;
  const signature = sign("sha256", Buffer.from(signingInput), {
    key: opts.key ?? alb.privateKey,
    dsaEncoding: "ieee-p1363",
  });
  return `${signingInput}.${b64(signature, opts.pad ?? false)}`;
}

const JANE = {
  sub: "00u1abcd",
  email: "jane.doe@example.com",
  email_verified: true,
  groups: ["analysts", "airflow-admins"],
  exp: NOW_S + 120,
  iss: "https://login.example.com",
};

function loginEvent(token: string | undefined, overrides: Partial<AlbEvent> = {}): AlbEvent {
  return {
    requestContext: {
      elb: {
        targetGroupArn:
          "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/airflow-login/6d0ecf831eec9f09",
      },
    },
    httpMethod: "GET",
    path: "/aws_mwaa/aws-console-sso",
    multiValueQueryStringParameters: {},
    multiValueHeaders: {
      host: ["airflow.example.com"],
      "user-agent": ["Mozilla/5.0"],
      "x-amzn-oidc-identity": ["00u1abcd"],
      ...(token !== undefined ? { "x-amzn-oidc-data": [token] } : {}),
    },
    body: "",
    isBase64Encoded: false,
    ...overrides,
  };
}

const fetchOk = () => jest.fn(async (_url: string) => PEM);

// One mock per client class for the whole file: they stub the shared prototypes' `send`, which the bundled artifact uses too.
const sts = mockClient(STSClient);
// @aws-sdk/client-mwaa 3.523 (the only version on the registry mirror) is typed against older @smithy/types than
// aws-sdk-client-mock 4.1, so its classes do not type-check as mock targets; at run time the stub is the same.
const mwaa = mockClient(MWAAClient as never);
const TokenCommand = CreateWebLoginTokenCommand as never;
type TokenCall = { args: [{ input: { Name?: string } }] };
const tokenAnswer = (out: CreateWebLoginTokenResponse) => out as never;
afterAll(() => {
  sts.restore();
  mwaa.restore();
});

// ---------------------------------------------------------------- contract

describe("contract", () => {
  test("GIVEN the contract module WHEN read THEN it imports nothing (safe at synth time) and names the documented variables and roles", () => {
    const source = fs.readFileSync(path.join(ROOT, "lambda", "login", "contract.ts"), "utf8");
    expect(source).not.toMatch(/^\s*import\b|\brequire\(/m);
    expect(Object.values(contract.ENV_VARS).sort()).toEqual([
      "AIRFLOW_MAJOR",
      "ALB_ARN",
      "ALB_SESSION_COOKIE_NAME",
      "COGNITO_USER_POOL_ID",
      "DEFAULT_ROLE",
      "GROUPS_CLAIM",
      "LOGOUT_URL",
      "MWAA_ENVIRONMENT_NAME",
      "OIDC_CLIENT_ID",
      "OIDC_ISSUER",
      "ROLE_MAPPING",
      "TOKEN_ROLE_ARNS",
      "WEB_HOSTNAME",
    ]);
    expect(contract.AIRFLOW_ROLE_NAMES).toEqual(["Admin", "Op", "User", "Viewer", "Public"]);
    expect(contract.ASSUME_TOKEN_ROLE_ACTIONS).toEqual(["sts:AssumeRole", "sts:SetSourceIdentity"]);
  });

  test.each(contract.AIRFLOW_MAJORS)(
    "GIVEN Airflow %s paths WHEN turned into listener rules THEN each rule fits the ALB's 5 condition values and the redirect target is not routed back to the Lambda",
    (major) => {
      const p = contract.AIRFLOW_WEB_PATHS[major];
      expect(p.loginPathPatterns.length + contract.LOGIN_HTTP_METHODS.length).toBeLessThanOrEqual(
        contract.MAX_CONDITION_VALUES_PER_RULE,
      );
      expect(p.passThroughPathPatterns.length + 1).toBeLessThanOrEqual(contract.MAX_CONDITION_VALUES_PER_RULE);
      expect(p.logoutPathPatterns.length).toBeLessThanOrEqual(contract.MAX_CONDITION_VALUES_PER_RULE);
      const [redirectPath, query] = p.webLoginPath.split("?");
      expect(p.passThroughPathPatterns).toContain(redirectPath);
      expect(query).toBe(`${contract.PASS_THROUGH_QUERY.key}=${contract.PASS_THROUGH_QUERY.value}`);
      expect(p.loginPathPatterns).not.toContain(p.tokenExchangePath);
      expect(p.logoutPathPatterns.filter((x) => p.loginPathPatterns.includes(x))).toEqual([]);
    },
  );

  test("GIVEN the two majors WHEN compared THEN Airflow 3 uses the /pluginsv2 login URL and /auth/login, Airflow 2 the /aws_mwaa URL and /login/", () => {
    expect(contract.AIRFLOW_WEB_PATHS["2"].webLoginPath).toBe("/aws_mwaa/aws-console-sso?login=true");
    expect(contract.AIRFLOW_WEB_PATHS["3"].webLoginPath).toBe("/pluginsv2/aws_mwaa/aws-console-sso?login=true");
    expect(contract.AIRFLOW_WEB_PATHS["2"].loginPathPatterns).toContain("/login/");
    expect(contract.AIRFLOW_WEB_PATHS["3"].loginPathPatterns).toContain("/auth/login/");
  });
});

// ---------------------------------------------------------------- verifyAlbJwt

describe("verifyAlbJwt (pure, local ES256 key pair)", () => {
  const verify = (token: string | undefined, fetcher = fetchOk(), nowMs = NOW_MS) =>
    verifyAlbJwt(token, {
      albArn: ALB_ARN,
      clientId: CLIENT_ID,
      issuer: ISSUER,
      publicKey: createPublicKeyLookup(KEY_BASE, fetcher),
      nowMs,
    });
  const reasonOf = async (p: Promise<unknown>): Promise<string> => {
    try {
      await p;
    } catch (err) {
      if (err instanceof AlbJwtError) return err.reason;
      throw err;
    }
    throw new Error("expected a refusal");
  };

  test("GIVEN a header signed by the ALB WHEN verified THEN the claims come back and the key is fetched from the regional endpoint by kid", async () => {
    const fetcher = fetchOk();
    const { header, claims } = await verify(albJwt(JANE), fetcher);
    expect(claims).toEqual(JANE);
    expect(header).toMatchObject({
      alg: "ES256",
      kid: KID,
      signer: ALB_ARN,
      exp: NOW_S + 120,
      client: "airflow-client",
    });
    expect(fetcher.mock.calls).toEqual([[KEY_URL]]);
  });

  test("GIVEN an ALB header with '=' padding on every segment (the documented quirk) WHEN verified THEN it is accepted", async () => {
    // pick an email whose payload segment needs padding, so both the payload and the signature carry '='
    const email = ["j@example.com", "jo@example.com", "joe@example.com"].find((e) =>
      albJwt({ ...JANE, email: e }, { pad: true })
        .split(".")[1]!
        .endsWith("="),
    )!;
    const token = albJwt({ ...JANE, email }, { pad: true });
    expect(token).toMatch(/=\.[^.]+=$/);
    await expect(verify(token)).resolves.toMatchObject({ claims: { email } });
  });

  test("GIVEN a header signed by another load balancer WHEN verified THEN it is refused as wrong_signer before any key fetch", async () => {
    const fetcher = fetchOk();
    const token = albJwt(JANE, { header: { signer: ALB_ARN.replace("airflow-alb", "other-alb") } });
    expect(await reasonOf(verify(token, fetcher))).toBe("wrong_signer");
    expect(fetcher).not.toHaveBeenCalled();
  });

  test.each([
    ["client", { client: "another-app" }, "wrong_client"],
    ["client missing", { client: undefined }, "wrong_client"],
    ["iss", { iss: "https://evil.example.com" }, "wrong_issuer"],
    ["iss missing", { iss: undefined }, "wrong_issuer"],
  ])(
    "GIVEN a header from this ALB with another %s WHEN verified THEN it is refused before any key fetch",
    async (_name, header, reason) => {
      const fetcher = fetchOk();
      expect(await reasonOf(verify(albJwt(JANE, { header }), fetcher))).toBe(reason);
      expect(fetcher).not.toHaveBeenCalled();
    },
  );

  test.each([
    ["aws", "eu-west-1", "https://public-keys.auth.elb.eu-west-1.amazonaws.com"],
    ["aws-us-gov", "us-gov-west-1", "https://s3-us-gov-west-1.amazonaws.com/aws-elb-public-keys-prod-us-gov-west-1"],
    ["aws-us-gov", "us-gov-east-1", "https://s3-us-gov-east-1.amazonaws.com/aws-elb-public-keys-prod-us-gov-east-1"],
    ["aws-cn", "cn-north-1", undefined],
    ["aws", "us-gov-west-1", undefined],
    ["aws-iso", "us-iso-east-1", undefined],
  ])(
    "GIVEN partition %s and region %s WHEN the key endpoint is looked up THEN it is the ALB guide's (or none)",
    (partition, region, base) => {
      expect(albPublicKeyBase(partition, region)).toBe(base);
    },
  );

  test("GIVEN a GovCloud ALB WHEN its header is verified THEN the key comes from the GovCloud S3 endpoint, not the commercial host", async () => {
    const fetcher = fetchOk();
    const govArn =
      "arn:aws-us-gov:elasticloadbalancing:us-gov-west-1:123456789012:loadbalancer/app/airflow-alb/50dc6c495c0c9188";
    const token = albJwt(JANE, { header: { signer: govArn } });
    await verifyAlbJwt(token, {
      albArn: govArn,
      clientId: CLIENT_ID,
      issuer: ISSUER,
      publicKey: createPublicKeyLookup(albPublicKeyBase("aws-us-gov", "us-gov-west-1")!, fetcher),
      nowMs: NOW_MS,
    });
    expect(fetcher.mock.calls).toEqual([
      [`https://s3-us-gov-west-1.amazonaws.com/aws-elb-public-keys-prod-us-gov-west-1/${KID}`],
    ]);
  });

  test("GIVEN exp just inside and just outside the 60 s skew WHEN verified THEN only the first passes", async () => {
    await expect(verify(albJwt(JANE, { header: { exp: NOW_S - 59 } }))).resolves.toBeDefined();
    expect(await reasonOf(verify(albJwt(JANE, { header: { exp: NOW_S - 61 } })))).toBe("expired");
    expect(await reasonOf(verify(albJwt({ ...JANE, exp: NOW_S - 3600 })))).toBe("expired");
    expect(await reasonOf(verify(albJwt(JANE, { header: { exp: undefined } })))).toBe("malformed");
  });

  test("GIVEN a signature by another key, a tampered payload or a DER signature WHEN verified THEN each is refused as bad_signature", async () => {
    expect(await reasonOf(verify(albJwt(JANE, { key: other.privateKey })))).toBe("bad_signature");
    const [h, , s] = albJwt(JANE).split(".");
    const forged = `${h}.${b64(JSON.stringify({ ...JANE, groups: ["airflow-admins"] }), false)}.${s}`;
    expect(await reasonOf(verify(forged))).toBe("bad_signature");
    const signingInput = albJwt(JANE).split(".").slice(0, 2).join(".");
    const der = sign("sha256", Buffer.from(signingInput), alb.privateKey); // default DER, not JWS r||s
    expect(await reasonOf(verify(`${signingInput}.${b64(der, false)}`))).toBe("bad_signature");
  });

  test("GIVEN alg none or HS256 WHEN verified THEN it is refused as bad_algorithm without fetching", async () => {
    const fetcher = fetchOk();
    expect(await reasonOf(verify(albJwt(JANE, { header: { alg: "none" } }), fetcher))).toBe("bad_algorithm");
    expect(await reasonOf(verify(albJwt(JANE, { header: { alg: "HS256" } }), fetcher))).toBe("bad_algorithm");
    expect(fetcher).not.toHaveBeenCalled();
  });

  test.each([["../../evil.example.com/key"], ["7c1e4a9b-3f2d-4c5e-8a6b-9d0e1f2a3b4c/../x"], ["abc?x=1"], [""]])(
    "GIVEN kid %j WHEN verified THEN it is refused as bad_kid without fetching",
    async (kid) => {
      const fetcher = fetchOk();
      expect(await reasonOf(verify(albJwt(JANE, { header: { kid } }), fetcher))).toBe("bad_kid");
      expect(fetcher).not.toHaveBeenCalled();
      // both layers refuse: verifyAlbJwt before any lookup, and the URL builder itself
      const lookup = jest.fn(async () => alb.publicKey);
      expect(
        await reasonOf(
          verifyAlbJwt(albJwt(JANE, { header: { kid } }), {
            albArn: ALB_ARN,
            clientId: CLIENT_ID,
            issuer: ISSUER,
            publicKey: lookup,
            nowMs: NOW_MS,
          }),
        ),
      ).toBe("bad_kid");
      expect(lookup).not.toHaveBeenCalled();
      expect(() => albPublicKeyUrl(KEY_BASE, kid)).toThrow(AlbJwtError);
    },
  );

  test.each([[undefined], [""], ["a.b"], ["not a jwt at all"], ["a.b.c.d"], ["e30.e30.e30"]])(
    "GIVEN the malformed value %j WHEN verified THEN it is refused",
    async (token) => {
      expect(await reasonOf(verify(token))).toMatch(/malformed|bad_algorithm/);
    },
  );

  test("GIVEN two verifications with one kid WHEN the lookup is shared THEN the key is fetched once; a failed fetch is not cached", async () => {
    const fetcher = jest
      .fn<Promise<string>, [string]>()
      .mockRejectedValueOnce(new Error("timeout"))
      .mockResolvedValue(PEM);
    const publicKey = createPublicKeyLookup(KEY_BASE, fetcher);
    const run = () =>
      verifyAlbJwt(albJwt(JANE), { albArn: ALB_ARN, clientId: CLIENT_ID, issuer: ISSUER, publicKey, nowMs: NOW_MS });
    await expect(run()).rejects.toMatchObject({ reason: "key_unavailable" });
    await run();
    await run();
    expect(fetcher).toHaveBeenCalledTimes(2);
  });

  test("GIVEN the endpoint serves a P-384 key WHEN verified THEN it is refused as key_unavailable", async () => {
    const p384 = generateKeyPairSync("ec", { namedCurve: "P-384" })
      .publicKey.export({ type: "spki", format: "pem" })
      .toString();
    expect(
      await reasonOf(
        verify(
          albJwt(JANE),
          jest.fn(async (_url: string) => p384),
        ),
      ),
    ).toBe("key_unavailable");
  });
});

// ---------------------------------------------------------------- pure decisions

describe("chooseAirflowRole, parseGroups, sessionName (pure)", () => {
  test("GIVEN a person in several mapped groups WHEN the role is chosen THEN the first mapping entry wins, whatever the order of the person's groups", () => {
    expect(chooseAirflowRole(["analysts", "data-engineers"], MAPPING)).toEqual({
      airflowRole: "Op",
      group: "data-engineers",
    });
    expect(chooseAirflowRole(["analysts", "airflow-admins"], MAPPING)).toEqual({
      airflowRole: "Admin",
      group: "airflow-admins",
    });
    expect(chooseAirflowRole(["marketing"], MAPPING, "Viewer")).toEqual({ airflowRole: "Viewer" });
    expect(chooseAirflowRole(["marketing"], MAPPING)).toBeUndefined();
    expect(chooseAirflowRole([], [], undefined)).toBeUndefined();
  });

  test.each([
    [
      ["a", " b ", 3, ""],
      ["a", " b "],
    ],
    ['["admins"]', ['["admins"]']],
    ["Not admins", ["Not admins"]],
    ["Data Engineers", ["Data Engineers"]],
    ["a,b", ["a,b"]],
    ["[a, b]", ["[a, b]"]],
    ["", []],
    [undefined, []],
    [{ a: 1 }, []],
  ])("GIVEN the groups claim %j WHEN parsed THEN the groups are %j (whole names, never split)", (value, groups) => {
    expect(parseGroups(value)).toEqual(groups);
  });

  test("GIVEN a group named 'Not admins' and one named 'Data Engineers' WHEN matched THEN the first gets nothing from an 'admins' mapping and the second matches itself", () => {
    const mapping = [
      { group: "admins", airflowRole: "Admin" },
      { group: "Data Engineers", airflowRole: "Op" },
    ];
    expect(chooseAirflowRole(parseGroups("Not admins"), mapping)).toBeUndefined();
    expect(chooseAirflowRole(parseGroups('["admins"]'), mapping)).toBeUndefined();
    expect(chooseAirflowRole(parseGroups("Data Engineers"), mapping)).toEqual({
      airflowRole: "Op",
      group: "Data Engineers",
    });
    expect(chooseAirflowRole(parseGroups(["Data", "Engineers"]), mapping)).toBeUndefined();
  });

  test('GIVEN claims WHEN the identity is taken THEN email only when email_verified is true (or Cognito\'s "true"), else sub', () => {
    expect(identityOf({ sub: "s1", email: "a@x.com", email_verified: true })).toEqual({
      value: "a@x.com",
      source: "email",
    });
    expect(identityOf({ sub: "s1", email: "a@x.com", email_verified: "true" })).toEqual({
      value: "a@x.com",
      source: "email",
    });
    expect(identityOf({ sub: "s1", email: "a@x.com", email_verified: false })).toEqual({ value: "s1", source: "sub" });
    expect(identityOf({ sub: "s1", email: "a@x.com", email_verified: "false" })).toEqual({
      value: "s1",
      source: "sub",
    });
    expect(identityOf({ sub: "s1", email: "a@x.com" })).toEqual({ value: "s1", source: "sub" });
    expect(identityOf({ email: "a@x.com" })).toBeUndefined();
  });

  test("GIVEN identities that sanitising or cutting would merge WHEN turned into session names THEN each is distinct, within STS's 2-64 characters of [\\w+=,.@-], and never starts with aws:", () => {
    const email = (value: string) => ({ value, source: "email" as const });
    const long = "x".repeat(70);
    const names = [
      sessionName(email("jane doe@x.com")),
      sessionName(email("jane-doe@x.com")),
      sessionName(email(`${long}1@example.com`)),
      sessionName(email(`${long}2@example.com`)),
      sessionName(email("aws:root")),
      sessionName({ value: "jane-doe@x.com", source: "sub" }),
    ];
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) {
      expect(n).toMatch(/^[\w+=,.@-]{2,64}$/);
      expect(n.startsWith("aws:")).toBe(false);
    }
    expect(names[1]).toMatch(/^jane-doe@x\.com\.[0-9a-f]{20}$/); // still readable in CloudTrail
    expect(sessionName(email("jane-doe@x.com"))).toBe(names[1]); // stable across sign-ins
  });
});

describe("readConfig", () => {
  test("GIVEN the full environment WHEN read THEN the values and defaults are typed", () => {
    expect(readConfig(ENV)).toEqual({
      environmentName: "analytics-prod",
      albArn: ALB_ARN,
      region: REGION,
      albKeyBase: KEY_BASE,
      airflowMajor: "2",
      roleMapping: MAPPING,
      groupsClaim: "groups",
      clientId: CLIENT_ID,
      issuer: ISSUER,
      tokenRoleArns: ARNS,
      webHostname: "airflow.example.com",
      logoutUrl: ENV.LOGOUT_URL,
      albSessionCookieName: "AWSELBAuthSessionCookie",
    });
  });

  test.each([
    [{ MWAA_ENVIRONMENT_NAME: "" }, /MWAA_ENVIRONMENT_NAME/],
    [
      { ALB_ARN: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/nlb/50dc6c495c0c9188" },
      /ALB_ARN must be an Application Load Balancer ARN/,
    ],
    [{ AWS_REGION: "us-east-1" }, /ALB_ARN is in eu-west-1 but the function runs in us-east-1/],
    [{ AIRFLOW_MAJOR: "3.0" }, /AIRFLOW_MAJOR must be one of 2, 3/],
    [{ ROLE_MAPPING: "{oops" }, /ROLE_MAPPING must be JSON/],
    [
      { ROLE_MAPPING: JSON.stringify([{ group: "g", airflowRole: "Public" }]) },
      /ROLE_MAPPING\[0\]: Airflow role "Public" has no IAM role in TOKEN_ROLE_ARNS/,
    ],
    [{ ROLE_MAPPING: "[]" }, /nobody could sign in/],
    [{ DEFAULT_ROLE: "Public" }, /DEFAULT_ROLE: Airflow role "Public"/],
    [
      { TOKEN_ROLE_ARNS: JSON.stringify({ Admin: "arn:aws:iam::123456789012:user/bob" }) },
      /TOKEN_ROLE_ARNS: the value for "Admin" must be an IAM role ARN/,
    ],
    [{ WEB_HOSTNAME: "https://airflow.example.com/" }, /WEB_HOSTNAME must be a host name/],
    [{ LOGOUT_URL: "http://login.example.com/logout" }, /LOGOUT_URL must be an https URL/],
    [{ OIDC_CLIENT_ID: "" }, /OIDC_CLIENT_ID is required/],
    [{ OIDC_ISSUER: "" }, /OIDC_ISSUER must be the listener's OIDC issuer/],
    [{ COGNITO_USER_POOL_ID: "pool" }, /COGNITO_USER_POOL_ID must be a Cognito user pool id/],
    [
      { ROLE_MAPPING: JSON.stringify([{ group: " admins", airflowRole: "Admin" }]) },
      /ROLE_MAPPING\[0\]\.group must be a group name: 1 to 256 characters/,
    ],
    [
      {
        AWS_REGION: "cn-north-1",
        ALB_ARN:
          "arn:aws-cn:elasticloadbalancing:cn-north-1:123456789012:loadbalancer/app/airflow-alb/50dc6c495c0c9188",
      },
      /ALB_ARN: the ALB guide documents no signing-key endpoint for aws-cn cn-north-1/,
    ],
  ])("GIVEN %j WHEN read THEN the error names the variable", (override, message) => {
    expect(() => readConfig({ ...ENV, ...override })).toThrow(message);
  });

  test("GIVEN a GovCloud ALB or a Cognito pool WHEN read THEN the key endpoint is GovCloud's and the expected issuer is the pool's", () => {
    const gov = readConfig({
      ...ENV,
      AWS_REGION: "us-gov-east-1",
      ALB_ARN: "arn:aws-us-gov:elasticloadbalancing:us-gov-east-1:123456789012:loadbalancer/app/a/50dc6c495c0c9188",
    });
    expect(gov.albKeyBase).toBe("https://s3-us-gov-east-1.amazonaws.com/aws-elb-public-keys-prod-us-gov-east-1");
    const cognito = readConfig({ ...ENV, OIDC_ISSUER: "", COGNITO_USER_POOL_ID: "eu-west-1_AbCdEf123" });
    expect(cognito).toMatchObject({
      cognitoUserPoolId: "eu-west-1_AbCdEf123",
      issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123",
    });
  });
});

// ---------------------------------------------------------------- handler

describe("handler against mocked STS and MWAA (aws-sdk-client-mock)", () => {
  let lines: string[];
  let fetcher: jest.Mock<Promise<string>, [string]>;
  let mwaaConfigs: Array<Parameters<MwaaClientFactory>[0]>;

  const logged = (): Array<Record<string, unknown>> => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const make = (env: NodeJS.ProcessEnv = ENV, extra: Partial<LoginDeps> = {}) =>
    createHandler({
      env,
      now: () => NOW_MS,
      log: (line) => lines.push(line),
      fetchPublicKey: fetcher,
      mwaaClient: (cfg) => {
        mwaaConfigs.push(cfg);
        return createMwaaClient(cfg);
      },
      ...extra,
    });
  const header = (res: AlbResult, name: string): string | undefined => res.multiValueHeaders[name]?.[0];

  beforeEach(() => {
    sts.reset();
    mwaa.reset();
    sts.on(AssumeRoleCommand).resolves({
      Credentials: CREDS,
      AssumedRoleUser: { AssumedRoleId: "AROA:jane", Arn: "arn:aws:sts::123456789012:assumed-role/x/jane" },
    });
    mwaa.on(TokenCommand).resolves(
      tokenAnswer({
        WebToken: WEB_TOKEN,
        WebServerHostname: "abc-vpce.c2.eu-west-1.airflow.amazonaws.com",
        AirflowIdentity: "assumed-role/airflow-prod-token-admin/jane.doe@example.com",
      }),
    );
    lines = [];
    fetcher = jest.fn(async (_url: string) => PEM);
    mwaaConfigs = [];
  });

  test("GIVEN a verified admin on Airflow 2 WHEN the login path is opened THEN a 302 sends the browser to the Airflow 2 token URL on WEB_HOSTNAME", async () => {
    const res = await make()(loginEvent(albJwt(JANE)));
    expect(res).toEqual({
      statusCode: 302,
      statusDescription: "302 Found",
      multiValueHeaders: {
        Location: [`https://airflow.example.com/aws_mwaa/aws-console-sso?login=true#${WEB_TOKEN}`],
        "Cache-Control": ["no-store"],
        Pragma: ["no-cache"],
      },
      body: "",
      isBase64Encoded: false,
    });
    expect((mwaa.commandCalls(TokenCommand) as unknown as TokenCall[]).map((c) => c.args[0].input)).toEqual([
      { Name: "analytics-prod" },
    ]);
  });

  test("GIVEN a GovCloud environment WHEN a person signs in THEN the handler fetches the ALB key from the GovCloud S3 endpoint", async () => {
    const govArn =
      "arn:aws-us-gov:elasticloadbalancing:us-gov-west-1:123456789012:loadbalancer/app/airflow-alb/50dc6c495c0c9188";
    const res = await make({ ...ENV, AWS_REGION: "us-gov-west-1", ALB_ARN: govArn })(
      loginEvent(albJwt(JANE, { header: { signer: govArn } })),
    );
    expect(res.statusCode).toBe(302);
    expect(fetcher.mock.calls).toEqual([
      [`https://s3-us-gov-west-1.amazonaws.com/aws-elb-public-keys-prod-us-gov-west-1/${KID}`],
    ]);
  });

  test.each(["x-amzn-oidc-data", "x-amzn-oidc-accesstoken"])(
    "GIVEN a request that carries %s twice WHEN the login path is opened THEN it is refused before any key fetch or STS call",
    async (name) => {
      const event = loginEvent(albJwt(JANE));
      const res = await make()({
        ...event,
        multiValueHeaders: { ...event.multiValueHeaders, [name]: [albJwt(JANE), albJwt(JANE)] },
      });
      expect(res.statusCode).toBe(403);
      expect(fetcher).not.toHaveBeenCalled();
      expect(sts.calls()).toHaveLength(0);
      expect(logged()).toEqual([expect.objectContaining({ decision: "refused", reason: "repeated_header" })]);
    },
  );

  test("GIVEN Airflow 3 WHEN a verified person opens /auth/login/ THEN the 302 goes to the /pluginsv2 token URL", async () => {
    const res = await make({ ...ENV, AIRFLOW_MAJOR: "3" })(
      loginEvent(albJwt(JANE), { path: "/auth/login/", multiValueQueryStringParameters: { next: ["%2Fdags"] } }),
    );
    expect(res.statusCode).toBe(302);
    expect(header(res, "Location")).toBe(
      `https://airflow.example.com/pluginsv2/aws_mwaa/aws-console-sso?login=true#${WEB_TOKEN}`,
    );
  });

  test("GIVEN an Airflow 3 environment WHEN Airflow 2's /login/ is requested THEN it is not a sign-in path there", async () => {
    const res = await make({ ...ENV, AIRFLOW_MAJOR: "3" })(loginEvent(albJwt(JANE), { path: "/login/" }));
    expect(res.statusCode).toBe(403);
    expect(sts.calls()).toHaveLength(0);
  });

  test("GIVEN the mapping WHEN a person is in analysts and airflow-admins THEN the Admin role (first entry) is assumed with the person's verified email (and its hash) as session name and source identity, and MWAA is called with those credentials", async () => {
    await make()(loginEvent(albJwt(JANE)));
    const session = sessionName({ value: "jane.doe@example.com", source: "email" });
    expect(session).toMatch(/^jane\.doe@example\.com\.[0-9a-f]{20}$/);
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input)).toEqual([
      { RoleArn: ARNS.Admin, RoleSessionName: session, SourceIdentity: session, DurationSeconds: 900 },
    ]);
    expect(mwaaConfigs).toEqual([
      {
        region: REGION,
        credentials: {
          accessKeyId: "ASIATESTKEY",
          secretAccessKey: "secret",
          sessionToken: "session-token",
          expiration: CREDS.Expiration,
        },
      },
    ]);
    expect(logged()).toEqual([
      expect.objectContaining({
        event: "login",
        decision: "allowed",
        reason: "group_matched",
        user: "jane.doe@example.com",
        airflowRole: "Admin",
        group: "airflow-admins",
      }),
    ]);
  });

  test.each([
    ["analysts only", { groups: ["analysts"] }, ARNS.Viewer, "Viewer"],
    ["a single group as a string", { groups: "analysts" }, ARNS.Viewer, "Viewer"],
  ])("GIVEN %s WHEN signing in THEN the mapped role's IAM role is assumed", async (_name, claims, arn, role) => {
    await make()(loginEvent(albJwt({ ...JANE, ...claims })));
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input.RoleArn).toBe(arn);
    expect(logged()[0]).toMatchObject({ decision: "allowed", airflowRole: role });
  });

  test("GIVEN a JSON array inside a string claim WHEN signing in THEN it is one group name that matches no mapping: no role", async () => {
    const res = await make()(loginEvent(albJwt({ ...JANE, groups: '["airflow-admins"]' })));
    expect(res.statusCode).toBe(403);
    expect(sts.calls()).toHaveLength(0);
    expect(logged()[0]).toMatchObject({ decision: "refused", reason: "no_matching_group" });
  });

  test("GIVEN DEFAULT_ROLE and a custom GROUPS_CLAIM WHEN the person's groups match nothing THEN the default role is used", async () => {
    await make({ ...ENV, DEFAULT_ROLE: "User", GROUPS_CLAIM: "idp_groups" })(
      loginEvent(
        albJwt({
          sub: "u1",
          email: "x@example.com",
          email_verified: true,
          idp_groups: ["marketing", "sales"],
          groups: ["airflow-admins"],
        }),
      ),
    );
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input).toMatchObject({
      RoleArn: ARNS.User,
      RoleSessionName: expect.stringMatching(/^x@example\.com\./),
    });
    expect(logged()[0]).toMatchObject({ decision: "allowed", reason: "default_role", airflowRole: "User" });
    expect(logged()[0]!.group).toBeUndefined();
  });

  test("GIVEN an email with characters STS refuses, an unverified email, and no email WHEN signing in THEN the session name is sanitised and hashed, or comes from sub", async () => {
    await make()(loginEvent(albJwt({ ...JANE, email: "Zoë O'Brien <zoe@example.com>" })));
    await make()(loginEvent(albJwt({ ...JANE, email_verified: false, email: "ceo@example.com" })));
    await make()(loginEvent(albJwt({ sub: "00u9xyz", groups: ["analysts"] })));
    const names = sts
      .commandCalls(AssumeRoleCommand)
      .map((c) => [c.args[0].input.RoleSessionName, c.args[0].input.SourceIdentity]);
    expect(names.map(([a, b]) => a === b)).toEqual([true, true, true]);
    expect(names.map(([a]) => a)).toEqual([
      expect.stringMatching(/^Zo--O-Brien--zoe@example\.com-\.[0-9a-f]{20}$/),
      expect.stringMatching(/^00u1abcd\.[0-9a-f]{20}$/),
      expect.stringMatching(/^00u9xyz\.[0-9a-f]{20}$/),
    ]);
    expect(logged()[1]).toMatchObject({ user: "00u1abcd" });
  });

  const refusals: Array<[string, () => AlbEvent, string, RegExp]> = [
    [
      "a header for another client of the IdP",
      () => loginEvent(albJwt(JANE, { header: { client: "other-app" } })),
      "wrong_client",
      /could not be verified/,
    ],
    [
      "a HEAD request (the rule forwards GET only)",
      () => loginEvent(albJwt(JANE), { httpMethod: "HEAD" }),
      "method_not_allowed",
      /does not sign you in/,
    ],
    [
      "an event in single-value form (multi-value headers are on)",
      () =>
        ({
          httpMethod: "GET",
          path: "/aws_mwaa/aws-console-sso",
          headers: { "x-amzn-oidc-data": albJwt(JANE) },
        }) as AlbEvent,
      "missing_header",
      /could not be verified/,
    ],
    [
      "a header signed for another ALB",
      () => loginEvent(albJwt(JANE, { header: { signer: ALB_ARN.replace("50dc6c495c0c9188", "0000000000000000") } })),
      "wrong_signer",
      /could not be verified/,
    ],
    [
      "an expired header",
      () => loginEvent(albJwt(JANE, { header: { exp: NOW_S - 600 } })),
      "expired",
      /could not be verified/,
    ],
    [
      "a bad signature",
      () => loginEvent(albJwt(JANE, { key: other.privateKey })),
      "bad_signature",
      /could not be verified/,
    ],
    ["no x-amzn-oidc-data header", () => loginEvent(undefined), "missing_header", /could not be verified/],
    [
      "a kid with ../",
      () => loginEvent(albJwt(JANE, { header: { kid: "../../../evil" } })),
      "bad_kid",
      /could not be verified/,
    ],
    [
      "a person in no mapped group and no DEFAULT_ROLE",
      () => loginEvent(albJwt({ ...JANE, groups: ["marketing"] })),
      "no_matching_group",
      /not in a group that may use Airflow/,
    ],
    [
      "no groups claim at all",
      () => loginEvent(albJwt({ sub: "u1", email: "x@example.com" })),
      "no_matching_group",
      /not in a group that may use Airflow/,
    ],
    [
      "the token URL itself (pass-through rule missing)",
      () => loginEvent(albJwt(JANE), { multiValueQueryStringParameters: { login: ["true"] } }),
      "pass_through_rule_missing",
      /not set up correctly/,
    ],
    ["a POST", () => loginEvent(albJwt(JANE), { httpMethod: "POST" }), "method_not_allowed", /does not sign you in/],
    [
      "a path that is not a sign-in path",
      () => loginEvent(albJwt(JANE), { path: "/aws_mwaa/login" }),
      "unknown_path",
      /does not sign you in/,
    ],
  ];
  test.each(refusals)(
    "GIVEN %s WHEN the Lambda is invoked THEN it answers 403 in plain words, logs the reason, and calls no AWS API",
    async (_name, event, reason, message) => {
      const res = await make()(event(), { awsRequestId: "req-123" });
      expect(res.statusCode).toBe(403);
      expect(header(res, "Content-Type")).toBe("text/html; charset=utf-8");
      expect(header(res, "Cache-Control")).toBe("no-store");
      expect(res.body).toMatch(message);
      expect(res.body).toContain("Reference: req-123");
      expect(res.body).not.toMatch(/arn:|eyJ|x-amzn|ES256|signer|jane\.doe/);
      expect(sts.calls()).toHaveLength(0);
      expect(mwaa.calls()).toHaveLength(0);
      expect(logged()).toEqual([
        expect.objectContaining({ event: "login", decision: "refused", reason, requestId: "req-123" }),
      ]);
    },
  );

  test("GIVEN a bad kid WHEN refused THEN the key endpoint was never asked", async () => {
    await make()(loginEvent(albJwt(JANE, { header: { kid: "../x" } })));
    expect(fetcher).not.toHaveBeenCalled();
  });

  test("GIVEN CreateWebLoginToken fails WHEN signing in THEN the answer is 403 'could not issue a login token' and the log names the error", async () => {
    mwaa
      .on(TokenCommand)
      .rejects(
        Object.assign(
          new Error(
            "User: arn:aws:sts::123456789012:assumed-role/x/jane is not authorized to perform: airflow:CreateWebLoginToken",
          ),
          { name: "AccessDeniedException" },
        ),
      );
    const res = await make()(loginEvent(albJwt(JANE)));
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain("Airflow could not issue a login token.");
    expect(res.body).not.toContain("arn:");
    expect(logged()).toEqual([
      expect.objectContaining({
        decision: "refused",
        reason: "create_web_login_token_failed",
        error: "AccessDeniedException",
        user: "jane.doe@example.com",
        airflowRole: "Admin",
      }),
    ]);
  });

  test("GIVEN AssumeRole is denied WHEN signing in THEN the answer is 403 and MWAA is never called", async () => {
    sts
      .on(AssumeRoleCommand)
      .rejects(Object.assign(new Error("not authorized to perform: sts:SetSourceIdentity"), { name: "AccessDenied" }));
    const res = await make()(loginEvent(albJwt(JANE)));
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain("Airflow could not issue a login token.");
    expect(mwaa.calls()).toHaveLength(0);
    expect(logged()[0]).toMatchObject({ decision: "refused", reason: "assume_role_failed", error: "AccessDenied" });
  });

  test("GIVEN several sign-ins in one container WHEN the key is needed THEN it is fetched once from the regional endpoint", async () => {
    const handler = make();
    await handler(loginEvent(albJwt(JANE)));
    await handler(loginEvent(albJwt({ ...JANE, email: "other@example.com" })));
    expect(fetcher.mock.calls).toEqual([[KEY_URL]]);
  });

  test("GIVEN any request WHEN logged THEN neither the raw header nor the web token appears in the log", async () => {
    const token = albJwt(JANE);
    await make()(loginEvent(token));
    await make()(loginEvent(albJwt(JANE, { key: other.privateKey })));
    const all = lines.join("\n");
    expect(lines).toHaveLength(2);
    for (const secret of [token, token.split(".")[2]!, WEB_TOKEN, "web-login-token", "session-token", "secret"])
      expect(all).not.toContain(secret);
  });

  test("GIVEN a broken configuration WHEN invoked THEN it answers 403 'not set up correctly', logs config_error, and calls nothing", async () => {
    const res = await make({ ...ENV, TOKEN_ROLE_ARNS: "{}" })(loginEvent(albJwt(JANE)));
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain("Airflow sign-in is not set up correctly.");
    expect(fetcher).not.toHaveBeenCalled();
    expect(sts.calls()).toHaveLength(0);
    expect(logged()[0]).toMatchObject({
      level: "ERROR",
      decision: "refused",
      reason: "config_error",
      detail: expect.stringContaining("TOKEN_ROLE_ARNS"),
    });
  });

  describe("logout", () => {
    const expiredCookies = (values: readonly string[]) => values.map((v) => v.split("=")[0]).sort();

    test("GIVEN multi-value headers WHEN /logout is requested THEN every ALB session cookie shard and Airflow's session cookie are expired and the browser goes to LOGOUT_URL", async () => {
      const res = await make()({
        httpMethod: "GET",
        path: "/logout",
        multiValueHeaders: { cookie: ["AWSELBAuthSessionCookie-0=abc; session=xyz"] },
        multiValueQueryStringParameters: {},
      });
      expect(res.statusCode).toBe(302);
      expect(res.multiValueHeaders?.Location).toEqual([ENV.LOGOUT_URL]);
      const cookies = res.multiValueHeaders?.["Set-Cookie"] ?? [];
      expect(expiredCookies(cookies)).toEqual([
        "AWSELBAuthSessionCookie-0",
        "AWSELBAuthSessionCookie-1",
        "AWSELBAuthSessionCookie-2",
        "AWSELBAuthSessionCookie-3",
        "session",
      ]);
      for (const c of cookies)
        expect(c).toMatch(/^[^=]+=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=\/; Secure; HttpOnly$/);
      expect(sts.calls()).toHaveLength(0);
      expect(logged()).toEqual([expect.objectContaining({ event: "logout", decision: "allowed" })]);
    });

    test("GIVEN Airflow 3, a custom cookie name and no LOGOUT_URL WHEN /auth/logout/ is requested THEN all cookies are expired and the browser goes to /", async () => {
      const env = { ...ENV, AIRFLOW_MAJOR: "3", LOGOUT_URL: "", ALB_SESSION_COOKIE_NAME: "AirflowAuth" };
      const res = await make(env)({
        httpMethod: "GET",
        path: "/auth/logout/",
        multiValueHeaders: {},
        multiValueQueryStringParameters: {},
      });
      expect(res.statusCode).toBe(302);
      expect(res.multiValueHeaders.Location).toEqual(["/"]);
      expect(expiredCookies(res.multiValueHeaders["Set-Cookie"] ?? [])).toEqual([
        "AirflowAuth-0",
        "AirflowAuth-1",
        "AirflowAuth-2",
        "AirflowAuth-3",
        "_token",
      ]);
    });
  });
});

// ---------------------------------------------------------------- Cognito: groups from the access token

describe("Cognito sign-in: groups from the verified access token", () => {
  const POOL = "eu-west-1_AbCdEfGhI";
  const POOL_ISSUER = `https://cognito-idp.eu-west-1.amazonaws.com/${POOL}`;
  const COGNITO_CLIENT = "1example23456789";
  const COGNITO_ENV = {
    ...ENV,
    OIDC_ISSUER: "",
    OIDC_CLIENT_ID: COGNITO_CLIENT,
    COGNITO_USER_POOL_ID: POOL,
    GROUPS_CLAIM: "",
  };
  const pool = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const POOL_KID = "pool-key-1";
  const JWKS = JSON.stringify({
    keys: [{ ...pool.publicKey.export({ format: "jwk" }), kid: POOL_KID, alg: "RS256", use: "sig" }],
  });
  // Cognito's userInfo as the ALB signs it: no groups (kubernetes-sigs/aws-load-balancer-controller#1715).
  const USERINFO = {
    sub: "c0ffee-1",
    email_verified: "true",
    email: "ana@example.com",
    username: "ana",
    exp: NOW_S + 120,
    iss: POOL_ISSUER,
  };
  const albHeader = (claims: Record<string, unknown> = USERINFO) =>
    albJwt(claims, { header: { client: COGNITO_CLIENT, iss: POOL_ISSUER }, pad: true });
  const accessToken = (claims: Record<string, unknown> = {}, key = pool.privateKey): string => {
    const nowS = Math.floor(Date.now() / 1000); // aws-jwt-verify reads the real clock
    const body = {
      sub: "c0ffee-1",
      "cognito:groups": ["airflow-admins"],
      token_use: "access",
      client_id: COGNITO_CLIENT,
      iss: POOL_ISSUER,
      iat: nowS,
      exp: nowS + 600,
      scope: "openid email",
      ...claims,
    };
    const input = `${b64(JSON.stringify({ kid: POOL_KID, alg: "RS256" }), false)}.${b64(JSON.stringify(body), false)}`;
    return `${input}.${b64(sign("sha256", Buffer.from(input), key), false)}`;
  };
  const event = (data: string, access?: string): AlbEvent => {
    const ev = loginEvent(data);
    return {
      ...ev,
      multiValueHeaders: {
        ...ev.multiValueHeaders,
        ...(access !== undefined ? { "x-amzn-oidc-accesstoken": [access] } : {}),
      },
    };
  };
  let lines: string[];
  let jwksFetches: string[];
  const make = () =>
    createHandler({
      env: COGNITO_ENV,
      now: () => NOW_MS,
      log: (line) => lines.push(line),
      fetchPublicKey: async () => PEM,
      fetchCognitoJwks: async (url) => {
        jwksFetches.push(url);
        return JWKS;
      },
    });

  beforeEach(() => {
    sts.reset();
    mwaa.reset();
    sts.on(AssumeRoleCommand).resolves({ Credentials: CREDS });
    mwaa.on(TokenCommand).resolves(tokenAnswer({ WebToken: WEB_TOKEN }));
    lines = [];
    jwksFetches = [];
  });

  test("GIVEN the example's mapping (airflow-admins -> Admin) WHEN a member signs in THEN cognito:groups of the verified access token gives Admin, with the pool's JWKS fetched once", async () => {
    const handler = make();
    const res = await handler(event(albHeader(), accessToken()));
    await handler(event(albHeader(), accessToken()));
    expect(res.statusCode).toBe(302);
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toEqual([ARNS.Admin, ARNS.Admin]);
    expect(jwksFetches).toEqual([`${POOL_ISSUER}/.well-known/jwks.json`]);
  });

  const refused: Array<[string, () => AlbEvent, string]> = [
    ["no access token header", () => event(albHeader()), "missing_access_token"],
    [
      "an access token signed by another key",
      () => event(albHeader(), accessToken({}, generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey)),
      "access_token_invalid",
    ],
    [
      "an access token for another app client",
      () => event(albHeader(), accessToken({ client_id: "otherclient" })),
      "access_token_invalid",
    ],
    [
      "an ID token instead of an access token",
      () => event(albHeader(), accessToken({ token_use: "id" })),
      "access_token_invalid",
    ],
    [
      "an expired access token",
      () => event(albHeader(), accessToken({ exp: Math.floor(Date.now() / 1000) - 3600 })),
      "access_token_invalid",
    ],
    [
      "another user's access token",
      () => event(albHeader(), accessToken({ sub: "someone-else" })),
      "access_token_other_user",
    ],
    [
      "an ALB header with the OIDC issuer instead of the pool's",
      () => event(albJwt(USERINFO, { header: { client: COGNITO_CLIENT } }), accessToken()),
      "wrong_issuer",
    ],
  ];
  test.each(refused)(
    "GIVEN %s WHEN signing in THEN it is refused as not verified and no AWS API is called",
    async (_name, ev, reason) => {
      const res = await make()(ev());
      expect(res.statusCode).toBe(403);
      expect(res.body).toMatch(/could not be verified/);
      expect(sts.calls()).toHaveLength(0);
      expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
        expect.objectContaining({ decision: "refused", reason }),
      ]);
      expect(lines.join("\n")).not.toContain("eyJ");
    },
  );

  test("GIVEN groups in the signed user claims but none in the access token WHEN signing in THEN the claims' groups are ignored and the default role applies", async () => {
    await make()(
      event(
        albHeader({ ...USERINFO, groups: ["airflow-admins"], "custom:groups": "airflow-admins" }),
        accessToken({ "cognito:groups": undefined }),
      ),
    );
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toEqual([]);
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ decision: "refused", reason: "no_matching_group" }),
    ]);
  });
});

// ---------------------------------------------------------------- second audit (0.3.0)

describe("second audit: header text, deadlines, key size, loop guard", () => {
  let lines: string[];
  const logged = (): Array<Record<string, unknown>> => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const make = (env: NodeJS.ProcessEnv = ENV) =>
    createHandler({ env, now: () => NOW_MS, log: (line) => lines.push(line), fetchPublicKey: async () => PEM });
  beforeEach(() => {
    sts.reset();
    mwaa.reset();
    sts.on(AssumeRoleCommand).resolves({ Credentials: CREDS });
    mwaa.on(TokenCommand).resolves(tokenAnswer({ WebToken: WEB_TOKEN }));
    lines = [];
  });

  describe("Location carries visible ASCII only", () => {
    test.each([
      ["CR LF and a header", `${WEB_TOKEN}\r\nSet-Cookie: session=attacker`],
      ["a lone LF", `${WEB_TOKEN}\nX: y`],
      ["a NUL", `${WEB_TOKEN}\u0000`],
      ["a space", `${WEB_TOKEN} x`],
      ["a non-ASCII letter", `${WEB_TOKEN}é`],
    ])(
      "GIVEN CreateWebLoginToken answers a token with %s WHEN signing in THEN no redirect is sent: 403 and an ERROR line",
      async (_name, token) => {
        mwaa.on(TokenCommand).resolves(tokenAnswer({ WebToken: token }));
        const res = await make()(loginEvent(albJwt(JANE)), { awsRequestId: "req-ctl" });
        expect(res.statusCode).toBe(403);
        expect(res.multiValueHeaders.Location).toBeUndefined();
        expect(res.body).toContain("Airflow could not issue a login token.");
        expect(logged()).toEqual([
          expect.objectContaining({
            level: "ERROR",
            decision: "refused",
            reason: "web_token_not_visible_ascii",
            airflowRole: "Admin",
          }),
        ]);
        expect(lines.join("\n")).not.toContain("attacker");
      },
    );

    test.each([
      ["CR LF inside", "https://login.example.com/logout\r\nSet-Cookie: a=b"],
      ["a tab inside", "https://login.example.com/log\tout"],
      ["a non-ASCII character", "https://login.example.com/logout?u=é"],
    ])(
      "GIVEN LOGOUT_URL with %s (new URL() accepts it) WHEN read THEN it is refused, and /logout answers 'not set up correctly' without a Location",
      async (_name, url) => {
        expect(() => readConfig({ ...ENV, LOGOUT_URL: url })).toThrow(
          /^LOGOUT_URL must be an https URL of visible ASCII characters/,
        );
        const res = await make({ ...ENV, LOGOUT_URL: url })({
          httpMethod: "GET",
          path: "/logout",
          multiValueHeaders: {},
          multiValueQueryStringParameters: {},
        });
        expect(res.statusCode).toBe(403);
        expect(res.multiValueHeaders.Location).toBeUndefined();
        expect(logged()).toEqual([
          expect.objectContaining({ reason: "config_error", detail: expect.stringContaining("LOGOUT_URL") }),
        ]);
      },
    );
  });

  describe("bounded by the function's remaining time", () => {
    const never = () => new Promise<never>(() => undefined);
    const context = (remainingMs: number) => ({
      awsRequestId: "req-slow",
      getRemainingTimeInMillis: () => remainingMs,
    });

    test("GIVEN AssumeRole never answers WHEN signing in with 300 ms left after the margin THEN the handler answers its own 403 page and logs the deadline, within the time left", async () => {
      sts.on(AssumeRoleCommand).callsFake(never);
      const started = Date.now();
      const res = await make()(loginEvent(albJwt(JANE)), context(LOGIN_DEADLINE_MARGIN_MS + 300));
      expect(Date.now() - started).toBeLessThan(LOGIN_DEADLINE_MARGIN_MS + 300);
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain("Airflow could not issue a login token.");
      expect(res.body).toContain("Reference: req-slow");
      expect(logged()).toEqual([
        expect.objectContaining({
          level: "ERROR",
          reason: "assume_role_failed",
          error: "DeadlineExceeded",
          requestId: "req-slow",
        }),
      ]);
      expect(mwaa.calls()).toHaveLength(0);
    }, 5_000);

    test("GIVEN CreateWebLoginToken never answers WHEN signing in THEN the same: own page and a log line", async () => {
      mwaa.on(TokenCommand).callsFake(never);
      const res = await make()(loginEvent(albJwt(JANE)), context(LOGIN_DEADLINE_MARGIN_MS + 300));
      expect(res.statusCode).toBe(403);
      expect(logged()).toEqual([
        expect.objectContaining({ reason: "create_web_login_token_failed", error: "DeadlineExceeded" }),
      ]);
    }, 5_000);

    test("GIVEN the ALB key endpoint never answers WHEN signing in THEN the handler still ends on its own deadline", async () => {
      const res = await createHandler({
        env: ENV,
        now: () => NOW_MS,
        log: (line) => lines.push(line),
        fetchPublicKey: never,
      })(loginEvent(albJwt(JANE)), context(LOGIN_DEADLINE_MARGIN_MS + 300));
      expect(res.statusCode).toBe(403);
      expect(logged()).toEqual([expect.objectContaining({ level: "ERROR", error: "DeadlineExceeded" })]);
    }, 5_000);

    test("GIVEN a sign-in WHEN AWS is called THEN every call carries an abort signal (the SDK's per-command abortSignal option)", async () => {
      await make()(loginEvent(albJwt(JANE)), context(10_000));
      const signals = [
        ...sts.commandCalls(AssumeRoleCommand),
        ...(mwaa.commandCalls(TokenCommand) as unknown as TokenCall[]),
      ].map((c) => (c.args as unknown[])[1]);
      expect(signals).toEqual([{ abortSignal: expect.any(AbortSignal) }, { abortSignal: expect.any(AbortSignal) }]);
    });
  });

  describe("the ALB public key is read up to 8 KiB and no further", () => {
    let fetchSpy: jest.SpyInstance;
    afterEach(() => fetchSpy.mockRestore());

    /** A 1 MiB answer served in 1 KiB chunks, counting what the reader pulled. */
    function bigAnswer(headers: Record<string, string> = {}) {
      const pulled = { bytes: 0 };
      const body = new ReadableStream<Uint8Array>(
        {
          pull(controller) {
            if (pulled.bytes >= 1024 * 1024) return controller.close();
            pulled.bytes += 1024;
            controller.enqueue(new Uint8Array(1024).fill(0x41));
          },
        },
        { highWaterMark: 0 },
      );
      fetchSpy = jest
        .spyOn(globalThis, "fetch")
        .mockImplementation(async () => new Response(body, { status: 200, headers }));
      return pulled;
    }

    test("GIVEN a key endpoint that streams 1 MiB WHEN the key is fetched THEN it is refused as too large after reading at most 8 KiB and a chunk", async () => {
      const pulled = bigAnswer();
      await expect(fetchPem(KEY_URL)).rejects.toThrow("key endpoint answer is too large");
      expect(pulled.bytes).toBeLessThanOrEqual(8 * 1024 + 1024);
    });

    test("GIVEN a key endpoint that declares a Content-Length over 8 KiB WHEN fetched THEN nothing of the body is read", async () => {
      const pulled = bigAnswer({ "content-length": String(1024 * 1024) });
      await expect(fetchPem(KEY_URL)).rejects.toThrow("key endpoint answer is too large");
      expect(pulled.bytes).toBe(0);
    });

    test("GIVEN a normal PEM WHEN fetched THEN it comes back whole", async () => {
      fetchSpy = jest.spyOn(globalThis, "fetch").mockImplementation(async () => new Response(PEM, { status: 200 }));
      await expect(fetchPem(KEY_URL)).resolves.toBe(PEM);
    });
  });

  describe("the redirect-loop guard fires on pass-through paths only", () => {
    test.each([
      ["2", "/login/"],
      ["2", "/login"],
      ["3", "/auth/login/"],
    ])(
      "GIVEN Airflow %s and %s?login=true (not a pass-through path) WHEN opened THEN it signs in as usual, no ERROR",
      async (major, p) => {
        const res = await make({ ...ENV, AIRFLOW_MAJOR: major })(
          loginEvent(albJwt(JANE), { path: p, multiValueQueryStringParameters: { login: ["true"] } }),
        );
        expect(res.statusCode).toBe(302);
        expect(logged()).toEqual([expect.objectContaining({ level: "INFO", decision: "allowed" })]);
      },
    );

    test.each([
      ["2", "/aws_mwaa/aws-console-sso"],
      ["3", "/pluginsv2/aws_mwaa/aws-console-sso"],
      ["3", "/aws_mwaa/aws-console-sso"],
    ])(
      "GIVEN Airflow %s and the pass-through path %s?login=true WHEN it reaches the Lambda THEN it is refused as a missing rule",
      async (major, p) => {
        const res = await make({ ...ENV, AIRFLOW_MAJOR: major })(
          loginEvent(albJwt(JANE), { path: p, multiValueQueryStringParameters: { login: ["true"] } }),
        );
        expect(res.statusCode).toBe(403);
        expect(logged()).toEqual([expect.objectContaining({ level: "ERROR", reason: "pass_through_rule_missing" })]);
        expect(sts.calls()).toHaveLength(0);
      },
    );
  });
});

// ---------------------------------------------------------------- bundled artifact

describe("bundled login artifact", () => {
  const saved = { ...process.env };
  let cacheDir: string;
  let artifact: { handler: (event: AlbEvent) => Promise<AlbResult> };
  let zipBytes: number;
  let fetchSpy: jest.SpyInstance;
  let logSpy: jest.SpyInstance;

  beforeAll(() => {
    fs.mkdirSync(path.join(ROOT, ".cache"), { recursive: true });
    cacheDir = fs.mkdtempSync(path.join(ROOT, ".cache", "jest-lambda-login-"));
    const bundle = bundleLambda({ entry: path.join(ROOT, "lambda", "login", "handler.ts"), cacheDir, name: "login" });
    zipBytes = bundle.sizeBytes;
    const code = Buffer.from(unzipSync(fs.readFileSync(bundle.zipPath))["index.js"]!).toString("utf8");
    fs.writeFileSync(path.join(cacheDir, "index.js"), code);

    artifact = require(path.join(cacheDir, "index.js")) as typeof artifact;
  });
  beforeEach(() => {
    sts.reset();
    mwaa.reset();
    Object.assign(process.env, ENV);
    fetchSpy = jest.spyOn(globalThis, "fetch").mockImplementation(async () => new Response(PEM, { status: 200 }));
    logSpy = jest.spyOn(console, "log").mockImplementation(() => undefined);
  });
  afterEach(() => {
    fetchSpy.mockRestore();
    logSpy.mockRestore();
    process.env = { ...saved };
  });
  afterAll(() => {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  test("GIVEN the bundle WHEN inspected THEN it is one small file with the AWS SDK left external", () => {
    const code = fs.readFileSync(path.join(cacheDir, "index.js"), "utf8");
    expect(code).toContain('require("@aws-sdk/client-sts")');
    expect(code).toContain('require("@aws-sdk/client-mwaa")');
    expect(code).not.toMatch(/@smithy|credential-provider/);
    expect(zipBytes).toBeLessThan(16_000); // 6.8 KB before aws-jwt-verify's Cognito verifier, 12.7 KB with it
  });

  test("GIVEN the unzipped index.js WHEN its handler is invoked with a signed header THEN it fetches the key over HTTPS, assumes the role and answers 302 with the token URL", async () => {
    sts.on(AssumeRoleCommand).resolves({ Credentials: CREDS });
    mwaa.on(TokenCommand).resolves(tokenAnswer({ WebToken: WEB_TOKEN }));
    const exp = Math.floor(Date.now() / 1000) + 120; // the bundled handler uses the real clock
    const res = await artifact.handler(loginEvent(albJwt({ ...JANE, exp }, { header: { exp }, pad: true })));
    expect(res.statusCode).toBe(302);
    expect(res.multiValueHeaders.Location).toEqual([
      `https://airflow.example.com/aws_mwaa/aws-console-sso?login=true#${WEB_TOKEN}`,
    ]);
    expect(fetchSpy.mock.calls.map((c) => String(c[0]))).toEqual([KEY_URL]);
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input).toMatchObject({
      RoleArn: ARNS.Admin,
      SourceIdentity: expect.stringMatching(/^jane\.doe@example\.com\.[0-9a-f]{20}$/),
    });
    expect(JSON.parse(logSpy.mock.calls[0]![0] as string)).toMatchObject({
      event: "login",
      decision: "allowed",
      airflowRole: "Admin",
    });
  });
});
