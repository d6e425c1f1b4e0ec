// The local API Gateway (REST API semantics) over plain HTTP on loopback.
//
// Per request: match the route (none: 403 Missing Authentication Token); for a CUSTOM method, read
// the identity source (missing, empty, or failing the TOKEN validation expression: 401 without
// calling the authorizer), use the cached authorizer result for that identity or invoke the
// authorizer, evaluate its policy against this request's method ARN (Deny: 403), then invoke the
// integration with a proxy event carrying the authorizer context.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html

import { randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import { AuthorizerCache } from "./authorizer-cache";
import {
  type ValidatedAuthorizerOutput,
  MalformedAuthorizerOutputError,
  validateAuthorizerOutput,
} from "./authorizer-output";
import {
  type ApiIdentity,
  type GatewayRequest,
  methodArn,
  proxyEvent,
  requestAuthorizerEvent,
  tokenAuthorizerEvent,
} from "./events";
import { type GatewayResponseType, renderGatewayResponse, type RenderedResponse } from "./gateway-responses";
import { FunctionError, type LambdaRunner } from "../lambda/lambda-runner";
import { closeServer, listenOn } from "../ports";
import { templateMethodResolver, type TemplateMethodResolver } from "./route-table";
import type { AuthorizerDefinition, StackDefinition } from "../cloud-assembly/stack-definition";

export interface LocalGatewayProps {
  readonly stack: StackDefinition;
  /** Warm runners by function logical id: every function the API invokes. */
  readonly runners: ReadonlyMap<string, LambdaRunner>;
  readonly api: Omit<ApiIdentity, "stage" | "domainName">;
  /** @default "127.0.0.1" */
  readonly host?: string;
  /** @default 3000; 0 picks a free port */
  readonly port?: number;
  /**
   * Called once per request, after the response is sent.
   * @default nothing
   */
  readonly onRequest?: (line: RequestLogLine) => void;
}

export interface RequestLogLine {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly authorizer: "none" | "invoked" | "cached" | "skipped";
  readonly ms: number;
}

export interface GatewayStats {
  requests: number;
  /** Times an authorizer function was invoked (cache misses that reached Lambda). */
  authorizerInvocations: number;
  authorizerCacheHits: number;
}

type Outcome =
  | { readonly kind: "gateway"; readonly type: GatewayResponseType; readonly message: string | null }
  | { readonly kind: "integration"; readonly response: RenderedResponse };

export class LocalGateway {
  readonly stats: GatewayStats = { requests: 0, authorizerInvocations: 0, authorizerCacheHits: 0 };
  readonly cache = new AuthorizerCache();
  private readonly routes: TemplateMethodResolver;
  private readonly server: http.Server;
  private url: string | undefined;

  constructor(private readonly props: LocalGatewayProps) {
    this.routes = templateMethodResolver(props.stack.methods);
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        // Never a stack trace to the client: API Gateway answers its own 500.
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end('{"message":"Internal server error"}');
        console.error("local gateway error:", err);
      });
    });
    this.server.keepAliveTimeout = 60_000;
  }

  /** Listen; resolves with the API URL (`http://127.0.0.1:3000/prod/`), like the stack's ApiUrl output. */
  async listen(): Promise<string> {
    const host = this.props.host ?? "127.0.0.1";
    const port = await listenOn(this.server, "local API Gateway", this.props.port ?? 3000, host);
    this.url = `http://${host}:${port}/${this.props.stack.stageName}/`;
    return this.url;
  }

  get apiUrl(): string {
    if (this.url === undefined) throw new Error("the local gateway is not listening");
    return this.url;
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = Date.now();
    this.stats.requests++;
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", "http://local");
    const stagePrefix = `/${this.props.stack.stageName}`;
    const inStage = url.pathname === stagePrefix || url.pathname.startsWith(`${stagePrefix}/`);
    const path = inStage ? url.pathname.slice(stagePrefix.length) || "/" : url.pathname;
    const httpMethod = (req.method ?? "GET").toUpperCase();
    const api: ApiIdentity = {
      ...this.props.api,
      stage: this.props.stack.stageName,
      domainName: req.headers.host ?? "127.0.0.1",
    };

    const { headers, multiValueHeaders } = collectHeaders(req.rawHeaders);
    const { single: queryStringParameters, multi: multiValueQueryStringParameters } = collectQuery(
      url.searchParams,
    );
    const requestId = randomUUID();
    const match = inStage ? this.routes.match(httpMethod, path) : undefined;
    const request: GatewayRequest = {
      httpMethod,
      path,
      resourcePath: match?.method.resourcePath ?? path,
      resourceId: match ? resourceId(match.method.resourcePath) : "",
      headers,
      multiValueHeaders,
      queryStringParameters,
      multiValueQueryStringParameters,
      pathParameters: match?.pathParameters ?? {},
      body,
      sourceIp: req.socket.remoteAddress ?? "127.0.0.1",
      requestId,
      extendedRequestId: randomBytes(8).toString("base64").replace(/=+$/, "="),
      requestTimeEpoch: started,
    };

    let authorizerUse: RequestLogLine["authorizer"] = "none";
    let outcome: Outcome;
    if (match === undefined) {
      outcome = {
        kind: "gateway",
        type: "MISSING_AUTHENTICATION_TOKEN",
        message: "Missing Authentication Token",
      };
    } else if (match.method.integration.type === "MOCK") {
      const { statusCode, headers: mockHeaders } = match.method.integration;
      outcome = {
        kind: "integration",
        response: { status: statusCode, headers: { ...mockHeaders }, body: "" },
      };
    } else {
      let authorized: { result: ValidatedAuthorizerOutput; latencyMs: number } | undefined;
      let denied: Outcome | undefined;
      const authorizerId = match.method.authorizerLogicalId;
      if (authorizerId !== undefined) {
        const authorizer = this.props.stack.authorizers.get(authorizerId) as AuthorizerDefinition;
        const decision = await this.authorize(authorizer, api, request);
        authorizerUse = decision.use;
        if (decision.kind === "deny") denied = decision.outcome;
        else authorized = { result: decision.result, latencyMs: decision.latencyMs };
      }
      const functionId = match.method.integration.functionLogicalId;
      outcome = denied ?? (await this.integrate(functionId, proxyEvent(api, request, authorized)));
    }

    const rendered =
      outcome.kind === "integration"
        ? outcome.response
        : renderGatewayResponse(
            outcome.type,
            {
              message: outcome.message,
              requestHeaders: headers,
              queryString: queryStringParameters,
              pathParameters: request.pathParameters,
              context: {
                requestId,
                extendedRequestId: request.extendedRequestId,
                stage: api.stage,
                apiId: api.apiId,
                accountId: api.accountId,
                httpMethod,
                resourcePath: request.resourcePath,
                path: `/${api.stage}${path}`,
                domainName: api.domainName,
              },
            },
            this.props.stack.gatewayResponses,
          );
    res.writeHead(rendered.status, {
      ...rendered.headers,
      "x-amzn-requestid": requestId,
      "x-amz-apigw-id": request.extendedRequestId,
    });
    res.end(rendered.body);
    this.props.onRequest?.({
      method: httpMethod,
      path: url.pathname,
      status: rendered.status,
      authorizer: authorizerUse,
      ms: Date.now() - started,
    });
  }

  private async authorize(
    authorizer: AuthorizerDefinition,
    api: ApiIdentity,
    request: GatewayRequest,
  ): Promise<
    | {
        kind: "allow";
        use: RequestLogLine["authorizer"];
        result: ValidatedAuthorizerOutput;
        latencyMs: number;
      }
    | { kind: "deny"; use: RequestLogLine["authorizer"]; outcome: Outcome }
  > {
    const unauthorized: Outcome = { kind: "gateway", type: "UNAUTHORIZED", message: "Unauthorized" };
    // Any other error, or an output API Gateway does not accept: 500, the authorizer is misconfigured.
    const misconfigured: Outcome = { kind: "gateway", type: "AUTHORIZER_CONFIGURATION_ERROR", message: null };
    const identity = identityValues(authorizer, request);
    // Missing or empty identity source, or a token failing the validation expression: API Gateway
    // answers 401 itself and never invokes the authorizer.
    if (identity === undefined) return { kind: "deny", use: "skipped", outcome: unauthorized };
    if (
      authorizer.type === "TOKEN" &&
      authorizer.validationExpression &&
      !authorizer.validationExpression.test(identity)
    ) {
      return { kind: "deny", use: "skipped", outcome: unauthorized };
    }

    let result = this.cache.get(authorizer.logicalId, identity);
    let use: RequestLogLine["authorizer"] = "cached";
    let latencyMs = 0;
    if (result !== undefined) {
      this.stats.authorizerCacheHits++;
    } else {
      use = "invoked";
      const runner = this.props.runners.get(authorizer.functionLogicalId) as LambdaRunner;
      const event =
        authorizer.type === "TOKEN"
          ? tokenAuthorizerEvent(api, request, identity)
          : requestAuthorizerEvent(api, request);
      const started = Date.now();
      this.stats.authorizerInvocations++;
      let output: unknown;
      try {
        output = await runner.invoke(event);
      } catch (err) {
        // `throw new Error("Unauthorized")` is the one error API Gateway maps to 401.
        if (err instanceof FunctionError && err.errorMessage === "Unauthorized") {
          return { kind: "deny", use, outcome: unauthorized };
        }
        return { kind: "deny", use, outcome: misconfigured };
      }
      latencyMs = Date.now() - started;
      try {
        result = validateAuthorizerOutput(output);
      } catch (err) {
        if (!(err instanceof MalformedAuthorizerOutputError)) throw err;
        return { kind: "deny", use, outcome: misconfigured };
      }
      this.cache.set(authorizer.logicalId, identity, result, authorizer.ttlSeconds);
    }

    const evaluation = result.policy.evaluate(methodArn(api, request));
    if (evaluation.decision === "Allow") return { kind: "allow", use, result, latencyMs };
    return {
      kind: "deny",
      use,
      outcome: {
        kind: "gateway",
        type: "ACCESS_DENIED",
        message: evaluation.explicitDeny
          ? "User is not authorized to access this resource with an explicit deny"
          : "User is not authorized to access this resource",
      },
    };
  }

  private async integrate(functionId: string, event: object): Promise<Outcome> {
    const runner = this.props.runners.get(functionId) as LambdaRunner;
    const failure: Outcome = {
      kind: "gateway",
      type: "INTEGRATION_FAILURE",
      message: "Internal server error",
    };
    let output: unknown;
    try {
      output = await runner.invoke(event);
    } catch (err) {
      if (err instanceof FunctionError && err.errorType === "Sandbox.Timedout") {
        return { kind: "gateway", type: "INTEGRATION_TIMEOUT", message: "Endpoint request timed out" };
      }
      return failure;
    }
    const response = parseProxyResponse(output);
    return response === undefined ? failure : { kind: "integration", response };
  }
}

