/**
 * The Secrets Manager backend's secrets belong to the stack: one set whatever the number of
 * environments, read by each environment's execution role, at addresses no migration step moves.
 */
import type { EnvironmentInput } from "../model/schema";
import {
  addresses,
  blockAt,
  minimalEnvironment,
  resources,
  synthStack,
  type Block,
  type TerraformJson,
} from "./helpers";

const KEY = "arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5f";
const EXISTING = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:airflow/analytics/connections/crm-AbCdEf";
const airflowState: EnvironmentInput["airflowState"] = {
  secretsBackend: {
    kmsKeyArn: KEY,
    connections: [{ name: "warehouse" }, { name: "crm", existingSecretArn: EXISTING }],
    variables: [{ name: "api_token" }],
  },
};
const before = minimalEnvironment({
  name: "analytics",
  airflow: { version: "2.11.2" },
  access: { domainName: "airflow.example.com", hostedZoneName: "example.com", allowedCidrs: ["10.0.0.0/8"] },
  airflowState,
});
const candidate = {
  environmentName: "analytics-af3",
  airflow: { version: "3.3.1" as const, configurationOptions: { "core.dags_are_paused_at_creation": "True" } },
};
const steps = {
  before: synthStack(before),
  start: synthStack({ ...before, migration: { candidate } }),
  cutover: synthStack({ ...before, migration: { candidate, serve: "candidate" } }),
  finish: synthStack({ ...before, environmentName: candidate.environmentName, airflow: candidate.airflow }),
};

const secretAddresses = (doc: TerraformJson) =>
  addresses(doc).filter((a) => a.startsWith("aws_secretsmanager_secret."));
const statementsOf = (doc: TerraformJson, path: string) =>
  blockAt(doc, "data.aws_iam_policy_document", path).statement as Block[];

describe("airflowState secrets during a migration", () => {
  test("each secret is synthesized once, whatever the number of environments", () => {
    // GIVEN the migration's start, with two environments reading one secrets backend
    const names = Object.values(resources(steps.start, "aws_secretsmanager_secret")).map((s) => s.name);
    // THEN each created secret appears once (Secrets Manager refuses a second secret of the same name)
    expect(names.sort()).toEqual(["airflow/analytics/connections/warehouse", "airflow/analytics/variables/api_token"]);
  });

  test("both execution roles read the two prefixes and the existing secret, and decrypt through Secrets Manager", () => {
    const account = "${data.aws_caller_identity.Mwaa_Account_12E85AAE.account_id}";
    const partition = "${data.aws_partition.Mwaa_Partition_62A5DB24.partition}";
    for (const role of ["Mwaa_ExecutionRole_PolicyDocument", "Mwaa_analytics-af3_ExecutionRole_PolicyDocument"]) {
      const statements = statementsOf(steps.start, role);
      expect(statements.find((s) => s.sid === "ReadAirflowSecrets")).toEqual({
        sid: "ReadAirflowSecrets",
        actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        resources: [
          `arn:${partition}:secretsmanager:eu-west-1:${account}:secret:airflow/analytics/connections/*`,
          `arn:${partition}:secretsmanager:eu-west-1:${account}:secret:airflow/analytics/variables/*`,
          EXISTING,
        ],
      });
      expect(statements.find((s) => s.sid === "DecryptAirflowSecrets")).toMatchObject({
        resources: [KEY],
        condition: [
          { test: "StringEquals", variable: "kms:ViaService", values: ["secretsmanager.eu-west-1.amazonaws.com"] },
        ],
      });
    }
  });

  test("the secrets keep their addresses and bodies before, at the start, at cutover and after finishing", () => {
    // GIVEN each step of the migration
    const [first, ...rest] = Object.values(steps);
    expect(secretAddresses(first)).toHaveLength(2);
    for (const doc of rest) {
      // THEN the same secrets at the same addresses, unchanged: no step deletes and recreates a secret
      expect(secretAddresses(doc)).toEqual(secretAddresses(first));
      for (const [name, body] of Object.entries(resources(first, "aws_secretsmanager_secret")))
        expect(resources(doc, "aws_secretsmanager_secret")[name]).toEqual(body);
    }
  });

  test("the secrets live in the stack's AirflowSecrets, not in an environment's scope", () => {
    expect(secretAddresses(steps.start)).toEqual([
      expect.stringMatching(/^aws_secretsmanager_secret\.Mwaa_AirflowSecrets_Connection_warehouse_[0-9A-F]{8}$/),
      expect.stringMatching(/^aws_secretsmanager_secret\.Mwaa_AirflowSecrets_Variable_api_token_[0-9A-F]{8}$/),
    ]);
  });
});
