import { Construct } from "constructs";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import type { Lb } from "@cdktf/provider-aws/lib/lb";
import type { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import type { ITerraformDependable } from "cdktf";
import type { MwaaEnvironment as MwaaEnvironmentResource } from "@cdktf/provider-aws/lib/mwaa-environment";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AccessHost } from "./access-host";
import { MwaaAlarms } from "./alarms";
import { ArtifactBucket } from "./artifact-bucket";
import { AirflowSecrets } from "./airflow-secrets";
import { AirflowStateManager, hasApply, secretsBackendOptions } from "./airflow-state";
import type { ArtifactUploads } from "./artifact-uploads";
import { addAirflowEnvironment, type AirflowEnvironment, type BaseEnvironment } from "./airflow-environment";
import { parseEnvironment } from "../model/parse";
import type { CustomerEndpoints } from "./customer-endpoints";
import { MwaaDashboard } from "./dashboard";
import type { MwaaEnvironment } from "./environment";
import { ConfigError } from "../model/errors";
import type { ExecutionRole } from "./execution-role";
import type { MwaaLogGroups } from "./log-groups";
import type { EnvironmentProps } from "../model/environment-props";
import type { Environment } from "../model/schema";
import { MwaaNetwork } from "./network";
import type { MwaaSecurityGroup } from "./security-group";
import { signInRoute, webHosts, type EnvironmentRole } from "./private/sign-in-routing";
import { LISTENER_RULE_PRIORITIES } from "./private/listener-priorities";
import { SecondHost } from "./second-host";
import { SsoLogin } from "./sso-login";
import { TransitGatewayAttachment } from "./transit-gateway-attachment";
import { VpcPeering } from "./vpc-peering";
import { airflowMajor } from "../model/versions";
import { WebAccess } from "./web-access";
import { WorkerCountMetric } from "./worker-count";
import { bundleExists, shippedLambdaCode, type ShippedLambda } from "../lambda/shipped";
import type { LambdaCode, MwaaArtifactFiles } from "../model/prepared";

/**
 * The app's own bundle of a Lambda when given (it must exist: cdktf's asset would fail with a stack
 * trace), else the package's; either missing is a one-line error naming the prop.
 */
function lambdaCode(id: string, field: string, given: LambdaCode | undefined, name: ShippedLambda): LambdaCode {
  if (given !== undefined) {
    if (!bundleExists(given))
      throw new ConfigError([
        `${id} props: ${field}.zipPath: no file at ${given.zipPath} (bundleLambda from "mwaa-private-cdktf/lambda-bundle" writes one)`,
      ]);
    return given;
  }
  try {
    return shippedLambdaCode(name);
  } catch (e) {
    throw new ConfigError([
      `${id} props: ${field}: ${(e as Error).message}; pass your own bundle (bundleLambda from "mwaa-private-cdktf/lambda-bundle")`,
    ]);
  }
}

/**
 * Props: one `environments[]` entry of the config file (same schema, defaults and messages), plus
 * the files the app prepared for it (constructs read no files of the user's).
 */
export interface PrivateMwaaEnvironmentProps extends EnvironmentProps {
  /**
   * The files to upload, prepared from `artifacts` by `prepareArtifacts` ("mwaa-private-cdktf/artifacts").
   * @default - nothing uploaded (DAGs managed elsewhere); required when `artifacts` is set
   */
  readonly artifactFiles?: MwaaArtifactFiles;
  /** The worker-count Lambda bundle. @default - the bundle shipped with the package */
  readonly workerCountCode?: LambdaCode;
  /** The sign-in Lambda bundle, used with `access.sso`. @default - the bundle shipped with the package */
  readonly signInCode?: LambdaCode;
  /** The pools/variables apply Lambda bundle, used with `airflowState`. @default - the bundle shipped with the package */
  readonly airflowApplyCode?: LambdaCode;
  /** The backup Lambda bundle, used with `airflowState.backup`. @default - the bundle shipped with the package */
  readonly airflowBackupCode?: LambdaCode;
  /**
   * The candidate's files, prepared from `migration.candidate.artifacts` like `artifactFiles`.
   * @default - nothing uploaded; required when `migration.candidate.artifacts` is set
   */
  readonly candidateArtifactFiles?: MwaaArtifactFiles;
}

