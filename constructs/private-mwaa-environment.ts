import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { ArtifactBucket } from "./artifact-bucket";
import { parseEnvironment } from "./config";
import { CustomerEndpoints } from "./customer-endpoints";
import { MwaaEnvironment } from "./environment";
import { ExecutionRole } from "./execution-role";
import type { Environment, EnvironmentInput } from "./model";
import { MwaaNetwork } from "./network";
import { MwaaSecurityGroup } from "./security-group";

/** Props: exactly the config file's environment entry, with the same defaults and validation. */
export type PrivateMwaaEnvironmentProps = EnvironmentInput;

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
  readonly endpoints: CustomerEndpoints;

  constructor(scope: Construct, id: string, props: PrivateMwaaEnvironmentProps) {
    super(scope, id);
    const config = parseEnvironment(props, `${id} props`);
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

    const dependsOn: ITerraformDependable[] = [this.executionRole.policy];
    if (this.bucket.versioning !== undefined) dependsOn.push(this.bucket.versioning);
    this.environment = new MwaaEnvironment(this, "Environment", {
      name,
      airflow: config.airflow,
      configurationOptions: config.airflow.configurationOptions,
      executionRoleArn: this.executionRole.roleArn,
      sourceBucketArn: this.bucket.bucketArn,
      subnetIds: this.network.privateSubnetIds,
      securityGroupIds: [this.securityGroup.securityGroupId],
      kmsKeyArn: config.kmsKeyArn,
      protectFromDestroy: config.protectFromDestroy,
      dependsOn,
      tags,
    });
    this.endpoints = new CustomerEndpoints(this, "CustomerEndpoints", {
      environmentName: name,
      vpcId: this.network.vpcId,
      subnetIds: this.network.privateSubnetIds,
      securityGroupIds: [this.securityGroup.securityGroupId],
      databaseServiceName: this.environment.databaseVpcEndpointService,
      webserverServiceName: this.environment.webserverVpcEndpointService,
      tags,
    });
  }
}
