/**
 * Whether a value is an unresolved cdktf token (a reference to a resource of the user's own app).
 * cdktf is loaded on first use, so validating a config file never loads it; zod-free, so a
 * construct can ask without loading the schemas.
 */
export function isUnresolvedToken(value: unknown): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("cdktf") as typeof import("cdktf")).Token.isUnresolved(value);
}
