import { Construct } from "constructs";
import { Lazy, type ITerraformDependable } from "cdktf";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import type { Lb } from "@cdktf/provider-aws/lib/lb";
import type { MwaaEnvironment as MwaaEnvironmentResource } from "@cdktf/provider-aws/lib/mwaa-environment";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { MwaaAlarms } from "./alarms";
import { ArtifactBucket } from "./artifact-bucket";
import { ArtifactUploads } from "./artifact-uploads";
import { parseEnvironment } from "./config";
import { CustomerEndpoints } from "./customer-endpoints";
import { MwaaDashboard } from "./dashboard";
import { EndpointSecurityGroup } from "./endpoint-security-group";
import { MwaaEnvironment } from "./environment";
import { ConfigError } from "./errors";
import { ExecutionRole } from "./execution-role";
import { MwaaLogGroups } from "./log-groups";
import type { Environment, EnvironmentInput } from "./model";
import { MwaaNetwork } from "./network";
import { MwaaSecurityGroup } from "./security-group";
import { SsoLogin } from "./sso-login";
import { airflowMajor } from "./versions";
import { WebAccess } from "./web-access";
import { WorkerCountMetric } from "./worker-count";
import { shippedLambdaCode, type ShippedLambda } from "../lambda/shipped";
import type { LambdaCode, MwaaArtifactFiles } from "../shared/prepared";

/** The package's own bundle of a Lambda; its absence is a one-line error naming the prop. */
function shipped(id: string, field: string, name: ShippedLambda): LambdaCode {
  try {
    return shippedLambdaCode(name);
  } catch (e) {
    throw new ConfigError([`${id} props: ${field}: ${(e as Error).message}; pass your own bundle (bundleLambda from "mwaa-private-cdktf/lambda-bundle")`]);
  }
}

/**
 * Props: one `environments[]` entry of the config file (same schema, defaults and messages), plus
 * the files the app prepared for it (constructs read no files of the user's).
 */
export interface PrivateMwaaEnvironmentProps extends EnvironmentInput {
  /**
   * The files to upload, prepared from `artifacts` by `prepareArtifacts` ("mwaa-private-cdktf/artifacts").
   * @default - nothing uploaded (DAGs managed elsewhere); required when `artifacts` is set
   */
  readonly artifactFiles?: MwaaArtifactFiles;
  /** The worker-count Lambda bundle. @default - the bundle shipped with the package */
  readonly workerCountCode?: LambdaCode;
  /** The sign-in Lambda bundle, used with `access.sso`. @default - the bundle shipped with the package */
  readonly signInCode?: LambdaCode;
}

/**
 * A private MWAA environment with customer managed endpoints, composed from one construct per AWS
 * concern. Construct ids below are resource addresses: renaming one replaces the resource.
 */
export class PrivateMwaaEnvironment extends Construct {
  /** The validated props with every default applied. */
  readonly config: Environment;
  readonly network: MwaaNetwork;
  readonly bucket: ArtifactBucket;
  readonly executionRole: ExecutionRole;
  readonly securityGroup: MwaaSecurityGroup;
  readonly environment: MwaaEnvironment;
  /** Undefined with endpoints.createdBy "vpc-owner": the endpoints stack has them. */
  readonly endpoints?: CustomerEndpoints;
  readonly logGroups: MwaaLogGroups;
  /** Undefined when monitoring.workerCount is off. */
  readonly workerCount?: WorkerCountMetric;
  /** The S3 objects; undefined without `artifacts`. */
  readonly uploads?: ArtifactUploads;
  /** The ALB in front of the web server; undefined without `access` or with "vpc-owner". */
  readonly webAccess?: WebAccess;
  /** Sign-in through the identity provider; undefined without `access.sso`. */
  readonly signIn?: SsoLogin;
  /** The CloudWatch dashboard; undefined with monitoring.dashboard false. */
  readonly dashboard?: MwaaDashboard;
  /** The alarms on the scheduler, the queue and (with the metric) the worker count. */
  readonly alarms: MwaaAlarms;
  /** Security groups attached besides the environment's own (addSecurityGroup). */
  private readonly extraSecurityGroupIds: string[] = [];

