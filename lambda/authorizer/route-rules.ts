// Per-route authorization rules, compiled once at cold start into policies that stay right under
// API Gateway's authorizer cache.
//
// API Gateway caches the policy per token and applies it, for the TTL, to every route the caller
// calls next. So the statements returned for one request must give, for every concrete request to
// every route in the rules, exactly the rules' decision for this caller: no over-allow, no over-deny.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
//
// IAM resource globs are coarse: `*` matches any run of characters including `/` (and the empty run),
// so the Allow `GET/items/*` for `GET /items/{id}` also matches `GET/items/42/secret`, and also
// `GET/items/`, which is a request for `GET /items`: API Gateway routes a non-root path with one
// trailing `/` to the same route as the path without it (route-match.ts).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards
// The requests of a route are therefore its concrete paths P and, for a non-root route, P + "/".
// A route's glob set covers both spellings: its canonical glob g (route-match.ts), plus g + "/" when
// the route is not the root and g ends with a literal (a g ending in `*` already matches the slash).
// g + "/" matches a string iff it ends in "/" and g matches the rest, so it matches exactly the
// trailing-slash spellings of the requests g matches, and never a slash-less or root request.
// The construction, per caller:
// - Allow the glob set of every allowed route;
// - Deny the glob set of every denied route D that NEEDS it: some request (either spelling) that API
//   Gateway routes to D is matched by an allowed route's glob (D's "coverers", precomputed here);
// - explicit Deny beats Allow, and anything unmatched is an implicit deny.
// This is exact unless a needed Deny glob also matches a request routed to an allowed route (over-deny).
// compileRouteRules refuses any rule set where some possible caller would hit that case, naming the
// routes and what to change. By the property of g + "/" above, a glob set matches a request routed to
// a route iff its canonical glob does, so the analysis works on canonical globs and both spellings.
// Per request, only a bitmask of the caller's rule decisions is computed; the statement list is
// memoized per (ARN prefix, bitmask).
//
// Where each part lives: route-rule-validation.ts (the ROUTE_RULES value), route-match.ts (route
// syntax and API Gateway's routing), iam-glob.ts (glob matching), overlap-analysis.ts (which glob
// reaches which route's requests), overlap-refusal.ts (rule sets that cannot be exact), and here
// compilation and the per-request decision.

import { alternativesOf, type RequirementAlternative, type RouteRule } from "./contract";
import type { Reason } from "./errors";
import type { MethodArn } from "./method-arn";
import {
  AnalysisBudget,
  AnalysisBudgetExceeded,
  analyseOverlaps,
  globSet,
  type Overlaps,
  RouteReach,
} from "./overlap-analysis";
import { refuseInexpressible } from "./overlap-refusal";
import { denyAll, minimalStatements, type PolicyPlan, type RouteMerge } from "./minimal-policy";
import type { PolicyStatement } from "./policy";
import {
  compileRouteTable,
  type ParsedRoute,
  hasEncodedDotSegment,
  isNormalRequestPath,
  type RouteTable,
  RouteTableError,
} from "./route-match";
import { RouteRulesError, validateRules, where } from "./route-rule-validation";
import { methodGlobs, unlistedRouteGuards } from "./unlisted-route-guards";

export { RouteRulesError } from "./route-rule-validation";

export interface Caller {
  readonly scopes: ReadonlySet<string>;
  readonly groups: ReadonlySet<string>;
}

export interface RouteDecision {
  /** The matched rule's route as written, e.g. "GET /items/{id}"; undefined when no rule matches. */
  readonly route: string | undefined;
  /** The rules' decision for the requested route (false when route is undefined). */
  readonly allowed: boolean;
  /** The complete, cache-safe statement list for THIS CALLER (resources start with arn.resourcePrefix). */
  readonly statements: readonly PolicyStatement[];
  /** Why, as the decision line's reason code (`non_normal_path`: an empty or a dot segment). */
  readonly reason: Extract<Reason, "allowed" | "forbidden_route" | "unknown_route" | "non_normal_path">;
}

export interface CompiledRouteRules {
  readonly rules: readonly RouteRule[];
  decide(caller: Caller, arn: MethodArn): RouteDecision;
}

export interface CompileOptions {
  /**
   * Search steps the overlap analysis (and, separately, the unlisted-route analysis) may take
   * before the rule set is refused.
   * @default DEFAULT_ANALYSIS_STEPS
   */
  readonly analysisSteps?: number;

  /**
   * The rules list every method that uses this authorizer, and nothing else (ROUTE_RULES_COMPLETE;
   * the CDK construct checks exactly this at synth). Then no request that no rule lists ever
   * reaches a cached policy (API Gateway answers it before any authorizer), so policies may use
   * `Allow everything, Deny the forbidden routes` and per-method globs (`GET/*`). Without it,
   * every policy also denies, under the cache, the requests no rule lists (unlisted-route-guards.ts),
   * and rule sets where IAM globs cannot express that are refused.
   * @default false
   */
  readonly complete?: boolean;
}

