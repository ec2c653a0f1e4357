import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { parseEnvironment } from "../model/parse";
import type { DashboardBody } from "../constructs/dashboard";
import { WorkerCountMetric } from "../constructs/worker-count";
import { DEFAULT_LAG_MINUTES, ENV_VARS, WORKER_COUNT_METRIC_NAME } from "../lambda/worker-count/contract";
import { findLambdaCode, shippedLambdaCode } from "../lambda/shipped";
import {
  type Block,
  type TerraformJson,
  addresses,
  blockAt,
  minimalEnvironment,
  nameOf,
  ref,
  resources,
  synthConstruct,
  synthStack,
  configErrorLines,
  testApp,
} from "./helpers";

const KMS_KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9";
const TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:mwaa-alarms";
const QUEUE_ARN = "arn:aws:sqs:eu-west-1:123456789012:worker-count-failures";
const MODULES = ["DAGProcessing", "Scheduler", "Task", "WebServer", "Worker"];

// A real (tiny) bundle: the construct only copies it, the hash is what Lambda compares.
const codeDir = fs.mkdtempSync(path.join(os.tmpdir(), "mwaa-monitoring-"));
const zipPath = path.join(codeDir, "worker-count.zip");
fs.writeFileSync(zipPath, "PK\u0003\u0004 not really a zip");
const code = { zipPath, sha256Base64: createHash("sha256").update(fs.readFileSync(zipPath)).digest("base64") };
afterAll(() => fs.rmSync(codeDir, { recursive: true, force: true }));

// Each distinct config is synthesized once and shared by the tests below.
const defaults = synthStack(minimalEnvironment(), undefined, { workerCountCode: code });
const custom = synthStack(
  minimalEnvironment({
    name: "analytics-prod",
    region: "eu-central-1",
    tags: { team: "data" },
    kmsKeyArn: KMS_KEY_ARN,
    airflow: { maxWorkers: 7 },
    monitoring: {
      logRetentionDays: 90,
      metricNamespace: "Team/MWAA",
      alarmTopicArn: TOPIC_ARN,
      onFailureDestinationArn: QUEUE_ARN,
      queuedTasksThreshold: 50,
      queuedTasksMinutes: 10,
      workersAtMaximumMinutes: 45,
      schedulerHeartbeatMinutes: 3,
    },
  }),
  undefined,
  { workerCountCode: code },
);
const switchedOff = synthStack(minimalEnvironment({ monitoring: { workerCount: false } }), undefined, {
  workerCountCode: code,
});
const noCode = synthStack(minimalEnvironment({ monitoring: { dashboard: false } }));

const FN = "Mwaa_WorkerCount_Function";
const fn = (doc: TerraformJson) => blockAt(doc, "aws_lambda_function", FN);
const policyDoc = (doc: TerraformJson) => blockAt(doc, "data.aws_iam_policy_document", `${FN}_PolicyDocument`);
const alarm = (doc: TerraformJson, id: string) => blockAt(doc, "aws_cloudwatch_metric_alarm", `Mwaa_Alarms_${id}`);
const body = (doc: TerraformJson): DashboardBody =>
  JSON.parse(blockAt(doc, "aws_cloudwatch_dashboard", "Mwaa_Dashboard").dashboard_body);
const actionsOf = (statements: Block[]) => statements.flatMap((s) => s.actions as string[]).sort();

