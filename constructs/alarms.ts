import { Construct } from "constructs";
import { CloudwatchCompositeAlarm } from "@cdktf/provider-aws/lib/cloudwatch-composite-alarm";
import {
  CloudwatchMetricAlarm,
  type CloudwatchMetricAlarmConfig,
} from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { WORKER_COUNT_LAG_MINUTES, WORKER_COUNT_METRIC } from "./worker-count";

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

/**
 * Minutes the environment must have run, every minute, before a missing scheduler heartbeat pages:
 * while MWAA creates the environment (or waits in PENDING for a VPC owner's endpoints) no container
 * runs, so creation never pages; once the environment runs, a dead scheduler still does. The
 * scheduler gets these minutes to send its first heartbeat.
 */
export const ENVIRONMENT_RUNNING_MINUTES = 10;

/** Minutes without a published worker count (beyond its lag) before WorkerCountStopped pages. */
export const WORKER_COUNT_SILENT_MINUTES = 10;

/** The alarms an on-call engineer needs for one environment. */
export class MwaaAlarms extends Construct {
  /** The metric alarms; those without actions are inputs of `schedulerDown`. */
  readonly alarms: CloudwatchMetricAlarm[] = [];
  /** Pages when the scheduler sends no heartbeat while the environment runs. */
  readonly schedulerDown: CloudwatchCompositeAlarm;
  /** Pages when the worker-count metric stops while the environment runs; undefined without the metric. */
  readonly workerCountStopped?: CloudwatchCompositeAlarm;

  constructor(scope: Construct, id: string, props: MwaaAlarmsProps) {
    super(scope, id);
    const env = props.environmentName;
    const actions = props.topicArn !== undefined ? { alarmActions: [props.topicArn], okActions: [props.topicArn] } : {};
    const alarm = (alarmId: string, config: Omit<CloudwatchMetricAlarmConfig, "alarmName">, notify = true) => {
      const created = new CloudwatchMetricAlarm(this, alarmId, {
        alarmName: `${env}-${kebab(alarmId)}`,
        ...(notify ? actions : {}),
        tags: props.tags,
        ...config,
      });
      this.alarms.push(created);
      return created;
    };

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
    // A dead scheduler sends no heartbeat, so missing data breaches. On its own this alarm is in
    // ALARM for all of creation: it only feeds SchedulerDown and notifies nobody.
    const heartbeat = alarm(
      "SchedulerHeartbeatMissing",
      {
        alarmDescription: `No scheduler heartbeat for ${props.schedulerHeartbeatMinutes} minutes (also during creation). Notifies through ${env}-scheduler-down.`,
        namespace: "AmazonMWAA",
        metricName: "SchedulerHeartbeat",
        dimensions: { Environment: env, Function: "Scheduler" },
        statistic: "SampleCount",
        period: 60,
        evaluationPeriods: props.schedulerHeartbeatMinutes,
        threshold: 1,
        comparisonOperator: "LessThanThreshold",
        treatMissingData: "breaching",
      },
      false,
    );
    // MWAA publishes one CPUUtilization sample per running container in AWS/MWAA, dimensions Cluster
    // and Environment (MWAA user guide, "Container, queue, and database metrics for Amazon MWAA",
    // for all Airflow versions). The gate is the BaseWorker cluster: the one cluster value that guide
    // names ("NumWorkers: the default worker (BaseWorker) that comes with every Amazon MWAA
    // environment"), the same samples the worker-count Lambda reads, and one base worker runs
    // whenever the environment does, on Airflow 2 and 3 alike. OK only when it ran every minute.
    const running = alarm(
      "EnvironmentNotRunning",
      {
        alarmDescription: `The environment's base worker did not run in every one of the last ${ENVIRONMENT_RUNNING_MINUTES} minutes (creating, updating or stopped). Input of ${env}-scheduler-down.`,
        namespace: "AWS/MWAA",
        metricName: "CPUUtilization",
        dimensions: { Cluster: "BaseWorker", Environment: env },
        statistic: "SampleCount",
        period: 60,
        evaluationPeriods: ENVIRONMENT_RUNNING_MINUTES,
        datapointsToAlarm: 1,
        threshold: 1,
        comparisonOperator: "LessThanThreshold",
        treatMissingData: "breaching",
      },
      false,
    );
    // Composite rule functions ALARM()/OK() by alarm ARN: PutCompositeAlarm AlarmRule
    // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutCompositeAlarm.html).
    this.schedulerDown = new CloudwatchCompositeAlarm(this, "SchedulerDown", {
      alarmName: `${env}-scheduler-down`,
      alarmDescription: `No scheduler heartbeat for ${props.schedulerHeartbeatMinutes} minutes while the environment runs: no task is being scheduled.`,
      alarmRule: `ALARM("${heartbeat.arn}") AND OK("${running.arn}")`,
      ...actions,
      tags: props.tags,
    });
    if (props.workerCountNamespace !== undefined) {
      // One final value per minute (lambda/worker-count), so Maximum is that value. Its newest
      // WORKER_COUNT_LAG_MINUTES are not published yet: they are missing, not breaching, and the
      // window is that much longer. An M-of-N alarm: M breaching minutes within the window, not
      // necessarily in a row (CloudWatch user guide, "Evaluating an alarm").
      alarm("WorkersAtMaximum", {
        alarmDescription: `All ${props.maxWorkers} workers busy in ${props.workersAtMaximumMinutes} of the last ${props.workersAtMaximumMinutes + WORKER_COUNT_LAG_MINUTES} minutes: raise maxWorkers or spread the load.`,
        namespace: props.workerCountNamespace,
        metricName: WORKER_COUNT_METRIC,
        dimensions: { Environment: env },
        statistic: "Maximum",
        period: 60,
        evaluationPeriods: props.workersAtMaximumMinutes + WORKER_COUNT_LAG_MINUTES,
        datapointsToAlarm: props.workersAtMaximumMinutes,
        threshold: props.maxWorkers,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "notBreaching",
      });
      // The metric stopped: no minute published in the last WORKER_COUNT_SILENT_MINUTES beyond the
      // lag. In ALARM during creation too, so it only feeds WorkerCountStopped, which also needs the
      // environment running (the same gate as SchedulerDown).
      const silent = alarm(
        "WorkerCountMissing",
        {
          alarmDescription: `No worker count published for ${WORKER_COUNT_SILENT_MINUTES} minutes (also during creation). Notifies through ${env}-worker-count-stopped.`,
          namespace: props.workerCountNamespace,
          metricName: WORKER_COUNT_METRIC,
          dimensions: { Environment: env },
          statistic: "SampleCount",
          period: 60,
          evaluationPeriods: WORKER_COUNT_SILENT_MINUTES + WORKER_COUNT_LAG_MINUTES,
          threshold: 1,
          comparisonOperator: "LessThanThreshold",
          treatMissingData: "breaching",
        },
        false,
      );
      this.workerCountStopped = new CloudwatchCompositeAlarm(this, "WorkerCountStopped", {
        alarmName: `${env}-worker-count-stopped`,
        alarmDescription: `No worker count for ${WORKER_COUNT_SILENT_MINUTES} minutes while the environment runs: the worker graph and the workers-at-maximum alarm are blind.`,
        alarmRule: `ALARM("${silent.arn}") AND OK("${running.arn}")`,
        ...actions,
        tags: props.tags,
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
