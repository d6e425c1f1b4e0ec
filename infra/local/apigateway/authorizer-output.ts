// API Gateway's validation of a Lambda authorizer's output: principalId, IAM policy, flat context.
//
// What API Gateway does with the output: validate its shape (principalId, an IAM policy document, a
// flat context). A malformed output is a 500. Deciding a request with the policy is iam-policy.ts.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html

import { type CompiledPolicy, compilePolicy, MalformedPolicyError } from "./iam-policy";

export type ContextValue = string | number | boolean;

/**
 * What API Gateway accepted after validating a Lambda authorizer's output: the principal, the
 * policy compiled for evaluation, and the checked context. Not the Lambda's own output type
 * (AuthorizerResult in lambda/authorizer/policy.ts): that is what the function returns, this is what
 * the gateway keeps (and caches) once the output passed validation.
 */
export interface ValidatedAuthorizerOutput {
  readonly principalId: string;
  /** Evaluated against the method ARN of every request this result serves (from the cache too). */
  readonly policy: CompiledPolicy;
  readonly context: Readonly<Record<string, ContextValue>>;
}

/** The output is not something API Gateway accepts (500, AuthorizerConfigurationException). */
export class MalformedAuthorizerOutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MalformedAuthorizerOutputError";
  }
}

/** Throws MalformedAuthorizerOutputError, saying what is wrong, for an output API Gateway refuses. */
export function validateAuthorizerOutput(output: unknown): ValidatedAuthorizerOutput {
  if (!isRecord(output)) throw new MalformedAuthorizerOutputError("output is not an object");
  const { principalId, policyDocument, context } = output;
  if (typeof principalId !== "string" && typeof principalId !== "number") {
    throw new MalformedAuthorizerOutputError("principalId is missing");
  }
  if (!isRecord(policyDocument)) throw new MalformedAuthorizerOutputError("policyDocument is missing");
  let policy: CompiledPolicy;
  try {
    policy = compilePolicy(policyDocument);
  } catch (err) {
    if (err instanceof MalformedPolicyError)
      throw new MalformedAuthorizerOutputError(`policyDocument: ${err.message}`);
    throw err;
  }

  const checkedContext: Record<string, ContextValue> = {};
  if (context !== undefined && context !== null) {
    if (!isRecord(context)) throw new MalformedAuthorizerOutputError("context is not an object");
    for (const [key, value] of Object.entries(context)) {
      // Only flat string, number and boolean values: anything else fails the whole authorization.
      if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
        throw new MalformedAuthorizerOutputError(`context.${key} is not a string, number or boolean`);
      }
      checkedContext[key] = value;
    }
  }
  return { principalId: String(principalId), policy, context: checkedContext };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
