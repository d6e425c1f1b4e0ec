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

import { everyRoute, type MethodArn, type PolicyStatement, statement } from "./policy";
import {
  compileRouteTable,
  HTTP_METHODS,
  type HttpMethod,
  type ParsedRoute,
  type PathSegment,
  type RouteTable,
  RouteTableError,
} from "./route-match";

export interface RouteRule {
  readonly route: string;
  readonly scopes?: readonly string[];
  readonly groups?: readonly string[];
}

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
}

export interface CompiledRouteRules {
  readonly rules: readonly RouteRule[];
  decide(caller: Caller, arn: MethodArn): RouteDecision;
}

/** The rules are malformed or cannot be enforced cache-safely; the message says which rule and what to change. */
export class RouteRulesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RouteRulesError";
  }
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
export function compileRouteRules(rules: unknown): CompiledRouteRules {
  const validated = validateRules(rules);
  let table: RouteTable;
  try {
    table = compileRouteTable(validated.map((r) => r.route));
  } catch (err) {
    if (err instanceof RouteTableError)
      throw new RouteRulesError(`${where(validated, err.index)}: ${err.message}`);
    throw err;
  }
  const overlaps = analyseOverlaps(table.routes);
  refuseInexpressible(validated, table.routes, overlaps);
  return new Compiled(validated, table, overlaps);
}

// ---------------------------------------------------------------------------------------------
// Validation

const RULE_KEYS = ["route", "scopes", "groups"] as const;
// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). Anything else can never be in a scope claim.
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
// Cognito group names: 1-128 characters, no control characters.
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateGroup.html
const GROUP_NAME = /^[^\p{Cc}]{1,128}$/u;

function where(rules: readonly { route: unknown }[], index: number): string {
  const route = rules[index]?.route;
  return typeof route === "string" ? `rules[${index}] (${JSON.stringify(route)})` : `rules[${index}]`;
}

function validateRules(value: unknown): RouteRule[] {
  if (!Array.isArray(value)) {
    throw new RouteRulesError(
      `expected a JSON array of rules like [{"route":"GET /items","scopes":["items/read"]}], got ${describe(value)}`,
    );
  }
  if (value.length === 0) {
    throw new RouteRulesError(
      "the rule list is empty: list the routes the authorizer guards, or leave it unset",
    );
  }
  const raw = value as unknown[];
  return raw.map((entry, index): RouteRule => {
    const at = () => where(raw as { route: unknown }[], index);
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      throw new RouteRulesError(
        `${at()}: expected an object like {"route":"GET /items"}, got ${describe(entry)}`,
      );
    }
    const obj = entry as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      if (!(RULE_KEYS as readonly string[]).includes(key)) {
        const hint = key === "scope" || key === "group" ? ` (did you mean "${key}s"?)` : "";
        throw new RouteRulesError(
          `${at()}: unknown key "${key}"${hint}: a rule has only route, scopes, groups`,
        );
      }
    }
    if (typeof obj.route !== "string") {
      throw new RouteRulesError(`${at()}: "route" must be a string like "GET /items/{id}"`);
    }
    const rule: { route: string; scopes?: readonly string[]; groups?: readonly string[] } = {
      route: obj.route,
    };
    const scopes = validateList(obj.scopes, "scopes", SCOPE_TOKEN, "a scope (no spaces, RFC 6749 §3.3)", at);
    const groups = validateList(obj.groups, "groups", GROUP_NAME, "a Cognito group name", at);
    if (scopes) rule.scopes = scopes;
    if (groups) rule.groups = groups;
    return Object.freeze(rule);
  });
}

