import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { LambdaInvocation } from "@cdktf/provider-aws/lib/lambda-invocation";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { BundledFunction, type LambdaCode } from "./bundled-function";
import type { AirflowState } from "../model/airflow-state";
import { lambdaFunctionName, withName } from "./private/naming";
import { backupPrefix } from "../lambda/airflow-state/backup-layout";
import {
  APPLY_TIMEOUT_SECONDS,
  BACKUP_SUCCESS_METRIC,
  ENV_VARS,
  type ApplyInput,
} from "../lambda/airflow-state/contract";

/** The backend class of the amazon provider (apache-airflow-providers-amazon docs, "AWS Secrets Manager Backend"). */
export const SECRETS_MANAGER_BACKEND = "airflow.providers.amazon.aws.secrets.secrets_manager.SecretsManagerBackend";
/**
 * The Airflow role the Lambdas call InvokeRestApi as. Op = Viewer + User + Op permissions: create,
 * edit and delete on Pools, Variables and Connections, edit on DAGs (pause), read on DAG runs and task
 * instances; Admin adds only roles, passwords, audit log and triggers. Airflow 2: apache/airflow
 * airflow/www/security.py (ROLE_CONFIGS); Airflow 3 (FAB auth manager): providers/fab/src/airflow/
 * providers/fab/auth_manager/security_manager/override.py at 00c69bf7fe0917cbbecda8bc3347e93a1b1eeb2c.
 */
export const AIRFLOW_STATE_ROLE = "Op";

/** Whether the apply Lambda has anything to apply: declared pools or plain variables. */
export function hasApply(state: AirflowState | undefined): boolean {
  return state !== undefined && (state.pools.length > 0 || state.variables.length > 0);
}

export interface AirflowStateProps {
  readonly environmentName: string;
  readonly region: string;
  readonly accountId: string;
  readonly partition: string;
  readonly state: AirflowState;
  /** The MWAA environment resource: the invocation runs after it. */
  readonly environment: ITerraformDependable;
  /**
   * What the REST calls travel through (service endpoints, the environment's own endpoints): the
   * invocation depends on them, so on destroy its delete call runs before they go.
   * @default - none
   */
  readonly apiPath?: ITerraformDependable[];
  readonly bucketName: string;
  readonly bucketArn: string;
  /** Bucket key, when the bucket uses a customer key. @default - none */
  readonly bucketKmsKeyArn?: string;
  readonly vpcId: string;
  /** InvokeRestApi answers a private web server's environment only from inside the VPC (MWAA guide, access policies). */
  readonly subnetIds: string[];
  readonly applyCode?: LambdaCode;
  readonly backupCode?: LambdaCode;
  readonly namespace: string;
  /** @default - alarm without actions */
  readonly alarmTopicArn?: string;
  readonly logRetentionDays: number;
  /** @default - AWS owned key */
  readonly logKmsKeyArn?: string;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/** The Airflow options that turn the Secrets Manager backend on, for `airflow_configuration_options`. */
export function secretsBackendOptions(state: AirflowState | undefined): Record<string, string> {
  const backend = state?.secretsBackend;
  if (backend === undefined) return {};
  // [secrets] backend and backend_kwargs (JSON), same names in Airflow 2 and 3 (amazon provider docs, "AWS Secrets Manager Backend").
  return {
    "secrets.backend": SECRETS_MANAGER_BACKEND,
    "secrets.backend_kwargs": JSON.stringify({
      connections_prefix: backend.connectionsPrefix,
      variables_prefix: backend.variablesPrefix,
    }),
  };
}

/** The backup function's timeout, in seconds. */
const BACKUP_TIMEOUT_SECONDS = 900;

/**
 * The backup alarm's window: hourly periods, all of the last N without a success (missing data
 * breaching), N covering the schedule interval plus the run's timeout. A run that ends later than the
 * one before still falls inside it; one period per interval flapped. PutMetricAlarm caps Period x
 * EvaluationPeriods at 604,800 s (7 days) for periods of an hour or more (CloudWatch API reference,
 * PutMetricAlarm, Period): everyHours is at most 24, so N is at most 25 h.
 */
export function backupAlarmWindow(everyHours: number): {
  period: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
} {
  const evaluationPeriods = Math.ceil((everyHours * 3600 + BACKUP_TIMEOUT_SECONDS) / 3600);
  if (3600 * evaluationPeriods > 604_800)
    throw new Error(`backup.everyHours ${everyHours}: the alarm window would exceed CloudWatch's 7 days`);
  return { period: 3600, evaluationPeriods, datapointsToAlarm: evaluationPeriods };
}

/** What the apply Lambda gets: exactly the declared pools and variables. */
export function applyInput(state: AirflowState): ApplyInput {
  return { pools: state.pools, variables: state.variables };
}

/**
 * Pools and plain variables as code, and the backup, of one environment: the apply Lambda invoked
 * by Terraform on create, update and delete, and a scheduled backup with its alarm. What the stack
 * owns is elsewhere: the secrets (AirflowSecrets) and the backups' retention (the bucket's lifecycle
 * rules, ArtifactBucket.expireUnder), one of each per stack whatever the number of environments.
 */
export class AirflowStateManager extends Construct {
  readonly apply?: LambdaInvocation;
  backupFunction?: BundledFunction;
  /** Where this environment's backups go (`<backup.prefix><environment>/`); undefined without backup. */
  backupPrefix?: string;

