// Refusal at compile time: a rule set whose policies could not be exact under API Gateway's
// authorizer cache for some caller (allowed a and a2, denied d, where the Allow of a reaches a
// request for d and the Deny d then needs would reach a request for a2) is refused, with a message
// that names the routes, the witness requests and what to change. route-rules.ts has the argument.

import type { RouteRule } from "./contract";
import type { Overlaps } from "./overlap-analysis";
import type { ParsedRoute } from "./route-match";
import { RouteRulesError, where } from "./route-rule-validation";

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
