// The JWKS endpoint misbehaving, against a real loopback server: the authorizer fails closed (401,
// reason jwks_unavailable) and fast, recovers by itself once the endpoint is back, follows a key
// rotation, and cannot be made to hammer the endpoint or lock out valid callers with unknown kids.

import { Harness, type Outcome, outcomeOf, tokenEvent } from "../helpers/harness";
import { accessClaims, generateTestKey, signToken } from "../../tools/issuer";
import type { JwksMode } from "../../tools/jwks-server";

type Fault = "down" | Exclude<JwksMode, "ok">;
const FAULTS: readonly Fault[] = ["down", "hang", "500", "garbage", "empty", "html"];

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function breakServer(h: Harness, fault: Fault): Promise<void> {
  if (fault === "down") await h.server.stop();
  else h.server.mode = fault;
}

async function repairServer(h: Harness, fault: Fault): Promise<void> {
  if (fault === "down") await h.server.restart();
  h.server.mode = "ok";
}

describe.each(FAULTS)("JWKS endpoint %s", (fault) => {
  it("fails closed within 3 s with reason jwks_unavailable, then recovers when the endpoint is back", async () => {
    // Not hydrated: the endpoint is faulty from the start, so the first token needs a fetch.
    const h = await Harness.start({ hydrate: false });
    try {
      await breakServer(h, fault);
      const token = signToken(h.key, accessClaims());

      const started = Date.now();
      const failed = await h.run(tokenEvent(`Bearer ${token}`));
      const elapsed = Date.now() - started;

      expect(failed.kind).toBe("unauthorized");
      expect(h.logs.decisions()).toEqual([
        expect.objectContaining({ outcome: "unauthorized", reason: "jwks_unavailable" }),
      ]);
      // The harness's fetcher deadline is 500 ms; a hang must not hold the request much longer.
      expect(elapsed).toBeLessThan(3000);
      // The fault was real: the server was asked (except when it was not listening at all).
      if (fault !== "down") expect(h.server.requests).toBeGreaterThanOrEqual(1);

      await repairServer(h, fault);
      const recovered = await h.run(tokenEvent(`Bearer ${token}`));

      expect(recovered.kind).toBe("policy");
      expect(h.logs.decisions()).toEqual([expect.objectContaining({ reason: "allowed" })]);
    } finally {
      await h.close();
    }
  });
});

describe("JWKS cool-down after a failure", () => {
  it("fails fast without asking the endpoint again during the cool-down, then fetches again", async () => {
    const h = await Harness.start({ hydrate: false, verifier: { coolDownMs: 400 } });
    try {
      h.server.mode = "500";
      const token = signToken(h.key, accessClaims());
      expect((await h.run(tokenEvent(`Bearer ${token}`))).kind).toBe("unauthorized");
      const afterFailure = h.server.requests;
      h.server.mode = "ok";

      // Within the cool-down: refused without a request, even though the endpoint is fine again.
      expect((await h.run(tokenEvent(`Bearer ${token}`))).kind).toBe("unauthorized");
      expect(h.logs.decisions()[0]).toMatchObject({ reason: "jwks_unavailable" });
      expect(h.server.requests).toBe(afterFailure);

      await sleep(450);
      expect((await h.run(tokenEvent(`Bearer ${token}`))).kind).toBe("policy");
      expect(h.server.requests).toBe(afterFailure + 1);
    } finally {
      await h.close();
    }
  });
});

describe("hydration", () => {
  it("fetches the JWKS at start, so the first request does not hit the endpoint", async () => {
    const h = await Harness.start();
    try {
      const afterHydration = h.server.requests;
      expect(afterHydration).toBeGreaterThanOrEqual(1);

      const outcome = await h.run(tokenEvent(`Bearer ${signToken(h.key, accessClaims())}`));

      expect(outcome.kind).toBe("policy");
      expect(h.server.requests).toBe(afterHydration);
    } finally {
      await h.close();
    }
  });

  it("keeps serving known keys from the cache while the endpoint is down", async () => {
    const h = await Harness.start();
    try {
      await h.server.stop();
      expect((await h.run(tokenEvent(`Bearer ${signToken(h.key, accessClaims())}`))).kind).toBe("policy");
      await h.server.restart();
    } finally {
      await h.close();
    }
  });
});

