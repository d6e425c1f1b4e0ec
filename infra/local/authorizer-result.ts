// What API Gateway does with a Lambda authorizer's output: validate it, then evaluate its IAM
// policy against the method ARN of the request. Explicit Deny wins over Allow; no matching Allow
// is an implicit deny. Both are 403; a malformed output is a 500.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html

export type ContextValue = string | number | boolean;

export interface AuthorizerResult {
  readonly principalId: string;
  readonly statements: readonly NormalizedStatement[];
  readonly context: Readonly<Record<string, ContextValue>>;
}

interface NormalizedStatement {
  readonly effect: "Allow" | "Deny";
  readonly actions: readonly RegExp[];
  readonly resources: readonly RegExp[];
}

export type PolicyDecision = "allow" | "explicit-deny" | "implicit-deny";

/** The output is not something API Gateway accepts (500, AuthorizerConfigurationException). */
export class MalformedAuthorizerResultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MalformedAuthorizerResultError";
  }
}

export function parseAuthorizerResult(output: unknown): AuthorizerResult {
  if (!isRecord(output)) throw new MalformedAuthorizerResultError("output is not an object");
  const { principalId, policyDocument, context } = output;
  if (typeof principalId !== "string" && typeof principalId !== "number") {
    throw new MalformedAuthorizerResultError("principalId is missing");
  }
  if (!isRecord(policyDocument)) throw new MalformedAuthorizerResultError("policyDocument is missing");
  const rawStatements = policyDocument["Statement"];
  const list = Array.isArray(rawStatements) ? rawStatements : [rawStatements];
  const statements = list.map((s, i): NormalizedStatement => {
    if (!isRecord(s)) throw new MalformedAuthorizerResultError(`Statement[${i}] is not an object`);
    const effect = s["Effect"];
    if (effect !== "Allow" && effect !== "Deny") {
      throw new MalformedAuthorizerResultError(`Statement[${i}].Effect is not Allow or Deny`);
    }
    return {
      effect,
      // Action names are case-insensitive in IAM; resources are not.
      actions: stringList(s["Action"], `Statement[${i}].Action`).map((a) => globToRegExp(a, "i")),
      resources: stringList(s["Resource"], `Statement[${i}].Resource`).map((r) => globToRegExp(r, "")),
    };
  });

  const checkedContext: Record<string, ContextValue> = {};
  if (context !== undefined && context !== null) {
    if (!isRecord(context)) throw new MalformedAuthorizerResultError("context is not an object");
    for (const [key, value] of Object.entries(context)) {
      // Only flat string, number and boolean values: anything else fails the whole authorization.
      if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
        throw new MalformedAuthorizerResultError(`context.${key} is not a string, number or boolean`);
      }
      checkedContext[key] = value;
    }
  }
  return { principalId: String(principalId), statements, context: checkedContext };
}

/** Evaluate the cached policy for this request's method ARN. */
export function evaluatePolicy(result: AuthorizerResult, methodArn: string): PolicyDecision {
  let allowed = false;
  for (const s of result.statements) {
    const actionMatches = s.actions.some((a) => a.test("execute-api:Invoke"));
    const resourceMatches = s.resources.some((r) => r.test(methodArn));
    if (!actionMatches || !resourceMatches) continue;
    if (s.effect === "Deny") return "explicit-deny";
    allowed = true;
  }
  return allowed ? "allow" : "implicit-deny";
}

function stringList(value: unknown, where: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((v) => typeof v === "string")) {
    throw new MalformedAuthorizerResultError(`${where} is not a string or a list of strings`);
  }
  return list;
}

/** IAM wildcards: `*` any run of characters (including `/`), `?` any one character. */
function globToRegExp(glob: string, flags: string): RegExp {
  const body = glob
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`, `s${flags}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