  constructor(scope: Construct, id: string, props: AirflowStateProps) {
    super(scope, id);
    const { state, tags = {} } = props;
    const needsApi = hasApply(state) || state.backup !== undefined;
    if (!needsApi) return;
    const securityGroup = new SecurityGroup(this, "SecurityGroup", {
      namePrefix: `${props.environmentName}-airflow-state-`,
      description: `Airflow state Lambdas of MWAA ${props.environmentName}: HTTPS out to the MWAA API`,
      vpcId: props.vpcId,
      egress: [
        {
          fromPort: 443,
          toPort: 443,
          protocol: "tcp",
          cidrBlocks: ["0.0.0.0/0"],
          // GetEnvironment is served by api.airflow, InvokeRestApi by env.airflow (AWS CLI reference, mwaa, "Endpoints").
          description: "MWAA API: GetEnvironment via airflow.api, the REST call via airflow.env (endpoint or NAT)",
        },
      ],
      tags: withName(tags, `${props.environmentName}-airflow-state`),
    });
    const vpcConfig = { subnetIds: props.subnetIds, securityGroupIds: [securityGroup.id] };
    // Per the MWAA guide's access policies: the resource is the Airflow role, never the environment ARN.
    const invoke: DataAwsIamPolicyDocumentStatement[] = [
      {
        sid: "InvokeRestApiAsOp",
        actions: ["airflow:InvokeRestApi"],
        resources: [
          `arn:${props.partition}:airflow:${props.region}:${props.accountId}:role/${props.environmentName}/${AIRFLOW_STATE_ROLE}`,
        ],
      },
      {
        sid: "ReadEnvironmentStatus",
        actions: ["airflow:GetEnvironment"],
        resources: [
          `arn:${props.partition}:airflow:${props.region}:${props.accountId}:environment/${props.environmentName}`,
        ],
      },
    ];
    const common = {
      environment: { [ENV_VARS.environmentName]: props.environmentName },
      logRetentionDays: props.logRetentionDays,
      logKmsKeyArn: props.logKmsKeyArn,
      tags,
      vpcConfig,
    };
    if (hasApply(state)) {
      const fn = new BundledFunction(this, "ApplyFunction", {
        ...common,
        functionName: lambdaFunctionName(props.environmentName, "airflow-apply"),
        description: `Applies declared pools and variables to MWAA ${props.environmentName}`,
        code: props.applyCode!,
        statements: invoke,
        timeoutSeconds: APPLY_TIMEOUT_SECONDS,
      });
      // lifecycle_scope CRUD: invoked on create, update and destroy, with tf.action and tf.prev_input
      // (hashicorp/terraform-provider-aws website/docs/r/lambda_invocation.html.markdown, "CRUD Lifecycle Scope").
      this.apply = new LambdaInvocation(this, "Apply", {
        functionName: fn.function.functionName,
        input: JSON.stringify(applyInput(state)),
        lifecycleScope: "CRUD",
        dependsOn: [props.environment, ...(props.apiPath ?? [])],
      });
    }
    if (state.backup !== undefined) this.addBackup(props, state.backup, { ...common, statements: invoke });
  }

