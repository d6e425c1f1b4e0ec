// The statement list for one caller: the smaller of two exact forms, merged where IAM globs allow it
// exactly. route-rules.ts explains what "exact" means under API Gateway's authorizer cache and why
// the Deny globs below never deny a request the caller is allowed (the refusals at compile time).
//
// Listed form: Allow the glob sets of the allowed routes; Deny the denied routes an Allow reaches;
// Deny the guards of the allowed routes (unlisted-route-guards.ts) unless the rules are complete.
// Everything-but form, only when the rules are declared complete: Allow every route of the stage,
// Deny every denied route. Complete means no other request ever meets a cached policy: a request
// for a resource or method the API does not have is answered by API Gateway itself (403, gateway
// response MISSING_AUTHENTICATION_TOKEN) without calling an authorizer, and a method that does not
// use this authorizer is never judged by its policies.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
// https://repost.aws/knowledge-center/api-gateway-authentication-token-errors It is exact only when no denied route's glob reaches a request of an
// allowed route; otherwise the listed form is used, which the compile-time refusals prove exact.
// Without the declaration it is never used: "Allow everything" would also allow methods the API has
// and the rules do not list, under the cache (the trap of issue 10).
// Merges, complete rules only: a method every route of which is allowed (or denied) is one glob
// `GET/*`: that glob matches only requests with that method, and every such request that reaches
// the authorizer is a request for one of those routes.
// Every policy that allows anything also denies paths that are not in normal form (route-rules.ts).
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html

import type { MethodArn } from "./method-arn";
import { everyRoute, type PolicyStatement, statement } from "./policy";
import type { HttpMethod } from "./route-match";

/** What the compiled rules know about each route, for building statements (indexes are routes). */
export interface PolicyPlan {
  /** The rules are declared to list every method that uses the authorizer (ROUTE_RULES_COMPLETE). */
  readonly complete: boolean;
  /** Some request is routed to the route (false for an ANY shadowed on every method). */
  readonly hasInstances: readonly boolean[];
  /** The methods a request can carry to reach the route. */
  readonly methodsOf: readonly (readonly HttpMethod[])[];
  /** The route's Allow globs, without the ARN prefix. */
  readonly allowGlobs: readonly (readonly string[])[];
  /** The route's Deny globs (its glob set), without the ARN prefix. */
  readonly denyGlobs: readonly (readonly string[])[];
  /** coverers[d]: the routes whose Allow reaches a request for d. */
  readonly coverers: readonly (readonly number[])[];
  /** reachedByDeny[d]: the other routes (with requests) a request of which d's Deny glob matches. */
  readonly reachedByDeny: readonly (readonly number[])[];
  /** guards[a]: Deny globs closing the unlisted requests a's Allow reaches (empty when complete). */
  readonly guards: readonly (readonly string[])[];
  /** Globs standing for several routes at once (complete rules only; see routeMerges). */
  readonly merges: readonly RouteMerge[];
}

// One glob set for several routes of the same shape (`GET/*/*/history` for every
// `GET /resource-N/{id}/history`): usable for a caller when every route it reaches (`footprint`,
// found by the overlap search) gets the same decision, members included.
export interface RouteMerge {
  readonly globs: readonly string[];
  readonly members: readonly number[];
  readonly footprint: readonly number[];
}

/** The caller's complete, cache-safe statements (`allowed[i]`: the rules allow route i). */
export function minimalStatements(
  plan: PolicyPlan,
  allowed: readonly boolean[],
  arn: MethodArn,
): readonly PolicyStatement[] {
  // An empty statement list is malformed for API Gateway; a caller allowed nothing gets Deny-all.
  if (!allowed.some((a, i) => a && plan.hasInstances[i])) return denyAll(arn);
  const listed = listedForm(plan, allowed);
  const everythingBut = everythingButForm(plan, allowed);
  const forms = [listed, everythingBut].filter((f): f is Form => f !== undefined);
  // The JSON size of the Resource entries: the ARN prefix, the glob, two quotes and a comma each.
  const entry = (n: number, g: string) => n + arn.resourcePrefix.length + g.length + 3;
  const size = (f: Form) => f.allow.reduce(entry, 0) + f.deny.reduce(entry, 0);
  const best = forms.reduce((a, b) => (size(b) < size(a) ? b : a));
  const prefixed = (globs: readonly string[]) => [...new Set(globs)].map((g) => arn.resourcePrefix + g);
  return Object.freeze([
    Object.freeze(statement("Allow", Object.freeze(prefixed(best.allow)))),
    // Paths not in normal form are no request for any rule, whatever route API Gateway gives them.
    Object.freeze(statement("Deny", Object.freeze(prefixed([...best.deny, ...NON_NORMAL_PATH_GLOBS])))),
  ]);
}

interface Form {
  readonly allow: readonly string[];
  readonly deny: readonly string[];
}

