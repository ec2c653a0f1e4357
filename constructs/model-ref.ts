import { z } from "zod";

/**
 * Id and ARN fields: a literal must match its pattern, or it is an unresolved cdktf token, a
 * reference to a resource of the user's own app (`vpc.id`, `key.arn`). Tokens are checked with
 * cdktf's `Token.isUnresolved`, loaded only when a value is not a valid literal, so validating a
 * config file never loads cdktf.
 */
export function isUnresolvedToken(value: unknown): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("cdktf") as typeof import("cdktf")).Token.isUnresolved(value);
}

/** A string matching `pattern` (reported as `allowed`) or a cdktf token; the JSON Schema keeps the pattern. */
export function ref(pattern: RegExp, allowed: string) {
  return z
    .string({ error: allowed })
    .refine((v) => pattern.test(v) || isUnresolvedToken(v), { error: allowed })
    .meta({ pattern: pattern.source });
}
