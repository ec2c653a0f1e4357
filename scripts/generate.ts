import { writeFileSync } from "node:fs";
import { configJsonSchema } from "../constructs/config";
import { endpointsRolePolicy } from "../constructs/private/endpoints-role-policy";

/** Files generated from code and committed: `npm run generate`; a test fails when they are stale. */
export const GENERATED: Record<string, () => object> = {
  "config/schema.json": configJsonSchema,
  "policies/endpoints-role-policy.json": endpointsRolePolicy,
};

export function render(make: () => object): string {
  return `${JSON.stringify(make(), null, 2)}\n`;
}

if (require.main === module) {
  for (const [file, make] of Object.entries(GENERATED)) {
    writeFileSync(file, render(make));
    process.stdout.write(`wrote ${file}\n`);
  }
}