/**
 * A private MWAA environment with customer managed endpoints, composed from one construct per AWS
 * concern. Construct ids below are resource addresses: renaming one replaces the resource.
 *
 * During a side-by-side migration (`migration`) a second, candidate environment gets its own
 * resources under a construct named after it, and shares the network, the bucket (under its own
 * key prefix) and the ALB. The environment named like the stack keeps the addresses it always had;
 * any other one lives under its own name, before and after the migration finishes, so finishing
 * moves nothing.
 */
export class PrivateMwaaEnvironment extends Construct {
  /** The validated props with every default applied. */
  readonly config: Environment;
  readonly network: MwaaNetwork;
  readonly bucket: ArtifactBucket;
  /** The current environment (the one `airflow` describes) and its own resources. */
  readonly current: AirflowEnvironment;
  /** The environment a migration adds; undefined without `migration`. */
  readonly candidate?: AirflowEnvironment;
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
  /** The created VPC's transit gateway attachment; undefined without `network.transitGateway`. */
  readonly transitGateway?: TransitGatewayAttachment;
  /** The created VPC's peering connection; undefined without `network.peering`. */
  readonly peering?: VpcPeering;
  /** The Session Manager port-forwarding host; undefined without `access.evaluationHost`. */
  readonly accessHost?: AccessHost;
  /** The Secrets Manager backend's secrets, one set for every environment; undefined without `airflowState.secretsBackend`. */
  readonly airflowSecrets?: AirflowSecrets;
  /** Security groups attached besides the environment's own (addSecurityGroup). */
  private readonly extraSecurityGroupIds: string[] = [];

