// HTTP API Lambda-authorizer events through the real authorizer (real RS256 tokens, the loopback
// JWKS): payload 2.0 with simple and IAM-policy responses, payload 1.0, and the refusals. What API
// Gateway makes of each answer (isAuthorized false: 403; a throw of "Unauthorized": 401):
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html

import { readFileSync } from "node:fs";
import path from "node:path";
import { evaluatePolicy, methodArnFor } from "../helpers/iam-evaluator";
import {
  Harness,
  HTTP_API_PREFIX,
  httpApi1Event,
  httpApiEvent,
  requestEvent,
  tokenEvent,
} from "../helpers/harness";
import { SAMPLE_CALLERS } from "../../scripts/lib/sample-callers";
import { loadConfig } from "../../lambda/authorizer/config";
import { accessClaims, signToken, TEST_CLIENT_ID, TEST_USER_POOL_ID } from "../../tools/issuer";

const SAMPLE_RULES = readFileSync(path.resolve(__dirname, "../../events/route-rules.json"), "utf8");

/** The sample rules' routes, with a concrete request for each, and who may call it. */
const SAMPLE_ROUTES = [
  { routeKey: "GET /me", method: "GET", path: "/me", callers: ["reader", "editor", "admin", "nobody"] },
  { routeKey: "GET /items", method: "GET", path: "/items", callers: ["reader", "editor", "admin"] },
  { routeKey: "GET /items/{id}", method: "GET", path: "/items/42", callers: ["reader", "editor", "admin"] },
  { routeKey: "POST /items", method: "POST", path: "/items", callers: ["editor", "admin"] },
  { routeKey: "DELETE /items/{id}", method: "DELETE", path: "/items/42", callers: ["admin"] },
  { routeKey: "ANY /admin/{proxy+}", method: "PUT", path: "/admin/users/7", callers: ["admin"] },
] as const;
const CALLERS = ["reader", "editor", "admin", "nobody"] as const;

function bearer(h: Harness, caller: string): string {
  return `Bearer ${signToken(h.key, accessClaims(SAMPLE_CALLERS[caller]))}`;
}

