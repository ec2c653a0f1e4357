/**
 * Resources as the review meets them in a synthesized stack (entries by address), and the one way
 * a `ResourceChange` is built from one: address, construct path, label and protection come from
 * the block, whatever the action.
 */
import { PROTECTED_TYPES } from "./rules";
import type { Action, Block, Json, ResourceChange, TerraformDoc } from "./types";

/** A resource or data source of a stack. */
export interface Entry {
  /** `type.name`, or `data.type.name`. */
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly mode: "managed" | "data";
  readonly block: Block;
}

/** Every resource and data source of a stack, by address. */
export function entries(doc: TerraformDoc): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const add = (blocks: TerraformDoc["resource"], mode: "managed" | "data") => {
    for (const [type, byName] of Object.entries(blocks ?? {})) {
      for (const [name, block] of Object.entries(byName ?? {})) {
        const address = `${mode === "data" ? "data." : ""}${type}.${name}`;
        out.set(address, { address, type, name, mode, block });
      }
    }
  };
  add(doc.resource, "managed");
  add(doc.data, "data");
  return out;
}

export function isObject(v: Json | undefined): v is { [key: string]: Json } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function constructPath(block: Block): string | undefined {
  const meta = block["//"];
  if (!isObject(meta) || !isObject(meta.metadata)) return undefined;
  const p = meta.metadata.path;
  return typeof p === "string" ? p : undefined;
}

function preventDestroy(block: Block): boolean {
  const lifecycle = block.lifecycle;
  return isObject(lifecycle) && lifecycle.prevent_destroy === true;
}

function isProtected(type: string, block: Block): boolean {
  return PROTECTED_TYPES.has(type) || preventDestroy(block);
}

/** A label that tells resources of one type apart: the S3 key, a name. */
function labelOf(type: string, block: Block): string | undefined {
  const pick = (k: string) =>
    typeof block[k] === "string" && !(block[k] as string).includes("${") ? (block[k] as string) : undefined;
  if (type === "aws_s3_object") return pick("key");
  return (
    pick("name") ??
    pick("function_name") ??
    pick("domain_name") ??
    pick("bucket") ??
    pick("alarm_name") ??
    pick("dashboard_name") ??
    pick("service_name")
  );
}

/**
 * The change of `entry`. `atRisk` is the deployed block the change can destroy (the base of an
 * update, replacement or removal): its protection (a protected type, `prevent_destroy`) is the
 * change's. Nothing is at risk for a resource that only gets created.
 */
export function resourceChange(
  entry: Entry,
  action: Action,
  options: { readonly atRisk?: Block } & Partial<
    Omit<
      ResourceChange,
      "address" | "type" | "name" | "mode" | "constructPath" | "action" | "protected" | "preventDestroy" | "label"
    >
  > = {},
): ResourceChange {
  const { atRisk, attributes = [], ...rest } = options;
  return {
    address: entry.address,
    type: entry.type,
    name: entry.name,
    mode: entry.mode,
    constructPath: constructPath(entry.block),
    action,
    attributes,
    protected: atRisk !== undefined && entry.mode === "managed" && isProtected(entry.type, atRisk),
    preventDestroy: atRisk !== undefined && preventDestroy(atRisk),
    label: labelOf(entry.type, entry.block),
    ...rest,
  };
}
