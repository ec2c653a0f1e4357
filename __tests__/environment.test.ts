import { Testing, TerraformDataSource, TerraformResource, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CustomerEndpoints } from "../constructs/customer-endpoints";
import { ConfigError } from "../model/errors";
import { PrivateMwaaEnvironment } from "../constructs/private-mwaa-environment";
import { MwaaStack } from "../constructs/stack";
import {
  type TerraformJson,
  PRIVATE_SUBNET_IDS,
  VPC_ID,
  blockAt,
  minimalEnvironment,
  nameOf,
  ref,
  synthConstruct,
  synthStack,
  testApp,
} from "./helpers";

const KMS_KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9";
const OPTIONS = {
  "core.default_timezone": "utc",
  "core.load_examples": "false",
  "celery.worker_autoscale": "10,10",
  "secrets.backend_kwargs": '{"connections_prefix": "airflow/connections"}',
};
const MODULES = ["dag_processing_logs", "scheduler_logs", "task_logs", "webserver_logs", "worker_logs"];

// Each distinct config is synthesized once and shared by the tests below.
const defaults = synthStack(minimalEnvironment());
const full = synthStack(
  minimalEnvironment({
    name: "analytics-prod",
    tags: { team: "data", "cost-center": "1234" },
    kmsKeyArn: KMS_KEY_ARN,
    protectFromDestroy: false,
    airflow: {
      version: "3.0.6",
      environmentClass: "mw1.large",
      minWorkers: 2,
      maxWorkers: 25,
      schedulers: 5,
      minWebservers: 3,
      maxWebservers: 5,
      configurationOptions: OPTIONS,
      weeklyMaintenanceWindowStart: "TUE:22:30",
      logLevel: { dagProcessing: "WARNING", task: "DEBUG", worker: "ERROR" },
      workerReplacementStrategy: "GRACEFUL",
    },
  }),
);
const micro = synthStack(minimalEnvironment({ airflow: { environmentClass: "mw1.micro", logLevel: "ERROR" } }));

const ENV = "Mwaa_Environment";
const environment = (doc: TerraformJson) => blockAt(doc, "aws_mwaa_environment", ENV);

