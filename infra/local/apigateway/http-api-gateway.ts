// The local HTTP API (API Gateway v2 semantics) over plain HTTP on loopback, `$default` stage at `/`.
//
// Per request: select the route (none: 404 `{"message":"Not Found"}`); for a CUSTOM route, read the
// identity source values (one missing or empty: 401 without invoking the authorizer), use the
// cached answer for those values or invoke the authorizer (a payload 2.0 or 1.0 event), decide
// (`isAuthorized: false`, or an IAM policy that does not allow the route ARN: 403; a throw: 500,
// except `Error("Unauthorized")`: 401; a malformed answer: 500), then invoke the route's Lambda
// integration with a payload 2.0 event carrying the authorizer's context in
// `requestContext.authorizer.lambda`, and answer with its response, format 2.0.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
//
// The one documented outcome the documentation leaves open is a thrown `Unauthorized`: the Lambda
// authorizer page lists the response formats and says a Lambda error is a 500; this gateway answers
// 401 for the error message `Unauthorized`, as the REST gateway does and as the authorizer
// (lambda/authorizer/http-api-event.ts) and the README table state for HTTP APIs.

import { randomBytes } from "node:crypto";
import http from "node:http";
import { AuthorizerCache } from "./authorizer-cache";
import { MalformedAuthorizerOutputError } from "./authorizer-output";
import { type HttpAuthorizerResult, validateHttpAuthorizerOutput } from "./http-api-authorizer-output";
import {
  type HttpApiIdentity,
  type HttpApiRequest,
  httpAuthorizerEvent,
  httpAuthorizerEventV1,
  httpProxyEvent,
  routeArn,
} from "./http-api-events";
import { httpRouteSelector, type HttpRouteSelector } from "./http-api-routes";
import type { RequestLogLine } from "./gateway";
import { FunctionError, type LambdaRunner } from "../lambda/lambda-runner";
import { closeServer, listenOn } from "../ports";
import {
  type HttpApiDefinition,
  type HttpAuthorizerDefinition,
  type HttpIdentitySource,
  TemplateError,
} from "../cloud-assembly/stack-definition";

export interface LocalHttpApiGatewayProps {
  readonly httpApi: HttpApiDefinition;
  /** Warm runners by function logical id: every function the HTTP API invokes. */
  readonly runners: ReadonlyMap<string, LambdaRunner>;
  readonly api: Omit<HttpApiIdentity, "stage" | "domainName">;
  /** @default "127.0.0.1" */
  readonly host?: string;
  /** @default 3001; 0 picks a free port */
  readonly port?: number;
  /**
   * Called once per request, after the response is sent.
   * @default nothing
   */
  readonly onRequest?: (line: RequestLogLine) => void;
}

export interface HttpGatewayStats {
  requests: number;
  /** Times an authorizer function was invoked (cache misses that reached Lambda). */
  authorizerInvocations: number;
  authorizerCacheHits: number;
}

interface Response {
  readonly status: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: string | Buffer;
}

/** The HTTP API's own answers: JSON `{"message": ...}`. */
const GATEWAY_MESSAGES = {
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  500: "Internal Server Error",
} as const;

/**
 * `$context` variables an identity source may name that the local HTTP API knows; another is refused
 * when the gateway is built, never read as a missing value.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html
 */
const CONTEXT_VARIABLES: Record<string, (r: HttpApiRequest, api: HttpApiIdentity) => string> = {
  routeKey: (r) => r.routeKey,
  httpMethod: (r) => r.method,
  path: (r) => r.rawPath,
  stage: (_r, api) => api.stage,
  apiId: (_r, api) => api.apiId,
  accountId: (_r, api) => api.accountId,
  domainName: (_r, api) => api.domainName,
  requestId: (r) => r.requestId,
  "identity.sourceIp": (r) => r.sourceIp,
};

export class LocalHttpApiGateway {
  readonly stats: HttpGatewayStats = { requests: 0, authorizerInvocations: 0, authorizerCacheHits: 0 };
  readonly cache = new AuthorizerCache<HttpAuthorizerResult>();
  private readonly routes: HttpRouteSelector;
  private readonly server: http.Server;
  private url: string | undefined;