function validateList(
  value: unknown,
  key: string,
  pattern: RegExp,
  what: string,
  at: () => string,
): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    throw new RouteRulesError(`${at()}: "${key}" must be an array of strings, got ${describe(value)}`);
  }
  if (value.length === 0) {
    throw new RouteRulesError(
      `${at()}: "${key}" is empty, which would deny everyone: list at least one, or remove the key to not require ${key}`,
    );
  }
  const seen = new Set<string>();
  for (const item of value as unknown[]) {
    if (typeof item !== "string") {
      throw new RouteRulesError(`${at()}: "${key}" must contain only strings, got ${describe(item)}`);
    }
    if (!pattern.test(item)) {
      throw new RouteRulesError(`${at()}: "${key}" entry ${JSON.stringify(item)} is not ${what}`);
    }
    if (seen.has(item)) throw new RouteRulesError(`${at()}: "${key}" lists ${JSON.stringify(item)} twice`);
    seen.add(item);
  }
  return Object.freeze([...(value as string[])]);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "string" ? `the string ${JSON.stringify(value.slice(0, 40))}` : `a ${typeof value}`;
}

// ---------------------------------------------------------------------------------------------
// Overlap analysis (cold start): which route's glob matches which route's requests.

/** A concrete request, for messages: `GET /items/x/secret`. */
interface Witness {
  readonly method: HttpMethod;
  readonly path: string;
}

interface Overlaps {
  /**
   * hits[x][y]: route x's glob (equivalently its glob set) matches some request, with or without the
   * trailing `/`, that API Gateway routes to route y.
   */
  readonly hits: readonly (readonly (Witness | undefined)[])[];
  /** hasInstances[y]: some request is routed to route y (false for an ANY shadowed on every method). */
  readonly hasInstances: readonly boolean[];
}

interface Resource {
  readonly segments: readonly PathSegment[];
  /** Resources that win over this one whenever both match a path (route-match.ts precedence). */
  readonly competitors: readonly Resource[];
}

function analyseOverlaps(routes: readonly ParsedRoute[]): Overlaps {
  const byKey = new Map<string, { segments: readonly PathSegment[]; competitors: Resource[] }>();
  for (const r of routes) {
    if (!byKey.has(r.resourceKey)) byKey.set(r.resourceKey, { segments: r.segments, competitors: [] });
  }
  const resources = [...byKey.values()];
  for (const res of resources) {
    for (const other of resources) {
      if (other !== res && precedes(other.segments, res.segments)) res.competitors.push(other);
    }
  }
  const literals = new Set<string>(HTTP_METHODS);
  for (const r of routes) for (const s of r.segments) if (s.kind === "literal") literals.add(s.value);
  let fresh = "x";
  for (let n = 1; literals.has(fresh); n++) fresh = `x${n}`;
  const maxDepth = Math.max(0, ...routes.map((r) => r.segments.length));

  // The methods a request can carry to reach route y: its own, or for ANY those without an explicit route.
  const methodsOf = routes.map((r): readonly HttpMethod[] =>
    r.method !== "ANY"
      ? [r.method]
      : HTTP_METHODS.filter((m) => !routes.some((o) => o.resourceKey === r.resourceKey && o.method === m)),
  );
  const hits = routes.map((x) =>
    routes.map((y, j): Witness | undefined => {
      const methods = methodsOf[j] as readonly HttpMethod[];
      const usable = x.method === "ANY" ? methods : methods.filter((m) => m === x.method);
      // Cheap necessary condition first: x's glob must share a string with one of y's globs (the
      // glob set, so that y's trailing-slash requests count: `GET/items/*` meets `GET/items/`).
      if (usable.length === 0 || !globSet(y).some((g) => globsIntersect(x.glob, g))) return undefined;
      const resource = byKey.get(y.resourceKey) as Resource;
      return findRequest(x.glob, resource, usable, { fresh, maxDepth });
    }),
  );
  return { hits, hasInstances: routes.map((_, j) => hits[j]?.[j] !== undefined) };
}

/**
 * The IAM resource globs (without the ARN prefix) that cover every request of a route, both
 * spellings: the canonical glob, and for a non-root route whose glob ends with a literal, the same
 * with a trailing `/` (`GET/items` and `GET/items/`; `GET/items/*` alone; the root `GET/` alone).
 */
