/**
 * Verification of the ALB's signed user claims header, `x-amzn-oidc-data`.
 *
 * After an authenticate-oidc or authenticate-cognito action, the ALB forwards the user info claims
 * of the identity provider as a JWT signed with ES256 (ECDSA, P-256, SHA-256). Its header carries
 * `alg`, `kid` (the signing key id), `signer` (the ALB's ARN), `iss`, `client` and `exp`. The public
 * key is a PEM document at `<key base>/<kid>`, the key base per partition and region from
 * contract.ts albPublicKeyBase (Application Load Balancer User Guide, "Authenticate users using an
 * Application Load Balancer", user claims encoding and signature verification; the guide's sample
 * checks `signer` against the expected ALB ARN before fetching the key).
 *
 * Why not aws-jwt-verify's AlbJwtVerifier (5.2.1, which does accept the padding): it fetches the key
 * and checks the signature before it checks `signer`, and it checks `iss` and `exp` in the payload,
 * not in the ALB's JWT header where the guide puts them; a token whose header has expired but whose
 * payload carries no `exp` verifies there (tried with tokens shaped like this module's tests).
 *
 * Quirks handled here:
 * - Padding: the ALB base64url-encodes the segments *with* `=` padding, which RFC 7515 forbids, so
 *   strict JWT libraries reject the header (awsdocs/elb-application-load-balancers-user-guide#42;
 *   Perl Crypt::JWT 0.037 added `tolerate_padding` for it). Segments are accepted with or without
 *   up to two `=`, and the signature is checked over the segments exactly as received.
 * - Signature format: JWS (IEEE P1363) `r || s`, 64 bytes, not DER.
 * - Key id: the URL is built from `kid`, so `kid` must be a UUID (as AWS's own aws-jwt-verify
 *   requires); anything else is refused before any fetch, which stops path or host injection.
 *
 * Order of checks: shape, `alg`, `kid`, `signer`, `client`, `iss`, `exp` (all refuse only; nothing is trusted yet),
 * then the key and the signature. Claims are returned only after the signature verified.
 */
import { createPublicKey, verify as verifySignature } from "node:crypto";
import type { KeyObject } from "node:crypto";

/** Seconds of clock difference tolerated on `exp`. */
export const CLOCK_SKEW_SECONDS = 60;
/** ALB request headers are at most 16 KB each. */
export const MAX_JWT_LENGTH = 16 * 1024;
export const KEY_FETCH_TIMEOUT_MS = 3_000;
/** Keys kept per Lambda container; ALB rotates keys rarely, so a handful is plenty. */
export const MAX_CACHED_KEYS = 16;
const MAX_PEM_BYTES = 8 * 1024;

const SEGMENT = /^[A-Za-z0-9_-]+={0,2}$/;
const KID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const KEY_BASE = /^https:\/\/[a-z0-9.-]+\.amazonaws\.com(\/[a-z0-9-]+)?$/;

export type AlbJwtFailure =
  | "malformed"
  | "bad_algorithm"
  | "bad_kid"
  | "wrong_signer"
  | "wrong_client"
  | "wrong_issuer"
  | "expired"
  | "key_unavailable"
  | "bad_signature";

/** A refused header; `reason` is safe to log (it never contains the token). */
export class AlbJwtError extends Error {
  constructor(
    readonly reason: AlbJwtFailure,
    message: string,
  ) {
    super(message);
    this.name = "AlbJwtError";
  }
}

export interface AlbJwtHeader {
  readonly alg: string;
  readonly kid: string;
  readonly signer: string;
  /** Expiry, epoch seconds. */
  readonly exp: number;
  readonly iss: string;
  readonly client: string;
}

/** The identity provider's user info claims (`sub`, `email`, groups, ...), as the ALB forwarded them. */
export type AlbClaims = Readonly<Record<string, unknown>>;

export interface VerifiedAlbJwt {
  readonly header: AlbJwtHeader;
  readonly claims: AlbClaims;
}

/** Fetches the PEM text at `url`; rejects on any failure. */
export type PublicKeyFetcher = (url: string) => Promise<string>;
/** Returns the public key for a (validated) kid. */
export type PublicKeyLookup = (kid: string) => Promise<KeyObject>;

export function isValidKid(kid: unknown): kid is string {
  return typeof kid === "string" && KID.test(kid);
}

/** The key URL for a kid under a key base (contract.ts albPublicKeyBase); throws for a base or kid that could change the host or path. */
export function albPublicKeyUrl(keyBase: string, kid: string): string {
  if (!KEY_BASE.test(keyBase)) throw new AlbJwtError("key_unavailable", `invalid key endpoint "${keyBase}"`);
  if (!isValidKid(kid)) throw new AlbJwtError("bad_kid", "kid is not a UUID");
  return `${keyBase}/${kid}`;
}

function decodeSegment(segment: string): Buffer {
  return Buffer.from(segment.replace(/=+$/, ""), "base64url");
}

