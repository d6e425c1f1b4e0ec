// Property tests for the cache-safety guarantee of route rules.
//
// Random rule sets are drawn from a deliberately tiny vocabulary (literals a and b, params, a greedy
// proxy, GET/POST/ANY, two scopes, two groups) so that routes overlap in most draws. A third of the
// rules are lists of alternatives (`anyOf`: this scope OR this group), the rest `{scopes, groups}`. Everything the
// assertions rely on is re-derived here independently of route-rules.ts / route-match.ts: a
// brute-force resolver, the routes' glob sets, representative requests, the IAM evaluator, and an
// oracle that tries every {none, Allow, Deny} assignment over the routes' glob sets.
// Requests come in both spellings API Gateway routes alike: `/a/b` and, for a non-root path, `/a/b/`.
import fc from "fast-check";

import { parseMethodArn } from "../../lambda/authorizer/method-arn";
import { type Caller, compileRouteRules, RouteRulesError } from "../../lambda/authorizer/route-rules";
import { FRESH, LITERALS, pathArb } from "../helpers/route-arbitraries";
import { evaluatePolicy, iamGlobMatches, methodArnFor } from "../helpers/iam-evaluator";

interface Alternative {
  scopes?: string[];
  groups?: string[];
}
interface Rule extends Alternative {
  route: string;
  anyOf?: Alternative[];
}

const PREFIX = "arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/prod/";
const REQUEST_METHODS = ["GET", "POST", "PUT"]; // PUT stands for every method no route names.
const MAX_PROXY = 4;

// --- Generators -------------------------------------------------------------------------------

const subset = (values: string[]) =>
  fc.subarray(values, { minLength: 0 }).map((s) => (s.length === 0 ? undefined : s));

const requirementArb = fc
  .record({ scopes: subset(["s1", "s2"]), groups: subset(["g1", "g2"]) })
  .map(({ scopes, groups }): Alternative => ({
    ...(scopes ? { scopes } : {}),
    ...(groups ? { groups } : {}),
  }));

// 1 to 3 distinct alternatives, each naming scopes, groups or both.
const anyOfArb = fc.uniqueArray(
  requirementArb.filter((a) => a.scopes !== undefined || a.groups !== undefined),
  { minLength: 1, maxLength: 3, selector: (a) => JSON.stringify([a.scopes ?? [], a.groups ?? []]) },
);

const ruleArb: fc.Arbitrary<Rule> = fc
  .record({
    method: fc.constantFrom("GET", "POST", "ANY"),
    path: pathArb,
    requirement: fc.oneof(
      { arbitrary: requirementArb, weight: 2 },
      { arbitrary: anyOfArb.map((anyOf): Alternative & { anyOf?: Alternative[] } => ({ anyOf })), weight: 1 },
    ),
  })
  .map(({ method, path, requirement }) => ({ route: `${method} ${path}`, ...requirement }));

const methodKey = (route: string) => route.replace(/\{[^}+]*\}/g, "{}").replace(/\{[^}]*\+\}/g, "{+}");
const rulesArb = fc.uniqueArray(ruleArb, { minLength: 2, maxLength: 7, selector: (r) => methodKey(r.route) });

// --- Independent model ------------------------------------------------------------------------

type Kind = "literal" | "param" | "proxy";
interface Pattern {
  method: string;
  tokens: string[];
  kinds: Kind[];
}

const parse = (route: string): Pattern => {
  const [method, path] = route.split(" ") as [string, string];
  const tokens = path === "/" ? [] : path.slice(1).split("/");
  const kinds = tokens.map((t): Kind =>
    t.endsWith("+}") ? "proxy" : t.startsWith("{") ? "param" : "literal",
  );
  return { method, tokens, kinds };
};

const pathMatches = (p: Pattern, segs: string[]): boolean => {
  const proxy = p.kinds[p.kinds.length - 1] === "proxy";
  const fixed = proxy ? p.tokens.length - 1 : p.tokens.length;
  if (proxy ? segs.length <= fixed : segs.length !== fixed) return false;
  return p.kinds.slice(0, fixed).every((k, i) => k !== "literal" || p.tokens[i] === segs[i]);
};

