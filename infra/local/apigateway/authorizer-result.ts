// What API Gateway does with a Lambda authorizer's output: validate its shape (principalId, an IAM
// policy document, a flat context). A malformed output is a 500. Deciding a request with the policy
// is iam-policy.ts.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html

import { type CompiledPolicy, compilePolicy, MalformedPolicyError } from "./iam-policy";

export type ContextValue = string | number | boolean;

export interface AuthorizerResult {
  readonly principalId: string;
  /** Evaluated against the method ARN of every request this result serves (from the cache too). */
  readonly policy: CompiledPolicy;
  readonly context: Readonly<Record<string, ContextValue>>;
}

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
  let policy: CompiledPolicy;
  try {
    policy = compilePolicy(policyDocument);
  } catch (err) {
    if (err instanceof MalformedPolicyError)
      throw new MalformedAuthorizerResultError(`policyDocument: ${err.message}`);
    throw err;
  }

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
  return { principalId: String(principalId), policy, context: checkedContext };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