/** JSON text (the ROUTE_RULES variable) to compiled rules. Throws RouteRulesError. */
export function parseRouteRules(json: string, options: CompileOptions = {}): CompiledRouteRules {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new RouteRulesError(`not valid JSON (${(err as Error).message}): expected a JSON array of rules`);
  }
  return compileRouteRules(value, options);
}

/** An already-parsed value (e.g. a CDK construct prop) to compiled rules. Throws RouteRulesError. */
export function compileRouteRules(rules: unknown, options: CompileOptions = {}): CompiledRouteRules {
  const validated = validateRules(rules);
  let table: RouteTable;
  try {
    table = compileRouteTable(validated.map((r) => r.route));
  } catch (err) {
    if (err instanceof RouteTableError)
      throw new RouteRulesError(`${where(validated, err.index)}: ${err.message}`);
    throw err;
  }
  let overlaps: Overlaps;
  try {
    // Routes with the same requirement are allowed and denied together: their overlaps never
    // matter (no caller is allowed one and denied the other), so they are not searched.
    const requirement = validated.map(requirementKey);
    overlaps = analyseOverlaps(
      table.routes,
      new AnalysisBudget(options.analysisSteps),
      (x, y) => requirement[x] !== requirement[y],
    );
  } catch (err) {
    if (!(err instanceof AnalysisBudgetExceeded)) throw err;
    // Refused, not accepted unproven, and not left to run into the function's timeout.
    throw new RouteRulesError(
      `the cache-safety analysis did not finish within its budget (${err.steps} search steps), at ` +
        `${where(validated, err.x)} against ${where(validated, err.y)}: too many routes overlap in too ` +
        `many ways to prove every policy exact. Give overlapping routes the same requirement, or ` +
        `replace runs of {param} segments with literals where the API allows it.`,
    );
  }
  refuseInexpressible(validated, table.routes, overlaps);
  return new Compiled(validated, table, planPolicies(validated, table, overlaps, options));
}

/** Everything the per-caller statements need, computed once (minimal-policy.ts builds them). */
function planPolicies(
  rules: readonly RouteRule[],
  table: RouteTable,
  overlaps: Overlaps,
  options: CompileOptions,
): PolicyPlan {
  const routes = table.routes;
  const complete = options.complete === true;
  const { methodsOf } = new RouteReach(routes, new AnalysisBudget(0));
  const { hits, hasInstances } = overlaps;
  const others = (d: number, related: (a: number) => unknown) =>
    routes.map((_, a) => a).filter((a) => a !== d && hasInstances[a] && related(a));
  const denyGlobs = routes.map(globSet);
  // Per method when the rules may be incomplete: ANY's leading `*` would span segments.
  const allowGlobs = complete
    ? denyGlobs
    : routes.map((r, i) => methodGlobs(r, methodsOf[i] ?? [], denyGlobs[i] ?? []));
  let guards: readonly (readonly string[])[] = routes.map(() => []);
  if (!complete) {
    try {
      guards = unlistedRouteGuards(rules, table, allowGlobs, new AnalysisBudget(options.analysisSteps));
    } catch (err) {
      if (!(err instanceof AnalysisBudgetExceeded)) throw err;
      throw new RouteRulesError(
        `the unlisted-route analysis did not finish within its budget (${err.steps} search steps), at ` +
          `${where(rules, err.x)}: too many routes overlap to prove that requests no rule lists are ` +
          `denied under the cache. If ROUTE_RULES lists every method that uses this authorizer, say so ` +
          `with ROUTE_RULES_COMPLETE=true.`,
      );
    }
  }
  return {
    merges: complete
      ? routeMerges(routes, hasInstances, new RouteReach(routes, new AnalysisBudget(options.analysisSteps)))
      : [],
    complete,
    hasInstances,
    methodsOf,
    allowGlobs,
    denyGlobs,
    coverers: routes.map((_, d) => others(d, (a) => hits[a]?.[d])),
    reachedByDeny: routes.map((_, d) => others(d, (a) => hits[d]?.[a])),
    guards,
  };
}

