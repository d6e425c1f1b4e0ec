// The CognitoJwtAuthorizer construct on its own, the way a user drops it into their stack: its
// synth-time validation (messages that say what to change) and its authorizer options.

import { Duration, Stack } from "aws-cdk-lib";
import { IdentitySource, MockIntegration, RestApi } from "aws-cdk-lib/aws-apigateway";
import { Match, Template } from "aws-cdk-lib/assertions";
import { UserPool, UserPoolClient } from "aws-cdk-lib/aws-cognito";
import {
  AuthorizerEventType,
  CognitoJwtAuthorizer,
  type CognitoJwtAuthorizerProps,
  DEFAULT_AUTHORIZER_MEMORY_MB,
} from "../../infra/constructs/cognito-jwt-authorizer";
import { loadConfig } from "../../lambda/authorizer/config";
import { testApp } from "../helpers/cdk-app";

interface Fixture {
  readonly stack: Stack;
  readonly api: RestApi;
  readonly authorizer: CognitoJwtAuthorizer;
}

/** A stack with an API, an imported pool and client, and the authorizer built with `props`. */
function fixture(props: Partial<CognitoJwtAuthorizerProps> = {}): Fixture {
  const app = testApp();
  const stack = new Stack(app, "Test");
  const api = new RestApi(stack, "Api");
  const authorizer = new CognitoJwtAuthorizer(stack, "Authorizer", {
    api,
    userPool: UserPool.fromUserPoolId(stack, "Pool", "us-east-1_AbC123"),
    userPoolClients: [
      UserPoolClient.fromUserPoolClientId(stack, "Web", "webclient1"),
      UserPoolClient.fromUserPoolClientId(stack, "Cli", "cliclient2"),
    ],
    routes: [{ method: "GET", path: "/me", integration: new MockIntegration(), rule: {} }],
    ...props,
  });
  return { stack, api, authorizer };
}

const integration = new MockIntegration();

