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
