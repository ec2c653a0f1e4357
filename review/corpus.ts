/**
 * The review's scenario corpus: realistic changes to the shipped configs, each a JSON edit of one
 * config: the head is the shipped config with `head` applied, the base the shipped config with `base`
 * applied (or the shipped config itself), that __tests__/review-corpus.test.ts synthesizes and
 * plans with the real provider (./corpus-run.ts) to check that the rules table and Terraform agree
 * on every address. Data only.
 */
import * as fs from "fs";

/** A config file as JSON (the edits change it in place). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ConfigJson = { environments: any[]; [key: string]: unknown };

/** Files a scenario derives from the project's own (a copy in a scratch folder, changed). */
export interface DerivedFiles {
  /** Copies `rel` (a file or folder of the project) and applies `change` to the copy; returns the copy's absolute path. */
  derive(rel: string, change: (copy: string) => void): string;
}

/** A synthesized stack document, for the one change a config cannot make (the project's own Lambda code). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type StackJson = { resource?: Record<string, Record<string, any>> };

export interface Scenario {
  readonly name: string;
  /** The shipped config, relative to the project root. */
  readonly config: string;
  /** Turns the shipped config into the base. @default - the shipped config is the base */
  readonly base?: (c: ConfigJson, files: DerivedFiles) => void;
  /** Turns the shipped config into the head. */
  readonly head: (c: ConfigJson, files: DerivedFiles) => void;
  /** Changes the head's synthesized stacks (a Lambda code change comes from the project, not the config). @default - none */
  readonly headStacks?: (stacks: Record<string, StackJson>) => void;
}

const EXAMPLE = "config/example.json";
const ex = "config/examples/";

/** The new bundle of a Lambda: a different code hash, as a changed handler gives. */
function newLambdaCode(stacks: Record<string, StackJson>): void {
  for (const doc of Object.values(stacks)) {
    for (const fn of Object.values(doc.resource?.aws_lambda_function ?? {}))
      fn.source_code_hash = "bmV3IGNvZGUgb2YgdGhlIGZ1bmN0aW9uIGJ1bmRsZQ==";
  }
}

