import { Construct } from "constructs";
import { LocalBackend, S3Backend, TerraformOutput, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { Backend, EnvironmentInput } from "./model";
import { PrivateMwaaEnvironment, type PrivateMwaaEnvironmentAssets } from "./private-mwaa-environment";

export interface MwaaStackProps {
  /** One entry of the config's `environments`. */
  readonly environment: EnvironmentInput & { readonly name: string; readonly region: string };
  /** @default {"type": "local"} */
  readonly backend?: Backend;
  /** Prepared files: artifacts and Lambda bundles. @default {} */
  readonly assets?: PrivateMwaaEnvironmentAssets;
}

/** One stack per environment: provider, its own state, the environment and its outputs. */
export class MwaaStack extends TerraformStack {
  readonly mwaa: PrivateMwaaEnvironment;

  constructor(scope: Construct, id: string, props: MwaaStackProps) {
    super(scope, id);
    configureBackend(this, id, props.backend ?? { type: "local" });
    new AwsProvider(this, "aws", { region: props.environment.region });
    const mwaa = new PrivateMwaaEnvironment(this, "Mwaa", props.environment, props.assets);
    this.mwaa = mwaa;

    const output = (outputId: string, value: string, description: string) => new TerraformOutput(this, outputId, { value, description });
    output("mwaa_environment_name", mwaa.config.name, "MWAA environment name");
    output("mwaa_environment_arn", mwaa.environment.arn, "MWAA environment ARN");
    output("mwaa_database_vpc_endpoint_id", mwaa.endpoints.database.id, "Customer managed endpoint of the metadata database");
    output("mwaa_webserver_vpc_endpoint_id", mwaa.endpoints.webserver.id, "Customer managed endpoint of the web server");
    output("mwaa_database_vpc_endpoint_service", mwaa.environment.databaseVpcEndpointService, "Endpoint service the database endpoint connects to");
    output("mwaa_webserver_vpc_endpoint_service", mwaa.environment.webserverVpcEndpointService, "Endpoint service the web server endpoint connects to");
    output("mwaa_bucket_name", mwaa.bucket.bucketName, "Bucket MWAA reads DAGs and artifacts from");
    if (mwaa.webAccess !== undefined && mwaa.url !== undefined) {
      output("mwaa_webserver_url", mwaa.url, "URL of the Airflow UI behind the ALB");
      output("mwaa_alb_dns_name", mwaa.webAccess.loadBalancer.dnsName, "DNS name of the ALB");
      output("mwaa_alb_target_group_arn", mwaa.webAccess.targetGroup.arn, "Target group of the web server endpoint's IPs");
    }
  }
}

/**
 * Each stack keeps its own state. The local path is relative to the stack's folder in
 * cdktf.out/stacks/<stack>, so it lands in the project root and the JSON is the same in any checkout.
 */
function configureBackend(stack: TerraformStack, stackName: string, backend: Backend): void {
  if (backend.type === "local") {
    new LocalBackend(stack, { path: `../../../terraform.${stackName}.tfstate` });
    return;
  }
  const s3 = new S3Backend(stack, { bucket: backend.bucket, key: `${backend.keyPrefix}${stackName}.tfstate`, region: backend.region, encrypt: true });
  // cdktf 0.21's S3BackendConfig predates S3 native locking.
  if (backend.useLockfile) s3.addOverride("use_lockfile", true);
}
