import { Construct } from "constructs";
import { AssetType, TerraformAsset, type ITerraformDependable } from "cdktf";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import type { VersionedObject } from "./environment";
import { ConfigError } from "../model/errors";
import type { ArtifactFile, MwaaArtifactFiles } from "../model/prepared";

export type { ArtifactFile, MwaaArtifactFiles } from "../model/prepared";

export interface ArtifactUploadsProps {
  readonly bucketName: string;
  readonly files: MwaaArtifactFiles;
  /** The bucket's versioning: objects need it for a version_id. @default - none (existing bucket) */
  readonly bucketVersioning?: ITerraformDependable;
  /** Key prefix of every object, for a second environment in the same bucket (e.g. "analytics-af3/"). @default "" */
  readonly keyPrefix?: string;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * The environment's S3 artifacts as native objects. Each carries its content hash, so only changed
 * files upload, a removed DAG is deleted, and the environment gets each object's version_id.
 */
export class ArtifactUploads extends Construct {
  readonly dagsS3Path: string;
  readonly plugins?: VersionedObject;
  readonly requirements?: VersionedObject;
  readonly startupScript?: VersionedObject;
  /** The objects, for the environment's depends_on. */
  readonly objects: S3Object[] = [];

  constructor(scope: Construct, id: string, props: ArtifactUploadsProps) {
    super(scope, id);
    const { files } = props;
    const prefix = props.keyPrefix ?? "";
    this.dagsS3Path = `${prefix}dags/`;
    const ids = new Map<string, string>();
    for (const [relative, file] of Object.entries(files.dags).sort(([a], [b]) => a.localeCompare(b))) {
      // Keyed by the DAG's path: adding or removing one DAG leaves the other objects alone.
      const dagId = `Dag-${relative.replace(/\//g, "--")}`;
      const clash = ids.get(dagId);
      if (clash !== undefined) {
        throw new ConfigError([
          `${this.node.path}: artifacts.dagsDir: "${clash}" and "${relative}" map to the same resource id ${dagId}; rename one of them`,
        ]);
      }
      ids.set(dagId, relative);
      this.upload(dagId, `${this.dagsS3Path}${relative}`, file, props);
    }
    if (files.requirements !== undefined) {
      const object = new S3Object(this, "Requirements", {
        bucket: props.bucketName,
        key: `${prefix}requirements.txt`,
        content: files.requirements.content,
        contentType: "text/plain",
        sourceHash: files.requirements.sha256,
        tags: props.tags,
        dependsOn: props.bucketVersioning ? [props.bucketVersioning] : undefined,
      });
      this.objects.push(object);
      this.requirements = { key: object.key, versionId: object.versionId };
    }
    if (files.startupScript !== undefined)
      this.startupScript = this.upload("StartupScript", `${prefix}startup.sh`, files.startupScript, props);
    if (files.plugins !== undefined)
      this.plugins = this.upload("Plugins", `${prefix}plugins.zip`, files.plugins, props);
  }

  private upload(id: string, key: string, file: ArtifactFile, props: ArtifactUploadsProps): VersionedObject {
    const asset = new TerraformAsset(this, `${id}Asset`, { path: file.path, type: AssetType.FILE });
    const object = new S3Object(this, id, {
      bucket: props.bucketName,
      key,
      source: asset.path,
      sourceHash: file.sha256,
      tags: props.tags,
      dependsOn: props.bucketVersioning ? [props.bucketVersioning] : undefined,
    });
    this.objects.push(object);
    return { key: object.key, versionId: object.versionId };
  }
}
