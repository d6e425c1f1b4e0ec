// Fail closed, under the cache, for requests no rule lists (routes missing from hand-written rules).
//
// Unless ROUTE_RULES is declared complete (contract.ts ENV.routeRulesComplete), the API may have
// methods guarded by this authorizer that the rules do not list. A request for one reaches the
// authorizer and is denied directly (unknown_route), but a policy cached from another request is
// applied to it as well, and IAM's `*` matches across `/`: with only `GET /items/{id}` listed, the
// cached `Allow GET/items/*` also matches `GET/items/1/secret`.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
//
// So, per route, the Deny globs ("guards") that close every request its Allow globs match but no
// rule resolves, found and proven by exact search, never by sampling:
// 1. depth guards: each `{param}` star of the Allow glob replaced by `?*/?*` (two segments or more;
//    `?` is one character), a final star by `?*` where another star is widened, and kept only if
//    it matches some unlisted request;
// 2. then, until none is left, a search for a request the Allow glob matches, no guard matches and
//    no rule resolves; its path, with the value no rule names written `?*`, becomes a guard.
// Every guard is then checked against every route: a guard that matches a request some rule
// resolves would deny it (the caller allowed everything is allowed that request), so such a rule
// set is refused, naming the routes and the requests. Accepted sets get, for every caller, policies
// under which a request no rule lists is denied whichever request produced the cached policy.
// The search is route-match.ts's routing: a request is "listed" iff RouteTable.resolveIndex finds it.

import type { RouteRule } from "./contract";
import { isAccepting, startStates, step } from "./iam-glob";
import { type AnalysisBudget, RouteReach, segmentAccepts } from "./overlap-analysis";
import type { HttpMethod, ParsedRoute, RouteTable } from "./route-match";
import { RouteRulesError, where } from "./route-rule-validation";

/** Rounds of "find an uncovered unlisted request, guard it" per Allow glob before refusing. */
const MAX_GUARD_ROUNDS = 16;

/** A request no rule resolves, for messages: `GET /items/x/x`. */
interface Unlisted {
  readonly path: string;
  /** The path's segments (the trailing `/`, if any, is in `slash`). */
  readonly segments: readonly string[];
  readonly slash: boolean;
}

// The Allow globs of a route when the rules may be incomplete: per method, so that ANY's leading
// `*` (which spans segments: `*/admin/*` matches `GET/x/admin/y`) never reaches another path.
export function methodGlobs(
  route: ParsedRoute,
  methods: readonly HttpMethod[],
  globs: readonly string[],
): string[] {
  if (route.method !== "ANY") return [...globs];
  return methods.flatMap((m) => globs.map((g) => m + g.slice(1)));
}

/**
 * Per route, the guard globs (without the ARN prefix) that every policy allowing that route must
 * also Deny. Throws RouteRulesError for a rule set where some guard would deny a listed request.
 */
export function unlistedRouteGuards(
  rules: readonly RouteRule[],
  table: RouteTable,
  allowGlobs: readonly (readonly string[])[],
  budget: AnalysisBudget,
): readonly (readonly string[])[] {
  const routes = table.routes;
  const reach = new RouteReach(routes, budget);
  const checked = new Set<string>();
  const byFirst = firstSegmentIndex(routes);
  return routes.map((route, i) => {
    const guards: string[] = [];
    for (const allow of allowGlobs[i] ?? []) {
      const method = allow.slice(0, allow.indexOf("/")) as HttpMethod;
      const search = new UnlistedSearch(
        routes,
        table,
        method,
        reach.fresh,
        reach.maxDepth,
        budget,
        i,
        byFirst,
      );
      const own: string[] = [];
      for (const depth of depthGuards(allow, route)) {
        if (search.find(depth, []) !== undefined) own.push(depth);
      }
      for (let round = 0; ; round++) {
        const missed = search.find(allow, own);
        if (missed === undefined) break;
        if (round === MAX_GUARD_ROUNDS) {
          throw new RouteRulesError(
            `${where(rules, i)}: its Allow "${allow}" also matches ${method} ${missed.path}, which no rule ` +
              `lists, and no Deny found in ${MAX_GUARD_ROUNDS} rounds closes every such request. ${COMPLETE_HINT}`,
          );
        }
        own.push(...generalize(method, missed, reach.fresh));
      }
      for (const guard of own) {
        if (!checked.has(guard)) {
          checked.add(guard);
          refuseIfListed(rules, routes, reach, i, allow, guard, search);
        }
        if (!guards.includes(guard)) guards.push(guard);
      }
    }
    return Object.freeze(guards);
  });
}