/** Methods every route of which (with requests) has `allowed[i] === want`; only for complete rules. */
function uniformMethods(plan: PolicyPlan, allowed: readonly boolean[], want: boolean): Set<HttpMethod> {
  const out = new Set<HttpMethod>();
  if (!plan.complete) return out;
  const mixed = new Set<HttpMethod>();
  plan.methodsOf.forEach((methods, i) => {
    if (!plan.hasInstances[i]) return;
    for (const m of methods) (allowed[i] === want ? out : mixed).add(m);
  });
  for (const m of mixed) out.delete(m);
  return out;
}

function subsumed(plan: PolicyPlan, i: number, methods: ReadonlySet<HttpMethod>): boolean {
  const own = plan.methodsOf[i] ?? [];
  return own.length > 0 && own.every((m) => methods.has(m));
}

/**
 * Merges usable for this caller, their globs, the routes they stand for, and the denied routes
 * they make need a Deny. A Deny merge needs every route in its footprint denied. An Allow merge
 * needs every route in its footprint allowed, or denied with its own Deny globs, which must then
 * reach no allowed request (`reachedByDeny`), as in the everything-but form.
 */
function usableMerges(
  plan: PolicyPlan,
  allowed: readonly boolean[],
  want: boolean,
  skip: (i: number) => boolean,
) {
  const globs: string[] = [];
  const merged = new Set<number>();
  const denies = new Set<number>();
  const deniable = (d: number) => !plan.reachedByDeny[d]?.some((a) => allowed[a]);
  for (const m of plan.merges) {
    if (m.members.every((i) => skip(i) || merged.has(i))) continue;
    if (!m.members.every((i) => allowed[i] === want)) continue;
    const others = m.footprint.filter((i) => allowed[i] !== want);
    if (others.length > 0 && (!want || !others.every(deniable))) continue;
    globs.push(...m.globs);
    for (const i of m.members) merged.add(i);
    for (const d of others) denies.add(d);
  }
  return { globs, merged, denies };
}

function listedForm(plan: PolicyPlan, allowed: readonly boolean[]): Form {
  const whole = uniformMethods(plan, allowed, true);
  const merges = usableMerges(plan, allowed, true, (i) => subsumed(plan, i, whole));
  const allow: string[] = [...whole].map((m) => `${m}/*`);
  allow.push(...merges.globs);
  const deny: string[] = [];
  const own = (a: number) => !subsumed(plan, a, whole) && !merges.merged.has(a);
  // `GET/*` and merged globs reach no denied route: every route they reach is allowed.
  const viaRoute = (a: number) => allowed[a] === true && own(a);
  plan.allowGlobs.forEach((globs, i) => {
    if (allowed[i]) {
      // A route no request can reach (ANY shadowed on every method) needs no Allow.
      if (plan.hasInstances[i] && own(i)) allow.push(...globs);
      if (plan.hasInstances[i]) deny.push(...(plan.guards[i] ?? []));
    } else if (merges.denies.has(i) || plan.coverers[i]?.some(viaRoute)) {
      deny.push(...(plan.denyGlobs[i] ?? []));
    }
  });
  return { allow, deny };
}

function everythingButForm(plan: PolicyPlan, allowed: readonly boolean[]): Form | undefined {
  if (!plan.complete) return undefined;
  const denied = plan.hasInstances.map((has, d) => has && !allowed[d]);
  if (denied.some((isDenied, d) => isDenied && plan.reachedByDeny[d]?.some((a) => allowed[a]))) {
    return undefined; // some Deny would also deny an allowed request: not exact for this caller
  }
  const whole = uniformMethods(plan, allowed, false);
  const merges = usableMerges(plan, allowed, false, (d) => subsumed(plan, d, whole));
  const deny: string[] = [...whole].map((m) => `${m}/*`);
  deny.push(...merges.globs);
  denied.forEach((isDenied, d) => {
    if (isDenied && !subsumed(plan, d, whole) && !merges.merged.has(d))
      deny.push(...(plan.denyGlobs[d] ?? []));
  });
  return { allow: [EVERY_ROUTE_GLOB], deny };
}

/** everyRoute without the ARN prefix: every method of every route of the stage. */
const EVERY_ROUTE_GLOB = "*/*";

/**
 * Deny globs for every request path with an empty or dot segment (route-match.ts
 * isNormalRequestPath), and for nothing else: a normal resource string (`GET/`, `GET/items`,
 * `GET/items/42/`) has no `//`, no `/./` or `/../`, and does not end in `/.` or `/..`.
 */
export const NON_NORMAL_PATH_GLOBS = ["*//*", "*/./*", "*/.", "*/../*", "*/.."] as const;

export function denyAll(arn: MethodArn): readonly PolicyStatement[] {
  return Object.freeze([statement("Deny", [everyRoute(arn)])]);
}
