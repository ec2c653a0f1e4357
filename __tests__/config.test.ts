import * as fs from "node:fs";
import * as path from "node:path";
import { parseConfig, parseEnvironment } from "../model/parse";
import { ConfigError } from "../model/errors";
import type { EnvironmentInput } from "../model/schema";
import { MWAA_REGIONS } from "../model/regions";
import { AIRFLOW_VERSIONS } from "../model/versions";
import { PRIVATE_SUBNET_IDS, VPC_ID, minimalEnvironment, configErrorLines } from "./helpers";

// Config validation runs in-process on parseConfig: no synth, no cdktf. Every message has the form
// `<file>: <path.to.field>: <what is allowed> (got <value>)`, one line per problem.

const FILE = "config/test.json";
/** One well-formed error line. */
const LINE = /^config\/test\.json: (\(top level\)|[A-Za-z$][\w$]*(\[\d+\]|\.[^\s:]+(:[^\s:]+)?)*): .+ \(got .+\)$/;

/** The lines of the ConfigError that parsing `config` throws; fails the test if it parses. */
function errorLines(config: unknown, text = JSON.stringify(config)): string[] {
  return configErrorLines(() => parseConfig(text, FILE));
}

/** A config of one environment: `minimalEnvironment` with these top-level keys replaced (undefined removes one). */
const withEnv = (overrides: Record<string, unknown>) => ({
  environments: [minimalEnvironment(overrides as Partial<EnvironmentInput>)],
});
const airflow = (a: Record<string, unknown>) => withEnv({ airflow: a });
const existingNetwork = (n: Record<string, unknown>) =>
  withEnv({ network: { vpcId: VPC_ID, privateSubnetIds: [...PRIVATE_SUBNET_IDS], ...n } });
const got = (value: unknown) => {
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
};

const NAME_RULE = "1 to 80 characters, a letter then letters, digits, - or _";
const VERSIONS = `an Airflow version MWAA supports: ${Object.keys(AIRFLOW_VERSIONS).join(", ")}`;
/** The region rule with no close match: every Region where MWAA runs, by partition. */
const REGIONS = `an AWS Region where Amazon MWAA runs (aws: ${MWAA_REGIONS.aws.join(", ")}; aws-cn: ${MWAA_REGIONS["aws-cn"].join(", ")})`;
const fiftyOneTags = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`key${i}`, "v"]));

