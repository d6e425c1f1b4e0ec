// The decision: event → 401 (throw Error("Unauthorized")), Deny (403) or Allow, with one JSON log line
// for every decision that is not an Allow (and for Allows too at log level DEBUG).
// This is the one place where errors are mapped to what API Gateway sees. Nothing but
// `Error("Unauthorized")` ever leaves the handler: any other throw would be a 500.

import type { Logger } from "@aws-lambda-powertools/logger";
import { extractBearerToken } from "./bearer-token";
import { AuthorizerError, MalformedEventError, type Reason, TokenRejectedError } from "./errors";
import type { EventFormatConfig } from "./config";
import { assertTokenInIdentitySource, readRequest, type SimpleResult } from "./http-api-event";
import type { MethodArn } from "./method-arn";
import { denyAll } from "./minimal-policy";
import { type AuthorizerResult, everyRoute, type PolicyDocument, policyDocument, statement } from "./policy";
import { parseRoute } from "./route-match";
import type { Caller, CompiledRouteRules, RouteDecision } from "./route-rules";
import { VerifiedTokenCache } from "./verified-token-cache";
import type { CognitoClaims, TokenVerifier } from "./verify";

export interface AuthorizerDeps {
  readonly verifier: Pick<TokenVerifier, "verify">;
  readonly logger: Pick<Logger, "debug" | "info" | "warn">;
  /** undefined: every valid token may call every route of the stage. */
  readonly routeRules: CompiledRouteRules | undefined;
  /**
   * Which events the function answers and how (EVENT_FORMAT, config.ts). For http-2.0-simple, its
   * route-key rules replace `routeRules`.
   * @default - REST API TOKEN and REQUEST events, IAM policy responses
   */
  readonly eventFormat?: EventFormatConfig;
  /** Verified tokens kept in memory; 0 disables the cache. @default 1000 */
  readonly verifiedTokenCacheSize?: number;
  /**
   * Current time in epoch milliseconds, for the verified-token cache's expiry. Pass the same clock as
   * the verifier's (TokenVerifierOptions.clock) so that both agree on when a token has expired. It
   * can only move time forward: the cache uses the later of this clock and real time, so a clock
   * that lags never keeps a token past its `exp`.
   * @default Date.now
   */
  readonly clock?: () => number;
}

/**
 * Who presents the token. `user`: a person signed in to the pool (access or ID token). `client`: an
 * app client on its own, with an access token from the `client_credentials` grant: `sub` is the
 * client id, there is no `username` and no `cognito:groups`, and `scope` holds the resource-server
 * scopes granted to the client.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html
 * https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html
 */
export type CallerType = "user" | "client";

/** What API Gateway passes on to the backend in requestContext.authorizer (strings only). */
export interface CallerContext {
  readonly sub: string;
  readonly callerType: CallerType;
  /** The pool that issued the token (the last segment of `iss`): one of USER_POOL_ID, EXTRA_USER_POOLS. */
  readonly userPoolId: string;
  /** The user's name; "" for a client, which has none. */
  readonly username: string;
  readonly clientId: string;
  readonly tokenUse: string;
  readonly scope: string;
  readonly groups: string;
}

export type AuthorizerHandler = (event: unknown) => Promise<AuthorizerResult | SimpleResult>;

export function createAuthorizer(deps: AuthorizerDeps): AuthorizerHandler {
  const { verifier, logger, routeRules } = deps;
  const injected = deps.clock;
  const clock = injected === undefined ? Date.now : (): number => Math.max(injected(), Date.now());
  const cacheSize = deps.verifiedTokenCacheSize ?? 1000;
  const cache = cacheSize > 0 ? new VerifiedTokenCache<CognitoClaims>(cacheSize) : undefined;
  const allowAll = new Map<string, PolicyDocument>();
  const format: EventFormatConfig = deps.eventFormat ?? { format: "rest", routeKeyInIdentitySource: false };

  async function verified(token: string): Promise<CognitoClaims> {
    const hit = cache?.get(token, clock() / 1000);
    if (hit !== undefined) return hit;
    const claims = await verifier.verify(token);
    cache?.set(token, claims, clock() / 1000);
    return claims;
  }

  return async function handler(event: unknown): Promise<AuthorizerResult | SimpleResult> {
    let arn: MethodArn | undefined;
    try {
      if (typeof event !== "object" || event === null)
        throw new MalformedEventError("event is not an object");
      const request = readRequest(event, format);
      arn = request.arn;
      const token = extractBearerToken(event);
      // Before the token is verified: an answer API Gateway would cache for other callers is never given.
      assertTokenInIdentitySource(request, token);
      const claims = await verified(token);
      const context = callerContext(claims);

      if (format.format === "http-2.0-simple") {
        // A yes or no for this route; exact under the cache by configuration (route-key-rules.ts).
        const decision = format.routeKeyRules?.decide(callerOf(context, claims), request.routeKey ?? "") ?? {
          allowed: true,
          reason: "allowed" as const,
          route: undefined,
        };
        log(logger, decision.allowed ? "allow" : "deny", decision.reason, arn, context.sub, decision.route);
        return { isAuthorized: decision.allowed, context: { ...context } };
      }

      if (routeRules === undefined) {
        // Cache-safe by construction: the same document is right for every route of the stage.
        let document = allowAll.get(arn.resourcePrefix);
        if (document === undefined) {
          document = policyDocument([statement("Allow", [everyRoute(arn)])]);
          if (allowAll.size < 16) allowAll.set(arn.resourcePrefix, document);
        }
        log(logger, "allow", "allowed", arn, context.sub);
        return { principalId: context.sub, policyDocument: document, context: { ...context } };
      }

      let decision: Omit<RouteDecision, "reason"> & { reason: Reason } = routeRules.decide(
        callerOf(context, claims),
        arn,
      );
      if (
        request.routeKey !== undefined &&
        decision.route !== undefined &&
        !sameRoute(decision.route, request.routeKey)
      ) {
        // API Gateway chose another route than the rules resolve the request to: their routing and
        // ours disagree (http-api-iam-rules.ts refuses the rule sets where they can). Deny it all.
        decision = { route: undefined, allowed: false, statements: denyAll(arn), reason: "route_mismatch" };
      }
      log(logger, decision.allowed ? "allow" : "deny", decision.reason, arn, context.sub, decision.route);
      return {
        principalId: context.sub,
        policyDocument: policyDocument(decision.statements),
        context: { ...context },
      };
    } catch (err) {
      const rejection =
        err instanceof AuthorizerError
          ? err
          : new TokenRejectedError(
              "internal_error",
              `unexpected ${err instanceof Error ? err.name : typeof err}`,
            );
      log(logger, "unauthorized", rejection.reason, arn, undefined, undefined, rejection.message);
      // Exactly this message, and deliberately no `cause`: nothing about why may reach the client.
      // eslint-disable-next-line preserve-caught-error
      throw new Error("Unauthorized");
    }
  };
}

