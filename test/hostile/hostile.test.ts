// Hostile inputs through the real authorizer: every case must end in exactly `Error("Unauthorized")`
// (API Gateway: 401), with the expected reason in the decision log, and never in a policy or a 500.

import { type Reason, REASONS } from "../../lambda/authorizer/errors";
import { API_PREFIX, Harness, HTTP_API_PREFIX, tokenEvent } from "../helpers/harness";
import { accessClaims, generateTestKey, nowSeconds, signToken } from "../../tools/issuer";
import { JwksServer } from "../../tools/jwks-server";
import { HOSTILE_CASES, type HostileContext } from "./cases";

describe("hostile inputs", () => {
  let h: Harness;
  let attackerServer: JwksServer;
  let ctx: HostileContext;

  beforeAll(async () => {
    const attacker = generateTestKey("attacker-key");
    h = await Harness.start();
    // The attacker's own JWKS, on a second loopback server: jku / x5u point here.
    attackerServer = await JwksServer.start([attacker.jwk]);
    ctx = { key: h.key, attacker, attackerUrl: attackerServer.url };
  });
  afterAll(async () => {
    await h.close();
    await attackerServer.stop();
  });

  it("has a table large enough to mean something, with unique names and known reasons", () => {
    expect(HOSTILE_CASES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(HOSTILE_CASES.map((c) => c.name)).size).toBe(HOSTILE_CASES.length);
    for (const c of HOSTILE_CASES) expect(REASONS).toContain(c.reason);
  });

  it.each(HOSTILE_CASES.map((c) => [c.name, c] as const))("%s → 401", async (_name, c) => {
    const outcome = await h.run(c.event(ctx));

    // Anything but Error("Unauthorized") is a 500 at API Gateway; a policy would let the caller in.
    if (outcome.kind === "other-error") throw outcome.error;
    expect(outcome.kind).toBe("unauthorized");
    expect(h.logs.decisions()).toEqual([
      expect.objectContaining({
        outcome: "unauthorized",
        reason: c.reason,
        level: "WARN",
      }),
    ]);
  });

  it("never fetched anything from the jku / x5u server, while the pool's JWKS was fetched", () => {
    // Runs after the table: the jku / x5u cases have been sent. Unknown kids did make the
    // authorizer refetch its own JWKS, so a fetch happened, just never from the token's URLs.
    expect(attackerServer.requests).toBe(0);
    expect(h.server.requests).toBeGreaterThanOrEqual(2);
  });

  describe("non-canonical base64url", () => {
    // aws-jwt-verify decodes the signature with Node's lenient base64 decoder, which ignores the
    // unused low bits of the last character (RFC 4648 §3.5). A 256-byte RS256 signature is 342
    // characters: the last one carries 2 bits, so 16 different strings are the same signature, and
    // each one is a distinct "token" accepted as valid (a new key for API Gateway's cache and ours,
    // and a way around any exact-string denylist or log correlation).
    it("a signature whose last character has non-canonical trailing bits → 401", async () => {
      const token = signToken(h.key, accessClaims());
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
      const last = alphabet.indexOf(token.at(-1) as string);
      const variant = token.slice(0, -1) + (alphabet[last ^ 1] as string);
      // The variant is another string that decodes to the very same signature bytes.
      expect(variant).not.toBe(token);
      expect(Buffer.from(variant.split(".")[2] as string, "base64url")).toEqual(
        Buffer.from(token.split(".")[2] as string, "base64url"),
      );

      const outcome = await h.run(tokenEvent(`Bearer ${variant}`));

      expect(outcome.kind).toBe("unauthorized");
      expect(h.logs.decisions()).toEqual([expect.objectContaining({ reason: "malformed_token" })]);
    });
  });

  it("tells a valid token and an iat within the 60 s skew apart from the hostile ones (policy)", async () => {
    for (const claims of [accessClaims(), accessClaims({ iat: nowSeconds() + 30 })]) {
      const outcome = await h.run(tokenEvent(`Bearer ${signToken(h.key, claims)}`));
      expect(outcome.kind).toBe("policy");
    }
  });
});