  constructor(private readonly props: LocalHttpApiGatewayProps) {
    for (const authorizer of props.httpApi.authorizers.values()) {
      for (const source of authorizer.identitySources) {
        if (
          source.kind === "stageVariable" ||
          (source.kind === "context" && !(source.name in CONTEXT_VARIABLES))
        ) {
          throw new TemplateError(
            `${authorizer.logicalId}: identity source ${source.expression} is not available locally ` +
              `(headers, query strings and $context.${Object.keys(CONTEXT_VARIABLES).join(", $context.")})`,
          );
        }
      }
    }
    this.routes = httpRouteSelector(props.httpApi.routes);
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: GATEWAY_MESSAGES[500] }));
        console.error("local HTTP API error:", err);
      });
    });
    this.server.keepAliveTimeout = 60_000;
  }

  /** Listen; resolves with the API URL (`http://127.0.0.1:3001/`): the `$default` stage has no prefix. */
  async listen(): Promise<string> {
    const host = this.props.host ?? "127.0.0.1";
    const port = await listenOn(this.server, "local HTTP API", this.props.port ?? 3001, host);
    this.url = `http://${host}:${port}/`;
    return this.url;
  }

  get apiUrl(): string {
    if (this.url === undefined) throw new Error("the local HTTP API is not listening");
    return this.url;
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = Date.now();
    this.stats.requests++;
    const body = await readBody(req);
    const target = req.url ?? "/";
    const queryAt = target.indexOf("?");
    const rawPath = queryAt < 0 ? target : target.slice(0, queryAt);
    const rawQueryString = queryAt < 0 ? "" : target.slice(queryAt + 1);
    const method = (req.method ?? "GET").toUpperCase();
    const api: HttpApiIdentity = {
      ...this.props.api,
      stage: this.props.httpApi.stageName,
      domainName: req.headers.host ?? "127.0.0.1",
    };
    const requestId = randomBytes(10).toString("base64").replace(/=+$/, "=");

    let authorizerUse: RequestLogLine["authorizer"] = "none";
    let response: Response;
    const match = rawPath.startsWith("/") ? this.routes.select(method, rawPath) : undefined;
    if (match === undefined) {
      response = gatewayResponse(404);
    } else {
      const { headers, cookies, multiValueHeaders } = collectHeaders(req.rawHeaders);
      const multiValueQueryStringParameters: Record<string, string[]> = {};
      for (const [k, v] of new URLSearchParams(rawQueryString))
        (multiValueQueryStringParameters[k] ??= []).push(v);
      const request: HttpApiRequest = {
        method,
        rawPath,
        rawQueryString,
        headers,
        cookies,
        queryStringParameters: Object.fromEntries(
          Object.entries(multiValueQueryStringParameters).map(([k, v]) => [k, v.join(",")]),
        ),
        multiValueHeaders,
        multiValueQueryStringParameters,
        routeKey: match.route.routeKey,
        pathParameters: match.pathParameters,
        body,
        sourceIp: req.socket.remoteAddress ?? "127.0.0.1",
        requestId,
        timeEpoch: started,
      };
      let context: Readonly<Record<string, unknown>> | undefined;
      let refused: Response | undefined;
      const authorizerId = match.route.authorizerLogicalId;
      if (authorizerId !== undefined) {
        const authorizer = this.props.httpApi.authorizers.get(authorizerId) as HttpAuthorizerDefinition;
        const decision = await this.authorize(authorizer, api, request);
        authorizerUse = decision.use;
        if (decision.kind === "refuse") refused = gatewayResponse(decision.status);
        else context = decision.context;
      }
      response =
        refused ??
        (await this.integrate(match.route.functionLogicalId, httpProxyEvent(api, request, context)));
    }
    res.writeHead(response.status, { ...response.headers, "apigw-requestid": requestId });
    res.end(response.body);
    this.props.onRequest?.({
      method,
      path: rawPath,
      status: response.status,
      authorizer: authorizerUse,
      ms: Date.now() - started,
    });
  }

  private async authorize(
    authorizer: HttpAuthorizerDefinition,
    api: HttpApiIdentity,
    request: HttpApiRequest,
  ): Promise<
    | { kind: "allow"; use: RequestLogLine["authorizer"]; context: Readonly<Record<string, unknown>> }
    | { kind: "refuse"; use: RequestLogLine["authorizer"]; status: 401 | 403 | 500 }
  > {
    // "If you specify identity sources for your authorizer and any of them is missing, null, or
    // empty, API Gateway returns a 401 Unauthorized response without calling your Lambda function."
    // With none (only allowed with caching off) the function is always invoked.
    const values = identityValues(authorizer.identitySources, request, api);
    if (values === undefined) return { kind: "refuse", use: "skipped", status: 401 };
    const key = JSON.stringify(values);

    let result = authorizer.ttlSeconds > 0 ? this.cache.get(authorizer.logicalId, key) : undefined;
    let use: RequestLogLine["authorizer"] = "cached";
    if (result !== undefined) {
      this.stats.authorizerCacheHits++;
    } else {
      use = "invoked";
      const runner = this.props.runners.get(authorizer.functionLogicalId) as LambdaRunner;
      this.stats.authorizerInvocations++;
      let output: unknown;
      try {
        output = await runner.invoke(
          authorizer.payloadFormatVersion === "1.0"
            ? httpAuthorizerEventV1(api, request, values)
            : httpAuthorizerEvent(api, request, values.length === 0 ? null : values),
        );
      } catch (err) {
        const unauthorized = err instanceof FunctionError && err.errorMessage === "Unauthorized";
        return { kind: "refuse", use, status: unauthorized ? 401 : 500 };
      }
      try {
        result = validateHttpAuthorizerOutput(output, authorizer.simpleResponses);
      } catch (err) {
        if (!(err instanceof MalformedAuthorizerOutputError)) throw err;
        return { kind: "refuse", use, status: 500 };
      }
      // Cached under the identity source values for the TTL (0: not cached), for every route that
      // uses this authorizer: add `$context.routeKey` to the identity source for per-route answers.
      this.cache.set(authorizer.logicalId, key, result, authorizer.ttlSeconds);
    }

    const allowed =
      result.kind === "simple"
        ? result.isAuthorized
        : result.policy.evaluate(routeArn(api, request)).decision === "Allow";
    return allowed ? { kind: "allow", use, context: result.context } : { kind: "refuse", use, status: 403 };
  }

  private async integrate(functionId: string, event: object): Promise<Response> {
    const runner = this.props.runners.get(functionId) as LambdaRunner;
    let output: unknown;
    try {
      output = await runner.invoke(event);
    } catch {
      // A function error (a throw, a crash, the function's own timeout): 500 Internal Server Error.
      return gatewayResponse(500);
    }
    return parseResponse(output) ?? gatewayResponse(500);
  }
}