function parseJsonObject(segment: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(decodeSegment(segment).toString("utf8"));
  } catch {
    throw new AlbJwtError("malformed", `${what} is not JSON`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new AlbJwtError("malformed", `${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

function epochSeconds(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^\d{1,12}$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

/** Loads a PEM public key and checks it is an EC P-256 key. */
export function parseAlbPublicKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: "pem" });
  } catch {
    throw new AlbJwtError("key_unavailable", "the public key is not a PEM key");
  }
  if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
    throw new AlbJwtError("key_unavailable", "the public key is not an EC P-256 key");
  }
  return key;
}

/** Production fetcher: HTTPS GET with a timeout, no redirects, at most MAX_PEM_BYTES read. */
export const fetchPem: PublicKeyFetcher = async (url) => {
  const res = await fetch(url, { redirect: "error", signal: AbortSignal.timeout(KEY_FETCH_TIMEOUT_MS) });
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`key endpoint answered HTTP ${res.status}`);
  }
  return readAtMost(res, MAX_PEM_BYTES);
};

/** The body as UTF-8, reading no further than `maxBytes` (and not at all when Content-Length says it is longer). */
async function readAtMost(res: Response, maxBytes: number): Promise<string> {
  const tooLarge = () => new Error("key endpoint answer is too large");
  const declared = Number(res.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) {
    await res.body?.cancel();
    throw tooLarge();
  }
  if (res.body === null) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * A per-kid key cache over `fetcher`, meant to live as long as the Lambda container. Concurrent
 * lookups of one kid share one fetch; failures are not cached; at most MAX_CACHED_KEYS keys are
 * kept (oldest dropped first).
 */
export function createPublicKeyLookup(
  keyBase: string,
  fetcher: PublicKeyFetcher = fetchPem,
  maxKeys = MAX_CACHED_KEYS,
): PublicKeyLookup {
  const keys = new Map<string, KeyObject>();
  const inFlight = new Map<string, Promise<KeyObject>>();
  return async (kid) => {
    const url = albPublicKeyUrl(keyBase, kid); // validates before anything else
    const cached = keys.get(kid);
    if (cached) return cached;
    let pending = inFlight.get(kid);
    if (!pending) {
      pending = (async () => {
        let pem: string;
        try {
          pem = await fetcher(url);
        } catch (err) {
          throw new AlbJwtError(
            "key_unavailable",
            `could not fetch the ALB public key: ${err instanceof Error ? err.message : String(err)}`,
          );
        }
        const key = parseAlbPublicKey(pem);
        if (keys.size >= maxKeys) keys.delete(keys.keys().next().value as string);
        keys.set(kid, key);
        return key;
      })().finally(() => inFlight.delete(kid));
      inFlight.set(kid, pending);
    }
    return pending;
  };
}

export interface VerifyAlbJwtOptions {
  /** The ARN of the ALB that must have signed the header. */
  readonly albArn: string;
  /** The listener's client id; the header's `client` must equal it. */
  readonly clientId: string;
  /** The listener's issuer; the header's `iss` must equal it. */
  readonly issuer: string;
  /** Public key by kid (see createPublicKeyLookup). */
  readonly publicKey: PublicKeyLookup;
  /** Current time in epoch milliseconds; default Date.now(). */
  readonly nowMs?: number;
  /** Default CLOCK_SKEW_SECONDS. */
  readonly clockSkewSeconds?: number;
}

/**
 * Verifies an `x-amzn-oidc-data` value and returns its header and claims, or throws AlbJwtError.
 * Nothing from the token is trusted before every check below has passed.
 */
export async function verifyAlbJwt(token: string | undefined, opts: VerifyAlbJwtOptions): Promise<VerifiedAlbJwt> {
  if (typeof token !== "string" || token.length === 0) throw new AlbJwtError("malformed", "the header is missing");
  if (token.length > MAX_JWT_LENGTH) throw new AlbJwtError("malformed", "the header is too long");
  const parts = token.trim().split(".");
  if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p)))
    throw new AlbJwtError("malformed", "the header is not a three-part JWT");
  const [headerB64, payloadB64, signatureB64] = parts as [string, string, string];

  const header = parseJsonObject(headerB64, "the JWT header");
  if (header.alg !== "ES256") throw new AlbJwtError("bad_algorithm", "alg is not ES256");
  if (!isValidKid(header.kid)) throw new AlbJwtError("bad_kid", "kid is not a UUID");
  if (typeof header.signer !== "string" || header.signer !== opts.albArn)
    throw new AlbJwtError("wrong_signer", "signer is not the expected load balancer");
  // The header names the listener's IdP configuration (ALB guide: `iss` and `client` in the JWT header).
  if (typeof header.client !== "string" || header.client !== opts.clientId)
    throw new AlbJwtError("wrong_client", "client is not the listener's client id");
  if (typeof header.iss !== "string" || header.iss !== opts.issuer)
    throw new AlbJwtError("wrong_issuer", "iss is not the listener's issuer");
  const exp = epochSeconds(header.exp);
  const nowSeconds = (opts.nowMs ?? Date.now()) / 1000;
  const skew = opts.clockSkewSeconds ?? CLOCK_SKEW_SECONDS;
  if (exp === undefined) throw new AlbJwtError("malformed", "exp is missing from the JWT header");
  if (exp + skew < nowSeconds) throw new AlbJwtError("expired", "the header has expired");

  const key = await opts.publicKey(header.kid);
  const signature = decodeSegment(signatureB64);
  if (signature.length !== 64) throw new AlbJwtError("bad_signature", "the signature is not 64 bytes");
  const signed = Buffer.from(`${headerB64}.${payloadB64}`, "ascii");
  if (!verifySignature("sha256", signed, { key, dsaEncoding: "ieee-p1363" }, signature)) {
    throw new AlbJwtError("bad_signature", "the signature does not verify");
  }

  const claims = parseJsonObject(payloadB64, "the JWT payload");
  // The payload may carry the identity provider's own exp; honour it when present.
  const claimsExp = epochSeconds(claims.exp);
  if (claimsExp !== undefined && claimsExp + skew < nowSeconds)
    throw new AlbJwtError("expired", "the claims have expired");

  return {
    header: {
      alg: header.alg,
      kid: header.kid,
      signer: header.signer,
      exp,
      iss: header.iss,
      client: header.client,
    },
    claims,
  };
}