describe("synth-time validation", () => {
  test.each([3601, 7200])("a cache TTL of %i s is refused with the allowed range", (seconds) => {
    // Protects: a TTL API Gateway would reject fails at synth, naming the limit and how to disable caching.
    expect(() => fixture({ resultsCacheTtl: Duration.seconds(seconds) })).toThrow(
      `resultsCacheTtl must be from 0 to 3600 seconds (API Gateway's limit); got ${seconds} seconds. Use Duration.seconds(0) to turn caching off.`,
    );
  });

  test("a cache TTL that is not whole seconds is refused", () => {
    // Protects: API Gateway takes whole seconds; rounding silently would change the behaviour.
    expect(() => fixture({ resultsCacheTtl: Duration.millis(1500) })).toThrow(
      "resultsCacheTtl must be a whole number of seconds; got 1 second 500 millis.",
    );
  });

  test.each([0, 3600])("a cache TTL of %i s is accepted as given", (seconds) => {
    // Protects: both ends of the range work (0 turns caching off).
    const { stack } = fixture({ resultsCacheTtl: Duration.seconds(seconds) });
    Template.fromStack(stack).hasResourceProperties("AWS::ApiGateway::Authorizer", {
      AuthorizerResultTtlInSeconds: seconds,
    });
  });

  test("a rule for a route that does not exist on the API fails the synth", () => {
    // Protects: a rule without a method is a typo or a leftover; the synth names it and the fix.
    const { stack } = fixture({
      routes: [
        { method: "GET", path: "/me", integration, rule: {} },
        { method: "GET", path: "/nowhere", rule: { groups: ["admins"] } },
      ],
    });
    expect(() => Template.fromStack(stack)).toThrow(
      'Route rule "GET /nowhere" names a method that does not exist on the API: add the method (or give the route an integration), or remove the rule.',
    );
  });

  test("a rule for an existing method that does not use the authorizer fails the synth", () => {
    // Protects: a rule would be dead text if the method bypasses the authorizer.
    const { stack, api, authorizer } = fixture();
    api.root.addResource("open").addMethod("GET", integration);
    authorizer.addRoute({ method: "GET", path: "/open", rule: {} });
    expect(() => Template.fromStack(stack)).toThrow(
      /Route rule "GET \/open" names a method that does not use this authorizer/,
    );
  });

  test("a method that uses the authorizer without a rule fails the synth", () => {
    // Protects: the authorizer would deny every request to it (unknown route) in production.
    const { stack, api, authorizer } = fixture();
    api.root.addResource("orphan").addMethod("POST", integration, { authorizer: authorizer.authorizer });
    expect(() => Template.fromStack(stack)).toThrow(
      /Method "POST \/orphan" uses the authorizer but has no rule/,
    );
  });

  test("a method created by hand and added with addRoute (no integration) is accepted", () => {
    // Protects: users can keep their own method options and still have the rule checked and emitted.
    const { stack, api, authorizer } = fixture();
    api.root.addResource("custom").addMethod("PUT", integration, { authorizer: authorizer.authorizer });
    authorizer.addRoute({ method: "PUT", path: "/custom", rule: { scopes: ["custom/write"] } });
    const rules = JSON.parse(
      Object.values(Template.fromStack(stack).findResources("AWS::Lambda::Function"))[0]!.Properties
        .Environment.Variables.ROUTE_RULES,
    );
    expect(rules).toEqual([{ route: "GET /me" }, { route: "PUT /custom", scopes: ["custom/write"] }]);
  });

  test("rules the authorizer cannot enforce exactly under its cache fail the synth with its message", () => {
    // Protects: what the authorizer would refuse at cold start (lambda/authorizer/route-rules.ts) is
    // refused by `cdk synth` instead of by a function that never starts.
    const { stack } = fixture({
      routes: [
        { method: "GET", path: "/{proxy+}", integration, rule: { groups: ["a"] } },
        { method: "GET", path: "/x/{id}", integration, rule: { groups: ["b"] } },
      ],
    });
    expect(() => Template.fromStack(stack)).toThrow(
      /ROUTE_RULES would be refused by the authorizer: rules\[0\] \("GET \/\{proxy\+\}"\) cannot be enforced under API Gateway's policy cache/,
    );
  });

  test("an empty scope list is refused, not silently treated as no requirement", () => {
    // Protects: `scopes: []` never widens a route to every valid token. The construct validates
    // each rule with the authorizer's own validator, so it fails when the route is added.
    expect(() =>
      fixture({ routes: [{ method: "GET", path: "/me", integration, rule: { scopes: [] } }] }),
    ).toThrow(/Route "GET \/me": "scopes" is empty, which would deny everyone/);
  });

  test("the same route twice is refused", () => {
    // Protects: one method, one rule; two would leave the effective rule to chance.
    const { authorizer } = fixture();
    expect(() =>
      authorizer.addRoute({ method: "GET", path: "/me", integration, rule: { groups: ["x"] } }),
    ).toThrow('Route "GET /me" is declared twice; give each method and path one rule.');
  });

  test.each([
    ["/items/a:b", /Route "GET \/items\/a:b": .*neither a literal/],
    ["items", /Route "GET items": the path "items" must start with "\/"/],
    ["/admin/{proxy+}/x", /Route "GET \/admin\/\{proxy\+\}\/x"/],
  ])("a path the authorizer's route grammar refuses fails at synth (%s)", (path, message) => {
    // Protects: synth and the authorizer's cold start accept exactly the same routes.
    expect(() => fixture({ routes: [{ method: "GET", path, integration, rule: {} }] })).toThrow(message);
  });

  test("a scope with a space is refused (the scope claim is space-separated)", () => {
    // Protects: a rule that could never match anything.
    expect(() =>
      fixture({ routes: [{ method: "GET", path: "/me", integration, rule: { scopes: ["items read"] } }] }),
    ).toThrow(/Route "GET \/me": "scopes" entry "items read" is not a scope \(no spaces, RFC 6749 §3\.3\)/);
  });

  test("a group name Cognito would refuse is refused at synth, in the authorizer's words", () => {
    // Protects: synth and cold start validate rules with one validator (a space in a group name
    // used to pass the authorizer and fail the construct).
    expect(() =>
      fixture({
        routes: [{ method: "GET", path: "/me", integration, rule: { groups: ["site admins"] } }],
      }),
    ).toThrow(/Route "GET \/me": "groups" entry "site admins" is not a Cognito group name/);
  });

  test("no app client is refused", () => {
    // Protects: CLIENT_ID would be empty and every token rejected.
    expect(() => fixture({ userPoolClients: [] })).toThrow(
      /userPoolClients must name at least one app client/,
    );
  });

  test("a caching REQUEST authorizer without identity sources is refused", () => {
    // Protects: API Gateway keys its cache on the identity sources; without them it cannot cache.
    expect(() => fixture({ eventType: AuthorizerEventType.REQUEST, identitySources: [] })).toThrow(
      /A REQUEST authorizer that caches results needs at least one identity source.*resultsCacheTtl: Duration\.seconds\(0\)/,
    );
  });

  test("a caching REQUEST authorizer whose identity sources omit Authorization is refused", () => {
    // Protects: a cache key without the token would serve one caller's policy to another.
    expect(() =>
      fixture({
        eventType: AuthorizerEventType.REQUEST,
        identitySources: [IdentitySource.header("X-Tenant")],
      }),
    ).toThrow(/must include method\.request\.header\.Authorization in identitySources/);
  });

  test("options of the other authorizer type are refused rather than ignored", () => {
    // Protects: a validation expression on a REQUEST authorizer would silently do nothing.
    expect(() => fixture({ eventType: AuthorizerEventType.REQUEST, validationRegex: "^Bearer .+$" })).toThrow(
      /validationRegex applies to TOKEN authorizers only/,
    );
    expect(() => fixture({ identitySources: [IdentitySource.header("Authorization")] })).toThrow(
      /identitySources applies to REQUEST authorizers only/,
    );
  });
});