  constructor(scope: Construct, id: string, props: PrivateMwaaEnvironmentProps) {
    super(scope, id);
    const { artifactFiles, workerCountCode, signInCode, ...environmentProps } = props;
    const config = parseEnvironment(environmentProps, `${id} props`);
    if (config.artifacts !== undefined && artifactFiles === undefined) {
      throw new ConfigError([`${id} props: artifactFiles: required with artifacts (prepareArtifacts from "mwaa-private-cdktf/artifacts" builds them)`]);
    }
    const assets = {
      artifacts: artifactFiles,
      workerCountCode: config.monitoring.workerCount ? (workerCountCode ?? shipped(id, "workerCountCode", "worker-count")) : undefined,
      signInCode: config.access?.sso !== undefined ? (signInCode ?? shipped(id, "signInCode", "login")) : undefined,
    };
    this.config = config;
    const { name, tags } = config;
    const account = new DataAwsCallerIdentity(this, "Account");
    const partition = new DataAwsPartition(this, "Partition");

    this.network = new MwaaNetwork(this, "Network", { name, region: config.region, network: config.network, tags });
    this.bucket = new ArtifactBucket(this, "Bucket", {
      environmentName: name,
      existingName: config.bucket.existingName,
      name: config.bucket.name,
      kmsKeyArn: config.kmsKeyArn,
      protectFromDestroy: config.protectFromDestroy,
      tags,
    });
    this.executionRole = new ExecutionRole(this, "ExecutionRole", {
      environmentName: name,
      region: config.region,
      accountId: account.accountId,
      partition: partition.partition,
      bucketArn: this.bucket.bucketArn,
      kmsKeyArn: config.kmsKeyArn,
      extraStatements: config.executionRolePolicyStatements,
      tags,
    });
    this.securityGroup = new MwaaSecurityGroup(this, "SecurityGroup", { environmentName: name, vpcId: this.network.vpcId, tags });

    const { monitoring } = config;
    this.logGroups = new MwaaLogGroups(this, "LogGroups", { environmentName: name, retentionDays: monitoring.logRetentionDays, kmsKeyArn: config.kmsKeyArn, tags });
    const dependsOn: ITerraformDependable[] = [this.executionRole.policy, ...this.logGroups.groups];
    if (this.bucket.versioning !== undefined) dependsOn.push(this.bucket.versioning);
    if (assets.artifacts !== undefined) {
      this.uploads = new ArtifactUploads(this, "Artifacts", { bucketName: this.bucket.bucketName, files: assets.artifacts, bucketVersioning: this.bucket.versioning, tags });
      // DAGs are read from the prefix, not pinned: wait for them so a first start finds them.
      dependsOn.push(...this.uploads.objects);
    }
    this.environment = new MwaaEnvironment(this, "Environment", {
      name,
      airflow: config.airflow,
      configurationOptions: this.configurationOptions(),
      executionRoleArn: this.executionRole.roleArn,
      sourceBucketArn: this.bucket.bucketArn,
      subnetIds: this.network.privateSubnetIds,
      // Read at synth: addSecurityGroup may add groups after construction.
      securityGroupIds: Lazy.listValue({ produce: () => [this.securityGroup.securityGroupId, ...this.extraSecurityGroupIds] }),
      kmsKeyArn: config.kmsKeyArn,
      dagsS3Path: this.uploads?.dagsS3Path,
      plugins: this.uploads?.plugins,
      requirements: this.uploads?.requirements,
      startupScript: this.uploads?.startupScript,
      protectFromDestroy: config.protectFromDestroy,
      dependsOn,
      tags,
    });
    if (config.endpoints.createdBy !== "vpc-owner") ({ endpoints: this.endpoints, webAccess: this.webAccess } = this.addEndpointsAndWebAccess());
    if (this.webAccess !== undefined && config.access?.sso !== undefined) this.signIn = this.addSignIn(this.webAccess, assets.signInCode!, account, partition);
    ({ workerCount: this.workerCount, dashboard: this.dashboard, alarms: this.alarms } = this.addMonitoring(assets.workerCountCode));
  }