function callerOf(context: CallerContext, claims: CognitoClaims): Caller {
  return { scopes: new Set(splitScopes(context.scope)), groups: new Set(groupsOf(claims)) };
}

/** Is the rule route the HTTP API route `routeKey` (same method and path, parameter names aside)? */
function sameRoute(route: string, routeKey: string): boolean {
  const a = parseRoute(route);
  let b;
  try {
    b = parseRoute(routeKey);
  } catch {
    return false; // `$default`, or no route key at all: no rule of an IAM rule set is either.
  }
  return a.method === b.method && a.resourceKey === b.resourceKey;
}

function callerContext(claims: CognitoClaims): CallerContext {
  if (typeof claims.sub !== "string" || claims.sub === "") {
    throw new TokenRejectedError("invalid_claims", "no sub claim");
  }
  const isAccess = claims.token_use === "access";
  const username = isAccess ? claims.username : claims["cognito:username"];
  const clientId = isAccess ? claims.client_id : claims.aud;
  // A client_credentials token names no user and has the client id as its subject. Anything else
  // without a username is neither shape Cognito issues: refused rather than guessed at.
  const callerType: CallerType =
    isAccess && username === undefined && claims.sub === clientId ? "client" : "user";
  if (callerType === "user" && (typeof username !== "string" || username === "")) {
    throw new TokenRejectedError("invalid_claims", "no username, and not a client_credentials token");
  }
  // The verifier accepted `iss` as exactly `https://<cognito host>/<userPoolId>` of a configured pool.
  const userPoolId = claims.iss.slice(claims.iss.lastIndexOf("/") + 1);
  return {
    sub: claims.sub,
    callerType,
    userPoolId,
    username: typeof username === "string" ? username : "",
    clientId: typeof clientId === "string" ? clientId : "",
    tokenUse: claims.token_use,
    scope: typeof claims.scope === "string" ? claims.scope : "",
    groups: groupsContext(groupsOf(claims)),
  };
}

/**
 * The groups as one context string (API Gateway context values are strings, numbers or booleans):
 * comma-separated, with `%` and `,` inside a name percent-encoded, so that a backend recovers each
 * name exactly with `groups === "" ? [] : groups.split(",").map(decodeURIComponent)`, even when
 * Cognito names contain a comma (its GroupName pattern allows punctuation). Names without `%` or
 * `,` are written as they are.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
 */
export function groupsContext(groups: readonly string[]): string {
  return groups.map((g) => (/[%,]/.test(g) ? g.replace(/%/g, "%25").replace(/,/g, "%2C") : g)).join(",");
}

function groupsOf(claims: CognitoClaims): string[] {
  const groups = claims["cognito:groups"];
  return Array.isArray(groups) ? groups.filter((g): g is string => typeof g === "string") : [];
}

function splitScopes(scope: string): string[] {
  return scope.split(" ").filter((s) => s !== "");
}

// One line per decision: WARN for a 401, INFO for a Deny, DEBUG for an Allow. At the default level
// (INFO) an Allow writes nothing: the line cost more than the signature check (README, Performance),
// and API Gateway's access log already records each request it serves with its principal and the
// authorizer's status (infra/constructs/protected-rest-api.ts). Every refusal keeps its record.
// Never the token, its signature or the Authorization header: the reason
// code, a short detail (our own messages, or aws-jwt-verify's cut to 120 characters, which can echo a
// header or claim value such as kid or iss, never the token), the principal and the route.
function log(
  logger: AuthorizerDeps["logger"],
  outcome: "allow" | "deny" | "unauthorized",
  reason: Reason,
  arn: MethodArn | undefined,
  principal: string | undefined,
  route?: string,
  detail?: string,
): void {
  const fields = {
    outcome,
    reason,
    principal,
    route,
    method: arn?.method,
    path: arn?.path.slice(0, 256),
    detail: detail?.slice(0, 200),
  };
  if (outcome === "unauthorized") logger.warn("authorizer decision", fields);
  else if (outcome === "deny") logger.info("authorizer decision", fields);
  else logger.debug("authorizer decision", fields);
}