// Candidate merges (complete rules only): routes with the same method and the same number of
// segments, `{param}` at the same places, are one group; its glob keeps the literals all members
// share and writes `*` where they differ (`GET/resource-1/*` and `GET/resource-2/*` give `GET/*/*`).
// Each glob's footprint is what the overlap search finds it reaching; a merge is used for a caller
// only when the footprint's decisions are uniform (minimal-policy.ts). A merge whose search runs
// out of budget is not offered (its routes are then listed one by one).
function routeMerges(
  routes: readonly ParsedRoute[],
  hasInstances: readonly boolean[],
  reach: RouteReach,
): RouteMerge[] {
  const groups = new Map<string, number[]>();
  routes.forEach((r, i) => {
    if (!hasInstances[i]) return;
    const key = `${r.method} ${r.segments.map((s) => (s.kind === "literal" ? "l" : s.kind)).join("/")}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const merges: RouteMerge[] = [];
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    const tokens = members.map((i) => (routes[i] as ParsedRoute).glob.split("/"));
    const first = tokens[0] as string[];
    const glob = first.map((t, k) => (tokens.every((u) => u[k] === t) ? t : "*")).join("/");
    const globs = glob.endsWith("*") ? [glob] : [glob, `${glob}/`];
    try {
      const footprint = routes
        .map((_, j) => j)
        .filter((j) => hasInstances[j] && globs.some((g) => reach.reaches(g, j, [j, j]) !== undefined));
      merges.push({ globs, members, footprint });
    } catch (err) {
      if (!(err instanceof AnalysisBudgetExceeded)) throw err;
    }
  }
  return merges;
}

// Per request: a bitmask of the caller's decisions, and a memoized statement list for it.

/** Distinct (ARN prefix, caller bitmask) statement lists kept; the oldest is dropped beyond this. */
const MEMO_LIMIT = 1024;

/**
/**
 * A rule's requirement, canonical: equal keys mean `allows` gives the same answer for every caller.
 * The set of its alternatives (`anyOf`, or the rule's own `scopes` and `groups`), each as its sorted
 * scopes and sorted groups.
 */
export function requirementKey(rule: RouteRule): string {
  const canonical = alternativesOf(rule).map((a) =>
    JSON.stringify([
      a.scopes === undefined ? null : [...a.scopes].sort(),
      a.groups === undefined ? null : [...a.groups].sort(),
    ]),
  );
  return JSON.stringify([...new Set(canonical)].sort());
}

/**
 * Does the caller satisfy the rule's requirement? One of its alternatives (`anyOf`, or the rule's
 * own `scopes` and `groups`) holds: any of its scopes in the token's scope claim AND any of its
 * groups in `cognito:groups` (a missing key requires nothing). The one place this is decided (keep
 * requirementKey in step).
 */
export function allows(rule: RouteRule, caller: Caller): boolean {
  const holds = ({ scopes, groups }: RequirementAlternative): boolean =>
    (scopes === undefined || scopes.some((s) => caller.scopes.has(s))) &&
    (groups === undefined || groups.some((g) => caller.groups.has(g)));
  return rule.anyOf === undefined ? holds(rule) : rule.anyOf.some(holds);
}

class Compiled implements CompiledRouteRules {
  private readonly memo = new Map<string, readonly PolicyStatement[]>();

  constructor(
    readonly rules: readonly RouteRule[],
    private readonly table: RouteTable,
    private readonly plan: PolicyPlan,
  ) {}

  decide(caller: Caller, arn: MethodArn): RouteDecision {
    const allowed = this.rules.map((rule) => allows(rule, caller));
    if (!isNormalRequestPath(arn.path)) {
      // Denied, but with the caller's own policy, which denies every such path itself: one stray
      // `//` from a client must not lock the token out of the whole stage for the cache TTL.
      return {
        route: undefined,
        allowed: false,
        statements: this.statementsFor(allowed, arn),
        reason: "non_normal_path",
      };
    }
    if (hasEncodedDotSegment(arn.path)) {
      // No glob of the caller's policy denies this spelling: the policy returned for this request
      // is what API Gateway applies to it, so only a Deny of the whole stage refuses it.
      return { route: undefined, allowed: false, statements: denyAll(arn), reason: "non_normal_path" };
    }
    const index = this.table.resolveIndex(arn.method, arn.path);
    if (index === undefined) {
      // The request reached this authorizer, yet the rules do not list its route: the deployment and
      // the rules disagree. Fail closed for this token (for the cache TTL) rather than guess.
      return { route: undefined, allowed: false, statements: denyAll(arn), reason: "unknown_route" };
    }
    const statements = this.statementsFor(allowed, arn);
    const ok = allowed[index] === true;
    return {
      route: this.table.routes[index]?.route,
      allowed: ok,
      statements,
      reason: ok ? "allowed" : "forbidden_route",
    };
  }

  private statementsFor(allowed: readonly boolean[], arn: MethodArn): readonly PolicyStatement[] {
    const key = `${arn.resourcePrefix}|${allowed.map((a) => (a ? "1" : "0")).join("")}`;
    let statements = this.memo.get(key);
    if (!statements) {
      statements = this.build(allowed, arn);
      if (this.memo.size >= MEMO_LIMIT) this.memo.delete(this.memo.keys().next().value as string);
      this.memo.set(key, statements);
    }
    return statements;
  }

  private build(allowed: readonly boolean[], arn: MethodArn): readonly PolicyStatement[] {
    return minimalStatements(this.plan, allowed, arn);
  }
}
