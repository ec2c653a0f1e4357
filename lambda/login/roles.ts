/** Who the person is and which Airflow role they get: pure decisions over verified claims. */
import { createHash } from "node:crypto";
import type { RoleMappingEntry } from "./config";

/**
 * The person's groups from a claim value, each a whole name, never split or decoded: a JSON array
 * of strings, or a string that is one group name. No delimiter or encoding inside a string claim is
 * documented for the IdPs this supports: splitting made "Not admins" match a mapping for "admins",
 * and decoding would let a group named '["admins"]' match "admins". Cognito's access
 * token holds "a list of the user's groups" (Cognito Developer Guide, "Understanding the access
 * token"); an OIDC IdP's groups claim should be a JSON array (README, access.sso).
 */
export function parseGroups(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === "string" && g !== "");
  return typeof value === "string" && value !== "" ? [value] : [];
}

export interface RoleChoice {
  readonly airflowRole: string;
  /** The mapping entry's group that matched; absent when the default role was used. */
  readonly group?: string;
}

/** First entry of `mapping` (in order) whose group the person is in (whole, case-sensitive name); else the default role; else undefined. */
export function chooseAirflowRole(
  groups: readonly string[],
  mapping: readonly RoleMappingEntry[],
  defaultRole?: string,
): RoleChoice | undefined {
  const mine = new Set(groups);
  const hit = mapping.find((m) => mine.has(m.group));
  if (hit) return { airflowRole: hit.airflowRole, group: hit.group };
  return defaultRole !== undefined ? { airflowRole: defaultRole } : undefined;
}

export interface Identity {
  /** What the person is called in logs: the verified email, else `sub`. */
  readonly value: string;
  readonly source: "email" | "sub";
}

/**
 * The person: `email` only when the IdP says it is verified (`email_verified` true; Cognito's
 * userInfo sends the string "true"), else `sub`, which the ALB guide calls "the best way to
 * identify a given user". An unverified email is a name anyone could type.
 */
export function identityOf(claims: Readonly<Record<string, unknown>>): Identity | undefined {
  const email = claims.email;
  const verified = claims.email_verified === true || claims.email_verified === "true";
  if (verified && typeof email === "string" && email.trim() !== "") return { value: email.trim(), source: "email" };
  const sub = claims.sub;
  if (typeof sub === "string" && sub.trim() !== "") return { value: sub.trim(), source: "sub" };
  return undefined;
}

/** STS: RoleSessionName and SourceIdentity are 2 to 64 characters of `[\w+=,.@-]` (STS API Reference, AssumeRole). */
export const STS_NAME_MAX = 64;
/** 80 bits: out of reach of a search for a second identity with the same hash (48 bits: about a GPU-day, a reviewer's estimate). */
const HASH_CHARS = 20;

/**
 * The RoleSessionName and SourceIdentity for an identity: the identity with characters outside
 * `[\w+=,.@-]` as `-`, cut to fit, then `.` and 20 hex characters of the sha256 of the full
 * identity and its source. Sanitising and cutting alone made different people one (`jane doe@x`
 * and `jane-doe@x`); the hash keeps them apart, and SourceIdentity cannot be changed later. Never
 * starts with `aws:` (reserved; `:` is not in the character set anyway).
 */
export function sessionName(identity: Identity): string {
  const hash = createHash("sha256").update(`${identity.source}:${identity.value}`).digest("hex").slice(0, HASH_CHARS);
  const readable = identity.value.replace(/[^\w+=,.@-]/g, "-").slice(0, STS_NAME_MAX - HASH_CHARS - 1);
  return `${readable}.${hash}`;
}
