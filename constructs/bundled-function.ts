import { Construct } from "constructs";
import { AssetType, TerraformAsset } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { withName } from "./private/naming";
import type { LambdaCode } from "../model/prepared";
import { LAMBDA_HANDLER, LAMBDA_RUNTIME } from "../lambda/runtime/runtime";

export type { LambdaCode } from "../model/prepared";

export interface BundledFunctionProps {
  readonly functionName: string;
  readonly description: string;
  readonly code: LambdaCode;
  /** @default LAMBDA_RUNTIME ("nodejs22.x") */
  readonly runtime?: string;
  /** @default {} */
  readonly environment?: Record<string, string>;
  /** What the function may do besides writing its own logs. */
  readonly statements: DataAwsIamPolicyDocumentStatement[];
  readonly logRetentionDays: number;
  /** @default - AWS owned key */
  readonly logKmsKeyArn?: string;
  /** @default 60 */
  readonly timeoutSeconds?: number;
  /** @default 128 */
  readonly memoryMb?: number;
  /** @default {} */
  readonly tags?: Record<string, string>;
  /** Subnets and security groups, for a function that must run in the VPC. @default - outside any VPC */
  readonly vpcConfig?: { readonly subnetIds: string[]; readonly securityGroupIds: string[] };
}

/** A Lambda function from a prepared bundle, with its own least-privilege role and log group. */
export class BundledFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: BundledFunctionProps) {
    super(scope, id);
    const tags = withName(props.tags ?? {}, props.functionName);
    this.logGroup = new CloudwatchLogGroup(this, "LogGroup", {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.logKmsKeyArn,
      tags,
    });
    const trust = new DataAwsIamPolicyDocument(this, "TrustPolicy", {
      statement: [
        { actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }] },
      ],
    });
    // Role names are global to the account: a prefix keeps regions apart.
    this.role = new IamRole(this, "Role", {
      namePrefix: `${props.functionName.slice(0, 30)}-`,
      assumeRolePolicy: trust.json,
      tags,
    });
    const policy = new DataAwsIamPolicyDocument(this, "PolicyDocument", {
      statement: [
        {
          sid: "OwnLogs",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [`${this.logGroup.arn}:*`],
        },
        ...props.statements,
        // The ec2 actions of the AWSLambdaVPCAccessExecutionRole managed policy, v3 of 2024-01-05
        // (AWS Managed Policy reference), for the function's network interfaces; logs are granted above.
        ...(props.vpcConfig !== undefined
          ? [
              {
                sid: "VpcNetworkInterfaces",
                actions: [
                  "ec2:CreateNetworkInterface",
                  "ec2:DescribeNetworkInterfaces",
                  "ec2:DescribeSubnets",
                  "ec2:DeleteNetworkInterface",
                  "ec2:AssignPrivateIpAddresses",
                  "ec2:UnassignPrivateIpAddresses",
                ],
                resources: ["*"],
              },
            ]
          : []),
      ],
    });
    const rolePolicy = new IamRolePolicy(this, "Policy", { name: "function", role: this.role.id, policy: policy.json });
    const asset = new TerraformAsset(this, "Code", { path: props.code.zipPath, type: AssetType.FILE });
    this.function = new LambdaFunction(this, "Resource", {
      functionName: props.functionName,
      description: props.description,
      role: this.role.arn,
      runtime: props.runtime ?? LAMBDA_RUNTIME,
      handler: LAMBDA_HANDLER,
      filename: asset.path,
      sourceCodeHash: props.code.sha256Base64,
      timeout: props.timeoutSeconds ?? 60,
      memorySize: props.memoryMb ?? 128,
      architectures: ["arm64"],
      environment: props.environment !== undefined ? { variables: props.environment } : undefined,
      loggingConfig: { logFormat: "JSON", logGroup: this.logGroup.name },
      vpcConfig: props.vpcConfig,
      tags,
      // The log group first, so Lambda never creates an unmanaged one; the policy first, so the first run may log.
      dependsOn: [this.logGroup, rolePolicy],
    });
  }
}
