// A bounded in-process cache of verified tokens, so that a warm function answers a repeated token
// without a second RSA verification.
//
// Why this is safe:
// - The key is the exact token string, signature included: a hit means these very bytes were
//   verified before. A token differing in any byte (tampered claims, another signature) misses.
// - Each entry is valid only until the token's own `exp`, checked on every hit, with no grace.
// - Only successes are stored; a failure is never cached, so a rejected token is re-verified (and
//   rejected again) every time, and a token that failed for a transient reason (JWKS down) can
//   succeed once the cause is gone.
// - Memory is bounded: least-recently-used entries are evicted beyond `maxEntries`.
// What it does not change: like API Gateway's own result cache (keyed by the same token, for the
// authorizer's TTL), a verified token stays accepted until it expires even if its signing key is
// rotated out of the JWKS meanwhile. Cognito access tokens cannot be checked for revocation offline
// anyway; keep their validity short if that matters.

export class VerifiedTokenCache<T extends { readonly exp: number }> {
  // A Map iterates in insertion order: re-inserting on a hit makes the first key the LRU one.
  private readonly entries = new Map<string, T>();

  constructor(private readonly maxEntries = 1000) {}

  get(token: string, nowSeconds: number): T | undefined {
    const claims = this.entries.get(token);
    if (claims === undefined) return undefined;
    this.entries.delete(token);
    if (claims.exp <= nowSeconds) return undefined;
    this.entries.set(token, claims);
    return claims;
  }

  set(token: string, claims: T): void {
    this.entries.delete(token);
    this.entries.set(token, claims);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