const RANK: Record<Kind, number> = { literal: 0, param: 1, proxy: 2 };
const comparePrecedence = (x: Pattern, y: Pattern): number => {
  for (let i = 0; i < Math.max(x.kinds.length, y.kinds.length); i++) {
    const d = RANK[x.kinds[i] ?? "literal"] - RANK[y.kinds[i] ?? "literal"];
    if (d !== 0) return d;
  }
  return 0;
};

/**
 * Brute force: of all routes whose resource matches, the most specific resource; then the method.
 * A non-root path with one trailing slash is a request for the path without it.
 */
const referenceResolve = (patterns: Pattern[], method: string, path: string): number | undefined => {
  const unslashed = path !== "/" && path.endsWith("/") ? path.slice(0, -1) : path;
  if (unslashed === "/" && path !== "/") return undefined; // `//` is not a spelling of the root
  const segs = unslashed === "/" ? [] : unslashed.slice(1).split("/");
  if (segs.includes("")) return undefined;
  const matching = patterns.map((p, i) => ({ p, i })).filter(({ p }) => pathMatches(p, segs));
  if (matching.length === 0) return undefined;
  const best = matching.reduce((a, b) => (comparePrecedence(b.p, a.p) < 0 ? b : a));
  const sameResource = matching.filter(({ p }) => comparePrecedence(p, best.p) === 0);
  return (
    sameResource.find(({ p }) => p.method === method) ?? sameResource.find(({ p }) => p.method === "ANY")
  )?.i;
};

const canonicalGlob = (p: Pattern) =>
  (p.method === "ANY" ? "*" : p.method) +
  "/" +
  p.tokens.map((t, i) => (p.kinds[i] === "literal" ? t : "*")).join("/");

/** A route's globs: the canonical one, and its trailing-slash spelling when the path ends with a literal. */
const globSet = (p: Pattern): string[] => {
  const g = canonicalGlob(p);
  return p.kinds[p.kinds.length - 1] === "literal" ? [g, `${g}/`] : [g];
};
const setMatches = (globs: string[], resource: string) => globs.some((g) => iamGlobMatches(g, resource));

const sequences = (alphabet: string[], length: number): string[][] =>
  length === 0 ? [[]] : sequences(alphabet, length - 1).flatMap((s) => alphabet.map((a) => [...s, a]));

interface Instance {
  method: string;
  path: string;
  route: number;
}

/**
 * Representative requests: every param a literal or the fresh value, proxies of 1..MAX_PROXY
 * segments, each non-root path also with one trailing slash.
 */
const instancesOf = (patterns: Pattern[]): Instance[] => {
  const alphabet = [...LITERALS, FRESH];
  const seen = new Set<string>();
  const out: Instance[] = [];
  for (const p of patterns) {
    let paths: string[][] = [[]];
    p.kinds.forEach((k, i) => {
      const options =
        k === "literal"
          ? [[p.tokens[i] as string]]
          : k === "param"
            ? alphabet.map((a) => [a])
            : Array.from({ length: MAX_PROXY }, (_, n) => sequences(alphabet, n + 1)).flat();
      paths = paths.flatMap((prefix) => options.map((o) => [...prefix, ...o]));
    });
    for (const method of p.method === "ANY" ? REQUEST_METHODS : [p.method]) {
      for (const segs of paths) {
        const bare = "/" + segs.join("/");
        for (const path of segs.length === 0 ? [bare] : [bare, `${bare}/`]) {
          const route = referenceResolve(patterns, method, path);
          if (route === undefined || seen.has(`${method} ${path}`)) continue;
          seen.add(`${method} ${path}`);
          out.push({ method, path, route });
        }
      }
    }
  }
  return out;
};

const CALLERS: Caller[] = sequences(["", "s1", "s2", "s1 s2"], 1).flatMap(([scopes]) =>
  ["", "g1", "g2", "g1 g2"].map((groups) => ({
    scopes: new Set((scopes as string).split(" ").filter(Boolean)),
    groups: new Set(groups.split(" ").filter(Boolean)),
  })),
);

