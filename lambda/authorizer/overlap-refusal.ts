// Refusal at compile time: a rule set whose policies could not be exact under API Gateway's
// authorizer cache for some caller (allowed a and a2, denied d, where the Allow of a reaches a
// request for d and the Deny d then needs would reach a request for a2) is refused, with a message
// that names the routes, the witness requests and what to change. route-rules.ts has the argument.

import { alternativesOf, type RequirementAlternative, type RouteRule } from "./contract";
import type { Overlaps } from "./overlap-analysis";
import type { ParsedRoute } from "./route-match";
import { RouteRulesError, where } from "./route-rule-validation";

function requirementText(rule: RouteRule): string {
  const text = ({ scopes, groups }: RequirementAlternative): string => {
    const parts: string[] = [];
    if (scopes) parts.push(`scopes ${JSON.stringify(scopes)}`);
    if (groups) parts.push(`groups ${JSON.stringify(groups)}`);
    return parts.length ? parts.join(" and ") : "no requirement";
  };
  return rule.anyOf === undefined ? text(rule) : `any of (${rule.anyOf.map(text).join("; ")})`;
}

/** Every way to pick one value from each list (an undefined list contributes nothing). */
function picks(lists: readonly (readonly string[] | undefined)[]): string[][] {
  return lists.reduce<string[][]>(
    (acc, list) =>
      list === undefined ? acc : acc.flatMap((p) => list.map((v) => (p.includes(v) ? p : [...p, v]))),
    [[]],
  );
}

/**
 * Can one caller be allowed `a` and `a2` and denied `d`? A caller with more scopes or groups is
 * denied no more routes, so the smallest callers allowed both are enough to try: one alternative of
 * each, one scope of each alternative's scopes and one group of each alternative's groups. Such a
 * caller is denied `d` when every alternative of d misses on its scopes (the caller has none of
 * them) or on its groups. Returns a description of such a caller, or undefined.
 */
function realizable(a: RouteRule, a2: RouteRule, d: RouteRule): string | undefined {
  const denied = alternativesOf(d);
  // For a choice of scopes (groups): which of d's alternatives it misses, as "0"/"1" per alternative.
  const misses = (values: readonly string[], key: "scopes" | "groups"): string =>
    denied
      .map((alt) => (alt[key] !== undefined && !alt[key].some((v) => values.includes(v)) ? "1" : "0"))
      .join("");
  const all = "1".repeat(denied.length);
  const union = (key: "scopes" | "groups"): string[] => [...new Set(denied.flatMap((alt) => alt[key] ?? []))];
  // Per pair of alternatives (one of a, one of a2): the distinct ways to miss d by scopes and by groups.
  const pairs: { scopes: Map<string, string[]>; groups: Map<string, string[]> }[] = [];
  for (const x of alternativesOf(a)) {
    for (const y of alternativesOf(a2)) {
      const scopes = new Map<string, string[]>();
      const groups = new Map<string, string[]>();
      for (const s of picks([x.scopes, y.scopes])) scopes.set(misses(s, "scopes"), s);
      for (const g of picks([x.groups, y.groups])) groups.set(misses(g, "groups"), g);
      pairs.push({ scopes, groups });
    }
  }
  // Scopes or groups alone (the message names what the caller lacks), then the two together.
  if (pairs.some((p) => p.scopes.has(all))) {
    return `a caller with none of the scopes ${JSON.stringify(union("scopes"))}`;
  }
  if (pairs.some((p) => p.groups.has(all))) {
    return `a caller in none of the groups ${JSON.stringify(union("groups"))}`;
  }
  for (const p of pairs) {
    for (const [sm, s] of p.scopes) {
      for (const [gm, g] of p.groups) {
        if ([...sm].every((bit, i) => bit === "1" || gm[i] === "1")) {
          const scopes = s.length ? `the scopes ${JSON.stringify(s)}` : "no scope";
          const groups = g.length ? `the groups ${JSON.stringify(g)}` : "no group";
          return `a caller with ${scopes} and ${groups}`;
        }
      }
    }
  }
  return undefined;
}

export function refuseInexpressible(
  rules: readonly RouteRule[],
  routes: readonly ParsedRoute[],
  o: Overlaps,
): void {
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
