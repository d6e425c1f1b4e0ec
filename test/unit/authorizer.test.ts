import {
  accessClaims,
  clientCredentialsClaims,
  generateTestKey,
  idClaims,
  OTHER_CLIENT_ID,
  signToken,
  TEST_CLIENT_ID,
  TEST_USER_POOL_ID,
} from "../../tools/issuer";
import fc from "fast-check";
import { createAuthorizer, groupsContext } from "../../lambda/authorizer/authorizer";
import { API_PREFIX, Harness, methodArn, outcomeOf, requestEvent, tokenEvent } from "../helpers/harness";
import { evaluatePolicy } from "../helpers/iam-evaluator";
import { JwksServer } from "../../tools/jwks-server";

describe("authorizer without route rules", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
  });
  afterAll(() => h.close());

  it("allows a valid access token with a policy for every route of the stage, never '*'", async () => {
    const token = signToken(h.key, accessClaims());
    const outcome = await h.run(tokenEvent(`Bearer ${token}`, "GET", "/items/42"));
    expect(outcome.kind).toBe("policy");
    if (outcome.kind !== "policy") return;
    // Cache-safe: API Gateway reuses this policy for the next route this token calls.
    expect(outcome.result.policyDocument).toEqual({
      Version: "2012-10-17",
      Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: [`${API_PREFIX}*/*`] }],
    });
    expect(outcome.result.principalId).toBe("11111111-2222-3333-4444-555555555555");
  });

  it("passes the caller's identity as string-only context", async () => {
    const token = signToken(
      h.key,
      accessClaims({ "cognito:groups": ["readers", "editors"], scope: "a/b c/d" }),
    );
    const outcome = await h.run(tokenEvent(`Bearer ${token}`));
    if (outcome.kind !== "policy") throw new Error(`expected a policy, got ${outcome.kind}`);
    expect(outcome.result.context).toEqual({
      sub: "11111111-2222-3333-4444-555555555555",
      callerType: "user",
      userPoolId: TEST_USER_POOL_ID,
      username: "reader",
      clientId: TEST_CLIENT_ID,
      tokenUse: "access",
      scope: "a/b c/d",
      groups: "readers,editors",
    });
    // API Gateway answers 500 when a context value is anything but a string, number or boolean.
    for (const value of Object.values(outcome.result.context ?? {})) {
      expect(["string", "number", "boolean"]).toContain(typeof value);
    }
  });

  it("encodes group names so that a backend can split them exactly, commas included", async () => {
    // Cognito group names may contain `,` and `%`: a plain comma join would be ambiguous.
    const groups = ["readers", "a,b", "50%", "x%2Cy", "ünï"];
    const token = signToken(h.key, accessClaims({ "cognito:groups": groups }));
    const outcome = await h.run(tokenEvent(`Bearer ${token}`));
    if (outcome.kind !== "policy") throw new Error(`expected a policy, got ${outcome.kind}`);
    const context = outcome.result.context as { groups: string };
    expect(context.groups).toBe("readers,a%2Cb,50%25,x%252Cy,ünï");
    expect(context.groups.split(",").map(decodeURIComponent)).toEqual(groups);
  });

  it("gives empty strings, not undefined, for a caller without groups or scopes", async () => {
    const claims = accessClaims();
    delete claims["cognito:groups"];
    delete claims.scope;
    const outcome = await h.run(tokenEvent(`Bearer ${signToken(h.key, claims)}`));
    if (outcome.kind !== "policy") throw new Error(`expected a policy, got ${outcome.kind}`);
    expect(outcome.result.context).toMatchObject({ groups: "", scope: "" });
  });

  it("accepts a REQUEST event with a lowercase header", async () => {
    const token = signToken(h.key, accessClaims());
    const outcome = await h.run(requestEvent({ authorization: `Bearer ${token}` }));
    expect(outcome.kind).toBe("policy");
  });

  it("answers exactly Error('Unauthorized') for an invalid token, and logs why", async () => {
    const claims = accessClaims({ client_id: OTHER_CLIENT_ID });
    const outcome = await h.run(tokenEvent(`Bearer ${signToken(h.key, claims)}`));
    expect(outcome.kind).toBe("unauthorized");
    expect(h.logs.decisions()).toEqual([
      expect.objectContaining({ outcome: "unauthorized", reason: "wrong_client", level: "WARN" }),
    ]);
  });

  it("refuses an ID token where access tokens are configured", async () => {
    const outcome = await h.run(tokenEvent(`Bearer ${signToken(h.key, idClaims())}`));
    expect(outcome.kind).toBe("unauthorized");
    expect(h.logs.decisions()[0]).toMatchObject({ reason: "wrong_token_use" });
  });

  it("refuses a malformed methodArn rather than emitting a broad policy", async () => {
    const token = signToken(h.key, accessClaims());
    for (const arn of [
      "*",
      "arn:aws:execute-api:us-east-1:123456789012:*/prod/GET/items",
      "arn:aws:execute-api:us-east-1:*:abcdef1234/prod/GET/items",
      "arn:aws:lambda:us-east-1:123456789012:function:x",
      `${API_PREFIX}GET`,
      `${API_PREFIX}FETCH/items`,
      42,
    ]) {
      const outcome = await h.run({ type: "TOKEN", authorizationToken: `Bearer ${token}`, methodArn: arn });
      expect(outcome.kind).toBe("unauthorized");
    }
  });

  it("logs one decision line per request with outcome, reason, principal and route", async () => {
    const token = signToken(h.key, accessClaims());
    await h.run(tokenEvent(`Bearer ${token}`, "DELETE", "/items/7"));
    expect(h.logs.decisions()).toEqual([
      expect.objectContaining({
        outcome: "allow",
        reason: "allowed",
        principal: "11111111-2222-3333-4444-555555555555",
        method: "DELETE",
        path: "/items/7",
      }),
    ]);
  });
});

