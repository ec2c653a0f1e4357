import type { Construct } from "constructs";
import { Lazy, type ITerraformDependable, type TerraformProvider } from "cdktf";
import type { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import type { ArtifactBucket } from "./artifact-bucket";
import { ArtifactUploads } from "./artifact-uploads";
import { CustomerEndpoints } from "./customer-endpoints";
import { EndpointSecurityGroup } from "./endpoint-security-group";
import { MwaaEnvironment } from "./environment";
import { ExecutionRole } from "./execution-role";
import { MwaaLogGroups } from "./log-groups";
import type { Environment } from "../model/schema";
import type { MwaaNetwork } from "./network";
import { MwaaSecurityGroup } from "./security-group";
import type { SsoLogin } from "./sso-login";
import type { WorkerCountMetric } from "./worker-count";
import type { MwaaAlarms } from "./alarms";
import type { MwaaDashboard } from "./dashboard";
import type { MwaaArtifactFiles } from "../model/prepared";

/**
 * One MWAA environment's own resources: everything but the network, the bucket and the ALB, which
 * a second environment shares during a side-by-side migration.
 */
export interface BaseEnvironment {
  /** The MWAA environment's name. */
  readonly name: string;
  readonly airflow: Environment["airflow"];
  /** Its resources' construct scope: the PrivateMwaaEnvironment itself for the environment named like the stack. */
  readonly scope: Construct;
  readonly executionRole: ExecutionRole;
  readonly securityGroup: MwaaSecurityGroup;
  readonly logGroups: MwaaLogGroups;
  readonly uploads?: ArtifactUploads;
  readonly environment: MwaaEnvironment;
  /** Undefined with endpoints.createdBy "vpc-owner". */
  readonly endpoints?: CustomerEndpoints;
  /** With createdBy "role" and ownSecurityGroup: the endpoints' own group. */
  readonly endpointSecurityGroup?: EndpointSecurityGroup;
}

/** One environment with its web access and monitoring. */
export interface AirflowEnvironment extends BaseEnvironment {
  /** The ALB's target group of its web server; undefined without an ALB. */
  readonly targetGroup?: LbTargetGroup;
  /** Its sign-in; undefined without `access.sso`. */
  readonly signIn?: SsoLogin;
  /** Undefined when monitoring.workerCount is off. */
  readonly workerCount?: WorkerCountMetric;
  /** Undefined with monitoring.dashboard false. */
  readonly dashboard?: MwaaDashboard;
  readonly alarms: MwaaAlarms;
}

export interface AirflowEnvironmentProps {
  readonly name: string;
  readonly airflow: Environment["airflow"];
  /** The validated environment: region, KMS key, tags, monitoring, endpoints, protection. */
  readonly config: Environment;
  readonly network: MwaaNetwork;
  readonly bucket: ArtifactBucket;
  readonly accountId: string;
  readonly partition: string;
  /** @default - nothing uploaded */
  readonly artifactFiles?: MwaaArtifactFiles;
  /** Key prefix of its artifacts in the shared bucket. @default "" */
  readonly keyPrefix?: string;
  /** Options after the stack added its own (the base URL). */
  readonly configurationOptions: Record<string, string>;
  /** Security groups attached besides its own; read at synth, so they may be added later. @default [] */
  readonly extraSecurityGroupIds?: readonly string[];
  /** The provider that creates the endpoints (createdBy "role"). @default - the stack's */
  readonly endpointsProvider?: TerraformProvider;
}

/**
 * Adds one environment's role, security group, log groups, uploads, the environment and its two
 * customer endpoints to `scope`. Construct ids are resource addresses: the ones below are those
 * every environment of this project has always had.
 */
export function addAirflowEnvironment(scope: Construct, props: AirflowEnvironmentProps): BaseEnvironment {
  const { config, name } = props;
  const { tags, monitoring } = config;
  const executionRole = new ExecutionRole(scope, "ExecutionRole", {
    environmentName: name,
    region: config.region,
    accountId: props.accountId,
    partition: props.partition,
    bucketArn: props.bucket.bucketArn,
    kmsKeyArn: config.kmsKeyArn,
    extraStatements: config.executionRolePolicyStatements,
    tags,
  });
  const securityGroup = new MwaaSecurityGroup(scope, "SecurityGroup", {
    environmentName: name,
    vpcId: props.network.vpcId,
    tags,
  });
  const logGroups = new MwaaLogGroups(scope, "LogGroups", {
    environmentName: name,
    retentionDays: monitoring.logRetentionDays,
    kmsKeyArn: config.kmsKeyArn,
    tags,
  });
  const dependsOn: ITerraformDependable[] = [executionRole.policy, ...logGroups.groups];
  const { bucket } = props;
  if (bucket.versioning !== undefined) dependsOn.push(bucket.versioning);
  let uploads: ArtifactUploads | undefined;
  if (props.artifactFiles !== undefined) {
    uploads = new ArtifactUploads(scope, "Artifacts", {
      bucketName: bucket.bucketName,
      files: props.artifactFiles,
      bucketVersioning: bucket.versioning,
      keyPrefix: props.keyPrefix,
      tags,
    });
    // DAGs are read from the prefix, not pinned: wait for them so a first start finds them.
    dependsOn.push(...uploads.objects);
  }
  const environment = new MwaaEnvironment(scope, "Environment", {
    name,
    airflow: props.airflow,
    configurationOptions: props.configurationOptions,
    executionRoleArn: executionRole.roleArn,
    sourceBucketArn: bucket.bucketArn,
    subnetIds: props.network.privateSubnetIds,
    // Read at synth: addSecurityGroup may add groups after construction.
    securityGroupIds: Lazy.listValue({
      produce: () => [securityGroup.securityGroupId, ...(props.extraSecurityGroupIds ?? [])],
    }),
    kmsKeyArn: config.kmsKeyArn,
    dagsS3Path: uploads?.dagsS3Path,
    plugins: uploads?.plugins,
    requirements: uploads?.requirements,
    startupScript: uploads?.startupScript,
    protectFromDestroy: config.protectFromDestroy,
    dependsOn,
    tags,
  });
  const parts = { name, airflow: props.airflow, scope, executionRole, securityGroup, logGroups, uploads, environment };
  if (config.endpoints.createdBy === "vpc-owner") return parts;

  // The role may be in another account: its endpoints need a group of that account, since only a
  // VPC owner can share a security group (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-share-limitations.html).
  const endpointSecurityGroup = config.endpoints.role?.ownSecurityGroup
    ? new EndpointSecurityGroup(scope, "EndpointSecurityGroup", {
        environmentName: name,
        vpcId: props.network.vpcId,
        mwaaSecurityGroupId: securityGroup.securityGroupId,
        provider: props.endpointsProvider,
        tags,
      })
    : undefined;
  const endpoints = new CustomerEndpoints(scope, "CustomerEndpoints", {
    environmentName: name,
    vpcId: props.network.vpcId,
    subnetIds: props.network.privateSubnetIds,
    securityGroupIds: [endpointSecurityGroup?.securityGroupId ?? securityGroup.securityGroupId],
    databaseServiceName: environment.databaseVpcEndpointService,
    webserverServiceName: environment.webserverVpcEndpointService,
    provider: props.endpointsProvider,
    tags,
  });
  return { ...parts, endpoints, endpointSecurityGroup };
}