function globSet(route: ParsedRoute): readonly string[] {
  return route.segments.length > 0 && !route.glob.endsWith("*")
    ? [route.glob, route.glob + "/"]
    : [route.glob];
}

const RANK = { literal: 0, param: 1, proxy: 2 } as const;

/** Does resource `p` win over resource `r` on the paths both match? (false if they share none) */
function precedes(p: readonly PathSegment[], r: readonly PathSegment[]): boolean {
  for (let i = 0; ; i++) {
    const a = p[i];
    const b = r[i];
    if (!a || !b) return false;
    if (a.kind === "literal" && b.kind === "literal") {
      if (a.value !== b.value) return false;
      continue;
    }
    if (a.kind !== b.kind) return RANK[a.kind] < RANK[b.kind];
    if (a.kind === "proxy") return false;
  }
}

function segmentAccepts(segments: readonly PathSegment[], t: number, value: string): boolean {
  const s = segments[t];
  if (s) return s.kind !== "literal" || s.value === value;
  return segments[segments.length - 1]?.kind === "proxy";
}

function completeAt(segments: readonly PathSegment[], t: number): boolean {
  return segments[segments.length - 1]?.kind === "proxy" ? t >= segments.length : t === segments.length;
}

/**
 * A concrete request routed to `target` (with one of `methods`) whose resource string
 * `METHOD/seg/seg` or, for a non-root request, `METHOD/seg/seg/` (one trailing slash, routed the
 * same way) the glob matches, or undefined if there is none. Exact, not sampled: a
 * depth-first search over path segments, tracking the glob automaton's states and the competing
 * resources that still match. A segment matters only through equality with the literals of the glob
 * or of a competitor at that depth (glob stars only ever sit between `/` or at the ends), so those
 * literals plus one fresh value are all the candidates; proxy paths of any length are covered
 * because the state (depth capped past the deepest route, glob states, live competitors) repeats.
 */
function findRequest(
  glob: string,
  target: Resource,
  methods: readonly HttpMethod[],
  ctx: { readonly fresh: string; readonly maxDepth: number },
): Witness | undefined {
  // Token 0 is the method (or `*` for ANY). A method literal is anchored at the start and never
  // equals a path segment; ANY's `*` can swallow segments, but as a star, not as a candidate value.
  const globLiterals = glob
    .split("/")
    .slice(1)
    .filter((t) => t !== "" && t !== "*");
  const segs = target.segments;
  const proxyAt = segs[segs.length - 1]?.kind === "proxy" ? segs.length - 1 : -1;
  const end = glob.length;
  const competitorIds = new Map(target.competitors.map((c, i) => [c, i]));
  for (const method of methods) {
    const start = step(glob, closure(glob, [0]), method);
    if (start.length === 0) continue;
    const visited = new Set<string>();
    const path: string[] = [];
    let slash = false;
    const dfs = (t: number, states: readonly number[], alive: readonly Resource[]): boolean => {
      // The trailing `/` does not change the route, so the competitors are judged on the path alone.
      if (completeAt(segs, t) && !alive.some((c) => completeAt(c.segments, t))) {
        // The root's string already ends with `/` (`GET/`); other paths may carry one more.
        if (t === 0) return step(glob, states, "/").includes(end);
        if (states.includes(end)) return true;
        if (step(glob, states, "/").includes(end)) return (slash = true);
      }
      const s = segs[t] ?? (proxyAt >= 0 ? segs[proxyAt] : undefined);
      if (!s) return false;
      const candidates = new Set<string>();
      if (s.kind === "literal") candidates.add(s.value);
      else {
        candidates.add(ctx.fresh); // first, so that witnesses in messages read naturally
        for (const c of alive) {
          const cs = c.segments[t];
          if (cs?.kind === "literal") candidates.add(cs.value);
        }
        for (const l of globLiterals) candidates.add(l);
      }
      for (const value of candidates) {
        const next = step(glob, states, "/" + value);
        if (next.length === 0) continue;
        const nextAlive = alive.filter((c) => segmentAccepts(c.segments, t, value));
        const key = `${Math.min(t + 1, ctx.maxDepth + 1)}|${next.join(",")}|${nextAlive.map((c) => competitorIds.get(c)).join(",")}`;
        if (visited.has(key)) continue;
        visited.add(key);
        path.push(value);
        if (dfs(t + 1, next, nextAlive)) return true;
        path.pop();
      }
      return false;
    };
    if (dfs(0, start, target.competitors)) {
      return { method, path: "/" + path.join("/") + (slash ? "/" : "") };
    }
  }
  return undefined;
}