describe("MWAA environment", () => {
  test("is private: PRIVATE_ONLY web server and customer managed endpoints", () => {
    expect(environment(defaults)).toMatchObject({
      webserver_access_mode: "PRIVATE_ONLY",
      endpoint_management: "CUSTOMER",
    });
    expect(environment(full)).toMatchObject({ webserver_access_mode: "PRIVATE_ONLY", endpoint_management: "CUSTOMER" });
  });

  test("runs in both private subnets with the MWAA security group", () => {
    expect(environment(defaults).network_configuration).toEqual({
      subnet_ids: [...PRIVATE_SUBNET_IDS],
      security_group_ids: [ref(defaults, "aws_security_group", "Mwaa_SecurityGroup", "id")],
    });
  });

  test("takes every airflow setting from config", () => {
    // GIVEN every airflow field set
    // THEN each lands in its attribute
    expect(environment(full)).toMatchObject({
      name: "analytics-prod",
      airflow_version: "3.0.6",
      environment_class: "mw1.large",
      min_workers: 2,
      max_workers: 25,
      schedulers: 5,
      min_webservers: 3,
      max_webservers: 5,
      weekly_maintenance_window_start: "TUE:22:30",
      worker_replacement_strategy: "GRACEFUL",
    });
  });

  test("passes the configuration options exactly", () => {
    // GIVEN options, one holding JSON
    // THEN the same keys and string values, nothing added without an ALB
    expect(environment(full).airflow_configuration_options).toEqual(OPTIONS);
    expect(environment(defaults).airflow_configuration_options ?? {}).toEqual({});
  });

  test("applies the class defaults when counts are left out", () => {
    expect(environment(defaults)).toMatchObject({
      airflow_version: "3.3.1",
      environment_class: "mw1.small",
      min_workers: 1,
      max_workers: 10,
      schedulers: 2,
      min_webservers: 2,
      max_webservers: 2,
    });
    expect(environment(defaults).weekly_maintenance_window_start).toBe("SUN:03:00");
    expect(environment(micro)).toMatchObject({
      environment_class: "mw1.micro",
      min_workers: 1,
      max_workers: 1,
      schedulers: 1,
      min_webservers: 1,
      max_webservers: 1,
    });
  });

  test("sends no worker replacement strategy unless set", () => {
    expect(environment(defaults)).not.toHaveProperty("worker_replacement_strategy");
  });

  test("enables all five log modules at INFO by default", () => {
    const logging = environment(defaults).logging_configuration;
    expect(Object.keys(logging).sort()).toEqual([...MODULES].sort());
    for (const module of MODULES) expect(logging[module]).toEqual({ enabled: true, log_level: "INFO" });
  });

  test("a single log level applies to all five modules", () => {
    // GIVEN logLevel "ERROR"
    const logging = environment(micro).logging_configuration;
    for (const module of MODULES) expect(logging[module]).toEqual({ enabled: true, log_level: "ERROR" });
  });

  test("per-module log levels, INFO for the modules left out", () => {
    // GIVEN dagProcessing WARNING, task DEBUG, worker ERROR
    expect(environment(full).logging_configuration).toEqual({
      dag_processing_logs: { enabled: true, log_level: "WARNING" },
      scheduler_logs: { enabled: true, log_level: "INFO" },
      task_logs: { enabled: true, log_level: "DEBUG" },
      webserver_logs: { enabled: true, log_level: "INFO" },
      worker_logs: { enabled: true, log_level: "ERROR" },
    });
  });

  test("carries the environment's tags", () => {
    expect(environment(full).tags).toMatchObject({ team: "data", "cost-center": "1234" });
  });

  test("uses the CMK when kmsKeyArn is set, and no kms_key otherwise", () => {
    expect(environment(full).kms_key).toBe(KMS_KEY_ARN);
    expect(environment(defaults)).not.toHaveProperty("kms_key");
  });

  test("is protected from destroy by default (it holds the metadata database)", () => {
    expect(environment(defaults).lifecycle).toEqual({ prevent_destroy: true });
  });

  test("with airflow.majorUpgradeInPlace, Terraform ignores airflow_version (the upgrade command changes it) and the protection stays", () => {
    // GIVEN the 3.x version the upgrade command goes to, with the guard, protected or not
    const guarded = (protectFromDestroy: boolean) =>
      environment(
        synthStack(
          minimalEnvironment({ protectFromDestroy, airflow: { version: "3.3.1", majorUpgradeInPlace: true } }),
        ),
      );
    // THEN ignore_changes holds airflow_version, beside prevent_destroy as configured
    expect(guarded(true).lifecycle).toEqual({ prevent_destroy: true, ignore_changes: ["airflow_version"] });
    expect(guarded(false).lifecycle).toEqual({ prevent_destroy: false, ignore_changes: ["airflow_version"] });
    expect(guarded(true).airflow_version).toBe("3.3.1");
  });

  test("is not protected when protectFromDestroy is false", () => {
    expect(environment(full).lifecycle?.prevent_destroy ?? false).toBe(false);
  });

  test("runs as the execution role, after its policy exists", () => {
    expect(environment(defaults).execution_role_arn).toBe(ref(defaults, "aws_iam_role", "Mwaa_ExecutionRole", "arn"));
    expect(environment(defaults).depends_on).toContain(
      `aws_iam_role_policy.${nameOf(defaults, "aws_iam_role_policy", "Mwaa_ExecutionRole_Policy")}`,
    );
  });

  test("reads DAGs from the dags/ prefix of the artifact bucket", () => {
    expect(environment(defaults)).toMatchObject({
      source_bucket_arn: ref(defaults, "aws_s3_bucket", "Mwaa_Bucket", "arn"),
      dag_s3_path: "dags/",
    });
  });
});

