// Request method and path → the HTTP API route that serves it, as HTTP APIs choose routes.
//
// "API Gateway uses the following priorities: 1. Full match for a route and method. 2. Match for a
// route and method with a greedy path variable ({proxy+}). 3. The $default route." `ANY` matches
// every method the path has no route of its own for, and no match at all is 404
// `{"message":"Not Found"}`.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
//
// Within a tier, the most specific path wins, compared segment by segment from the left (a literal
// beats a `{param}`; among greedy routes, the longer fixed prefix), then the exact method beats ANY:
// the documentation's example (`GET /pets/dog/1` over `GET /pets/dog/{id}`, `GET /pets/{proxy+}`
// over `ANY /{proxy+}`, `POST /pets/dog/1` falls to `ANY /{proxy+}`) is the test of this ordering.
// Unlike a REST API, a path whose routes lack the method falls through to a greedy or `$default`
// route instead of being refused.

import { DEFAULT_ROUTE_KEY } from "../../../lambda/authorizer/contract";
import { type ParsedRoute, parseRoute, pathParameters } from "../../../lambda/authorizer/route-match";
import type { HttpRouteDefinition } from "../cloud-assembly/stack-definition";

export interface MatchedHttpRoute {
  readonly route: HttpRouteDefinition;
  /** Percent-decoded, as the integration receives them; empty for `$default`. */
  readonly pathParameters: Readonly<Record<string, string>>;
}

export interface HttpRouteSelector {
  /** `path` as received (still percent-encoded), starting with `/`. Undefined: 404. */
  select(method: string, path: string): MatchedHttpRoute | undefined;
}

interface Candidate {
  readonly route: HttpRouteDefinition;
  readonly parsed: ParsedRoute;
  readonly greedy: boolean;
}

export function httpRouteSelector(routes: readonly HttpRouteDefinition[]): HttpRouteSelector {
  const fallback = routes.find((r) => r.routeKey === DEFAULT_ROUTE_KEY);
  const candidates: Candidate[] = routes
    .filter((r) => r.routeKey !== DEFAULT_ROUTE_KEY)
    .map((route) => {
      const parsed = parseRoute(route.routeKey);
      return { route, parsed, greedy: parsed.segments.at(-1)?.kind === "proxy" };
    });
  return {
    select(method, path) {
      const segments = path === "/" ? [] : path.slice(1).split("/");
      const matching = candidates.filter(
        (c) => (c.parsed.method === method || c.parsed.method === "ANY") && matches(c.parsed, segments),
      );
      for (const greedy of [false, true]) {
        const best = matching.filter((c) => c.greedy === greedy).sort(moreSpecificFirst)[0];
        if (best !== undefined) {
          return { route: best.route, pathParameters: pathParameters(best.parsed, path) };
        }
      }
      return fallback === undefined ? undefined : { route: fallback, pathParameters: {} };
    },
  };
}

/** Does the route's path match these request segments? `{x}`: one non-empty segment; `{x+}`: one or more. */
function matches(route: ParsedRoute, segments: readonly string[]): boolean {
  const greedy = route.segments.at(-1)?.kind === "proxy";
  if (greedy ? segments.length < route.segments.length : segments.length !== route.segments.length)
    return false;
  return route.segments.every((s, i) => {
    const value = segments[i] as string;
    if (s.kind === "literal") return value === s.value;
    if (s.kind === "param") return value !== "";
    return segments.slice(i).every((rest) => rest !== "") && value !== "";
  });
}

function moreSpecificFirst(a: Candidate, b: Candidate): number {
  const n = Math.max(a.parsed.segments.length, b.parsed.segments.length);
  for (let i = 0; i < n; i++) {
    const rank = (c: Candidate): number => {
      const s = c.parsed.segments[i];
      return s === undefined ? 3 : s.kind === "literal" ? 0 : s.kind === "param" ? 1 : 2;
    };
    const d = rank(a) - rank(b);
    if (d !== 0) return d;
  }
  return (a.parsed.method === "ANY" ? 1 : 0) - (b.parsed.method === "ANY" ? 1 : 0);
}