describe("MWAA log groups", () => {
  test.each(MODULES)("airflow-<env>-%s exists with the default retention of 30 days and no CMK", (module) => {
    const group = blockAt(defaults, "aws_cloudwatch_log_group", `Mwaa_LogGroups_${module}`);
    expect(group).toMatchObject({ name: `airflow-dev-${module}`, retention_in_days: 30 });
    expect(group).not.toHaveProperty("kms_key_id");
  });

  test.each(MODULES)("%s: retention, KMS key and tags from config", (module) => {
    // GIVEN logRetentionDays 90, kmsKeyArn and tags
    expect(blockAt(custom, "aws_cloudwatch_log_group", `Mwaa_LogGroups_${module}`)).toMatchObject({
      name: `airflow-analytics-prod-${module}`,
      retention_in_days: 90,
      kms_key_id: KMS_KEY_ARN,
      tags: { team: "data" },
    });
  });

  test("the worker-count Lambda's own log group uses the environment's CMK too", () => {
    // GIVEN kmsKeyArn in the config
    expect(blockAt(custom, "aws_cloudwatch_log_group", `${FN}_LogGroup`)).toMatchObject({ kms_key_id: KMS_KEY_ARN });
    // GIVEN no kmsKeyArn
    expect(blockAt(defaults, "aws_cloudwatch_log_group", `${FN}_LogGroup`)).not.toHaveProperty("kms_key_id");
  });

  test("the environment is created after all five (so MWAA reuses them instead of making its own)", () => {
    const dependsOn: string[] = blockAt(defaults, "aws_mwaa_environment", "Mwaa_Environment").depends_on;
    for (const module of MODULES)
      expect(dependsOn).toContain(
        `aws_cloudwatch_log_group.${nameOf(defaults, "aws_cloudwatch_log_group", `Mwaa_LogGroups_${module}`)}`,
      );
  });
});

