// IAM policy documents for API Gateway Lambda authorizers.
//
// API Gateway caches the returned policy per identity source (the token) and applies it to every
// method the caller calls next, for the cache TTL. So a policy must never be scoped to "the route
// of this request" unless it is also right for every other route.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html

import type { MethodArn } from "./method-arn";

export type Effect = "Allow" | "Deny";

export interface PolicyStatement {
  readonly Action: "execute-api:Invoke";
  readonly Effect: Effect;
  readonly Resource: readonly string[];
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

/** What a REST API Lambda authorizer returns (IAM policy format). */
export interface AuthorizerResult {
  readonly principalId: string;
  readonly policyDocument: PolicyDocument;
  /** Only strings, numbers and booleans: anything else makes API Gateway answer 500. */
  readonly context: Readonly<Record<string, string | number | boolean>>;
}

export function policyDocument(statements: readonly PolicyStatement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

export function statement(effect: Effect, resources: readonly string[]): PolicyStatement {
  return { Action: "execute-api:Invoke", Effect: effect, Resource: resources };
}

/**
 * Every method of every route of this API stage. Without route rules, this is the Allow for a valid
 * token: cached by API Gateway for one route, it stays right for every other route.
 */
export function everyRoute(arn: MethodArn): string {
  return `${arn.resourcePrefix}*/*`;
}
