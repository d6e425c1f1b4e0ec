// Property tests for route rules on HTTP APIs, both response modes, against an independent model of
// how HTTP APIs choose a route: a full match of path and method first, then a greedy {proxy+}
// route, ANY standing for every method, `$default` for whatever matches nothing else.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
// - IAM-policy responses (http-2.0-iam, http-1.0): a rule set is refused exactly when some request
//   path matches two route paths (found here by brute force); when accepted, the policy returned
//   for any first request, cached and evaluated by the IAM evaluator against the routeArn of every
//   later request that reaches a route, decides each one as the rules do for the route the model
//   chooses.
// - Simple responses (http-2.0-simple): the answer for a route key is the rule's for that route
//   (parameter names aside, `$default` included); with the identity source keyed by route key that
//   is exact under the cache; without it, the rules accepted (alike, complete) answer alike everywhere.
import fc from "fast-check";

import { refuseInexactOnHttpApi } from "../../lambda/authorizer/http-api-iam-rules";
import { parseRouteArn } from "../../lambda/authorizer/method-arn";
import { compileRouteKeyRules } from "../../lambda/authorizer/route-key-rules";
import { type Caller, compileRouteRules, RouteRulesError } from "../../lambda/authorizer/route-rules";
import { FRESH, LITERALS, pathArb } from "../helpers/route-arbitraries";
import { evaluatePolicy, methodArnFor } from "../helpers/iam-evaluator";

interface Rule {
  route: string;
  scopes?: string[];
  groups?: string[];
}

const PREFIX = "arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/$default/";
const REQUEST_METHODS = ["GET", "POST", "PUT"]; // PUT: every method no route names

const subset = (values: string[]) => fc.subarray(values).map((s) => (s.length === 0 ? undefined : s));
const ruleArb = (withDefault: boolean): fc.Arbitrary<Rule> =>
  fc
    .record({
      route: fc.oneof(
        {
          weight: 12,
          arbitrary: fc.tuple(fc.constantFrom("GET", "POST", "ANY"), pathArb).map(([m, p]) => `${m} ${p}`),
        },
        { weight: withDefault ? 1 : 0, arbitrary: fc.constant("$default") },
      ),
      scopes: subset(["s1", "s2"]),
      groups: subset(["g1", "g2"]),
    })
    .map(({ route, scopes, groups }) => ({
      route,
      ...(scopes ? { scopes } : {}),
      ...(groups ? { groups } : {}),
    }));
const methodKey = (route: string) => route.replace(/\{[^}+]*\}/g, "{}").replace(/\{[^}]*\+\}/g, "{+}");
const rulesArb = (withDefault: boolean) =>
  fc.uniqueArray(ruleArb(withDefault), { minLength: 1, maxLength: 6, selector: (r) => methodKey(r.route) });
const callerArb: fc.Arbitrary<Caller> = fc
  .record({ scopes: fc.subarray(["s1", "s2"]), groups: fc.subarray(["g1", "g2"]) })
  .map(({ scopes, groups }) => ({ scopes: new Set(scopes), groups: new Set(groups) }));

// --- The independent model -------------------------------------------------------------------------

const segmentsOf = (route: string): string[] => {
  const path = route.split(" ")[1] as string;
  return path === "/" ? [] : path.slice(1).split("/");
};
const isGreedy = (route: string) => route.endsWith("+}");

/** Does the route's path match the concrete path (segments)? `{x+}`: one segment or more. */
function pathMatches(pattern: readonly string[], path: readonly string[]): boolean {
  if (pattern.length === 0) return path.length === 0;
  const [head, ...rest] = pattern as [string, ...string[]];
  if (head.endsWith("+}")) return path.length >= 1;
  if (path.length === 0) return false;
  if (!head.startsWith("{") && head !== path[0]) return false;
  return pathMatches(rest, path.slice(1));
}

/** Every concrete path of up to 4 segments over the literals and one fresh value. */
const PATHS: string[][] = (() => {
  const out: string[][] = [[]];
  let layer: string[][] = [[]];
  for (let n = 0; n < 4; n += 1) {
    layer = layer.flatMap((p) => [...LITERALS, FRESH].map((s) => [...p, s]));
    out.push(...layer);
  }
  return out;
})();

/** The route an HTTP API chooses among `routes` (no $default): full match, then greedy; method, then ANY. */
function httpRoute(routes: readonly string[], method: string, path: readonly string[]): string | undefined {
  const matching = routes.filter((r) => pathMatches(segmentsOf(r), path));
  for (const greedy of [false, true]) {
    const tier = matching.filter((r) => isGreedy(r) === greedy);
    const exact = tier.find((r) => r.startsWith(`${method} `)) ?? tier.find((r) => r.startsWith("ANY "));
    if (exact !== undefined) return exact;
  }
  return undefined;
}