describe("decision lines at the default log level (INFO)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start({
      logLevel: "INFO",
      env: { ROUTE_RULES: '[{"route":"GET /items"},{"route":"DELETE /items/{id}","groups":["admins"]}]' },
    });
  });
  afterAll(() => h.close());

  it("writes nothing for an Allow (API Gateway's access log records it)", async () => {
    const outcome = await h.run(tokenEvent(`Bearer ${signToken(h.key, accessClaims())}`, "GET", "/items"));
    expect(outcome.kind).toBe("policy");
    expect(h.logs.lines).toEqual([]);
  });

  it("logs a path with an empty or dot segment as non_normal_path, and keeps the caller's policy", async () => {
    const token = signToken(h.key, accessClaims());
    const outcome = await h.run(tokenEvent(`Bearer ${token}`, "GET", "/items//"));
    if (outcome.kind !== "policy") throw new Error(`expected a policy, got ${outcome.kind}`);
    expect(outcome.result.policyDocument.Statement.map((s) => s.Effect)).toEqual(["Allow", "Deny"]);
    expect(h.logs.decisions()).toEqual([
      expect.objectContaining({ level: "INFO", outcome: "deny", reason: "non_normal_path" }),
    ]);
  });

  it("writes one INFO line for a Deny and one WARN line for a 401, with the reason", async () => {
    const reader = signToken(h.key, accessClaims({ "cognito:groups": ["readers"] }));
    await h.run(tokenEvent(`Bearer ${reader}`, "DELETE", "/items/7"));
    expect(h.logs.decisions()).toEqual([
      expect.objectContaining({ level: "INFO", outcome: "deny", reason: "forbidden_route" }),
    ]);
    await h.run(tokenEvent(`Bearer ${signToken(h.key, accessClaims({ client_id: OTHER_CLIENT_ID }))}`));
    expect(h.logs.decisions()).toEqual([
      expect.objectContaining({ level: "WARN", outcome: "unauthorized", reason: "wrong_client" }),
    ]);
  });
});

