// Environment → typed, validated configuration. Parsed once, at cold start. A bad value throws a
// ConfigError naming the variable, so the function fails to load rather than serve with a guess.
//
// | variable     | meaning                                                        | default  |
// |--------------|----------------------------------------------------------------|----------|
// | USER_POOL_ID | Cognito user pool id, e.g. us-east-1_AbC123                    | required |
// | CLIENT_ID    | allowed app client ids, comma separated                        | required |
// | TOKEN_USE    | access or id                                                   | access   |
// | JWKS_URI     | fetch the pool's keys here instead of Cognito (http: loopback) | unset    |
// | ROUTE_RULES  | per-route rules, JSON (route-rule-validation.ts), or "*"       | required |
// | ROUTE_RULES_COMPLETE | true: ROUTE_RULES lists every method using the authorizer | false |

import {
  cognitoJwksUri,
  ENV,
  EVERY_ROUTE,
  isClientId,
  ROUTE_RULES_COMPLETE_VALUES,
  isTokenUse,
  isUserPoolId,
  regionOf,
  type TokenUse,
} from "./contract";
import { ConfigError } from "./errors";
import { type CompiledRouteRules, parseRouteRules, RouteRulesError } from "./route-rules";

export interface AuthorizerConfig {
  readonly userPoolId: string;
  readonly region: string;
  readonly clientIds: readonly string[];
  readonly tokenUse: TokenUse;
  /** Where the pool's JWKS is fetched from: JWKS_URI, or Cognito's own endpoint for the pool. */
  readonly jwksUri: URL;
  /** Compiled route rules; undefined when ROUTE_RULES is "*": every valid token may call every route. */
  readonly routeRules: CompiledRouteRules | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

export function loadConfig(env: Env): AuthorizerConfig {
  const userPoolId = required(env, ENV.userPoolId);
  if (!isUserPoolId(userPoolId)) {
    throw new ConfigError(ENV.userPoolId, `expected a Cognito user pool id like us-east-1_AbC123`);
  }
  const region = regionOf(userPoolId);

  const clientIds = required(env, ENV.clientId)
    .split(",")
    .map((id) => id.trim());
  for (const id of clientIds) {
    if (!isClientId(id)) {
      throw new ConfigError(
        ENV.clientId,
        `expected comma-separated app client ids (letters and digits only)`,
      );
    }
  }

  const tokenUse = optional(env, ENV.tokenUse) ?? "access";
  if (!isTokenUse(tokenUse)) {
    throw new ConfigError(ENV.tokenUse, `expected "access" or "id"`);
  }

  const jwksUriText = optional(env, ENV.jwksUri);
  const jwksUri = jwksUriText === undefined ? cognitoJwksUri(userPoolId) : parseJwksUri(jwksUriText);

  const rulesText = env[ENV.routeRules]?.trim();
  if (rulesText === undefined) {
    throw new ConfigError(
      ENV.routeRules,
      `is required: a JSON array of route rules, or "${EVERY_ROUTE}" to let every valid token call every route`,
    );
  }
  if (rulesText === "") {
    // What an empty pipeline substitution produces: it must not silently mean "allow everything".
    throw new ConfigError(
      ENV.routeRules,
      `is blank: give a JSON array of route rules, or "${EVERY_ROUTE}" to let every valid token call every route`,
    );
  }
  const completeText = optional(env, ENV.routeRulesComplete) ?? "false";
  if (!(ROUTE_RULES_COMPLETE_VALUES as readonly string[]).includes(completeText)) {
    throw new ConfigError(
      ENV.routeRulesComplete,
      `expected "true" (ROUTE_RULES lists every method that uses this authorizer) or "false"`,
    );
  }
  if (rulesText === EVERY_ROUTE && completeText === "true") {
    throw new ConfigError(
      ENV.routeRulesComplete,
      `declares a rule list complete, but ROUTE_RULES is "${EVERY_ROUTE}" (no list): unset it, or list the routes`,
    );
  }
  let routeRules: CompiledRouteRules | undefined;
  if (rulesText !== EVERY_ROUTE) {
    try {
      routeRules = parseRouteRules(rulesText, { complete: completeText === "true" });
    } catch (err) {
      if (err instanceof RouteRulesError) throw new ConfigError(ENV.routeRules, err.message);
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
    throw new ConfigError(ENV.jwksUri, "is not a URL");
  }
  if (url.username !== "" || url.password !== "") {
    throw new ConfigError(ENV.jwksUri, "must not carry credentials");
  }
  if (url.protocol === "https:") return url;
  if (url.protocol === "http:" && isLoopback(url.hostname)) return url;
  throw new ConfigError(ENV.jwksUri, "must be https (plain http is accepted only for loopback hosts)");
}

export function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}
