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

import type { RequirementAlternative, RouteRule } from "./contract";
import type { Reason } from "./errors";
import type { MethodArn } from "./method-arn";
import {
  AnalysisBudget,
  AnalysisBudgetExceeded,
  analyseOverlaps,
  globSet,
  type Overlaps,
} from "./overlap-analysis";
import { refuseInexpressible } from "./overlap-refusal";
import { everyRoute, type PolicyStatement, statement } from "./policy";
import {
  compileRouteTable,
  hasEncodedDotSegment,
  isNormalRequestPath,
  type RouteTable,
  RouteTableError,
} from "./route-match";
import { RouteRulesError, validateRules, where } from "./route-rule-validation";

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
  /** Search steps the overlap analysis may take before the rule set is refused. @default DEFAULT_ANALYSIS_STEPS */
  readonly analysisSteps?: number;
}

/** JSON text (the ROUTE_RULES variable) to compiled rules. Throws RouteRulesError. */
export function parseRouteRules(json: string): CompiledRouteRules {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new RouteRulesError(`not valid JSON (${(err as Error).message}): expected a JSON array of rules`);
  }
  return compileRouteRules(value);
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
    overlaps = analyseOverlaps(table.routes, new AnalysisBudget(options.analysisSteps));
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
  return new Compiled(validated, table, overlaps);
}

// Per request: a bitmask of the caller's decisions, and a memoized statement list for it.

/** Distinct (ARN prefix, caller bitmask) statement lists kept; the oldest is dropped beyond this. */
const MEMO_LIMIT = 1024;

/**
 * Does the caller satisfy the rule's requirement? One of its alternatives (`anyOf`, or the rule's
 * own `scopes` and `groups`) holds: any of its scopes in the token's scope claim AND any of its
 * groups in `cognito:groups` (a missing key requires nothing). The one place this is decided.
 */
function allows(rule: RouteRule, caller: Caller): boolean {
  const holds = ({ scopes, groups }: RequirementAlternative): boolean =>
    (scopes === undefined || scopes.some((s) => caller.scopes.has(s))) &&
    (groups === undefined || groups.some((g) => caller.groups.has(g)));
  return rule.anyOf === undefined ? holds(rule) : rule.anyOf.some(holds);
}

class Compiled implements CompiledRouteRules {
  private readonly memo = new Map<string, readonly PolicyStatement[]>();
  /** coverers[d]: the routes (with requests of their own) whose glob matches a request routed to d. */
  private readonly coverers: readonly (readonly number[])[];

  constructor(
    readonly rules: readonly RouteRule[],
    private readonly table: RouteTable,
    private readonly overlaps: Overlaps,
  ) {
    this.coverers = rules.map((_, d) =>
      rules.map((__, a) => a).filter((a) => a !== d && overlaps.hasInstances[a] && overlaps.hits[a]?.[d]),
    );
  }

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
    const routes = this.table.routes;
    const allow: string[] = [];
    const deny: string[] = [];
    routes.forEach((r, i) => {
      if (allowed[i]) {
        // A route no request can reach (ANY shadowed on every method) needs no Allow.
        if (this.overlaps.hasInstances[i]) for (const g of globSet(r)) allow.push(arn.resourcePrefix + g);
      } else if (this.coverers[i]?.some((a) => allowed[a])) {
        for (const g of globSet(r)) deny.push(arn.resourcePrefix + g);
      }
    });
    // An empty statement list is malformed for API Gateway; a caller allowed nothing gets Deny-all.
    if (allow.length === 0) return denyAll(arn);
    const statements = [statement("Allow", dedupe(allow))];
    if (deny.length > 0) statements.push(statement("Deny", dedupe(deny)));
    // Paths not in normal form are no request for any rule, whatever route API Gateway gives them.
    statements.push(
      statement(
        "Deny",
        NON_NORMAL_PATH_GLOBS.map((g) => arn.resourcePrefix + g),
      ),
    );
    return Object.freeze(
      statements.map((s) => Object.freeze({ ...s, Resource: Object.freeze([...s.Resource]) })),
    );
  }
}

function dedupe(items: readonly string[]): string[] {
  return [...new Set(items)];
}

/**
 * Deny globs for every request path with an empty or dot segment (route-match.ts
 * isNormalRequestPath), and for nothing else: a normal resource string (`GET/`, `GET/items`,
 * `GET/items/42/`) has no `//`, no `/./` or `/../`, and does not end in `/.` or `/..`.
 */
const NON_NORMAL_PATH_GLOBS = ["*//*", "*/./*", "*/.", "*/../*", "*/.."] as const;

function denyAll(arn: MethodArn): readonly PolicyStatement[] {
  return Object.freeze([statement("Deny", [everyRoute(arn)])]);
}