const holds = (alt: Alternative, caller: Caller) =>
  (!alt.scopes || alt.scopes.some((s) => caller.scopes.has(s))) &&
  (!alt.groups || alt.groups.some((g) => caller.groups.has(g)));
const ruleAllows = (rule: Rule, caller: Caller) =>
  rule.anyOf ? rule.anyOf.some((alt) => holds(alt, caller)) : holds(rule, caller);

/** Oracle: is there, for every caller, an assignment {none, Allow, Deny} of route glob sets that is exact? */
const expressible = (rules: Rule[], patterns: Pattern[], instances: Instance[]): boolean => {
  const sets = patterns.map(globSet);
  const masks = instances.map((inst) =>
    sets.reduce(
      (m, globs, i) => (setMatches(globs, `${inst.method}/${inst.path.slice(1)}`) ? m | (1 << i) : m),
      0,
    ),
  );
  const n = rules.length;
  return CALLERS.every((caller) => {
    const allowed = rules.map((r) => ruleAllows(r, caller));
    const classes = new Map<string, { mask: number; expected: boolean }>();
    instances.forEach((inst, k) => {
      const expected = allowed[inst.route] as boolean;
      classes.set(`${masks[k]}:${expected}`, { mask: masks[k] as number, expected });
    });
    const list = [...classes.values()];
    for (let allow = 0; allow < 1 << n; allow++) {
      const rest = ((1 << n) - 1) & ~allow;
      // Every subset of the remaining globs as Deny (including none).
      for (let deny = rest; ; deny = (deny - 1) & rest) {
        if (list.every((c) => ((c.mask & allow) !== 0 && (c.mask & deny) === 0) === c.expected)) return true;
        if (deny === 0) break;
      }
    }
    return false;
  });
};

/**
 * The construction route-rules.ts promises, re-derived from the representative requests: Allow the
 * glob sets of the allowed routes (that have requests of their own), Deny the glob sets of the
 * denied routes one of whose requests an Allow glob matches. Is it exact for every caller?
 */
const constructionExact = (rules: Rule[], patterns: Pattern[], instances: Instance[]): boolean => {
  const sets = patterns.map(globSet);
  const resource = (inst: Instance) => `${inst.method}/${inst.path.slice(1)}`;
  const hasRequests = rules.map((_, i) => instances.some((inst) => inst.route === i));
  return CALLERS.every((caller) => {
    const allowed = rules.map((r) => ruleAllows(r, caller));
    const allow = sets.filter((_, i) => allowed[i] && hasRequests[i]).flat();
    const deny = sets
      .filter(
        (_, d) =>
          !allowed[d] && instances.some((inst) => inst.route === d && setMatches(allow, resource(inst))),
      )
      .flat();
    return instances.every((inst) => {
      const decided = setMatches(allow, resource(inst)) && !setMatches(deny, resource(inst));
      return decided === allowed[inst.route];
    });
  });
};

/** Spellings of a request path with an empty or a dot segment (none of them in normal form). */
const nonNormalSpellings = (path: string): string[] => {
  const bare = path !== "/" && path.endsWith("/") ? path.slice(0, -1) : path;
  const base = bare === "/" ? "" : bare;
  return [`${base}//`, `/${bare}`, `${base}/.`, `${base}/..`, `${base}/./x`, `/.${base}`, `${base}//x`];
};

const tryCompile = (rules: Rule[], complete: boolean) => {
  try {
    return compileRouteRules(rules, { complete });
  } catch (err) {
    if (err instanceof RouteRulesError) return undefined;
    throw err;
  }
};

/**
 * Requests no rule resolves (routes missing from hand-written rules): random paths over the rules'
 * literals, two values no rule names, any method, either spelling; those the reference resolver
 * routes somewhere are dropped.
 */