/** [what, config, path, what is allowed, got]: the config must give exactly this line (others may follow for the same field). */
const INVALID: [string, unknown, string, string, string][] = [
  // environment name
  ["empty name", withEnv({ name: "" }), "environments[0].name", NAME_RULE, '""'],
  ["missing name", withEnv({ name: undefined }), "environments[0].name", NAME_RULE, "nothing"],
  ["name of 81 characters", withEnv({ name: "a".repeat(81) }), "environments[0].name", NAME_RULE, got("a".repeat(81))],
  ["name with a space", withEnv({ name: "dev env" }), "environments[0].name", NAME_RULE, '"dev env"'],
  ["name starting with a digit", withEnv({ name: "1dev" }), "environments[0].name", NAME_RULE, '"1dev"'],
  [
    "duplicate name (case-insensitive)",
    { environments: [minimalEnvironment({ name: "dev" }), minimalEnvironment({ name: "DEV" })] },
    "environments[1].name",
    "unique in the file (environments[0] has it too)",
    '"DEV"',
  ],
  // class and counts
  [
    "unknown environment class",
    airflow({ environmentClass: "mw1.huge" }),
    "environments[0].airflow.environmentClass",
    "one of mw1.micro, mw1.small, mw1.medium, mw1.large, mw1.xlarge, mw1.2xlarge",
    '"mw1.huge"',
  ],
  [
    "non-integer workers",
    airflow({ minWorkers: 1.5 }),
    "environments[0].airflow.minWorkers",
    "an integer from 1 to 25",
    "1.5",
  ],
  ["0 workers", airflow({ minWorkers: 0 }), "environments[0].airflow.minWorkers", "an integer from 1 to 25", "0"],
  [
    "minWorkers above maxWorkers",
    airflow({ minWorkers: 6, maxWorkers: 5 }),
    "environments[0].airflow.minWorkers",
    "at most maxWorkers (5)",
    "6",
  ],
  [
    "minWorkers above the default maxWorkers",
    airflow({ minWorkers: 11 }),
    "environments[0].airflow.minWorkers",
    "at most maxWorkers (10)",
    "11",
  ],
  [
    "maxWorkers above 25",
    airflow({ maxWorkers: 26 }),
    "environments[0].airflow.maxWorkers",
    "an integer from 1 to 25",
    "26",
  ],
  [
    "maxWorkers above the class limit (mw1.micro)",
    airflow({ environmentClass: "mw1.micro", maxWorkers: 2 }),
    "environments[0].airflow.maxWorkers",
    "at most 1 for mw1.micro",
    "2",
  ],
  [
    "minWorkers above mw1.micro's single worker",
    airflow({ environmentClass: "mw1.micro", minWorkers: 2 }),
    "environments[0].airflow.minWorkers",
    "at most maxWorkers (1)",
    "2",
  ],
  [
    "1 scheduler on mw1.small",
    airflow({ schedulers: 1 }),
    "environments[0].airflow.schedulers",
    "from 2 to 5 for mw1.small",
    "1",
  ],
  ["6 schedulers", airflow({ schedulers: 6 }), "environments[0].airflow.schedulers", "an integer from 1 to 5", "6"],
  [
    "2 schedulers on mw1.micro",
    airflow({ environmentClass: "mw1.micro", schedulers: 2 }),
    "environments[0].airflow.schedulers",
    "must be 1 for mw1.micro",
    "2",
  ],
  [
    "1 web server on mw1.large",
    airflow({ environmentClass: "mw1.large", minWebservers: 1 }),
    "environments[0].airflow.minWebservers",
    "from 2 to 5 for mw1.large",
    "1",
  ],
  [
    "2 web servers on mw1.micro",
    airflow({ environmentClass: "mw1.micro", maxWebservers: 2 }),
    "environments[0].airflow.maxWebservers",
    "must be 1 for mw1.micro",
    "2",
  ],
  [
    "minWebservers above maxWebservers",
    airflow({ minWebservers: 4, maxWebservers: 3 }),
    "environments[0].airflow.minWebservers",
    "at most maxWebservers",
    "4",
  ],
  // maintenance window, version, log level
  [
    "maintenance window not on a half hour",
    airflow({ weeklyMaintenanceWindowStart: "SUN:03:15" }),
    "environments[0].airflow.weeklyMaintenanceWindowStart",
    "DAY:HH:MM in UTC on a half hour, e.g. SUN:03:00",
    '"SUN:03:15"',
  ],
  [
    "maintenance window with a bad day",
    airflow({ weeklyMaintenanceWindowStart: "SUNDAY:03:00" }),
    "environments[0].airflow.weeklyMaintenanceWindowStart",
    "DAY:HH:MM in UTC on a half hour, e.g. SUN:03:00",
    '"SUNDAY:03:00"',
  ],
  [
    "Airflow version past end of support",
    airflow({ version: "2.6.3" }),
    "environments[0].airflow.version",
    VERSIONS,
    '"2.6.3"',
  ],
  ["unknown Airflow version", airflow({ version: "3.1.0" }), "environments[0].airflow.version", VERSIONS, '"3.1.0"'],
  [
    "unknown log level",
    airflow({ logLevel: "LOUD" }),
    "environments[0].airflow.logLevel",
    "one of CRITICAL, ERROR, WARNING, INFO, DEBUG, or an object of those per module (dagProcessing, scheduler, task, webServer, worker)",
    '"LOUD"',
  ],
  // network
  [
    "one private subnet",
    existingNetwork({ privateSubnetIds: [PRIVATE_SUBNET_IDS[0]] }),
    "environments[0].network.privateSubnetIds",
    "exactly two distinct private subnet ids",
    got([PRIVATE_SUBNET_IDS[0]]),
  ],
  [
    "two equal private subnets",
    existingNetwork({ privateSubnetIds: [PRIVATE_SUBNET_IDS[0], PRIVATE_SUBNET_IDS[0]] }),
    "environments[0].network.privateSubnetIds",
    "exactly two distinct private subnet ids",
    got([PRIVATE_SUBNET_IDS[0], PRIVATE_SUBNET_IDS[0]]),
  ],
  [
    "malformed subnet id",
    existingNetwork({ privateSubnetIds: [PRIVATE_SUBNET_IDS[0], "subnet-xyz"] }),
    "environments[0].network.privateSubnetIds[1]",
    "a subnet id like subnet-0a1b2c3d4e5f60718",
    '"subnet-xyz"',
  ],
  [
    "malformed VPC id",
    existingNetwork({ vpcId: "vpc-123" }),
    "environments[0].network.vpcId",
    "a VPC id like vpc-0a1b2c3d4e5f60718",
    '"vpc-123"',
  ],
  [
    "subnets without a VPC id",
    withEnv({ network: { privateSubnetIds: [...PRIVATE_SUBNET_IDS] } }),
    "environments[0].network.vpcId",
    "required with existing subnets",
    "nothing",
  ],
  [
    "neither an existing nor a created network",
    withEnv({ network: {} }),
    "environments[0].network",
    "either an existing network (vpcId, privateSubnetIds, publicSubnetIds) or create, not both and not neither",
    "{}",
  ],
  [
    "both an existing and a created network",
    existingNetwork({ create: { cidr: "10.20.0.0/16" } }),
    "environments[0].network",
    "either an existing network (vpcId, privateSubnetIds, publicSubnetIds) or create, not both and not neither",
    got({ vpcId: VPC_ID, privateSubnetIds: [...PRIVATE_SUBNET_IDS], create: { cidr: "10.20.0.0/16" } }),
  ],
  [
    "created VPC CIDR larger than /16",
    withEnv({ network: { create: { cidr: "10.0.0.0/8" } } }),
    "environments[0].network.create.cidr",
    "an IPv4 CIDR from /16 to /24, e.g. 10.20.0.0/16",
    '"10.0.0.0/8"',
  ],
  [
    "3 NAT gateways",
    withEnv({ network: { create: { cidr: "10.20.0.0/16", natGateways: 3 } } }),
    "environments[0].network.create.natGateways",
    "an integer from 0 to 2",
    "3",
  ],
  [
    "unknown service endpoint",
    existingNetwork({ serviceEndpoints: ["dynamodb"] }),
    "environments[0].network.serviceEndpoints[0]",
    "one of s3, monitoring, ecr.dkr, ecr.api, logs, sqs, kms, airflow.api, airflow.env, airflow.ops, ssm, ssmmessages, ec2messages",
    '"dynamodb"',
  ],
  [
    "service endpoint twice",
    existingNetwork({ serviceEndpoints: ["s3", "s3"] }),
    "environments[0].network.serviceEndpoints",
    "each service once",
    '["s3","s3"]',
  ],
  // formats
  [
    "malformed KMS key ARN",
    withEnv({ kmsKeyArn: "arn:aws:kms:eu-west-1:123:key/abc" }),
    "environments[0].kmsKeyArn",
    "a KMS key ARN like arn:aws:kms:eu-west-1:123456789012:key/<uuid>",
    '"arn:aws:kms:eu-west-1:123:key/abc"',
  ],
  ["malformed region", withEnv({ region: "Europe" }), "environments[0].region", REGIONS, '"Europe"'],
  [
    "missing region",
    withEnv({ region: undefined }),
    "environments[0].region",
    "an AWS Region where Amazon MWAA runs, like eu-west-1",
    "nothing",
  ],
  [
    "well-formed region that does not exist",
    withEnv({ region: "eu-west-9" }),
    "environments[0].region",
    'an AWS Region where Amazon MWAA runs (did you mean "eu-west-1"?)',
    '"eu-west-9"',
  ],
  [
    "real Region without MWAA",
    withEnv({ region: "mx-central-1" }),
    "environments[0].region",
    'an AWS Region where Amazon MWAA runs (did you mean "me-central-1"?)',
    '"mx-central-1"',
  ],
  [
    "GovCloud (no MWAA in the SDK endpoint data)",
    withEnv({ region: "us-gov-west-1" }),
    "environments[0].region",
    REGIONS,
    '"us-gov-west-1"',
  ],
  ["more than 50 tags", withEnv({ tags: fiftyOneTags }), "environments[0].tags", "at most 50 tags", got(fiftyOneTags)],
  [
    "tag value of 257 characters",
    withEnv({ tags: { team: "v".repeat(257) } }),
    "environments[0].tags.team",
    "a tag value is at most 256 characters",
    got("v".repeat(257)),
  ],
  [
    "non-string configuration option value",
    airflow({ configurationOptions: { "core.load_examples": false } }),
    "environments[0].airflow.configurationOptions.core.load_examples",
    'option values are strings (write "false", not false)',
    "false",
  ],
  [
    "base URL with a scheme",
    airflow({ configurationOptions: { "webserver.base_url": "https://airflow.example.com" } }),
    "environments[0].airflow.configurationOptions.webserver.base_url",
    "a bare domain name like airflow.example.com: no https://, no path, at most 255 characters (MWAA's custom domain)",
    '"https://airflow.example.com"',
  ],
  [
    "base URL with a path",
    airflow({ configurationOptions: { "webserver.base_url": "airflow.example.com/dags/" } }),
    "environments[0].airflow.configurationOptions.webserver.base_url",
    "a bare domain name like airflow.example.com: no https://, no path, at most 255 characters (MWAA's custom domain)",
    '"airflow.example.com/dags/"',
  ],
  [
    "api.base_url, which MWAA sets itself",
    airflow({ version: "3.0.6", configurationOptions: { "api.base_url": "airflow.example.com" } }),
    "environments[0].airflow.configurationOptions.api.base_url",
    "not settable: MWAA sets api.base_url itself; give the custom domain as webserver.base_url",
    '"airflow.example.com"',
  ],
  [
    "bucket both existing and created",
    withEnv({ bucket: { existingName: "team-bucket", name: "new-bucket" } }),
    "environments[0].bucket",
    "existingName (use a bucket) or name (create one), not both",
    got({ existingName: "team-bucket", name: "new-bucket" }),
  ],
  [
    "bare * action in an extra statement",
    withEnv({ executionRolePolicyStatements: [{ actions: ["*"], resources: ["*"] }] }),
    "environments[0].executionRolePolicyStatements[0].actions[0]",
    'an IAM action "service:Action"; a bare "*" is not allowed',
    '"*"',
  ],
  [
    "protectFromDestroy not a boolean",
    withEnv({ protectFromDestroy: "yes" }),
    "environments[0].protectFromDestroy",
    "true or false",
    '"yes"',
  ],
  // unknown keys
  [
    "misspelt environment key",
    withEnv({ netwrok: {} }),
    "environments[0].netwrok",
    'unknown key (did you mean "network"?)',
    "{}",
  ],
  [
    "misspelt airflow key",
    airflow({ maxWorker: 3 }),
    "environments[0].airflow.maxWorker",
    'unknown key (did you mean "maxWorkers"?)',
    "3",
  ],
  [
    "misspelt top-level key",
    { environments: [minimalEnvironment()], backnd: { type: "local" } },
    "backnd",
    'unknown key (did you mean "backend"?)',
    '{"type":"local"}',
  ],
  // top level and backend
  ["no environment", { environments: [] }, "environments", "at least one environment", "[]"],
  [
    "unknown backend type",
    { backend: { type: "gcs" }, environments: [minimalEnvironment()] },
    "backend.type",
    'type "local" or "s3"',
    '"gcs"',
  ],
  [
    "China Region",
    withEnv({ region: "cn-north-2" }),
    "environments[0].region",
    'an AWS Region where Amazon MWAA runs (did you mean "cn-north-1"?)',
    '"cn-north-2"',
  ],
  [
    "s3 backend without a bucket",
    { backend: { type: "s3", region: "eu-west-1" }, environments: [minimalEnvironment()] },
    "backend.bucket",
    "an S3 bucket name",
    "nothing",
  ],
  // the in-place major upgrade's guard
  [
    "majorUpgradeInPlace with a 2.x version",
    airflow({ version: "2.11.2", majorUpgradeInPlace: true }),
    "environments[0].airflow.majorUpgradeInPlace",
    "true only with a 3.x version (airflow.version is 2.11.2): it lets `npm run upgrade` take the latest 2.11.x to that 3.x in place; remove it",
    "true",
  ],
  [
    "majorUpgradeInPlace not a boolean",
    airflow({ version: "3.3.1", majorUpgradeInPlace: "yes" }),
    "environments[0].airflow.majorUpgradeInPlace",
    "true or false",
    '"yes"',
  ],
];

