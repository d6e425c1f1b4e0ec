// Builds a real authorizer for tests: a generated key served by a loopback JWKS server, the
// production config loader, aws-jwt-verify through our fetcher, Powertools Logger with its output
// captured (so that tests can read the decision lines and check what they never contain), and one
// clock, shared by the verifier and the verified-token cache, that a test can move forward.

import { Logger } from "@aws-lambda-powertools/logger";
import type { AuthorizerResult as APIGatewayAuthorizerResult } from "../../lambda/authorizer/policy";
import { createAuthorizer } from "../../lambda/authorizer/authorizer";
import type { SimpleResult } from "../../lambda/authorizer/http-api-event";
import { loadConfig } from "../../lambda/authorizer/config";
import { createTokenVerifier, type TokenVerifierOptions } from "../../lambda/authorizer/verify";
import { generateTestKey, type TestKey, TEST_CLIENT_ID, TEST_USER_POOL_ID } from "../../tools/issuer";
import { JwksServer } from "../../tools/jwks-server";

export const API_PREFIX = "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/";

export function methodArn(method: string, path: string): string {
  return `${API_PREFIX}${method}${path}`;
}

export function tokenEvent(
  authorizationToken: unknown,
  method = "GET",
  path = "/items",
): Record<string, unknown> {
  return { type: "TOKEN", authorizationToken, methodArn: methodArn(method, path) };
}

export function requestEvent(
  headers: Record<string, unknown> | null,
  multiValueHeaders: Record<string, unknown> | null = null,
  method = "GET",
  path = "/items",
): Record<string, unknown> {
  return {
    type: "REQUEST",
    methodArn: methodArn(method, path),
    resource: path,
    path,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: { accountId: "123456789012", apiId: "abcdef1234", stage: "prod", httpMethod: method },
  };
}

/** The routeArn prefix of the HTTP API events below: the `$default` stage, as HTTP APIs name it. */
export const HTTP_API_PREFIX = "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/$default/";

/**
 * An HTTP API payload 2.0 REQUEST event, as API Gateway sends it: header names lowercased, the
 * route key of the route it chose, and identitySource the values of the authorizer's identity
 * source (here the Authorization header and, with `routeKeyInIdentitySource`, the route key).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
 */
export function httpApiEvent(
  authorization: unknown,
  routeKey: string,
  method: string,
  path: string,
  options: { readonly routeKeyInIdentitySource?: boolean } = {},
): Record<string, unknown> {
  const headers: Record<string, unknown> = { host: "abcdef1234.execute-api.us-east-1.amazonaws.com" };
  if (authorization !== undefined) headers["authorization"] = authorization;
  const identitySource = [
    ...(authorization === undefined ? [] : [authorization]),
    ...(options.routeKeyInIdentitySource === true ? [routeKey] : []),
  ];
  return {
    version: "2.0",
    type: "REQUEST",
    routeArn: `${HTTP_API_PREFIX}${method}${path}`,
    identitySource,
    routeKey,
    rawPath: path,
    rawQueryString: "",
    headers,
    requestContext: {
      accountId: "123456789012",
      apiId: "abcdef1234",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "192.0.2.1", userAgent: "test" },
      requestId: "id",
      routeKey,
      stage: "$default",
    },
  };
}

/** An HTTP API payload 1.0 REQUEST event: the REST REQUEST shape with `version` "1.0". */
export function httpApi1Event(authorization: unknown, method: string, path: string): Record<string, unknown> {
  return {
    ...requestEvent(authorization === undefined ? {} : { Authorization: authorization }, null, method, path),
    version: "1.0",
    methodArn: `${HTTP_API_PREFIX}${method}${path}`,
    identitySource: authorization,
  };
}

export type Outcome =
  | { kind: "unauthorized" }
  | { kind: "policy"; result: APIGatewayAuthorizerResult }
  /** An HTTP API simple response: 403 when isAuthorized is false. */
  | { kind: "simple"; result: SimpleResult }
  | { kind: "other-error"; error: unknown };

/**
 * What API Gateway makes of one authorizer invocation: a policy, 401 for exactly
 * `new Error("Unauthorized")`, or anything else (500). Harness.run adds per-call log capture, which
 * is not safe for concurrent calls: concurrent tests use this on `h.handler(event)` directly.
 */
