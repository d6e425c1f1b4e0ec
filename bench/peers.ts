// Dev-only benchmark code: the floor and the common alternatives our authorizer is compared with.
// None of this ships. Each peer gets the same tokens and keys as ours, loaded locally (no network).

import { createPublicKey, type KeyObject, verify as cryptoVerify } from "node:crypto";
import { CognitoJwtVerifier } from "aws-jwt-verify";
import jsonwebtoken from "jsonwebtoken";
import type { Jwk } from "../tools/issuer";
import type { TokenEvent } from "./fixtures";

export type PeerHandler = (event: TokenEvent) => Promise<unknown>;

/**
 * The floor: one RS256 signature check with node:crypto on a cached public KeyObject, plus the
 * least any verifier must do to get at the signature (split at the last dot, base64url-decode).
 */
export function floorVerify(publicKey: KeyObject, token: string): boolean {
  const dot = token.lastIndexOf(".");
  return cryptoVerify(
    "RSA-SHA256",
    Buffer.from(token.slice(0, dot)),
    publicKey,
    Buffer.from(token.slice(dot + 1), "base64url"),
  );
}

function exactArnAllow(principalId: string, methodArn: string): unknown {
  return {
    principalId,
    policyDocument: {
      Version: "2012-10-17",
      Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: methodArn }],
    },
  };
}

/**
 * aws-jwt-verify's README "API Gateway Lambda Authorizer - REST" (token type): the raw token in
 * authorizationToken (no `Bearer ` grammar), verify, Allow the exact method ARN, log nothing.
 * README's `scope: "read"` is left out: our handler without rules checks no scope either.
 */
export function awsJwtVerifyReadme(jwks: { keys: Jwk[] }, userPoolId: string, clientId: string): PeerHandler {
  const jwtVerifier = CognitoJwtVerifier.create({ userPoolId, tokenUse: "access", clientId });
  // The README fetches the JWKS on first use; here it is loaded up front, as our verifier's hydrate does.
  jwtVerifier.cacheJwks(jwks as unknown as Parameters<typeof jwtVerifier.cacheJwks>[0]);
  return async (event) => {
    const accessToken = event.authorizationToken.slice("Bearer ".length);
    let payload;
    try {
      payload = await jwtVerifier.verify(accessToken);
    } catch {
      throw new Error("Unauthorized");
    }
    return exactArnAllow(payload.sub, event.methodArn);
  };
}

/** jose: `jwtVerify` against a local JWK set (keys imported once, then cached by jose). */
export async function joseAuthorizer(
  jwks: { keys: Jwk[] },
  issuer: string,
  clientId: string,
): Promise<PeerHandler> {
  const { createLocalJWKSet, jwtVerify } = await import("jose");
  const keySet = createLocalJWKSet(jwks);
  return async (event) => {
    const token = event.authorizationToken.slice("Bearer ".length);
    let sub: string | undefined;
    try {
      const { payload } = await jwtVerify(token, keySet, { issuer, algorithms: ["RS256"] });
      if (payload.token_use !== "access" || payload.client_id !== clientId) throw new Error("claims");
      sub = payload.sub;
    } catch {
      throw new Error("Unauthorized");
    }
    return exactArnAllow(sub ?? "", event.methodArn);
  };
}

/**
 * jsonwebtoken with a PEM, the pattern of many samples: decode to find the kid, look up the PEM that
 * jwks-rsa's `getSigningKey(kid).getPublicKey()` would return (jwks-rsa is not installed; the PEM is
 * exported once with node:crypto, which is what jwks-rsa caches), then `jwt.verify(token, pem)`.
 */
export function jsonwebtokenPem(jwks: { keys: Jwk[] }, issuer: string, clientId: string): PeerHandler {
  const pems = new Map<string, string>();
  for (const jwk of jwks.keys) {
    const pem = createPublicKey({ key: { kty: jwk.kty, n: jwk.n, e: jwk.e }, format: "jwk" }).export({
      type: "spki",
      format: "pem",
    });
    pems.set(jwk.kid, pem.toString());
  }
  return (event) => {
    const token = event.authorizationToken.slice("Bearer ".length);
    try {
      const decoded = jsonwebtoken.decode(token, { complete: true });
      const pem = decoded?.header.kid === undefined ? undefined : pems.get(decoded.header.kid);
      if (pem === undefined) throw new Error("kid");
      const payload = jsonwebtoken.verify(token, pem, { algorithms: ["RS256"], issuer });
      if (typeof payload === "string" || payload.token_use !== "access" || payload.client_id !== clientId) {
        throw new Error("claims");
      }
      return Promise.resolve(exactArnAllow(payload.sub ?? "", event.methodArn));
    } catch {
      return Promise.reject(new Error("Unauthorized"));
    }
  };
}