/** Record keys that break a rule (zod reports them as invalid_key, with the rule's message inside). */
const INVALID_KEYS: [string, unknown, string, RegExp][] = [
  [
    "tag key starting with aws:",
    withEnv({ tags: { "aws:team": "x" } }),
    "environments[0].tags.aws:team",
    /must not start with aws:/,
  ],
  [
    "tag key of 129 characters",
    withEnv({ tags: { ["k".repeat(129)]: "x" } }),
    `environments[0].tags.${"k".repeat(129)}`,
    /1 to 128 characters/,
  ],
  [
    "configuration option key not section.option",
    airflow({ configurationOptions: { core: "x" } }),
    "environments[0].airflow.configurationOptions.core",
    /"section\.option"/,
  ],
];

describe("a valid config", () => {
  test("parses, with defaults applied", () => {
    // GIVEN the smallest valid config
    // WHEN parsed
    const config = parseConfig(JSON.stringify({ environments: [minimalEnvironment()] }), FILE);
    // THEN the documented defaults are filled in
    expect(config.backend).toEqual({ type: "local" });
    const [env] = config.environments;
    expect(env.airflow).toMatchObject({
      version: "3.3.1",
      environmentClass: "mw1.small",
      minWorkers: 1,
      maxWorkers: 10,
      schedulers: 2,
      minWebservers: 2,
      maxWebservers: 2,
    });
    expect(env.airflow).toMatchObject({
      weeklyMaintenanceWindowStart: "SUN:03:00",
      logLevel: "INFO",
      configurationOptions: {},
    });
    expect(env).toMatchObject({ protectFromDestroy: true, tags: {}, executionRolePolicyStatements: [] });
  });

  test("a custom domain of exactly 255 characters, or an empty one (MWAA's own URL), is accepted as webserver.base_url", () => {
    const longest = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(59)}.com`;
    expect(longest).toHaveLength(255);
    for (const value of [longest, ""])
      expect(() =>
        parseConfig(JSON.stringify(airflow({ configurationOptions: { "webserver.base_url": value } })), FILE),
      ).not.toThrow();
    const tooLong = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(60)}.com`;
    expect(errorLines(airflow({ configurationOptions: { "webserver.base_url": tooLong } }))[0]).toContain(
      "environments[0].airflow.configurationOptions.webserver.base_url: a bare domain name",
    );
  });

  test("a Region of each partition where MWAA runs is accepted", () => {
    for (const region of ["us-east-1", "ap-southeast-7", "cn-northwest-1"])
      expect(() => parseConfig(JSON.stringify(withEnv({ region })), FILE)).not.toThrow();
  });

  test("majorUpgradeInPlace is accepted with a 3.x version, and false by default", () => {
    expect(
      parseConfig(JSON.stringify(airflow({ version: "3.3.1", majorUpgradeInPlace: true })), FILE).environments[0]
        .airflow.majorUpgradeInPlace,
    ).toBe(true);
    expect(
      parseConfig(JSON.stringify(airflow({ version: "3.3.1" })), FILE).environments[0].airflow.majorUpgradeInPlace,
    ).toBe(false);
  });

  test("mw1.micro defaults to one worker, scheduler and web server", () => {
    const config = parseConfig(JSON.stringify(airflow({ environmentClass: "mw1.micro" })), FILE);
    expect(config.environments[0].airflow).toMatchObject({
      minWorkers: 1,
      maxWorkers: 1,
      schedulers: 1,
      minWebservers: 1,
      maxWebservers: 1,
    });
  });

  test("the limits themselves are accepted", () => {
    // GIVEN the maximum counts of a standard class and exactly 50 tags
    const tags = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`key${i}`, "v".repeat(256)]));
    const config = withEnv({
      tags,
      airflow: { minWorkers: 25, maxWorkers: 25, schedulers: 5, minWebservers: 5, maxWebservers: 5 },
    });
    // THEN it parses
    expect(() => parseConfig(JSON.stringify(config), FILE)).not.toThrow();
  });
});

