// The local stack's OAuth 2.0 token endpoint for the `client_credentials` grant (machine clients),
// which cognito-local 5.3.0 does not have (its /oauth2/token serves authorization_code and
// refresh_token only, and writes a fixed scope into every token).
//
// Cognito's contract, https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html:
// `POST /oauth2/token`, `Content-Type: application/x-www-form-urlencoded`, `grant_type=client_credentials`,
// the client authenticated by HTTP Basic (`client_id:client_secret`), optional `scope` (space
// separated; each must be one the app client is allowed, and with no `scope` the client gets all of
// its custom scopes). Success: 200 `{access_token, expires_in, token_type: "Bearer"}`. Failure: 400
// `{"error": "<code>"}` with the codes of RFC 6749 §5.2 (invalid_request, invalid_client,
// unauthorized_client, unsupported_grant_type, invalid_scope).
//
// The access token has Cognito's claim set for this grant: `sub` and `client_id` are the client id,
// no `username`, no `cognito:groups`, the granted scopes in `scope`, `version: 2`.
// https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html
// It is signed with the emulator's key and carries the emulator's issuer (Cognito's URL for the
// pool), so the production verifier accepts it with JWKS_URI pointing at the emulator, unchanged.
//
// Where it differs from Cognito (README, "Run it locally"): its own port, not the pool's domain;
// client_secret_basic only (no client_secret in the body); nothing but client_credentials (the other
// grants stay with cognito-local on the emulator's port); no pre token generation trigger; no
// rate limits.