describe("worker-count function", () => {
  test("runs the prepared bundle: nodejs, index.handler, its asset and the bundle's hash", () => {
    expect(fn(defaults)).toMatchObject({
      function_name: "dev-worker-count",
      handler: "index.handler",
      source_code_hash: code.sha256Base64,
    });
    expect(fn(defaults).runtime).toMatch(/^nodejs\d+\.x$/);
    expect(fn(defaults).filename).toMatch(/^assets\/.+\/worker-count\.zip$/);
  });

  test("gets the environment name and namespace under the handler's contract names", () => {
    expect(fn(defaults).environment.variables).toEqual({
      [ENV_VARS.environmentName]: "dev",
      [ENV_VARS.namespace]: "PrivateMWAA",
    });
    expect(fn(custom).environment.variables).toEqual({
      [ENV_VARS.environmentName]: "analytics-prod",
      [ENV_VARS.namespace]: "Team/MWAA",
    });
  });

  test("logs to its own log group, created first, with the configured retention", () => {
    expect(blockAt(defaults, "aws_cloudwatch_log_group", `${FN}_LogGroup`)).toMatchObject({
      name: "/aws/lambda/dev-worker-count",
      retention_in_days: 30,
    });
    expect(blockAt(custom, "aws_cloudwatch_log_group", `${FN}_LogGroup`)).toMatchObject({
      name: "/aws/lambda/analytics-prod-worker-count",
      retention_in_days: 90,
    });
    expect(fn(defaults).logging_config.log_group).toBe(
      ref(defaults, "aws_cloudwatch_log_group", `${FN}_LogGroup`, "name"),
    );
    expect(fn(defaults).depends_on).toContain(
      `aws_cloudwatch_log_group.${nameOf(defaults, "aws_cloudwatch_log_group", `${FN}_LogGroup`)}`,
    );
  });

  test("runs as its own role, which only Lambda may assume", () => {
    expect(fn(defaults).role).toBe(ref(defaults, "aws_iam_role", `${FN}_Role`, "arn"));
    expect(blockAt(defaults, "aws_iam_role", `${FN}_Role`).assume_role_policy).toBe(
      ref(defaults, "data.aws_iam_policy_document", `${FN}_TrustPolicy`, "json"),
    );
    expect(blockAt(defaults, "data.aws_iam_policy_document", `${FN}_TrustPolicy`).statement).toEqual([
      { actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }] },
    ]);
  });

  test("its policy document is attached to its role", () => {
    expect(blockAt(defaults, "aws_iam_role_policy", `${FN}_Policy`)).toMatchObject({
      role: ref(defaults, "aws_iam_role", `${FN}_Role`, "id"),
      policy: ref(defaults, "data.aws_iam_policy_document", `${FN}_PolicyDocument`, "json"),
    });
  });

  test("may write only its own logs, read metrics, and publish only to its namespace", () => {
    const statements: Block[] = policyDoc(defaults).statement;
    // THEN exactly these actions, none of them a wildcard
    expect(actionsOf(statements)).toEqual([
      "cloudwatch:GetMetricData",
      "cloudwatch:PutMetricData",
      "logs:CreateLogStream",
      "logs:PutLogEvents",
    ]);
    for (const action of actionsOf(statements)) expect(action).not.toMatch(/\*/);
    // AND logs only on its own log group's streams
    for (const s of statements.filter((st) => st.actions.some((a: string) => a.startsWith("logs:")))) {
      expect(s.resources).toEqual([`${ref(defaults, "aws_cloudwatch_log_group", `${FN}_LogGroup`, "arn")}:*`]);
    }
    // AND PutMetricData only with the namespace condition
    const put = statements.find((s) => s.actions.includes("cloudwatch:PutMetricData"))!;
    expect(put.actions).toEqual(["cloudwatch:PutMetricData"]);
    expect(put.condition).toEqual([
      { test: "StringEquals", variable: "cloudwatch:namespace", values: ["PrivateMWAA"] },
    ]);
  });

  test("the namespace condition follows metricNamespace, and the SQS destination may be sent to", () => {
    const statements: Block[] = policyDoc(custom).statement;
    expect(statements.find((s) => s.actions.includes("cloudwatch:PutMetricData"))!.condition).toEqual([
      { test: "StringEquals", variable: "cloudwatch:namespace", values: ["Team/MWAA"] },
    ]);
    expect(statements.filter((s) => s.actions.includes("sqs:SendMessage"))).toEqual([
      expect.objectContaining({ actions: ["sqs:SendMessage"], resources: [QUEUE_ARN] }),
    ]);
    expect(actionsOf(statements)).not.toContain("sns:Publish");
  });

  test("runs every minute: schedule, target and permission reference each other", () => {
    const rule = blockAt(defaults, "aws_cloudwatch_event_rule", "Mwaa_WorkerCount_Schedule");
    expect(rule.schedule_expression).toBe("rate(1 minute)");
    expect(blockAt(defaults, "aws_cloudwatch_event_target", "Mwaa_WorkerCount_Target")).toMatchObject({
      rule: ref(defaults, "aws_cloudwatch_event_rule", "Mwaa_WorkerCount_Schedule", "name"),
      arn: ref(defaults, "aws_lambda_function", FN, "arn"),
    });
    expect(blockAt(defaults, "aws_lambda_permission", "Mwaa_WorkerCount_InvokeFromSchedule")).toMatchObject({
      action: "lambda:InvokeFunction",
      function_name: ref(defaults, "aws_lambda_function", FN, "function_name"),
      principal: "events.amazonaws.com",
      source_arn: ref(defaults, "aws_cloudwatch_event_rule", "Mwaa_WorkerCount_Schedule", "arn"),
    });
  });

  test("failed runs go to the on-failure destination when one is set, and nowhere otherwise", () => {
    const config = (doc: TerraformJson) =>
      blockAt(doc, "aws_lambda_function_event_invoke_config", "Mwaa_WorkerCount_InvokeConfig");
    expect(config(custom)).toMatchObject({
      function_name: ref(custom, "aws_lambda_function", FN, "function_name"),
      destination_config: { on_failure: { destination: QUEUE_ARN } },
    });
    expect(config(defaults).function_name).toBe(ref(defaults, "aws_lambda_function", FN, "function_name"));
    expect(config(defaults)).not.toHaveProperty("destination_config");
  });

  test("an SNS destination is allowed sns:Publish on that topic only", () => {
    // GIVEN the construct with an SNS topic as on-failure destination
    const doc = synthConstruct((scope) => {
      new AwsProvider(scope, "aws", { region: "eu-west-1" });
      new WorkerCountMetric(scope, "WorkerCount", {
        environmentName: "dev",
        code,
        namespace: "PrivateMWAA",
        logRetentionDays: 30,
        onFailureDestinationArn: TOPIC_ARN,
      });
    });
    // THEN the policy may publish to it, and the invoke config sends failures there
    const statements: Block[] = blockAt(
      doc,
      "data.aws_iam_policy_document",
      "WorkerCount_Function_PolicyDocument",
    ).statement;
    expect(statements.filter((s) => s.actions.includes("sns:Publish"))).toEqual([
      expect.objectContaining({ actions: ["sns:Publish"], resources: [TOPIC_ARN] }),
    ]);
    expect(actionsOf(statements)).not.toContain("sqs:SendMessage");
    expect(
      blockAt(doc, "aws_lambda_function_event_invoke_config", "WorkerCount_InvokeConfig").destination_config,
    ).toEqual({ on_failure: { destination: TOPIC_ARN } });
  });

  test("uses the bundle shipped with the package when the app passes none", () => {
    expect(fn(noCode).source_code_hash).toBe(shippedLambdaCode("worker-count").sha256Base64);
    expect(fn(noCode).filename).toMatch(/^assets\/.+\/worker-count[^/]*\.zip$/);
  });

  test("a missing shipped bundle is an error naming what is missing", () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "mwaa-no-bundle-"));
    try {
      expect(() => findLambdaCode(empty, "worker-count")).toThrow(
        /^no worker-count Lambda bundle shipped with the package \(.+worker-count\.zip is missing/,
      );
      fs.copyFileSync(zipPath, path.join(empty, "worker-count.zip"));
      expect(findLambdaCode(empty, "worker-count").sha256Base64).toBe(code.sha256Base64);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  test("the construct reports a missing bundle as one line naming the prop, never a dropped metric", () => {
    let error: Error | undefined;
    jest.isolateModules(() => {
      jest.doMock("../lambda/shipped", () => ({
        shippedLambdaCode: () => {
          throw new Error("no worker-count Lambda bundle shipped with the package");
        },
      }));
      const { PrivateMwaaEnvironment } =
        require("../constructs/private-mwaa-environment") as typeof import("../constructs/private-mwaa-environment");
      const { TerraformStack } = require("cdktf") as typeof import("cdktf");
      try {
        new PrivateMwaaEnvironment(new TerraformStack(testApp(), "t"), "Mwaa", minimalEnvironment());
      } catch (e) {
        error = e as Error;
      }
    });
    expect(error?.name).toBe("ConfigError");
    expect(error?.message).toMatch(
      /^Mwaa props: workerCountCode: no worker-count Lambda bundle shipped with the package; pass your own bundle[^\n]*$/,
    );
  });

  test("an app's own bundle that is not there is one line naming the prop, not a stack trace from the asset", () => {
    const missing = { zipPath: path.join(codeDir, "gone.zip"), sha256Base64: code.sha256Base64 };
    let error: Error | undefined;
    try {
      synthStack(minimalEnvironment(), undefined, { workerCountCode: missing });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.name).toBe("ConfigError");
    expect(error?.message).toBe(
      `Mwaa props: workerCountCode.zipPath: no file at ${missing.zipPath} (bundleLambda from "mwaa-private-cdktf/lambda-bundle" writes one)`,
    );
  });

  test.each([["monitoring.workerCount is false", switchedOff]])("does not exist when %s", (_case, doc) => {
    // THEN none of its parts, and no alarm that would watch it
    expect(addresses(doc).filter((a) => a.includes("WorkerCount"))).toEqual([]);
    expect(resources(doc, "aws_lambda_function")).toEqual({});
    expect(resources(doc, "aws_cloudwatch_event_rule")).toEqual({});
  });
});

