import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { BundledFunction, type LambdaCode } from "./bundled-function";
import { lambdaFunctionName } from "./private/naming";
import { isUnresolvedToken } from "../model/tokens";

import {
  ADDITIONAL_WORKER_COUNT_METRIC_NAME,
  DEFAULT_LAG_MINUTES,
  ENV_VARS,
  WORKER_COUNT_METRIC_NAME,
  WORKER_COUNT_TIMEOUT_SECONDS,
} from "../lambda/worker-count/contract";

/** Metric names the worker-count Lambda publishes, from the handler's own contract. */
export const WORKER_COUNT_METRIC = WORKER_COUNT_METRIC_NAME;
export const ADDITIONAL_WORKER_COUNT_METRIC = ADDITIONAL_WORKER_COUNT_METRIC_NAME;
/** Minutes the metric's newest point trails the clock: each minute is published once, this long after it ends. */
export const WORKER_COUNT_LAG_MINUTES = DEFAULT_LAG_MINUTES;

export interface WorkerCountMetricProps {
  readonly environmentName: string;
  readonly code: LambdaCode;
  /** Namespace of the published gauges. */
  readonly namespace: string;
  readonly logRetentionDays: number;
  /** CMK of the function's log group. @default - AWS owned key */
  readonly logKmsKeyArn?: string;
  /** SQS queue or SNS topic ARN for failed invocations. @default - none (the error alarm still fires) */
  readonly onFailureDestinationArn?: string;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/** What sending to the destination takes; a token (the user's own queue or topic) may be either. */
function destinationActions(arn: string): string[] {
  if (isUnresolvedToken(arn)) return ["sns:Publish", "sqs:SendMessage"];
  return [arn.includes(":sqs:") ? "sqs:SendMessage" : "sns:Publish"];
}

/**
 * The worker count MWAA does not publish: a Lambda run every minute turns each minute's container
 * samples into a per-minute gauge with the minute's own timestamp, correct at any dashboard range.
 */
export class WorkerCountMetric extends Construct {
  readonly function: BundledFunction;

  constructor(scope: Construct, id: string, props: WorkerCountMetricProps) {
    super(scope, id);
    this.function = new BundledFunction(this, "Function", {
      functionName: lambdaFunctionName(props.environmentName, "worker-count"),
      description: `Publishes the worker count of MWAA ${props.environmentName} every minute`,
      code: props.code,
      environment: { [ENV_VARS.environmentName]: props.environmentName, [ENV_VARS.namespace]: props.namespace },
      statements: [
        // GetMetricData has no resource-level permissions.
        { sid: "ReadContainerMetrics", actions: ["cloudwatch:GetMetricData"], resources: ["*"] },
        {
          sid: "PublishOwnNamespace",
          actions: ["cloudwatch:PutMetricData"],
          resources: ["*"],
          condition: [{ test: "StringEquals", variable: "cloudwatch:namespace", values: [props.namespace] }],
        },
        ...(props.onFailureDestinationArn !== undefined
          ? [
              {
                sid: "OnFailureDestination",
                actions: destinationActions(props.onFailureDestinationArn),
                resources: [props.onFailureDestinationArn],
              },
            ]
          : []),
      ],
      logRetentionDays: props.logRetentionDays,
      logKmsKeyArn: props.logKmsKeyArn,
      timeoutSeconds: WORKER_COUNT_TIMEOUT_SECONDS,
      tags: props.tags,
    });
    const fn = this.function.function;
    const schedule = new CloudwatchEventRule(this, "Schedule", {
      name: lambdaFunctionName(props.environmentName, "worker-count"),
      description: `Every minute: worker count of MWAA ${props.environmentName}`,
      scheduleExpression: "rate(1 minute)",
      tags: props.tags,
    });
    new CloudwatchEventTarget(this, "Target", {
      rule: schedule.name,
      arn: fn.arn,
      retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 300 },
    });
    new LambdaPermission(this, "InvokeFromSchedule", {
      statementId: "AllowEventBridgeSchedule",
      action: "lambda:InvokeFunction",
      functionName: fn.functionName,
      principal: "events.amazonaws.com",
      sourceArn: schedule.arn,
    });
    new LambdaFunctionEventInvokeConfig(this, "InvokeConfig", {
      functionName: fn.functionName,
      // Each run publishes its minute once; a retry after a partial failure could send a second value.
      maximumRetryAttempts: 0,
      maximumEventAgeInSeconds: 120,
      ...(props.onFailureDestinationArn !== undefined
        ? { destinationConfig: { onFailure: { destination: props.onFailureDestinationArn } } }
        : {}),
    });
  }
}
