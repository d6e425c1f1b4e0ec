// Overlap analysis, run once at cold start (and at synth): for every pair of routes x and y, does
// x's IAM glob match some concrete request that API Gateway routes to y? Exact, not sampled, and
// each "yes" comes with a witness request for the refusal messages (overlap-refusal.ts).
// route-rules.ts explains why the policies need this; route-match.ts is the routing it follows.

import { globsIntersect, isAccepting, startStates, step } from "./iam-glob";
import { HTTP_METHODS, type HttpMethod, type ParsedRoute, type PathSegment } from "./route-match";

/** A concrete request, for messages: `GET /items/x/secret`. */
export interface Witness {
  readonly method: HttpMethod;
  readonly path: string;
}

export interface Overlaps {
  /**
   * hits[x][y]: route x's glob (equivalently its glob set) matches some request, with or without the
   * trailing `/`, that API Gateway routes to route y. Undefined, unsearched, for a pair that every
   * caller is allowed or denied together (analyseOverlaps `mayDiffer`).
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

export function analyseOverlaps(
  routes: readonly ParsedRoute[],
  budget: AnalysisBudget = new AnalysisBudget(),
  /**
   * Pairs (x, y), x !== y, whose overlap can matter: a caller allowed one and denied the other
   * exists. Other pairs are not searched and read as "no overlap" (their routes are allowed and
   * denied together, so no policy ever needs to tell them apart).
   * @default every pair
   */
  mayDiffer: (x: number, y: number) => boolean = () => true,
): Overlaps {
  const search = new RouteReach(routes, budget);
  const hits = routes.map((x, i) =>
    routes.map((_, j): Witness | undefined =>
      i === j || mayDiffer(i, j) ? search.reaches(x.glob, j, [i, j]) : undefined,
    ),
  );
  return { hits, hasInstances: routes.map((_, j) => hits[j]?.[j] !== undefined) };
}

/**
 * Which requests of which route an IAM glob matches: the search behind analyseOverlaps, open to any
 * glob built from the route vocabulary (literals, `*`, and `?*` for "one character or more"), so
 * that other checks (unlisted-route-guards.ts) judge their own Deny globs with the same exact search.
 */
export class RouteReach {
  private readonly byKey = new Map<string, Resource>();
  /** A segment value no route names. */
  readonly fresh: string;
  /** The most segments any route has. */
  readonly maxDepth: number;
  /** methodsOf[y]: the methods a request can carry to reach route y (ANY: those without a route of their own). */
  readonly methodsOf: readonly (readonly HttpMethod[])[];

  constructor(
    private readonly routes: readonly ParsedRoute[],
    private readonly budget: AnalysisBudget,
  ) {
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
    this.byKey = byKey;
    const literals = new Set<string>(HTTP_METHODS);
    for (const r of routes) for (const s of r.segments) if (s.kind === "literal") literals.add(s.value);
    let fresh = "x";
    for (let n = 1; literals.has(fresh); n++) fresh = `x${n}`;
    this.fresh = fresh;
    this.maxDepth = Math.max(0, ...routes.map((r) => r.segments.length));
    this.methodsOf = routes.map((r): readonly HttpMethod[] =>
      r.method !== "ANY"
        ? [r.method]
        : HTTP_METHODS.filter((m) => !routes.some((o) => o.resourceKey === r.resourceKey && o.method === m)),
    );
  }

  /**
   * A request routed to route `j` whose resource string (either spelling) `glob` matches, or
   * undefined. `pair` names the routes in a budget refusal.
   */
  reaches(glob: string, j: number, pair: readonly [number, number]): Witness | undefined {
    const y = this.routes[j] as ParsedRoute;
    const methods = this.methodsOf[j] as readonly HttpMethod[];
    const head = glob.slice(0, glob.indexOf("/"));
    const usable = head === "*" ? methods : methods.filter((m) => m === head);
    // Cheap necessary condition first: the glob must share a string with one of y's globs (the
    // glob set, so that y's trailing-slash requests count: `GET/items/*` meets `GET/items/`).
    if (usable.length === 0 || !globSet(y).some((g) => globsIntersect(glob, g))) return undefined;
    const resource = this.byKey.get(y.resourceKey) as Resource;
    return findRequest(glob, resource, usable, {
      fresh: this.fresh,
      maxDepth: this.maxDepth,
      budget: this.budget,
      pair,
    });
  }
}

