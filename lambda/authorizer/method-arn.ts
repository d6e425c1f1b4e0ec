// The `methodArn` of a TOKEN or REQUEST event → its parts, or MalformedMethodArnError (401).
//
// `arn:{partition}:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path}`, where the path
// is the concrete request path (`/items/42`), not the resource template.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html
// https://docs.aws.amazon.com/apigateway/latest/developerguide/arn-format-reference.html

import { REGION_PATTERN } from "./contract";
import { MalformedMethodArnError } from "./errors";

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
const PARTITION = "aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc";
const executeApiArn = (stage: string): RegExp =>
  new RegExp(
    `^(?<prefix>arn:(?:${PARTITION}):execute-api:${REGION_PATTERN}:\\d{12}:(?<apiId>[a-z0-9]{1,64})/` +
      `(?<stage>${stage})/)(?<method>GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)/(?<path>[\\x21-\\x7e]*)$`,
  );
const METHOD_ARN = executeApiArn("[A-Za-z0-9_-]{1,128}|\\*");
// HTTP API stages: `$default` (served at the root of the API's URL) or a name. `$` is no IAM glob
// character, and `$default` is no policy variable (those are `${...}`), so the prefix stays literal.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-stages.html
const ROUTE_ARN = executeApiArn("\\$default|[A-Za-z0-9_-]{1,128}");

/**
 * Parse the methodArn of a TOKEN or REQUEST event. Anything that is not exactly an execute-api
 * method ARN is refused: we would rather answer 401 than emit a policy for a resource we cannot scope.
 */
export function parseMethodArn(methodArn: unknown): MethodArn {
  return parseArn(METHOD_ARN, methodArn, "methodArn");
}

/**
 * Parse the routeArn of an HTTP API payload 2.0 event (or the methodArn of a payload 1.0 event):
 * the same shape as a REST method ARN, `{METHOD}/{path}` the request's, and the stage may be
 * `$default`. https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
 */
export function parseRouteArn(routeArn: unknown, field: "routeArn" | "methodArn" = "routeArn"): MethodArn {
  return parseArn(ROUTE_ARN, routeArn, field);
}

function parseArn(pattern: RegExp, value: unknown, field: string): MethodArn {
  if (typeof value !== "string" || value.length > 2048) {
    throw new MalformedMethodArnError(`${field} is not a string of sensible length`);
  }
  const parts = pattern.exec(value)?.groups as
    { prefix: string; apiId: string; stage: string; method: string; path: string } | undefined;
  if (!parts) throw new MalformedMethodArnError(`${field} is not an execute-api method ARN`);
  const { prefix, apiId, stage, method, path } = parts;
  return { resourcePrefix: prefix, apiId, stage, method, path: `/${path}` };
}
