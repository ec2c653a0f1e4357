import { Construct } from "constructs";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsS3Bucket } from "@cdktf/provider-aws/lib/data-aws-s3-bucket";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import {
  S3BucketLifecycleConfiguration,
  type S3BucketLifecycleConfigurationRule,
} from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { bucketPrefix, withName } from "./private/naming";

export interface ArtifactBucketProps {
  /** Environment name, for the generated bucket name prefix and tags. */
  readonly environmentName: string;
  /** Use this existing bucket (it must have versioning on, as MWAA requires). @default - create one */
  readonly existingName?: string;
  /** Name of the bucket to create. @default - a generated name starting "airflow-<environment>-" */
  readonly name?: string;
  /** Customer managed KMS key for default encryption. @default - SSE-S3 (AES256) */
  readonly kmsKeyArn?: string;
  /** prevent_destroy on the created bucket (the config's protectFromDestroy). */
  readonly protectFromDestroy: boolean;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/** Objects under a key prefix, and their older versions, deleted after some days. */
export interface ExpirationRule {
  /** The rule's id, unique in the bucket (at most 255 characters). */
  readonly id: string;
  readonly prefix: string;
  readonly days: number;
}

/** The S3 bucket MWAA reads DAGs, requirements, plugins and the startup script from. */
export class ArtifactBucket extends Construct {
  /** The created bucket; undefined for an existing one (see `existing`). */
  readonly bucket?: S3Bucket;
  /** The looked-up existing bucket; undefined when the bucket is created here. */
  readonly existing?: DataAwsS3Bucket;
  readonly bucketName: string;
  readonly bucketArn: string;
  /** The created bucket's versioning resource: uploads wait for it. Undefined for an existing bucket. */
  readonly versioning?: S3BucketVersioningA;
  /** The created bucket's lifecycle rules; undefined until a first `expireUnder`. */
  lifecycleConfiguration?: S3BucketLifecycleConfiguration;
  private readonly expirations: S3BucketLifecycleConfigurationRule[] = [];

  constructor(scope: Construct, id: string, props: ArtifactBucketProps) {
    super(scope, id);
    if (props.existingName !== undefined) {
      const existing = new DataAwsS3Bucket(this, "Resource", { bucket: props.existingName });
      this.existing = existing;
      this.bucketName = existing.bucket;
      this.bucketArn = existing.arn;
      return;
    }
    const bucket = new S3Bucket(this, "Resource", {
      ...(props.name !== undefined ? { bucket: props.name } : { bucketPrefix: bucketPrefix(props.environmentName) }),
      tags: withName(props.tags ?? {}, `${props.environmentName}-airflow`),
      lifecycle: { preventDestroy: props.protectFromDestroy },
    });
    this.bucket = bucket;
    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
    this.versioning = new S3BucketVersioningA(this, "Versioning", {
      bucket: bucket.id,
      versioningConfiguration: { status: "Enabled" },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "Encryption", {
      bucket: bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault:
            props.kmsKeyArn !== undefined
              ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.kmsKeyArn }
              : { sseAlgorithm: "AES256" },
          bucketKeyEnabled: props.kmsKeyArn !== undefined,
        },
      ],
    });
    new S3BucketPublicAccessBlock(this, "PublicAccessBlock", {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "OwnershipControls", {
      bucket: bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    const tlsOnly = new DataAwsIamPolicyDocument(this, "PolicyDocument", {
      statement: [
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          principals: [{ type: "*", identifiers: ["*"] }],
          actions: ["s3:*"],
          resources: [bucket.arn, `${bucket.arn}/*`],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ],
    });
    new S3BucketPolicy(this, "Policy", { bucket: bucket.id, policy: tlsOnly.json });
  }

  /**
   * Deletes objects under `rule.prefix` (current and older versions) after `rule.days`: one rule
   * more in the bucket's one lifecycle configuration. S3 keeps a single lifecycle configuration per
   * bucket, and two aws_s3_bucket_lifecycle_configuration on one bucket make a perpetual diff
   * (hashicorp/terraform-provider-aws website/docs/r/s3_bucket_lifecycle_configuration.html.markdown).
   * An existing bucket gets none (returns false): PutBucketLifecycleConfiguration replaces the
   * whole configuration (S3 API reference), which would drop the owner's own rules.
   */
  expireUnder(rule: ExpirationRule): boolean {
    if (this.bucket === undefined) return false;
    this.expirations.push({
      id: rule.id,
      status: "Enabled",
      filter: [{ prefix: rule.prefix }],
      expiration: [{ days: rule.days }],
      noncurrentVersionExpiration: [{ noncurrentDays: rule.days }],
    });
    // Rules on older versions want versioning on first (the provider doc's versioned example).
    this.lifecycleConfiguration ??= new S3BucketLifecycleConfiguration(this, "Lifecycle", {
      bucket: this.bucket.id,
      rule: [],
      dependsOn: this.versioning !== undefined ? [this.versioning] : undefined,
    });
    this.lifecycleConfiguration.putRule([...this.expirations]);
    return true;
  }
}