  constructor(scope: Construct, id: string, props: PrivateMwaaEnvironmentProps) {
    super(scope, id);
    const {
      artifactFiles,
      candidateArtifactFiles,
      workerCountCode,
      signInCode,
      airflowApplyCode,
      airflowBackupCode,
      ...environmentProps
    } = props;
    const config = parseEnvironment(environmentProps, `${id} props`);
    if (config.artifacts !== undefined && artifactFiles === undefined) {
      throw new ConfigError([
        `${id} props: artifactFiles: required with artifacts (prepareArtifacts from "mwaa-private-cdktf/artifacts" builds them)`,
      ]);
    }
    if (config.migration?.candidate.artifacts !== undefined && candidateArtifactFiles === undefined) {
      throw new ConfigError([
        `${id} props: candidateArtifactFiles: required with migration.candidate.artifacts (prepareArtifacts from "mwaa-private-cdktf/artifacts" builds them)`,
      ]);
    }
    const codes = {
      workerCount: config.monitoring.workerCount
        ? lambdaCode(id, "workerCountCode", workerCountCode, "worker-count")
        : undefined,
      signIn: config.access?.sso !== undefined ? lambdaCode(id, "signInCode", signInCode, "login") : undefined,
      airflowApply: hasApply(config.airflowState)
        ? lambdaCode(id, "airflowApplyCode", airflowApplyCode, "airflow-apply")
        : undefined,
      airflowBackup:
        config.airflowState?.backup !== undefined
          ? lambdaCode(id, "airflowBackupCode", airflowBackupCode, "airflow-backup")
          : undefined,
    };
    this.config = config;
    const { name, tags } = config;
    const account = new DataAwsCallerIdentity(this, "Account");
    const partition = new DataAwsPartition(this, "Partition");

    this.network = new MwaaNetwork(this, "Network", { name, region: config.region, network: config.network, tags });
    const { transitGateway, peering, create } = config.network;
    if (transitGateway !== undefined) {
      this.transitGateway = new TransitGatewayAttachment(this, "TransitGateway", {
        name,
        ...transitGateway,
        vpcId: this.network.vpcId,
        subnetIds: this.network.privateSubnetIds,
        privateRouteTableIds: this.network.privateRouteTableIds,
        tags,
      });
    }
    // The schema allows peering only with a created VPC (its CIDR is the peer's route back).
    if (peering !== undefined && create !== undefined) {
      this.peering = new VpcPeering(this, "Peering", {
        name,
        ...peering,
        vpcId: this.network.vpcId,
        vpcCidr: create.cidr,
        privateRouteTableIds: this.network.privateRouteTableIds,
        tags,
      });
    }
    this.bucket = new ArtifactBucket(this, "Bucket", {
      environmentName: name,
      existingName: config.bucket.existingName,
      name: config.bucket.name,
      kmsKeyArn: config.kmsKeyArn,
      protectFromDestroy: config.protectFromDestroy,
      tags,
    });
    const role = config.endpoints.role;
    const endpointsProvider =
      role === undefined || config.endpoints.createdBy !== "role"
        ? undefined
        : new AwsProvider(this, "EndpointsProvider", {
            alias: "endpoints",
            region: role.region,
            assumeRole: [{ roleArn: role.roleArn, externalId: role.externalId, sessionName: role.sessionName }],
          });
    const add = (
      envName: string,
      airflow: Environment["airflow"],
      files: MwaaArtifactFiles | undefined,
      configurationOptions: Record<string, string>,
    ) => {
      // The environment named like the stack keeps the addresses it always had.
      const own = envName === name ? this : new Construct(this, envName);
      return addAirflowEnvironment(own, {
        name: envName,
        airflow,
        config,
        network: this.network,
        bucket: this.bucket,
        accountId: account.accountId,
        partition: partition.partition,
        artifactFiles: files,
        keyPrefix: own === this ? "" : `${envName}/`,
        configurationOptions,
        extraSecurityGroupIds: this.extraSecurityGroupIds,
        endpointsProvider,
      });
    };
    const migration = config.migration;
    const hosts = webHosts(config);
    const current = add(
      config.environmentName ?? name,
      config.airflow,
      artifactFiles,
      baseUrlOption(config.airflow, config.access?.domainName, config.airflowState),
    );
    // Each environment's base URL is the host it is served at: the candidate's moves to the domain on cutover.
    const candidate =
      migration === undefined
        ? undefined
        : add(
            migration.candidate.environmentName,
            migration.candidate.airflow,
            candidateArtifactFiles,
            baseUrlOption(
              migration.candidate.airflow,
              migration.serve === "candidate" ? hosts?.domain : hosts?.candidate,
              config.airflowState,
            ),
          );
    ({
      executionRole: this.executionRole,
      securityGroup: this.securityGroup,
      environment: this.environment,
      endpoints: this.endpoints,
      logGroups: this.logGroups,
      uploads: this.uploads,
    } = current);

    const web =
      config.access !== undefined && config.endpoints.createdBy !== "vpc-owner"
        ? this.addWebAccess(config.access, current, candidate, endpointsProvider)
        : undefined;
    this.webAccess = web?.webAccess;
    const signIn = (env: BaseEnvironment, role: EnvironmentRole): SsoLogin | undefined =>
      web === undefined || codes.signIn === undefined
        ? undefined
        : this.addSignIn(env, role, web, codes.signIn, account, partition);
    const complete = (env: BaseEnvironment, role: EnvironmentRole): AirflowEnvironment => ({
      ...env,
      targetGroup: web?.targetGroups.get(env),
      signIn: signIn(env, role),
      ...this.addMonitoring(env, codes.workerCount),
    });
    this.current = complete(current, { kind: "current", legacy: current.scope === this });
    this.candidate =
      candidate === undefined
        ? undefined
        : complete(candidate, { kind: "candidate", currentIsLegacy: current.scope === this });
    ({
      signIn: this.signIn,
      workerCount: this.workerCount,
      dashboard: this.dashboard,
      alarms: this.alarms,
    } = this.current);
    const evaluationHost = config.access?.evaluationHost;
    if (evaluationHost !== undefined && this.webAccess !== undefined) {
      this.accessHost = new AccessHost(this, "AccessHost", {
        name,
        region: config.region,
        partition: partition.partition,
        vpcId: this.network.vpcId,
        subnetId: this.network.privateSubnetIds[0],
        instanceType: evaluationHost.instanceType,
        albSecurityGroupId: this.webAccess.securityGroupId,
        albDnsName: this.webAccess.loadBalancer.dnsName,
        tags,
      });
    }
    const state = config.airflowState;
    if (state !== undefined) {
      const envs = [this.current, ...(this.candidate !== undefined ? [this.candidate] : [])];
      // The stack's, at an address no migration step moves: both environments read the same secrets.
      const backend = state.secretsBackend;
      if (backend !== undefined) {
        this.airflowSecrets = new AirflowSecrets(this, "AirflowSecrets", {
          stackName: name,
          region: config.region,
          accountId: account.accountId,
          partition: partition.partition,
          backend,
          tags,
        });
        for (const env of envs) this.airflowSecrets.grantRead(env.executionRole);
      }
      for (const env of envs) {
        const manager = this.addAirflowState(env, state, codes, account.accountId, partition.partition);
        // One lifecycle configuration per bucket (the bucket's), a rule per environment's backups.
        if (manager.backupPrefix !== undefined && state.backup !== undefined) {
          this.bucket.expireUnder({
            id: `airflow-state-backups-${env.name}`,
            prefix: manager.backupPrefix,
            days: state.backup.retentionDays,
          });
        }
      }
    }
  }