describe("customer managed endpoints", () => {
  const endpoint = (doc: TerraformJson, which: "Database" | "Webserver") =>
    blockAt(doc, "aws_vpc_endpoint", `Mwaa_CustomerEndpoints_${which}`);

  test("the database endpoint connects to the environment's database endpoint service", () => {
    expect(endpoint(defaults, "Database").service_name).toBe(
      ref(defaults, "aws_mwaa_environment", ENV, "database_vpc_endpoint_service"),
    );
  });

  test("the web server endpoint connects to the environment's web server endpoint service", () => {
    expect(endpoint(defaults, "Webserver").service_name).toBe(
      ref(defaults, "aws_mwaa_environment", ENV, "webserver_vpc_endpoint_service"),
    );
  });

  test.each(["Database", "Webserver"] as const)(
    "%s: an Interface endpoint in both private subnets with the MWAA security group",
    (which) => {
      expect(endpoint(defaults, which)).toMatchObject({
        vpc_id: VPC_ID,
        vpc_endpoint_type: "Interface",
        subnet_ids: [...PRIVATE_SUBNET_IDS],
        security_group_ids: [ref(defaults, "aws_security_group", "Mwaa_SecurityGroup", "id")],
        private_dns_enabled: false,
      });
      expect(endpoint(defaults, which)).not.toHaveProperty("provider");
    },
  );

  test("are tagged after the environment", () => {
    expect(endpoint(full, "Database").tags).toMatchObject({
      team: "data",
      "cost-center": "1234",
      Name: "analytics-prod-mwaa-database",
    });
    expect(endpoint(full, "Webserver").tags).toMatchObject({
      team: "data",
      "cost-center": "1234",
      Name: "analytics-prod-mwaa-webserver",
    });
  });

  test("can be created by another provider (e.g. the VPC owner's account)", () => {
    // GIVEN the construct with an aliased provider
    const doc = synthConstruct((scope) => {
      new AwsProvider(scope, "aws", { region: "eu-west-1" });
      const owner = new AwsProvider(scope, "owner", { region: "eu-west-1", alias: "owner" });
      new CustomerEndpoints(scope, "Endpoints", {
        environmentName: "dev",
        vpcId: VPC_ID,
        subnetIds: [...PRIVATE_SUBNET_IDS],
        securityGroupIds: ["sg-0123456789abcdef0"],
        databaseServiceName: "com.amazonaws.vpce.eu-west-1.vpce-svc-0000000000000000a",
        webserverServiceName: "com.amazonaws.vpce.eu-west-1.vpce-svc-0000000000000000b",
        provider: owner,
      });
    });
    // THEN both endpoints use it
    expect(blockAt(doc, "aws_vpc_endpoint", "Endpoints_Database").provider).toBe("aws.owner");
    expect(blockAt(doc, "aws_vpc_endpoint", "Endpoints_Webserver").provider).toBe("aws.owner");
  });
});

describe("outputs", () => {
  test.each([
    ["mwaa_environment_name", () => "dev"],
    ["mwaa_environment_arn", () => ref(defaults, "aws_mwaa_environment", ENV, "arn")],
    ["mwaa_database_vpc_endpoint_id", () => ref(defaults, "aws_vpc_endpoint", "Mwaa_CustomerEndpoints_Database", "id")],
    [
      "mwaa_webserver_vpc_endpoint_id",
      () => ref(defaults, "aws_vpc_endpoint", "Mwaa_CustomerEndpoints_Webserver", "id"),
    ],
    [
      "mwaa_database_vpc_endpoint_service",
      () => ref(defaults, "aws_mwaa_environment", ENV, "database_vpc_endpoint_service"),
    ],
    [
      "mwaa_webserver_vpc_endpoint_service",
      () => ref(defaults, "aws_mwaa_environment", ENV, "webserver_vpc_endpoint_service"),
    ],
    ["mwaa_bucket_name", () => ref(defaults, "aws_s3_bucket", "Mwaa_Bucket", "bucket")],
  ])("%s is described and wired", (name, value) => {
    const output = defaults.output?.[name];
    expect(output?.value).toBe(value());
    expect(output?.description).toMatch(/\S/);
  });
});

