// ROUTE_RULES, parsed: the value must be a non-empty array of rules `{route, scopes?, groups?}` or
// `{route, anyOf: [{scopes?, groups?}, ...]}` whose scopes and groups are values a token can carry. The CDK construct validates each rule it is
// given with this same code at synth time, so synth and cold start refuse the same rules with the
// same words. (The route strings themselves are checked by route-match.ts.)

import type { RequirementAlternative, RouteRule } from "./contract";

/** The rules are malformed or cannot be enforced cache-safely; the message says which rule and what to change. */
export class RouteRulesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RouteRulesError";
  }
}

const RULE_KEYS = ["route", "scopes", "groups", "anyOf"] as const;
const ALTERNATIVE_KEYS = ["scopes", "groups"] as const;
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
      throw new RouteRulesError(
        `${at()}: unknown key "${key}"${hint(key)}: a rule has only route, scopes, groups, anyOf`,
      );
    }
  }
  if (typeof obj.route !== "string") {
    throw new RouteRulesError(`${at()}: "route" must be a string like "GET /items/{id}"`);
  }
  if (obj.anyOf === undefined) return Object.freeze({ route: obj.route, ...validateAlternative(obj, at) });
  if (obj.scopes !== undefined || obj.groups !== undefined) {
    throw new RouteRulesError(
      `${at()}: "anyOf" cannot be combined with "scopes" or "groups" in the same rule: move them into ` +
        `one of the alternatives (an alternative with both means both must hold)`,
    );
  }
  if (!Array.isArray(obj.anyOf)) {
    throw new RouteRulesError(
      `${at()}: "anyOf" must be an array of alternatives like [{"scopes":["items/read"]},{"groups":["readers"]}], got ${describe(obj.anyOf)}`,
    );
  }
  if (obj.anyOf.length === 0) {
    throw new RouteRulesError(
      `${at()}: "anyOf" is empty, which would deny everyone: list at least one alternative, or remove the key to allow any valid token`,
    );
  }
  const seen = new Set<string>();
  const anyOf = (obj.anyOf as unknown[]).map((alternative, i) => {
    const atAlternative = (): string => `${at()}: anyOf[${i}]`;
    if (typeof alternative !== "object" || alternative === null || Array.isArray(alternative)) {
      throw new RouteRulesError(
        `${atAlternative()}: expected an object like {"scopes":["items/read"]}, got ${describe(alternative)}`,
      );
    }
    const alt = alternative as Record<string, unknown>;
    for (const key of Object.keys(alt)) {
      if (!(ALTERNATIVE_KEYS as readonly string[]).includes(key)) {
        throw new RouteRulesError(
          `${atAlternative()}: unknown key "${key}"${hint(key)}: an alternative has only scopes, groups`,
        );
      }
    }
    const validated = validateAlternative(alt, atAlternative);
    if (validated.scopes === undefined && validated.groups === undefined) {
      // An empty alternative would let any valid token in, making the others pointless.
      throw new RouteRulesError(
        `${atAlternative()}: an alternative must name "scopes", "groups" or both; to allow any valid token, remove "anyOf"`,
      );
    }
    const key = JSON.stringify([[...(validated.scopes ?? [])].sort(), [...(validated.groups ?? [])].sort()]);
    if (seen.has(key)) throw new RouteRulesError(`${atAlternative()}: the same alternative is listed twice`);
    seen.add(key);
    return Object.freeze(validated);
  });
  return Object.freeze({ route: obj.route, anyOf: Object.freeze(anyOf) });
}

function hint(key: string): string {
  if (key === "scope" || key === "group") return ` (did you mean "${key}s"?)`;
  if (key === "anyof" || key === "any_of" || key === "oneOf") return ' (did you mean "anyOf"?)';
  return "";
}

/** `scopes` and `groups` of a rule or of one of its alternatives, validated. */
function validateAlternative(obj: Record<string, unknown>, at: () => string): RequirementAlternative {
  const alternative: { scopes?: readonly string[]; groups?: readonly string[] } = {};
  const scopes = validateList(obj.scopes, "scopes", SCOPE_TOKEN, "a scope (no spaces, RFC 6749 §3.3)", at);
  const groups = validateList(obj.groups, "groups", { test: isGroupName }, "a Cognito group name", at);
  if (scopes) alternative.scopes = scopes;
  if (groups) alternative.groups = groups;
  return alternative;
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