function gatewayResponse(status: keyof typeof GATEWAY_MESSAGES): Response {
  return {
    status,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ message: GATEWAY_MESSAGES[status] }),
  };
}

/** The identity source values in order, or undefined when one is missing or empty. */
function identityValues(
  sources: readonly HttpIdentitySource[],
  request: HttpApiRequest,
  api: HttpApiIdentity,
): string[] | undefined {
  const values: string[] = [];
  for (const source of sources) {
    let value: string | undefined;
    // Every value of the header, joined as payload 2.0 joins them (a Cookie header too).
    if (source.kind === "header") value = request.multiValueHeaders[source.name.toLowerCase()]?.join(",");
    else if (source.kind === "querystring") value = request.queryStringParameters[source.name];
    else if (source.kind === "context") value = CONTEXT_VARIABLES[source.name]?.(request, api);
    if (value === undefined || value === "") return undefined;
    values.push(value);
  }
  return values;
}

/**
 * A payload 2.0 Lambda response → the HTTP response; undefined when API Gateway would answer 500.
 * "If your Lambda function returns valid JSON and doesn't return a statusCode, API Gateway assumes":
 * status 200, content-type application/json, the function's response as the body (a string as it
 * is). With a statusCode: `headers`, `cookies` (each a `set-cookie` header), `body`, `isBase64Encoded`.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */
export function parseResponse(output: unknown): Response | undefined {
  const inferred = (body: string): Response => ({
    status: 200,
    headers: { "content-type": "application/json" },
    body,
  });
  if (output === null || output === undefined) return undefined;
  if (typeof output === "string") return inferred(output);
  if (typeof output !== "object" || Array.isArray(output) || !("statusCode" in output)) {
    return inferred(JSON.stringify(output));
  }
  const o = output as Record<string, unknown>;
  const status = o["statusCode"];
  if (typeof status !== "number" || !Number.isInteger(status) || status < 100 || status > 599)
    return undefined;
  const body = o["body"] ?? "";
  if (typeof body !== "string") return undefined;
  const headers: Record<string, string | string[]> = {};
  const rawHeaders = o["headers"];
  if (rawHeaders !== undefined && rawHeaders !== null) {
    if (typeof rawHeaders !== "object" || Array.isArray(rawHeaders)) return undefined;
    for (const [k, v] of Object.entries(rawHeaders)) {
      if (!["string", "number", "boolean"].includes(typeof v)) return undefined;
      headers[k.toLowerCase()] = String(v);
    }
  }
  const cookies = o["cookies"];
  if (cookies !== undefined && cookies !== null) {
    if (!Array.isArray(cookies) || !cookies.every((c) => typeof c === "string")) return undefined;
    if (cookies.length > 0) headers["set-cookie"] = cookies;
  }
  headers["content-type"] ??= "application/json";
  const isBase64Encoded = o["isBase64Encoded"];
  if (isBase64Encoded !== undefined && typeof isBase64Encoded !== "boolean") return undefined;
  return { status, headers, body: isBase64Encoded === true ? Buffer.from(body, "base64") : body };
}

/**
 * Lowercased names, repeated headers joined with `,` (payload 2.0), cookie headers split out; and
 * every value of every header (cookies included), for payload 1.0 authorizer events.
 */
function collectHeaders(raw: readonly string[]): {
  headers: Record<string, string>;
  cookies: string[];
  multiValueHeaders: Record<string, string[]>;
} {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    (multiValueHeaders[name] ??= []).push(value);
    if (name === "cookie") {
      cookies.push(
        ...value
          .split(";")
          .map((c) => c.trim())
          .filter((c) => c !== ""),
      );
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  return { headers, cookies, multiValueHeaders };
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
