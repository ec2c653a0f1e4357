/**
 * One contract: the props interface people read (model/environment-props.ts, with JSDoc and
 * `@default` on every optional field) and the zod schema that validates them must agree. The file
 * is generated from the schema (`npm run generate`; generated-files.test.ts fails when it is stale),
 * and the types below make `tsc -b` (npm test) fail when a field, its type or its optionality differ.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { z } from "zod";
import type { EnvironmentProps } from "../model/environment-props";
import type { environmentSchema } from "../model/schema";
import type { PrivateMwaaEnvironmentProps } from "../constructs/private-mwaa-environment";

type Input = z.input<typeof environmentSchema>;
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Every field made required, recursively: equal shapes means the same field names everywhere. */
type Fields<T> = T extends readonly (infer U)[]
  ? Fields<U>[]
  : T extends object
    ? { [K in keyof T]-?: Fields<Exclude<T[K], undefined>> }
    : T;

// Compile-time checks: each line fails `tsc -b` (npm test) when the interface and the schema disagree.
const assignableBothWays: Mutual<EnvironmentProps, Input> = true;
const sameFieldsEverywhere: Mutual<Fields<EnvironmentProps>, Fields<Input>> = true;
const constructPropsAreTheConfigEntry: Mutual<
  Omit<PrivateMwaaEnvironmentProps, "artifactFiles" | "workerCountCode" | "signInCode">,
  EnvironmentProps
> = true;

describe("PrivateMwaaEnvironmentProps and the config schema", () => {
  const source = fs.readFileSync(path.join(__dirname, "..", "model", "environment-props.ts"), "utf8");

  test("agree at type level (checked by tsc; see the constants above)", () => {
    expect([assignableBothWays, sameFieldsEverywhere, constructPropsAreTheConfigEntry]).toEqual([true, true, true]);
  });

  test("every optional field says its default in JSDoc, every field has a description", () => {
    // GIVEN each field declaration and the doc comment just above it
    const fields = [...source.matchAll(/\/\*\*\n((?:\s+\*.*\n)+?)\s+\*\/\n\s+readonly (\w+)(\??):/g)];
    expect(fields.length).toBeGreaterThan(100);
    const missing = fields
      .filter(([, doc, , optional]) => optional === "?" && !/@default \S/.test(doc))
      .map(([, , name]) => name);
    expect(missing).toEqual([]);
    const undescribed = fields.filter(([, doc]) => !/\*\s+[^@\s]/.test(doc)).map(([, , name]) => name);
    expect(undescribed).toEqual([]);
    // AND no field escapes the pattern above
    expect(fields.length).toBe((source.match(/^\s+readonly \w+\??:/gm) ?? []).length);
  });
});