describe("HTTP API payload 2.0, simple responses, $context.routeKey in the identity source", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start({
      env: {
        EVENT_FORMAT: "http-2.0-simple",
        ROUTE_KEY_IN_IDENTITY_SOURCE: "true",
        ROUTE_RULES: JSON.stringify([
          ...(JSON.parse(SAMPLE_RULES) as unknown[]),
          { route: "$default", groups: ["admins"] },
        ]),
      },
    });
  });
  afterAll(() => h.close());

  it.each(
    CALLERS.flatMap((caller) =>
      [...SAMPLE_ROUTES, { routeKey: "$default", method: "GET", path: "/x", callers: ["admin"] }].map(
        (r) => [caller, r.routeKey, r] as const,
      ),
    ),
  )("%s on %s: isAuthorized exactly as the rules say (false is a 403)", async (caller, _key, r) => {
    const event = httpApiEvent(bearer(h, caller), r.routeKey, r.method, r.path, {
      routeKeyInIdentitySource: true,
    });

    const outcome = await h.run(event);

    if (outcome.kind !== "simple") throw new Error(`expected a simple response, got ${outcome.kind}`);
    const allowed = (r.callers as readonly string[]).includes(caller);
    expect(outcome.result.isAuthorized).toBe(allowed);
    expect(h.logs.decisions()).toEqual([
      expect.objectContaining({
        outcome: allowed ? "allow" : "deny",
        reason: allowed ? "allowed" : "forbidden_route",
        route: r.routeKey,
      }),
    ]);
  });

  it("passes the caller's identity as string-only context (requestContext.authorizer.lambda)", async () => {
    const event = httpApiEvent(bearer(h, "editor"), "POST /items", "POST", "/items", {
      routeKeyInIdentitySource: true,
    });

    const outcome = await h.run(event);

    if (outcome.kind !== "simple") throw new Error(`expected a simple response, got ${outcome.kind}`);
    expect(outcome.result).toEqual({
      isAuthorized: true,
      context: expect.objectContaining({ sub: SAMPLE_CALLERS.editor?.sub, groups: "editors" }) as unknown,
    });
    expect(Object.keys(outcome.result)).toEqual(["isAuthorized", "context"]);
    for (const value of Object.values(outcome.result.context)) expect(typeof value).toBe("string");
  });

  it("answers false (403) for a route key no rule names, with reason unknown_route", async () => {
    const event = httpApiEvent(bearer(h, "admin"), "PATCH /items/{id}", "PATCH", "/items/1", {
      routeKeyInIdentitySource: true,
    });

    const outcome = await h.run(event);

    expect(outcome).toEqual({ kind: "simple", result: expect.objectContaining({ isAuthorized: false }) });
    expect(h.logs.decisions()).toEqual([expect.objectContaining({ reason: "unknown_route" })]);
  });

  it("refuses (401) an event whose identity source lacks the route key: the cache would not be per route", async () => {
    const event = httpApiEvent(bearer(h, "admin"), "GET /items", "GET", "/items");

    const outcome = await h.run(event);

    expect(outcome.kind).toBe("unauthorized");
    expect(h.logs.decisions()).toEqual([
      expect.objectContaining({ outcome: "unauthorized", reason: "route_key_not_in_identity_source" }),
    ]);
  });

  it.each<[string, (authorization: string) => unknown[]]>([
    // API Gateway caches the answer under these values: without the token, one caller's answer
    // would serve every request to the route, with any token or none.
    ["the route key alone", () => ["GET /items"]],
    ["a header the caller chooses, set to the route key", () => ["junk", "GET /items"]],
    [
      "another caller's token",
      () => [`Bearer ${signToken(h.key, accessClaims({ sub: "someone-else" }))}`, "GET /items"],
    ],
  ])("refuses (401) an identity source without the verified token: %s", async (_name, values) => {
    const authorization = bearer(h, "admin");
    const event = {
      ...httpApiEvent(authorization, "GET /items", "GET", "/items"),
      identitySource: values(authorization),
    };

    const outcome = await h.run(event);

    expect(outcome.kind).toBe("unauthorized");
    expect(h.logs.decisions()).toEqual([
      expect.objectContaining({ outcome: "unauthorized", reason: "token_not_in_identity_source" }),
    ]);
  });

  it.each([
    ["a REST TOKEN event", () => tokenEvent("Bearer x"), "wrong_event_format"],
    ["a REST REQUEST event", () => requestEvent({ Authorization: "Bearer x" }), "wrong_event_format"],
    ["a payload 1.0 event", () => httpApi1Event("Bearer x", "GET", "/items"), "wrong_event_format"],
    [
      "version 2.0 of another type",
      () => ({ ...httpApiEvent("Bearer x", "GET /items", "GET", "/items"), type: "TOKEN" }),
      "wrong_event_format",
    ],
    [
      "no routeArn",
      () => ({ ...httpApiEvent("Bearer x", "GET /items", "GET", "/items"), routeArn: undefined }),
      "malformed_method_arn",
    ],
    [
      "a routeArn with a glob in it",
      () => ({
        ...httpApiEvent("Bearer x", "GET /items", "GET", "/items"),
        routeArn: `${HTTP_API_PREFIX.replace("abcdef1234", "*")}GET/items`,
      }),
      "malformed_method_arn",
    ],
    [
      "a route key that is not a string",
      () => ({ ...httpApiEvent("Bearer x", "GET /items", "GET", "/items"), routeKey: ["GET /items"] }),
      "malformed_event",
    ],
    [
      "a route key for another method than the request's",
      () =>
        httpApiEvent("Bearer x", "DELETE /items/{id}", "GET", "/items/1", { routeKeyInIdentitySource: true }),
      "malformed_event",
    ],
  ])("refuses %s with a 401 (reason %s), never a 500", async (_name, event, reason) => {
    const outcome = await h.run(event());

    expect(outcome.kind).toBe("unauthorized");
    expect(h.logs.decisions()).toEqual([expect.objectContaining({ outcome: "unauthorized", reason })]);
  });

  it("refuses a missing, empty or malformed Authorization header with 401, and never logs the token", async () => {
    const token = signToken(h.key, accessClaims());
    const cases = [undefined, "", `Basic ${token}`, `Bearer ${token},Bearer ${token}`, `Bearer\t${token}`];
    for (const authorization of cases) {
      const outcome = await h.run(
        httpApiEvent(authorization, "GET /me", "GET", "/me", { routeKeyInIdentitySource: true }),
      );
      expect({ authorization, kind: outcome.kind }).toEqual({ authorization, kind: "unauthorized" });
      expect(h.logs.text).not.toContain(token.split(".")[2]);
    }
  });
});

describe("HTTP API payload 2.0, simple responses, the identity source without the route key", () => {
  it("is refused at cold start when the rules differ per route, naming the fix", () => {
    const env = {
      USER_POOL_ID: TEST_USER_POOL_ID,
      CLIENT_ID: TEST_CLIENT_ID,
      EVENT_FORMAT: "http-2.0-simple",
      ROUTE_RULES: SAMPLE_RULES,
    };

    expect(() => loadConfig(env)).toThrow(
      /ROUTE_RULES: the rules differ per route.*\$context\.routeKey.*ROUTE_KEY_IN_IDENTITY_SOURCE=true/,
    );
  });

  it("serves one answer for every route when every rule is alike and the list is complete", async () => {
    const h = await Harness.start({
      env: {
        EVENT_FORMAT: "http-2.0-simple",
        ROUTE_RULES_COMPLETE: "true",
        ROUTE_RULES: JSON.stringify([
          { route: "GET /items", scopes: ["items/read"] },
          { route: "GET /items/{id}", scopes: ["items/read"] },
        ]),
      },
    });
    try {
      const reader = await h.run(httpApiEvent(bearer(h, "reader"), "GET /items", "GET", "/items"));
      const nobody = await h.run(httpApiEvent(bearer(h, "nobody"), "GET /items/{id}", "GET", "/items/1"));

      expect(reader).toEqual({ kind: "simple", result: expect.objectContaining({ isAuthorized: true }) });
      expect(nobody).toEqual({ kind: "simple", result: expect.objectContaining({ isAuthorized: false }) });
    } finally {
      await h.close();
    }
  });
});

