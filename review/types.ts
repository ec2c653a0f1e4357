/**
 * The review's vocabulary: the parts of a synthesized stack it reads, and what it says about each
 * resource and stack. Only types; review/diff.ts computes them, render.ts prints them.
 */
import type { VersionChange } from "../model/versions";
import type { Json } from "./rules";

export type { Json } from "./rules";

/** A resource or data source body. */
export type Block = { readonly [key: string]: Json };

/** The parts of a synthesized `cdk.tf.json` the review reads. */
export interface TerraformDoc {
  readonly resource?: { readonly [type: string]: { readonly [name: string]: Block } };
  readonly data?: { readonly [type: string]: { readonly [name: string]: Block } };
  readonly terraform?: Block;
  readonly provider?: Block;
  readonly [key: string]: Json | undefined;
}

/** One changed attribute. Paths join nested blocks with "." and show list positions as `[i]`. */
export interface AttributeChange {
  readonly path: string;
  /** undefined: the attribute is not set. */
  readonly before?: Json;
  readonly after?: Json;
  /** The JSON is the same, but the value changes at apply time because what it references changes. */
  readonly indirect?: string;
  /** The address whose change causes the indirect change. */
  readonly via?: string;
  /** The indirect change happens only if `via` really changes (the review could not tell). */
  readonly uncertain?: boolean;
  /** Why this change replaces the resource, when it does. */
  readonly replaces?: string;
  /** Why the review cannot tell whether this change updates or replaces the resource. */
  readonly unknown?: string;
  /**
   * The value does not change, but Terraform plans it "known after apply": it reads a data source
   * at apply because a managed resource that data source references has a change planned.
   */
  readonly deferredRead?: boolean;
  /** A Terraform meta-argument (depends_on, lifecycle): nothing changes in AWS. */
  readonly terraformOnly?: boolean;
  /** In the resource's `lifecycle.ignore_changes`: Terraform plans no change for it. */
  readonly ignored?: boolean;
}

/** A changed key of `airflow_configuration_options` (which `terraform plan` shows as "(sensitive value)"). */
export interface OptionChange {
  readonly key: string;
  readonly before?: string;
  readonly after?: string;
}

/** `unknown`: a change the review's rules do not cover (it may be an update or a replacement). */
export type Action = "create" | "delete" | "update" | "replace" | "unknown" | "terraform-only" | "read";

export interface ResourceChange {
  /** `type.name`, or `data.type.name` for a data source. */
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly mode: "managed" | "data";
  /** The construct path from cdktf's `//` metadata, when there is one. */
  readonly constructPath?: string;
  readonly action: Action;
  readonly attributes: readonly AttributeChange[];
  /** For the MWAA environment: which configuration options changed. */
  readonly options?: readonly OptionChange[];
  /** prevent_destroy, or a type the review always protects (MWAA environment, S3 bucket). */
  readonly protected: boolean;
  /** lifecycle.prevent_destroy is set: Terraform refuses the plan instead of destroying. */
  readonly preventDestroy: boolean;
  /** The MWAA environment is updated in place (10 to 30 minutes). */
  readonly longUpdate?: boolean;
  /** Why the environment updates although its own JSON may not change (artifacts). */
  readonly longUpdateReasons?: readonly string[];
  /** Only tags change. */
  readonly tagsOnly?: boolean;
  /** An address change: the same resource under another address is destroyed and a new one created. */
  readonly addressChange?: { readonly from: string; readonly to: string };
  /** A short description (S3 key, name) to tell resources apart in the report. */
  readonly label?: string;
  /** A remark for reviewers (a DAG file needs no environment update). */
  readonly note?: string;
  /** For the MWAA environment: its Airflow version changes; `inPlace` false is refused, `byCommand` is made by `npm run upgrade`. */
  readonly versionChange?: VersionChange & { readonly byCommand?: boolean };
  /** A created or removed resource's block (head, or base for a removal): what it declared. */
  readonly block?: Block;
}

export interface StackCounts {
  readonly added: number;
  readonly changed: number;
  readonly removed: number;
  readonly replaced: number;
  /** Changes the review cannot judge (action `unknown`). */
  readonly unknown: number;
}

export interface StackReview {
  readonly name: string;
  /** new: only in head; removed: only in base. */
  readonly status: "new" | "removed" | "changed" | "unchanged";
  readonly changes: readonly ResourceChange[];
  /** Stack-level warnings: backend or provider configuration changes. */
  readonly notes: readonly string[];
  readonly counts: StackCounts;
  /** Addresses of MWAA environments in the stack (base for removed stacks). */
  readonly environments: readonly { readonly address: string; readonly name?: Json }[];
  /** The steps of a side-by-side migration this change takes (start, cutover, rollback, finish). */
  readonly migration?: readonly string[];
  /** How the change moves what is billed by the hour (cost/units.ts), e.g. "+1 NAT gateway". */
  readonly unitChanges?: readonly string[];
  /** An environment's Airflow version changes: the packages of its requirements whose resolved version changes (Markdown items). */
  readonly versionPackages?: readonly string[];
}

export interface ProtectedRisk {
  readonly stack: string;
  readonly address: string;
  /** replace, delete (removed from a stack), address change, or stack removed. */
  readonly action: "replace" | "delete" | "address-change" | "stack-removed";
}

export interface Review {
  readonly stacks: readonly StackReview[];
  /** Removed and added stacks that both hold an MWAA environment: probably a renamed environment. */
  readonly renames: readonly { readonly from: string; readonly to: string }[];
  /** Protected resources that would be replaced or destroyed. */
  readonly protectedAtRisk: readonly ProtectedRisk[];
}
