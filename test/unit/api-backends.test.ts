// The sample backends (lambda/api) behind both APIs: a REST API sends Lambda proxy events in payload
// format 1.0, the HTTP API in 2.0, with the authorizer's context in `requestContext.authorizer`
// (REST) or `requestContext.authorizer.lambda` (HTTP API). Each backend must answer both alike.
// Event shapes: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html

import type { APIGatewayProxyEvent, APIGatewayProxyEventV2WithLambdaAuthorizer } from "aws-lambda";
import { handler as admin } from "../../lambda/api/admin";
import { handler as items } from "../../lambda/api/items";
import { handler as me } from "../../lambda/api/me";

const CONTEXT = {
  sub: "11111111-2222-3333-4444-555555555555",
  callerType: "user",
  userPoolId: "us-east-1_AbC123",
  username: "ada",
  clientId: "webclient1",
  tokenUse: "access",
  scope: "aws.cognito.signin.user.admin",
  groups: "editors",
};

interface Request {
  readonly method: string;
  readonly resource: string;
  readonly path: string;
  readonly pathParameters?: Record<string, string>;
  readonly body?: string;
}

/** A REST API proxy event (payload 1.0): principalId and the context keys side by side. */
function restEvent(r: Request): APIGatewayProxyEvent {
  return {
    resource: r.resource,
    path: r.path,
    httpMethod: r.method,
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: r.pathParameters ?? null,
    stageVariables: null,
    body: r.body ?? null,
    isBase64Encoded: false,
    requestContext: {
      authorizer: { principalId: CONTEXT.sub, ...CONTEXT },
      httpMethod: r.method,
      path: `/prod${r.path}`,
      resourcePath: r.resource,
      stage: "prod",
    } as unknown as APIGatewayProxyEvent["requestContext"],
  };
}

/** An HTTP API proxy event (payload 2.0): the context under authorizer.lambda, no principalId. */
function httpEvent(r: Request): APIGatewayProxyEventV2WithLambdaAuthorizer<typeof CONTEXT> {
  return {
    version: "2.0",
    routeKey: `${r.method} ${r.resource}`,
    rawPath: r.path,
    rawQueryString: "",
    headers: {},
    ...(r.pathParameters !== undefined && { pathParameters: r.pathParameters }),
    ...(r.body !== undefined && { body: r.body }),
    isBase64Encoded: false,
    requestContext: {
      accountId: "123456789012",
      apiId: "abcdef1234",
      authorizer: { lambda: CONTEXT },
      domainName: "abcdef1234.execute-api.us-east-1.amazonaws.com",
      domainPrefix: "abcdef1234",
      http: {
        method: r.method,
        path: r.path,
        protocol: "HTTP/1.1",
        sourceIp: "192.0.2.1",
        userAgent: "test",
      },
      requestId: "id",
      routeKey: `${r.method} ${r.resource}`,
      stage: "$default",
      time: "02/Dec/2026:03:00:00 +0000",
      timeEpoch: 1796180400000,
    },
  };
}

const formats = [
  ["REST (payload 1.0)", restEvent],
  ["HTTP API (payload 2.0)", httpEvent],
] as const;

describe.each(formats)("%s", (_name, event) => {
  test("GET /me echoes the authorizer's context", async () => {
    // Protects: the README's walk-through shows who the caller is on both APIs.
    const response = await me(event({ method: "GET", resource: "/me", path: "/me" }));
    expect(response.statusCode).toBe(200);
    const { identity } = JSON.parse(response.body) as { identity: Record<string, unknown> };
    expect(identity).toMatchObject(CONTEXT);
  });

  test("the items routes work by route, path parameter and body, and record the caller", async () => {
    // Protects: the route dispatch reads each format's own fields (resource vs routeKey, null vs absent body).
    const one = await items(
      event({ method: "GET", resource: "/items/{id}", path: "/items/1", pathParameters: { id: "1" } }),
    );
    expect(JSON.parse(one.body)).toMatchObject({ id: "1", name: "first item" });
    const created = await items(
      event({ method: "POST", resource: "/items", path: "/items", body: JSON.stringify({ name: "new" }) }),
    );
    expect(created.statusCode).toBe(201);
    const item = JSON.parse(created.body) as { id: string; createdBy: string };
    expect(item.createdBy).toBe(CONTEXT.sub);
    const noBody = await items(event({ method: "POST", resource: "/items", path: "/items" }));
    expect(noBody.statusCode).toBe(400);
    const deleted = await items(
      event({
        method: "DELETE",
        resource: "/items/{id}",
        path: `/items/${item.id}`,
        pathParameters: { id: item.id },
      }),
    );
    expect(deleted.statusCode).toBe(204);
  });

  test("ANY /admin/{proxy+} names the method, the path and the caller", async () => {
    // Protects: the group-rule demo shows what was called and by whom on both APIs.
    const response = await admin(
      event({
        method: "PATCH",
        resource: "/admin/{proxy+}",
        path: "/admin/users/7",
        pathParameters: { proxy: "users/7" },
      }),
    );
    expect(JSON.parse(response.body)).toEqual({
      method: "PATCH",
      path: "/admin/users/7",
      principalId: CONTEXT.sub,
    });
  });
});
