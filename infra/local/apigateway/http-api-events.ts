// The events the local HTTP API sends to Lambda, payload format 2.0: the Lambda authorizer event and
// the proxy integration event.
//
// Shapes follow the documentation and the events captured on deployed HTTP APIs that this repository
// keeps under test/fixtures/aws-events/ (powertools-lambda-typescript/apigw-http/authorizer-request.json:
// lowercased header names, `rawQueryString` always present, `queryStringParameters`, `cookies`,
// `pathParameters` and `stageVariables` left out when empty, the `$default` stage in `routeArn`).
// Repeated headers and query parameters are joined with commas; cookies move to `cookies`.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html

/** One HTTP request as the HTTP API saw it, after route selection. */
export interface HttpApiRequest {
  readonly method: string;
  /** As received, percent-encoding kept. */
  readonly rawPath: string;
  readonly rawQueryString: string;
  /** Lowercased names; repeated headers joined with `,`; without `cookie`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly cookies: readonly string[];
  /** Repeated parameters joined with `,`. */
  readonly queryStringParameters: Readonly<Record<string, string>>;
  /** Payload 1.0 authorizer events: every value of each header (lowercased) and parameter. */
  readonly multiValueHeaders: Readonly<Record<string, readonly string[]>>;
  readonly multiValueQueryStringParameters: Readonly<Record<string, readonly string[]>>;
  readonly routeKey: string;
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly requestId: string;
  readonly timeEpoch: number;
}

export interface HttpApiIdentity {
  readonly region: string;
  readonly accountId: string;
  readonly apiId: string;
  /** `$default`. */
  readonly stage: string;
  readonly domainName: string;
}

/** `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{concrete path}`, stage `$default`. */
export function routeArn(api: HttpApiIdentity, request: Pick<HttpApiRequest, "method" | "rawPath">): string {
  return `arn:aws:execute-api:${api.region}:${api.accountId}:${api.apiId}/${api.stage}/${request.method}${request.rawPath}`;
}

/**
 * The payload 2.0 Lambda authorizer event; `identitySource` holds the values, not the expressions,
 * and is null when the authorizer has no identity source (caching off), as deployed APIs send it
 * (reported in aws/aws-lambda-rust-runtime#860).
 */
export function httpAuthorizerEvent(
  api: HttpApiIdentity,
  request: HttpApiRequest,
  identitySource: readonly string[] | null,
): object {
  return {
    version: "2.0",
    type: "REQUEST",
    routeArn: routeArn(api, request),
    identitySource,
    ...common(api, request),
  };
}

/**
 * The payload 1.0 Lambda authorizer event: the REST REQUEST shape with `version` "1.0", the route ARN
 * as `methodArn`, and the identity source values joined with `,` as `identitySource` (and
 * `authorizationToken`), as in the real 1.0 events kept under test/fixtures/aws-events/
 * (aws-lambda-go/apigw-v2-custom-authorizer-v1-request.json). The last value of a repeated header or
 * parameter in the single-value maps, every value in the multi-value ones.
 */
export function httpAuthorizerEventV1(
  api: HttpApiIdentity,
  request: HttpApiRequest,
  identitySource: readonly string[],
): object {
  const last = (multi: Readonly<Record<string, readonly string[]>>): Record<string, string> =>
    Object.fromEntries(Object.entries(multi).map(([k, v]) => [k, v[v.length - 1] as string]));
  const resourcePath = request.routeKey === "$default" ? "$default" : request.routeKey.split(" ")[1];
  return {
    version: "1.0",
    type: "REQUEST",
    methodArn: routeArn(api, request),
    identitySource: identitySource.join(","),
    authorizationToken: identitySource.join(","),
    resource: resourcePath,
    path: request.rawPath,
    httpMethod: request.method,
    headers: last(request.multiValueHeaders),
    multiValueHeaders: request.multiValueHeaders,
    queryStringParameters: last(request.multiValueQueryStringParameters),
    multiValueQueryStringParameters: request.multiValueQueryStringParameters,
    pathParameters: request.pathParameters,
    stageVariables: {},
    requestContext: {
      accountId: api.accountId,
      apiId: api.apiId,
      domainName: api.domainName,
      domainPrefix: api.domainName.split(".")[0],
      extendedRequestId: request.requestId,
      httpMethod: request.method,
      identity: {
        accessKey: null,
        accountId: null,
        caller: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.sourceIp,
        user: null,
        userAgent: request.headers["user-agent"] ?? "",
        userArn: null,
      },
      path: request.rawPath,
      protocol: "HTTP/1.1",
      requestId: request.requestId,
      requestTime: clfTime(request.timeEpoch),
      requestTimeEpoch: request.timeEpoch,
      resourceId: request.routeKey,
      resourcePath,
      stage: api.stage,
    },
  };
}

/** The payload 2.0 proxy event; the authorizer's context, if any, in `requestContext.authorizer.lambda`. */
export function httpProxyEvent(
  api: HttpApiIdentity,
  request: HttpApiRequest,
  authorizerContext: Readonly<Record<string, unknown>> | undefined,
): object {
  const event: Record<string, unknown> = { version: "2.0", ...common(api, request, authorizerContext) };
  if (request.body.length > 0) {
    const text = request.body.toString("utf8");
    const isText = Buffer.from(text, "utf8").equals(request.body);
    event["body"] = isText ? text : request.body.toString("base64");
    event["isBase64Encoded"] = !isText;
  } else {
    event["isBase64Encoded"] = false;
  }
  return event;
}

function common(
  api: HttpApiIdentity,
  request: HttpApiRequest,
  authorizerContext?: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  return {
    routeKey: request.routeKey,
    rawPath: request.rawPath,
    rawQueryString: request.rawQueryString,
    ...(request.cookies.length > 0 && { cookies: request.cookies }),
    headers: request.headers,
    ...(Object.keys(request.queryStringParameters).length > 0 && {
      queryStringParameters: request.queryStringParameters,
    }),
    requestContext: {
      accountId: api.accountId,
      apiId: api.apiId,
      ...(authorizerContext !== undefined && { authorizer: { lambda: authorizerContext } }),
      domainName: api.domainName,
      domainPrefix: api.domainName.split(".")[0],
      http: {
        method: request.method,
        path: request.rawPath,
        protocol: "HTTP/1.1",
        sourceIp: request.sourceIp,
        userAgent: request.headers["user-agent"] ?? "",
      },
      requestId: request.requestId,
      routeKey: request.routeKey,
      stage: api.stage,
      time: clfTime(request.timeEpoch),
      timeEpoch: request.timeEpoch,
    },
    ...(Object.keys(request.pathParameters).length > 0 && { pathParameters: request.pathParameters }),
  };
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `17/Jun/2024:15:52:39 +0000`, the format of `requestContext.time`. */
function clfTime(epochMs: number): string {
  const d = new Date(epochMs);
  const p = (n: number): string => String(n).padStart(2, "0");
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}
