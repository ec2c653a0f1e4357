/**
 * Groups for a Cognito sign-in. Cognito's userInfo answer, which the ALB signs into
 * `x-amzn-oidc-data`, carries no groups; the access token the ALB forwards in
 * `x-amzn-oidc-accesstoken` ("the access token from the token endpoint, in plain text": ALB User
 * Guide, user claims encoding) carries `cognito:groups` and is signed by the user pool (Cognito
 * Developer Guide, "Understanding the access token"). It is verified here with aws-jwt-verify's
 * CognitoJwtVerifier: signature against the pool's JWKS, issuer, `token_use` = access, `client_id`
 * = the listener's app client, expiry. Its `sub` must be the person the ALB header names.
 */
import { CognitoJwtVerifier } from "aws-jwt-verify/cognito-verifier";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import { COGNITO_GROUPS_CLAIM } from "./contract";
import { CLOCK_SKEW_SECONDS } from "./jwt";
import { parseGroups } from "./roles";

/** Fetches the user pool's JWKS document (JSON text) at `url`. */
export type JwksFetcher = (url: string) => Promise<string>;

export type AccessTokenFailure = "access_token_invalid" | "access_token_other_user";

export class AccessTokenError extends Error {
  constructor(
    readonly reason: AccessTokenFailure,
    message: string,
  ) {
    super(message);
    this.name = "AccessTokenError";
  }
}

export interface CognitoGroupsVerifier {
  /** The person's groups from a verified access token whose `sub` is `sub`; throws AccessTokenError. */
  groupsOf(accessToken: string, sub: unknown): Promise<string[]>;
}

/** One verifier per container: the JWKS is fetched once and cached by the library. */
export function createCognitoGroupsVerifier(
  userPoolId: string,
  clientId: string,
  fetchJwks?: JwksFetcher,
): CognitoGroupsVerifier {
  const jwksCache =
    fetchJwks !== undefined
      ? new SimpleJwksCache({
          fetcher: {
            fetch: async (uri: string) => new TextEncoder().encode(await fetchJwks(uri)).buffer as ArrayBuffer,
          },
        })
      : undefined;
  // The same clock skew as the ALB header: both tokens come in one request, judged by one clock.
  const verifier = CognitoJwtVerifier.create(
    { userPoolId, tokenUse: "access", clientId, graceSeconds: CLOCK_SKEW_SECONDS },
    jwksCache !== undefined ? { jwksCache } : undefined,
  );
  return {
    async groupsOf(accessToken, sub) {
      let payload: Readonly<Record<string, unknown>>;
      try {
        payload = (await verifier.verify(accessToken)) as unknown as Readonly<Record<string, unknown>>;
      } catch (err) {
        // The library's messages name claims and expected values, never the token.
        throw new AccessTokenError(
          "access_token_invalid",
          err instanceof Error ? `${err.name}: ${err.message}` : String(err),
        );
      }
      if (typeof sub !== "string" || payload.sub !== sub)
        throw new AccessTokenError(
          "access_token_other_user",
          "the access token belongs to another user than the ALB header",
        );
      return parseGroups(payload[COGNITO_GROUPS_CLAIM]);
    },
  };
}
