// The sample HTTP API end to end: the same routes and rules as the REST API (infra/routes.ts),
// behind CognitoJwtHttpAuthorizer with payload 2.0 simple responses and the identity source
// ["$request.header.Authorization", "$context.routeKey"]. Real users of the emulator, real sign-in,
// real HTTP calls: locally, the synthesized app behind the local HTTP API; with
// E2E_OUTPUTS=cdk-outputs.json, the deployed stack (tests that count invocations need the local one).
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html

import { randomUUID } from "node:crypto";
import jwt from "jsonwebtoken";
import { clientCredentialsToken } from "../../scripts/lib/client-token";
import { createUser as createPoolUser, signIn as signInUser } from "../helpers/e2e-users";
import { bearer, call, type E2eTarget, isLocal, startTarget } from "../helpers/local-stack";

const itLocal = isLocal ? it : it.skip;
const PASSWORD = `E2e-${randomUUID()}-Aa1!`;

describe("sample HTTP API end to end", () => {
  let target: E2eTarget;
  let api: string;
  let userPoolId: string;
  let clientId: string;

  const createUser = (group: string | undefined) =>
    createPoolUser(target.cognito, userPoolId, group, PASSWORD);
  const signIn = async (group: string | undefined) =>
    signInUser(target.cognito, clientId, await createUser(group), PASSWORD);
  const claims = (token: string) => jwt.decode(token) as Record<string, unknown>;
  const identity = (body: unknown) => (body as { identity: Record<string, unknown> }).identity;
  const invocations = () => {
    const gateway = target.local?.httpGateway;
    if (gateway === undefined) throw new Error("the local stack serves no HTTP API");
    return gateway.stats.authorizerInvocations;
  };

  beforeAll(async () => {
    target = await startTarget();
    const url = target.outputs["HttpApiUrl"];
    if (url === undefined) {
      throw new Error(
        "the stack has no HttpApiUrl output: synthesize the sample with its HTTP API (httpApi=true)",
      );
    }
    api = url.endsWith("/") ? url : `${url}/`;
    userPoolId = target.outputs["UserPoolId"] as string;
    clientId = target.outputs["UserPoolClientId"] as string;
  }, 300_000);

  afterAll(async () => {
    await target?.stop();
  }, 60_000);

  it("serves the public GET /health without a token", async () => {
    expect((await call(`${api}health`)).status).toBe(200);
  });

  describe("a signed-in reader", () => {
    let token: string;
    beforeAll(async () => {
      token = await signIn("readers");
    });

    it("gets 200 on GET /me with its identity from requestContext.authorizer.lambda", async () => {
      const res = await call(`${api}me`, bearer(token));
      expect(res.status).toBe(200);
      expect(identity(res.json)).toMatchObject({
        sub: claims(token)["sub"],
        callerType: "user",
        clientId,
        tokenUse: "access",
        userPoolId,
      });
      expect(String(identity(res.json)["groups"])).toContain("readers");
    });

    it("gets 200 on the routes readers may call, 403 on the admins' routes", async () => {
      expect((await call(`${api}items`, bearer(token))).status).toBe(200);
      expect((await call(`${api}items/1`, bearer(token))).status).toBe(200);
      expect((await call(`${api}admin/stats`, bearer(token))).status).toBe(403);
      expect((await call(`${api}items/1`, { ...bearer(token), method: "DELETE" })).status).toBe(403);
      expect((await call(`${api}items`, { ...bearer(token), method: "POST", body: "{}" })).status).toBe(403);
    });
  });

  it("lets an admin call the admin routes and delete items", async () => {
    const token = await signIn("admins");
    expect((await call(`${api}admin/stats`, bearer(token))).status).toBe(200);
    expect((await call(`${api}admin/reports/7`, { ...bearer(token), method: "POST" })).status).toBe(200);
    const created = await call(`${api}items`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ name: "from the HTTP API" }),
    });
    expect(created.status).toBe(201);
    const id = (created.json as { id: string }).id;
    expect((await call(`${api}items/${id}`, { ...bearer(token), method: "DELETE" })).status).toBe(204);
  });

  describe("401", () => {
    it("without a token, or with an empty Authorization header", async () => {
      expect((await call(`${api}me`)).status).toBe(401);
      expect((await call(`${api}me`, { headers: { Authorization: "" } })).status).toBe(401);
    });

    itLocal("without a token, without invoking the authorizer (the identity source is missing)", async () => {
      const before = invocations();
      expect((await call(`${api}items`)).status).toBe(401);
      expect((await call(`${api}admin/stats`, { headers: { Authorization: "" } })).status).toBe(401);
      expect(invocations()).toBe(before);
    });

    it("with garbage, and with a REST-style scheme-less token", async () => {
      expect((await call(`${api}me`, bearer("garbage"))).status).toBe(401);
      expect((await call(`${api}me`, { headers: { Authorization: "garbage" } })).status).toBe(401);
    });

    it("with an ID token where the API takes access tokens", async () => {
      const username = await createUser("readers");
      const { InitiateAuthCommand } = await import("@aws-sdk/client-cognito-identity-provider");
      const result = await target.cognito.send(
        new InitiateAuthCommand({
          ClientId: clientId,
          AuthFlow: "USER_PASSWORD_AUTH",
          AuthParameters: { USERNAME: username, PASSWORD },
        }),
      );
      const idToken = result.AuthenticationResult?.IdToken as string;
      expect(claims(idToken)["token_use"]).toBe("id");
      expect((await call(`${api}me`, bearer(idToken))).status).toBe(401);
    });
  });

  itLocal(
    "caches one answer per token and route: a cached 200 on one route never answers another route",
    async () => {
      // Arrange: a reader, whose answers differ per route
      const token = await signIn("readers");
      const before = invocations();
      // Act: the same routes again and again, an allowed one first
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        statuses.push((await call(`${api}items`, bearer(token))).status);
        statuses.push((await call(`${api}items/${i}`, { ...bearer(token), method: "DELETE" })).status);
        statuses.push((await call(`${api}admin/stats`, bearer(token))).status);
        statuses.push((await call(`${api}items/2`, bearer(token))).status);
      }
      // Assert: every answer is the rule's for its own route, and the authorizer ran once per route
      // key (GET /items, DELETE /items/{id}, ANY /admin/{proxy+}, GET /items/{id}), not per request.
      expect(statuses).toEqual([200, 403, 403, 200, 200, 403, 403, 200, 200, 403, 403, 200]);
      expect(invocations() - before).toBe(4);
    },
  );

  itLocal(
    "answers an unrouted path 404 without the authorizer, and one route key's paths from one cached answer",
    async () => {
      // Arrange: an admin token on an unknown path first (the sample has no $default route)
      const token = await signIn("admins");
      const before = invocations();
      // Act
      const notFound = await call(`${api}no-such-route`, bearer(token));
      const stats = await call(`${api}admin/stats`, bearer(token));
      const again = await call(`${api}admin/other`, bearer(token));
      // Assert: one route key, one invocation, both allowed
      expect(notFound.status).toBe(404);
      expect([stats.status, again.status]).toEqual([200, 200]);
      expect(invocations() - before).toBe(1);
    },
  );

  describe("a machine client (client_credentials)", () => {
    const machine = (scope: string) =>
      clientCredentialsToken({ stackName: "sample", values: target.outputs }, { scope });

    it("reads items by scope (200), is refused writing without items/write (403), and /me names it a client", async () => {
      const reader = await machine("items/read");
      expect((await call(`${api}items`, bearer(reader))).status).toBe(200);
      expect((await call(`${api}items`, { ...bearer(reader), method: "POST", body: "{}" })).status).toBe(403);
      const me = await call(`${api}me`, bearer(reader));
      expect(me.status).toBe(200);
      expect(identity(me.json)).toMatchObject({
        callerType: "client",
        clientId: target.outputs["MachineClientId"],
        scope: "items/read",
      });
    });
  });
});
