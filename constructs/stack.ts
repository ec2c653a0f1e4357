import { Construct } from "constructs";
import { TerraformOutput, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { Backend } from "../model/schema";
import { configureBackend } from "./private/backend";
import { webAccessOutputs } from "./web-access";
import { networkOutputs } from "./private/network-outputs";
import { PrivateMwaaEnvironment, type PrivateMwaaEnvironmentProps } from "./private-mwaa-environment";

export interface MwaaStackProps {
  /** One entry of the config's `environments`, with the files the app prepared for it. */
  readonly environment: PrivateMwaaEnvironmentProps;
  /** @default {"type": "local"} */
  readonly backend?: Backend;
}

/** One stack per environment: provider, its own state, the environment and its outputs. */
export class MwaaStack extends TerraformStack {
  readonly mwaa: PrivateMwaaEnvironment;

  constructor(scope: Construct, id: string, props: MwaaStackProps) {
    super(scope, id);
    configureBackend(this, id, props.backend ?? { type: "local" });
    new AwsProvider(this, "aws", { region: props.environment.region });
    const mwaa = new PrivateMwaaEnvironment(this, "Mwaa", props.environment);
    this.mwaa = mwaa;

    const output = (outputId: string, value: string, description: string) =>
      new TerraformOutput(this, outputId, { value, description });
    output("mwaa_environment_name", mwaa.current.name, "MWAA environment name");
    output("mwaa_environment_arn", mwaa.environment.arn, "MWAA environment ARN");
    // What the VPC owner's endpoints stack reads in "vpc-owner" mode.
    output(
      "mwaa_database_vpc_endpoint_service",
      mwaa.environment.databaseVpcEndpointService,
      "Endpoint service the database endpoint connects to",
    );
    output(
      "mwaa_webserver_vpc_endpoint_service",
      mwaa.environment.webserverVpcEndpointService,
      "Endpoint service the web server endpoint connects to",
    );
    output("mwaa_security_group_id", mwaa.securityGroup.securityGroupId, "Security group of the environment");
    output("mwaa_bucket_name", mwaa.bucket.bucketName, "Bucket MWAA reads DAGs and artifacts from");
    if (mwaa.endpoints !== undefined) {
      output(
        "mwaa_database_vpc_endpoint_id",
        mwaa.endpoints.database.id,
        "Customer managed endpoint of the metadata database",
      );
      output(
        "mwaa_webserver_vpc_endpoint_id",
        mwaa.endpoints.webserver.id,
        "Customer managed endpoint of the web server",
      );
    }
    if (mwaa.webAccess !== undefined) webAccessOutputs(this, mwaa.webAccess);
    networkOutputs(this, mwaa);
    if (mwaa.candidate !== undefined) {
      output("mwaa_candidate_environment_name", mwaa.candidate.name, "The migration's candidate MWAA environment");
      output("mwaa_candidate_environment_arn", mwaa.candidate.environment.arn, "The candidate's ARN");
      if (mwaa.candidateUrl !== undefined)
        output("mwaa_candidate_url", mwaa.candidateUrl, "The candidate's second host name");
      const served = mwaa.config.migration?.serve === "candidate" ? mwaa.candidate : mwaa.current;
      output("mwaa_served_environment_name", served.name, "The environment the domain serves");
    }
  }
}
