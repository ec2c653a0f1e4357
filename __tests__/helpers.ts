/**
 * Shared test helpers: a valid environment to start from, an in-process synth of one MwaaStack,
 * and lookups into the synthesized Terraform JSON (snake_case keys, as Terraform reads them).
 *
 * Addresses in cdktf JSON are the construct path joined with "_" plus an 8-character hash
 * ("Mwaa/Network/Vpc" -> "Mwaa_Network_Vpc_07D3357C"; a "Resource" child is left out of the
 * readable part). The lookups below take that readable path, so tests need not copy hashes.
 *
 * Synthesizing costs 50 to 250 ms: synthesize each distinct config once per file (module level
 * or beforeAll) and share the result between tests.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { App } from "cdktf";
import type { Construct } from "constructs";
import { ConfigError } from "../model/errors";
import type { Backend, EnvironmentInput } from "../model/schema";
import type { PrivateMwaaEnvironmentProps } from "../constructs/private-mwaa-environment";

/** The prepared-file props of PrivateMwaaEnvironment (artifactFiles, Lambda bundles). */
export type PreparedFiles = Pick<
  PrivateMwaaEnvironmentProps,
  "artifactFiles" | "workerCountCode" | "signInCode" | "airflowApplyCode" | "airflowBackupCode"
>;

/** The existing network of `minimalEnvironment`. */
export const VPC_ID = "vpc-0a1b2c3d4e5f60718";
export const PRIVATE_SUBNET_IDS: readonly [string, string] = ["subnet-0a1b2c3d4e5f60711", "subnet-0a1b2c3d4e5f60722"];

/** A resource, data source or output body: plain JSON, read loosely in tests. */
export type Block = Record<string, any>;

/** The parts of a synthesized cdk.tf.json that tests read. */
export interface TerraformJson {
  readonly terraform?: Block;
  readonly provider?: Block;
  readonly resource?: Record<string, Record<string, Block>>;
  readonly data?: Record<string, Record<string, Block>>;
  readonly output?: Record<string, Block>;
}

/**
 * A valid environment named "dev" in eu-west-1 on an existing network (VPC_ID, PRIVATE_SUBNET_IDS),
 * everything else defaulted. Overrides replace top-level keys whole: pass a complete `airflow` or
 * `network` object, not a partial one.
 */
export function minimalEnvironment(overrides: Partial<EnvironmentInput> = {}): EnvironmentInput {
  return {
    name: "dev",
    region: "eu-west-1",
    network: { vpcId: VPC_ID, privateSubnetIds: [...PRIVATE_SUBNET_IDS] },
    ...overrides,
  };
}

/**
 * A Testing.app() with one output folder shared by every test: synthesizing to a string writes
 * nothing there, and Testing.app() would otherwise leave a new temporary folder per call.
 */
export function testApp(): App {
  const { Testing } = require("cdktf") as typeof import("cdktf");
  const outdir = path.join(os.tmpdir(), "mwaa-cdktf-tests");
  fs.mkdirSync(outdir, { recursive: true });
  return Testing.app({ outdir });
}

/**
 * Synthesizes one MwaaStack (stack name = environment name) in a fresh Testing.app() and parses its JSON.
 * `assets` are the prepared uploads and Lambda bundles the app would hand in (@default - none: the shipped bundles).
 */
export function synthStack(environment: EnvironmentInput, backend?: Backend, assets?: PreparedFiles): TerraformJson {
  // Loaded on first use: files that only validate config skip cdktf and the provider (about 1 s each).
  const { Testing } = require("cdktf") as typeof import("cdktf");
  const { MwaaStack } = require("../constructs/stack") as typeof import("../constructs/stack");
  const stack = new MwaaStack(testApp(), environment.name, { environment: { ...environment, ...assets }, backend });
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

/** Like Testing.synthScope: builds constructs in a fresh stack ("test") and parses its JSON. */
export function synthConstruct(build: (scope: Construct) => void): TerraformJson {
  const { Testing, TerraformStack } = require("cdktf") as typeof import("cdktf");
  const stack = new TerraformStack(testApp(), "test");
  build(stack);
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

/** Every resource of a type, by name; `{}` when there is none. */
export function resources(doc: TerraformJson, type: string): Record<string, Block> {
  return doc.resource?.[type] ?? {};
}

/** Every data source of a type, by name; `{}` when there is none. */
export function dataSources(doc: TerraformJson, type: string): Record<string, Block> {
  return doc.data?.[type] ?? {};
}

/** Every address in the document, sorted: `aws_vpc.Mwaa_Network_Vpc_07D3357C`, `data.aws_partition.Mwaa_Partition_62A5DB24`. */
export function addresses(doc: TerraformJson): string[] {
  const list = (blocks: TerraformJson["resource"], prefix: string) =>
    Object.entries(blocks ?? {}).flatMap(([type, byName]) =>
      Object.keys(byName).map((name) => `${prefix}${type}.${name}`),
    );
  return [...list(doc.resource, ""), ...list(doc.data, "data.")].sort();
}

/**
 * The name of the block at a construct path, e.g. `nameOf(doc, "aws_vpc", "Mwaa_Network_Vpc")`.
 * A type starting with "data." looks among data sources. Throws, listing what exists, when there is none.
 */
export function nameOf(doc: TerraformJson, type: string, path: string): string {
  const byName = type.startsWith("data.") ? dataSources(doc, type.slice("data.".length)) : resources(doc, type);
  const pattern = new RegExp(`^${path}_[0-9A-F]{8}$`);
  const match = Object.keys(byName).find((name) => pattern.test(name));
  if (match === undefined)
    throw new Error(`no ${type} at ${path}; there are: ${Object.keys(byName).join(", ") || "none"}`);
  return match;
}

/** The body of the block at a construct path (see nameOf). */
export function blockAt(doc: TerraformJson, type: string, path: string): Block {
  const name = nameOf(doc, type, path);
  return type.startsWith("data.") ? dataSources(doc, type.slice("data.".length))[name] : resources(doc, type)[name];
}

/** The Terraform reference to an attribute of the block at a construct path: `${aws_vpc.Mwaa_Network_Vpc_07D3357C.id}`. */
export function ref(doc: TerraformJson, type: string, path: string, attribute: string): string {
  return `\${${type}.${nameOf(doc, type, path)}.${attribute}}`;
}

/** The lines of the ConfigError that `parse` throws; fails the test when it does not throw one. */
export function configErrorLines(parse: () => unknown): string[] {
  try {
    parse();
  } catch (e) {
    if (e instanceof ConfigError) return [...e.lines];
    throw e;
  }
  throw new Error("expected a ConfigError, but the input parsed");
}

/** An OIDC identity provider for `access.authentication` / `access.sso` (secret by SSM reference). */
export const OIDC = {
  issuer: "https://login.example.com",
  authorizationEndpoint: "https://login.example.com/oauth2/v1/authorize",
  tokenEndpoint: "https://login.example.com/oauth2/v1/token",
  userInfoEndpoint: "https://login.example.com/oauth2/v1/userinfo",
  clientId: "0oa1b2c3d4mwaa",
  clientSecret: { ssmParameter: "/mwaa/dev/oidc-client-secret" },
};

/** A Cognito user pool for the same blocks. */
export const COGNITO = {
  userPoolArn: "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEfGhI",
  userPoolClientId: "1example23456789",
  userPoolDomain: "analytics-airflow",
};
