// Shared by the sample backends: the request as both APIs send it, and JSON responses with the CORS
// header the REST API's preflight promises. (Lambda proxy integrations answer for themselves; a REST
// API adds nothing to their responses. An HTTP API with CORS configured replaces the header with
// its own: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html)

import type {
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2WithLambdaAuthorizer,
  APIGatewayProxyResult,
} from "aws-lambda";

const ALLOW_ORIGIN = process.env.CORS_ALLOW_ORIGIN?.trim() || "*";

/** What a backend gets: a REST API proxy event (payload 1.0) or an HTTP API one (payload 2.0). */
export type ApiEvent =
  APIGatewayProxyEvent | APIGatewayProxyEventV2WithLambdaAuthorizer<Record<string, unknown>>;

/** The fields the backends use, the same for both payload formats. */
export interface ApiRequest {
  readonly method: string;
  /** The route: `GET /items/{id}` (REST: method and resource; HTTP API: the route key). */
  readonly route: string;
  /** The request path as sent, without the stage. */
  readonly path: string;
  readonly pathParameters: Readonly<Record<string, string | undefined>>;
  readonly body: string | undefined;
  readonly isBase64Encoded: boolean;
  /**
   * The authorizer's context: REST `requestContext.authorizer` (principalId and the context keys),
   * HTTP API payload 2.0 `requestContext.authorizer.lambda` (the context keys).
   * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
   */
  readonly identity: Readonly<Record<string, unknown>> | null;
  /** The caller's `sub`: REST principalId, HTTP API context `sub`; undefined without an authorizer. */
  readonly principal: string | undefined;
}

export function readRequest(event: ApiEvent): ApiRequest {
  if ("version" in event && event.version === "2.0") {
    const identity = (event.requestContext.authorizer as { lambda?: Record<string, unknown> } | undefined)
      ?.lambda;
    const sub = identity?.["sub"];
    return {
      method: event.requestContext.http.method,
      route: event.routeKey,
      path: event.rawPath,
      pathParameters: event.pathParameters ?? {},
      body: event.body,
      isBase64Encoded: event.isBase64Encoded,
      identity: identity ?? null,
      principal: typeof sub === "string" ? sub : undefined,
    };
  }
  const v1 = event as APIGatewayProxyEvent;
  const principal: unknown = v1.requestContext.authorizer?.principalId;
  return {
    method: v1.httpMethod,
    route: `${v1.httpMethod} ${v1.resource}`,
    path: v1.path,
    pathParameters: v1.pathParameters ?? {},
    body: v1.body ?? undefined,
    isBase64Encoded: v1.isBase64Encoded,
    identity: v1.requestContext.authorizer ?? null,
    principal: typeof principal === "string" ? principal : undefined,
  };
}

/** A JSON response; `undefined` gives an empty body (204 must not have one, RFC 9110 §15.3.5). */
export function json(statusCode: number, body: unknown): APIGatewayProxyResult {
  return {
    statusCode,
    headers: {
      "Content-Type": "application/json",
      "Access-Control-Allow-Origin": ALLOW_ORIGIN,
      "Cache-Control": "no-store",
    },
    body: body === undefined ? "" : JSON.stringify(body),
  };
}