  /** The MWAA environment resource itself (the current environment's). */
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

  /** Adds a statement to the execution role's policy, e.g. for a secret or a bucket a DAG reads (both environments' during a migration). */
  addToRolePolicy(statement: DataAwsIamPolicyDocumentStatement): void {
    this.executionRole.addToRolePolicy(statement);
    this.candidate?.executionRole.addToRolePolicy(statement);
  }

  /**
   * Attaches another security group to the environment (e.g. one a database admits), after its
   * own; during a migration to both. A changed security group list updates the environment in
   * place (no replacement).
   */
  addSecurityGroup(securityGroupId: string): void {
    this.extraSecurityGroupIds.push(securityGroupId);
  }

  /** The ALB, a target group per environment, the domain on the served one and the candidate's second host name. */
  private addWebAccess(
    access: NonNullable<Environment["access"]>,
    current: BaseEnvironment,
    candidate: BaseEnvironment | undefined,
    interfaceProvider: AwsProvider | undefined,
  ): WebRouting {
    const { config } = this;
    const subnetCount = this.network.privateSubnetIds.length;
    const envs = candidate === undefined ? [current] : [current, candidate];
    const target = (env: BaseEnvironment) => {
      if (env.endpoints === undefined) throw new Error(`${env.name}: no web server endpoint to put behind the ALB`); // createdBy "vpc-owner" has no ALB here
      return {
        environmentName: env.name,
        endpointSecurityGroupId: env.endpointSecurityGroup?.securityGroupId ?? env.securityGroup.securityGroupId,
        webserverEndpointInterfaceIds: env.endpoints.webserver.networkInterfaceIds,
        webserverEndpointSubnetCount: subnetCount,
        interfaceProvider,
      };
    };
    // The environment named like the stack has its target group inside WebAccess, as it always had.
    const legacy = envs.find((e) => e.scope === this);
    const webAccess = new WebAccess(this, "WebAccess", {
      ...(legacy !== undefined ? target(legacy) : {}),
      environmentName: config.name,
      access,
      vpcId: this.network.vpcId,
      albSubnetIds: access.scheme === "internal" ? this.network.privateSubnetIds : this.network.publicSubnetIds,
      deletionProtection: access.deletionProtection,
      tags: config.tags,
    });
    const targetGroups = new Map<BaseEnvironment, LbTargetGroup>();
    for (const env of envs) {
      targetGroups.set(
        env,
        env === legacy && webAccess.targetGroup !== undefined
          ? webAccess.targetGroup
          : webAccess.addWebserverTarget(env.scope, target(env)),
      );
      if (env.endpointSecurityGroup !== undefined)
        env.endpointSecurityGroup.allow(
          "HttpsFromAlb",
          443,
          webAccess.securityGroupId,
          "ALB to the web server endpoint",
        );
      else
        env.securityGroup.allowHttpsFrom("HttpsFromAlb", webAccess.securityGroupId, "ALB to the web server endpoint");
    }
    const routing: WebRouting = { webAccess, targetGroups, cutover: undefined };
    const migration = config.migration;
    const hosts = webHosts(config);
    if (migration === undefined || candidate === undefined || hosts === undefined) {
      webAccess.serve(routing.targetGroups.get(current)?.arn);
      return routing;
    }
    const candidateTarget = targetGroups.get(candidate)?.arn;
    // Cutover: the domain switches only once the candidate's update (its base URL moves to the
    // domain) has finished; if MWAA rolls it back, Terraform stops before the switch.
    const cutover = migration.serve === "candidate" ? [candidate.environment.resource] : undefined;
    webAccess.serve(migration.serve === "candidate" ? candidateTarget : targetGroups.get(current)?.arn, cutover);
    new SecondHost(webAccess, "CandidateHost", {
      hostName: hosts.candidate,
      access,
      certificateArn: migration.certificateArn,
      loadBalancer: webAccess.loadBalancer,
      httpsListenerArn: webAccess.httpsListener.arn,
      actions: webAccess.forwardTo(candidateTarget),
      priority: LISTENER_RULE_PRIORITIES.candidateHost,
      tags: config.tags,
    });
    return { ...routing, cutover };
  }