// The same table as HTTP API payload 2.0 events (simple responses, the route key in the identity
// source): the Authorization value of each REST case becomes the event's `authorization` header
// (header names arrive lowercased; REQUEST cases keep their headers as they are, however hostile),
// so every token-level case must end in the same reason. Cases about the event's own shape (its
// type, its ARN, not an object) end in one of the shape reasons: a 401 either way, never a 500.
const SHAPE_REASONS: readonly Reason[] = [
  "malformed_event",
  "malformed_method_arn",
  "wrong_event_format",
  "missing_token",
];

function asHttpApiEvent(event: unknown): unknown {
  if (typeof event !== "object" || event === null || Array.isArray(event)) return event;
  const e = event as Record<string, unknown>;
  const { methodArn, authorizationToken, type, ...rest } = e;
  const arn = typeof methodArn === "string" ? methodArn.replace(`${API_PREFIX}`, HTTP_API_PREFIX) : methodArn;
  const [, method = "GET", path = "/"] =
    /\/(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)(\/.*)$/.exec(
      typeof methodArn === "string" ? methodArn : "",
    ) ?? [];
  const routeKey = `${method} ${path}`;
  const headers = type === "TOKEN" ? { authorization: authorizationToken } : rest.headers;
  return {
    ...rest,
    version: "2.0",
    type: type === "TOKEN" ? "REQUEST" : type,
    routeArn: arn,
    routeKey,
    // As API Gateway sends it for the identity source $request.header.Authorization, $context.routeKey.
    identitySource: [...authorizationValues(headers), routeKey],
    headers,
  };
}

/** The Authorization values among `headers` (any casing), as the identity source would carry them. */
function authorizationValues(headers: unknown): string[] {
  if (typeof headers !== "object" || headers === null) return [];
  return Object.entries(headers as Record<string, unknown>)
    .filter(([name, value]) => name.toLowerCase() === "authorization" && typeof value === "string")
    .map(([, value]) => value as string);
}

describe("hostile inputs as HTTP API payload 2.0 events", () => {
  let h: Harness;
  let attackerServer: JwksServer;
  let ctx: HostileContext;

  beforeAll(async () => {
    const attacker = generateTestKey("attacker-key");
    h = await Harness.start({
      env: { EVENT_FORMAT: "http-2.0-simple", ROUTE_KEY_IN_IDENTITY_SOURCE: "true" },
    });
    attackerServer = await JwksServer.start([attacker.jwk]);
    ctx = { key: h.key, attacker, attackerUrl: attackerServer.url };
  });
  afterAll(async () => {
    await h.close();
    await attackerServer.stop();
  });

  it.each(HOSTILE_CASES.map((c) => [c.name, c] as const))("%s → 401", async (_name, c) => {
    const outcome = await h.run(asHttpApiEvent(c.event(ctx)));

    if (outcome.kind === "other-error") throw outcome.error;
    expect(outcome.kind).toBe("unauthorized");
    const [decision] = h.logs.decisions();
    expect(decision).toMatchObject({ outcome: "unauthorized", level: "WARN" });
    if (SHAPE_REASONS.includes(c.reason)) expect(SHAPE_REASONS).toContain(decision?.reason);
    else expect(decision?.reason).toBe(c.reason);
  });

  it("never fetched anything from the jku / x5u server", () => {
    expect(attackerServer.requests).toBe(0);
  });

  it("tells a valid token apart from the hostile ones (isAuthorized true)", async () => {
    const event = asHttpApiEvent(tokenEvent(`Bearer ${signToken(h.key, accessClaims())}`));

    const outcome = await h.run(event);

    expect(outcome).toEqual({ kind: "simple", result: expect.objectContaining({ isAuthorized: true }) });
  });
});