function allowsRule(rule: Rule, caller: Caller): boolean {
  return (
    (rule.scopes === undefined || rule.scopes.some((s) => caller.scopes.has(s))) &&
    (rule.groups === undefined || rule.groups.some((g) => caller.groups.has(g)))
  );
}

/** Two route paths (different resources) that one concrete path matches, found by brute force. */
function overlappingPaths(rules: readonly Rule[]): boolean {
  const paths = [...new Set(rules.map((r) => methodKey(r.route).split(" ")[1] as string))].map((p) =>
    p === "/" ? [] : p.slice(1).split("/"),
  );
  return PATHS.some((path) => paths.filter((p) => pathMatches(p, path)).length >= 2);
}

describe("route rules on HTTP APIs", () => {
  it("IAM-policy responses: refused exactly when paths overlap; otherwise every cached policy is exact", () => {
    let exactChecked = 0;
    fc.assert(
      fc.property(rulesArb(false), callerArb, fc.nat(), (rules, caller, pick) => {
        let refused = false;
        try {
          refuseInexactOnHttpApi(rules, true);
        } catch (err) {
          if (!(err instanceof RouteRulesError)) throw err;
          refused = true;
        }
        expect(refused).toBe(overlappingPaths(rules));
        if (refused) return;
        let compiled;
        try {
          compiled = compileRouteRules(rules, { complete: true });
        } catch (err) {
          if (err instanceof RouteRulesError) return; // refused for REST reasons: never served
          throw err;
        }
        const routes = rules.map((r) => r.route);
        // Only requests that reach a route call the authorizer (complete rules: no other route uses it).
        const requests = REQUEST_METHODS.flatMap((method) =>
          PATHS.map((path) => ({
            method,
            path: `/${path.join("/")}`,
            route: httpRoute(routes, method, path),
          })),
        ).filter((r) => r.route !== undefined);
        if (requests.length === 0) return;
        const first = requests[pick % requests.length] as (typeof requests)[number];
        const decision = compiled.decide(
          caller,
          parseRouteArn(methodArnFor(PREFIX, first.method, first.path)),
        );
        // The authorizer's own cross-check (authorizer.ts): the rules resolve it to HTTP API's route.
        expect(methodKey(decision.route ?? "")).toBe(methodKey(first.route as string));
        const policy = { Version: "2012-10-17", Statement: decision.statements };
        for (const later of requests) {
          const rule = rules.find((r) => r.route === later.route) as Rule;
          const arn = methodArnFor(PREFIX, later.method, later.path);
          expect({ arn, decision: evaluatePolicy(policy, arn).decision }).toEqual({
            arn,
            decision: allowsRule(rule, caller) ? "Allow" : "Deny",
          });
        }
        exactChecked += 1;
      }),
      { numRuns: 1500 },
    );
    // Both sides were exercised: accepted rule sets were checked, not only refusals.
    expect(exactChecked).toBeGreaterThan(200);
  });

  it("simple responses: the answer for a route key is its rule's, $default and renamed parameters included", () => {
    fc.assert(
      fc.property(rulesArb(true), callerArb, (rules, caller) => {
        const compiled = compileRouteKeyRules(rules);
        for (const rule of rules) {
          // API Gateway's route key may name the parameters differently from the rule.
          const routeKey = rule.route.replace(/\{p(\d)\}/g, "{q$1}").replace("{rest+}", "{path+}");
          const d = compiled.decide(caller, routeKey);
          expect({ routeKey, allowed: d.allowed, route: d.route }).toEqual({
            routeKey,
            allowed: allowsRule(rule, caller),
            route: rule.route,
          });
        }
        // A route key no rule names is refused.
        const listed = new Set(rules.map((r) => methodKey(r.route)));
        for (const key of ["PUT /a", "GET /z", "$default", "DELETE /"]) {
          if (!listed.has(methodKey(key))) expect(compiled.decide(caller, key).allowed).toBe(false);
        }
        // Alike rules (what config.ts accepts without the route key in the identity source):
        // one answer for every route, so a cached answer is right for every route.
        if (compiled.uniform) {
          expect(new Set(rules.map((r) => compiled.decide(caller, r.route).allowed)).size).toBe(1);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it("the model follows the documented route choice on hand-picked cases", () => {
    const routes = ["GET /a", "ANY /{rest+}", "POST /a/{p1}"];
    expect(httpRoute(routes, "GET", ["a"])).toBe("GET /a");
    // A REST API answers 403 here (resource /a has no POST); an HTTP API falls through to greedy.
    expect(httpRoute(routes, "POST", ["a"])).toBe("ANY /{rest+}");
    expect(httpRoute(routes, "POST", ["a", "b"])).toBe("POST /a/{p1}");
    expect(httpRoute(routes, "GET", [])).toBeUndefined();
    expect(overlappingPaths([{ route: "GET /a" }, { route: "ANY /{rest+}" }])).toBe(true);
    expect(overlappingPaths([{ route: "GET /a" }, { route: "ANY /b/{rest+}" }])).toBe(false);
  });
});