  /** Sign-in through the identity provider in front of the ALB, for one environment. */
  private addSignIn(
    env: BaseEnvironment,
    role: EnvironmentRole,
    web: WebRouting,
    signInCode: LambdaCode,
    account: DataAwsCallerIdentity,
    partition: DataAwsPartition,
  ): SsoLogin | undefined {
    const { config } = this;
    const access = config.access;
    const webTargetGroup = web.targetGroups.get(env);
    if (access?.sso === undefined || web.webAccess.authenticate === undefined || webTargetGroup === undefined)
      return undefined;
    const route = signInRoute(config, role);
    return new SsoLogin(env.scope, "SignIn", {
      environmentName: env.name,
      region: config.region,
      accountId: account.accountId,
      partition: partition.partition,
      airflowMajor: airflowMajor(env.airflow.version),
      sso: access.sso,
      domainName: route.webHostname,
      rules: route.rules,
      // At cutover the candidate's rules take the domain after its update, with the listener.
      rulesDependOn: role.kind === "candidate" ? web.cutover : undefined,
      code: signInCode,
      loadBalancerArn: web.webAccess.loadBalancer.arn,
      httpsListenerArn: web.webAccess.httpsListener.arn,
      authenticate: web.webAccess.authenticate,
      webTargetGroupArn: webTargetGroup.arn,
      logRetentionDays: config.monitoring.logRetentionDays,
      logKmsKeyArn: config.kmsKeyArn,
      tags: config.tags,
    });
  }

