// A bounded in-process cache of verified tokens, so that a warm function answers a repeated token
// without a second RSA verification.
//
// Why this is safe:
// - A hit needs the exact token string, signature included: a hit means these very bytes were
//   verified before. A token differing in any byte (tampered claims, another signature) misses.
//   (The map is keyed by the token's last characters only, the end of its signature; the entry
//   keeps the whole token and a hit compares it. Hashing a whole 1 KB token on every request cost
//   1.3 µs on Node 22, more than everything else this file does; README, Performance.)
// - Each entry is valid only until the token's own `exp`, checked on every hit, with no grace, and
//   for at most `maxAgeSeconds` (default 300 s, API Gateway's default result TTL) after it was
//   verified, whatever `exp` its signer chose. Together with the JWKS max age in verify.ts (900 s),
//   a token signed with a key later withdrawn from the pool's JWKS is refused within about 20 minutes.
// - Only successes are stored; a failure is never cached, so a rejected token is re-verified (and
//   rejected again) every time, and a token that failed for a transient reason (JWKS down) can
//   succeed once the cause is gone.
// - Memory is bounded: least-recently-used entries are evicted beyond `maxEntries`.
// What it does not change: like API Gateway's own result cache (keyed by the same token, for the
// authorizer's TTL), a verified token stays accepted until its entry expires even if the token is
// revoked or the user disabled meanwhile: a JWT check cannot see revocation; keep token lifetimes
// short if that matters.

interface Entry<T> {
  /** The whole token: a hit requires it to equal the one asked for. */
  readonly token: string;
  readonly claims: T;
  /** min(exp, verified at + maxAgeSeconds), in epoch seconds. */
  readonly validUntil: number;
}

/**
 * Map key: the token's last 43 characters, 256 bits of the end of its signature (RFC 7515 §7.1: the
 * signature is the last segment). Two tokens that share them (at most one of them can be a real
 * signature from the pool's key) only take turns in one slot: a miss, never a wrong hit.
 */
const KEY_CHARS = 43;

function keyOf(token: string): string {
  return token.length <= KEY_CHARS ? token : token.slice(token.length - KEY_CHARS);
}

export class VerifiedTokenCache<T extends { readonly exp: number }> {
  // A Map iterates in insertion order: re-inserting on a hit makes the first key the LRU one.
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly maxEntries = 1000,
    private readonly maxAgeSeconds = 300,
  ) {}

  get(token: string, nowSeconds: number): T | undefined {
    const key = keyOf(token);
    const entry = this.entries.get(key);
    if (entry === undefined || entry.token !== token) return undefined;
    this.entries.delete(key);
    if (entry.validUntil <= nowSeconds) return undefined;
    this.entries.set(key, entry);
    return entry.claims;
  }

  set(token: string, claims: T, nowSeconds: number): void {
    const key = keyOf(token);
    this.entries.delete(key);
    this.entries.set(key, {
      token,
      claims,
      validUntil: Math.min(claims.exp, nowSeconds + this.maxAgeSeconds),
    });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
