import { Construct } from "constructs";
import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { Environment } from "../model/schema";
import { withName } from "./private/naming";

export interface ExecutionRoleProps {
  readonly environmentName: string;
  readonly region: string;
  readonly accountId: string;
  readonly partition: string;
  readonly bucketArn: string;
  /** CMK of the environment: adds kms use through SQS and S3. @default - AWS owned keys only */
  readonly kmsKeyArn?: string;
  /** Extra statements from config, appended as they are. @default [] */
  readonly extraStatements?: Environment["executionRolePolicyStatements"];
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * The role MWAA runs as. Trust is limited to this account and environment (confused deputy);
 * permissions are scoped to this environment, its bucket, its log groups and its Celery queues.
 */
export class ExecutionRole extends Construct {
  /** The IAM role MWAA assumes. */
  readonly role: IamRole;
  readonly roleArn: string;
  readonly roleName: string;
  /** The inline policy: the environment waits for it so its first start has the permissions. */
  readonly policy: IamRolePolicy;
  private readonly document: DataAwsIamPolicyDocument;
  private readonly statements: DataAwsIamPolicyDocumentStatement[];

  constructor(scope: Construct, id: string, props: ExecutionRoleProps) {
    super(scope, id);
    const { partition, region, accountId, environmentName: name } = props;
    const environmentArn = `arn:${partition}:airflow:${region}:${accountId}:environment/${name}`;
    const trust = new DataAwsIamPolicyDocument(this, "TrustPolicy", {
      statement: [
        {
          effect: "Allow",
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["airflow.amazonaws.com", "airflow-env.amazonaws.com"] }],
          condition: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] },
            { test: "ArnLike", variable: "aws:SourceArn", values: [environmentArn] },
          ],
        },
      ],
    });
    const role = new IamRole(this, "Resource", {
      // Role names are global to the account: a prefix keeps the same environment name in two regions apart.
      namePrefix: `${name.slice(0, 22)}-mwaa-execution-`,
      description: `Execution role of MWAA environment ${name}`,
      assumeRolePolicy: trust.json,
      tags: withName(props.tags ?? {}, `${name}-mwaa-execution`),
    });
    const statements: DataAwsIamPolicyDocumentStatement[] = [
      { sid: "PublishMetrics", actions: ["airflow:PublishMetrics"], resources: [environmentArn] },
      {
        sid: "DenyListAllBuckets",
        effect: "Deny",
        actions: ["s3:ListAllMyBuckets"],
        resources: [props.bucketArn, `${props.bucketArn}/*`],
      },
      {
        // The S3 actions of AWS's documented execution-role policy, which MWAA is tested against
        // (https://docs.aws.amazon.com/mwaa/latest/userguide/mwaa-create-role.html), on this bucket only.
        sid: "ReadArtifacts",
        actions: ["s3:GetObject*", "s3:GetBucket*", "s3:List*"],
        resources: [props.bucketArn, `${props.bucketArn}/*`],
      },
      { sid: "CheckAccountPublicAccessBlock", actions: ["s3:GetAccountPublicAccessBlock"], resources: ["*"] },
      {
        sid: "WriteOwnLogs",
        actions: [
          "logs:CreateLogStream",
          "logs:CreateLogGroup",
          "logs:PutLogEvents",
          "logs:GetLogEvents",
          "logs:GetLogRecord",
          "logs:GetLogGroupFields",
          "logs:GetQueryResults",
        ],
        resources: [`arn:${partition}:logs:${region}:${accountId}:log-group:airflow-${name}-*`],
      },
      { sid: "DescribeLogGroups", actions: ["logs:DescribeLogGroups"], resources: ["*"] },
      // PutMetricData has no resource-level permissions.
      { sid: "PutMetrics", actions: ["cloudwatch:PutMetricData"], resources: ["*"] },
      {
        sid: "CeleryQueues",
        actions: [
          "sqs:ChangeMessageVisibility",
          "sqs:DeleteMessage",
          "sqs:GetQueueAttributes",
          "sqs:GetQueueUrl",
          "sqs:ReceiveMessage",
          "sqs:SendMessage",
        ],
        resources: [`arn:${partition}:sqs:${region}:*:airflow-celery-*`],
      },
      props.kmsKeyArn === undefined
        ? {
            // The Celery queues are encrypted with an AWS owned key: allow it only through SQS.
            sid: "KmsViaSqs",
            actions: ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey*", "kms:Encrypt"],
            notResources: [`arn:${partition}:kms:*:${accountId}:key/*`],
            condition: [{ test: "StringLike", variable: "kms:ViaService", values: [`sqs.${region}.amazonaws.com`] }],
          }
        : {
            sid: "CustomerManagedKey",
            actions: ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey*", "kms:Encrypt"],
            resources: [props.kmsKeyArn],
            condition: [
              {
                test: "StringLike",
                variable: "kms:ViaService",
                values: [`sqs.${region}.amazonaws.com`, `s3.${region}.amazonaws.com`],
              },
            ],
          },
      ...(props.extraStatements ?? []).map((s) => ({
        sid: s.sid,
        effect: s.effect,
        actions: [...s.actions],
        resources: [...s.resources],
        ...(s.conditions.length > 0
          ? { condition: s.conditions.map((c) => ({ test: c.test, variable: c.variable, values: [...c.values] })) }
          : {}),
      })),
    ];
    this.statements = statements;
    this.document = new DataAwsIamPolicyDocument(this, "PolicyDocument", { statement: statements });
    this.policy = new IamRolePolicy(this, "Policy", {
      name: "mwaa-execution",
      role: role.id,
      policy: this.document.json,
    });
    this.role = role;
    this.roleArn = role.arn;
    this.roleName = role.name;
  }

  /** Adds a statement to the role's inline policy (e.g. read a secret a DAG needs). */
  addToRolePolicy(statement: DataAwsIamPolicyDocumentStatement): void {
    this.statements.push(statement);
    this.document.putStatement(this.statements);
  }
}