describe("authorizer options", () => {
  test("REQUEST type is selectable and keyed on the Authorization header", () => {
    // Protects: the REQUEST variant caches per token too, and has no TOKEN-only validation expression.
    const { stack } = fixture({ eventType: AuthorizerEventType.REQUEST });
    const template = Template.fromStack(stack);
    template.hasResourceProperties("AWS::ApiGateway::Authorizer", {
      Type: "REQUEST",
      IdentitySource: "method.request.header.Authorization",
      IdentityValidationExpression: Match.absent(),
      AuthorizerResultTtlInSeconds: 300,
    });
  });

  test("a non-caching REQUEST authorizer may have no identity source", () => {
    // Protects: without a cache, API Gateway invokes the authorizer on every request; that is valid.
    const { stack } = fixture({
      eventType: AuthorizerEventType.REQUEST,
      identitySources: [],
      resultsCacheTtl: Duration.seconds(0),
    });
    Template.fromStack(stack).hasResourceProperties("AWS::ApiGateway::Authorizer", {
      Type: "REQUEST",
      AuthorizerResultTtlInSeconds: 0,
    });
  });

  test("memory defaults to the named constant and follows the prop", () => {
    // Protects: the benchmark's choice is one edit away, and a user's override is honoured.
    expect(DEFAULT_AUTHORIZER_MEMORY_MB).toBe(512);
    Template.fromStack(fixture().stack).hasResourceProperties("AWS::Lambda::Function", {
      MemorySize: DEFAULT_AUTHORIZER_MEMORY_MB,
    });
    Template.fromStack(fixture({ memorySize: 1024 }).stack).hasResourceProperties("AWS::Lambda::Function", {
      MemorySize: 1024,
    });
  });

  test("every allowed app client is in CLIENT_ID, and tokenUse reaches TOKEN_USE", () => {
    // Protects: the environment contract (comma-separated client ids; access or id token).
    const { stack } = fixture({ tokenUse: "id" });
    Template.fromStack(stack).hasResourceProperties("AWS::Lambda::Function", {
      Environment: {
        Variables: Match.objectLike({
          USER_POOL_ID: "us-east-1_AbC123",
          CLIENT_ID: "webclient1,cliclient2",
          TOKEN_USE: "id",
        }),
      },
    });
  });
});

