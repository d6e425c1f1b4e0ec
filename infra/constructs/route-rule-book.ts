// The route rules a construct ships to its function (route-rules.json), as both constructs keep
// them: one rule per route key, checked by the authorizer's own validator when it is added, and
// fixed once ShipRouteRules has staged them at synth (a rule added later would be checked by the
// synth-time validation but never shipped, so it is refused instead).

import type { RouteRequirement, RouteRule } from "../../lambda/authorizer/contract";
import { parseRoute, type RouteMethod, RouteSyntaxError } from "../../lambda/authorizer/route-match";
import { validateRule } from "../../lambda/authorizer/route-rule-validation";

/**
 * `METHOD /path`, checked with the authorizer's own route grammar (route-match.ts), so synth and
 * cold start agree (REST resource paths and HTTP API route keys share it).
 */
export function routeKeyOf(route: { readonly method: RouteMethod; readonly path: string }): string {
  const key = `${route.method} ${route.path}`;
  try {
    parseRoute(key);
  } catch (err) {
    if (err instanceof RouteSyntaxError) throw new Error(`Route "${key}": ${err.message}`, { cause: err });
    throw err;
  }
  return key;
}

export class RouteRuleBook {
  private readonly requirements = new Map<string, RouteRequirement>();
  /** The rules file's content as staged at synth; set once. */
  private staged: string | undefined;

  /** Record the rule of `key` (`GET /items/{id}`, `$default`), in the authorizer's own words when it is refused. */
  add(key: string, rule: RouteRequirement): void {
    if (this.staged !== undefined) {
      throw new Error(
        `Route "${key}" is added after the route rules were staged into the function's package ` +
          "(during synthesis, by an aspect or a second synth): add every route before the app synthesizes.",
      );
    }
    if (this.requirements.has(key)) {
      throw new Error(`Route "${key}" is declared twice; give each method and path one rule.`);
    }
    // The authorizer's own validator, so synth refuses what the cold start would, in its words.
    validateRule({ route: key, ...rule }, () => `Route "${key}"`);
    this.requirements.set(key, rule);
  }

  has(key: string): boolean {
    return this.requirements.has(key);
  }

  keys(): IterableIterator<string> {
    return this.requirements.keys();
  }

  /** One entry per route, in the order added. */
  get rules(): readonly RouteRule[] {
    return [...this.requirements].map(([route, rule]) => ({
      route,
      // Passed through as given: an empty list is refused at synth rather than silently widened.
      ...(rule.scopes !== undefined ? { scopes: [...rule.scopes] } : {}),
      ...(rule.groups !== undefined ? { groups: [...rule.groups] } : {}),
      ...(rule.anyOf !== undefined
        ? {
            anyOf: rule.anyOf.map((alt) => ({
              ...(alt.scopes !== undefined ? { scopes: [...alt.scopes] } : {}),
              ...(alt.groups !== undefined ? { groups: [...alt.groups] } : {}),
            })),
          }
        : {}),
    }));
  }

  /** route-rules.json as the function reads it. */
  text(): string {
    return `${JSON.stringify(this.rules)}\n`;
  }

  /** Called once, by ShipRouteRules: the file's content, fixed from then on. */
  stage(): string {
    this.staged = this.text();
    return this.staged;
  }

  /** The synth-time error when a rule changed after staging, else undefined. */
  changedSinceStaged(): string | undefined {
    return this.staged !== undefined && this.staged !== this.text()
      ? "The route rules changed after they were staged into the function's package: add every route before the app synthesizes."
      : undefined;
  }
}
