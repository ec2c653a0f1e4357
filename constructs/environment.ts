import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { MwaaEnvironment as MwaaEnvironmentResource } from "@cdktf/provider-aws/lib/mwaa-environment";
import type { Environment } from "../model/schema";
import { AIRFLOW_VERSION, LOG_MODULES } from "../model/versions";

/** An S3 object MWAA reads, pinned to a version so only a changed artifact updates the environment. */
export interface VersionedObject {
  readonly key: string;
  readonly versionId: string;
}

export interface MwaaEnvironmentProps {
  readonly name: string;
  readonly airflow: Environment["airflow"];
  /** Options after the stack added its own (e.g. webserver.base_url). */
  readonly configurationOptions: Record<string, string>;
  readonly executionRoleArn: string;
  readonly sourceBucketArn: string;
  readonly subnetIds: string[];
  readonly securityGroupIds: string[];
  /** @default - AWS owned key */
  readonly kmsKeyArn?: string;
  /** @default "dags/" */
  readonly dagsS3Path?: string;
  /** @default - none */
  readonly plugins?: VersionedObject;
  /** @default - none */
  readonly requirements?: VersionedObject;
  /** @default - none */
  readonly startupScript?: VersionedObject;
  /** prevent_destroy: the environment holds the Airflow metadata database (the config's protectFromDestroy). */
  readonly protectFromDestroy: boolean;
  /** Created first: the role policy, log groups, uploads. @default [] */
  readonly dependsOn?: ITerraformDependable[];
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * The MWAA environment in private web server mode with customer managed endpoints. Since
 * hashicorp/aws 5.68 its create finishes at PENDING, so the endpoints follow in the same apply.
 */
export class MwaaEnvironment extends Construct {
  readonly resource: MwaaEnvironmentResource;

  constructor(scope: Construct, id: string, props: MwaaEnvironmentProps) {
    super(scope, id);
    const { airflow } = props;
    const level = (module: (typeof LOG_MODULES)[number]["key"]) =>
      typeof airflow.logLevel === "string" ? airflow.logLevel : (airflow.logLevel[module] ?? "INFO");
    const logging = Object.fromEntries(
      LOG_MODULES.map((m) => [camel(m.block), { enabled: true, logLevel: level(m.key) }]),
    );
    const versioned = (prefix: "plugins" | "requirements" | "startupScript", o?: VersionedObject) =>
      o === undefined ? {} : { [`${prefix}S3Path`]: o.key, [`${prefix}S3ObjectVersion`]: o.versionId };
    this.resource = new MwaaEnvironmentResource(this, "Resource", {
      name: props.name,
      airflowVersion: airflow.version,
      environmentClass: airflow.environmentClass,
      minWorkers: airflow.minWorkers,
      maxWorkers: airflow.maxWorkers,
      schedulers: airflow.schedulers,
      minWebservers: airflow.minWebservers,
      maxWebservers: airflow.maxWebservers,
      weeklyMaintenanceWindowStart: airflow.weeklyMaintenanceWindowStart,
      ...(airflow.workerReplacementStrategy !== undefined
        ? { workerReplacementStrategy: airflow.workerReplacementStrategy }
        : {}),
      airflowConfigurationOptions: props.configurationOptions,
      webserverAccessMode: "PRIVATE_ONLY",
      endpointManagement: "CUSTOMER",
      executionRoleArn: props.executionRoleArn,
      sourceBucketArn: props.sourceBucketArn,
      dagS3Path: props.dagsS3Path ?? "dags/",
      ...versioned("plugins", props.plugins),
      ...versioned("requirements", props.requirements),
      ...versioned("startupScript", props.startupScript),
      ...(props.kmsKeyArn !== undefined ? { kmsKey: props.kmsKeyArn } : {}),
      networkConfiguration: { subnetIds: props.subnetIds, securityGroupIds: props.securityGroupIds },
      loggingConfiguration: logging,
      tags: props.tags ?? {},
      dependsOn: props.dependsOn,
      // While `npm run upgrade` makes the major upgrade in place: hashicorp/aws would replace the
      // environment for it (CustomizeDiff ForceNewIf airflow_version, old major < new major).
      lifecycle: {
        preventDestroy: props.protectFromDestroy,
        ...(airflow.majorUpgradeInPlace ? { ignoreChanges: [AIRFLOW_VERSION] } : {}),
      },
    });
  }

  get arn(): string {
    return this.resource.arn;
  }
  get databaseVpcEndpointService(): string {
    return this.resource.databaseVpcEndpointService;
  }
  get webserverVpcEndpointService(): string {
    return this.resource.webserverVpcEndpointService;
  }
}

function camel(snake: string): string {
  return snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