const COMPLETE_HINT =
  "If ROUTE_RULES lists every method that uses this authorizer, say so with ROUTE_RULES_COMPLETE=true " +
  "(requests no rule lists then never reach the authorizer: API Gateway answers them itself); " +
  "otherwise list the missing routes, or move the overlapping ones apart.";

function refuseIfListed(
  rules: readonly RouteRule[],
  routes: readonly ParsedRoute[],
  reach: RouteReach,
  i: number,
  allow: string,
  guard: string,
  search: UnlistedSearch,
): void {
  for (const j of mayReach(routes, guard)) {
    const hit = reach.reaches(guard, j, [i, j]);
    if (hit === undefined) continue;
    const closed = search.find(guard, []);
    const example = closed ? ` (such as ${guard.slice(0, guard.indexOf("/"))} ${closed.path})` : "";
    throw new RouteRulesError(
      `${where(rules, i)} cannot fail closed for unlisted routes under API Gateway's policy cache: its ` +
        `Allow "${allow}" also matches requests no rule lists${example}, and the Deny that closes them, ` +
        `"${guard}", also matches ${hit.method} ${hit.path}, a request for ${where(rules, j)}, which it ` +
        `would wrongly deny. ${COMPLETE_HINT}`,
    );
  }
}

/**
 * The routes a guard can reach at all: a guard's first path token, when a literal, is the
 * request's whole first segment (method and `/` before it are literals too), so only routes whose
 * first segment is that literal, a parameter or a proxy qualify. A cheap filter before the search.
 */
function mayReach(routes: readonly ParsedRoute[], guard: string): number[] {
  const first = guard.split("/")[1] ?? "";
  const literal = first !== "" && !/[*?]/.test(first);
  const out: number[] = [];
  routes.forEach((r, j) => {
    const s = r.segments[0];
    if (!literal || s === undefined || s.kind !== "literal" || s.value === first) out.push(j);
  });
  return out;
}

// Depth guards of an Allow glob: for each star that stands for one `{param}` segment, the glob with
// that star widened to `?*/?*` (two segments or more, in a path without empty segments). A final
// star elsewhere in the glob becomes `?*` (one segment or more), so that a guard never matches the
// trailing-slash spelling of a request of the route itself (`GET/*/?*/?*` would match `GET/a/b/`).
function depthGuards(allow: string, route: ParsedRoute): string[] {
  const tokens = allow.split("/");
  const last = tokens.length - 1;
  const greedy = route.segments.at(-1)?.kind === "proxy";
  const out: string[] = [];
  tokens.forEach((t, k) => {
    if (k === 0 || t !== "*" || (k === last && greedy)) return;
    const widened = tokens.map((u, n) => (n === k ? "?*/?*" : n === last && u === "*" ? "?*" : u));
    out.push(widened.join("/"));
  });
  return out;
}

/**
 * The guard for an unlisted request: its path with the value no rule names (`x`) written `?*` (one
 * character or more, so never the empty segment).
 */
function generalize(method: string, missed: Unlisted, fresh: string): string[] {
  if (missed.segments.length === 0) return [`${method}/`];
  const glob = `${method}/${missed.segments.map((s) => (s === fresh ? "?*" : s)).join("/")}`;
  // A final `?*` also matches the trailing `/`; otherwise the request's own spelling only (the
  // other one, if unlisted too, is found and guarded in the next round).
  return [glob.endsWith("?*") || !missed.slash ? glob : `${glob}/`];
}

/**
 * Exact search for a normal request (one method, non-empty segments, at most one trailing `/`)
 * that a glob matches, none of some other globs matches, and no rule resolves. Depth-first over
 * path segments, like overlap-analysis.ts: a segment matters only through equality with a literal
 * of the globs or of a route that still matches, so those literals plus one fresh value are the
 * candidates, and the state (depth capped past the deepest route or glob, glob states, routes still
 * matching) repeats on longer paths.
 */
class UnlistedSearch {
  constructor(
    private readonly routes: readonly ParsedRoute[],
    private readonly table: RouteTable,
    private readonly method: HttpMethod,
    private readonly fresh: string,
    private readonly maxDepth: number,
    private readonly budget: AnalysisBudget,
    private readonly at: number,
    private readonly byFirst: FirstSegmentIndex,
  ) {}

  /** The routes whose first segment accepts `value` (an index: the root level is the widest). */
  private firstSegment(value: string): readonly number[] {
    const literal = this.byFirst.literal.get(value) ?? [];
    return literal.length === 0
      ? this.byFirst.open
      : [...literal, ...this.byFirst.open].sort((x, y) => x - y);
  }

