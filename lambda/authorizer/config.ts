// Environment → typed, validated configuration. Parsed once, at cold start. A bad value throws a
// ConfigError naming the variable, so the function fails to load rather than serve with a guess.
//
// | variable     | meaning                                                        | default  |
// |--------------|----------------------------------------------------------------|----------|
// | USER_POOL_ID | Cognito user pool id, e.g. us-east-1_AbC123                    | required |
// | CLIENT_ID    | allowed app client ids, comma separated                        | required |
// | TOKEN_USE    | access or id                                                   | access   |
// | JWKS_URI     | fetch the pool's keys here instead of Cognito (http: loopback) | unset    |
// | ROUTE_RULES  | per-route rules, JSON (route-rule-validation.ts), or "*"       | one of   |
// | ROUTE_RULES_FILE | the same JSON in a file of the package, relative to the    | the two  |
// |              | handler's folder (what the CDK construct ships)                |          |
// | ROUTE_RULES_COMPLETE | true: the rules list every method using the authorizer | false |
// | EXTRA_USER_POOLS | more pools: JSON [{userPoolId, clientIds, tokenUse?, jwksUri?}] | unset |
// | EVENT_FORMAT | rest, http-1.0, http-2.0-iam or http-2.0-simple (contract.ts)  | rest     |
// | ROUTE_KEY_IN_IDENTITY_SOURCE | true: the HTTP API identity source has         | false    |
// |              | $context.routeKey (http-2.0-simple only)                       |          |

import {
  cognitoJwksUri,
  ENV,
  type EventFormat,
  EVERY_ROUTE,
  isEventFormat,
  ROUTE_KEY_IN_IDENTITY_SOURCE_VALUES,
  isClientId,
  ROUTE_RULES_COMPLETE_VALUES,
  isTokenUse,
  isUserPoolId,
  regionOf,
  type TokenUse,
} from "./contract";
import { ConfigError } from "./errors";
import { refuseInexactOnHttpApi } from "./http-api-iam-rules";
import { compileRouteKeyRules, type RouteKeyRules } from "./route-key-rules";
import { type CompiledRouteRules, parseRouteRules, RouteRulesError } from "./route-rules";
import { validateRules } from "./route-rule-validation";

/** A user pool whose tokens are accepted, with its own clients, token use and JWKS location. */
export interface PoolConfig {
  readonly userPoolId: string;
  readonly clientIds: readonly string[];
  readonly tokenUse: TokenUse;
  readonly jwksUri: URL;
}

export interface AuthorizerConfig {
  readonly userPoolId: string;
  readonly region: string;
  readonly clientIds: readonly string[];
  readonly tokenUse: TokenUse;
  /** Where the pool's JWKS is fetched from: JWKS_URI, or Cognito's own endpoint for the pool. */
  readonly jwksUri: URL;
  /** Compiled route rules; undefined when ROUTE_RULES is "*": every valid token may call every route. */
  readonly routeRules: CompiledRouteRules | undefined;
  /** EXTRA_USER_POOLS: pools besides USER_POOL_ID (none when unset). */
  readonly extraPools: readonly PoolConfig[];
  /** EVENT_FORMAT and what goes with it. */
  readonly eventFormat: EventFormatConfig;
}

