import { loadConfig } from "../../lambda/authorizer/config";

const BASE = { USER_POOL_ID: "us-east-1_AbC123", CLIENT_ID: "client1", ROUTE_RULES: "*" };

describe("loadConfig", () => {
  it("parses the minimal configuration with defaults", () => {
    const config = loadConfig(BASE);
    expect(config).toMatchObject({
      userPoolId: "us-east-1_AbC123",
      region: "us-east-1",
      clientIds: ["client1"],
      tokenUse: "access",
      routeRules: undefined,
    });
    // Without JWKS_URI, keys come from Cognito's own endpoint for the pool.
    expect(config.jwksUri.href).toBe(
      "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123/.well-known/jwks.json",
    );
  });

  it("trims values and splits CLIENT_ID on commas", () => {
    const config = loadConfig({
      USER_POOL_ID: " eu-west-1_x9 ",
      CLIENT_ID: " a1 , b2,a1",
      TOKEN_USE: " id ",
      ROUTE_RULES: "*",
    });
    expect(config.clientIds).toEqual(["a1", "b2"]);
    expect(config.tokenUse).toBe("id");
    expect(config.region).toBe("eu-west-1");
  });

  it.each([
    [{}, /USER_POOL_ID: is required/],
    [{ CLIENT_ID: "c" }, /USER_POOL_ID: is required/],
    [{ USER_POOL_ID: "  ", CLIENT_ID: "c" }, /USER_POOL_ID: is required/],
    [{ USER_POOL_ID: "us-east-1", CLIENT_ID: "c" }, /USER_POOL_ID: expected a Cognito user pool id/],
    [{ USER_POOL_ID: "us-east-1_bad*", CLIENT_ID: "c" }, /USER_POOL_ID/],
    [{ USER_POOL_ID: "us-east-1_AbC" }, /CLIENT_ID: is required/],
    [{ ...BASE, CLIENT_ID: "a,,b" }, /CLIENT_ID: expected comma-separated/],
    [{ ...BASE, CLIENT_ID: "a b" }, /CLIENT_ID/],
    [{ ...BASE, TOKEN_USE: "refresh" }, /TOKEN_USE: expected "access" or "id"/],
    [{ ...BASE, TOKEN_USE: "Access" }, /TOKEN_USE/],
    [{ ...BASE, JWKS_URI: "not a url" }, /JWKS_URI: is not a URL/],
    [{ ...BASE, JWKS_URI: "http://example.com/jwks.json" }, /JWKS_URI: must be https/],
    [{ ...BASE, JWKS_URI: "http://10.0.0.1/jwks.json" }, /JWKS_URI: must be https/],
    [{ ...BASE, JWKS_URI: "ftp://127.0.0.1/jwks.json" }, /JWKS_URI: must be https/],
    [{ ...BASE, JWKS_URI: "https://u:p@example.com/jwks.json" }, /JWKS_URI: must not carry credentials/],
    [{ ...BASE, ROUTE_RULES: "{not json" }, /ROUTE_RULES/],
    [{ ...BASE, ROUTE_RULES: "[]" }, /ROUTE_RULES/],
    [{ ...BASE, ROUTE_RULES: '[{"route":"FETCH /x"}]' }, /ROUTE_RULES/],
    // Allow-all is spelled "*": unset or blank (an empty pipeline substitution) never means it.
    [{ USER_POOL_ID: "us-east-1_AbC123", CLIENT_ID: "client1" }, /ROUTE_RULES: is required: .*"\*"/],
    [{ ...BASE, ROUTE_RULES: "" }, /ROUTE_RULES: is blank/],
    [{ ...BASE, ROUTE_RULES: "   " }, /ROUTE_RULES: is blank/],
    [{ ...BASE, ROUTE_RULES: "\n" }, /ROUTE_RULES: is blank/],
    [{ ...BASE, ROUTE_RULES: "**" }, /ROUTE_RULES: not valid JSON/],
    // The completeness declaration is spelled exactly, and only means something for a list.
    [
      { ...BASE, ROUTE_RULES: '[{"route":"GET /me"}]', ROUTE_RULES_COMPLETE: "yes" },
      /ROUTE_RULES_COMPLETE: expected "true"/,
    ],
    [
      { ...BASE, ROUTE_RULES: '[{"route":"GET /me"}]', ROUTE_RULES_COMPLETE: "TRUE" },
      /ROUTE_RULES_COMPLETE: expected "true"/,
    ],
    [
      { ...BASE, ROUTE_RULES_COMPLETE: "true" },
      /ROUTE_RULES_COMPLETE: declares a rule list complete, but ROUTE_RULES is "\*"/,
    ],
  ])("fails loudly on %j", (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it.each([
    "http://127.0.0.1:9229/p/.well-known/jwks.json",
    "http://localhost:1/x",
    "http://[::1]:80/x",
    "https://example.com/x",
  ])("accepts JWKS_URI %s (http only on loopback)", (uri) => {
    expect(loadConfig({ ...BASE, JWKS_URI: uri }).jwksUri.href).toBe(new URL(uri).href);
  });

  it('takes ROUTE_RULES "*" (trimmed) as every route for every valid token', () => {
    expect(loadConfig({ ...BASE, ROUTE_RULES: " * " }).routeRules).toBeUndefined();
  });

  it.each<[string | undefined, string]>([
    // Without the declaration the rule set must also close unlisted requests under the cache, which
    // IAM globs cannot do for a {param} route with a listed child: refused, pointing at the flag.
    [undefined, "refused"],
    ["false", "refused"],
    ["true", "accepted"],
  ])("ROUTE_RULES_COMPLETE=%s: a {param} route with a child route is %s", (complete, outcome) => {
    const env = {
      ...BASE,
      ROUTE_RULES: '[{"route":"GET /items/{id}"},{"route":"GET /items/{id}/parts"}]',
      ...(complete === undefined ? {} : { ROUTE_RULES_COMPLETE: complete }),
    };
    if (outcome === "accepted") expect(loadConfig(env).routeRules?.rules).toHaveLength(2);
    else expect(() => loadConfig(env)).toThrow(/ROUTE_RULES: .*ROUTE_RULES_COMPLETE=true/);
  });

  it("compiles ROUTE_RULES", () => {
    const config = loadConfig({ ...BASE, ROUTE_RULES: '[{"route":"GET /me"}]' });
    expect(config.routeRules?.rules).toEqual([{ route: "GET /me" }]);
  });

  describe("ROUTE_RULES_FILE", () => {
    const FILE_ENV = {
      USER_POOL_ID: "us-east-1_AbC123",
      CLIENT_ID: "client1",
      ROUTE_RULES_FILE: "rules.json",
    };
    const files: Record<string, string> = {
      "rules.json": '[{"route":"GET /me"}]',
      "blank.json": " \n",
      "bad.json": '[{"route":"FETCH /x"}]',
    };
    const readRulesFile = (name: string): string => {
      const text = files[name];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${name}`), { code: "ENOENT" });
      return text;
    };

    it("compiles the rules of the file it names, read through the entry point's reader", () => {
      const read: string[] = [];
      const config = loadConfig(FILE_ENV, {
        readRulesFile: (name) => (read.push(name), readRulesFile(name)),
      });
      expect(read).toEqual(["rules.json"]);
      expect(config.routeRules?.rules).toEqual([{ route: "GET /me" }]);
    });

    it.each([
      [{ ...FILE_ENV, ROUTE_RULES: "*" }, /ROUTE_RULES: and ROUTE_RULES_FILE are both set/],
      [{ ...FILE_ENV, ROUTE_RULES_FILE: "  " }, /ROUTE_RULES_FILE: is blank/],
      [
        { ...FILE_ENV, ROUTE_RULES_FILE: "none.json" },
        /ROUTE_RULES_FILE: names "none.json", which cannot be read \(ENOENT\)/,
      ],
      [
        { ...FILE_ENV, ROUTE_RULES_FILE: "blank.json" },
        /ROUTE_RULES_FILE: names "blank.json", which is empty/,
      ],
      // A bad rule in the file is reported against the variable that named the file.
      [{ ...FILE_ENV, ROUTE_RULES_FILE: "bad.json" }, /^Environment variable ROUTE_RULES_FILE: rules\[0\]/],
    ])("fails loudly on %j", (env, message) => {
      expect(() => loadConfig(env, { readRulesFile })).toThrow(message);
    });

    it("is a configuration error where no reader is given, never ignored", () => {
      expect(() => loadConfig(FILE_ENV)).toThrow(/ROUTE_RULES_FILE: is set, but this loader reads no files/);
    });
  });
});

describe("EXTRA_USER_POOLS (several pools)", () => {
  const pools = (value: unknown) => ({ ...BASE, EXTRA_USER_POOLS: JSON.stringify(value) });

  it("is no extra pool when unset or blank", () => {
    expect(loadConfig(BASE).extraPools).toEqual([]);
    expect(loadConfig({ ...BASE, EXTRA_USER_POOLS: " " }).extraPools).toEqual([]);
  });

  it("gives each pool its own clients, token use (default TOKEN_USE) and Cognito JWKS URL (or jwksUri)", () => {
    const config = loadConfig({
      ...pools([
        { userPoolId: "eu-west-1_Other1", clientIds: ["client2", "client3"] },
        {
          userPoolId: "us-east-1_Ids",
          clientIds: ["client4"],
          tokenUse: "id",
          jwksUri: "http://127.0.0.1:1/k",
        },
      ]),
    });
    expect(config.extraPools.map((p) => ({ ...p, jwksUri: p.jwksUri.href }))).toEqual([
      {
        userPoolId: "eu-west-1_Other1",
        clientIds: ["client2", "client3"],
        tokenUse: "access",
        jwksUri: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other1/.well-known/jwks.json",
      },
      {
        userPoolId: "us-east-1_Ids",
        clientIds: ["client4"],
        tokenUse: "id",
        jwksUri: "http://127.0.0.1:1/k",
      },
    ]);
  });

  it.each<[string, Record<string, string>, RegExp]>([
    [
      "not JSON",
      { ...BASE, EXTRA_USER_POOLS: "[{" },
      /^Environment variable EXTRA_USER_POOLS: is not valid JSON/,
    ],
    ["an empty list", pools([]), /EXTRA_USER_POOLS: expected a non-empty JSON array/],
    ["an object", pools({ userPoolId: "us-east-1_B" }), /EXTRA_USER_POOLS: expected a non-empty JSON array/],
    [
      "a bad pool id",
      pools([{ userPoolId: "pool-b", clientIds: ["c2"] }]),
      /\[0\]: "userPoolId" must be a Cognito user pool id/,
    ],
    [
      "a pool with no client",
      pools([{ userPoolId: "us-east-1_B" }]),
      /\[0\]: user pool us-east-1_B has no client/,
    ],
    [
      "a pool with an empty client list",
      pools([{ userPoolId: "us-east-1_B", clientIds: [] }]),
      /has no client/,
    ],
    [
      "a bad client id",
      pools([{ userPoolId: "us-east-1_B", clientIds: ["a b"] }]),
      /"clientIds" must contain app client ids/,
    ],
    [
      "USER_POOL_ID again",
      pools([{ userPoolId: "us-east-1_AbC123", clientIds: ["c2"] }]),
      /user pool us-east-1_AbC123 is listed twice \(it is USER_POOL_ID\)/,
    ],
    [
      "the same pool twice",
      pools([
        { userPoolId: "us-east-1_B", clientIds: ["c2"] },
        { userPoolId: "us-east-1_B", clientIds: ["c3"] },
      ]),
      /\[1\]: user pool us-east-1_B is listed twice/,
    ],
    [
      "CLIENT_ID's client under another pool",
      pools([{ userPoolId: "us-east-1_B", clientIds: ["client1"] }]),
      /client client1 is listed under user pools us-east-1_AbC123 and us-east-1_B/,
    ],
    [
      "one client under two extra pools",
      pools([
        { userPoolId: "us-east-1_B", clientIds: ["c2"] },
        { userPoolId: "us-east-1_C", clientIds: ["c2"] },
      ]),
      /client c2 is listed under user pools us-east-1_B and us-east-1_C/,
    ],
    [
      "a bad token use",
      pools([{ userPoolId: "us-east-1_B", clientIds: ["c2"], tokenUse: "refresh" }]),
      /"tokenUse" must be "access" or "id"/,
    ],
    [
      "an unknown key",
      pools([{ userPoolId: "us-east-1_B", clientIds: ["c2"], clientId: "c2" }]),
      /unknown key "clientId"/,
    ],
    [
      "plain http off loopback",
      pools([{ userPoolId: "us-east-1_B", clientIds: ["c2"], jwksUri: "http://example.com/k" }]),
      /EXTRA_USER_POOLS: jwksUri must be https/,
    ],
  ])("refuses %s, naming the variable", (_, env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe("loadConfig: EVENT_FORMAT and ROUTE_KEY_IN_IDENTITY_SOURCE", () => {
  const DIFFERENT = JSON.stringify([
    { route: "GET /items", scopes: ["items/read"] },
    { route: "POST /items", scopes: ["items/write"] },
  ]);
  const ALIKE = JSON.stringify([
    { route: "GET /items", scopes: ["items/read"] },
    { route: "GET /items/{id}", scopes: ["items/read"] },
  ]);

  it("defaults to REST events, answered with IAM policies", () => {
    expect(loadConfig(BASE).eventFormat).toEqual({
      format: "rest",
      routeKeyInIdentitySource: false,
      routeKeyRules: undefined,
    });
  });

  it.each(["rest", "http-1.0", "http-2.0-iam", "http-2.0-simple"])("accepts EVENT_FORMAT %s", (format) => {
    expect(loadConfig({ ...BASE, EVENT_FORMAT: ` ${format} ` }).eventFormat.format).toBe(format);
  });

  it("accepts rules that differ per route for simple responses only with the route key in the identity source", () => {
    const config = loadConfig({
      ...BASE,
      EVENT_FORMAT: "http-2.0-simple",
      ROUTE_RULES: DIFFERENT,
      ROUTE_KEY_IN_IDENTITY_SOURCE: "true",
    });
    expect(config.eventFormat.routeKeyRules?.rules).toHaveLength(2);
    expect(config.routeRules).toBeUndefined();
  });

  it("accepts a $default rule for simple responses", () => {
    const rules = JSON.stringify([{ route: "$default", groups: ["admins"] }, { route: "GET /me" }]);
    const env = {
      ...BASE,
      EVENT_FORMAT: "http-2.0-simple",
      ROUTE_RULES: rules,
      ROUTE_KEY_IN_IDENTITY_SOURCE: "true",
    };
    expect(loadConfig(env).eventFormat.routeKeyRules?.rules[0]).toEqual({
      route: "$default",
      groups: ["admins"],
    });
  });

  it("accepts alike rules declared complete for simple responses without the route key", () => {
    const env = {
      ...BASE,
      EVENT_FORMAT: "http-2.0-simple",
      ROUTE_RULES: ALIKE,
      ROUTE_RULES_COMPLETE: "true",
    };
    expect(loadConfig(env).eventFormat.routeKeyRules?.uniform).toBe(true);
  });

  it.each([
    [
      { EVENT_FORMAT: "http" },
      /EVENT_FORMAT: expected "rest", "http-1.0", "http-2.0-iam" or "http-2.0-simple"/,
    ],
    [{ EVENT_FORMAT: "HTTP-2.0-SIMPLE" }, /EVENT_FORMAT: expected/],
    [
      { EVENT_FORMAT: "http-2.0-simple", ROUTE_KEY_IN_IDENTITY_SOURCE: "yes" },
      /ROUTE_KEY_IN_IDENTITY_SOURCE: expected "true"/,
    ],
    // The flag means nothing for IAM responses: set there, it would be a misunderstanding.
    [
      { ROUTE_KEY_IN_IDENTITY_SOURCE: "true" },
      /ROUTE_KEY_IN_IDENTITY_SOURCE: applies to simple responses only.*"rest"/,
    ],
    [
      { EVENT_FORMAT: "http-2.0-iam", ROUTE_KEY_IN_IDENTITY_SOURCE: "true" },
      /applies to simple responses only/,
    ],
    // A cached simple answer would be served for every route called with the token.
    [
      { EVENT_FORMAT: "http-2.0-simple", ROUTE_RULES: DIFFERENT },
      /ROUTE_RULES: the rules differ per route.*ROUTE_KEY_IN_IDENTITY_SOURCE=true/,
    ],
    [
      { EVENT_FORMAT: "http-2.0-simple", ROUTE_RULES: ALIKE },
      /may not list every route.*ROUTE_RULES_COMPLETE/,
    ],
    [
      {
        EVENT_FORMAT: "http-2.0-simple",
        ROUTE_KEY_IN_IDENTITY_SOURCE: "true",
        ROUTE_RULES: '[{"route":"$default"},{"route":"$default"}]',
      },
      /lists "\$default" twice/,
    ],
    [
      {
        EVENT_FORMAT: "http-2.0-simple",
        ROUTE_KEY_IN_IDENTITY_SOURCE: "true",
        ROUTE_RULES: '[{"route":"GET /a/{x}"},{"route":"GET /a/{y}"}]',
      },
      /rules\[1\].*same API Gateway method/,
    ],
    // IAM policies on HTTP APIs: only where REST-style resolution is HTTP API's route choice.
    [
      { EVENT_FORMAT: "http-2.0-iam", ROUTE_RULES: DIFFERENT },
      /need the rules to list every route.*ROUTE_RULES_COMPLETE=true/,
    ],
    [{ EVENT_FORMAT: "http-1.0", ROUTE_RULES: DIFFERENT }, /need the rules to list every route/],
    [
      { EVENT_FORMAT: "http-2.0-iam", ROUTE_RULES_COMPLETE: "true", ROUTE_RULES: '[{"route":"$default"}]' },
      /"\$default" cannot be ruled with IAM-policy responses.*http-2.0-simple/,
    ],
    [
      {
        EVENT_FORMAT: "http-2.0-iam",
        ROUTE_RULES_COMPLETE: "true",
        ROUTE_RULES: '[{"route":"GET /items/{id}"},{"route":"GET /items/mine"}]',
      },
      /rules\[0\].*and rules\[1\].*some request path matches both/,
    ],
    [
      {
        EVENT_FORMAT: "http-2.0-iam",
        ROUTE_RULES_COMPLETE: "true",
        ROUTE_RULES: '[{"route":"ANY /{proxy+}"},{"route":"GET /me"}]',
      },
      /some request path matches both/,
    ],
  ])("fails loudly on %j", (env, message) => {
    expect(() => loadConfig({ ...BASE, ...env })).toThrow(message);
  });
});
