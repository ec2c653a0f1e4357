import {
  DataTerraformRemoteStateLocal,
  DataTerraformRemoteStateS3,
  LocalBackend,
  S3Backend,
  type TerraformStack,
} from "cdktf";
import type { Construct } from "constructs";
import type { Backend } from "../../model/schema";

/**
 * Where a stack's state lives. The local path is relative to the stack's folder in
 * cdktf.out/stacks/<stack>, so it lands in the project root and the JSON is the same in any checkout.
 */
function localStatePath(stackName: string): string {
  return `../../../terraform.${stackName}.tfstate`;
}

function s3Key(backend: Extract<Backend, { type: "s3" }>, stackName: string): string {
  return `${backend.keyPrefix}${stackName}.tfstate`;
}

/**
 * Oldest Terraform every stack accepts: S3 native locking (`use_lockfile`) is generally available
 * from 1.11 (experimental in 1.10). https://developer.hashicorp.com/terraform/language/v1.11.x/upgrade-guides
 */
export const TERRAFORM_REQUIRED_VERSION = ">= 1.11";

/** Each stack keeps its own state: a local file, or its own key in the S3 bucket. Sets required_version too. */
export function configureBackend(stack: TerraformStack, stackName: string, backend: Backend): void {
  stack.addOverride("terraform.required_version", TERRAFORM_REQUIRED_VERSION);
  if (backend.type === "local") {
    new LocalBackend(stack, { path: localStatePath(stackName) });
    return;
  }
  const s3 = new S3Backend(stack, {
    bucket: backend.bucket,
    key: s3Key(backend, stackName),
    region: backend.region,
    encrypt: true,
  });
  // cdktf 0.21's S3BackendConfig predates S3 native locking.
  if (backend.useLockfile) s3.addOverride("use_lockfile", true);
}

/**
 * Reads another stack's outputs from its real state. cdktf's automatic cross-stack references
 * write a local path relative to the consumer's folder, which points at the wrong file.
 */
export function remoteState(
  scope: Construct,
  id: string,
  backend: Backend,
  stackName: string,
): DataTerraformRemoteStateLocal | DataTerraformRemoteStateS3 {
  if (backend.type === "local")
    return new DataTerraformRemoteStateLocal(scope, id, { path: localStatePath(stackName) });
  return new DataTerraformRemoteStateS3(scope, id, {
    bucket: backend.bucket,
    key: s3Key(backend, stackName),
    region: backend.region,
  });
}