/** Which events the authorizer answers, and for simple responses the rules by route key. */
export interface EventFormatConfig {
  readonly format: EventFormat;
  /** ROUTE_KEY_IN_IDENTITY_SOURCE (only ever true for http-2.0-simple). */
  readonly routeKeyInIdentitySource: boolean;
  /** http-2.0-simple: the rules, decided by route key; undefined when ROUTE_RULES is "*". */
  readonly routeKeyRules?: RouteKeyRules | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

export interface LoadConfigOptions {
  /**
   * Reads the file ROUTE_RULES_FILE names (its value as given). The entry point resolves it against
   * the handler's own folder, so the value means the same in Lambda and on a laptop.
   * @default - ROUTE_RULES_FILE is a configuration error: nothing to read it with
   */
  readonly readRulesFile?: (name: string) => string;
}

export function loadConfig(env: Env, options: LoadConfigOptions = {}): AuthorizerConfig {
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

  const rules = routeRulesText(env, options);
  const completeText = optional(env, ENV.routeRulesComplete) ?? "false";
  if (!(ROUTE_RULES_COMPLETE_VALUES as readonly string[]).includes(completeText)) {
    throw new ConfigError(
      ENV.routeRulesComplete,
      `expected "true" (the route rules list every method that uses this authorizer) or "false"`,
    );
  }
  if (rules.text === EVERY_ROUTE && completeText === "true") {
    throw new ConfigError(
      ENV.routeRulesComplete,
      `declares a rule list complete, but ${rules.variable} is "${EVERY_ROUTE}" (no list): unset it, or list the routes`,
    );
  }
  const complete = completeText === "true";
  const format = optional(env, ENV.eventFormat) ?? "rest";
  if (!isEventFormat(format)) {
    throw new ConfigError(
      ENV.eventFormat,
      `expected "rest", "http-1.0", "http-2.0-iam" or "http-2.0-simple" (the authorizer's payload format version and response mode in API Gateway)`,
    );
  }
  const routeKeyInIdentitySource = routeKeyInIdentitySourceOf(env, format);
  let routeRules: CompiledRouteRules | undefined;
  let routeKeyRules: RouteKeyRules | undefined;
  if (rules.text !== EVERY_ROUTE) {
    try {
      if (format === "http-2.0-simple") {
        routeKeyRules = compileRouteKeyRules(parseJson(rules.text));
        refuseInexactSimple(routeKeyRules, complete, routeKeyInIdentitySource);
      } else {
        if (format !== "rest") refuseInexactOnHttpApi(validateRules(parseJson(rules.text)), complete);
        routeRules = parseRouteRules(rules.text, { complete });
      }
    } catch (err) {
      if (err instanceof RouteRulesError) throw new ConfigError(rules.variable, err.message);
      throw err;
    }
  }

  const uniqueClientIds = [...new Set(clientIds)];
  const extraPools = parseExtraPools(optional(env, ENV.extraUserPools), {
    userPoolId,
    clientIds: uniqueClientIds,
    tokenUse,
  });
  return {
    userPoolId,
    region,
    clientIds: uniqueClientIds,
    tokenUse,
    jwksUri,
    routeRules,
    extraPools,
    eventFormat: { format, routeKeyInIdentitySource, routeKeyRules },
  };
}

function routeKeyInIdentitySourceOf(env: Env, format: EventFormat): boolean {
  const text = optional(env, ENV.routeKeyInIdentitySource) ?? "false";
  if (!(ROUTE_KEY_IN_IDENTITY_SOURCE_VALUES as readonly string[]).includes(text)) {
    throw new ConfigError(
      ENV.routeKeyInIdentitySource,
      `expected "true" (the HTTP API authorizer's identity source includes $context.routeKey) or "false"`,
    );
  }
  if (text === "true" && format !== "http-2.0-simple") {
    throw new ConfigError(
      ENV.routeKeyInIdentitySource,
      `applies to simple responses only (${ENV.eventFormat}=http-2.0-simple), but ${ENV.eventFormat} is "${format}": unset it`,
    );
  }
  return text === "true";
}

/**
 * A cached simple response is served for every route called with the same identity source. Without
 * the route key in it, that is exact only when every route the authorizer guards has the same rule:
 * all rules alike, and no other route uses the authorizer (ROUTE_RULES_COMPLETE).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
 */
function refuseInexactSimple(
  rules: RouteKeyRules,
  complete: boolean,
  routeKeyInIdentitySource: boolean,
): void {
  if (routeKeyInIdentitySource || (rules.uniform && complete)) return;
  const why = rules.uniform
    ? `the rules may not list every route that uses this authorizer (${ENV.routeRulesComplete} is not "true")`
    : "the rules differ per route";
  throw new RouteRulesError(
    `${why}, and with simple responses API Gateway serves one cached answer for every route called with the same token: put "$context.routeKey" in the authorizer's identity source and set ${ENV.routeKeyInIdentitySource}=true, or use ${ENV.eventFormat}=http-2.0-iam`,
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new RouteRulesError(`not valid JSON (${(err as Error).message}): expected a JSON array of rules`);
  }
}

/** The rules' JSON (or "*"), trimmed, from exactly one of ROUTE_RULES and ROUTE_RULES_FILE (`variable`). */
function routeRulesText(env: Env, options: LoadConfigOptions): { text: string; variable: string } {
  const inline = env[ENV.routeRules];
  const file = env[ENV.routeRulesFile];
  if (inline !== undefined && file !== undefined) {
    throw new ConfigError(
      ENV.routeRules,
      `and ${ENV.routeRulesFile} are both set: give the rules in one place, so that what runs is what you read`,
    );
  }
  if (file !== undefined) {
    const name = file.trim();
    if (name === "") throw new ConfigError(ENV.routeRulesFile, "is blank: name the rules file, or unset it");
    if (options.readRulesFile === undefined) {
      throw new ConfigError(ENV.routeRulesFile, "is set, but this loader reads no files");
    }
    let text: string;
    try {
      text = options.readRulesFile(name);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      throw new ConfigError(ENV.routeRulesFile, `names "${name}", which cannot be read (${code})`);
    }
    if (text.trim() === "") {
      throw new ConfigError(
        ENV.routeRulesFile,
        `names "${name}", which is empty: it must hold the route rules`,
      );
    }
    return { text: text.trim(), variable: ENV.routeRulesFile };
  }
  const rulesText = inline?.trim();
  if (rulesText === undefined) {
    throw new ConfigError(
      ENV.routeRules,
      `is required: a JSON array of route rules, or "${EVERY_ROUTE}" to let every valid token call every route (or a file of rules named in ${ENV.routeRulesFile})`,
    );
  }
  if (rulesText === "") {
    // What an empty pipeline substitution produces: it must not silently mean "allow everything".
    throw new ConfigError(
      ENV.routeRules,
      `is blank: give a JSON array of route rules, or "${EVERY_ROUTE}" to let every valid token call every route`,
    );
  }
  return { text: rulesText, variable: ENV.routeRules };
}

const EXTRA_POOL_KEYS = ["userPoolId", "clientIds", "tokenUse", "jwksUri"];

/**
 * EXTRA_USER_POOLS → pools, refusing what cannot work: a pool listed twice (or the USER_POOL_ID
 * again), a pool with no client, and a client id under two pools (a token names one client; which
 * pool's rules would it fall under?).
 */
function parseExtraPools(
  text: string | undefined,
  main: { userPoolId: string; clientIds: readonly string[]; tokenUse: TokenUse },
): PoolConfig[] {
  if (text === undefined) return [];
  const fail = (message: string): never => {
    throw new ConfigError(ENV.extraUserPools, message);
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail('is not valid JSON: expected [{"userPoolId":"us-east-1_AbC123","clientIds":["..."]}]');
  }
  if (!Array.isArray(value) || value.length === 0) {
    return fail(
      'expected a non-empty JSON array like [{"userPoolId":"us-east-1_AbC123","clientIds":["..."]}] (unset it for one pool)',
    );
  }
  const poolOf = new Map<string, string>(main.clientIds.map((id) => [id, main.userPoolId]));
  const pools = new Set([main.userPoolId]);
  return (value as unknown[]).map((entry, i) => {
    const at = `[${i}]`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      return fail(`${at}: expected an object {"userPoolId", "clientIds", "tokenUse"?, "jwksUri"?}`);
    }
    const e = entry as Record<string, unknown>;
    for (const key of Object.keys(e)) {
      if (!EXTRA_POOL_KEYS.includes(key)) {
        fail(`${at}: unknown key "${key}": an entry has only ${EXTRA_POOL_KEYS.join(", ")}`);
      }
    }
    const poolId = e["userPoolId"];
    if (typeof poolId !== "string" || !isUserPoolId(poolId)) {
      return fail(`${at}: "userPoolId" must be a Cognito user pool id like us-east-1_AbC123`);
    }
    if (pools.has(poolId)) {
      return fail(
        `${at}: user pool ${poolId} is listed twice${poolId === main.userPoolId ? ` (it is ${ENV.userPoolId})` : ""}: give each pool once, with all its clients`,
      );
    }
    pools.add(poolId);
    const clientIds = e["clientIds"];
    if (!Array.isArray(clientIds) || clientIds.length === 0) {
      return fail(
        `${at}: user pool ${poolId} has no client: "clientIds" must list its allowed app client ids`,
      );
    }
    for (const id of clientIds as unknown[]) {
      if (typeof id !== "string" || !isClientId(id)) {
        return fail(`${at}: "clientIds" must contain app client ids (letters and digits only)`);
      }
      const other = poolOf.get(id);
      if (other === poolId) return fail(`${at}: "clientIds" lists ${id} twice`);
      if (other !== undefined) {
        return fail(
          `${at}: client ${id} is listed under user pools ${other} and ${poolId}: a client id belongs to one pool`,
        );
      }
      poolOf.set(id, poolId);
    }
    const tokenUse = e["tokenUse"] ?? main.tokenUse;
    if (!isTokenUse(tokenUse)) return fail(`${at}: "tokenUse" must be "access" or "id"`);
    const jwks = e["jwksUri"];
    if (jwks !== undefined && typeof jwks !== "string") return fail(`${at}: "jwksUri" must be a string`);
    return {
      userPoolId: poolId,
      clientIds: [...(clientIds as string[])],
      tokenUse,
      jwksUri: jwks === undefined ? cognitoJwksUri(poolId) : parseJwksUri(jwks, ENV.extraUserPools),
    };
  });
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
function parseJwksUri(text: string, variable: string = ENV.jwksUri): URL {
  const what = variable === ENV.jwksUri ? "" : "jwksUri ";
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(variable, `${what}is not a URL`);
  }
  if (url.username !== "" || url.password !== "") {
    throw new ConfigError(variable, `${what}must not carry credentials`);
  }
  if (url.protocol === "https:") return url;
  if (url.protocol === "http:" && isLoopback(url.hostname)) return url;
  throw new ConfigError(variable, `${what}must be https (plain http is accepted only for loopback hosts)`);
}

export function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}
