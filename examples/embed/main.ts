/**
 * An existing cdktf app (the platform team's stack, with its own provider and resources) that adds
 * a private MWAA environment by composing one construct from the `mwaa-private-cdktf` package.
 *
 * The environment goes into the platform's own VPC and subnets and alarms go to its own topic,
 * passed in as references (cdktf tokens), so Terraform orders and wires them. The props are one
 * `environments[]` entry of the package's config file (same defaults, validation and messages),
 * plus the files the app prepared. The worker-count Lambda comes prebuilt with the package.
 */
import * as path from "node:path";
import { App, LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { AIRFLOW_VERSIONS, ConfigError, PrivateMwaaEnvironment, type EnvironmentInput } from "mwaa-private-cdktf";
import { prepareArtifacts } from "mwaa-private-cdktf/artifacts";

/** What the platform already has outside this stack: a versioned bucket, by name. */
const ARTIFACT_BUCKET = "platform-airflow-artifacts";

/** The environment's settings; network and topic come from the stack's own resources below. */
const settings = {
  name: "platform-airflow",
  region: "eu-west-1",
  tags: { team: "platform" },
  airflow: { version: "2.10.3", environmentClass: "mw1.small", maxWorkers: 4 },
  bucket: { existingName: ARTIFACT_BUCKET },
  artifacts: { dagsDir: "dags" },
} satisfies Partial<EnvironmentInput>;

class PlatformStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    // A relative state path: the default is absolute, which makes the JSON differ between checkouts.
    new LocalBackend(this, { path: `terraform.${id}.tfstate` });
    new AwsProvider(this, "aws", { region: "eu-west-1", defaultTags: [{ tags: { "managed-by": "platform-cdktf" } }] });

    // The platform's own resources: adding Airflow leaves them as they are.
    const vpc = new Vpc(this, "Vpc", { cidrBlock: "10.40.0.0/16", enableDnsHostnames: true, enableDnsSupport: true });
    const privateA = new Subnet(this, "PrivateA", {
      vpcId: vpc.id,
      cidrBlock: "10.40.1.0/24",
      availabilityZone: "eu-west-1a",
    });
    const privateB = new Subnet(this, "PrivateB", {
      vpcId: vpc.id,
      cidrBlock: "10.40.2.0/24",
      availabilityZone: "eu-west-1b",
    });
    const alerts = new SnsTopic(this, "Alerts", { name: "platform-alerts" });

    // Files the environment uploads, prepared by the app: paths are relative to this app's folder.
    const root = process.cwd();
    const pythonVersion = AIRFLOW_VERSIONS[settings.airflow.version].python;
    const artifactFiles = prepareArtifacts(settings.artifacts, {
      pythonVersion,
      root,
      cacheDir: path.join(root, ".cache", "plugins"),
    });

    // The construct id ("Airflow") is part of every resource address: keep it stable.
    const airflow = new PrivateMwaaEnvironment(this, "Airflow", {
      ...settings,
      network: { vpcId: vpc.id, privateSubnetIds: [privateA.id, privateB.id] },
      monitoring: { logRetentionDays: 90, alarmTopicArn: alerts.arn },
      artifactFiles,
    });

    new TerraformOutput(this, "alerts_topic_arn", { value: alerts.arn });
    new TerraformOutput(this, "airflow_environment_arn", { value: airflow.environment.arn });
    new TerraformOutput(this, "airflow_security_group_id", { value: airflow.securityGroup.securityGroupId });
    new TerraformOutput(this, "airflow_bucket_name", { value: airflow.bucket.bucketName });
  }
}

try {
  const app = new App();
  new PlatformStack(app, "platform");
  app.synth();
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  process.stderr.write(`${e.message}\n`);
  process.exitCode = 1;
}