/** The identity cache key, or undefined when any identity source is missing or empty. */
function identityValues(authorizer: AuthorizerDefinition, request: GatewayRequest): string | undefined {
  const values: string[] = [];
  for (const source of authorizer.identitySources) {
    let value: string | undefined;
    if (source.kind === "header") value = headerValue(request.headers, source.name);
    else if (source.kind === "querystring") value = request.queryStringParameters[source.name];
    else value = undefined; // no stage variables or custom context variables locally
    if (value === undefined || value.trim() === "") return undefined;
    values.push(value);
  }
  // REQUEST authorizers without identity sources (caching off) are always invoked.
  return values.join(",");
}

function headerValue(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return Object.entries(headers).find(([k]) => k.toLowerCase() === wanted)?.[1];
}

/** Lambda proxy output → HTTP response; undefined when API Gateway would answer 502. */
function parseProxyResponse(output: unknown): RenderedResponse | undefined {
  if (typeof output !== "object" || output === null) return undefined;
  const o = output as Record<string, unknown>;
  const status = Number(o["statusCode"]);
  if (!Number.isInteger(status) || status < 100 || status > 599) return undefined;
  const body = o["body"] ?? "";
  if (typeof body !== "string") return undefined;
  const headers: Record<string, string> = {};
  for (const [source, multi] of [
    [o["headers"], false],
    [o["multiValueHeaders"], true],
  ] as const) {
    if (source === undefined || source === null) continue;
    if (typeof source !== "object") return undefined;
    for (const [k, v] of Object.entries(source)) {
      const list: unknown[] = multi && Array.isArray(v) ? v : [v];
      if (!list.every((x) => ["string", "number", "boolean"].includes(typeof x))) return undefined;
      headers[k.toLowerCase()] = list.map(String).join(", ");
    }
  }
  headers["content-type"] ??= "application/json";
  return { status, headers, body: o["isBase64Encoded"] === true ? Buffer.from(body, "base64") : body };
}

function collectHeaders(raw: readonly string[]): {
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
} {
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    const existing =
      Object.keys(multiValueHeaders).find((k) => k.toLowerCase() === name.toLowerCase()) ?? name;
    (multiValueHeaders[existing] ??= []).push(raw[i + 1] as string);
  }
  // The single-value map keeps the last value of a repeated header, as API Gateway does.
  const headers = Object.fromEntries(
    Object.entries(multiValueHeaders).map(([k, v]) => [k, v[v.length - 1] as string]),
  );
  return { headers, multiValueHeaders };
}

function collectQuery(params: URLSearchParams): {
  single: Record<string, string>;
  multi: Record<string, string[]>;
} {
  const multi: Record<string, string[]> = {};
  for (const [k, v] of params) (multi[k] ??= []).push(v);
  const single = Object.fromEntries(Object.entries(multi).map(([k, v]) => [k, v[v.length - 1] as string]));
  return { single, multi };
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** A stable, API Gateway-looking resource id (6 lowercase alphanumerics) per resource path. */
function resourceId(resourcePath: string): string {
  let h = 0;
  for (const c of resourcePath) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0;
  return h.toString(36).padStart(6, "0").slice(-6);
}
