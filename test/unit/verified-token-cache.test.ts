import { VerifiedTokenCache } from "../../lambda/authorizer/verified-token-cache";

describe("VerifiedTokenCache", () => {
  it("serves an entry until the token's exp, and not at or after it", () => {
    const cache = new VerifiedTokenCache<{ exp: number; sub: string }>(10, 300);
    cache.set("t", { exp: 1100, sub: "a" }, 1000);
    expect(cache.get("t", 1099)?.sub).toBe("a");
    expect(cache.get("t", 1100)).toBeUndefined();
    // An expired entry is dropped, not kept around.
    expect(cache.size).toBe(0);
  });

  it("re-verifies after maxAgeSeconds even when the token's exp is far away", () => {
    // A token whose key is withdrawn from the JWKS (leaked) must not live on in memory until its exp.
    const cache = new VerifiedTokenCache<{ exp: number }>(10, 300);
    cache.set("t", { exp: 10_000_000 }, 1000);
    expect(cache.get("t", 1299)).toBeDefined();
    expect(cache.get("t", 1300)).toBeUndefined();
  });

  it("keys on the exact token string", () => {
    const cache = new VerifiedTokenCache<{ exp: number }>(10, 300);
    cache.set("abc", { exp: 2000 }, 1000);
    expect(cache.get("abd", 1000)).toBeUndefined();
    expect(cache.get("abc ", 1000)).toBeUndefined();
  });

  it("hits only on the whole token, even for tokens that end alike", () => {
    // Protects: a tampered header or payload in front of a signature already seen (same last
    // characters, the slot's key) is never answered from the cache; it takes the slot only if it is
    // verified itself, and then the first token simply misses.
    const cache = new VerifiedTokenCache<{ exp: number; sub: string }>(10, 300);
    const signature = "s".repeat(342);
    const original = `header.payload.${signature}`;
    const tampered = `header.payloaX.${signature}`;
    cache.set(original, { exp: 2000, sub: "original" }, 1000);
    expect(cache.get(tampered, 1000)).toBeUndefined();
    expect(cache.get(original, 1000)?.sub).toBe("original");
    cache.set(tampered, { exp: 2000, sub: "other" }, 1000);
    expect(cache.get(original, 1000)).toBeUndefined();
    expect(cache.get(tampered, 1000)?.sub).toBe("other");
    expect(cache.size).toBe(1);
  });

  it("evicts the least recently used entry beyond maxEntries", () => {
    const cache = new VerifiedTokenCache<{ exp: number }>(2, 300);
    cache.set("a", { exp: 2000 }, 1000);
    cache.set("b", { exp: 2000 }, 1000);
    expect(cache.get("a", 1000)).toBeDefined(); // a is now the most recent
    cache.set("c", { exp: 2000 }, 1000); // evicts b
    expect(cache.size).toBe(2);
    expect(cache.get("b", 1000)).toBeUndefined();
    expect(cache.get("a", 1000)).toBeDefined();
    expect(cache.get("c", 1000)).toBeDefined();
  });
});
