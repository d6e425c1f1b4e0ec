// API Gateway's authorizer result cache: one validated output per authorizer and identity, for its TTL.
//
// Keyed by the identity source value(s), kept for the authorizer's TTL, and reused for every method
// of the API that uses the same authorizer. The cached policy is evaluated again against each
// request's method ARN, which is why a policy that only allows "the route of the first request"
// breaks the next route (and why a too-wide one leaks).
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html

import type { ValidatedAuthorizerOutput } from "./authorizer-output";

interface Entry<T> {
  readonly result: T;
  readonly expiresAt: number;
}

/** `T`: what the gateway keeps of an accepted answer (the REST output, or the HTTP API's result). */
export class AuthorizerCache<T = ValidatedAuthorizerOutput> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 10_000,
  ) {}

  get(authorizerId: string, identity: string): T | undefined {
    const key = cacheKey(authorizerId, identity);
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.result;
  }

  /** A TTL of 0 disables caching, as in API Gateway. */
  set(authorizerId: string, identity: string, result: T, ttlSeconds: number): void {
    if (ttlSeconds <= 0) return;
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(cacheKey(authorizerId, identity), { result, expiresAt: this.now() + ttlSeconds * 1000 });
  }

  clear(): void {
    this.entries.clear();
  }
}

function cacheKey(authorizerId: string, identity: string): string {
  return `${authorizerId}\u0000${identity}`;
}
