import { z } from "zod";
import { isUnresolvedToken } from "./tokens";

/**
 * Id and ARN fields: a literal must match its pattern, or it is an unresolved cdktf token, a
 * reference to a resource of the user's own app (`vpc.id`, `key.arn`).
 * A string matching `pattern` (reported as `allowed`) or a cdktf token; the JSON Schema keeps the pattern. */
export function ref(pattern: RegExp, allowed: string) {
  return z
    .string({ error: allowed })
    .refine((v) => pattern.test(v) || isUnresolvedToken(v), { error: allowed })
    .meta({ pattern: pattern.source });
}
