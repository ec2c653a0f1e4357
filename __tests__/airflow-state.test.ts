import { readFileSync } from "node:fs";
import { parseConfig } from "../model/parse";
import type { EnvironmentInput } from "../model/schema";
import { blockAt, dataSources, minimalEnvironment, ref, resources, synthStack, type Block } from "./helpers";
import { stateCodes } from "./helpers-state";
import { backupKey } from "../lambda/airflow-backup/handler";
import { ENV_VARS } from "../lambda/airflow-state/contract";
import { backupAlarmWindow } from "../constructs/airflow-state";

const codes = stateCodes();
/** The example's airflowState block, on the minimal environment ("dev", eu-west-1). */
const exampleState = (
  JSON.parse(readFileSync("config/examples/airflow-state.json", "utf8")) as { environments: EnvironmentInput[] }
).environments[0].airflowState!;
const doc = synthStack(minimalEnvironment({ airflowState: exampleState }), undefined, codes);
const withKey = synthStack(
  minimalEnvironment({
    airflowState: {
      secretsBackend: {
        kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5f",
        variables: [{ name: "token" }],
      },
      backup: { everyHours: 6, retentionDays: 30 },
    },
  }),
  undefined,
  codes,
);

const statements = (policyDocument: Block): Block[] => policyDocument.statement as Block[];
const policyOf = (d: typeof doc, path: string) => statements(blockAt(d, "data.aws_iam_policy_document", path));
const bySid = (list: Block[], sid: string) => list.find((s) => s.sid === sid);
const ACCOUNT = "${data.aws_caller_identity.Mwaa_Account_12E85AAE.account_id}";
const PARTITION = "${data.aws_partition.Mwaa_Partition_62A5DB24.partition}";