describe("dashboard", () => {
  type Row = (string | Record<string, unknown>)[];
  const rows = (b: DashboardBody): Row[] => b.widgets.flatMap((w) => w.properties.metrics as Row[]);
  /** The metric rows of a metric name: [namespace, name, ...dimension pairs], options left out. */
  const metric = (b: DashboardBody, name: string) =>
    rows(b)
      .filter((r) => r[1] === name)
      .map((r) => r.filter((x) => typeof x === "string"));

  test("is named after the environment and charts its region", () => {
    expect(blockAt(defaults, "aws_cloudwatch_dashboard", "Mwaa_Dashboard").dashboard_name).toBe("mwaa-dev");
    expect(blockAt(custom, "aws_cloudwatch_dashboard", "Mwaa_Dashboard").dashboard_name).toBe("mwaa-analytics-prod");
    for (const widget of body(defaults).widgets) expect(widget.properties.region).toBe("eu-west-1");
    for (const widget of body(custom).widgets) expect(widget.properties.region).toBe("eu-central-1");
  });

  test("running and queued tasks of this environment's executor", () => {
    for (const name of ["RunningTasks", "QueuedTasks"])
      expect(metric(body(custom), name)).toEqual([
        ["AmazonMWAA", name, "Environment", "analytics-prod", "Function", "Executor"],
      ]);
  });

  // Cluster values AWS's own samples chart (aws-samples/amazon-mwaa-examples, usecases/mwaa_utilization_cw_metric).
  const SOURCED_CLUSTERS = ["BaseWorker", "AdditionalWorker", "Scheduler"];
  const airflow2 = synthStack(minimalEnvironment({ airflow: { version: "2.10.3" } }), undefined, {
    workerCountCode: code,
  });
  const airflow3 = synthStack(minimalEnvironment({ airflow: { version: "3.0.6" } }), undefined, {
    workerCountCode: code,
  });

  test.each(["CPUUtilization", "MemoryUtilization"])("%s per cluster of this environment", (name) => {
    expect(metric(body(custom), name)).toEqual(
      SOURCED_CLUSTERS.map((cluster) => ["AWS/MWAA", name, "Cluster", cluster, "Environment", "analytics-prod"]),
    );
  });

  test.each([
    ["Airflow 2", airflow2],
    ["Airflow 3", airflow3],
  ])("%s: every Cluster dimension value is one a source names (no WebServer guess)", (_major, doc) => {
    const values = rows(body(doc)).flatMap((r) => r.flatMap((x, i) => (x === "Cluster" ? [r[i + 1]] : [])));
    expect(values.length).toBeGreaterThan(0);
    expect(new Set(values)).toEqual(new Set(SOURCED_CLUSTERS));
  });

  test("tasks killed externally", () => {
    expect(metric(body(custom), "TasksKilledExternally")).toEqual([
      ["AmazonMWAA", "TasksKilledExternally", "Environment", "analytics-prod", "Function", "Scheduler"],
    ]);
  });

  test("log volume of exactly the five log groups the stack creates", () => {
    const names = MODULES.map((m) => blockAt(custom, "aws_cloudwatch_log_group", `Mwaa_LogGroups_${m}`).name);
    expect(metric(body(custom), "IncomingBytes")).toEqual(
      names.map((n) => ["AWS/Logs", "IncomingBytes", "LogGroupName", n]),
    );
  });

  test("the worker count from the configured namespace, and AWS's own count beside it", () => {
    // GIVEN metricNamespace "Team/MWAA"
    expect(metric(body(custom), WORKER_COUNT_METRIC_NAME)).toContainEqual([
      "Team/MWAA",
      WORKER_COUNT_METRIC_NAME,
      "Environment",
      "analytics-prod",
    ]);
    const expressions = rows(body(custom)).flatMap((r) =>
      r.filter((x): x is { expression: string } => typeof x === "object" && typeof x.expression === "string"),
    );
    expect(expressions.map((e) => e.expression)).toEqual([
      expect.stringMatching(
        /^SEARCH\('\{AWS\/MWAA,Cluster,Environment\} MetricName="NumAdditionalWorkers" Environment="analytics-prod"'/,
      ),
    ]);
  });

  test("every Environment dimension is this environment", () => {
    const values = rows(body(custom)).flatMap((r) => r.flatMap((x, i) => (x === "Environment" ? [r[i + 1]] : [])));
    expect(values.length).toBeGreaterThan(10);
    expect(new Set(values)).toEqual(new Set(["analytics-prod"]));
  });

  test("without the worker-count Lambda only AWS's own count is charted, no empty lines", () => {
    // GIVEN monitoring.workerCount false
    const b = body(switchedOff);
    // THEN no row reads the Lambda's metrics, and the native search expression stays
    expect(metric(b, "WorkerCount")).toEqual([]);
    expect(metric(b, "AdditionalWorkerCount")).toEqual([]);
    expect(JSON.stringify(b)).toContain("NumAdditionalWorkers");
  });

  test("its widgets sit on CloudWatch's 24-column grid without overlapping", () => {
    const { widgets } = body(custom);
    const cells = new Set<string>();
    for (const w of widgets) {
      expect(w.x + w.width).toBeLessThanOrEqual(24);
      for (let x = w.x; x < w.x + w.width; x++) for (let y = w.y; y < w.y + w.height; y++) cells.add(`${x},${y}`);
    }
    expect(cells.size).toBe(widgets.reduce((n, w) => n + w.width * w.height, 0));
  });

  test("does not exist when monitoring.dashboard is false", () => {
    expect(resources(noCode, "aws_cloudwatch_dashboard")).toEqual({});
  });
});

describe("alarms", () => {
  test("QueuedTasksHigh: threshold and minutes from config, on this environment's executor", () => {
    expect(alarm(custom, "QueuedTasksHigh")).toMatchObject({
      namespace: "AmazonMWAA",
      metric_name: "QueuedTasks",
      dimensions: { Environment: "analytics-prod", Function: "Executor" },
      period: 60,
      threshold: 50,
      evaluation_periods: 10,
      comparison_operator: "GreaterThanThreshold",
    });
    expect(alarm(defaults, "QueuedTasksHigh")).toMatchObject({ threshold: 20, evaluation_periods: 15 });
  });

  test("SchedulerHeartbeatMissing treats missing data as breaching (a dead scheduler sends nothing)", () => {
    expect(alarm(custom, "SchedulerHeartbeatMissing")).toMatchObject({
      namespace: "AmazonMWAA",
      metric_name: "SchedulerHeartbeat",
      dimensions: { Environment: "analytics-prod", Function: "Scheduler" },
      evaluation_periods: 3,
      treat_missing_data: "breaching",
    });
    expect(alarm(defaults, "SchedulerHeartbeatMissing").evaluation_periods).toBe(5);
  });

  test("a missing heartbeat does not page on its own: it is in ALARM during all of creation", () => {
    // GIVEN a topic
    // THEN the heartbeat alarm and the web-server input notify nobody
    for (const id of ["SchedulerHeartbeatMissing", "EnvironmentNotRunning"]) {
      expect(alarm(custom, id)).not.toHaveProperty("alarm_actions");
      expect(alarm(custom, id)).not.toHaveProperty("ok_actions");
    }
  });

  test("EnvironmentNotRunning is OK only when MWAA's base worker container ran every minute of the last 10", () => {
    expect(alarm(custom, "EnvironmentNotRunning")).toMatchObject({
      namespace: "AWS/MWAA",
      metric_name: "CPUUtilization",
      dimensions: { Cluster: "BaseWorker", Environment: "analytics-prod" },
      statistic: "SampleCount",
      period: 60,
      evaluation_periods: 10,
      datapoints_to_alarm: 1,
      threshold: 1,
      comparison_operator: "LessThanThreshold",
      treat_missing_data: "breaching",
    });
  });

  test("SchedulerDown pages when the heartbeat is missing while the environment runs, so a dead scheduler is still caught", () => {
    // GIVEN a topic
    const down = blockAt(custom, "aws_cloudwatch_composite_alarm", "Mwaa_Alarms_SchedulerDown");
    // THEN creation (no web server yet) and a PENDING wait for endpoints leave it OK, a dead scheduler of a running environment does not
    expect(down.alarm_rule).toBe(
      `ALARM("${ref(custom, "aws_cloudwatch_metric_alarm", "Mwaa_Alarms_SchedulerHeartbeatMissing", "arn")}") AND OK("${ref(custom, "aws_cloudwatch_metric_alarm", "Mwaa_Alarms_EnvironmentNotRunning", "arn")}")`,
    );
    expect(down).toMatchObject({
      alarm_name: "analytics-prod-scheduler-down",
      alarm_actions: [TOPIC_ARN],
      ok_actions: [TOPIC_ARN],
    });
    expect(blockAt(defaults, "aws_cloudwatch_composite_alarm", "Mwaa_Alarms_SchedulerDown")).not.toHaveProperty(
      "alarm_actions",
    );
  });

  test("WorkersAtMaximum: threshold is maxWorkers, on the worker-count metric in its namespace; it fires when the workers were at maximum in that many of the window's minutes, a window longer by the lag whose unpublished minutes do not breach", () => {
    // GIVEN one final value per minute, published DEFAULT_LAG_MINUTES after the minute
    // THEN the statistic reads that value (not a Minimum over republished values) and the window allows for the lag
    expect(alarm(custom, "WorkersAtMaximum")).toMatchObject({
      namespace: "Team/MWAA",
      metric_name: WORKER_COUNT_METRIC_NAME,
      dimensions: { Environment: "analytics-prod" },
      statistic: "Maximum",
      threshold: 7,
      evaluation_periods: 45 + DEFAULT_LAG_MINUTES,
      datapoints_to_alarm: 45,
      comparison_operator: "GreaterThanOrEqualToThreshold",
      treat_missing_data: "notBreaching",
    });
    expect(alarm(defaults, "WorkersAtMaximum")).toMatchObject({
      namespace: "PrivateMWAA",
      threshold: 10,
      evaluation_periods: 30 + DEFAULT_LAG_MINUTES,
      datapoints_to_alarm: 30,
    });
  });

  test("WorkerCountStopped pages when no worker count is published while the environment runs; creation never pages", () => {
    // GIVEN the metric stops (nothing published for 10 minutes beyond the lag): missing data breaches
    expect(alarm(custom, "WorkerCountMissing")).toMatchObject({
      namespace: "Team/MWAA",
      metric_name: WORKER_COUNT_METRIC_NAME,
      dimensions: { Environment: "analytics-prod" },
      statistic: "SampleCount",
      period: 60,
      evaluation_periods: 10 + DEFAULT_LAG_MINUTES,
      threshold: 1,
      comparison_operator: "LessThanThreshold",
      treat_missing_data: "breaching",
    });
    // THEN that alarm notifies nobody on its own (it is in ALARM during creation), the composite does, gated on running web servers
    expect(alarm(custom, "WorkerCountMissing")).not.toHaveProperty("alarm_actions");
    const stopped = blockAt(custom, "aws_cloudwatch_composite_alarm", "Mwaa_Alarms_WorkerCountStopped");
    expect(stopped.alarm_rule).toBe(
      `ALARM("${ref(custom, "aws_cloudwatch_metric_alarm", "Mwaa_Alarms_WorkerCountMissing", "arn")}") AND OK("${ref(custom, "aws_cloudwatch_metric_alarm", "Mwaa_Alarms_EnvironmentNotRunning", "arn")}")`,
    );
    expect(stopped).toMatchObject({
      alarm_name: "analytics-prod-worker-count-stopped",
      alarm_actions: [TOPIC_ARN],
      ok_actions: [TOPIC_ARN],
    });
    expect(Object.values(resources(switchedOff, "aws_cloudwatch_composite_alarm")).map((a) => a.alarm_name)).toEqual([
      "dev-scheduler-down",
    ]);
  });

  test("WorkerCountFunctionFailing watches the function's Lambda errors", () => {
    expect(alarm(custom, "WorkerCountFunctionFailing")).toMatchObject({
      namespace: "AWS/Lambda",
      metric_name: "Errors",
      dimensions: { FunctionName: ref(custom, "aws_lambda_function", FN, "function_name") },
    });
  });

  test.each([["workerCount false", switchedOff]])("without the function (%s), only the MWAA alarms", (_case, doc) => {
    expect(
      Object.values(resources(doc, "aws_cloudwatch_metric_alarm"))
        .map((a) => a.alarm_name)
        .sort(),
    ).toEqual(["dev-environment-not-running", "dev-queued-tasks-high", "dev-scheduler-heartbeat-missing"]);
  });

  test("notify the SNS topic on alarm and on recovery when one is given", () => {
    const notifying = Object.values(resources(custom, "aws_cloudwatch_metric_alarm")).filter(
      (a) => a.alarm_actions !== undefined,
    );
    expect(notifying.map((a) => a.alarm_name).sort()).toEqual([
      "analytics-prod-queued-tasks-high",
      "analytics-prod-worker-count-function-failing",
      "analytics-prod-workers-at-maximum",
    ]);
    for (const a of notifying) expect(a).toMatchObject({ alarm_actions: [TOPIC_ARN], ok_actions: [TOPIC_ARN] });
  });

  test("have no actions without a topic", () => {
    const alarms = [
      ...Object.values(resources(defaults, "aws_cloudwatch_metric_alarm")),
      ...Object.values(resources(defaults, "aws_cloudwatch_composite_alarm")),
    ];
    expect(alarms).toHaveLength(8);
    for (const a of alarms) {
      expect(a).not.toHaveProperty("alarm_actions");
      expect(a).not.toHaveProperty("ok_actions");
    }
  });
});

describe("monitoring validation", () => {
  const lines = (monitoring: object) =>
    configErrorLines(() => parseEnvironment(minimalEnvironment({ monitoring }), "dev"));

  test.each([
    [
      "logRetentionDays",
      45,
      /^dev: monitoring\.logRetentionDays: one of CloudWatch's retention values: 1, 3, 5, .*, 3653 \(got 45\)$/,
    ],
    ["logRetentionDays", 0, /^dev: monitoring\.logRetentionDays: one of CloudWatch's retention values: .* \(got 0\)$/],
    ["alarmTopicArn", QUEUE_ARN, /^dev: monitoring\.alarmTopicArn: an SNS topic ARN \(got ".+"\)$/],
    [
      "onFailureDestinationArn",
      "arn:aws:lambda:eu-west-1:123456789012:function:x",
      /^dev: monitoring\.onFailureDestinationArn: an SQS queue or SNS topic ARN \(got ".+"\)$/,
    ],
    [
      "metricNamespace",
      "AWS/MWAA",
      /^dev: monitoring\.metricNamespace: a CloudWatch namespace not starting with "AWS\/" \(got "AWS\/MWAA"\)$/,
    ],
  ])("%s = %p is refused with the path and what is allowed", (field, value, message) => {
    const errors = lines({ [field]: value });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
  });

  test.each([1, 3653])("logRetentionDays %p (CloudWatch's minimum and maximum) is accepted", (days) => {
    expect(
      parseEnvironment(minimalEnvironment({ monitoring: { logRetentionDays: days } })).monitoring.logRetentionDays,
    ).toBe(days);
  });
});
