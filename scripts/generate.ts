import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { configJsonSchema, environmentJsonSchema } from "../model/parse";
import { endpointsRolePolicy } from "../constructs/private/endpoints-role-policy";
import { propsReference } from "./props-reference";
import { propsInterface } from "./props-interface";
import { argumentsModule } from "../terraform-check/provider-aws";
import { REPLACE_RULES } from "../review/rules";

/** Files generated from code and committed: `npm run generate`; a test fails when they are stale. */
export const GENERATED: Record<string, () => object | string> = {
  "config/schema.json": configJsonSchema,
  "policies/endpoints-role-policy.json": endpointsRolePolicy,
  "docs/props.md": () => propsReference(configJsonSchema()),
  "model/environment-props.ts": () => propsInterface(environmentJsonSchema()),
  // The arguments of every type the review has a rule for, in the pinned hashicorp/aws.
  "review/arguments.ts": () => argumentsModule(Object.keys(REPLACE_RULES)),
};

/** JSON files as stable, indented JSON with a final newline; text as it is. */
export function render(make: () => object | string): string {
  const value = make();
  return typeof value === "string" ? value : `${JSON.stringify(value, null, 2)}\n`;
}

if (require.main === module) {
  for (const [file, make] of Object.entries(GENERATED)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, render(make));
    process.stdout.write(`wrote ${file}\n`);
  }
}
