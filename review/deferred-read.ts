/**
 * Deferred reads: Terraform reads a data source during plan, except when a managed resource it
 * references has a change planned; then it reads it at apply, and everything that uses the data
 * source's result is "known after apply" in the plan, although the result will be the same. With an
 * `aws_iam_policy_document` the plan shows `~ update` of the policy that reads it (the document is
 * unchanged); with an `aws_network_interface`, a ForceNew argument fed by it (a target group
 * attachment's `target_id`) is replaced. Measured with the real provider by
 * review/terraform-judge.ts. Terraform's rule (hashicorp/terraform, read at 883c7221, Aug 2026):
 * internal/terraform/node_resource_abstract_instance.go, planDataSource defers the read ("Read" change
 * to the apply phase) when dependenciesHavePendingChanges finds a managed dependency whose change is
 * not NoOp; the dependencies are depends_on plus the resources the data source's arguments
 * reference (internal/terraform/transform_reference.go, ReferenceMap.dependsOn and dataDependsOn).
 */
import type { ChangedOutputs } from "./references";
import type { AttributeChange, ResourceChange } from "./types";

/** Why a data source is read at apply. */
export function deferredReadWhy(dataAddress: string, via: string): string {
  return `${dataAddress} is read at apply, because ${via} has a change planned`;
}

/** What a data source read at apply changes, seen from a reference to it; undefined when it is read for another reason. */
export function deferredOutputs(address: string, indirect: readonly AttributeChange[]): ChangedOutputs | undefined {
  if (indirect.length === 0 || !indirect.every((a) => a.deferredRead === true)) return undefined;
  const via = [...new Set(indirect.map((a) => a.via))].join(", ");
  return {
    all: true,
    attributes: new Set(),
    deferredRead: true,
    why: `${address} is read at apply (${via} has a change planned), so the plan shows its result as known after apply; the result is the same`,
  };
}

/** The note of an update that only a deferred read causes: what the plan shows, and that nothing changes in AWS. */
export function deferredReadNote(c: ResourceChange): ResourceChange {
  if (c.mode !== "managed" || c.action !== "update") return c;
  const real = c.attributes.filter((a) => !a.terraformOnly);
  if (real.length === 0 || !real.every((a) => a.deferredRead === true)) return c;
  const via = [...new Set(real.map((a) => a.via).filter((v): v is string => v !== undefined))]
    .map((v) => `\`${v}\``)
    .join(", ");
  const what =
    c.type === "aws_iam_role_policy" || c.type === "aws_s3_bucket_policy" || c.type === "aws_iam_role"
      ? "the document is unchanged"
      : "the value is unchanged";
  return { ...c, note: `the plan shows an update here (known after apply: it reads ${via} at apply); ${what}` };
}
