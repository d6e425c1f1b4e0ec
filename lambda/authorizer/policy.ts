// IAM policy documents for API Gateway Lambda authorizers, and method ARN parsing.
//
// API Gateway caches the returned policy per identity source (the token) and applies it to every
// method the caller calls next, for the cache TTL. So a policy must never be scoped to "the route
// of this request" unless it is also right for every other route.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html

import { MalformedMethodArnError } from "./errors";

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

/** A parsed `methodArn`: `arn:{partition}:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path}`. */
export interface MethodArn {
  /** `arn:{partition}:execute-api:{region}:{account}:{apiId}/{stage}/`: every resource we emit starts with it. */
  readonly resourcePrefix: string;
  readonly apiId: string;
  readonly stage: string;
  readonly method: string;
  /** The concrete request path with a leading `/` (`/items/42`); `/` for the root resource. */
  readonly path: string;
}

// Partition, region, account and API id are constrained so that the prefix can never contain a glob
// character: a `*` or `?` smuggled into them would widen every statement we emit.
const METHOD_ARN =
  /^(arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc):execute-api:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):([a-z0-9]{1,64})\/([A-Za-z0-9_-]{1,128}|\*)\/)(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)\/([\x21-\x7e]*)$/;

/**
 * Parse the methodArn of a TOKEN or REQUEST event. Anything that is not exactly an execute-api
 * method ARN is refused: we would rather answer 401 than emit a policy for a resource we cannot scope.
 */
export function parseMethodArn(methodArn: unknown): MethodArn {
  if (typeof methodArn !== "string" || methodArn.length > 2048) {
    throw new MalformedMethodArnError("methodArn is not a string of sensible length");
  }
  const match = METHOD_ARN.exec(methodArn);
  if (!match) throw new MalformedMethodArnError("methodArn is not an execute-api method ARN");
  const [, resourcePrefix, , , , apiId, stage, method, path] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return { resourcePrefix, apiId, stage, method, path: `/${path}` };
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