describe("invalid configs", () => {
  test.each(INVALID)("%s names the field, what is allowed and the value", (_what, config, path, allowed, value) => {
    // GIVEN a config with one mistake
    // WHEN parsed
    const lines = errorLines(config);
    // THEN one line is exactly `<file>: <path>: <what is allowed> (got <value>)`
    expect(lines).toContain(`${FILE}: ${path}: ${allowed} (got ${value})`);
    for (const line of lines) expect(line).toMatch(LINE);
  });

  test("majorUpgradeInPlace on a migration candidate at 2.x is refused at the candidate's field (the rehearsal sets it with the candidate's 3.x)", () => {
    // GIVEN a candidate copy at 2.11.2 with the guard, then the same candidate at 3.3.1
    const withCandidate = (version: string) =>
      withEnv({
        airflow: { version: "2.11.2" },
        access: { domainName: "airflow.example.com", hostedZoneName: "example.com", allowedCidrs: ["10.0.0.0/8"] },
        migration: {
          candidate: {
            environmentName: "analytics-next",
            airflow: {
              version,
              majorUpgradeInPlace: true,
              configurationOptions: { "core.dags_are_paused_at_creation": "True" },
            },
          },
        },
      });
    // THEN only the 2.x candidate gives the line, at the candidate's path
    expect(errorLines(withCandidate("2.11.2"))).toEqual([
      `${FILE}: environments[0].migration.candidate.airflow.majorUpgradeInPlace: true only with a 3.x version (migration.candidate.airflow.version is 2.11.2): it lets \`npm run upgrade\` take the latest 2.11.x to that 3.x in place; remove it (got true)`,
    ]);
    expect(() => parseConfig(JSON.stringify(withCandidate("3.3.1")), FILE)).not.toThrow();
  });

  test.each(INVALID_KEYS)("%s names the key's path", (_what, config, path) => {
    // GIVEN a record (tags, configuration options) with a key that breaks a rule
    const lines = errorLines(config);
    // THEN the line names the key's path, in the usual format
    expect(lines).toHaveLength(1);
    expect(lines[0].startsWith(`${FILE}: ${path}: `)).toBe(true);
    expect(lines[0]).toMatch(/ \(got .+\)$/);
  });

  test.each(INVALID_KEYS)("%s says what is allowed and shows the key", (_what, config, path, allowed) => {
    const lines = errorLines(config);
    expect(lines[0]).toMatch(allowed);
    expect(lines[0].endsWith(`(got ${got(path.split(".").pop())})`)).toBe(true);
  });

  test("a misspelt network key suggests the right one and reports the missing network", () => {
    // GIVEN "netwrok" instead of "network"
    const env = { ...minimalEnvironment(), network: undefined, netwrok: { create: { cidr: "10.20.0.0/16" } } };
    // WHEN parsed
    const lines = errorLines({ environments: [env] });
    // THEN both problems are named, with a did-you-mean on the unknown key
    expect(lines.sort()).toEqual([
      `${FILE}: environments[0].network: required (got nothing)`,
      `${FILE}: environments[0].netwrok: unknown key (did you mean "network"?) (got {"create":{"cidr":"10.20.0.0/16"}})`,
    ]);
  });

  test("an unknown key far from any known one gets no suggestion", () => {
    const lines = errorLines(withEnv({ colour: "blue" }));
    expect(lines).toEqual([`${FILE}: environments[0].colour: unknown key (got "blue")`]);
  });

  test("text that is not JSON is reported at the top level", () => {
    const lines = errorLines(undefined, "{ environments: [");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^config\/test\.json: \(top level\): valid JSON \(got a parse error: .+\)$/);
  });

  test("every problem is reported at once, one line each", () => {
    // GIVEN a config with three mistakes in two environments
    const config = {
      environments: [
        minimalEnvironment({ name: "", region: "eu-west-1" }),
        minimalEnvironment({ name: "prod", region: "x", airflow: { minWorkers: 0 } }),
      ],
    };
    // WHEN parsed
    const lines = errorLines(config);
    // THEN exactly three lines, one per field
    expect(lines.sort()).toEqual([
      `${FILE}: environments[0].name: ${NAME_RULE} (got "")`,
      `${FILE}: environments[1].airflow.minWorkers: an integer from 1 to 25 (got 0)`,
      `${FILE}: environments[1].region: ${REGIONS} (got "x")`,
    ]);
  });

  test("the error message is the lines joined, so the app can print it as is", () => {
    try {
      parseConfig(JSON.stringify({ environments: [minimalEnvironment({ name: "", region: "x" })] }), FILE);
      throw new Error("expected a ConfigError");
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const error = e as ConfigError;
      expect(error.message).toBe(error.lines.join("\n"));
      expect(error.lines).toHaveLength(2);
    }
  });
});

