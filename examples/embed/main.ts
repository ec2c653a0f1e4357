/**
 * An existing cdktf app (the platform team's stack, with its own provider and resources) that adds
 * a private MWAA environment by composing one construct from the `mwaa-private-cdktf` package.
 *
 * The environment goes into the existing VPC and bucket, passed in as values. The props are the
 * same shape as one `environments[]` entry of the package's config file, with the same defaults,
 * validation and error messages. Files (DAGs, the worker-count Lambda) are prepared here, in the
 * app: constructs never read files themselves.
 */
import * as path from "node:path";
import { App, LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { ConfigError, PrivateMwaaEnvironment, parseEnvironment, type PrivateMwaaEnvironmentAssets, type PrivateMwaaEnvironmentProps } from "mwaa-private-cdktf";
import { prepareArtifacts } from "mwaa-private-cdktf/artifacts";
import { bundleLambda } from "mwaa-private-cdktf/lambda-bundle";

/** What the platform already has: its network stack's outputs and a versioned bucket, as values. */
const EXISTING = {
  vpcId: "vpc-0a1b2c3d4e5f60718",
  privateSubnetIds: ["subnet-0a1b2c3d4e5f60711", "subnet-0a1b2c3d4e5f60722"],
  artifactBucket: "platform-airflow-artifacts",
};

const airflowProps: PrivateMwaaEnvironmentProps = {
  name: "platform-airflow",
  region: "eu-west-1",
  tags: { team: "platform" },
  airflow: { version: "2.10.3", environmentClass: "mw1.small", maxWorkers: 4 },
  network: { vpcId: EXISTING.vpcId, privateSubnetIds: EXISTING.privateSubnetIds },
  bucket: { existingName: EXISTING.artifactBucket },
  artifacts: { dagsDir: "dags" },
  monitoring: { logRetentionDays: 90 },
};

/**
 * The files the environment uploads and the worker-count Lambda bundle, prepared the way the
 * package's own app does it. Paths in `artifacts` are relative to this app's folder. The Lambda
 * is bundled from the handler source the package ships (esbuild must be installed in this app).
 */
function prepareAssets(props: PrivateMwaaEnvironmentProps): PrivateMwaaEnvironmentAssets {
  const env = parseEnvironment(props, "platform-airflow props"); // the same validation the construct runs
  const root = process.cwd();
  const cache = path.join(root, ".cache");
  return {
    artifacts: env.artifacts === undefined ? undefined : prepareArtifacts(env.artifacts, env.airflow.version, { root, cacheDir: path.join(cache, "plugins") }),
    workerCountCode: env.monitoring.workerCount
      ? bundleLambda({ entry: require.resolve("mwaa-private-cdktf/lambda/worker-count/handler.ts"), cacheDir: path.join(cache, "lambda"), name: "worker-count" })
      : undefined,
  };
}

class PlatformStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    // A relative state path: the default is absolute, which makes the JSON differ between checkouts.
    new LocalBackend(this, { path: `terraform.${id}.tfstate` });
    new AwsProvider(this, "aws", { region: "eu-west-1", defaultTags: [{ tags: { "managed-by": "platform-cdktf" } }] });

    // The platform's own resources: adding Airflow leaves them as they are.
    const alerts = new SnsTopic(this, "Alerts", { name: "platform-alerts" });

    // The construct id ("Airflow") is part of every resource address: keep it stable.
    const airflow = new PrivateMwaaEnvironment(this, "Airflow", airflowProps, prepareAssets(airflowProps));

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
