// Route rules decided by an HTTP API's route key, for simple responses (`{ isAuthorized }`).
//
// An HTTP API has already chosen the route when it calls the authorizer: the payload 2.0 event
// carries it as `routeKey` (`GET /items/{id}`, `ANY /admin/{proxy+}`, or `$default` when no other
// route matched). So here nothing is resolved: the rule is looked up by that key (method and
// path, parameter names aside), and `$default` may have a rule of its own.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
//
// A simple response says yes or no and nothing about other routes, and API Gateway caches it per
// identity source: without `$context.routeKey` in the identity source, the answer for one route is
// served for every route called with the same token, for the TTL. So rules that differ per route are
// exact only with ROUTE_KEY_IN_IDENTITY_SOURCE (config.ts refuses them otherwise).
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html

import { DEFAULT_ROUTE_KEY, type RouteRule } from "./contract";
import { compileRouteTable, parseRoute, RouteSyntaxError, RouteTableError } from "./route-match";
import { RouteRulesError, validateRules, where } from "./route-rule-validation";
import { allows, type Caller, requirementKey } from "./route-rules";

export interface RouteKeyDecision {
  /** The matched rule's route as written; undefined when no rule has this route key. */
  readonly route: string | undefined;
  readonly allowed: boolean;
  readonly reason: "allowed" | "forbidden_route" | "unknown_route";
}

export interface RouteKeyRules {
  readonly rules: readonly RouteRule[];
  /** Every rule has the same requirement: one answer per caller, whatever the route. */
  readonly uniform: boolean;
  decide(caller: Caller, routeKey: string): RouteKeyDecision;
}

/** The validated rules (a `$default` rule allowed) → a lookup by route key. Throws RouteRulesError. */
export function compileRouteKeyRules(value: unknown): RouteKeyRules {
  const rules = validateRules(value);
  const byKey = new Map<string, number>();
  const routed: { rule: RouteRule; index: number }[] = [];
  rules.forEach((rule, index) => {
    if (rule.route !== DEFAULT_ROUTE_KEY) {
      routed.push({ rule, index });
      return;
    }
    if (byKey.has(DEFAULT_ROUTE_KEY)) {
      throw new RouteRulesError(`${where(rules, index)}: lists "${DEFAULT_ROUTE_KEY}" twice: list it once`);
    }
    byKey.set(DEFAULT_ROUTE_KEY, index);
  });
  // The same syntax and duplicate checks as for REST APIs (HTTP API route keys use the same syntax).
  let table: ReturnType<typeof compileRouteTable>;
  try {
    table = compileRouteTable(routed.map((r) => r.rule.route));
  } catch (err) {
    if (err instanceof RouteTableError) {
      const index = routed[err.index]?.index ?? err.index;
      throw new RouteRulesError(`${where(rules, index)}: ${err.message}`);
    }
    throw err;
  }
  table.routes.forEach((route, i) =>
    byKey.set(`${route.method} ${route.resourceKey}`, routed[i]?.index ?? i),
  );
  const uniform = new Set(rules.map(requirementKey)).size === 1;
  return {
    rules,
    uniform,
    decide(caller: Caller, routeKey: string): RouteKeyDecision {
      const index = byKey.get(lookupKey(routeKey));
      const rule = index === undefined ? undefined : rules[index];
      if (rule === undefined) return { route: undefined, allowed: false, reason: "unknown_route" };
      const allowed = allows(rule, caller);
      return { route: rule.route, allowed, reason: allowed ? "allowed" : "forbidden_route" };
    },
  };
}

/** `GET /items/{itemId}` → `GET /items/{}`; `$default` as it is; anything unparseable → a key no rule has. */
function lookupKey(routeKey: string): string {
  if (routeKey === DEFAULT_ROUTE_KEY) return routeKey;
  try {
    const route = parseRoute(routeKey);
    return `${route.method} ${route.resourceKey}`;
  } catch (err) {
    if (err instanceof RouteSyntaxError) return "";
    throw err;
  }
}