  private addBackup(
    props: AirflowStateProps,
    backup: NonNullable<AirflowState["backup"]>,
    common: Omit<ConstructorParameters<typeof BundledFunction>[2], "functionName" | "description" | "code">,
  ): void {
    const tags = props.tags ?? {};
    const name = lambdaFunctionName(props.environmentName, "airflow-backup");
    const fn = new BundledFunction(this, "BackupFunction", {
      ...common,
      functionName: name,
      description: `Backs up variables, pools, connections and DAG state of MWAA ${props.environmentName}`,
      code: props.backupCode!,
      environment: {
        ...common.environment,
        [ENV_VARS.bucket]: props.bucketName,
        [ENV_VARS.prefix]: backup.prefix,
        [ENV_VARS.namespace]: props.namespace,
      },
      statements: [
        ...common.statements,
        { sid: "WriteBackups", actions: ["s3:PutObject"], resources: [`${props.bucketArn}/${backup.prefix}*`] },
        ...(props.bucketKmsKeyArn !== undefined
          ? [{ sid: "EncryptBackups", actions: ["kms:GenerateDataKey"], resources: [props.bucketKmsKeyArn] }]
          : []),
        {
          sid: "PublishSuccess",
          actions: ["cloudwatch:PutMetricData"],
          resources: ["*"],
          condition: [{ test: "StringEquals", variable: "cloudwatch:namespace", values: [props.namespace] }],
        },
      ],
      timeoutSeconds: BACKUP_TIMEOUT_SECONDS,
      memoryMb: 512,
    });
    this.backupFunction = fn;
    this.backupPrefix = backupPrefix(backup.prefix, props.environmentName);
    const schedule = new CloudwatchEventRule(this, "BackupSchedule", {
      name,
      description: `Every ${backup.everyHours} h: back up MWAA ${props.environmentName}'s variables, pools, connections and DAG state`,
      scheduleExpression: backup.everyHours === 1 ? "rate(1 hour)" : `rate(${backup.everyHours} hours)`,
      tags,
    });
    new CloudwatchEventTarget(this, "BackupTarget", { rule: schedule.name, arn: fn.function.arn });
    new LambdaPermission(this, "InvokeBackupFromSchedule", {
      statementId: "AllowEventBridgeSchedule",
      action: "lambda:InvokeFunction",
      functionName: fn.function.functionName,
      principal: "events.amazonaws.com",
      sourceArn: schedule.arn,
    });
    const window = backupAlarmWindow(backup.everyHours);
    new CloudwatchMetricAlarm(this, "BackupAlarm", {
      alarmName: `${props.environmentName}-airflow-state-backup`,
      alarmDescription: `No successful backup of MWAA ${props.environmentName}'s Airflow state in ${window.evaluationPeriods} h (one every ${backup.everyHours} h, plus the run's time): see the ${name} function's logs`,
      namespace: props.namespace,
      metricName: BACKUP_SUCCESS_METRIC,
      dimensions: { Environment: props.environmentName },
      statistic: "Sum",
      ...window,
      threshold: 1,
      comparisonOperator: "LessThanThreshold",
      treatMissingData: "breaching",
      alarmActions: props.alarmTopicArn !== undefined ? [props.alarmTopicArn] : undefined,
      okActions: props.alarmTopicArn !== undefined ? [props.alarmTopicArn] : undefined,
      tags,
    });
  }
}
