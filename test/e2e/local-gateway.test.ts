// The local API Gateway's semantics, against a fixture cloud assembly (fixtures/assembly) whose
// authorizer picks its outcome from the token. Each test is one API Gateway behaviour a user of
// `npm start` relies on; they hold for any authorizer, so they do not need the real one.
// Local only: there is no deployed equivalent of the fixture.

import net from "node:net";
import path from "node:path";
import { LocalGateway } from "../../infra/local/apigateway/gateway";
import { PortInUseError } from "../../infra/local/ports";
import { call, type E2eTarget, isLocal, startTarget } from "../helpers/local-stack";

const FIXTURE = path.join(__dirname, "fixtures", "assembly");
const describeLocal = isLocal ? describe : describe.skip;

describeLocal("local API Gateway (fixture stack)", () => {
  let target: E2eTarget;
  let api: string;
  const stats = () => target.local!.gateway.stats;
  // Unique tokens per test: the authorizer cache is shared by the whole suite, as on API Gateway.
  let n = 0;
  const unique = (prefix: string) => `${prefix}-${++n}-${Date.now()}`;
  const withToken = (token: string, init: RequestInit = {}): RequestInit => ({
    ...init,
    headers: { Authorization: `Bearer ${token}` },
  });

  beforeAll(async () => {
    target = await startTarget({ cdkOutDirectory: FIXTURE, synth: false });
    api = target.outputs["ApiUrl"] as string;
  }, 120_000);

  afterAll(async () => {
    await target?.stop();
  });

  describe("identity source and validation expression", () => {
    it.each([
      ["no Authorization header", {}],
      ["an empty Authorization header", { headers: { Authorization: "" } }],
      ["a header failing the validation expression", { headers: { Authorization: "Basic dXNlcjpwYXNz" } }],
      ["a token with characters the expression refuses", { headers: { Authorization: "Bearer a b" } }],
    ])("answers 401 to %s without invoking the authorizer", async (_case, init: RequestInit) => {
      // Arrange
      const before = stats().authorizerInvocations;
      // Act
      const res = await call(`${api}items`, init);
      // Assert
      expect(res.status).toBe(401);
      expect(stats().authorizerInvocations).toBe(before);
    });

    it("renders the UNAUTHORIZED gateway response as the template defines it", async () => {
      const res = await call(`${api}items`);
      expect(res.headers.get("www-authenticate")).toBe('Bearer realm="fixture"');
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      expect(res.json).toEqual({ message: "Unauthorized", type: "UNAUTHORIZED" });
    });
  });

  describe("authorizer outcomes", () => {
    it('maps Error("Unauthorized") to 401', async () => {
      const before = stats().authorizerInvocations;
      const res = await call(`${api}items`, withToken("unauthorized"));
      expect(res.status).toBe(401);
      expect(stats().authorizerInvocations).toBe(before + 1);
    });

    it("maps an explicit Deny to 403 with the ACCESS_DENIED response of the template", async () => {
      const res = await call(`${api}items`, withToken("deny"));
      expect(res.status).toBe(403);
      expect(res.json).toEqual({
        message: "User is not authorized to access this resource with an explicit deny",
      });
      expect(res.headers.get("www-authenticate")).toBe('Bearer error="insufficient_scope"');
    });

    it("lets a Deny statement win over an Allow that also matches", async () => {
      const token = unique("allow-but-deny-admin");
      expect((await call(`${api}items/1`, withToken(token))).status).toBe(200);
      const res = await call(`${api}items/admin`, withToken(token));
      expect(res.status).toBe(403);
      expect(res.json).toEqual({
        message: "User is not authorized to access this resource with an explicit deny",
      });
    });

    it("treats a route the cached policy does not allow as an implicit deny (403), without a new invocation", async () => {
      // Arrange: a policy that allows GET /items only
      const token = unique("items-only");
      const before = stats().authorizerInvocations;
      // Act
      const first = await call(`${api}items`, withToken(token));
      const second = await call(`${api}items/42`, withToken(token));
      // Assert
      expect(first.status).toBe(200);
      expect(second.status).toBe(403);
      expect(second.json).toEqual({ message: "User is not authorized to access this resource" });
      expect(stats().authorizerInvocations).toBe(before + 1);
    });

    it.each([
      ["an error other than Unauthorized", "boom"],
      ["a response without a policy", "malformed"],
      ["a context value that is an object", "bad-context"],
    ])("answers 500 {message: null} to %s", async (_case, token) => {
      const res = await call(`${api}items`, withToken(token));
      expect(res.status).toBe(500);
      expect(res.json).toEqual({ message: null });
      expect(res.headers.get("x-amzn-errortype")).toBe("AuthorizerConfigurationException");
    });
  });

  describe("authorizer cache", () => {
    it("invokes the authorizer once per token for the TTL, across routes and methods", async () => {
      const token = unique("allow");
      const before = stats().authorizerInvocations;
      const statuses = [];
      for (const route of ["items", "items/1", "items/2", "files/a/b", "items"]) {
        statuses.push((await call(`${api}${route}`, withToken(token))).status);
      }
      statuses.push((await call(`${api}items/3`, withToken(token, { method: "POST", body: "{}" }))).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
      expect(stats().authorizerInvocations).toBe(before + 1);
    });

    it("invokes a REQUEST authorizer with TTL 0 on every request", async () => {
      const before = stats().authorizerInvocations;
      for (let i = 0; i < 3; i++) {
        const res = await call(`${api}request/${i}?tenant=t1`, { headers: { "X-Api-Key": "k1" } });
        expect(res.status).toBe(200);
      }
      expect(stats().authorizerInvocations).toBe(before + 3);
    });
  });

  describe("events", () => {
    it("sends a TOKEN event with only type, authorizationToken and a methodArn naming the concrete path", async () => {
      const token = unique("allow");
      const res = await call(`${api}items/42`, withToken(token));
      const authorizer = (res.json as { authorizer: Record<string, string> }).authorizer;
      expect(authorizer["eventKeys"]).toBe("authorizationToken,methodArn,type");
      expect(authorizer["methodArn"]).toBe(
        "arn:aws:execute-api:us-east-1:123456789012:localapi01/prod/GET/items/42",
      );
    });

    it("sends a REQUEST event with the REST request fields; a missing identity source is 401 uninvoked", async () => {
      const res = await call(`${api}request/7?tenant=t1`, { headers: { "X-Api-Key": "k2" } });
      const authorizer = (res.json as { authorizer: Record<string, string> }).authorizer;
      expect(authorizer["eventKeys"]).toBe(
        "headers,httpMethod,methodArn,multiValueHeaders,multiValueQueryStringParameters,path,pathParameters," +
          "queryStringParameters,requestContext,resource,stageVariables,type",
      );
      const before = stats().authorizerInvocations;
      expect((await call(`${api}request/7`, { headers: { "X-Api-Key": "k2" } })).status).toBe(401);
      expect(stats().authorizerInvocations).toBe(before);
    });

    it("gives the backend a proxy event with principalId and the context (stringified) in requestContext.authorizer", async () => {
      const token = unique("allow");
      const res = await call(`${api}items/42?q=1`, withToken(token, { method: "PUT", body: '{"a":1}' }));
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({
        resource: "/items/{id}",
        path: "/items/42",
        httpMethod: "PUT",
        pathParameters: { id: "42" },
        queryStringParameters: { q: "1" },
        body: '{"a":1}',
        requestContextPath: "/prod/items/42",
        stage: "prod",
        authorizer: { principalId: `user-${token}`, token, number: "42", flag: "true" },
      });
    });

    it("runs each function with its template environment resolved to local values", async () => {
      const res = await call(`${api}items`, withToken(unique("allow")));
      const body = res.json as { authorizer: Record<string, string>; greeting: string; poolArn: string };
      const { UserPoolId, UserPoolClientId, CognitoEndpoint } = target.outputs;
      expect(body.authorizer["USER_POOL_ID"]).toBe(UserPoolId);
      expect(body.authorizer["CLIENT_ID"]).toBe(UserPoolClientId);
      expect(body.authorizer["JWKS_URI"]).toBe(`${CognitoEndpoint}/${UserPoolId}/.well-known/jwks.json`);
      expect(body.greeting).toBe("hello");
      expect(body.poolArn).toBe(`arn:aws:cognito-idp:us-east-1:123456789012:userpool/${UserPoolId}`);
    });
  });

  describe("routing", () => {
    it("prefers a literal segment to {param}, and {param} to {proxy+}", async () => {
      const literal = await call(`${api}items/special`);
      expect(literal.status).toBe(200);
      expect(literal.json).toMatchObject({ resource: "/items/special" });
      const greedy = await call(`${api}files/a/b/c`, withToken(unique("allow")));
      expect(greedy.json).toMatchObject({ resource: "/files/{proxy+}", pathParameters: { proxy: "a/b/c" } });
    });

    it("routes one trailing slash to the resource without it, keeping the path and the methodArn as requested", async () => {
      // Arrange
      const token = unique("allow");
      // Act
      const items = await call(`${api}items/`, withToken(token));
      const item = await call(`${api}items/42/`, withToken(token));
      // Assert
      expect(items.status).toBe(200);
      expect(items.json).toMatchObject({
        resource: "/items",
        path: "/items/",
        requestContextPath: "/prod/items/",
        authorizer: { methodArn: "arn:aws:execute-api:us-east-1:123456789012:localapi01/prod/GET/items/" },
      });
      expect(item.json).toMatchObject({
        resource: "/items/{id}",
        path: "/items/42/",
        pathParameters: { id: "42" },
      });
    });

    it("judges the trailing-slash request by its own methodArn: an Allow of exactly GET/items does not cover it", async () => {
      const token = unique("items-only");
      expect((await call(`${api}items`, withToken(token))).status).toBe(200);
      const slashed = await call(`${api}items/`, withToken(token));
      expect(slashed.status).toBe(403);
      expect(slashed.json).toEqual({ message: "User is not authorized to access this resource" });
    });

    it("prefers an exact method to ANY (DELETE /items/{id} has no authorizer, ANY has)", async () => {
      expect((await call(`${api}items/1`, { method: "DELETE" })).status).toBe(200);
      expect((await call(`${api}items/1`, { method: "PATCH" })).status).toBe(401);
    });

    it.each([
      ["an unknown path", "nowhere", "GET"],
      ["a method the resource does not have", "items", "PUT"],
      // The resource is chosen first (route-match.ts, as the authorizer resolves it): /items/special
      // has no POST, and ANY /items/{id} is not tried instead.
      ["a method the most specific resource does not have", "items/special", "POST"],
      ["a path with two trailing slashes", "items//", "GET"],
      ["a path outside the stage", "../other/items", "GET"],
    ])("answers 403 Missing Authentication Token to %s", async (_case, route, method) => {
      const url = new URL(route, api).href;
      const res = await call(url, { method });
      expect(res.status).toBe(403);
      expect(res.json).toEqual({ message: "Missing Authentication Token" });
    });

    it("answers CORS preflight from the MOCK integration", async () => {
      const res = await call(`${api}items`, { method: "OPTIONS" });
      expect(res.status).toBe(204);
      expect(res.headers.get("access-control-allow-methods")).toBe("OPTIONS,GET");
    });

    it("answers 502 when the backend returns a malformed proxy response", async () => {
      const res = await call(`${api}broken`);
      expect(res.status).toBe(502);
      expect(res.json).toEqual({ message: "Internal server error" });
    });
  });

  it("reports a busy port as a PortInUseError, not a stack trace", async () => {
    // Arrange: a port someone else holds
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const local = target.local!;
    const gateway = new LocalGateway({
      stack: local.definition,
      runners: local.runners,
      api: { region: "us-east-1", accountId: "123456789012", apiId: "localapi01" },
      port,
    });
    try {
      // Act
      const error = await gateway.listen().then(
        () => undefined,
        (err: unknown) => err,
      );
      // Assert
      expect(error).toBeInstanceOf(PortInUseError);
      expect((error as Error).message).toContain(`port ${port} on 127.0.0.1 is already in use`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
