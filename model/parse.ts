import { serialize } from "node:v8";
import type { Config, Environment, EnvironmentInput } from "./schema";

/**
 * Config validation, loaded on first use: zod and the schemas (model/validation.ts) cost tens
 * of ms to load, and a synth whose config the app validated before (its cache, or parseConfig in
 * this process) needs neither.
 */
function validation(): typeof import("./validation") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("./validation") as typeof import("./validation");
}

/** Validated environments of this process, by their serialized form: a construct handed one is not validated again. */
const validated = new Map<string, Environment>();

/**
 * Only strings, numbers, booleans, null, undefined, arrays and plain objects: what V8's
 * serializer carries unchanged (key order and keys set to undefined included).
 */
export function isPlainData(value: unknown): boolean {
  if (
    value === null ||
    value === undefined ||
    typeof value === "string" ||
    typeof value === "boolean" ||
    typeof value === "number"
  )
    return true;
  if (Array.isArray(value)) return value.every(isPlainData);
  if (typeof value !== "object") return false;
  // A plain object of any realm: its prototype is null or a root prototype (Object.prototype).
  const proto = Object.getPrototypeOf(value) as object | null;
  return (proto === null || Object.getPrototypeOf(proto) === null) && Object.values(value as object).every(isPlainData);
}

const keyOf = (value: unknown) => serialize(value).toString("latin1");

/**
 * Records what the construct makes of each environment of a config that parseConfig returned
 * (in this process, or earlier and kept by the app's cache): handed such an environment, a
 * construct gets that result without validating again. Only plain data is recorded, so the same
 * serialized form means the same input.
 */
export function rememberValidated(config: Config, constructViews: readonly Environment[]): void {
  config.environments.forEach((environment, i) => {
    if (isPlainData(environment) && isPlainData(constructViews[i]))
      validated.set(keyOf(environment), constructViews[i]);
  });
}

/** What `parseEnvironment` returns for each environment of a validated config (zod puts defaults in schema order). */
export function constructViews(config: Config): Environment[] {
  return config.environments.map((environment) => validation().parseEnvironment(environment));
}

/** parseConfig, with what the construct makes of each environment (for a cache to keep both). */
export function parseConfigWithViews(text: string, file: string): { config: Config; views: Environment[] } {
  const config = validation().parseConfig(text, file);
  const views = constructViews(config);
  rememberValidated(config, views);
  return { config, views };
}

/** Parses a config file's text. Throws ConfigError listing every problem; never returns half a config. */
export function parseConfig(text: string, file: string): Config {
  return parseConfigWithViews(text, file).config;
}

/** Validates one environment's props (the construct's way in), with the same messages as a config file. */
export function parseEnvironment(props: EnvironmentInput, where = "props"): Environment {
  const known = validated.size > 0 && isPlainData(props) ? validated.get(keyOf(props)) : undefined;
  if (known !== undefined) return structuredClone(known);
  return validation().parseEnvironment(props, where);
}

/** The JSON Schema for editors, generated from the same zod schema that validates. */
export function configJsonSchema(): object {
  return validation().configJsonSchema();
}

/** The JSON Schema of one environment (props of PrivateMwaaEnvironment), as a user writes it. */
export function environmentJsonSchema(): object {
  return validation().environmentJsonSchema();
}