describe("parseEnvironment (the construct's way in)", () => {
  /** The environment-level cases of the table: a config of one environment. */
  const environmentCases = INVALID.filter(([, config]) => {
    const c = config as { environments?: unknown[]; backend?: unknown };
    return Object.keys(c).length === 1 && c.environments?.length === 1;
  });

  test("covers most of the table", () => {
    expect(environmentCases.length).toBeGreaterThan(40);
  });

  test.each(environmentCases)("%s gives the same message as in a config file", (_what, config) => {
    // GIVEN an environment that is invalid in a config file
    const env = (config as { environments: EnvironmentInput[] }).environments[0];
    // WHEN validated as construct props
    let lines: string[] = [];
    try {
      parseEnvironment(env, "Mwaa props");
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      lines = [...e.lines];
    }
    // THEN the lines are the config file's, with the props' name in place of the file and no environments[0]
    const expected = errorLines(config).map((l) => l.replace(`${FILE}: environments[0].`, "Mwaa props: "));
    expect(lines).toEqual(expected);
  });

  test("returns the environment with defaults applied", () => {
    const env = parseEnvironment(minimalEnvironment({ airflow: { environmentClass: "mw1.micro" } }));
    expect(env.airflow).toMatchObject({ maxWorkers: 1, schedulers: 1, minWebservers: 1, maxWebservers: 1 });
    expect(env.protectFromDestroy).toBe(true);
  });

  test("decides the network defaults: every service endpoint for a created VPC without NAT, none otherwise", () => {
    const noNat = parseEnvironment(
      minimalEnvironment({ network: { create: { cidr: "10.20.0.0/16", natGateways: 0 } } }),
    );
    expect(noNat.network.serviceEndpoints).toEqual([
      "s3",
      "monitoring",
      "ecr.dkr",
      "ecr.api",
      "logs",
      "sqs",
      "kms",
      "airflow.api",
      "airflow.env",
      "airflow.ops",
    ]);
    expect(noNat.network.publicSubnetIds).toEqual([]);
    const withNat = parseEnvironment(
      minimalEnvironment({ network: { create: { cidr: "10.20.0.0/16", natGateways: 1 } } }),
    );
    expect(withNat.network.serviceEndpoints).toEqual([]);
    const existing = parseEnvironment(minimalEnvironment({}));
    expect(existing.network.serviceEndpoints).toEqual([]);
  });

  test("accepts its own output unchanged (a construct may be handed an environment parsed before)", () => {
    for (const network of [
      { create: { cidr: "10.20.0.0/16", natGateways: 0 } },
      { vpcId: VPC_ID, privateSubnetIds: [...PRIVATE_SUBNET_IDS] },
    ]) {
      const once = parseEnvironment(minimalEnvironment({ network }));
      expect(parseEnvironment(once)).toEqual(once);
    }
  });
});

