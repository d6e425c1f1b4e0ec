// ROUTE_RULES, parsed: the value must be a non-empty array of rules `{route, scopes?, groups?}`
// whose scopes and groups are values a token can carry. The CDK construct validates each rule it is
// given with this same code at synth time, so synth and cold start refuse the same rules with the
// same words. (The route strings themselves are checked by route-match.ts.)

import type { RouteRule } from "./contract";

/** The rules are malformed or cannot be enforced cache-safely; the message says which rule and what to change. */
export class RouteRulesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RouteRulesError";
  }
}

const RULE_KEYS = ["route", "scopes", "groups"] as const;
// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). Anything else can never be in a scope claim.
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
// Cognito group names: 1-128 letters, marks, symbols, numbers or punctuation (no spaces, no
// control characters), CreateGroup's GroupName pattern `[\p{L}\p{M}\p{S}\p{N}\p{P}]+`.
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateGroup.html
// Exported for the CDK constructs, which check the group names they create with the same pattern.
export const GROUP_NAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;
// Every printable ASCII character but space (0x21-0x7E) is a letter, digit, punctuation or symbol,
// and no other ASCII character is: for an ASCII name, GROUP_NAME's test is this one. Deciding the
// usual, ASCII, names with it spares the cold start compiling GROUP_NAME's Unicode property classes
// (0.75 ms of Node 22's init; README, Performance).
const ASCII_GROUP_NAME = /^[\x21-\x7e]{1,128}$/;
const NON_ASCII = /[\u0080-\uffff]/;

/** GROUP_NAME's test, without compiling the Unicode classes unless the name has a non-ASCII character. */
export function isGroupName(name: string): boolean {
  return NON_ASCII.test(name) ? GROUP_NAME.test(name) : ASCII_GROUP_NAME.test(name);
}

/** How messages name a rule: `rules[2] ("GET /items")`. */
export function where(rules: readonly { route: unknown }[], index: number): string {
  const route = rules[index]?.route;
  return typeof route === "string" ? `rules[${index}] (${JSON.stringify(route)})` : `rules[${index}]`;
}

/** The parsed ROUTE_RULES value → validated rules, or RouteRulesError naming the rule and the fix. */
export function validateRules(value: unknown): RouteRule[] {
  if (!Array.isArray(value)) {
    throw new RouteRulesError(
      `expected a JSON array of rules like [{"route":"GET /items","scopes":["items/read"]}], got ${describe(value)}`,
    );
  }
  if (value.length === 0) {
    throw new RouteRulesError(
      'the rule list is empty: list the routes the authorizer guards (or, for ROUTE_RULES, "*" to let every valid token call every route)',
    );
  }
  const raw = value as { route: unknown }[];
  return raw.map((entry, index) => validateRule(entry, () => where(raw, index)));
}

/**
 * One rule → the same rule, frozen, or RouteRulesError. `at` names the rule at the start of every
 * message (`rules[2] ("GET /items")` for ROUTE_RULES, `Route "GET /items"` for the construct).
 */
export function validateRule(entry: unknown, at: () => string): RouteRule {
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
  const groups = validateList(obj.groups, "groups", { test: isGroupName }, "a Cognito group name", at);
  if (scopes) rule.scopes = scopes;
  if (groups) rule.groups = groups;
  return Object.freeze(rule);
}

function validateList(
  value: unknown,
  key: string,
  pattern: { test(item: string): boolean },
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