import { createSign, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { closeServer, listenOn } from "../ports";

/** An app client as the token endpoint needs it (DescribeUserPoolClient's fields). */
export interface TokenEndpointClient {
  readonly clientId: string;
  readonly userPoolId: string;
  /** Undefined for a public client, which cannot use client_credentials. */
  readonly clientSecret: string | undefined;
  readonly allowedOAuthFlows: readonly string[];
  readonly allowedOAuthScopes: readonly string[];
  /** Lifetime of the access tokens it gets. */
  readonly accessTokenValiditySeconds: number;
}

export interface SigningKey {
  /** PKCS#1 or PKCS#8 PEM of the RSA private key. */
  readonly pem: string;
  /** The `kid` the JWKS publishes for it. */
  readonly kid: string;
}

export interface TokenEndpointProps {
  /** `https://cognito-idp.<region>.amazonaws.com`: the issuer is `<issuerDomain>/<userPoolId>`. */
  readonly issuerDomain: string;
  readonly signingKey: SigningKey;
  /** The app client with this id, or undefined when there is none. */
  readonly lookupClient: (clientId: string) => Promise<TokenEndpointClient | undefined>;
  /** @default "127.0.0.1" */
  readonly host?: string;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** Epoch milliseconds. @default Date.now */
  readonly clock?: () => number;
}

/** RFC 6749 §5.2 error codes, as Cognito's token endpoint answers them. */
export const TOKEN_ERRORS = [
  "invalid_request",
  "invalid_client",
  "unauthorized_client",
  "unsupported_grant_type",
  "invalid_scope",
] as const;
export type TokenError = (typeof TOKEN_ERRORS)[number];

/** Scopes that are not a resource server's (`<identifier>/<name>`) are for user sign-in only. */
const isCustomScope = (scope: string): boolean => scope.includes("/");
const MAX_BODY_BYTES = 16 * 1024;

class TokenRequestError extends Error {
  constructor(readonly code: TokenError) {
    super(code);
  }
}

export class TokenEndpoint {
  private constructor(
    private readonly server: Server,
    /** `http://127.0.0.1:<port>/oauth2/token` */
    readonly url: string,
  ) {}

  static async start(props: TokenEndpointProps): Promise<TokenEndpoint> {
    const host = props.host ?? "127.0.0.1";
    const requested = props.port ?? 0;
    const server = createServer((req, res) => {
      handle(props, req).then(
        (body) => send(res, 200, body),
        (err: unknown) => {
          if (err instanceof TokenRequestError) send(res, 400, { error: err.code });
          else send(res, 500, { error: "server_error" });
        },
      );
    });
    const port = await listenOn(server, "token endpoint", requested, host);
    return new TokenEndpoint(server, `http://${host}:${port}/oauth2/token`);
  }

  stop(): Promise<void> {
    return closeServer(this.server);
  }
}

async function handle(props: TokenEndpointProps, req: IncomingMessage): Promise<object> {
  const path = (req.url ?? "").split("?")[0];
  if (req.method !== "POST" || path !== "/oauth2/token") throw new TokenRequestError("invalid_request");
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") throw new TokenRequestError("invalid_request");
  const params = new URLSearchParams(await readBody(req));
  for (const key of new Set(params.keys())) {
    // RFC 6749 §3.2: request parameters must not be included more than once.
    if (params.getAll(key).length > 1) throw new TokenRequestError("invalid_request");
  }
  const grantType = params.get("grant_type");
  if (grantType === null) throw new TokenRequestError("invalid_request");
  if (grantType !== "client_credentials") throw new TokenRequestError("unsupported_grant_type");

  // Client authentication: HTTP Basic with client_id:client_secret (RFC 6749 §2.3.1).
  const basic = parseBasic(req.headers.authorization);
  if (basic === undefined) throw new TokenRequestError("invalid_client");
  const bodyClientId = params.get("client_id");
  if (bodyClientId !== null && bodyClientId !== basic.clientId) throw new TokenRequestError("invalid_client");
  const client = await props.lookupClient(basic.clientId);
  if (client?.clientSecret === undefined || !sameSecret(client.clientSecret, basic.secret)) {
    throw new TokenRequestError("invalid_client");
  }
  if (!client.allowedOAuthFlows.includes("client_credentials")) {
    throw new TokenRequestError("unauthorized_client");
  }

  const allowed = client.allowedOAuthScopes.filter(isCustomScope);
  const requestedText = params.get("scope");
  const requested = requestedText === null ? allowed : requestedText.split(" ").filter((s) => s !== "");
  if (requested.length === 0 || requested.some((s) => !allowed.includes(s))) {
    throw new TokenRequestError("invalid_scope");
  }

  const now = Math.floor((props.clock ?? Date.now)() / 1000);
  const claims = {
    sub: client.clientId,
    token_use: "access",
    scope: [...new Set(requested)].join(" "),
    auth_time: now,
    iss: `${props.issuerDomain}/${client.userPoolId}`,
    exp: now + client.accessTokenValiditySeconds,
    iat: now,
    version: 2,
    jti: randomUUID(),
    client_id: client.clientId,
  };
  return {
    access_token: signRs256(claims, props.signingKey),
    expires_in: client.accessTokenValiditySeconds,
    token_type: "Bearer",
  };
}

function parseBasic(header: string | undefined): { clientId: string; secret: string } | undefined {
  const match = /^Basic +([A-Za-z0-9+/]+=*)$/i.exec(header?.trim() ?? "");
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] as string, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) return undefined;
  // RFC 6749 §2.3.1: id and secret are form-urlencoded before the Basic encoding.
  try {
    return {
      clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, " ")),
      secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, " ")),
    };
  } catch {
    return undefined;
  }
}

function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function signRs256(claims: object, key: SigningKey): string {
  const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString("base64url");
  const input = `${b64({ kid: key.kid, alg: "RS256" })}.${b64(claims)}`;
  const signature = createSign("RSA-SHA256").update(input).sign(key.pem).toString("base64url");
  return `${input}.${signature}`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new TokenRequestError("invalid_request"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: object): void {
  // RFC 6749 §5.1: token responses are not to be cached.
  res.writeHead(status, {
    "Content-Type": "application/json;charset=UTF-8",
    "Cache-Control": "no-store",
    Pragma: "no-cache",
  });
  res.end(JSON.stringify(body));
}