describe("key rotation", () => {
  it("refuses a token signed with a new key until the key is published and the wait period is over", async () => {
    const keyA = generateTestKey("key-a");
    const keyB = generateTestKey("key-b");
    const h = await Harness.start({ keys: [keyA], verifier: { unknownKidWaitSeconds: 1 } });
    try {
      const tokenA = signToken(keyA, accessClaims());
      const tokenB = signToken(keyB, accessClaims());

      // Before B is published: the refetch does not find kid B.
      const beforeRefetch = h.server.requests;
      expect((await h.run(tokenEvent(`Bearer ${tokenB}`))).kind).toBe("unauthorized");
      expect(h.logs.decisions()[0]).toMatchObject({ reason: "unknown_kid" });
      expect(h.server.requests).toBe(beforeRefetch + 1);

      // B published, but inside the penalty box's wait period: still refused, and no new fetch.
      h.server.keys = [keyA.jwk, keyB.jwk];
      expect((await h.run(tokenEvent(`Bearer ${tokenB}`))).kind).toBe("unauthorized");
      expect(h.logs.decisions()[0]).toMatchObject({ reason: "unknown_kid" });
      expect(h.server.requests).toBe(beforeRefetch + 1);
      expect((await h.run(tokenEvent(`Bearer ${tokenA}`))).kind).toBe("policy");

      // Past the wait period: one fetch finds B.
      await sleep(1100);
      expect((await h.run(tokenEvent(`Bearer ${tokenB}`))).kind).toBe("policy");
      expect(h.server.requests).toBe(beforeRefetch + 2);
      expect((await h.run(tokenEvent(`Bearer ${tokenA}`))).kind).toBe("policy");
    } finally {
      await h.close();
    }
  });
});

describe("key withdrawal", () => {
  it("stops trusting a key removed from the JWKS once the JWKS is older than its max age", async () => {
    const keyA = generateTestKey("key-a");
    const keyB = generateTestKey("key-b");
    const h = await Harness.start({
      keys: [keyA, keyB],
      verifier: { jwksMaxAgeSeconds: 1 },
      verifiedTokenCacheSize: 0, // the in-process cache has its own bound (300 s), tested elsewhere
    });
    try {
      expect((await h.run(tokenEvent(`Bearer ${signToken(keyA, accessClaims())}`))).kind).toBe("policy");

      // Key A is withdrawn (say, leaked). Until the JWKS is stale, the function still trusts it.
      h.server.keys = [keyB.jwk];
      expect((await h.run(tokenEvent(`Bearer ${signToken(keyA, accessClaims())}`))).kind).toBe("policy");

      // Stale: the next request starts a background refresh and is answered with the keys in hand.
      await sleep(1100);
      const before = h.server.requests;
      await h.run(tokenEvent(`Bearer ${signToken(keyB, accessClaims())}`));
      await sleep(200);
      expect(h.server.requests).toBe(before + 1);

      // From then on, key A is unknown: refused; key B still works.
      expect((await h.run(tokenEvent(`Bearer ${signToken(keyA, accessClaims())}`))).kind).toBe(
        "unauthorized",
      );
      expect(h.logs.decisions()[0]).toMatchObject({ reason: "unknown_kid" });
      expect((await h.run(tokenEvent(`Bearer ${signToken(keyB, accessClaims())}`))).kind).toBe("policy");
    } finally {
      await h.close();
    }
  });
});

describe("unknown-kid flood", () => {
  it("does not lock out a valid token and costs at most a couple of JWKS fetches", async () => {
    const h = await Harness.start();
    const attacker = generateTestKey();
    try {
      const before = h.server.requests;
      const flood = (n: number): string[] =>
        Array.from({ length: n }, (_, i) =>
          signToken(attacker, accessClaims(), { kid: `unknown-${i}-${Math.random().toString(36).slice(2)}` }),
        );
      const valid = (): string => signToken(h.key, accessClaims());

      // 100 concurrent unknown kids, with valid tokens (each distinct: no verified-token cache hit) in between.
      h.logs.start();
      let concurrent: Outcome[];
      let validDuring: Outcome[];
      try {
        const events = flood(100).map((t) => tokenEvent(`Bearer ${t}`));
        const validEvents = Array.from({ length: 10 }, () => tokenEvent(`Bearer ${valid()}`));
        const all = await Promise.all(
          [...events.slice(0, 50), ...validEvents, ...events.slice(50)].map((e) => outcomeOf(h.handler(e))),
        );
        validDuring = all.slice(50, 60);
        concurrent = [...all.slice(0, 50), ...all.slice(60)];
      } finally {
        h.logs.stop();
      }
      expect(concurrent.every((o) => o.kind === "unauthorized")).toBe(true);
      expect(validDuring.every((o) => o.kind === "policy")).toBe(true);

      // 100 more, one after the other, each followed by a valid token.
      for (const t of flood(100)) {
        expect((await h.run(tokenEvent(`Bearer ${t}`))).kind).toBe("unauthorized");
        expect((await h.run(tokenEvent(`Bearer ${valid()}`))).kind).toBe("policy");
      }

      // Right after the flood.
      expect((await h.run(tokenEvent(`Bearer ${valid()}`))).kind).toBe("policy");
      expect(h.server.requests - before).toBeGreaterThanOrEqual(1);
      expect(h.server.requests - before).toBeLessThanOrEqual(2);
    } finally {
      await h.close();
    }
  });
});