describe("extraUserPools (EXTRA_USER_POOLS)", () => {
  test("each extra pool reaches EXTRA_USER_POOLS with its clients, and the authorizer's config loader accepts it", () => {
    // Protects: the environment contract of several pools, as the cold start reads it.
    const app = testApp();
    const stack = new Stack(app, "Test");
    const extra = {
      userPool: UserPool.fromUserPoolId(stack, "PoolB", "eu-west-1_PoolB"),
      userPoolClients: [UserPoolClient.fromUserPoolClientId(stack, "B1", "bclient1")],
      tokenUse: "id" as const,
    };
    new CognitoJwtAuthorizer(stack, "Authorizer", {
      api: new RestApi(stack, "Api"),
      userPool: UserPool.fromUserPoolId(stack, "Pool", "us-east-1_AbC123"),
      userPoolClients: [UserPoolClient.fromUserPoolClientId(stack, "Web", "webclient1")],
      extraUserPools: [extra],
      routes: [{ method: "GET", path: "/me", integration: new MockIntegration(), rule: {} }],
    });
    const [fn] = Object.values(Template.fromStack(stack).findResources("AWS::Lambda::Function")).filter(
      (r) =>
        (r as { Properties: { Environment?: { Variables?: Record<string, unknown> } } }).Properties
          .Environment?.Variables?.["ROUTE_RULES"] !== undefined,
    ) as [{ Properties: { Environment: { Variables: Record<string, string> } } }];
    const env = fn.Properties.Environment.Variables;
    expect(JSON.parse(env["EXTRA_USER_POOLS"] as string)).toEqual([
      { userPoolId: "eu-west-1_PoolB", clientIds: ["bclient1"], tokenUse: "id" },
    ]);
    expect(loadConfig(env).extraPools.map((p) => p.userPoolId)).toEqual(["eu-west-1_PoolB"]);
  });

  test.each([
    [
      "a pool with no client",
      (p: UserPool | ReturnType<typeof UserPool.fromUserPoolId>) => [{ userPool: p, userPoolClients: [] }],
      /extraUserPools\[0\] has no userPoolClients/,
    ],
  ])("refuses %s at synth", (_, extras, message) => {
    const app = testApp();
    const stack = new Stack(app, "Test");
    const other = UserPool.fromUserPoolId(stack, "PoolB", "eu-west-1_PoolB");
    expect(
      () =>
        new CognitoJwtAuthorizer(stack, "Authorizer", {
          api: new RestApi(stack, "Api"),
          userPool: UserPool.fromUserPoolId(stack, "Pool", "us-east-1_AbC123"),
          userPoolClients: [UserPoolClient.fromUserPoolClientId(stack, "Web", "webclient1")],
          extraUserPools: extras(other),
        }),
    ).toThrow(message);
  });

  test("refuses the main pool again as an extra pool", () => {
    const app = testApp();
    const stack = new Stack(app, "Test");
    const pool = UserPool.fromUserPoolId(stack, "Pool", "us-east-1_AbC123");
    const web = UserPoolClient.fromUserPoolClientId(stack, "Web", "webclient1");
    expect(
      () =>
        new CognitoJwtAuthorizer(stack, "Authorizer", {
          api: new RestApi(stack, "Api"),
          userPool: pool,
          userPoolClients: [web],
          extraUserPools: [{ userPool: pool, userPoolClients: [web] }],
        }),
    ).toThrow(/extraUserPools\[0\] names a user pool that is already configured/);
  });
});
