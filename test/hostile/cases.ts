// The hostile-input table: forged, tampered, mistyped and oversized inputs, each with the reason code
// the decision log must record. Every case must end in `Error("Unauthorized")` (401), never in a
// policy and never in any other throw (a 500). Shared by hostile.test.ts and logs.test.ts.
//
// Tokens are real RS256 signatures (or deliberate forgeries) verified by aws-jwt-verify against the
// loopback JWKS server: nothing is mocked. Events are built when the case runs, so `exp` is fresh.

import { createHmac, sign } from "node:crypto";
import { MAX_AUTHORIZATION_HEADER_LENGTH } from "../../lambda/authorizer/bearer-token";
import type { Reason } from "../../lambda/authorizer/errors";
import { methodArn, requestEvent, tokenEvent } from "../helpers/harness";
import {
  accessClaims,
  b64url,
  type Claims,
  clientCredentialsClaims,
  type Header,
  idClaims,
  nowSeconds,
  OTHER_CLIENT_ID,
  signToken,
  TEST_USER_POOL_ID,
  type TestKey,
} from "../../tools/issuer";

export interface HostileContext {
  /** The pool's key: the one the authorizer's JWKS serves. */
  readonly key: TestKey;
  /** A key the attacker controls (never in the pool's JWKS). */
  readonly attacker: TestKey;
  /** A second loopback server serving the attacker's key; jku / x5u point at it. */
  readonly attackerUrl: string;
}

export interface HostileCase {
  readonly name: string;
  /** The reason the decision log line must carry. */
  readonly reason: Reason;
  readonly event: (ctx: HostileContext) => unknown;
}

const SIX_MB = 6 * 1024 * 1024;

