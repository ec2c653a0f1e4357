import { z } from "zod";
import { ConfigError, formatIssues } from "./errors";
import { configSchema, environmentSchema, type Config, type Environment, type EnvironmentInput } from "./schema";

type JsonSchema = {
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  additionalProperties?: JsonSchema | boolean;
};

/** The JSON Schema for editors, generated from the same zod schema that validates. */
export function configJsonSchema(): object {
  return z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" });
}

/** The JSON Schema of one environment (props of PrivateMwaaEnvironment), as a user writes it. */
export function environmentJsonSchema(): object {
  return z.toJSONSchema(environmentSchema, { io: "input", unrepresentable: "any" });
}

function keysAt(schema: JsonSchema, path: readonly PropertyKey[]): string[] {
  const branches = (s: JsonSchema): JsonSchema[] => [
    s,
    ...(s.anyOf ?? []).flatMap(branches),
    ...(s.oneOf ?? []).flatMap(branches),
  ];
  let level = [schema];
  for (const key of path) {
    level = level.flatMap(branches).flatMap((s) => {
      if (typeof key === "number") return s.items ? [s.items] : [];
      const child =
        s.properties?.[key as string] ??
        (typeof s.additionalProperties === "object" ? s.additionalProperties : undefined);
      return child ? [child] : [];
    });
  }
  return [...new Set(level.flatMap(branches).flatMap((s) => Object.keys(s.properties ?? {})))];
}

function fail(file: string, input: unknown, error: z.ZodError, root: object): never {
  throw new ConfigError(formatIssues(file, input, error.issues, (path) => keysAt(root as JsonSchema, path)));
}

/** Parses a config file's text. Throws ConfigError listing every problem; never returns half a config. */
export function parseConfig(text: string, file: string): Config {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (e) {
    throw new ConfigError([`${file}: (top level): valid JSON (got a parse error: ${(e as Error).message})`]);
  }
  const result = configSchema.safeParse(input);
  if (!result.success) fail(file, input, result.error, configJsonSchema());
  return result.data;
}

/** Validates one environment's props (the construct's way in), with the same messages as a config file. */
export function parseEnvironment(props: EnvironmentInput, where = "props"): Environment {
  const result = environmentSchema.safeParse(props);
  if (!result.success) fail(where, props, result.error, environmentJsonSchema());
  return result.data;
}
