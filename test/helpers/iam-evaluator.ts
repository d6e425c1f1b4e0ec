// A small IAM policy evaluator for authorizer policies, written independently of the code under test:
// it decides a policy document for one execute-api request the way API Gateway does with the policy
// a Lambda authorizer returned (and, for the cache, with the policy it cached).
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
// Elements this project never emits (NotAction, NotResource, Condition, Principal) are refused
// rather than ignored, so a test can never pass by accident on a policy we do not understand.

export type Effect = "Allow" | "Deny";

export interface Evaluation {
  readonly decision: Effect;
  /** true when a Deny statement matched; false for an Allow or an implicit deny. */
  readonly explicitDeny: boolean;
}

interface LooseStatement {
  readonly Effect?: unknown;
  readonly Action?: unknown;
  readonly Resource?: unknown;
  readonly [key: string]: unknown;
}

interface LoosePolicy {
  readonly Statement?: unknown;
  readonly [key: string]: unknown;
}

// Property tests evaluate the same few patterns hundreds of thousands of times.
const compiled = new Map<string, RegExp>();

/** Does an IAM glob (`*`, `?`) match the whole value? */
export function iamGlobMatches(
  pattern: string,
  value: string,
  options: { ignoreCase?: boolean } = {},
): boolean {
  const flags = options.ignoreCase ? "i" : "";
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
    compiled.set(key, regex);
  }
  return regex.test(value);
}

function asList(value: unknown, element: string): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string")) {
    return value;
  }
  throw new Error(`malformed policy: ${element} must be a string or a non-empty array of strings`);
}

/** Decide `action` on `resourceArn` under `policy` (a policy document). */
export function evaluatePolicy(
  policy: LoosePolicy,
  resourceArn: string,
  action = "execute-api:Invoke",
): Evaluation {
  const raw = policy.Statement;
  const statements = (Array.isArray(raw) ? raw : [raw]) as LooseStatement[];
  if (statements.length === 0 || statements.some((s) => typeof s !== "object" || s === null)) {
    throw new Error("malformed policy: Statement must be a statement or a non-empty array of statements");
  }
  let allowed = false;
  let denied = false;
  // Every statement is checked (and validated) even after a Deny: the order of statements never matters.
  for (const s of statements) {
    for (const key of Object.keys(s)) {
      if (!["Effect", "Action", "Resource", "Sid"].includes(key)) {
        throw new Error(`evaluator does not support the ${key} element`);
      }
    }
    if (s.Effect !== "Allow" && s.Effect !== "Deny") throw new Error("malformed policy: Effect");
    const actionMatches = asList(s.Action, "Action").some((a) =>
      iamGlobMatches(a, action, { ignoreCase: true }),
    );
    const resourceMatches = asList(s.Resource, "Resource").some((r) => iamGlobMatches(r, resourceArn));
    if (!actionMatches || !resourceMatches) continue;
    if (s.Effect === "Deny") denied = true;
    else allowed = true;
  }
  if (denied) return { decision: "Deny", explicitDeny: true };
  return { decision: allowed ? "Allow" : "Deny", explicitDeny: false };
}

/** The method ARN API Gateway builds for a request: `{prefix}{METHOD}/{path without leading /}`. */
export function methodArnFor(resourcePrefix: string, method: string, path: string): string {
  return `${resourcePrefix}${method}/${path.replace(/^\//, "")}`;
}
