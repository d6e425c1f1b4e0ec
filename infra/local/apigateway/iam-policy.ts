// IAM policy evaluation: how API Gateway decides an execute-api request with an authorizer's policy.
//
// One request with the policy a Lambda authorizer returns, and, from its cache, every later request
// with the same identity. The local gateway runs this; the unit tests
// (test/unit/iam-evaluator.test.ts) check it against the examples of the IAM and API Gateway
// documentation, and the route-rules tests use it as judge.
//
// Semantics followed (IAM JSON policy reference):
// - Statement: an array of statements, or a single statement object.
// - Action / Resource: a string or an array of strings. Action names are case-insensitive;
//   resources are case-sensitive.
//   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
// - Wildcards: `*` matches any run of characters, including none and including `/` (it is not a path
//   segment wildcard); `?` matches exactly one character.
//   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards
// - An explicit Deny overrides any Allow; no matching statement is an implicit deny.
//   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// API Gateway answers 403 for both explicit and implicit deny of an authorizer policy.
// Elements this evaluator does not model (NotAction, NotResource, Condition, Principal) are refused
// rather than ignored: ignoring a Condition or a NotResource would allow what API Gateway may deny,
// and a test could pass by accident on a policy we do not understand.

export type Effect = "Allow" | "Deny";

export interface Evaluation {
  readonly decision: Effect;
  /** true when a Deny statement matched; false for an Allow or an implicit deny. */
  readonly explicitDeny: boolean;
}

/** A policy document this evaluator cannot decide with (API Gateway: 500 for an authorizer's policy). */
export class MalformedPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MalformedPolicyError";
  }
}

interface CompiledStatement {
  readonly effect: Effect;
  readonly actions: readonly RegExp[];
  readonly resources: readonly RegExp[];
}

/** A validated policy document, its globs compiled (from compilePolicy): evaluate it as often as needed. */
class CompiledPolicy {
  constructor(private readonly statements: readonly CompiledStatement[]) {}

  /** Decide `action` on `resourceArn`. The order of statements never matters. */
  evaluate(resourceArn: string, action = "execute-api:Invoke"): Evaluation {
    let allowed = false;
    for (const s of this.statements) {
      if (!s.actions.some((a) => a.test(action)) || !s.resources.some((r) => r.test(resourceArn))) continue;
      if (s.effect === "Deny") return { decision: "Deny", explicitDeny: true };
      allowed = true;
    }
    return { decision: allowed ? "Allow" : "Deny", explicitDeny: false };
  }
}

export type { CompiledPolicy };

const STATEMENT_ELEMENTS: readonly string[] = ["Effect", "Action", "Resource", "Sid"];

/**
 * Validate a policy document and compile its globs. Throws MalformedPolicyError for anything that is
 * not a policy this evaluator models, every statement checked (not just those before a match).
 */
export function compilePolicy(policy: unknown): CompiledPolicy {
  if (!isRecord(policy)) throw new MalformedPolicyError("malformed policy: not an object");
  const raw = policy["Statement"];
  const statements: unknown[] = Array.isArray(raw) ? raw : [raw];
  if (statements.length === 0 || !statements.every(isRecord)) {
    throw new MalformedPolicyError(
      "malformed policy: Statement must be a statement or a non-empty array of statements",
    );
  }
  return new CompiledPolicy(
    statements.map((s): CompiledStatement => {
      for (const key of Object.keys(s)) {
        if (!STATEMENT_ELEMENTS.includes(key)) {
          throw new MalformedPolicyError(`evaluator does not support the ${key} element`);
        }
      }
      const effect = s["Effect"];
      if (effect !== "Allow" && effect !== "Deny") throw new MalformedPolicyError("malformed policy: Effect");
      return {
        effect,
        actions: asList(s["Action"], "Action").map((a) => globRegExp(a, true)),
        resources: asList(s["Resource"], "Resource").map((r) => globRegExp(r, false)),
      };
    }),
  );
}

/** Decide `action` (execute-api:Invoke by default) on `resourceArn` under a policy document. */
export function evaluatePolicy(policy: unknown, resourceArn: string, action?: string): Evaluation {
  return compilePolicy(policy).evaluate(resourceArn, action);
}

/** Does an IAM glob (`*`, `?`) match the whole value? */
export function iamGlobMatches(
  pattern: string,
  value: string,
  options: { readonly ignoreCase?: boolean } = {},
): boolean {
  return globRegExp(pattern, options.ignoreCase ?? false).test(value);
}

// Authorizer policies repeat the same few globs (and property tests evaluate them hundreds of
// thousands of times), so compiled globs are kept; bounded, as the local gateway runs for hours.
const COMPILED_LIMIT = 10_000;
const compiled = new Map<string, RegExp>();

function globRegExp(pattern: string, ignoreCase: boolean): RegExp {
  const flags = ignoreCase ? "i" : "";
  const key = `${flags}:${pattern}`;
  let regex = compiled.get(key);
  if (!regex) {
    const source = pattern
      .split("")
      .map((ch) =>
        ch === "*" ? "[\\s\\S]*" : ch === "?" ? "[\\s\\S]" : ch.replace(/[.+^${}()|[\]\\]/g, "\\$&"),
      )
      .join("");
    regex = new RegExp(`^${source}$`, flags);
    if (compiled.size >= COMPILED_LIMIT) compiled.clear();
    compiled.set(key, regex);
  }
  return regex;
}

function asList(value: unknown, element: string): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string")) {
    return value;
  }
  throw new MalformedPolicyError(
    `malformed policy: ${element} must be a string or a non-empty array of strings`,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