describe("airflowState wiring", () => {
  test("the Lambdas may call InvokeRestApi only as this environment's Op role", () => {
    for (const fn of [
      "Mwaa_AirflowState_ApplyFunction_PolicyDocument",
      "Mwaa_AirflowState_BackupFunction_PolicyDocument",
    ]) {
      const invoke = statements(blockAt(doc, "data.aws_iam_policy_document", fn)).filter((s) =>
        (s.actions as string[]).includes("airflow:InvokeRestApi"),
      );
      expect(invoke).toEqual([
        {
          sid: "InvokeRestApiAsOp",
          actions: ["airflow:InvokeRestApi"],
          resources: [`arn:${PARTITION}:airflow:eu-west-1:${ACCOUNT}:role/dev/Op`],
        },
      ]);
    }
  });

  test("the apply invocation: CRUD lifecycle, exactly the declared pools and variables, after the environment", () => {
    const apply = blockAt(doc, "aws_lambda_invocation", "Mwaa_AirflowState_Apply");
    expect(apply.lifecycle_scope).toBe("CRUD");
    expect(JSON.parse(apply.input as string)).toEqual({
      pools: [{ name: "warehouse", slots: 4, description: "Connections to the warehouse", includeDeferred: true }],
      variables: [{ key: "data_bucket", value: "s3://analytics-data" }],
    });
    expect(apply.depends_on).toEqual([
      expect.stringMatching(/^aws_mwaa_environment\.Mwaa_Environment_[0-9A-F]{8}$/),
      expect.stringMatching(/^aws_vpc_endpoint\.Mwaa_CustomerEndpoints_Database_[0-9A-F]{8}$/),
      expect.stringMatching(/^aws_vpc_endpoint\.Mwaa_CustomerEndpoints_Webserver_[0-9A-F]{8}$/),
    ]);
    expect(apply.function_name).toMatch(/^\$\{aws_lambda_function\.Mwaa_AirflowState_ApplyFunction_/);
  });

  test("without NAT, the invocation also depends on the service endpoints, so its delete call runs before they go", () => {
    // GIVEN a created network without NAT gateways
    const noNat = synthStack(
      minimalEnvironment({
        network: { create: { cidr: "10.20.0.0/16", natGateways: 0 } },
        airflowState: exampleState,
      }),
      undefined,
      codes,
    );
    // THEN airflow.api and airflow.env (and the endpoints' HTTPS rule) come before the invocation
    const dependsOn = blockAt(noNat, "aws_lambda_invocation", "Mwaa_AirflowState_Apply").depends_on as string[];
    for (const id of ["AirflowApiEndpoint", "AirflowEnvEndpoint"])
      expect(dependsOn).toContainEqual(expect.stringMatching(new RegExp(`^aws_vpc_endpoint\\.Mwaa_Network_${id}_`)));
    expect(dependsOn).toContainEqual(
      expect.stringMatching(/^aws_vpc_security_group_ingress_rule\.Mwaa_Network_ServiceEndpointsHttpsFromVpc_/),
    );
    const sg = blockAt(noNat, "aws_security_group", "Mwaa_AirflowState_SecurityGroup");
    expect((sg.egress as Block[])[0].description).toBe(
      "MWAA API: GetEnvironment via airflow.api, the REST call via airflow.env (endpoint or NAT)",
    );
  });

  test("both Lambdas run in the environment's private subnets", () => {
    for (const fn of ["Mwaa_AirflowState_ApplyFunction", "Mwaa_AirflowState_BackupFunction"]) {
      expect(blockAt(doc, "aws_lambda_function", fn).vpc_config).toEqual({
        subnet_ids: ["subnet-0a1b2c3d4e5f60711", "subnet-0a1b2c3d4e5f60722"],
        security_group_ids: [expect.stringMatching(/AirflowState_SecurityGroup/)],
      });
    }
  });

  test("backup: a schedule every everyHours, retention on the prefix, an alarm on a missing success", () => {
    expect(blockAt(doc, "aws_cloudwatch_event_rule", "Mwaa_AirflowState_BackupSchedule").schedule_expression).toBe(
      "rate(24 hours)",
    );
    expect(blockAt(withKey, "aws_cloudwatch_event_rule", "Mwaa_AirflowState_BackupSchedule").schedule_expression).toBe(
      "rate(6 hours)",
    );
    expect(blockAt(withKey, "aws_s3_bucket_lifecycle_configuration", "Mwaa_Bucket_Lifecycle").rule).toEqual([
      {
        id: "airflow-state-backups-dev",
        status: "Enabled",
        filter: [{ prefix: "airflow-state/dev/" }],
        expiration: [{ days: 30 }],
        noncurrent_version_expiration: [{ noncurrent_days: 30 }],
      },
    ]);
    expect(blockAt(withKey, "aws_cloudwatch_metric_alarm", "Mwaa_AirflowState_BackupAlarm")).toMatchObject({
      namespace: "PrivateMWAA",
      metric_name: "AirflowStateBackupSucceeded",
      dimensions: { Environment: "dev" },
      statistic: "Sum",
      // 6 h schedule + 15 min run: 7 hourly periods, all without a success before it alarms
      period: 3600,
      evaluation_periods: 7,
      datapoints_to_alarm: 7,
      threshold: 1,
      comparison_operator: "LessThanThreshold",
      treat_missing_data: "breaching",
    });
  });

  test("the backup alarm's window stays within CloudWatch's 7 days at the largest interval", () => {
    expect(backupAlarmWindow(1)).toEqual({ period: 3600, evaluationPeriods: 2, datapointsToAlarm: 2 });
    expect(backupAlarmWindow(24)).toEqual({ period: 3600, evaluationPeriods: 25, datapointsToAlarm: 25 });
    expect(() => backupAlarmWindow(168)).toThrow(/exceed CloudWatch's 7 days/);
  });

  test("secrets are created without a value", () => {
    const secrets = resources(doc, "aws_secretsmanager_secret");
    expect(
      Object.values(secrets)
        .map((s) => s.name)
        .sort(),
    ).toEqual(["airflow/analytics-state/connections/warehouse", "airflow/analytics-state/variables/partner_api_token"]);
    expect(resources(doc, "aws_secretsmanager_secret_version")).toEqual({});
    for (const s of Object.values(secrets))
      expect(Object.keys(s)).not.toEqual(expect.arrayContaining(["secret_string"]));
  });

  test("the execution role reads exactly the two prefixes, and decrypts only through Secrets Manager with the key", () => {
    expect(bySid(policyOf(doc, "Mwaa_ExecutionRole_PolicyDocument"), "ReadAirflowSecrets")).toEqual({
      sid: "ReadAirflowSecrets",
      actions: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
      resources: [
        `arn:${PARTITION}:secretsmanager:eu-west-1:${ACCOUNT}:secret:airflow/analytics-state/connections/*`,
        `arn:${PARTITION}:secretsmanager:eu-west-1:${ACCOUNT}:secret:airflow/analytics-state/variables/*`,
      ],
    });
    expect(bySid(policyOf(doc, "Mwaa_ExecutionRole_PolicyDocument"), "DecryptAirflowSecrets")).toBeUndefined();
    expect(bySid(policyOf(withKey, "Mwaa_ExecutionRole_PolicyDocument"), "DecryptAirflowSecrets")).toMatchObject({
      actions: ["kms:Decrypt"],
      resources: ["arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5f"],
      condition: [
        { test: "StringEquals", variable: "kms:ViaService", values: ["secretsmanager.eu-west-1.amazonaws.com"] },
      ],
    });
  });

  test("the secrets backend's Airflow options name both prefixes", () => {
    const env = Object.values(resources(doc, "aws_mwaa_environment"))[0];
    expect(env.airflow_configuration_options).toMatchObject({
      "secrets.backend": "airflow.providers.amazon.aws.secrets.secrets_manager.SecretsManagerBackend",
      "secrets.backend_kwargs":
        '{"connections_prefix":"airflow/analytics-state/connections","variables_prefix":"airflow/analytics-state/variables"}',
    });
  });

  test("without pools, variables or backup there is no Lambda at all", () => {
    const secretsOnly = synthStack(
      minimalEnvironment({ airflowState: { secretsBackend: { variables: [{ name: "token" }] } } }),
      undefined,
      codes,
    );
    expect(
      Object.keys(resources(secretsOnly, "aws_lambda_function")).filter((n) => n.includes("AirflowState")),
    ).toEqual([]);
    expect(resources(secretsOnly, "aws_lambda_invocation")).toEqual({});
    expect(
      Object.keys(dataSources(secretsOnly, "aws_iam_policy_document")).some((n) => n.includes("AirflowState")),
    ).toBe(false);
  });

  test("the example config parses", () => {
    expect(() =>
      parseConfig(readFileSync("config/examples/airflow-state.json", "utf8"), "airflow-state.json"),
    ).not.toThrow();
  });
});

describe("backup retention: one lifecycle configuration per bucket", () => {
  const backup = { everyHours: 12, retentionDays: 30 };
  const migrating = synthStack(
    minimalEnvironment({
      name: "analytics",
      access: { domainName: "airflow.example.com", hostedZoneName: "example.com", allowedCidrs: ["10.0.0.0/8"] },
      airflowState: { backup },
      migration: {
        candidate: {
          environmentName: "analytics-af3",
          airflow: { version: "3.3.1", configurationOptions: { "core.dags_are_paused_at_creation": "True" } },
        },
      },
    }),
    undefined,
    codes,
  );

  test("a migration candidate with backup adds a rule to the bucket's one lifecycle configuration, not a second configuration", () => {
    // GIVEN two environments backing up to one bucket
    // THEN one lifecycle configuration (S3 keeps one per bucket), owned by the bucket, a rule per environment's prefix
    expect(Object.keys(resources(migrating, "aws_s3_bucket_lifecycle_configuration"))).toHaveLength(1);
    const lifecycle = blockAt(migrating, "aws_s3_bucket_lifecycle_configuration", "Mwaa_Bucket_Lifecycle");
    expect(lifecycle.bucket).toBe(ref(migrating, "aws_s3_bucket", "Mwaa_Bucket", "id"));
    expect(lifecycle.depends_on).toEqual([
      `aws_s3_bucket_versioning.${Object.keys(resources(migrating, "aws_s3_bucket_versioning"))[0]}`,
    ]);
    expect(lifecycle.rule).toEqual(
      ["analytics", "analytics-af3"].map((env) => ({
        id: `airflow-state-backups-${env}`,
        status: "Enabled",
        filter: [{ prefix: `airflow-state/${env}/` }],
        expiration: [{ days: 30 }],
        noncurrent_version_expiration: [{ noncurrent_days: 30 }],
      })),
    );
  });

  test("each environment's rule covers the keys its backup Lambda writes", () => {
    const rules = blockAt(migrating, "aws_s3_bucket_lifecycle_configuration", "Mwaa_Bucket_Lifecycle").rule as {
      filter: { prefix: string }[];
    }[];
    for (const fn of ["Mwaa_AirflowState_BackupFunction", "Mwaa_analytics-af3_AirflowState_BackupFunction"]) {
      const vars = (blockAt(migrating, "aws_lambda_function", fn).environment as { variables: Record<string, string> })
        .variables;
      const key = backupKey(vars[ENV_VARS.prefix], vars[ENV_VARS.environmentName], new Date("2026-01-01T00:00:00Z"));
      expect(rules.filter((r) => key.startsWith(r.filter[0].prefix))).toHaveLength(1);
    }
  });

  test("bucket.existingName: no lifecycle configuration, which would replace the owner's rules; the backup still runs", () => {
    // GIVEN backup into a bucket this stack does not own
    const existing = synthStack(
      minimalEnvironment({ bucket: { existingName: "team-existing-artifacts" }, airflowState: { backup } }),
      undefined,
      codes,
    );
    // THEN retention is left to the bucket owner's lifecycle rule
    expect(resources(existing, "aws_s3_bucket_lifecycle_configuration")).toEqual({});
    expect(blockAt(existing, "aws_lambda_function", "Mwaa_AirflowState_BackupFunction")).toBeDefined();
  });

  test("configs without backup have no lifecycle configuration", () => {
    expect(
      resources(synthStack(minimalEnvironment(), undefined, codes), "aws_s3_bucket_lifecycle_configuration"),
    ).toEqual({});
    expect(
      resources(
        synthStack(minimalEnvironment({ airflowState: { pools: [{ name: "etl", slots: 2 }] } }), undefined, codes),
        "aws_s3_bucket_lifecycle_configuration",
      ),
    ).toEqual({});
  });
});
