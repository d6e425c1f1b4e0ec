// API Gateway events → what the decision needs (the ARN to scope policies to, and for an HTTP API
// payload 2.0 event its route key), checked against EVENT_FORMAT; and the simple response.
//
// Which kind of event arrives is configuration (EVENT_FORMAT), never read off the event: an event of
// another kind is refused (WrongEventFormatError, 401), as is any field of the wrong type.
// HTTP API Lambda authorizers, what API Gateway does with the function's answer:
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
// - an identity source missing, null or empty: 401 without invoking the function;
// - the function throws (or times out): 500, except an error with the message `Unauthorized`,
//   which is 401, as for REST APIs (the one thing authorizer.ts ever throws);
// - a simple response with `isAuthorized: false`, or an IAM policy that denies: 403;
// - a response that is neither format: 500;
// - `context` reaches the backend as `requestContext.authorizer.lambda` (payload 2.0 backends) and
//   `$context.authorizer.<key>` in mappings; for an IAM response its `principalId` too.

import { type EventFormat, DEFAULT_ROUTE_KEY } from "./contract";
import { parseAuthorizationHeader } from "./bearer-token";
import {
  MalformedEventError,
  RouteKeyNotInIdentitySourceError,
  TokenNotInIdentitySourceError,
  WrongEventFormatError,
} from "./errors";
import { type MethodArn, parseMethodArn, parseRouteArn } from "./method-arn";

/** What a payload 2.0 authorizer with simple responses enabled returns. */
export interface SimpleResult {
  readonly isAuthorized: boolean;
  /** Only strings, numbers and booleans, as for IAM responses. */
  readonly context: Readonly<Record<string, string | number | boolean>>;
}

export interface AuthorizerRequest {
  readonly arn: MethodArn;
  /** The HTTP API route the request matched (payload 2.0 only): `GET /items/{id}`, `$default`. */
  readonly routeKey: string | undefined;
  /** The identity source values (payload 2.0 only): API Gateway's cache key for this answer. */
  readonly identitySource: readonly unknown[] | undefined;
}

export interface EventFormatOptions {
  readonly format: EventFormat;
  /** http-2.0-simple: every event's identitySource values must include its routeKey. */
  readonly routeKeyInIdentitySource: boolean;
}

/** Route keys are `METHOD /path` or `$default`; anything longer than this is not one. */
const MAX_ROUTE_KEY_LENGTH = 1024;

/** The event → its ARN and route key, or an AuthorizerError (401) when it is not of the configured kind. */
export function readRequest(event: object, options: EventFormatOptions): AuthorizerRequest {
  const e = event as { version?: unknown; type?: unknown; methodArn?: unknown; routeArn?: unknown };
  if (options.format === "rest") {
    // REST API events have no `version`; HTTP API events always do.
    if (e.version !== undefined) {
      throw new WrongEventFormatError(`event has a version (an HTTP API event), but EVENT_FORMAT is "rest"`);
    }
    return { arn: parseMethodArn(e.methodArn), routeKey: undefined, identitySource: undefined };
  }
  const version = options.format === "http-1.0" ? "1.0" : "2.0";
  if (e.version !== version) {
    throw new WrongEventFormatError(
      `event version is ${describe(e.version)}, but EVENT_FORMAT "${options.format}" expects "${version}"`,
    );
  }
  if (e.type !== "REQUEST") throw new WrongEventFormatError(`event type is ${describe(e.type)}, not REQUEST`);
  if (version === "1.0") {
    return { arn: parseRouteArn(e.methodArn, "methodArn"), routeKey: undefined, identitySource: undefined };
  }

  const arn = parseRouteArn(e.routeArn, "routeArn");
  const { routeKey, identitySource } = event as { routeKey?: unknown; identitySource?: unknown };
  if (typeof routeKey !== "string" || routeKey === "" || routeKey.length > MAX_ROUTE_KEY_LENGTH) {
    throw new MalformedEventError("routeKey is not a route key");
  }
  if (
    routeKey !== DEFAULT_ROUTE_KEY &&
    !routeKey.startsWith(`${arn.method} `) &&
    !routeKey.startsWith("ANY ")
  ) {
    // API Gateway chose a route for another method than the request's: the event contradicts itself.
    throw new MalformedEventError("routeKey's method is neither the routeArn's nor ANY");
  }
  if (options.format === "http-2.0-simple" && options.routeKeyInIdentitySource) {
    // The cache key is the identity source values: the route key must be one of them, or a cached
    // answer for this route would be served for others. What can be checked of the contract is.
    if (!Array.isArray(identitySource) || !identitySource.includes(routeKey)) {
      throw new RouteKeyNotInIdentitySourceError(
        `ROUTE_KEY_IN_IDENTITY_SOURCE is "true", but identitySource does not hold the routeKey: add "$context.routeKey" to the authorizer's identity source`,
      );
    }
  }
  // An authorizer without identity sources (allowed only with caching off) gets `identitySource:
  // null` from deployed HTTP APIs (https://github.com/awslabs/aws-lambda-rust-runtime/issues/860):
  // nothing is cached then, as with an empty list.
  if (identitySource === null || identitySource === undefined)
    return { arn, routeKey, identitySource: undefined };
  if (!Array.isArray(identitySource)) throw new MalformedEventError("identitySource is not an array");
  return { arn, routeKey, identitySource };
}

/**
 * Payload 2.0: API Gateway caches the answer under the identity source values, so the token the
 * answer is for must be one of them, or one caller's cached answer would serve requests with
 * another token, or with none (an identity source of `$context.routeKey` alone, or of a header the
 * caller chooses). An empty identity source is only allowed with caching off; API Gateway then
 * caches nothing. A value counts when it is a Bearer header carrying this very token.
 */
export function assertTokenInIdentitySource(request: AuthorizerRequest, token: string): void {
  const values = request.identitySource;
  if (values === undefined || values.length === 0) return;
  const carries = (value: unknown): boolean => {
    if (typeof value !== "string") return false;
    try {
      return parseAuthorizationHeader(value) === token;
    } catch {
      return false;
    }
  };
  if (!values.some(carries)) {
    throw new TokenNotInIdentitySourceError(
      'identitySource does not hold the Authorization header: add "$request.header.Authorization" to the authorizer\'s identity source, or the cached answer would serve other callers',
    );
  }
}

function describe(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value.slice(0, 20)) : typeof value;
}
