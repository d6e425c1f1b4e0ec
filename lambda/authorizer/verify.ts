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
  ParameterValidationError,
  WaitPeriodNotYetEndedJwkError,
} from "aws-jwt-verify/error";
import { SimpleJwksCache, SimplePenaltyBox } from "aws-jwt-verify/jwk";
import type { CognitoJwtPayload, JwtHeader, JwtPayload } from "aws-jwt-verify/jwt-model";
import type { AuthorizerConfig } from "./config";
import { cognitoIssuer } from "./contract";
import { AuthorizerError, JwksUnavailableError, type Reason, TokenRejectedError } from "./errors";
import { JwksFetcher, type JwksFetcherOptions } from "./jwks-fetcher";

export type CognitoClaims = CognitoJwtPayload;

export interface TokenVerifier {
  /** Resolves with the verified claims, or rejects with an AuthorizerError (never anything else). */
  verify(token: string): Promise<CognitoClaims>;
  /** Preload the JWKS (cold start). Rejects if the endpoint is unavailable. */
  hydrate(): Promise<void>;
  /**
   * After hydrate: build each key's KeyObject and run the verification code once (on a throwaway
   * token that fails its signature check), so the first real request pays no JIT or key import.
   */
  warmUp(): void;
}

export interface TokenVerifierOptions extends JwksFetcherOptions {
  /** Tolerated clock difference for `iat`, in seconds. @default 60 */
  readonly clockSkewSeconds?: number;
  /** After a token with an unknown `kid` made us refetch the JWKS, refetch no sooner than this (s). @default 10 */
  readonly unknownKidWaitSeconds?: number;
  /**
   * Refetch the JWKS in the background once it is this old (s), so that a key withdrawn from the
   * pool stops being trusted. aws-jwt-verify alone keeps a JWKS forever and refetches only for an
   * unknown `kid`. A failed refresh keeps the current keys and is retried 30 s later. @default 900
   */
  readonly jwksMaxAgeSeconds?: number;
  /**
   * Current time in epoch milliseconds, for the time checks made here (`exp`, `iat`); the same clock
   * as the verified-token cache's (AuthorizerDeps.clock). It can only make the checks stricter:
   * `exp` is checked at the later of this clock and real time, `iat` at the earlier, and
   * aws-jwt-verify's own `exp` and `nbf` checks run first on real time.
   * @default Date.now
   */
  readonly clock?: () => number;
}

// A compact JWS in base64url without padding (RFC 7515 §7.1, RFC 7515 §2 "Base64url Encoding").
// Checked before the library sees the token: standard base64, padding and whitespace are refused.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * RFC 4648 §3.5: the unused low bits of a segment's last character must be zero. Node's decoder
 * ignores them, so without this check one signature has up to 16 spellings, each a distinct
 * "token" string (a fresh key for API Gateway's cache and ours, and a way around exact-match
 * denylists). O(1): only the last character of each segment can carry unused bits.
 */
function isCanonicalBase64url(segment: string): boolean {
  const rest = segment.length % 4;
  if (rest === 0) return true;
  if (rest === 1) return false; // 6 bits cannot end a byte
  const last = BASE64URL.indexOf(segment.charAt(segment.length - 1));
  return (last & (rest === 2 ? 0b1111 : 0b11)) === 0;
}

/**
 * Routes aws-jwt-verify's JWKS requests to each pool's own fetcher. The library asks for Cognito's
 * URL of the pool whose `iss` the token names (`https://cognito-idp.<region>.amazonaws.com/<pool>/
 * .well-known/jwks.json`, or the `issuer-cognito-idp` spelling): the pool id in it picks the fetcher,
 * so a token is only ever checked with the keys of its own pool.
 */
class PoolJwksFetchers {
  constructor(private readonly byPool: ReadonlyMap<string, JwksFetcher>) {}

  fetch(uri: string): Promise<ArrayBuffer> {
    const pool = /\/([^/]+)\/\.well-known\/jwks\.json$/.exec(uri)?.[1];
    const fetcher = pool === undefined ? undefined : this.byPool.get(pool);
    if (fetcher === undefined)
      return Promise.reject(new JwksUnavailableError("JWKS of an unconfigured pool"));
    return fetcher.fetch();
  }
}