/**
 * How much search the analysis may do: a count of search steps (one per state the search visits),
 * not a clock, so that `cdk synth` and every cold start accept or refuse the same rule sets on any
 * machine. The default keeps the worst case well under a second on a laptop core (README, Route
 * rules), far inside the function's 10 s timeout; a rule set that needs more is refused, never
 * half-proven.
 */
export class AnalysisBudget {
  private spent = 0;
  constructor(readonly steps = DEFAULT_ANALYSIS_STEPS) {}

  /** Steps taken so far. */
  get used(): number {
    return this.spent;
  }

  spend(pair: readonly [number, number]): void {
    this.spent += 1;
    if (this.spent > this.steps) throw new AnalysisBudgetExceeded(pair[0], pair[1], this.steps);
  }
}

/** Search steps the analysis of one rule set may take (see AnalysisBudget). */
export const DEFAULT_ANALYSIS_STEPS = 50_000;

/** The analysis ran out of budget while relating route `x`'s glob to route `y`'s requests. */
export class AnalysisBudgetExceeded extends Error {
  constructor(
    readonly x: number,
    readonly y: number,
    readonly steps: number,
  ) {
    super(`overlap analysis exceeded ${steps} search steps`);
    this.name = "AnalysisBudgetExceeded";
  }
}

/**
 * The IAM resource globs (without the ARN prefix) that cover every request of a route, both
 * spellings: the canonical glob, and for a non-root route whose glob ends with a literal, the same
 * with a trailing `/` (`GET/items` and `GET/items/`; `GET/items/*` alone; the root `GET/` alone).
 */
export function globSet(route: ParsedRoute): readonly string[] {
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

export function segmentAccepts(segments: readonly PathSegment[], t: number, value: string): boolean {
  const s = segments[t];
  if (s) return s.kind !== "literal" || s.value === value;
  return segments[segments.length - 1]?.kind === "proxy";
}

export function completeAt(segments: readonly PathSegment[], t: number): boolean {
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
  ctx: {
    readonly fresh: string;
    readonly maxDepth: number;
    readonly budget: AnalysisBudget;
    readonly pair: readonly [number, number];
  },
): Witness | undefined {
  // Token 0 is the method (or `*` for ANY). A method literal is anchored at the start and never
  // equals a path segment; ANY's `*` can swallow segments, but as a star, not as a candidate value.
  const globLiterals = glob
    .split("/")
    .slice(1)
    .filter((t) => t !== "" && !t.includes("*") && !t.includes("?"));
  const segs = target.segments;
  const proxyAt = segs[segs.length - 1]?.kind === "proxy" ? segs.length - 1 : -1;
  const competitorIds = new Map(target.competitors.map((c, i) => [c, i]));
  for (const method of methods) {
    const start = step(glob, startStates(glob), method);
    if (start.length === 0) continue;
    const visited = new Set<string>();
    const path: string[] = [];
    let slash = false;
    const dfs = (t: number, states: readonly number[], alive: readonly Resource[]): boolean => {
      ctx.budget.spend(ctx.pair);
      // The trailing `/` does not change the route, so the competitors are judged on the path alone.
      if (completeAt(segs, t) && !alive.some((c) => completeAt(c.segments, t))) {
        // The root's string already ends with `/` (`GET/`); other paths may carry one more.
        if (t === 0) return isAccepting(glob, step(glob, states, "/"));
        if (isAccepting(glob, states)) return true;
        if (isAccepting(glob, step(glob, states, "/"))) return (slash = true);
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
