// Fetches the pool's JWKS from one fixed URL, for aws-jwt-verify's SimpleJwksCache.
//
// Why our own fetcher: CognitoJwtVerifier builds the Cognito JWKS URL itself and ignores a custom
// one, and its default fetcher speaks https only. This fetcher ignores the URL it is asked for and
// always fetches the configured one (Cognito's, or JWKS_URI for an emulator or a test server).
// It fails closed and fast: a deadline on the whole exchange, a size cap, a JSON shape check, and
// a short cool-down after a failure so that a dead endpoint is not hammered at request rate.

import { JwksUnavailableError } from "./errors";

/**
 * node:http or node:https as CommonJS exports, taken when the first request is made, never by an
 * ES `import`. On Node.js 22 an ES import of node:http costs 30-50 ms at cold start: building its
 * ES module namespace reads every export, and the lazy `WebSocket`, `CloseEvent` and `MessageEvent`
 * getters load the whole bundled undici (README, Performance). `process.getBuiltinModule` returns
 * the exports without a namespace (Node.js 20.16+, 22.3+). Production (Cognito's https URL) never
 * loads node:http at all; http: is for an emulator or a test server (JWKS_URI).
 * https://nodejs.org/docs/latest-v22.x/api/process.html#processgetbuiltinmoduleid
 */
function httpClient(url: URL): typeof import("node:https") | typeof import("node:http") {
  return url.protocol === "http:"
    ? process.getBuiltinModule("node:http")
    : process.getBuiltinModule("node:https");
}

export interface JwksFetcherOptions {
  /** Deadline for connect + response, in ms. @default 1500 */
  readonly timeoutMs?: number;
  /** Largest JWKS accepted, in bytes. @default 65536 */
  readonly maxBytes?: number;
  /** After a failed fetch, fail fast for this long (ms) before trying again. @default 1000 */
  readonly coolDownMs?: number;
}

export class JwksFetcher {
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly coolDownMs: number;
  private inFlight: Promise<ArrayBuffer> | undefined;
  private retryAfter = 0;
  /** Number of HTTP requests made (observable by tests and the log). */
  requests = 0;
  /** The `kid`s of the last key set fetched. */
  keyIds: readonly string[] = [];

  constructor(
    private readonly url: URL,
    options: JwksFetcherOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 1500;
    this.maxBytes = options.maxBytes ?? 65536;
    this.coolDownMs = options.coolDownMs ?? 1000;
  }

  /** The `uri` argument (what the verifier thinks the JWKS URL is) is deliberately ignored. */
  fetch(): Promise<ArrayBuffer> {
    if (Date.now() < this.retryAfter) {
      return Promise.reject(new JwksUnavailableError("JWKS endpoint failed recently; cooling down"));
    }
    // Concurrent callers (hydration asks for two issuer URLs at once) share one request.
    this.inFlight ??= this.get().then(
      (body) => {
        this.inFlight = undefined;
        return body;
      },
      (err: unknown) => {
        this.inFlight = undefined;
        this.retryAfter = Date.now() + this.coolDownMs;
        throw err;
      },
    );
    return this.inFlight;
  }

  private get(): Promise<ArrayBuffer> {
    this.requests += 1;
    const client = httpClient(this.url);
    return new Promise<ArrayBuffer>((resolve, reject) => {
      const fail = (message: string): void => {
        request.destroy();
        reject(new JwksUnavailableError(message));
      };
      const request = client.get(this.url, { headers: { accept: "application/json" } }, (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          fail(`JWKS endpoint answered HTTP ${response.statusCode ?? "?"}`);
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > this.maxBytes) fail(`JWKS larger than ${this.maxBytes} bytes`);
          else chunks.push(chunk);
        });
        response.on("error", () => fail("JWKS response stream failed"));
        response.on("end", () => {
          clearTimeout(deadline);
          const body = Buffer.concat(chunks);
          const keyIds = keyIdsOf(body);
          if (keyIds === undefined) {
            reject(new JwksUnavailableError("JWKS endpoint answered something that is not a key set"));
            return;
          }
          this.keyIds = keyIds;
          resolve(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
        });
      });
      const deadline = setTimeout(
        () => fail(`JWKS endpoint did not answer within ${this.timeoutMs} ms`),
        this.timeoutMs,
      );
      request.on("error", (err) => {
        clearTimeout(deadline);
        reject(new JwksUnavailableError(`JWKS request failed: ${err.message}`));
      });
      request.on("close", () => clearTimeout(deadline));
    });
  }
}

/**
 * The kids of `{"keys": [ ... ]}` with at least one key, or undefined: anything else is an endpoint
 * fault, not a token fault. (aws-jwt-verify validates each key itself afterwards.)
 */
function keyIdsOf(body: Buffer): string[] | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString("utf8"));
    if (typeof parsed !== "object" || parsed === null) return undefined;
    const { keys } = parsed as { keys?: unknown };
    if (!Array.isArray(keys) || keys.length === 0) return undefined;
    return keys.flatMap((k: unknown) =>
      typeof k === "object" && k !== null && typeof (k as { kid?: unknown }).kid === "string"
        ? [(k as { kid: string }).kid]
        : [],
    );
  } catch {
    return undefined;
  }
}