// Glob automaton over a resource string: states are positions in the glob (`*` any run, `?` one char).
function closure(glob: string, states: readonly number[]): number[] {
  const out = new Set<number>();
  for (let p of states) {
    out.add(p);
    while (glob[p] === "*") out.add(++p);
  }
  return [...out].sort((a, b) => a - b);
}

function step(glob: string, states: readonly number[], text: string): readonly number[] {
  let current = states;
  for (const ch of text) {
    const next: number[] = [];
    for (const p of current) {
      const g = glob[p];
      if (g === "*") next.push(p);
      else if (g === "?" || g === ch) next.push(p + 1);
    }
    current = closure(glob, next);
    if (current.length === 0) break;
  }
  return current;
}

/** Is there a string both globs match? (`*` on either side may absorb the other's characters.) */
function globsIntersect(a: string, b: string): boolean {
  // Fast path: the literal prefixes (before the first `*`) and suffixes (after the last) of both globs
  // are anchored, so they must agree where they overlap. This rejects most pairs of routes in O(length).
  const fixedEnds = (x: string, y: string): boolean => {
    for (let i = 0; i < x.length && i < y.length && x[i] !== "*" && y[i] !== "*"; i++) {
      if (x[i] !== y[i] && x[i] !== "?" && y[i] !== "?") return false;
    }
    return true;
  };
  const reverse = (x: string) => [...x].reverse().join("");
  if (!fixedEnds(a, b) || !fixedEnds(reverse(a), reverse(b))) return false;
  // Bottom-up over suffixes: ok[i][j] = some string matches both a[i..] and b[j..].
  const m = a.length;
  const n = b.length;
  const ok = new Uint8Array((m + 1) * (n + 1));
  const at = (i: number, j: number) => ok[i * (n + 1) + j] === 1;
  for (let i = m; i >= 0; i--) {
    for (let j = n; j >= 0; j--) {
      let r: boolean;
      if (i === m && j === n) r = true;
      else if (a[i] === "*") r = at(i + 1, j) || (j < n && at(i, j + 1));
      else if (b[j] === "*") r = at(i, j + 1) || (i < m && at(i + 1, j));
      else r = i < m && j < n && a[i] === b[j] && at(i + 1, j + 1);
      if (r) ok[i * (n + 1) + j] = 1;
    }
  }
  return at(0, 0);
}

// ---------------------------------------------------------------------------------------------
// Refusal: a caller who would need a Deny that also hits a route they are allowed.

function requirementText(rule: RouteRule): string {
  const parts: string[] = [];
  if (rule.scopes) parts.push(`scopes ${JSON.stringify(rule.scopes)}`);
  if (rule.groups) parts.push(`groups ${JSON.stringify(rule.groups)}`);
  return parts.length ? parts.join(" and ") : "no requirement";
}

/**
 * Can one caller be allowed `a` and `a2` and denied `d`? `d` is denied either because the caller has
 * none of d.scopes (the caller still needs, for a and a2, a scope outside d.scopes, or no scope
 * requirement), or, symmetrically, none of d.groups. Returns the kind of caller, or undefined.
 */
