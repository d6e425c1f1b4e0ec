// Dev tooling: rule sets of the shapes real and careless APIs have, for the route-rules bench and tests.
// Deterministic (a seeded generator), so a figure or a failure can be reproduced.

import type { RouteRule } from "../lambda/authorizer/contract";

/** A small deterministic PRNG (mulberry32): the same seed gives the same rule set. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GROUPS = [["admins"], ["editors", "admins"], ["readers", "editors", "admins"]] as const;

/** A CRUD API: five routes per resource (list, create, read, delete, a history sub-resource). */
export function crudRules(count: number): RouteRule[] {
  const out: RouteRule[] = [{ route: "GET /admin/{proxy+}", groups: ["admins"] }];
  for (let i = 0; out.length < count; i++) {
    const base = `/resource-${i}`;
    out.push(
      { route: `GET ${base}`, scopes: ["api/read"] },
      { route: `POST ${base}`, scopes: ["api/write"], groups: ["editors", "admins"] },
      { route: `GET ${base}/{id}`, scopes: ["api/read"] },
      { route: `DELETE ${base}/{id}`, groups: ["admins"] },
      { route: `GET ${base}/{id}/history`, scopes: ["api/audit"] },
    );
  }
  return out.slice(0, count);
}

/**
 * `count` routes of `depth` segments, all `{param}` but one literal, whose position moves from rule
 * to rule: every pair of rules overlaps somewhere, at a different depth.
 */
export function literalAtVaryingDepth(count: number, depth: number, method = "GET"): RouteRule[] {
  return Array.from({ length: count }, (_, i) => {
    const segments = Array.from({ length: depth }, (_, j) => (j === i % depth ? `l${i}` : `{p${j}}`));
    return { route: `${method} /${segments.join("/")}`, groups: [...(GROUPS[i % 3] ?? ["admins"])] };
  });
}

/** Random routes: depth 1-6, about `literalShare` literal segments, some greedy proxies, mixed methods. */
export function randomRules(count: number, seed: number, literalShare = 0.3): RouteRule[] {
  const random = prng(seed);
  const methods = ["GET", "POST", "PUT", "DELETE", "ANY"];
  const literals = ["a", "b", "c", "d", "e", "f"];
  const seen = new Set<string>();
  const out: RouteRule[] = [];
  for (let attempt = 0; out.length < count && attempt < count * 50; attempt++) {
    const depth = 1 + Math.floor(random() * 6);
    const segments: string[] = [];
    for (let j = 0; j < depth; j++) {
      if (j === depth - 1 && random() < 0.1) segments.push("{rest+}");
      else if (random() < literalShare)
        segments.push(literals[Math.floor(random() * literals.length)] as string);
      else segments.push(`{p${j}}`);
    }
    const method = methods[Math.floor(random() * methods.length)] as string;
    const key = `${method} /${segments.map((s) => (s.startsWith("{") ? "{}" : s)).join("/")}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const rule: RouteRule =
      random() < 0.3
        ? { route: `${method} /${segments.join("/")}` }
        : {
            route: `${method} /${segments.join("/")}`,
            groups: [...(GROUPS[Math.floor(random() * 3)] ?? [])],
          };
    out.push(rule);
  }
  return out;
}

/** Sibling `{param}` and `{proxy+}` resources under shared prefixes, with different requirements. */
export function siblingParamProxy(count: number): RouteRule[] {
  const out: RouteRule[] = [];
  for (let i = 0; out.length < count; i++) {
    out.push(
      { route: `GET /s${i}/{id}`, groups: ["readers", "editors", "admins"] },
      { route: `GET /s${i}/{rest+}`, groups: ["admins"] },
      { route: `PUT /s${i}/{id}`, groups: ["editors", "admins"] },
    );
  }
  return out.slice(0, count);
}