describe("HTTP API payload 2.0, IAM-policy responses (the sample rules, declared complete)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start({
      env: { EVENT_FORMAT: "http-2.0-iam", ROUTE_RULES: SAMPLE_RULES, ROUTE_RULES_COMPLETE: "true" },
    });
  });
  afterAll(() => h.close());

  it("refuses (401) an identity source without the token (one caller's policy would serve others), and allows with caching off (no identity source)", async () => {
    const authorization = bearer(h, "admin");
    const keyedElsewhere = {
      ...httpApiEvent(authorization, "GET /items", "GET", "/items"),
      identitySource: ["x"],
    };
    expect((await h.run(keyedElsewhere)).kind).toBe("unauthorized");
    expect(h.logs.decisions()).toEqual([expect.objectContaining({ reason: "token_not_in_identity_source" })]);
    const uncached = { ...httpApiEvent(authorization, "GET /items", "GET", "/items"), identitySource: [] };
    expect((await h.run(uncached)).kind).toBe("policy");
    // What a deployed HTTP API sends for an authorizer without identity sources (caching off).
    const noSources = { ...httpApiEvent(authorization, "GET /items", "GET", "/items"), identitySource: null };
    expect((await h.run(noSources)).kind).toBe("policy");
    const notAList = { ...httpApiEvent(authorization, "GET /items", "GET", "/items"), identitySource: "x" };
    expect((await h.run(notAList)).kind).toBe("unauthorized");
  });

  it.each(
    CALLERS.flatMap((caller) => SAMPLE_ROUTES.map((first) => [caller, first.routeKey, first] as const)),
  )(
    "%s's policy from %s, cached and applied to every route, decides each one as the rules do",
    async (caller, _key, first) => {
      const event = httpApiEvent(bearer(h, caller), first.routeKey, first.method, first.path);

      const outcome = await h.run(event);

      if (outcome.kind !== "policy") throw new Error(`expected a policy, got ${outcome.kind}`);
      for (const later of SAMPLE_ROUTES) {
        const arn = methodArnFor(HTTP_API_PREFIX, later.method, later.path);
        const expected = (later.callers as readonly string[]).includes(caller) ? "Allow" : "Deny";
        expect({ arn, decision: evaluatePolicy(outcome.result.policyDocument, arn).decision }).toEqual({
          arn,
          decision: expected,
        });
      }
    },
  );

  it("denies everything when API Gateway's route and the rules' route for the request disagree", async () => {
    // The event says GET /me was chosen for a request the rules resolve to GET /items.
    const event = httpApiEvent(bearer(h, "admin"), "GET /me", "GET", "/items");

    const outcome = await h.run(event);

    if (outcome.kind !== "policy") throw new Error(`expected a policy, got ${outcome.kind}`);
    expect(outcome.result.policyDocument.Statement).toEqual([
      expect.objectContaining({ Effect: "Deny", Resource: [`${HTTP_API_PREFIX}*/*`] }),
    ]);
    expect(h.logs.decisions()).toEqual([
      expect.objectContaining({ outcome: "deny", reason: "route_mismatch" }),
    ]);
  });
});

describe("HTTP API payload 1.0 (IAM-policy responses)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start({
      env: { EVENT_FORMAT: "http-1.0", ROUTE_RULES: SAMPLE_RULES, ROUTE_RULES_COMPLETE: "true" },
    });
  });
  afterAll(() => h.close());

  it("answers with a policy over the methodArn, $default stage included", async () => {
    const outcome = await h.run(httpApi1Event(bearer(h, "reader"), "GET", "/items/42"));

    if (outcome.kind !== "policy") throw new Error(`expected a policy, got ${outcome.kind}`);
    const allowed = (method: string, p: string) =>
      evaluatePolicy(outcome.result.policyDocument, methodArnFor(HTTP_API_PREFIX, method, p)).decision;
    expect([allowed("GET", "/items/42"), allowed("GET", "/me"), allowed("POST", "/items")]).toEqual([
      "Allow",
      "Allow",
      "Deny",
    ]);
  });

  it("refuses a payload 2.0 event (401 wrong_event_format)", async () => {
    const outcome = await h.run(httpApiEvent(bearer(h, "reader"), "GET /items", "GET", "/items"));

    expect(outcome.kind).toBe("unauthorized");
    expect(h.logs.decisions()).toEqual([expect.objectContaining({ reason: "wrong_event_format" })]);
  });
});
