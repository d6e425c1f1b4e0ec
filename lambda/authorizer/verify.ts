// Cognito JWT verification: aws-jwt-verify's CognitoJwtVerifier (signature, exp, nbf, iss, token_use,
// client_id / aud), hardened where the library lets things through, with every library error mapped
// to a reason code. The JWKS comes through our own fetcher (jwks-fetcher.ts) so that JWKS_URI works.

import { CognitoJwtVerifier } from "aws-jwt-verify";
import {
  CognitoJwtInvalidClientIdError,
  CognitoJwtInvalidTokenUseError,
  FetchError,
  JwkInvalidKtyError,
  JwkInvalidUseError,
  JwksNotAvailableInCacheError,
  JwksValidationError,
  JwkValidationError,
  JwtExpiredError,
  JwtInvalidAudienceError,
  JwtInvalidClaimError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
  WaitPeriodNotYetEndedJwkError,
} from "aws-jwt-verify/error";
import { SimpleJwksCache, SimplePenaltyBox } from "aws-jwt-verify/jwk";
import type { CognitoJwtPayload } from "aws-jwt-verify/jwt-model";
import type { AuthorizerConfig } from "./config";
import { AuthorizerError, type Reason, TokenRejectedError } from "./errors";
import { JwksFetcher, type JwksFetcherOptions } from "./jwks-fetcher";

export type CognitoClaims = CognitoJwtPayload;

export interface TokenVerifier {
  /** Resolves with the verified claims, or rejects with an AuthorizerError (never anything else). */
  verify(token: string): Promise<CognitoClaims>;
  /** Preload the JWKS (cold start). Rejects if the endpoint is unavailable. */
  hydrate(): Promise<void>;
}

export interface TokenVerifierOptions extends JwksFetcherOptions {
  /** Tolerated clock difference for `iat`, in seconds. @default 60 */
  readonly clockSkewSeconds?: number;
  /** After a token with an unknown `kid` made us refetch the JWKS, refetch no sooner than this (s). @default 10 */
  readonly unknownKidWaitSeconds?: number;
}

// A compact JWS in base64url without padding (RFC 7515 §7.1, RFC 7515 §2 "Base64url Encoding").
// Checked before the library sees the token: standard base64, padding and whitespace are refused.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export function createTokenVerifier(
  config: Pick<AuthorizerConfig, "userPoolId" | "clientIds" | "tokenUse" | "jwksUri">,
  options: TokenVerifierOptions = {},
): TokenVerifier & { readonly fetcher: JwksFetcher } {
  const clockSkewSeconds = options.clockSkewSeconds ?? 60;
  const fetcher = new JwksFetcher(config.jwksUri, options);
  const jwksCache = new SimpleJwksCache({
    fetcher,
    penaltyBox: new SimplePenaltyBox({ waitSeconds: options.unknownKidWaitSeconds ?? 10 }),
  });
  const verifier = CognitoJwtVerifier.create(
    {
      userPoolId: config.userPoolId,
      tokenUse: config.tokenUse,
      clientId: [...config.clientIds],
      // Runs after the signature and the standard claims have been checked.
      customJwtCheck: ({ header, payload }) => {
        // RFC 7515 §4.1.11: a recipient that does not understand a `crit` extension must reject.
        if (header.crit !== undefined) throw new TokenRejectedError("malformed_token", "crit header present");
        // The library checks exp only when present; a token that never expires is not acceptable.
        if (typeof payload.exp !== "number") throw new TokenRejectedError("missing_exp", "no exp claim");
        if (typeof payload.iat === "number" && payload.iat > Date.now() / 1000 + clockSkewSeconds) {
          throw new TokenRejectedError("issued_in_future", "iat is in the future beyond the clock skew");
        }
      },
    },
    { jwksCache },
  );

  return {
    fetcher,
    async verify(token) {
      if (!COMPACT_JWS.test(token)) throw new TokenRejectedError("malformed_token", "not a compact JWS");
      try {
        return await verifier.verify(token);
      } catch (err) {
        throw toAuthorizerError(err);
      }
    },
    async hydrate() {
      try {
        await verifier.hydrate();
      } catch (err) {
        throw toAuthorizerError(err);
      }
    },
  };
}

// Library error class → reason code. Order matters: subclasses before their parents.
const LIBRARY_ERRORS: readonly [abstract new (...args: never[]) => Error, Reason][] = [
  [JwtExpiredError, "expired"],
  [JwtNotBeforeError, "not_yet_valid"],
  [JwtInvalidIssuerError, "wrong_issuer"],
  [CognitoJwtInvalidTokenUseError, "wrong_token_use"],
  [CognitoJwtInvalidClientIdError, "wrong_client"],
  [JwtInvalidAudienceError, "wrong_client"],
  [JwtInvalidSignatureAlgorithmError, "bad_signature"],
  [JwtInvalidSignatureError, "bad_signature"],
  [JwtInvalidClaimError, "invalid_claims"],
  [KidNotFoundInJwksError, "unknown_kid"],
  [WaitPeriodNotYetEndedJwkError, "unknown_kid"],
  [JwtWithoutValidKidError, "unknown_kid"],
  [JwtParseError, "malformed_token"],
  [FetchError, "jwks_unavailable"],
  [JwksValidationError, "jwks_unavailable"],
  [JwkValidationError, "jwks_unavailable"],
  [JwkInvalidUseError, "jwks_unavailable"],
  [JwkInvalidKtyError, "jwks_unavailable"],
  [JwksNotAvailableInCacheError, "jwks_unavailable"],
];

function toAuthorizerError(err: unknown): AuthorizerError {
  if (err instanceof AuthorizerError) return err;
  for (const [cls, reason] of LIBRARY_ERRORS) {
    // The library's messages can echo header values (kid, alg) from the token: keep them short.
    if (err instanceof cls) return new TokenRejectedError(reason, err.message.slice(0, 120));
  }
  // Anything unforeseen (a library bug, a bizarre key) still fails closed as a 401.
  const name = err instanceof Error ? err.name : typeof err;
  return new TokenRejectedError("internal_error", `unexpected ${name} during verification`);
}
