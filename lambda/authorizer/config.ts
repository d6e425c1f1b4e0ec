// Environment → typed, validated configuration. Parsed once, at cold start. A bad value throws a
// ConfigError naming the variable, so the function fails to load rather than serve with a guess.
//
// | variable     | meaning                                                        | default  |
// |--------------|----------------------------------------------------------------|----------|
// | USER_POOL_ID | Cognito user pool id, e.g. us-east-1_AbC123                    | required |
// | CLIENT_ID    | allowed app client ids, comma separated                        | required |
// | TOKEN_USE    | access or id                                                   | access   |
// | JWKS_URI     | fetch the pool's keys here instead of Cognito (http: loopback) | unset    |
// | ROUTE_RULES  | per-route rules, JSON (see route-rules.ts)                     | unset    |

import { ConfigError } from "./errors";
import { type CompiledRouteRules, parseRouteRules, RouteRulesError } from "./route-rules";

export type TokenUse = "access" | "id";

export interface AuthorizerConfig {
  readonly userPoolId: string;
  readonly region: string;
  readonly clientIds: readonly string[];
  readonly tokenUse: TokenUse;
  /** Where the pool's JWKS is fetched from: JWKS_URI, or Cognito's own endpoint for the pool. */
  readonly jwksUri: URL;
  /** Compiled route rules; undefined means every valid token may call every route. */
  readonly routeRules: CompiledRouteRules | undefined;
}

// Cognito's own format: <region>_<id>. The region part is what the issuer and JWKS URL are built from.
const USER_POOL_ID = /^([a-z]{2}(?:-[a-z]+)+-\d)_[0-9A-Za-z]{1,55}$/;
// Cognito app client ids are lowercase alphanumerics (26 characters on AWS; emulators use others).
const CLIENT_ID = /^[0-9A-Za-z]{1,128}$/;

type Env = Readonly<Record<string, string | undefined>>;

export function loadConfig(env: Env): AuthorizerConfig {
  const userPoolId = required(env, "USER_POOL_ID");
  const poolMatch = USER_POOL_ID.exec(userPoolId);
  if (!poolMatch) {
    throw new ConfigError("USER_POOL_ID", `expected a Cognito user pool id like us-east-1_AbC123`);
  }
  const region = poolMatch[1] as string;

  const clientIds = required(env, "CLIENT_ID")
    .split(",")
    .map((id) => id.trim());
  for (const id of clientIds) {
    if (!CLIENT_ID.test(id)) {
      throw new ConfigError("CLIENT_ID", `expected comma-separated app client ids (letters and digits only)`);
    }
  }

  const tokenUse = optional(env, "TOKEN_USE") ?? "access";
  if (tokenUse !== "access" && tokenUse !== "id") {
    throw new ConfigError("TOKEN_USE", `expected "access" or "id"`);
  }

  const jwksUriText = optional(env, "JWKS_URI");
  const jwksUri =
    jwksUriText === undefined
      ? new URL(`https://cognito-idp.${region}.amazonaws.com/${userPoolId}/.well-known/jwks.json`)
      : parseJwksUri(jwksUriText);

  const rulesText = optional(env, "ROUTE_RULES");
  let routeRules: CompiledRouteRules | undefined;
  if (rulesText !== undefined) {
    try {
      routeRules = parseRouteRules(rulesText);
    } catch (err) {
      if (err instanceof RouteRulesError) throw new ConfigError("ROUTE_RULES", err.message);
      throw err;
    }
  }

  return { userPoolId, region, clientIds: [...new Set(clientIds)], tokenUse, jwksUri, routeRules };
}

function required(env: Env, name: string): string {
  const value = optional(env, name);
  if (value === undefined) throw new ConfigError(name, "is required");
  return value;
}

/** Trimmed value, or undefined when unset or blank. */
function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

/** https anywhere; plain http only for loopback (a local emulator or a test server). */
function parseJwksUri(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError("JWKS_URI", "is not a URL");
  }
  if (url.username !== "" || url.password !== "") {
    throw new ConfigError("JWKS_URI", "must not carry credentials");
  }
  if (url.protocol === "https:") return url;
  if (url.protocol === "http:" && isLoopback(url.hostname)) return url;
  throw new ConfigError("JWKS_URI", "must be https (plain http is accepted only for loopback hosts)");
}

export function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}