const unlistedArb = fc.array(
  fc.record({
    method: fc.constantFrom("GET", "POST", "PUT", "DELETE"),
    segments: fc.array(fc.constantFrom(...LITERALS, FRESH, "y"), { minLength: 0, maxLength: 6 }),
    slash: fc.boolean(),
  }),
  { minLength: 40, maxLength: 40 },
);
const unlistedRequests = (
  patterns: Pattern[],
  drawn: { method: string; segments: string[]; slash: boolean }[],
) => {
  const shallow = [[], ...sequences([...LITERALS, FRESH], 1), ...sequences([...LITERALS, FRESH], 2)];
  const all = [
    ...REQUEST_METHODS.flatMap((method) =>
      shallow.flatMap((segments) => [false, true].map((slash) => ({ method, segments, slash }))),
    ),
    ...drawn,
  ];
  const out = new Set<string>();
  for (const { method, segments, slash } of all) {
    const bare = "/" + segments.join("/");
    const path = slash && segments.length > 0 ? `${bare}/` : bare;
    if (referenceResolve(patterns, method, path) === undefined) out.add(`${method} ${path}`);
  }
  return [...out].map((r) => r.split(" ") as [string, string]);
};

// --- Properties -------------------------------------------------------------------------------

const tally = {
  accepted: 0,
  refused: 0,
  refusedButExpressible: 0,
  acceptedIncomplete: 0,
  refusedIncomplete: 0,
  everythingBut: 0,
  unlistedChecked: 0,
  withAlternatives: 0,
  acceptedWithAlternatives: 0,
};
afterAll(() => {
  // Printed once so a reader can see both branches are exercised, and how conservative refusal is.
  console.log(
    `route-rules property: rules declared complete: ${tally.accepted} rule sets accepted, ${tally.refused} refused ` +
      `(${tally.refusedButExpressible} of them expressible by some other choice of route globs), ` +
      `${tally.everythingBut} policies in the "Allow everything but" form; not declared complete: ` +
      `${tally.acceptedIncomplete} accepted, ${tally.refusedIncomplete} refused, ` +
      `${tally.unlistedChecked} unlisted requests checked under the cache; ` +
      `${tally.withAlternatives} sets had a rule with anyOf, ${tally.acceptedWithAlternatives} of them accepted`,
  );
});