  /** The MWAA environment resource itself. */
  get environmentResource(): MwaaEnvironmentResource {
    return this.environment.resource;
  }

  /** The role MWAA runs as. */
  get role(): IamRole {
    return this.executionRole.role;
  }

  /** The ALB in front of the web server; undefined without `access` or with "vpc-owner". */
  get loadBalancer(): Lb | undefined {
    return this.webAccess?.loadBalancer;
  }

  /** Adds a statement to the execution role's policy, e.g. for a secret or a bucket a DAG reads. */
  addToRolePolicy(statement: DataAwsIamPolicyDocumentStatement): void {
    this.executionRole.addToRolePolicy(statement);
  }

  /**
   * Attaches another security group to the environment (e.g. one a database admits), after its
   * own. A changed security group list updates the environment in place (no replacement).
   */
  addSecurityGroup(securityGroupId: string): void {
    this.extraSecurityGroupIds.push(securityGroupId);
  }

  /** Sign-in through the identity provider in front of the ALB. */
  private addSignIn(webAccess: WebAccess, signInCode: LambdaCode, account: DataAwsCallerIdentity, partition: DataAwsPartition): SsoLogin {
    const { config } = this;
    const access = config.access!;
    return new SsoLogin(this, "SignIn", {
      environmentName: config.name,
      region: config.region,
      accountId: account.accountId,
      partition: partition.partition,
      airflowMajor: airflowMajor(config.airflow.version),
      sso: access.sso!,
      domainName: access.domainName!,
      code: signInCode,
      loadBalancerArn: webAccess.loadBalancer.arn,
      httpsListenerArn: webAccess.httpsListener.arn,
      authenticate: webAccess.authenticate!,
      webTargetGroupArn: webAccess.targetGroup.arn,
      logRetentionDays: config.monitoring.logRetentionDays,
      logKmsKeyArn: config.kmsKeyArn,
      tags: config.tags,
    });
  }

  /** The worker-count metric (when on and bundled), the dashboard and the alarms. */
  private addMonitoring(workerCountCode: LambdaCode | undefined): { workerCount?: WorkerCountMetric; dashboard?: MwaaDashboard; alarms: MwaaAlarms } {
    const { config } = this;
    const { name, tags, monitoring } = config;
    const workerCount =
      workerCountCode !== undefined
        ? new WorkerCountMetric(this, "WorkerCount", {
            environmentName: name,
            code: workerCountCode,
            namespace: monitoring.metricNamespace,
            logRetentionDays: monitoring.logRetentionDays,
            onFailureDestinationArn: monitoring.onFailureDestinationArn,
            logKmsKeyArn: config.kmsKeyArn,
            tags,
          })
        : undefined;
    const workerCountNamespace = workerCount !== undefined ? monitoring.metricNamespace : undefined;
    const dashboard = monitoring.dashboard
      ? new MwaaDashboard(this, "Dashboard", { environmentName: name, region: config.region, workerCountNamespace, maxWorkers: config.airflow.maxWorkers })
      : undefined;
    const alarms = new MwaaAlarms(this, "Alarms", {
      environmentName: name,
      topicArn: monitoring.alarmTopicArn,
      queuedTasksThreshold: monitoring.queuedTasksThreshold,
      queuedTasksMinutes: monitoring.queuedTasksMinutes,
      maxWorkers: config.airflow.maxWorkers,
      workersAtMaximumMinutes: monitoring.workersAtMaximumMinutes,
      schedulerHeartbeatMinutes: monitoring.schedulerHeartbeatMinutes,
      workerCountNamespace,
      workerCountFunctionName: workerCount?.function.function.functionName,
      tags,
    });
    return { workerCount, dashboard, alarms };
  }