  /** The worker-count metric (when on), the dashboard and the alarms of one environment. */
  private addMonitoring(
    env: BaseEnvironment,
    workerCountCode: LambdaCode | undefined,
  ): Pick<AirflowEnvironment, "workerCount" | "dashboard" | "alarms"> {
    const { config } = this;
    const { tags, monitoring } = config;
    const workerCount =
      workerCountCode !== undefined
        ? new WorkerCountMetric(env.scope, "WorkerCount", {
            environmentName: env.name,
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
      ? new MwaaDashboard(env.scope, "Dashboard", {
          environmentName: env.name,
          region: config.region,
          workerCountNamespace,
          maxWorkers: env.airflow.maxWorkers,
        })
      : undefined;
    const alarms = new MwaaAlarms(env.scope, "Alarms", {
      environmentName: env.name,
      topicArn: monitoring.alarmTopicArn,
      queuedTasksThreshold: monitoring.queuedTasksThreshold,
      queuedTasksMinutes: monitoring.queuedTasksMinutes,
      maxWorkers: env.airflow.maxWorkers,
      workersAtMaximumMinutes: monitoring.workersAtMaximumMinutes,
      schedulerHeartbeatMinutes: monitoring.schedulerHeartbeatMinutes,
      workerCountNamespace,
      workerCountFunctionName: workerCount?.function.function.functionName,
      tags,
    });
    return { workerCount, dashboard, alarms };
  }

  /** The apply invocation and the backup of what lives inside one environment. */
  private addAirflowState(
    env: AirflowEnvironment,
    state: NonNullable<Environment["airflowState"]>,
    codes: { airflowApply?: LambdaCode; airflowBackup?: LambdaCode },
    accountId: string,
    partition: string,
  ): AirflowStateManager {
    const { config } = this;
    return new AirflowStateManager(env.scope, "AirflowState", {
      environmentName: env.name,
      region: config.region,
      accountId,
      partition,
      state,
      environment: env.environment.resource,
      // The delete invocation calls airflow.api and airflow.env, and Airflow needs its database and web server endpoints.
      apiPath: [
        ...this.network.serviceEndpoints,
        ...(env.endpoints !== undefined ? [env.endpoints.database, env.endpoints.webserver] : []),
      ],
      bucketName: this.bucket.bucketName,
      bucketArn: this.bucket.bucketArn,
      bucketKmsKeyArn: config.kmsKeyArn,
      vpcId: this.network.vpcId,
      subnetIds: this.network.privateSubnetIds,
      applyCode: codes.airflowApply,
      backupCode: codes.airflowBackup,
      namespace: config.monitoring.metricNamespace,
      alarmTopicArn: config.monitoring.alarmTopicArn,
      logRetentionDays: config.monitoring.logRetentionDays,
      logKmsKeyArn: config.kmsKeyArn,
      tags: config.tags,
    });
  }

  /** The https URL people open; undefined without `access`. */
  get url(): string | undefined {
    const { access } = this.config;
    if (access === undefined) return undefined;
    return access.domainName !== undefined ? `https://${access.domainName}` : this.webAccess?.url;
  }

  /** The candidate's https URL (its second host name); undefined without `migration`. */
  get candidateUrl(): string | undefined {
    const hosts = webHosts(this.config);
    return hosts === undefined ? undefined : `https://${hosts.candidate}`;
  }
}

/** The ALB and what the environments' listener rules need from it. */
interface WebRouting {
  readonly webAccess: WebAccess;
  /** Each environment's web server target group. */
  readonly targetGroups: ReadonlyMap<BaseEnvironment, LbTargetGroup>;
  /** At cutover, what the domain's switch waits for: the candidate environment's update. */
  readonly cutover: ITerraformDependable[] | undefined;
}

/**
 * The config's options, plus MWAA's custom domain: `webserver.base_url` = the bare host name the
 * environment is served at, unless the user set it. MWAA's guide "Configuring a custom domain for
 * the Apache Airflow web server" (https://docs.aws.amazon.com/mwaa/latest/userguide/configuring-custom-domain.html) names
 * this key, with no version limit, and wants a FQDN without protocol or path, at most 255 characters.
 * Airflow 3 gets the same key: MWAA's own image sets `api.base_url` and lets no configuration option
 * override it (aws/amazon-mwaa-docker-images, images/airflow/<3.x>/python/mwaa/config/setup_environment.py,
 * AIRFLOW__API__BASE_URL among the protected variables, in 3.0.6, 3.2.1 and 3.3.1).
 * Without a domain nothing is set: the ALB's `*.elb.amazonaws.com` name is not one a public
 * certificate can name (ACM issues only for domains you control), so it is not the name people open.
 */
function baseUrlOption(
  airflow: Environment["airflow"],
  webHost: string | undefined,
  state?: Environment["airflowState"],
): Record<string, string> {
  const options = { ...secretsBackendOptions(state), ...airflow.configurationOptions };
  if (webHost !== undefined && options["webserver.base_url"] === undefined) options["webserver.base_url"] = webHost;
  return options;
}
