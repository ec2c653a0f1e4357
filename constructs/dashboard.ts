import { Construct } from "constructs";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { ADDITIONAL_WORKER_COUNT_METRIC, WORKER_COUNT_METRIC } from "./worker-count";
import { mwaaLogGroupName } from "./private/naming";
import { LOG_MODULES } from "../model/versions";

/** The dashboard body as typed data (CloudWatch dashboard body structure), serialized once. */
export type MetricRow = (
  string | { label?: string; stat?: string; expression?: string; id?: string; period?: number }
)[];

export interface MetricWidget {
  readonly type: "metric";
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: {
    readonly title: string;
    readonly region: string;
    readonly view: "timeSeries";
    readonly stacked: boolean;
    readonly period: number;
    readonly stat: string;
    readonly metrics: MetricRow[];
    readonly yAxis?: { readonly left: { readonly min: number } };
  };
}

export interface DashboardBody {
  readonly widgets: MetricWidget[];
}

export interface MwaaDashboardProps {
  readonly environmentName: string;
  readonly region: string;
  /** Namespace of the worker-count gauges. @default - no worker-count Lambda: only AWS's own count is charted */
  readonly workerCountNamespace?: string;
  readonly maxWorkers: number;
}

/**
 * `Cluster` values of AWS/MWAA CPUUtilization and MemoryUtilization, only those a source names: AWS's
 * sample dashboard charts BaseWorker, AdditionalWorker and Scheduler (aws-samples/amazon-mwaa-examples
 * 88ad45d, usecases/mwaa_utilization_cw_metric/mwaa-cw-metric-dashboard.json); the user guide
 * ("Container, queue, and database metrics for Amazon MWAA") names BaseWorker and AdditionalWorker
 * and says the metrics apply to every Airflow version, so the list serves Airflow 2 and 3 alike.
 * No source names the web server's value, so it is not guessed.
 */
const CLUSTERS = ["BaseWorker", "AdditionalWorker", "Scheduler"] as const;

/** Builds the body: what operators look at first, top to bottom. */
export function dashboardBody(props: MwaaDashboardProps): DashboardBody {
  const env = props.environmentName;
  const widgets: MetricWidget[] = [];
  const add = (title: string, stat: string, metrics: MetricRow[], stacked = false) => {
    const i = widgets.length;
    widgets.push({
      type: "metric",
      x: (i % 2) * 12,
      y: Math.floor(i / 2) * 6,
      width: 12,
      height: 6,
      properties: {
        title,
        region: props.region,
        view: "timeSeries",
        stacked,
        period: 60,
        stat,
        metrics,
        yAxis: { left: { min: 0 } },
      },
    });
  };
  const ns = props.workerCountNamespace;
  add("Workers (accurate at any range: Average = mean, Maximum = peak)", "Average", [
    ...(ns === undefined
      ? []
      : [
          [ns, WORKER_COUNT_METRIC, "Environment", env, { label: "Workers (average)" }],
          [ns, WORKER_COUNT_METRIC, "Environment", env, { label: "Workers (peak)", stat: "Maximum" }],
          [ns, ADDITIONAL_WORKER_COUNT_METRIC, "Environment", env, { label: "Additional workers (average)" }],
        ]),
    // AWS's own count, charted beside ours for comparison (docs/monitoring.md).
    [
      {
        expression: `SEARCH('{AWS/MWAA,Cluster,Environment} MetricName="NumAdditionalWorkers" Environment="${env}"', 'Maximum', 60)`,
        id: "native",
        label: "AWS/MWAA NumAdditionalWorkers",
      },
    ],
  ]);
  add("Tasks: running and queued", "Maximum", [
    ["AmazonMWAA", "RunningTasks", "Environment", env, "Function", "Executor", { label: "Running" }],
    ["AmazonMWAA", "QueuedTasks", "Environment", env, "Function", "Executor", { label: "Queued" }],
  ]);
  add(
    "CPU utilization per cluster (%)",
    "Average",
    CLUSTERS.map((c) => ["AWS/MWAA", "CPUUtilization", "Cluster", c, "Environment", env, { label: c }]),
  );
  add(
    "Memory utilization per cluster (%)",
    "Average",
    CLUSTERS.map((c) => ["AWS/MWAA", "MemoryUtilization", "Cluster", c, "Environment", env, { label: c }]),
  );
  add("Tasks killed externally", "Sum", [
    [
      "AmazonMWAA",
      "TasksKilledExternally",
      "Environment",
      env,
      "Function",
      "Scheduler",
      { label: "Killed externally" },
    ],
  ]);
  add(
    "Log volume per module (bytes)",
    "Sum",
    LOG_MODULES.map((m) => [
      "AWS/Logs",
      "IncomingBytes",
      "LogGroupName",
      mwaaLogGroupName(env, m.group),
      { label: m.group },
    ]),
    true,
  );
  return { widgets };
}

/** A CloudWatch dashboard per environment. */
export class MwaaDashboard extends Construct {
  readonly dashboard: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: MwaaDashboardProps) {
    super(scope, id);
    this.dashboard = new CloudwatchDashboard(this, "Resource", {
      dashboardName: `mwaa-${props.environmentName}`,
      dashboardBody: JSON.stringify(dashboardBody(props)),
    });
  }
}
