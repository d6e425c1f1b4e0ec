// The HTTP API's validation of a payload 2.0 Lambda authorizer's answer: a simple response
// (`{ isAuthorized, context }`, with EnableSimpleResponses) or an IAM policy response
// (`{ principalId, policyDocument, context }`). Anything else is a 500, as is a context that is not a
// flat object of strings, numbers and booleans (the local gateway is strict here: it fails closed).
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html

import {
  type ContextValue,
  MalformedAuthorizerOutputError,
  validateAuthorizerOutput,
} from "./authorizer-output";
import type { CompiledPolicy } from "./iam-policy";

/** What the HTTP API keeps (and caches) of an accepted answer. */
export type HttpAuthorizerResult =
  | {
      readonly kind: "simple";
      readonly isAuthorized: boolean;
      readonly context: Readonly<Record<string, ContextValue>>;
    }
  | {
      readonly kind: "iam";
      readonly policy: CompiledPolicy;
      readonly context: Readonly<Record<string, ContextValue>>;
    };

/** Throws MalformedAuthorizerOutputError, saying what is wrong, for an answer the HTTP API refuses. */
export function validateHttpAuthorizerOutput(
  output: unknown,
  simpleResponses: boolean,
): HttpAuthorizerResult {
  if (!simpleResponses) {
    const { policy, context } = validateAuthorizerOutput(output);
    return { kind: "iam", policy, context };
  }
  if (typeof output !== "object" || output === null || Array.isArray(output)) {
    throw new MalformedAuthorizerOutputError("output is not an object");
  }
  const { isAuthorized, context } = output as Record<string, unknown>;
  if (typeof isAuthorized !== "boolean")
    throw new MalformedAuthorizerOutputError("isAuthorized is not a boolean");
  const checked: Record<string, ContextValue> = {};
  if (context !== undefined && context !== null) {
    if (typeof context !== "object" || Array.isArray(context)) {
      throw new MalformedAuthorizerOutputError("context is not an object");
    }
    for (const [key, value] of Object.entries(context)) {
      if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
        throw new MalformedAuthorizerOutputError(`context.${key} is not a string, number or boolean`);
      }
      checked[key] = value;
    }
  }
  return { kind: "simple", isAuthorized, context: checked };
}