describe("PrivateMwaaEnvironment props", () => {
  const bad = minimalEnvironment({ name: "dev env", airflow: { minWorkers: 0 } });

  test("bad props throw a ConfigError naming each field, before any resource exists", () => {
    // GIVEN a stack and props with two mistakes
    const stack = new TerraformStack(testApp(), "test");
    // WHEN the construct is built
    let error: unknown;
    try {
      new PrivateMwaaEnvironment(stack, "Mwaa", bad);
    } catch (e) {
      error = e;
    }
    // THEN a ConfigError with one line per field, in the config file's format
    expect(error).toBeInstanceOf(ConfigError);
    expect([...(error as ConfigError).lines].sort()).toEqual([
      "Mwaa props: airflow.minWorkers: an integer from 1 to 25 (got 0)",
      'Mwaa props: name: 1 to 80 characters, a letter then letters, digits, - or _ (got "dev env")',
    ]);
    // AND nothing was added to the stack
    const elements = stack.node
      .findAll()
      .filter((c) => c instanceof TerraformResource || c instanceof TerraformDataSource);
    expect(elements).toEqual([]);
    const doc = JSON.parse(Testing.synth(stack)) as TerraformJson;
    expect(doc.resource).toBeUndefined();
    expect(doc.data).toBeUndefined();
  });

  test("MwaaStack passes bad props on as the same ConfigError", () => {
    expect(() => new MwaaStack(testApp(), "dev", { environment: bad })).toThrow(ConfigError);
    expect(() => new MwaaStack(testApp(), "dev", { environment: bad })).toThrow(/^Mwaa props: /);
  });
});

describe("stack backend", () => {
  test("an s3 backend keys each stack's state by prefix and stack, encrypted, with native locking", () => {
    // GIVEN the s3 backend
    const doc = synthStack(minimalEnvironment({ name: "analytics-prod" }), {
      type: "s3",
      bucket: "team-tf-state",
      keyPrefix: "mwaa/",
      region: "eu-central-1",
      useLockfile: true,
    });
    // THEN one state per stack, and use_lockfile set by override (cdktf 0.21 has no such option)
    expect(doc.terraform?.backend).toEqual({
      s3: {
        bucket: "team-tf-state",
        key: "mwaa/analytics-prod.tfstate",
        region: "eu-central-1",
        encrypt: true,
        use_lockfile: true,
      },
    });
  });

  test("every stack requires Terraform 1.11 or later (use_lockfile is GA from 1.11)", () => {
    // GIVEN the s3 backend with native locking, and the local backend
    const s3 = synthStack(minimalEnvironment(), {
      type: "s3",
      bucket: "team-tf-state",
      keyPrefix: "mwaa/",
      region: "eu-central-1",
      useLockfile: true,
    });
    const local = synthStack(minimalEnvironment());
    // THEN terraform init on 1.10 or older stops with a version error instead of a backend error
    expect(s3.terraform?.required_version).toBe(">= 1.11");
    expect(local.terraform?.required_version).toBe(">= 1.11");
  });

  test("native locking can be turned off", () => {
    const doc = synthStack(minimalEnvironment(), {
      type: "s3",
      bucket: "team-tf-state",
      keyPrefix: "",
      region: "eu-central-1",
      useLockfile: false,
    });
    expect(doc.terraform?.backend.s3).not.toHaveProperty("use_lockfile");
    expect(doc.terraform?.backend.s3.key).toBe("dev.tfstate");
  });
});