  /**
   * The shortest such request (for guards as general as possible, and readable messages), or
   * undefined. One unbounded search first: most globs have none, and it proves that.
   */
  find(glob: string, except: readonly string[]): Unlisted | undefined {
    if (this.search(glob, except, Infinity) === undefined) return undefined;
    for (let limit = 0; ; limit++) {
      const found = this.search(glob, except, limit);
      if (found) return found;
    }
  }

  private search(glob: string, except: readonly string[], limit: number): Unlisted | undefined {
    const { method } = this;
    const start = step(glob, startStates(glob), method);
    if (start.length === 0) return undefined;
    const others = except.map((g) => ({ g, s: step(g, startStates(g), method) }));
    const literals = new Set<string>();
    for (const g of [glob, ...except]) {
      for (const t of g.split("/").slice(1)) if (t !== "" && !/[*?]/.test(t)) literals.add(t);
    }
    const cap = Math.max(this.maxDepth, ...[glob, ...except].map((g) => g.split("/").length)) + 1;
    const alive0 = this.routes.map((_, k) => k);
    const visited = new Set<string>();
    const path: string[] = [];

    const unlisted = (slash: boolean): Unlisted | undefined => {
      const text = "/" + path.join("/") + (slash && path.length > 0 ? "/" : "");
      return this.table.resolveIndex(method, text) === undefined
        ? { path: text, segments: [...path], slash }
        : undefined;
    };
    const accepts = (g: string, states: readonly number[], slash: boolean) =>
      isAccepting(g, slash ? step(g, states, "/") : states);

    const dfs = (
      t: number,
      states: readonly number[],
      other: readonly { g: string; s: readonly number[] }[],
      alive: readonly number[],
    ): Unlisted | undefined => {
      this.budget.spend([this.at, this.at]);
      // The root has one spelling (`GET/`); any other path may carry one trailing `/`.
      for (const slash of t === 0 ? [true] : [false, true]) {
        if (accepts(glob, states, slash) && !other.some((o) => accepts(o.g, o.s, slash))) {
          const found = unlisted(slash);
          if (found) return found;
        }
      }
      if (t >= limit) return undefined;
      // Where the glob can only go on with one literal segment, that literal is the only candidate
      // (the others cannot match): this keeps the search linear on literal-led globs of large sets.
      const only = nextLiteral(glob, states);
      const candidates = new Set<string>(only === undefined ? [this.fresh, ...literals] : [only]);
      if (only === undefined) {
        for (const k of alive) {
          const s = this.routes[k]?.segments[t];
          if (s?.kind === "literal") candidates.add(s.value);
        }
      }
      for (const value of candidates) {
        const next = step(glob, states, "/" + value);
        if (next.length === 0) continue;
        const nextOther = other.map((o) => ({ g: o.g, s: step(o.g, o.s, "/" + value) }));
        const nextAlive =
          t === 0
            ? this.firstSegment(value)
            : alive.filter((k) => segmentAccepts((this.routes[k] as ParsedRoute).segments, t, value));
        const key = `${Math.min(t + 1, cap)}|${next.join(",")}|${nextOther.map((o) => o.s.join(",")).join(";")}|${nextAlive.join(",")}`;
        if (visited.has(key)) continue;
        visited.add(key);
        path.push(value);
        const found = dfs(t + 1, next, nextOther, nextAlive);
        if (found) return found;
        path.pop();
      }
      return undefined;
    };
    return dfs(0, start, others, alive0);
  }
}

/** The one literal segment a glob in these states can read next (`/items` in `GET/items/*`), if so. */
function nextLiteral(glob: string, states: readonly number[]): string | undefined {
  if (states.length !== 1) return undefined;
  const p = states[0] as number;
  if (glob[p] !== "/") return undefined;
  const end = glob.indexOf("/", p + 1);
  const token = glob.slice(p + 1, end < 0 ? undefined : end);
  return token !== "" && !/[*?]/.test(token) ? token : undefined;
}

/** Routes by their first segment: a literal's routes, and those with a parameter or proxy there. */
interface FirstSegmentIndex {
  readonly literal: ReadonlyMap<string, readonly number[]>;
  readonly open: readonly number[];
}

function firstSegmentIndex(routes: readonly ParsedRoute[]): FirstSegmentIndex {
  const open: number[] = [];
  const literal = new Map<string, number[]>();
  routes.forEach((r, k) => {
    const s = r.segments[0];
    if (s === undefined) return; // the root accepts no segment
    if (s.kind !== "literal") open.push(k);
    else literal.set(s.value, [...(literal.get(s.value) ?? []), k]);
  });
  return { literal, open };
}
