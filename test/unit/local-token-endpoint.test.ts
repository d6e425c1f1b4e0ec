// The local stack's client_credentials token endpoint (infra/local/cognito/token-endpoint.ts), on
// loopback, signing with the emulator's own key: its tokens are judged by the production verifier
// (config loader, aws-jwt-verify through our fetcher, JWKS served over loopback), its refusals by
// Cognito's error codes.

import cognitoLocalPrivate from "cognito-local/lib/keys/cognitoLocal.private.json";
import cognitoLocalPublic from "cognito-local/lib/keys/cognitoLocal.public.json";
import { loadConfig } from "../../lambda/authorizer/config";
import { createTokenVerifier } from "../../lambda/authorizer/verify";
import { TokenEndpoint, type TokenEndpointClient } from "../../infra/local/cognito/token-endpoint";
import { JwksServer } from "../../tools/jwks-server";

const POOL = "us-east-1_LocalPool1";
const MACHINE: TokenEndpointClient = {
  clientId: "machineclient0000000000001",
  userPoolId: POOL,
  clientSecret: "s3cret+with/odd=chars",
  allowedOAuthFlows: ["client_credentials"],
  allowedOAuthScopes: ["items/read", "items/write"],
  accessTokenValiditySeconds: 900,
};
const PUBLIC: TokenEndpointClient = {
  ...MACHINE,
  clientId: "publicclient00000000000001",
  clientSecret: undefined,
  allowedOAuthFlows: ["code"],
  allowedOAuthScopes: ["openid", "items/read"],
};
const NO_GRANT: TokenEndpointClient = {
  ...MACHINE,
  clientId: "codeclient0000000000000001",
  allowedOAuthFlows: ["code"],
};

const basic = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;

describe("local token endpoint (client_credentials)", () => {
  let endpoint: TokenEndpoint;
  let jwks: JwksServer;
  const now = Date.now();

  beforeAll(async () => {
    const clients = new Map([MACHINE, PUBLIC, NO_GRANT].map((c) => [c.clientId, c]));
    endpoint = await TokenEndpoint.start({
      issuerDomain: "https://cognito-idp.us-east-1.amazonaws.com",
      signingKey: { pem: cognitoLocalPrivate.pem, kid: cognitoLocalPrivate.jwk.kid },
      lookupClient: (id) => Promise.resolve(clients.get(id)),
      clock: () => now,
    });
    jwks = await JwksServer.start([cognitoLocalPublic.jwk]);
  });
  afterAll(async () => {
    await endpoint.stop();
    await jwks.stop();
  });

  async function post(
    body: string,
  ): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
    const res = await fetch(endpoint.url, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Authorization: basic(MACHINE.clientId, MACHINE.clientSecret as string),
      },
      body,
    });
    return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
  }

  async function verifiedClaims(token: string): Promise<Record<string, unknown>> {
    const config = loadConfig({
      USER_POOL_ID: POOL,
      CLIENT_ID: MACHINE.clientId,
      JWKS_URI: jwks.url,
      ROUTE_RULES: "*",
    });
    return await createTokenVerifier(config).verify(token);
  }

  it("issues a Bearer access token with Cognito's client_credentials claims that the production verifier accepts", async () => {
    // Act
    const res = await post("grant_type=client_credentials&scope=items%2Fread");
    // Assert
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.json).toEqual({ access_token: expect.any(String), expires_in: 900, token_type: "Bearer" });
    const claims = await verifiedClaims(res.json.access_token as string);
    const iat = Math.floor(now / 1000);
    expect(claims).toEqual({
      sub: MACHINE.clientId,
      token_use: "access",
      scope: "items/read",
      auth_time: iat,
      iss: `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`,
      exp: iat + 900,
      iat,
      version: 2,
      jti: expect.any(String),
      client_id: MACHINE.clientId,
    });
  });

  it("grants every custom scope of the client when the request names none (never openid and the like)", async () => {
    const res = await post("grant_type=client_credentials");
    expect(res.status).toBe(200);
    expect((await verifiedClaims(res.json.access_token as string))["scope"]).toBe("items/read items/write");
  });

  const FORM = "application/x-www-form-urlencoded";
  const machine = basic(MACHINE.clientId, MACHINE.clientSecret as string);
  // [case, body, Authorization header (null: none), content type, Cognito's error code]
  it.each<[string, string, string | null, string, string]>([
    [
      "a scope the client is not allowed",
      "grant_type=client_credentials&scope=items%2Fdelete",
      machine,
      FORM,
      "invalid_scope",
    ],
    [
      "one allowed scope and one not",
      "grant_type=client_credentials&scope=items%2Fread+items%2Fadmin",
      machine,
      FORM,
      "invalid_scope",
    ],
    ["a user sign-in scope", "grant_type=client_credentials&scope=openid", machine, FORM, "invalid_scope"],
    [
      "a wrong secret",
      "grant_type=client_credentials",
      basic(MACHINE.clientId, "wrong"),
      FORM,
      "invalid_client",
    ],
    [
      "an unknown client",
      "grant_type=client_credentials",
      basic("nosuchclient", "x"),
      FORM,
      "invalid_client",
    ],
    ["no client authentication", "grant_type=client_credentials", null, FORM, "invalid_client"],
    [
      "a Bearer header instead of Basic",
      "grant_type=client_credentials",
      "Bearer abc",
      FORM,
      "invalid_client",
    ],
    [
      "a client without a secret",
      "grant_type=client_credentials",
      basic(PUBLIC.clientId, ""),
      FORM,
      "invalid_client",
    ],
    [
      "a body client_id that is not the Basic one",
      `grant_type=client_credentials&client_id=${PUBLIC.clientId}`,
      machine,
      FORM,
      "invalid_client",
    ],
    [
      "a client without the client_credentials flow",
      "grant_type=client_credentials",
      basic(NO_GRANT.clientId, NO_GRANT.clientSecret as string),
      FORM,
      "unauthorized_client",
    ],
    [
      "another grant type",
      "grant_type=password&username=a&password=b",
      machine,
      FORM,
      "unsupported_grant_type",
    ],
    ["no grant type", "scope=items%2Fread", machine, FORM, "invalid_request"],
    [
      "a repeated parameter",
      "grant_type=client_credentials&grant_type=client_credentials",
      machine,
      FORM,
      "invalid_request",
    ],
    ["a JSON body", '{"grant_type":"client_credentials"}', machine, "application/json", "invalid_request"],
  ])("refuses %s: 400 with Cognito's error code", async (_, body, authorization, contentType, error) => {
    // Act
    const res = await fetch(endpoint.url, {
      method: "POST",
      headers: {
        "Content-Type": contentType,
        ...(authorization === null ? {} : { Authorization: authorization }),
      },
      body,
    });
    // Assert
    expect({ status: res.status, json: await res.json() }).toEqual({
      status: 400,
      json: { error },
    });
  });
});
