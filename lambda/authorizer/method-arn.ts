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
const METHOD_ARN = new RegExp(
  `^(?<prefix>arn:(?:${PARTITION}):execute-api:${REGION_PATTERN}:\\d{12}:(?<apiId>[a-z0-9]{1,64})/` +
    `(?<stage>[A-Za-z0-9_-]{1,128}|\\*)/)(?<method>GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)/(?<path>[\\x21-\\x7e]*)$`,
);

/**
 * Parse the methodArn of a TOKEN or REQUEST event. Anything that is not exactly an execute-api
 * method ARN is refused: we would rather answer 401 than emit a policy for a resource we cannot scope.
 */
export function parseMethodArn(methodArn: unknown): MethodArn {
  if (typeof methodArn !== "string" || methodArn.length > 2048) {
    throw new MalformedMethodArnError("methodArn is not a string of sensible length");
  }
  const parts = METHOD_ARN.exec(methodArn)?.groups as
    { prefix: string; apiId: string; stage: string; method: string; path: string } | undefined;
  if (!parts) throw new MalformedMethodArnError("methodArn is not an execute-api method ARN");
  const { prefix, apiId, stage, method, path } = parts;
  return { resourcePrefix: prefix, apiId, stage, method, path: `/${path}` };
}