function realizable(a: RouteRule, a2: RouteRule, d: RouteRule): string | undefined {
  const via = (key: "scopes" | "groups"): boolean => {
    const denied = d[key];
    return (
      denied !== undefined &&
      [a, a2].every((r) => r[key] === undefined || r[key].some((v) => !denied.includes(v)))
    );
  };
  if (via("scopes")) return `a caller with none of the scopes ${JSON.stringify(d.scopes)}`;
  if (via("groups")) return `a caller in none of the groups ${JSON.stringify(d.groups)}`;
  return undefined;
}

function refuseInexpressible(rules: readonly RouteRule[], routes: readonly ParsedRoute[], o: Overlaps): void {
  const n = routes.length;
  for (let d = 0; d < n; d++) {
    for (let a = 0; a < n; a++) {
      const covered = o.hits[a]?.[d];
      if (a === d || !covered || !o.hasInstances[a]) continue;
      for (let a2 = 0; a2 < n; a2++) {
        const overDenied = o.hits[d]?.[a2];
        if (a2 === d || !overDenied) continue;
        const caller = realizable(rules[a] as RouteRule, rules[a2] as RouteRule, rules[d] as RouteRule);
        if (!caller) continue;
        const [ra, rd, ra2] = [routes[a], routes[d], routes[a2]] as [ParsedRoute, ParsedRoute, ParsedRoute];
        const both = a === a2 ? `"${ra.route}"` : `"${ra.route}" and "${ra2.route}"`;
        throw new RouteRulesError(
          `${where(rules, d)} cannot be enforced under API Gateway's policy cache: ${caller} is allowed ${both} ` +
            `but denied "${rd.route}". The Allow "${ra.glob}" also matches ${covered.method} ${covered.path} ` +
            `(a request for "${rd.route}"), so that caller needs Deny "${rd.glob}", which also matches ` +
            `${overDenied.method} ${overDenied.path} (a request for ${where(rules, a2)}) and would ` +
            `wrongly deny it. Give "${rd.route}" and "${ra2.route}" the same requirement ` +
            `(now ${requirementText(rules[d] as RouteRule)} vs ${requirementText(rules[a2] as RouteRule)}), ` +
            `or rename/move one of them so that their paths do not overlap.`,
        );
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Per request: a bitmask of the caller's decisions, and a memoized statement list for it.

/** Distinct (ARN prefix, caller bitmask) statement lists kept; the oldest is dropped beyond this. */
const MEMO_LIMIT = 1024;

function allows(rule: RouteRule, caller: Caller): boolean {
  const { scopes, groups } = rule;
  return (
    (scopes === undefined || scopes.some((s) => caller.scopes.has(s))) &&
    (groups === undefined || groups.some((g) => caller.groups.has(g)))
  );
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
    const index = this.table.resolveIndex(arn.method, arn.path);
    if (index === undefined) {
      // The request reached this authorizer, yet the rules do not list its route: the deployment and
      // the rules disagree. Fail closed for this token (for the cache TTL) rather than guess.
      return { route: undefined, allowed: false, statements: denyAll(arn) };
    }
    const key = `${arn.resourcePrefix}|${allowed.map((a) => (a ? "1" : "0")).join("")}`;
    let statements = this.memo.get(key);
    if (!statements) {
      statements = this.build(allowed, arn);
      if (this.memo.size >= MEMO_LIMIT) this.memo.delete(this.memo.keys().next().value as string);
      this.memo.set(key, statements);
    }
    return { route: this.table.routes[index]?.route, allowed: allowed[index] === true, statements };
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
    return Object.freeze(
      statements.map((s) => Object.freeze({ ...s, Resource: Object.freeze([...s.Resource]) })),
    );
  }
}

function dedupe(items: readonly string[]): string[] {
  return [...new Set(items)];
}

function denyAll(arn: MethodArn): readonly PolicyStatement[] {
  return Object.freeze([statement("Deny", [everyRoute(arn)])]);
}
