// Dev tooling: a throwaway Cognito-like issuer (generated RSA key, real RS256, Cognito-shaped claims).

import { createPrivateKey, generateKeyPairSync, type KeyObject, randomUUID, sign } from "node:crypto";

export const TEST_REGION = "us-east-1";
export const TEST_USER_POOL_ID = "us-east-1_TestPool1";
export const TEST_CLIENT_ID = "testclient0000000000000001";
export const OTHER_CLIENT_ID = "otherclient000000000000002";
// Spelled out, not built with the contract's cognitoIssuer: the tests' oracle stays independent of it.
export const TEST_ISSUER = `https://cognito-idp.${TEST_REGION}.amazonaws.com/${TEST_USER_POOL_ID}`;

export interface Jwk {
  kty: string;
  n?: string;
  e?: string;
  kid: string;
  alg: string;
  use: string;
}

/**
 * A generated signing key. Its tokens are verified by the real aws-jwt-verify, never a mock, against
 * a JWKS served over loopback (jwks-server.ts).
 */
export interface TestKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly jwk: Jwk;
}

export function generateTestKey(kid = `test-${randomUUID()}`): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const exported = publicKey.export({ format: "jwk" });
  const jwk: Jwk = { kty: "RSA", n: exported.n, e: exported.e, kid, alg: "RS256", use: "sig" };
  return { kid, privateKey, publicKey, jwk };
}

export function b64url(input: string | Buffer): string {
  return Buffer.from(input).toString("base64url");
}

export type Claims = Record<string, unknown>;
export type Header = Record<string, unknown>;

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Claims of a Cognito access token for TEST_CLIENT_ID, valid for an hour. */
export function accessClaims(overrides: Claims = {}): Claims {
  const now = nowSeconds();
  return {
    sub: "11111111-2222-3333-4444-555555555555",
    "cognito:groups": ["readers"],
    iss: TEST_ISSUER,
    client_id: TEST_CLIENT_ID,
    origin_jti: randomUUID(),
    event_id: randomUUID(),
    token_use: "access",
    scope: "aws.cognito.signin.user.admin",
    auth_time: now,
    exp: now + 3600,
    iat: now,
    jti: randomUUID(),
    username: "reader",
    ...overrides,
  };
}

/**
 * Claims of a Cognito access token from the `client_credentials` grant (a machine client), valid for
 * an hour: `sub` is the client id, no `username`, no `cognito:groups`, the granted resource-server
 * scopes in `scope`.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html
 */
export function clientCredentialsClaims(overrides: Claims = {}): Claims {
  const now = nowSeconds();
  const clientId = typeof overrides.client_id === "string" ? overrides.client_id : TEST_CLIENT_ID;
  return {
    sub: clientId,
    token_use: "access",
    scope: "items/read",
    auth_time: now,
    iss: TEST_ISSUER,
    exp: now + 3600,
    iat: now,
    version: 2,
    jti: randomUUID(),
    client_id: clientId,
    ...overrides,
  };
}

/** Claims of a Cognito ID token for TEST_CLIENT_ID, valid for an hour. */
export function idClaims(overrides: Claims = {}): Claims {
  const now = nowSeconds();
  return {
    sub: "11111111-2222-3333-4444-555555555555",
    "cognito:groups": ["readers"],
    email_verified: true,
    iss: TEST_ISSUER,
    "cognito:username": "reader",
    origin_jti: randomUUID(),
    aud: TEST_CLIENT_ID,
    event_id: randomUUID(),
    token_use: "id",
    auth_time: now,
    exp: now + 3600,
    iat: now,
    jti: randomUUID(),
    email: "reader@example.com",
    ...overrides,
  };
}

/** Sign claims with RS256 (or return an unsigned/forged token when the header asks for another alg). */
export function signToken(key: TestKey, claims: Claims, header: Header = {}): string {
  const fullHeader = { kid: key.kid, alg: "RS256", ...header };
  const input = `${b64url(JSON.stringify(fullHeader))}.${b64url(JSON.stringify(claims))}`;
  const signature = sign("RSA-SHA256", Buffer.from(input), key.privateKey);
  return `${input}.${b64url(signature)}`;
}

/** Build a token from raw parts without signing (for forgeries). */
export function rawToken(header: Header, claims: Claims, signature: string): string {
  return `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}.${signature}`;
}

export function privateKeyFromPem(pem: string): KeyObject {
  return createPrivateKey(pem);
}