export const SCENARIOS: readonly Scenario[] = [
  // config/example.json: Airflow 3.3.1, a created VPC without NAT, an internal ALB with ACM.
  {
    name: "environment class",
    config: EXAMPLE,
    head: (c) => void (c.environments[0].airflow.environmentClass = "mw1.medium"),
  },
  {
    name: "workers",
    config: EXAMPLE,
    head: (c) => Object.assign(c.environments[0].airflow, { minWorkers: 2, maxWorkers: 10 }),
  },
  { name: "Airflow 3 minor down", config: EXAMPLE, head: (c) => void (c.environments[0].airflow.version = "3.2.1") },
  {
    name: "Airflow 3 minor up",
    config: EXAMPLE,
    base: (c) => void (c.environments[0].airflow.version = "3.2.1"),
    head: (c) => void (c.environments[0].airflow.version = "3.3.1"),
  },
  { name: "environment name", config: EXAMPLE, head: (c) => void (c.environments[0].name = "analytics-stg") },
  {
    name: "KMS key",
    config: EXAMPLE,
    head: (c) =>
      void (c.environments[0].kmsKeyArn =
        "arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9"),
  },
  { name: "VPC CIDR", config: EXAMPLE, head: (c) => void (c.environments[0].network.create.cidr = "10.21.0.0/16") },
  {
    name: "NAT gateways 0 to 1",
    config: EXAMPLE,
    head: (c) => void (c.environments[0].network.create.natGateways = 1),
  },
  { name: "ALB scheme", config: EXAMPLE, head: (c) => void (c.environments[0].access.scheme = "internet-facing") },
  {
    name: "domain",
    config: EXAMPLE,
    head: (c) => void (c.environments[0].access.domainName = "airflow2.dev.example.com"),
  },
  {
    name: "tags only",
    config: EXAMPLE,
    head: (c) => void (c.environments[0].tags.owner = "data-platform@example.com"),
  },
  {
    name: "requirements",
    config: EXAMPLE,
    head: (c, f) =>
      void (c.environments[0].artifacts.requirements = f.derive("airflow/requirements.txt", (copy) =>
        appendLine(copy, "acme-common==1.0.0"),
      )),
  },
  {
    name: "DAGs",
    config: EXAMPLE,
    head: (c, f) =>
      void (c.environments[0].artifacts.dagsDir = f.derive("airflow/dags", (copy) =>
        appendLine(`${copy}/hello_private_mwaa.py`, "# reviewed"),
      )),
  },
  {
    name: "plugins",
    config: EXAMPLE,
    head: (c, f) =>
      void (c.environments[0].artifacts.pluginsDir = f.derive("airflow/plugins", (copy) =>
        appendLine(`${copy}/acme_plugin.py`, "# reviewed"),
      )),
  },
  { name: "Lambda code", config: EXAMPLE, head: () => undefined, headStacks: newLambdaCode },
  {
    name: "log retention",
    config: EXAMPLE,
    head: (c) => void (c.environments[0].monitoring = { logRetentionDays: 90 }),
  },

  // dev-and-prod: two stacks, Airflow 2.10.3, NAT gateways.
  {
    name: "Airflow 2 minor up (prod)",
    config: `${ex}dev-and-prod.json`,
    head: (c) => void (c.environments[1].airflow.version = "2.11.0"),
  },
  {
    name: "NAT gateways 2 to 1 (prod)",
    config: `${ex}dev-and-prod.json`,
    head: (c) => void (c.environments[1].network.create.natGateways = 1),
  },

  // sso: Airflow 2 with an OIDC sign-in Lambda.
  {
    name: "Airflow major up (refused)",
    config: `${ex}sso.json`,
    head: (c) => void (c.environments[0].airflow.version = "3.3.1"),
  },
  {
    name: "adding sign-in",
    config: `${ex}sso.json`,
    base: (c) => void delete c.environments[0].access.sso,
    head: () => undefined,
  },

  // migrate-to-airflow3: the side-by-side migration.
  {
    name: "migration start",
    config: `${ex}migrate-to-airflow3.json`,
    base: (c) => void delete c.environments[0].migration,
    head: () => undefined,
  },
  {
    name: "migration cutover",
    config: `${ex}migrate-to-airflow3.json`,
    head: (c) => void (c.environments[0].migration.serve = "candidate"),
  },

  // sso-airflow3-cognito: Airflow 3.0.6 in an existing VPC.
  {
    name: "Airflow 3 down to 2.11",
    config: `${ex}sso-airflow3-cognito.json`,
    head: (c) => void (c.environments[0].airflow.version = "2.11.0"),
  },
  {
    name: "private subnets",
    config: `${ex}sso-airflow3-cognito.json`,
    head: (c) => void (c.environments[0].network.privateSubnetIds[1] = "subnet-0a1b2c3d4e5f60755"),
  },

  // The other network shapes: one change each.
  {
    name: "endpoints role: tags",
    config: `${ex}endpoints-role.json`,
    head: (c) => void (c.environments[0].tags.owner = "platform"),
  },
  {
    name: "endpoints by the VPC owner: class",
    config: `${ex}endpoints-vpc-owner.json`,
    head: (c) => void (c.environments[0].airflow.environmentClass = "mw1.medium"),
  },
  {
    name: "evaluation host type",
    config: `${ex}evaluation-access.json`,
    head: (c) => void (c.environments[0].access.evaluationHost.instanceType = "t3.nano"),
  },
  {
    name: "peered CIDRs",
    config: `${ex}peering.json`,
    head: (c) => void c.environments[0].network.peering.peerCidrs.push("10.61.0.0/16"),
  },
  {
    name: "transit gateway routes",
    config: `${ex}transit-gateway.json`,
    head: (c) => void c.environments[0].network.transitGateway.routedCidrs.push("192.168.0.0/16"),
  },
  {
    name: "Airflow state: tags",
    config: `${ex}airflow-state.json`,
    head: (c) => void (c.environments[0].tags.owner = "platform"),
  },
  {
    name: "Airflow 2.11 to 3 in place",
    config: `${ex}upgrade-in-place.json`,
    base: (c) => {
      c.environments[0].airflow.version = "2.11.0";
      delete c.environments[0].airflow.majorUpgradeInPlace;
    },
    head: () => undefined,
  },
  {
    name: "Airflow state: environment name",
    config: `${ex}airflow-state.json`,
    head: (c) => void (c.environments[0].name = "analytics-state2"),
  },
  {
    name: "evaluation: environment name",
    config: `${ex}evaluation-access.json`,
    head: (c) => void (c.environments[0].name = "analytics-eval2"),
  },
  {
    name: "peer VPC",
    config: `${ex}peering.json`,
    head: (c) => void (c.environments[0].network.peering.peerVpcId = "vpc-0a1b2c3d4e5f60799"),
  },
  {
    name: "transit gateway",
    config: `${ex}transit-gateway.json`,
    head: (c) => void (c.environments[0].network.transitGateway.transitGatewayId = "tgw-0a1b2c3d4e5f60799"),
  },
  {
    name: "MWAA environment name",
    config: `${ex}dev-and-prod.json`,
    head: (c) => void (c.environments[0].environmentName = "analytics-dev-2"),
  },
  {
    name: "bucket name",
    config: `${ex}dev-and-prod.json`,
    head: (c) => void (c.environments[0].bucket = { name: "analytics-dev-artifacts-2" }),
  },
];

/** Appends a line to a text file (a scenario's change to a copied artifact). */
function appendLine(file: string, line: string): void {
  fs.appendFileSync(file, `${line}\n`);
}
