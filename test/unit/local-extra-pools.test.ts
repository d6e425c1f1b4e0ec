// The local stack's EXTRA_USER_POOLS rewrite (infra/local/stack.ts withLocalJwks): every pool the
// emulator runs gets its JWKS from the emulator, as USER_POOL_ID does through JWKS_URI, and the
// result is still a value the authorizer's cold start accepts. JWKS_URI itself serves the pool of
// USER_POOL_ID (jwksPoolOf).

import { loadConfig } from "../../lambda/authorizer/config";
import { jwksPoolOf, withLocalJwks } from "../../infra/local/stack";

describe("withLocalJwks", () => {
  const jwks = (id: string) => `http://127.0.0.1:9229/${id}/.well-known/jwks.json`;

  it("points each emulated pool at the emulator and leaves the others to Cognito", () => {
    // Arrange
    const value = JSON.stringify([
      { userPoolId: "us-east-1_LocalPool2", clientIds: ["c2"], tokenUse: "id" },
      { userPoolId: "eu-west-1_Elsewhere", clientIds: ["c3"] },
    ]);
    // Act
    const rewritten = withLocalJwks(value, new Set(["us-east-1_LocalPool1", "us-east-1_LocalPool2"]), jwks);
    // Assert
    const config = loadConfig({
      USER_POOL_ID: "us-east-1_LocalPool1",
      CLIENT_ID: "c1",
      ROUTE_RULES: "*",
      EXTRA_USER_POOLS: rewritten,
    });
    expect(config.extraPools.map((p) => [p.userPoolId, p.tokenUse, p.jwksUri.href])).toEqual([
      ["us-east-1_LocalPool2", "id", jwks("us-east-1_LocalPool2")],
      [
        "eu-west-1_Elsewhere",
        "access",
        "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Elsewhere/.well-known/jwks.json",
      ],
    ]);
  });

  it("leaves a value that is not a JSON list as it is, for the cold start to refuse", () => {
    expect(withLocalJwks('{"userPoolId":"x"}', new Set(), jwks)).toBe('{"userPoolId":"x"}');
    expect(withLocalJwks("[{", new Set(), jwks)).toBe("[{");
  });
});

describe("jwksPoolOf", () => {
  const poolIds = new Map([
    ["IdentityUserPool", "us-east-1_LocalPool1"],
    ["SecondIdentityUserPool", "us-east-1_LocalPool2"],
  ]);
  const extra = {
    "Fn::Join": ["", ['[{"userPoolId":"', { Ref: "SecondIdentityUserPool" }, '","clientIds":["c2"]}]']],
  };

  it("is the pool of USER_POOL_ID even when EXTRA_USER_POOLS comes first in the environment", () => {
    // Protects: JWKS_URI (the keys of USER_POOL_ID) never names the second pool's keys.
    const environment = { EXTRA_USER_POOLS: extra, USER_POOL_ID: { Ref: "IdentityUserPool" } };
    expect(jwksPoolOf(environment, poolIds)).toBe("IdentityUserPool");
  });

  it("is the first emulated pool referenced when there is no USER_POOL_ID, and none when none is", () => {
    expect(jwksPoolOf({ POOL: { Ref: "SecondIdentityUserPool" } }, poolIds)).toBe("SecondIdentityUserPool");
    expect(jwksPoolOf({ USER_POOL_ID: "eu-west-1_Elsewhere" }, poolIds)).toBeUndefined();
  });
});