describe.each([
  ["declared complete (ROUTE_RULES_COMPLETE=true)", true],
  ["not declared complete (the default)", false],
])("route rules under the authorizer cache, %s (property)", (_name, complete) => {
  it("accepted rule sets: the policy from ANY request gives every caller exactly the rules' decision everywhere", () => {
    fc.assert(
      fc.property(rulesArb, fc.nat(), unlistedArb, (rules, pick, drawn) => {
        const compiled = tryCompile(rules, complete);
        if (!complete) tally[compiled ? "acceptedIncomplete" : "refusedIncomplete"]++;
        if (compiled === undefined) return;
        const patterns = rules.map((r) => parse(r.route));
        const instances = instancesOf(patterns);
        if (instances.length === 0) return;
        // Without the declaration, requests no rule lists must be denied by every cached policy too.
        const unlisted = complete ? [] : unlistedRequests(patterns, drawn);
        const checked = new Set<unknown>();
        for (const caller of CALLERS) {
          // The request that produced the (cached) policy: any route's request.
          const request = instances[pick % instances.length] as Instance;
          const decision = compiled.decide(
            caller,
            parseMethodArn(methodArnFor(PREFIX, request.method, request.path)),
          );
          expect(decision.route).toBe(rules[request.route]?.route);
          expect(decision.allowed).toBe(ruleAllows(rules[request.route] as Rule, caller));
          // Callers with the same decisions share one memoized statement list: judge each list once.
          if (checked.has(decision.statements)) continue;
          checked.add(decision.statements);
          if (
            decision.statements[0]?.Effect === "Allow" &&
            decision.statements[0].Resource.includes(`${PREFIX}*/*`)
          ) {
            expect(complete).toBe(true); // "Allow everything" only when the rules are declared complete
            tally.everythingBut++;
          }
          const doc = { Version: "2012-10-17", Statement: decision.statements };
          for (const inst of instances) {
            const expected = ruleAllows(rules[inst.route] as Rule, caller) ? "Allow" : "Deny";
            const actual = evaluatePolicy(doc, methodArnFor(PREFIX, inst.method, inst.path)).decision;
            if (actual !== expected) {
              throw new Error(
                `${inst.method} ${inst.path} (route ${rules[inst.route]?.route}) for caller ` +
                  `${JSON.stringify({ scopes: [...caller.scopes], groups: [...caller.groups] })}: ` +
                  `expected ${expected}, policy says ${actual}: ${JSON.stringify(decision.statements)}`,
              );
            }
          }
          for (const [method, path] of unlisted) {
            tally.unlistedChecked++;
            const actual = evaluatePolicy(doc, methodArnFor(PREFIX, method, path)).decision;
            if (actual !== "Deny") {
              throw new Error(
                `${method} ${path} (no rule lists it): policy says ${actual}: ${JSON.stringify(decision.statements)}`,
              );
            }
            // And asked directly, the same request is denied as an unknown route.
            expect(compiled.decide(caller, parseMethodArn(methodArnFor(PREFIX, method, path))).allowed).toBe(
              false,
            );
          }
          // Paths not in normal form (empty or dot segments) are denied by every cached policy,
          // whichever route API Gateway would give them.
          for (const inst of instances.slice(0, 12)) {
            for (const path of nonNormalSpellings(inst.path)) {
              const actual = evaluatePolicy(doc, methodArnFor(PREFIX, inst.method, path)).decision;
              if (actual !== "Deny") {
                throw new Error(
                  `${inst.method} ${path}: policy says ${actual}: ${JSON.stringify(decision.statements)}`,
                );
              }
            }
          }
        }
        // And a request that arrives with such a path is denied directly.
        const odd = nonNormalSpellings((instances[pick % instances.length] as Instance).path)[
          pick % 7
        ] as string;
        const direct = compiled.decide(
          CALLERS[0] as Caller,
          parseMethodArn(methodArnFor(PREFIX, "GET", odd)),
        );
        expect({ odd, allowed: direct.allowed, route: direct.route }).toEqual({
          odd,
          allowed: false,
          route: undefined,
        });
      }),
      { numRuns: complete ? 800 : 1500 },
    );
  });
});

describe("route rules under the authorizer cache (property)", () => {
  it("without the declaration, accepts only sets it also accepts with it (closing unlisted requests only adds refusals)", () => {
    fc.assert(
      fc.property(rulesArb, (rules) => {
        if (tryCompile(rules, false))
          expect({ rules, complete: tryCompile(rules, true) !== undefined }).toEqual({
            rules,
            complete: true,
          });
      }),
      { numRuns: 500 },
    );
  });

  it("declared complete: refuses exactly the rule sets where the construction would over-deny some caller; accepted ones are expressible", () => {
    fc.assert(
      fc.property(rulesArb, (rules) => {
        // The overlap construction and its refusals, alone: with the declaration, no unlisted guards.
        const compiled = tryCompile(rules, true);
        const patterns = rules.map((r) => parse(r.route));
        const instances = instancesOf(patterns);
        const oracle = expressible(rules, patterns, instances);
        if (compiled) tally.accepted++;
        else tally.refused++;
        if (rules.some((r) => r.anyOf)) {
          tally.withAlternatives++;
          if (compiled) tally.acceptedWithAlternatives++;
        }
        if (!compiled && oracle) tally.refusedButExpressible++;
        // Refusal is never spurious: brute force finds a caller the construction cannot serve exactly.
        expect({ rules, accepted: compiled !== undefined }).toEqual({
          rules,
          accepted: constructionExact(rules, patterns, instances),
        });
        // Accepted sets are expressible: the brute-force oracle over all {none, Allow, Deny} agrees.
        if (compiled) expect({ rules, expressible: oracle }).toEqual({ rules, expressible: true });
      }),
      { numRuns: 1500 },
    );
  });
});