export async function outcomeOf(
  invocation: Promise<APIGatewayAuthorizerResult | SimpleResult>,
): Promise<Outcome> {
  try {
    const result = await invocation;
    return "isAuthorized" in result ? { kind: "simple", result } : { kind: "policy", result };
  } catch (error) {
    if (error instanceof Error && error.message === "Unauthorized" && error.constructor === Error) {
      return { kind: "unauthorized" };
    }
    return { kind: "other-error", error };
  }
}

export interface HarnessOptions {
  readonly env?: Record<string, string>;
  /** The clock is the harness's own (Harness.clock), shared with the verified-token cache. */
  readonly verifier?: Omit<TokenVerifierOptions, "clock">;
  readonly verifiedTokenCacheSize?: number;
  readonly keys?: TestKey[];
  readonly hydrate?: boolean;
  /**
   * Powertools log level of the authorizer's logger. DEBUG, so that tests see every decision line
   * (Allows are logged at DEBUG only); production's default is INFO.
   * @default "DEBUG"
   */
  readonly logLevel?: "DEBUG" | "INFO" | "WARN";
}

/**
 * Real time plus an offset that only grows: `advance` moves it forward, as time passing would. (The
 * authorizer and the verifier only ever let an injected clock move time forward from real time.)
 */
export class TestClock {
  private offsetMs = 0;

  /** Epoch milliseconds: pass as the `clock` of the verifier and of the authorizer. */
  readonly now = (): number => Date.now() + this.offsetMs;

  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`TestClock only moves forward, not by ${ms} ms`);
    this.offsetMs += ms;
  }
}

/** Log lines written by Powertools Logger, captured from stdout/stderr. */
export class LogCapture {
  /** Lines of the current run (cleared by start()). */
  readonly lines: string[] = [];
  /** Every line captured since this capture was created. */
  readonly history: string[] = [];
  private restore: (() => void) | undefined;

  start(): void {
    this.lines.length = 0;
    const out = process.stdout.write.bind(process.stdout);
    const err = process.stderr.write.bind(process.stderr);
    const capture = (chunk: unknown): boolean => {
      this.lines.push(String(chunk));
      this.history.push(String(chunk));
      return true;
    };
    process.stdout.write = capture;
    process.stderr.write = capture;
    this.restore = () => {
      process.stdout.write = out;
      process.stderr.write = err;
    };
  }

  stop(): void {
    this.restore?.();
    this.restore = undefined;
  }

  get text(): string {
    return this.lines.join("");
  }

  /** Parsed decision lines. */
  decisions(): Record<string, unknown>[] {
    return this.text
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.message === "authorizer decision");
  }
}

export class Harness {
  readonly logs = new LogCapture();

  private constructor(
    readonly key: TestKey,
    readonly server: JwksServer,
    readonly clock: TestClock,
    readonly verifier: ReturnType<typeof createTokenVerifier>,
    readonly handler: (event: unknown) => Promise<APIGatewayAuthorizerResult | SimpleResult>,
  ) {}

  static async start(options: HarnessOptions = {}): Promise<Harness> {
    const keys = options.keys ?? [generateTestKey()];
    const server = await JwksServer.start(keys.map((k) => k.jwk));
    const config = loadConfig({
      USER_POOL_ID: TEST_USER_POOL_ID,
      CLIENT_ID: TEST_CLIENT_ID,
      JWKS_URI: server.url,
      ROUTE_RULES: "*",
      ...options.env,
    });
    const clock = new TestClock();
    const verifier = createTokenVerifier(config, {
      timeoutMs: 500,
      coolDownMs: 0,
      ...options.verifier,
      clock: clock.now,
    });
    if (options.hydrate !== false) await verifier.hydrate();
    const logger = new Logger({
      serviceName: "cognito-jwt-authorizer-test",
      logLevel: options.logLevel ?? "DEBUG",
    });
    const handler = createAuthorizer({
      verifier,
      logger,
      routeRules: config.routeRules,
      eventFormat: config.eventFormat,
      clock: clock.now,
      ...(options.verifiedTokenCacheSize === undefined
        ? {}
        : { verifiedTokenCacheSize: options.verifiedTokenCacheSize }),
    });
    return new Harness(keys[0] as TestKey, server, clock, verifier, handler);
  }

  /** Run the handler and classify what API Gateway would do with the result. */
  async run(event: unknown): Promise<Outcome> {
    this.logs.start();
    try {
      return await outcomeOf(this.handler(event));
    } finally {
      this.logs.stop();
    }
  }

  async close(): Promise<void> {
    await this.server.stop();
  }
}