describe("machine clients (client_credentials access tokens)", () => {
  // The sample's items rules: the scope (machine clients) OR the group (users signed in with a password).
  const rules = [
    { route: "GET /me" },
    { route: "GET /items", anyOf: [{ scopes: ["items/read"] }, { groups: ["readers", "admins"] }] },
    { route: "POST /items", anyOf: [{ scopes: ["items/write"] }, { groups: ["admins"] }] },
    { route: "DELETE /items/{id}", groups: ["admins"] },
  ];
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start({ env: { ROUTE_RULES: JSON.stringify(rules) } });
  });
  afterAll(() => h.close());

  it("tells the backend the caller is a client: its id as principal, no username, its scopes", async () => {
    // Arrange
    const token = signToken(h.key, clientCredentialsClaims({ scope: "items/read items/write" }));
    // Act
    const outcome = await h.run(tokenEvent(`Bearer ${token}`, "GET", "/me"));
    // Assert
    if (outcome.kind !== "policy") throw new Error(`expected a policy, got ${outcome.kind}`);
    expect(outcome.result.principalId).toBe(TEST_CLIENT_ID);
    expect(outcome.result.context).toEqual({
      sub: TEST_CLIENT_ID,
      callerType: "client",
      userPoolId: TEST_USER_POOL_ID,
      username: "",
      clientId: TEST_CLIENT_ID,
      tokenUse: "access",
      scope: "items/read items/write",
      groups: "",
    });
  });

  it.each<[string, string, string, "Allow" | "Deny"]>([
    ["items/read", "GET", "/items", "Allow"],
    ["items/read", "POST", "/items", "Deny"],
    ["items/write", "POST", "/items", "Allow"],
    ["items/write", "GET", "/items", "Deny"],
    ["items/read items/write", "DELETE", "/items/1", "Deny"], // groups only: a client has none
    ["", "GET", "/me", "Allow"],
    ["", "GET", "/items", "Deny"],
  ])(
    "a client with scope %j: %s %s is %s, the scope rules applying as to users",
    async (scope, method, path, effect) => {
      // Arrange
      const token = signToken(h.key, clientCredentialsClaims({ scope }));
      // Act
      const outcome = await h.run(tokenEvent(`Bearer ${token}`, method, path));
      // Assert
      if (outcome.kind !== "policy") throw new Error(`expected a policy, got ${outcome.kind}`);
      expect(evaluatePolicy(outcome.result.policyDocument, methodArn(method, path)).decision).toBe(effect);
      expect(h.logs.decisions()).toEqual([
        expect.objectContaining({
          outcome: effect === "Allow" ? "allow" : "deny",
          principal: TEST_CLIENT_ID,
        }),
      ]);
    },
  );

  it("gives a user signed in with a password (a group, no custom scope) the same routes through the group", async () => {
    const token = signToken(
      h.key,
      accessClaims({ scope: "aws.cognito.signin.user.admin", "cognito:groups": ["readers"] }),
    );
    const outcome = await h.run(tokenEvent(`Bearer ${token}`, "GET", "/items"));
    if (outcome.kind !== "policy") throw new Error(`expected a policy, got ${outcome.kind}`);
    expect(outcome.result.context).toMatchObject({ callerType: "user", username: "reader" });
    expect(evaluatePolicy(outcome.result.policyDocument, methodArn("GET", "/items")).decision).toBe("Allow");
    expect(evaluatePolicy(outcome.result.policyDocument, methodArn("POST", "/items")).decision).toBe("Deny");
  });

  it("refuses a client token of a client that is not allowed (401 wrong_client)", async () => {
    const token = signToken(h.key, clientCredentialsClaims({ client_id: OTHER_CLIENT_ID }));
    expect((await h.run(tokenEvent(`Bearer ${token}`))).kind).toBe("unauthorized");
    expect(h.logs.decisions()).toEqual([expect.objectContaining({ reason: "wrong_client" })]);
  });

  it("refuses an access token with no username whose subject is not its client (neither shape Cognito issues)", async () => {
    const token = signToken(h.key, clientCredentialsClaims({ sub: "11111111-2222-3333-4444-555555555555" }));
    expect((await h.run(tokenEvent(`Bearer ${token}`))).kind).toBe("unauthorized");
    expect(h.logs.decisions()).toEqual([expect.objectContaining({ reason: "invalid_claims" })]);
  });

  it("refuses a user access token with an empty username", async () => {
    const token = signToken(h.key, accessClaims({ username: "" }));
    expect((await h.run(tokenEvent(`Bearer ${token}`))).kind).toBe("unauthorized");
    expect(h.logs.decisions()).toEqual([expect.objectContaining({ reason: "invalid_claims" })]);
  });
});

