import { Construct } from "constructs";
import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmConfig } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { WORKER_COUNT_METRIC } from "./worker-count";

export interface MwaaAlarmsProps {
  readonly environmentName: string;
  /** SNS topic for alarm and OK notifications. @default - alarms without actions */
  readonly topicArn?: string;
  readonly queuedTasksThreshold: number;
  readonly queuedTasksMinutes: number;
  readonly maxWorkers: number;
  readonly workersAtMaximumMinutes: number;
  readonly schedulerHeartbeatMinutes: number;
  /** Namespace of the worker-count gauges. @default - no worker alarms */
  readonly workerCountNamespace?: string;
  /** The worker-count Lambda's name. @default - no Lambda error alarm */
  readonly workerCountFunctionName?: string;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/** The alarms an on-call engineer needs for one environment. */
export class MwaaAlarms extends Construct {
  readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(scope: Construct, id: string, props: MwaaAlarmsProps) {
    super(scope, id);
    const env = props.environmentName;
    const actions = props.topicArn !== undefined ? { alarmActions: [props.topicArn], okActions: [props.topicArn] } : {};
    const alarm = (alarmId: string, config: Omit<CloudwatchMetricAlarmConfig, "alarmName">) =>
      this.alarms.push(new CloudwatchMetricAlarm(this, alarmId, { alarmName: `${env}-${kebab(alarmId)}`, ...actions, tags: props.tags, ...config }));

    alarm("QueuedTasksHigh", {
      alarmDescription: `More than ${props.queuedTasksThreshold} tasks queued for ${props.queuedTasksMinutes} minutes: workers cannot keep up.`,
      namespace: "AmazonMWAA",
      metricName: "QueuedTasks",
      dimensions: { Environment: env, Function: "Executor" },
      statistic: "Maximum",
      period: 60,
      evaluationPeriods: props.queuedTasksMinutes,
      threshold: props.queuedTasksThreshold,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
    });
    alarm("SchedulerHeartbeatMissing", {
      alarmDescription: `No scheduler heartbeat for ${props.schedulerHeartbeatMinutes} minutes: no task is being scheduled.`,
      namespace: "AmazonMWAA",
      metricName: "SchedulerHeartbeat",
      dimensions: { Environment: env, Function: "Scheduler" },
      statistic: "SampleCount",
      period: 60,
      evaluationPeriods: props.schedulerHeartbeatMinutes,
      threshold: 1,
      comparisonOperator: "LessThanThreshold",
      treatMissingData: "breaching",
    });
    if (props.workerCountNamespace !== undefined) {
      alarm("WorkersAtMaximum", {
        alarmDescription: `All ${props.maxWorkers} workers busy for ${props.workersAtMaximumMinutes} minutes: raise maxWorkers or spread the load.`,
        namespace: props.workerCountNamespace,
        metricName: WORKER_COUNT_METRIC,
        dimensions: { Environment: env },
        statistic: "Minimum",
        period: 60,
        evaluationPeriods: props.workersAtMaximumMinutes,
        threshold: props.maxWorkers,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "notBreaching",
      });
    }
    if (props.workerCountFunctionName !== undefined) {
      alarm("WorkerCountFunctionFailing", {
        alarmDescription: "The worker-count Lambda fails: the worker graph and the workers-at-maximum alarm are blind.",
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: props.workerCountFunctionName },
        statistic: "Sum",
        period: 60,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "notBreaching",
      });
    }
  }
}

function kebab(id: string): string {
  return id.replace(/([a-z])([A-Z])/g, "$1-$2").toLowerCase();
}