describe("the README's first deploy: changing the example's class to mw1.micro", () => {
  const example = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "config", "example.json"), "utf8")) as {
    environments: { airflow: Record<string, unknown> }[];
  };
  const withAirflow = (changes: Record<string, unknown>) =>
    JSON.stringify({
      ...example,
      environments: [{ ...example.environments[0], airflow: { ...example.environments[0]?.airflow, ...changes } }],
    });

  test("the class alone: errors name exactly the fields the README says move with it", () => {
    // GIVEN the example with only environmentClass changed WHEN parsed THEN maxWorkers and schedulers, "must be 1" for the single value
    expect(
      configErrorLines(() => parseConfig(withAirflow({ environmentClass: "mw1.micro" }), "my-env.json")).sort(),
    ).toEqual([
      "my-env.json: environments[0].airflow.maxWorkers: at most 1 for mw1.micro (got 5)",
      "my-env.json: environments[0].airflow.schedulers: must be 1 for mw1.micro (got 2)",
    ]);
  });

  test("with maxWorkers and schedulers at 1 as the README says, it is valid", () => {
    expect(() =>
      parseConfig(withAirflow({ environmentClass: "mw1.micro", maxWorkers: 1, schedulers: 1 }), "my-env.json"),
    ).not.toThrow();
  });
});
