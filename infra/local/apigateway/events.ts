// The events the local API Gateway (REST API) sends to Lambda: authorizer and proxy integration events.
//
// TOKEN and REQUEST authorizer events, and the proxy integration event (payload format 1.0). Shapes
// follow events captured on deployed APIs, as published by aws/aws-lambda-go
// (events/testdata/apigw-request.json) and aws-powertools/powertools-lambda-typescript
// (packages/parser/tests/events/apigw-rest/*.json); this repository keeps copies of them under
// test/fixtures/aws-events/ (see SOURCES.md there).
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html
// https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html

import type { ValidatedAuthorizerOutput } from "./authorizer-output";

/** One HTTP request as the gateway saw it, after route matching. */
export interface GatewayRequest {
  readonly httpMethod: string;
  /** Path without the stage, e.g. `/items/42` (percent-encoding as received). */
  readonly path: string;
  readonly resourcePath: string;
  readonly resourceId: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly multiValueHeaders: Readonly<Record<string, string[]>>;
  readonly queryStringParameters: Readonly<Record<string, string>>;
  readonly multiValueQueryStringParameters: Readonly<Record<string, string[]>>;
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly requestId: string;
  readonly extendedRequestId: string;
  readonly requestTimeEpoch: number;
}

export interface ApiIdentity {
  readonly region: string;
  readonly accountId: string;
  readonly apiId: string;
  readonly stage: string;
  readonly domainName: string;
}

/** `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{concrete path}`. */
export function methodArn(api: ApiIdentity, request: Pick<GatewayRequest, "httpMethod" | "path">): string {
  return `arn:aws:execute-api:${api.region}:${api.accountId}:${api.apiId}/${api.stage}/${request.httpMethod}${request.path}`;
}

/** A TOKEN authorizer gets the header value and the method ARN, nothing else. */
export function tokenAuthorizerEvent(api: ApiIdentity, request: GatewayRequest, token: string): object {
  return { type: "TOKEN", authorizationToken: token, methodArn: methodArn(api, request) };
}

export function requestAuthorizerEvent(api: ApiIdentity, request: GatewayRequest): object {
  return {
    type: "REQUEST",
    methodArn: methodArn(api, request),
    resource: request.resourcePath,
    path: request.path,
    httpMethod: request.httpMethod,
    headers: request.headers,
    multiValueHeaders: request.multiValueHeaders,
    queryStringParameters: request.queryStringParameters,
    multiValueQueryStringParameters: request.multiValueQueryStringParameters,
    pathParameters: request.pathParameters,
    stageVariables: {},
    requestContext: requestContext(api, request),
  };
}

/** The Lambda proxy event; `requestContext.authorizer` holds principalId and the context, stringified. */
export function proxyEvent(
  api: ApiIdentity,
  request: GatewayRequest,
  authorizer: { readonly result: ValidatedAuthorizerOutput; readonly latencyMs: number } | undefined,
): object {
  const textBody = request.body.length === 0 ? null : request.body.toString("utf8");
  const isText = textBody === null || Buffer.from(textBody, "utf8").equals(request.body);
  const context: Record<string, unknown> = requestContext(api, request);
  if (authorizer !== undefined) {
    context["authorizer"] = {
      ...Object.fromEntries(Object.entries(authorizer.result.context).map(([k, v]) => [k, String(v)])),
      principalId: authorizer.result.principalId,
      integrationLatency: authorizer.latencyMs,
    };
  }
  return {
    resource: request.resourcePath,
    path: request.path,
    httpMethod: request.httpMethod,
    headers: emptyToNull(request.headers),
    multiValueHeaders: emptyToNull(request.multiValueHeaders),
    queryStringParameters: emptyToNull(request.queryStringParameters),
    multiValueQueryStringParameters: emptyToNull(request.multiValueQueryStringParameters),
    pathParameters: emptyToNull(request.pathParameters),
    stageVariables: null,
    requestContext: context,
    body: isText ? textBody : request.body.toString("base64"),
    isBase64Encoded: !isText,
  };
}

function requestContext(api: ApiIdentity, request: GatewayRequest): Record<string, unknown> {
  return {
    resourceId: request.resourceId,
    resourcePath: request.resourcePath,
    httpMethod: request.httpMethod,
    extendedRequestId: request.extendedRequestId,
    requestTime: clfTime(request.requestTimeEpoch),
    path: `/${api.stage}${request.path}`,
    accountId: api.accountId,
    protocol: "HTTP/1.1",
    stage: api.stage,
    domainPrefix: api.apiId,
    requestTimeEpoch: request.requestTimeEpoch,
    requestId: request.requestId,
    identity: {
      cognitoIdentityPoolId: null,
      accountId: null,
      cognitoIdentityId: null,
      caller: null,
      sourceIp: request.sourceIp,
      principalOrgId: null,
      accessKey: null,
      cognitoAuthenticationType: null,
      cognitoAuthenticationProvider: null,
      userArn: null,
      userAgent: request.headers["User-Agent"] ?? request.headers["user-agent"] ?? null,
      user: null,
    },
    domainName: api.domainName,
    deploymentId: "local",
    apiId: api.apiId,
  };
}

function emptyToNull<T extends object>(value: T): T | null {
  return Object.keys(value).length === 0 ? null : value;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `17/Jun/2024:15:02:03 +0000`, the format of `requestContext.requestTime`. */
function clfTime(epochMs: number): string {
  const d = new Date(epochMs);
  const p = (n: number): string => String(n).padStart(2, "0");
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}