/** Sign exactly this header (no defaults added) with RS256. */
export function signRaw(key: TestKey, header: Header, claims: Claims): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${b64url(sign("RSA-SHA256", Buffer.from(input), key.privateKey))}`;
}

function hs256(header: Header, claims: Claims, secret: string | Buffer): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
}

/** Replace claims in a signed token's payload, keeping its header and its original signature. */
export function tamper(token: string, overrides: Claims): string {
  const [header, payload, signature] = token.split(".") as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Claims;
  return `${header}.${b64url(JSON.stringify({ ...claims, ...overrides }))}.${signature}`;
}

/** Replace header fields of a signed token, keeping its payload and its original signature. */
function tamperHeader(token: string, overrides: Header): string {
  const [header, payload, signature] = token.split(".") as [string, string, string];
  const parsed = JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as Header;
  return `${b64url(JSON.stringify({ ...parsed, ...overrides }))}.${payload}.${signature}`;
}

/** A valid token re-encoded in the standard base64 alphabet; guaranteed to contain `+` or `/`. */
function standardBase64Token(key: TestKey): string {
  for (;;) {
    const token = signToken(key, accessClaims());
    const standard = token.replace(/-/g, "+").replace(/_/g, "/");
    if (standard !== token) return standard;
  }
}

const bearer = (token: string): Record<string, unknown> => tokenEvent(`Bearer ${token}`);
const valid = (ctx: HostileContext): string => signToken(ctx.key, accessClaims());
const withoutSignature = (token: string): string => token.slice(0, token.lastIndexOf(".") + 1);
const withKid = (kid: unknown) => (ctx: HostileContext) =>
  bearer(signRaw(ctx.key, { alg: "RS256", kid }, accessClaims()));
const wrongIssuer = (name: string, iss: string): HostileCase => ({
  name,
  reason: "wrong_issuer",
  event: (ctx) => bearer(signToken(ctx.key, accessClaims({ iss }))),
});

const NONE_SPELLINGS = ["none", "None", "NONE", "nOnE"] as const;

export const HOSTILE_CASES: readonly HostileCase[] = [
  // --- alg "none" (RFC 7518 §3.6): the JWK says RS256, so nothing but RS256 is accepted ---------------
  ...NONE_SPELLINGS.flatMap((alg): HostileCase[] => [
    {
      name: `alg ${alg} with an empty signature`,
      reason: "malformed_token",
      event: (ctx) => bearer(withoutSignature(signRaw(ctx.key, { alg, kid: ctx.key.kid }, accessClaims()))),
    },
    {
      name: `alg ${alg} keeping a real RS256 signature`,
      reason: "bad_signature",
      event: (ctx) => bearer(signRaw(ctx.key, { alg, kid: ctx.key.kid }, accessClaims())),
    },
  ]),
  {
    name: "alg none without kid and without signature",
    reason: "malformed_token",
    event: () => bearer(`${b64url('{"alg":"none"}')}.${b64url(JSON.stringify(accessClaims()))}.`),
  },
  {
    name: "alg none without kid, signature 'x'",
    reason: "unknown_kid",
    event: () => bearer(`${b64url('{"alg":"none"}')}.${b64url(JSON.stringify(accessClaims()))}.eA`),
  },

  // --- algorithm confusion --------------------------------------------------------------------------
  {
    name: "HS256 signed with the public key PEM as the HMAC secret",
    reason: "bad_signature",
    event: (ctx) =>
      bearer(
        hs256(
          { alg: "HS256", kid: ctx.key.kid },
          accessClaims(),
          ctx.key.publicKey.export({ type: "spki", format: "pem" }),
        ),
      ),
  },
  {
    name: "HS256 signed with the public JWK's JSON bytes as the HMAC secret",
    reason: "bad_signature",
    event: (ctx) =>
      bearer(hs256({ alg: "HS256", kid: ctx.key.kid }, accessClaims(), JSON.stringify(ctx.key.jwk))),
  },
  {
    name: "HS256 signed with an empty secret",
    reason: "bad_signature",
    event: (ctx) => bearer(hs256({ alg: "HS256", kid: ctx.key.kid }, accessClaims(), Buffer.alloc(0))),
  },
  {
    name: "alg missing, real RSA signature",
    reason: "bad_signature",
    event: (ctx) => bearer(signRaw(ctx.key, { kid: ctx.key.kid }, accessClaims())),
  },
  ...(["RS512", "PS256", "ES256", "EdDSA"] as const).map((alg): HostileCase => ({
    name: `alg ${alg} with an RS256 signature by the pool's key`,
    reason: "bad_signature",
    event: (ctx) => bearer(signRaw(ctx.key, { alg, kid: ctx.key.kid }, accessClaims())),
  })),

  // --- keys offered by the token itself (RFC 7515 §4.1.2–4.1.6): never trusted, never fetched ---------
  {
    name: "embedded jwk header with the attacker's key and kid",
    reason: "unknown_kid",
    event: (ctx) =>
      bearer(
        signRaw(ctx.attacker, { alg: "RS256", kid: ctx.attacker.kid, jwk: ctx.attacker.jwk }, accessClaims()),
      ),
  },
  {
    name: "embedded jwk header with the attacker's key under the pool's kid",
    reason: "bad_signature",
    event: (ctx) =>
      bearer(
        signRaw(
          ctx.attacker,
          { alg: "RS256", kid: ctx.key.kid, jwk: { ...ctx.attacker.jwk, kid: ctx.key.kid } },
          accessClaims(),
        ),
      ),
  },
  {
    name: "jku header pointing at the attacker's JWKS (attacker's kid)",
    reason: "unknown_kid",
    event: (ctx) =>
      bearer(
        signRaw(ctx.attacker, { alg: "RS256", kid: ctx.attacker.kid, jku: ctx.attackerUrl }, accessClaims()),
      ),
  },
  {
    name: "jku header pointing at the attacker's JWKS (pool's kid)",
    reason: "bad_signature",
    event: (ctx) =>
      bearer(signRaw(ctx.attacker, { alg: "RS256", kid: ctx.key.kid, jku: ctx.attackerUrl }, accessClaims())),
  },
  {
    name: "x5u header pointing at the attacker's server",
    reason: "unknown_kid",
    event: (ctx) =>
      bearer(
        signRaw(ctx.attacker, { alg: "RS256", kid: ctx.attacker.kid, x5u: ctx.attackerUrl }, accessClaims()),
      ),
  },
  {
    name: "x5c header carrying the attacker's public key",
    reason: "bad_signature",
    event: (ctx) =>
      bearer(
        signRaw(
          ctx.attacker,
          {
            alg: "RS256",
            kid: ctx.key.kid,
            x5c: [ctx.attacker.publicKey.export({ type: "spki", format: "der" }).toString("base64")],
          },
          accessClaims(),
        ),
      ),
  },
  {
    name: "a token signed by another key under the pool's kid",
    reason: "bad_signature",
    event: (ctx) => bearer(signRaw(ctx.attacker, { alg: "RS256", kid: ctx.key.kid }, accessClaims())),
  },

  // --- kid injection ----------------------------------------------------------------------------------
  { name: "kid path traversal ../../etc/passwd", reason: "unknown_kid", event: withKid("../../etc/passwd") },
  { name: "kid SQL injection ' OR 1=1 --", reason: "unknown_kid", event: withKid("' OR 1=1 --") },
  {
    name: "kid with a NUL byte",
    reason: "unknown_kid",
    event: (ctx) => withKid(`${ctx.key.kid}\u0000`)(ctx),
  },
  { name: "kid empty string", reason: "unknown_kid", event: withKid("") },
  { name: "kid of 5 KB (under the header cap)", reason: "unknown_kid", event: withKid("k".repeat(5 * 1024)) },
  {
    name: "kid of 10 KB (over the header cap)",
    reason: "oversized_token",
    event: withKid("k".repeat(10 * 1024)),
  },
  { name: "kid as a number", reason: "malformed_token", event: withKid(42) },
  {
    name: "kid as an array holding the pool's kid",
    reason: "malformed_token",
    event: (ctx) => withKid([ctx.key.kid])(ctx),
  },
  { name: "kid null", reason: "malformed_token", event: withKid(null) },
  { name: "kid as an object", reason: "malformed_token", event: (ctx) => withKid({ kid: ctx.key.kid })(ctx) },

  // --- tampered claims, original signature --------------------------------------------------------------
  ...(
    [
      ["sub", { sub: "99999999-9999-9999-9999-999999999999" }],
      ["client_id", { client_id: OTHER_CLIENT_ID }],
      ["scope", { scope: "admin/write aws.cognito.signin.user.admin" }],
      ["cognito:groups", { "cognito:groups": ["readers", "admins"] }],
      ["exp (extended by a year)", { exp: nowSeconds() + 365 * 86400 }],
      ["token_use (id → access on an ID token)", { token_use: "access" }],
    ] as const
  ).map(([claim, overrides]): HostileCase => ({
    name: `tampered ${claim} with the original signature`,
    reason: "bad_signature",
    event: (ctx) =>
      bearer(tamper(claim.startsWith("token_use") ? signToken(ctx.key, idClaims()) : valid(ctx), overrides)),
  })),
  {
    name: "tampered header (typ changed) with the original signature",
    reason: "bad_signature",
    event: (ctx) =>
      bearer(tamperHeader(signToken(ctx.key, accessClaims(), { typ: "JWT" }), { typ: "at+jwt" })),
  },

  // --- wrong issuer (validly signed by the pool's key) ----------------------------------------------------
  wrongIssuer(
    "issuer over http instead of https",
    `http://cognito-idp.us-east-1.amazonaws.com/${TEST_USER_POOL_ID}`,
  ),
  wrongIssuer(
    "issuer with a trailing slash",
    `https://cognito-idp.us-east-1.amazonaws.com/${TEST_USER_POOL_ID}/`,
  ),
  wrongIssuer("issuer in another region", `https://cognito-idp.us-west-2.amazonaws.com/${TEST_USER_POOL_ID}`),
  wrongIssuer("issuer of another pool", "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OtherPool9"),
  wrongIssuer(
    "issuer with the pool id in another case",
    `https://cognito-idp.us-east-1.amazonaws.com/${TEST_USER_POOL_ID.toLowerCase()}`,
  ),
  wrongIssuer(
    "issuer with the host in upper case",
    `https://COGNITO-IDP.us-east-1.amazonaws.com/${TEST_USER_POOL_ID}`,
  ),
  wrongIssuer(
    "issuer-cognito-idp global form for another pool",
    "https://issuer-cognito-idp.us-east-1.amazonaws.com/us-east-1_OtherPool9",
  ),
  {
    name: "issuer missing",
    reason: "wrong_issuer",
    event: (ctx) => {
      const claims = accessClaims();
      delete claims.iss;
      return bearer(signToken(ctx.key, claims));
    },
  },

  // --- wrong token kind or audience ---------------------------------------------------------------------
  {
    name: "ID token where access tokens are configured",
    reason: "wrong_token_use",
    event: (ctx) => bearer(signToken(ctx.key, idClaims())),
  },
  {
    name: "token_use refresh",
    reason: "wrong_token_use",
    event: (ctx) => bearer(signToken(ctx.key, accessClaims({ token_use: "refresh" }))),
  },
  {
    name: "access token of another app client",
    reason: "wrong_client",
    event: (ctx) => bearer(signToken(ctx.key, accessClaims({ client_id: OTHER_CLIENT_ID }))),
  },
  {
    name: "access token without client_id",
    reason: "wrong_client",
    event: (ctx) => {
      const claims = accessClaims();
      delete claims.client_id;
      return bearer(signToken(ctx.key, claims));
    },
  },

  // --- time claims --------------------------------------------------------------------------------------
  {
    name: "expired one second ago",
    reason: "expired",
    event: (ctx) => bearer(signToken(ctx.key, accessClaims({ exp: nowSeconds() - 1 }))),
  },
  {
    name: "expired an hour ago",
    reason: "expired",
    event: (ctx) =>
      bearer(signToken(ctx.key, accessClaims({ iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 }))),
  },
  {
    name: "nbf an hour in the future",
    reason: "not_yet_valid",
    event: (ctx) => bearer(signToken(ctx.key, accessClaims({ nbf: nowSeconds() + 3600 }))),
  },
  {
    name: "no exp claim",
    reason: "missing_exp",
    event: (ctx) => {
      const claims = accessClaims();
      delete claims.exp;
      return bearer(signToken(ctx.key, claims));
    },
  },
  {
    name: "exp as a string",
    reason: "malformed_token",
    event: (ctx) => bearer(signToken(ctx.key, accessClaims({ exp: String(nowSeconds() + 3600) }))),
  },
  {
    name: "iat 2 minutes in the future (beyond the 60 s skew)",
    reason: "issued_in_future",
    event: (ctx) => bearer(signToken(ctx.key, accessClaims({ iat: nowSeconds() + 120 }))),
  },
  {
    name: "iat a day in the future",
    reason: "issued_in_future",
    event: (ctx) =>
      bearer(signToken(ctx.key, accessClaims({ iat: nowSeconds() + 86400, exp: nowSeconds() + 90000 }))),
  },
  {
    name: "crit header (RFC 7515 §4.1.11)",
    reason: "malformed_token",
    event: (ctx) => bearer(signToken(ctx.key, accessClaims(), { crit: ["exp"] })),
  },
  {
    name: "crit header null",
    reason: "malformed_token",
    event: (ctx) => bearer(signToken(ctx.key, accessClaims(), { crit: null })),
  },

  // --- encoding -----------------------------------------------------------------------------------------
  {
    name: "standard base64 alphabet (+ and /)",
    reason: "malformed_token",
    event: (ctx) => bearer(standardBase64Token(ctx.key)),
  },
  {
    name: "= padding after the signature",
    reason: "malformed_token",
    event: (ctx) => bearer(`${valid(ctx)}==`),
  },
  {
    name: "= padding after the header segment",
    reason: "malformed_header",
    event: (ctx) => bearer(valid(ctx).replace(".", "=.")),
  },
  {
    name: "a space inside the token",
    reason: "malformed_header",
    event: (ctx) => {
      const t = valid(ctx);
      return bearer(`${t.slice(0, 40)} ${t.slice(40)}`);
    },
  },
  {
    name: "a newline inside the token",
    reason: "malformed_header",
    event: (ctx) => {
      const t = valid(ctx);
      return bearer(`${t.slice(0, 40)}\n${t.slice(40)}`);
    },
  },
  { name: "four segments", reason: "malformed_token", event: (ctx) => bearer(`${valid(ctx)}.c2ln`) },
  {
    name: "two segments",
    reason: "malformed_token",
    event: (ctx) => bearer(withoutSignature(valid(ctx)).slice(0, -1)),
  },
  {
    name: "header segment that is not JSON",
    reason: "malformed_token",
    event: (ctx) => bearer(`${b64url("not json")}.${valid(ctx).split(".").slice(1).join(".")}`),
  },
  {
    name: "JSON array as payload",
    reason: "malformed_token",
    event: (ctx) => bearer(signRaw(ctx.key, { alg: "RS256", kid: ctx.key.kid }, [1, 2] as unknown as Claims)),
  },

  // --- size ---------------------------------------------------------------------------------------------
  {
    name: "Authorization header one byte over the cap",
    reason: "oversized_token",
    event: (ctx) => {
      const header = `Bearer ${valid(ctx)}`;
      return tokenEvent(header + "A".repeat(MAX_AUTHORIZATION_HEADER_LENGTH + 1 - header.length));
    },
  },
  {
    name: "6 MB Authorization header (TOKEN)",
    reason: "oversized_token",
    event: () => tokenEvent(`Bearer ${"A".repeat(SIX_MB)}`),
  },
  {
    name: "6 MB Authorization header (REQUEST)",
    reason: "oversized_token",
    event: () => requestEvent({ Authorization: `Bearer ${"A".repeat(SIX_MB)}` }),
  },
  {
    name: "6 MB value in multiValueHeaders (REQUEST)",
    reason: "oversized_token",
    event: () => requestEvent(null, { Authorization: [`Bearer ${"A".repeat(SIX_MB)}`] }),
  },

  // --- malformed Authorization header (RFC 6750 §2.1) ----------------------------------------------------
  {
    name: "TOKEN event without authorizationToken",
    reason: "missing_token",
    event: () => ({ type: "TOKEN", methodArn: methodArn("GET", "/items") }),
  },
  { name: "empty Authorization header", reason: "missing_token", event: () => tokenEvent("") },
  { name: "whitespace-only Authorization header", reason: "missing_token", event: () => tokenEvent(" \t ") },
  {
    name: "the bare token without a scheme",
    reason: "malformed_header",
    event: (ctx) => tokenEvent(valid(ctx)),
  },
  { name: "'Bearer' alone", reason: "malformed_header", event: () => tokenEvent("Bearer") },
  { name: "Basic scheme", reason: "malformed_header", event: () => tokenEvent("Basic dXNlcjpwYXNzd29yZA==") },
  {
    name: "Token scheme with a valid token",
    reason: "malformed_header",
    event: (ctx) => tokenEvent(`Token ${valid(ctx)}`),
  },
  {
    name: "Bearer: with a colon",
    reason: "malformed_header",
    event: (ctx) => tokenEvent(`Bearer:${valid(ctx)}`),
  },
  {
    name: "tab as the separator",
    reason: "malformed_header",
    event: (ctx) => tokenEvent(`Bearer\t${valid(ctx)}`),
  },
  {
    name: "NBSP as the separator",
    reason: "malformed_header",
    event: (ctx) => tokenEvent(`Bearer\u00a0${valid(ctx)}`),
  },
  { name: "no separator", reason: "malformed_header", event: (ctx) => tokenEvent(`Bearer${valid(ctx)}`) },
  {
    name: "trailing text after the token",
    reason: "malformed_header",
    event: (ctx) => tokenEvent(`Bearer ${valid(ctx)} extra`),
  },
  {
    name: "two tokens, comma separated",
    reason: "malformed_header",
    event: (ctx) => tokenEvent(`Bearer ${valid(ctx)}, Bearer ${valid(ctx)}`),
  },
  {
    name: "two tokens, space separated",
    reason: "malformed_header",
    event: (ctx) => tokenEvent(`Bearer ${valid(ctx)} ${valid(ctx)}`),
  },
  {
    name: "non-ASCII after the token",
    reason: "malformed_header",
    event: (ctx) => tokenEvent(`Bearer ${valid(ctx)}é`),
  },
  {
    name: "Cyrillic е in the scheme",
    reason: "malformed_header",
    event: (ctx) => tokenEvent(`B\u0435arer ${valid(ctx)}`),
  },
  {
    name: "fullwidth token characters",
    reason: "malformed_header",
    event: () => tokenEvent("Bearer ｅｙＪ.ｅｙＪ.ｓｉｇ"),
  },

  // --- REQUEST header conflicts --------------------------------------------------------------------------
  {
    name: "REQUEST: two casings of Authorization with different values",
    reason: "conflicting_headers",
    event: (ctx) =>
      requestEvent({
        Authorization: `Bearer ${valid(ctx)}`,
        authorization: `Bearer ${signToken(ctx.attacker, accessClaims())}`,
      }),
  },
  {
    name: "REQUEST: multiValueHeaders with two values",
    reason: "conflicting_headers",
    event: (ctx) => requestEvent(null, { Authorization: [`Bearer ${valid(ctx)}`, "Bearer evil.evil.evil"] }),
  },
  {
    name: "REQUEST: headers and multiValueHeaders disagree",
    reason: "conflicting_headers",
    event: (ctx) =>
      requestEvent({ Authorization: `Bearer ${valid(ctx)}` }, { Authorization: ["Bearer evil.evil.evil"] }),
  },
  {
    name: "REQUEST: no Authorization header at all",
    reason: "missing_token",
    event: () => requestEvent({ Host: "example.com" }, { Host: ["example.com"] }),
  },
  {
    name: "REQUEST: token only in the query string",
    reason: "missing_token",
    event: (ctx) => ({ ...requestEvent(null), queryStringParameters: { access_token: valid(ctx) } }),
  },

  // --- null and mistyped events ---------------------------------------------------------------------------
  { name: "event null", reason: "malformed_event", event: () => null },
  { name: "event undefined", reason: "malformed_event", event: () => undefined },
  { name: "event a number", reason: "malformed_event", event: () => 42 },
  { name: "event a string", reason: "malformed_event", event: (ctx) => `Bearer ${valid(ctx)}` },
  { name: "event an array", reason: "malformed_method_arn", event: (ctx) => [bearer(valid(ctx))] },
  { name: "event {}", reason: "malformed_method_arn", event: () => ({}) },
  {
    name: "type missing",
    reason: "malformed_event",
    event: (ctx) => ({ authorizationToken: `Bearer ${valid(ctx)}`, methodArn: methodArn("GET", "/items") }),
  },
  {
    name: "type in lower case",
    reason: "malformed_event",
    event: (ctx) => ({ ...bearer(valid(ctx)), type: "token" }),
  },
  {
    name: "methodArn missing",
    reason: "malformed_method_arn",
    event: (ctx) => ({ type: "TOKEN", authorizationToken: `Bearer ${valid(ctx)}` }),
  },
  {
    name: "methodArn garbage",
    reason: "malformed_method_arn",
    event: (ctx) => ({ ...bearer(valid(ctx)), methodArn: "arn:aws:execute-api:*:*:*/*/*/*" }),
  },
  {
    name: "methodArn an object",
    reason: "malformed_method_arn",
    event: (ctx) => ({ ...bearer(valid(ctx)), methodArn: { toString: "arn" } }),
  },
  {
    name: "authorizationToken an object",
    reason: "malformed_event",
    event: (ctx) => tokenEvent({ value: `Bearer ${valid(ctx)}` }),
  },
  {
    name: "authorizationToken an array",
    reason: "malformed_event",
    event: (ctx) => tokenEvent([`Bearer ${valid(ctx)}`]),
  },
  {
    name: "REQUEST: headers an array",
    reason: "malformed_event",
    event: (ctx) => ({ ...requestEvent(null), headers: [["Authorization", `Bearer ${valid(ctx)}`]] }),
  },
  {
    name: "REQUEST: Authorization value a number",
    reason: "malformed_event",
    event: () => requestEvent({ Authorization: 42 }),
  },
  {
    name: "REQUEST: multiValueHeaders entry a string, not an array",
    reason: "malformed_event",
    event: (ctx) => requestEvent(null, { Authorization: `Bearer ${valid(ctx)}` }),
  },
  // --- machine clients (client_credentials) and pools ---------------------------------------------------
  {
    name: "client_credentials token of a client that is not allowed",
    reason: "wrong_client",
    event: (ctx) => bearer(signToken(ctx.key, clientCredentialsClaims({ client_id: OTHER_CLIENT_ID }))),
  },
  {
    name: "client_credentials shape with sub another client's id (not its own)",
    reason: "invalid_claims",
    event: (ctx) => bearer(signToken(ctx.key, clientCredentialsClaims({ sub: OTHER_CLIENT_ID }))),
  },
  {
    name: "user access token with its username removed (posing as a client)",
    reason: "invalid_claims",
    event: (ctx) => {
      const claims = accessClaims();
      delete claims.username;
      return bearer(signToken(ctx.key, claims));
    },
  },
  {
    name: "client_credentials token with username tampered in (signature kept)",
    reason: "bad_signature",
    event: (ctx) => bearer(tamper(signToken(ctx.key, clientCredentialsClaims()), { username: "admin" })),
  },
  {
    name: "client_credentials token with cognito:groups tampered in (signature kept)",
    reason: "bad_signature",
    event: (ctx) =>
      bearer(tamper(signToken(ctx.key, clientCredentialsClaims()), { "cognito:groups": ["admins"] })),
  },
  {
    name: "iss of an unconfigured pool of the same region",
    reason: "wrong_issuer",
    event: (ctx) =>
      bearer(
        signToken(
          ctx.key,
          accessClaims({ iss: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other" }),
        ),
      ),
  },
];