describe("several user pools (EXTRA_USER_POOLS)", () => {
  // Pool A is the harness's (USER_POOL_ID, CLIENT_ID, its key); pool B has its own key, served by
  // its own loopback JWKS, and its own client; pool C is configured nowhere.
  const POOL_B = "eu-west-1_PoolB";
  const CLIENT_B = "clientb0000000000000000001";
  const issuer = (pool: string) =>
    `https://cognito-idp.${pool.split("_")[0] as string}.amazonaws.com/${pool}`;
  const keyB = generateTestKey();
  let jwksB: JwksServer;
  let h: Harness;
  beforeAll(async () => {
    jwksB = await JwksServer.start([keyB.jwk]);
    h = await Harness.start({
      env: {
        EXTRA_USER_POOLS: JSON.stringify([{ userPoolId: POOL_B, clientIds: [CLIENT_B], jwksUri: jwksB.url }]),
      },
    });
  });
  afterAll(async () => {
    await h.close();
    await jwksB.stop();
  });

  it("accepts a token of each pool with that pool's client, and names the pool in the context", async () => {
    // Arrange
    const tokenA = signToken(h.key, accessClaims());
    const tokenB = signToken(keyB, accessClaims({ iss: issuer(POOL_B), client_id: CLIENT_B }));
    // Act
    const a = await h.run(tokenEvent(`Bearer ${tokenA}`));
    const b = await h.run(tokenEvent(`Bearer ${tokenB}`));
    // Assert
    if (a.kind !== "policy" || b.kind !== "policy")
      throw new Error(`expected policies, got ${a.kind}, ${b.kind}`);
    expect(a.result.context).toMatchObject({ userPoolId: TEST_USER_POOL_ID, clientId: TEST_CLIENT_ID });
    expect(b.result.context).toMatchObject({ userPoolId: POOL_B, clientId: CLIENT_B });
  });

  it.each<[string, () => string, string]>([
    [
      "pool A's token with pool B's client",
      () => signToken(h.key, accessClaims({ client_id: CLIENT_B })),
      "wrong_client",
    ],
    [
      "pool B's token with pool A's client",
      () => signToken(keyB, accessClaims({ iss: issuer(POOL_B) })),
      "wrong_client",
    ],
    [
      "pool B's iss signed with pool A's key",
      () => signToken(h.key, accessClaims({ iss: issuer(POOL_B), client_id: CLIENT_B })),
      "unknown_kid",
    ],
    ["pool A's iss signed with pool B's key", () => signToken(keyB, accessClaims()), "unknown_kid"],
    [
      "the iss of a third pool",
      () => signToken(h.key, accessClaims({ iss: issuer("us-east-1_PoolC") })),
      "wrong_issuer",
    ],
  ])("refuses %s (401)", async (_, token, reason) => {
    const outcome = await h.run(tokenEvent(`Bearer ${token()}`));
    expect(outcome.kind).toBe("unauthorized");
    expect(h.logs.decisions()).toEqual([expect.objectContaining({ outcome: "unauthorized", reason })]);
  });
});

describe("authorizer with TOKEN_USE=id", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start({ env: { TOKEN_USE: "id" } });
  });
  afterAll(() => h.close());

  it("allows an ID token for the client and reads cognito:username and aud", async () => {
    const outcome = await h.run(tokenEvent(`Bearer ${signToken(h.key, idClaims())}`));
    if (outcome.kind !== "policy") throw new Error(`expected a policy, got ${outcome.kind}`);
    expect(outcome.result.context).toMatchObject({
      username: "reader",
      clientId: TEST_CLIENT_ID,
      tokenUse: "id",
    });
  });

  it("refuses an ID token for another client (aud) and an access token", async () => {
    expect(
      (await h.run(tokenEvent(`Bearer ${signToken(h.key, idClaims({ aud: OTHER_CLIENT_ID }))}`))).kind,
    ).toBe("unauthorized");
    expect((await h.run(tokenEvent(`Bearer ${signToken(h.key, accessClaims())}`))).kind).toBe("unauthorized");
  });
});

describe("several allowed clients", () => {
  it("accepts a token of any client in CLIENT_ID and no other", async () => {
    const h = await Harness.start({ env: { CLIENT_ID: `${TEST_CLIENT_ID},${OTHER_CLIENT_ID}` } });
    try {
      for (const client of [TEST_CLIENT_ID, OTHER_CLIENT_ID]) {
        const outcome = await h.run(
          tokenEvent(`Bearer ${signToken(h.key, accessClaims({ client_id: client }))}`),
        );
        expect(outcome.kind).toBe("policy");
      }
      const third = signToken(h.key, accessClaims({ client_id: "thirdclient" }));
      expect((await h.run(tokenEvent(`Bearer ${third}`))).kind).toBe("unauthorized");
    } finally {
      await h.close();
    }
  });
});

