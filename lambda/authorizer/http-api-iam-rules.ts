// Which route rules IAM-policy responses can make exact on an HTTP API, and the refusal of the rest.
//
// IAM-policy responses are built by route-rules.ts, which resolves a request the way REST APIs
// do: resource first (literal, then {param}, then {proxy+}), then the method on it. HTTP APIs choose
// among routes differently: a full match of route and method first, then a greedy {proxy+} route
// with the method, then `$default`; a path whose resource lacks the method falls through to a
// greedy route, where a REST API answers 403.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
// The two agree on every request when no request path can match two different route paths: each
// request then has at most one candidate resource, and both pick the exact method before ANY on it.
// A cached policy is evaluated by API Gateway against the routeArn of each later request, so that
// agreement is what makes the policies exact; rule sets without it are refused here, as are
// `$default` (no IAM resource names "every request no other route matches") and rule lists not
// declared complete (the unlisted-route guards model REST routing).
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html

import { DEFAULT_ROUTE_KEY, ENV, type RouteRule } from "./contract";
import { parseRoute, type PathSegment } from "./route-match";
import { RouteRulesError, where } from "./route-rule-validation";

const USE_SIMPLE = `use EVENT_FORMAT=http-2.0-simple with "$context.routeKey" in the authorizer's identity source (${ENV.routeKeyInIdentitySource}=true)`;

/** Throws RouteRulesError, naming the rules and the fix, unless IAM policies can be exact on an HTTP API. */
export function refuseInexactOnHttpApi(rules: readonly RouteRule[], complete: boolean): void {
  const defaultIndex = rules.findIndex((r) => r.route === DEFAULT_ROUTE_KEY);
  if (defaultIndex >= 0) {
    throw new RouteRulesError(
      `${where(rules, defaultIndex)}: "${DEFAULT_ROUTE_KEY}" cannot be ruled with IAM-policy responses (no IAM resource names the requests no other route matches): ${USE_SIMPLE}`,
    );
  }
  if (!complete) {
    throw new RouteRulesError(
      `IAM-policy responses on an HTTP API need the rules to list every route that uses this authorizer (${ENV.routeRulesComplete}=true; the CDK construct proves it at synth), or ${USE_SIMPLE}`,
    );
  }
  const parsed = rules.map((r) => parseRoute(r.route));
  for (let i = 0; i < parsed.length; i += 1) {
    for (let j = i + 1; j < parsed.length; j += 1) {
      const a = parsed[i];
      const b = parsed[j];
      if (a === undefined || b === undefined || a.resourceKey === b.resourceKey) continue;
      if (pathsIntersect(a.segments, b.segments)) {
        throw new RouteRulesError(
          `${where(rules, i)} and ${where(rules, j)}: some request path matches both, and HTTP APIs choose between overlapping routes differently from REST APIs, so IAM-policy responses cannot be proven exact under the authorizer cache: make the paths disjoint, or ${USE_SIMPLE}`,
        );
      }
    }
  }
}

/** Is there a concrete request path both route paths match? ({proxy+}: one segment or more, last.) */
export function pathsIntersect(a: readonly PathSegment[], b: readonly PathSegment[]): boolean {
  const [x, ...restA] = a;
  const [y, ...restB] = b;
  if (x === undefined || y === undefined) return x === undefined && y === undefined;
  if (x.kind === "proxy") return true; // b has a segment here; the proxy takes it and the rest of b.
  if (y.kind === "proxy") return true;
  if (x.kind === "literal" && y.kind === "literal" && x.value !== y.value) return false;
  return pathsIntersect(restA, restB);
}