  /**
   * The two customer endpoints, under this stack's provider or an assumed role, and the ALB on the
   * web server endpoint's interfaces. With createdBy "vpc-owner" both live in the endpoints stack.
   */
  private addEndpointsAndWebAccess(): { endpoints: CustomerEndpoints; webAccess?: WebAccess } {
    const { config } = this;
    const { name, tags } = config;
    const role = config.endpoints.role;
    const provider =
      role === undefined
        ? undefined
        : new AwsProvider(this, "EndpointsProvider", {
            alias: "endpoints",
            region: role.region ?? config.region,
            assumeRole: [{ roleArn: role.roleArn, externalId: role.externalId, sessionName: role.sessionName }],
          });
    // The role may be in another account: its endpoints need a group of that account, since only a
    // VPC owner can share a security group (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-share-limitations.html).
    const endpointSecurityGroup = role?.ownSecurityGroup
      ? new EndpointSecurityGroup(this, "EndpointSecurityGroup", {
          environmentName: name,
          vpcId: this.network.vpcId,
          mwaaSecurityGroupId: this.securityGroup.securityGroupId,
          provider,
          tags,
        })
      : undefined;
    const endpointSecurityGroupId = endpointSecurityGroup?.securityGroupId ?? this.securityGroup.securityGroupId;
    const endpoints = new CustomerEndpoints(this, "CustomerEndpoints", {
      environmentName: name,
      vpcId: this.network.vpcId,
      subnetIds: this.network.privateSubnetIds,
      securityGroupIds: [endpointSecurityGroupId],
      databaseServiceName: this.environment.databaseVpcEndpointService,
      webserverServiceName: this.environment.webserverVpcEndpointService,
      provider,
      tags,
    });
    if (config.access === undefined) return { endpoints };
    const webAccess = new WebAccess(this, "WebAccess", {
      environmentName: name,
      access: config.access,
      vpcId: this.network.vpcId,
      albSubnetIds: config.access.scheme === "internal" ? this.network.privateSubnetIds : this.network.publicSubnetIds,
      endpointSecurityGroupId,
      webserverEndpointInterfaceIds: endpoints.webserver.networkInterfaceIds,
      webserverEndpointSubnetCount: this.network.privateSubnetIds.length,
      interfaceProvider: provider,
      deletionProtection: config.access.deletionProtection ?? config.protectFromDestroy,
      tags,
    });
    if (endpointSecurityGroup !== undefined) endpointSecurityGroup.allow("HttpsFromAlb", 443, webAccess.securityGroupId, "ALB to the web server endpoint");
    else this.securityGroup.allowHttpsFrom("HttpsFromAlb", webAccess.securityGroupId, "ALB to the web server endpoint");
    return { endpoints, webAccess };
  }

  /** The https URL people open; undefined without `access`. */
  get url(): string | undefined {
    const { access } = this.config;
    if (access === undefined) return undefined;
    return access.domainName !== undefined ? `https://${access.domainName}` : this.webAccess?.url;
  }

  /**
   * The config's options, plus MWAA's custom domain: `webserver.base_url` = the bare domainName,
   * unless the user set it. MWAA's guide "Configuring a custom domain for the Apache Airflow web
   * server" (https://docs.aws.amazon.com/mwaa/latest/userguide/configuring-custom-domain.html) names
   * this key, with no version limit, and wants a FQDN without protocol or path, at most 255 characters.
   * Airflow 3 gets the same key: MWAA's own image sets `api.base_url` and lets no configuration option
   * override it (aws/amazon-mwaa-docker-images, images/airflow/<3.x>/python/mwaa/config/setup_environment.py,
   * AIRFLOW__API__BASE_URL among the protected variables, in 3.0.6, 3.2.1 and 3.3.1).
   * Without a domain nothing is set: the ALB's `*.elb.amazonaws.com` name is not one a public
   * certificate can name (ACM issues only for domains you control), so it is not the name people open.
   */
  private configurationOptions(): Record<string, string> {
    const options = { ...this.config.airflow.configurationOptions };
    const domainName = this.config.access?.domainName;
    if (domainName !== undefined && options["webserver.base_url"] === undefined) options["webserver.base_url"] = domainName;
    return options;
  }
}