describe("verified-token cache", () => {
  it("serves a repeated token without verifying again, until the token's exp", async () => {
    const h = await Harness.start();
    try {
      const token = signToken(h.key, accessClaims({ exp: Math.floor(h.clock.now() / 1000) + 2 }));
      const verify = jest.spyOn(h.verifier, "verify");
      expect((await h.run(tokenEvent(`Bearer ${token}`))).kind).toBe("policy");
      expect((await h.run(tokenEvent(`Bearer ${token}`, "POST", "/items"))).kind).toBe("policy");
      expect(verify).toHaveBeenCalledTimes(1);
      // Past exp on the clock the cache and the verifier share, the cached entry is not used: the
      // token is verified again and refused as expired.
      h.clock.advance(3100);
      expect((await h.run(tokenEvent(`Bearer ${token}`))).kind).toBe("unauthorized");
      expect(verify).toHaveBeenCalledTimes(2);
      expect(h.logs.decisions()).toEqual([expect.objectContaining({ reason: "expired" })]);
    } finally {
      await h.close();
    }
  });

  it("an injected clock that lags real time never keeps a token past its exp", async () => {
    const h = await Harness.start();
    const dateNow = jest.spyOn(Date, "now");
    try {
      const start = Date.now();
      const token = signToken(h.key, accessClaims({ exp: Math.floor(start / 1000) + 60 }));
      const verify = jest.spyOn(h.verifier, "verify");
      const quiet = {
        debug: (): void => undefined,
        info: (): void => undefined,
        warn: (): void => undefined,
      };
      const lagging = createAuthorizer({
        verifier: h.verifier,
        logger: quiet,
        routeRules: undefined,
        clock: () => start - 3_600_000,
      });
      expect((await outcomeOf(lagging(tokenEvent(`Bearer ${token}`)))).kind).toBe("policy");
      // Real time passes the token's exp; the injected clock still says an hour earlier.
      dateNow.mockReturnValue(start + 120_000);
      expect((await outcomeOf(lagging(tokenEvent(`Bearer ${token}`)))).kind).toBe("unauthorized");
      expect(verify).toHaveBeenCalledTimes(2);
    } finally {
      dateNow.mockRestore();
      await h.close();
    }
  });

  it("never lets a cached success vouch for the same claims under another signature, nor caches a failure", async () => {
    const h = await Harness.start();
    try {
      // Arrange: a valid token, and the same header and payload signed by another key with the same
      // kid. A cache keyed on anything less than the whole token (claims, jti, header.payload) would
      // answer the forgery from the valid token's entry.
      const claims = accessClaims();
      const valid = signToken(h.key, claims);
      const forged = signToken(generateTestKey(h.key.kid), claims);
      const signingInput = (token: string) => token.slice(0, token.lastIndexOf("."));
      expect(signingInput(forged)).toBe(signingInput(valid));
      expect(forged).not.toBe(valid);
      const verify = jest.spyOn(h.verifier, "verify");

      // Act and assert: the valid token is verified once, then served from the cache...
      expect((await h.run(tokenEvent(`Bearer ${valid}`))).kind).toBe("policy");
      expect((await h.run(tokenEvent(`Bearer ${valid}`))).kind).toBe("policy");
      expect(verify).toHaveBeenCalledTimes(1);

      // ...the forgery is not: it goes to the verifier and is refused for its signature...
      expect((await h.run(tokenEvent(`Bearer ${forged}`))).kind).toBe("unauthorized");
      expect(verify).toHaveBeenCalledTimes(2);
      expect(verify).toHaveBeenLastCalledWith(forged);
      expect(h.logs.decisions()).toEqual([expect.objectContaining({ reason: "bad_signature" })]);

      // ...every time (the failure was not cached), while the valid token is still a cache hit.
      expect((await h.run(tokenEvent(`Bearer ${forged}`))).kind).toBe("unauthorized");
      expect(verify).toHaveBeenCalledTimes(3);
      expect((await h.run(tokenEvent(`Bearer ${valid}`))).kind).toBe("policy");
      expect(verify).toHaveBeenCalledTimes(3);
    } finally {
      await h.close();
    }
  });
});

it("methodArn helper matches the real shape", () => {
  expect(methodArn("GET", "/items/42")).toBe(
    "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/items/42",
  );
});

it("groupsContext round-trips any list of non-empty group names", () => {
  fc.assert(
    fc.property(fc.array(fc.string({ minLength: 1, unit: "grapheme" })), (groups) => {
      const encoded = groupsContext(groups);
      expect(encoded === "" ? [] : encoded.split(",").map(decodeURIComponent)).toEqual(groups);
    }),
    { numRuns: 2000 },
  );
});