export function createTokenVerifier(
  config: Pick<AuthorizerConfig, "userPoolId" | "clientIds" | "tokenUse" | "jwksUri"> &
    Partial<Pick<AuthorizerConfig, "extraPools">>,
  options: TokenVerifierOptions = {},
): TokenVerifier & { readonly fetcher: JwksFetcher; readonly fetchers: ReadonlyMap<string, JwksFetcher> } {
  const clockSkewSeconds = options.clockSkewSeconds ?? 60;
  const injected = options.clock;
  const jwksMaxAgeMs = (options.jwksMaxAgeSeconds ?? 900) * 1000;
  const fetcher = new JwksFetcher(config.jwksUri, options);
  const pools = [
    { userPoolId: config.userPoolId, clientIds: config.clientIds, tokenUse: config.tokenUse, fetcher },
    ...(config.extraPools ?? []).map((p) => ({ ...p, fetcher: new JwksFetcher(p.jwksUri, options) })),
  ];
  const fetchers = new Map(pools.map((p) => [p.userPoolId, p.fetcher]));
  const jwksCache = new SimpleJwksCache({
    fetcher: new PoolJwksFetchers(fetchers),
    penaltyBox: new SimplePenaltyBox({ waitSeconds: options.unknownKidWaitSeconds ?? 10 }),
  });
  // One entry per pool: aws-jwt-verify picks the entry by the token's `iss` and checks the token
  // against that pool's clients and token use only; an `iss` of any other pool is refused.
  // https://github.com/awslabs/aws-jwt-verify#verifying-jwts-from-multiple-user-pools
  const verifier = CognitoJwtVerifier.create(
    pools.map((pool) => ({
      userPoolId: pool.userPoolId,
      tokenUse: pool.tokenUse,
      clientId: [...pool.clientIds],
      // Runs after the signature and the standard claims have been checked.
      customJwtCheck: ({ header, payload }: { header: JwtHeader; payload: JwtPayload }) => {
        // RFC 7515 §4.1.11: a recipient that does not understand a `crit` extension must reject.
        if (header.crit !== undefined) throw new TokenRejectedError("malformed_token", "crit header present");
        // The library checks exp only when present; a token that never expires is not acceptable.
        if (typeof payload.exp !== "number") throw new TokenRejectedError("missing_exp", "no exp claim");
        const real = Date.now();
        const now = injected === undefined ? real : injected();
        // On the cache's clock, with the cache's rule (an entry is stale at exp): both agree on expiry.
        if (payload.exp <= Math.max(now, real) / 1000) {
          throw new TokenRejectedError("expired", "exp is not in the future");
        }
        const earliestNow = Math.min(now, real) / 1000;
        if (typeof payload.iat === "number" && payload.iat > earliestNow + clockSkewSeconds) {
          throw new TokenRejectedError("issued_in_future", "iat is in the future beyond the clock skew");
        }
      },
    })),
    { jwksCache },
  );

  // Epoch ms after which the next request starts a background JWKS refresh.
  let refreshAt = Number.POSITIVE_INFINITY;
  const hydrate = async (): Promise<void> => {
    try {
      await verifier.hydrate();
      refreshAt = Date.now() + jwksMaxAgeMs;
    } catch (err) {
      refreshAt = Date.now() + 30_000;
      throw toAuthorizerError(err);
    }
  };

  return {
    fetcher,
    fetchers,
    async verify(token) {
      if (Date.now() >= refreshAt) {
        refreshAt = Date.now() + 30_000; // one refresh in flight at a time
        hydrate().catch(() => undefined); // the current keys stay in use meanwhile
      }
      if (!COMPACT_JWS.test(token)) throw new TokenRejectedError("malformed_token", "not a compact JWS");
      const dot1 = token.indexOf(".");
      const dot2 = token.indexOf(".", dot1 + 1);
      if (
        !isCanonicalBase64url(token.slice(0, dot1)) ||
        !isCanonicalBase64url(token.slice(dot1 + 1, dot2)) ||
        !isCanonicalBase64url(token.slice(dot2 + 1))
      ) {
        throw new TokenRejectedError("malformed_token", "not canonical base64url");
      }
      // Synchronous first: with the key cached (the usual case) this skips the async machinery.
      // Only a key that is not cached yet (cold JWKS, rotation) takes the async path, which fetches
      // the JWKS under aws-jwt-verify's penalty box.
      try {
        return verifier.verifySync(token);
      } catch (err) {
        if (!(err instanceof JwksNotAvailableInCacheError || err instanceof KidNotFoundInJwksError)) {
          throw toAuthorizerError(err);
        }
      }
      try {
        return await verifier.verify(token);
      } catch (err) {
        throw toAuthorizerError(err);
      }
    },
    warmUp() {
      const issuer = cognitoIssuer(config.userPoolId);
      const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");
      const exp = Math.floor(Date.now() / 1000) + 60;
      for (const kid of fetcher.keyIds) {
        const header = b64({ kid, alg: "RS256" });
        const payload = b64({
          iss: issuer,
          exp,
          token_use: config.tokenUse,
          client_id: "warm-up",
          aud: "warm-up",
        });
        try {
          verifier.verifySync(`${header}.${payload}.${Buffer.alloc(256).toString("base64url")}`);
        } catch {
          // Expected: the signature is not valid. The key import and the code paths are now warm.
        }
      }
    },
    hydrate,
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
  // Configuration errors surface at create() during cold start; at verify time the library raises
  // this only for a token whose `iss` (missing, or another pool's) matches no configured issuer.
  [ParameterValidationError, "wrong_issuer"],
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
