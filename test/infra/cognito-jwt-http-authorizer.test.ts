// The CognitoJwtHttpAuthorizer construct on its own, the way a user drops it into a stack with an
// HttpApi: the function's configuration per response mode, the authorizer's identity source, the
// routes it creates, the rules it ships, the invoke permission, and every refusal with its message
// (the synth-time ones in the words of the function's own cold start).

import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Duration, Stack } from "aws-cdk-lib";
import {
  CfnAuthorizer,
  CfnRoute,
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  type IHttpApi,
} from "aws-cdk-lib/aws-apigatewayv2";
import { HttpIamAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import { HttpUrlIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import { Match, Template } from "aws-cdk-lib/assertions";
import { UserPool, UserPoolClient } from "aws-cdk-lib/aws-cognito";
import {
  CognitoJwtHttpAuthorizer,
  type CognitoJwtHttpAuthorizerProps,
  HttpAuthorizerResponseMode,
  PER_ROUTE_IDENTITY_SOURCE,
} from "../../index";
import { loadConfig } from "../../lambda/authorizer/config";
import type { EventFormat } from "../../lambda/authorizer/contract";
import { testApp } from "../helpers/cdk-app";
import { invokePermissionsOf, shippedAuthorizer } from "../helpers/shipped-rules";

// An integration binds to one API of one app: a fresh one per test.
let integration: HttpUrlIntegration;
beforeEach(() => {
  integration = new HttpUrlIntegration("Backend", "https://backend.example.com");
});

interface Fixture {
  readonly stack: Stack;
  readonly httpApi: IHttpApi;
  readonly authorizer: CognitoJwtHttpAuthorizer;
}

/** A stack with an HttpApi (or `api`'s), an imported pool and client, and the authorizer built with `props`. */
function fixture(
  props: Partial<CognitoJwtHttpAuthorizerProps> = {},
  api?: (stack: Stack) => IHttpApi,
): Fixture {
  const app = testApp();
  const stack = new Stack(app, "Test");
  const httpApi = api?.(stack) ?? new HttpApi(stack, "Api");
  const authorizer = new CognitoJwtHttpAuthorizer(stack, "Authorizer", {
    httpApi,
    userPool: UserPool.fromUserPoolId(stack, "Pool", "us-east-1_AbC123"),
    userPoolClients: [UserPoolClient.fromUserPoolClientId(stack, "Web", "webclient1")],
    routes: [{ method: "GET", path: "/me", integration, rule: {} }],
    ...props,
  });
  return { stack, httpApi, authorizer };
}

const formatOf = (mode: HttpAuthorizerResponseMode): EventFormat =>
  mode === HttpAuthorizerResponseMode.SIMPLE ? "http-2.0-simple" : "http-2.0-iam";

/** The shipped function's configuration, as its cold start loads it (deploy-time ids stood in for). */
function coldStart(stack: Stack, mode: HttpAuthorizerResponseMode) {
  const shipped = shippedAuthorizer(stack, Template.fromStack(stack), formatOf(mode));
  const env = Object.fromEntries(
    Object.entries(shipped.props.Environment.Variables as Record<string, unknown>).filter(
      ([, v]) => typeof v === "string",
    ),
  ) as Record<string, string>;
  return loadConfig(
    { ...env, USER_POOL_ID: "us-east-1_AbC123", CLIENT_ID: "webclient1" },
    { readRulesFile: (name) => readFileSync(path.join(shipped.assetDir, name), "utf8") },
  );
}

describe("response modes", () => {
  test("SIMPLE (the default): simple responses, payload 2.0, cached per token and route key", () => {
    // Protects: the cache trap: a cached yes for one route must not answer another route.
    const { stack } = fixture({
      routes: [
        { method: "GET", path: "/me", integration, rule: {} },
        { method: "DELETE", path: "/items/{id}", integration, rule: { groups: ["admins"] } },
      ],
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties("AWS::ApiGatewayV2::Authorizer", {
      AuthorizerType: "REQUEST",
      AuthorizerPayloadFormatVersion: "2.0",
      EnableSimpleResponses: true,
      IdentitySource: [...PER_ROUTE_IDENTITY_SOURCE],
      AuthorizerResultTtlInSeconds: 300,
    });
    const env = shippedAuthorizer(stack, template, "http-2.0-simple").props.Environment.Variables;
    expect(env).toMatchObject({
      EVENT_FORMAT: "http-2.0-simple",
      ROUTE_KEY_IN_IDENTITY_SOURCE: "true",
      ROUTE_RULES_COMPLETE: "true",
      ROUTE_RULES_FILE: "route-rules.json",
    });
    expect(coldStart(stack, HttpAuthorizerResponseMode.SIMPLE).eventFormat).toMatchObject({
      format: "http-2.0-simple",
      routeKeyInIdentitySource: true,
    });
  });

  test("IAM: policy responses over payload 2.0, the token alone as identity source, rules declared complete", () => {
    // Protects: aws-cdk-lib's HttpLambdaAuthorizer would send payload 1.0 here; the function is
    // configured for 2.0 and refuses IAM rules that are not complete.
    const { stack } = fixture({
      responseMode: HttpAuthorizerResponseMode.IAM,
      routes: [
        { method: "GET", path: "/me", integration, rule: {} },
        { method: "ANY", path: "/admin/{proxy+}", integration, rule: { groups: ["admins"] } },
      ],
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties("AWS::ApiGatewayV2::Authorizer", {
      AuthorizerPayloadFormatVersion: "2.0",
      EnableSimpleResponses: false,
      IdentitySource: ["$request.header.Authorization"],
    });
    const env = shippedAuthorizer(stack, template, "http-2.0-iam").props.Environment.Variables;
    expect(env).toMatchObject({ EVENT_FORMAT: "http-2.0-iam", ROUTE_RULES_COMPLETE: "true" });
    expect(env.ROUTE_KEY_IN_IDENTITY_SOURCE).toBeUndefined();
    expect(coldStart(stack, HttpAuthorizerResponseMode.IAM).eventFormat.format).toBe("http-2.0-iam");
  });

  test("an unknown response mode is refused", () => {
    // Protects: a typo from untyped code does not fall back to some mode.
    expect(() => fixture({ responseMode: "BOTH" as HttpAuthorizerResponseMode })).toThrow(
      'responseMode must be HttpAuthorizerResponseMode.SIMPLE or .IAM; got "BOTH".',
    );
  });
});

describe("routes and the rules file", () => {
  test("routes are created with the authorizer, and the rules file lists them and $default in order", () => {
    // Protects: routes and rules come from one list; $default gets a rule of its own (SIMPLE).
    const { stack } = fixture({
      routes: [
        { method: "GET", path: "/me", integration, rule: {} },
        { method: "GET", path: "/items/{id}", integration, rule: { scopes: ["items/read"] } },
      ],
      defaultRoute: { integration, rule: { groups: ["admins"] } },
    });
    const template = Template.fromStack(stack);
    const [authorizerId] = Object.keys(template.findResources("AWS::ApiGatewayV2::Authorizer"));
    const routes = Object.values(template.findResources("AWS::ApiGatewayV2::Route")).map((r) => r.Properties);
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(["$default", "GET /items/{id}", "GET /me"]);
    for (const route of routes) {
      expect(route).toMatchObject({ AuthorizationType: "CUSTOM", AuthorizerId: { Ref: authorizerId } });
    }
    expect(shippedAuthorizer(stack, template, "http-2.0-simple").rules).toEqual([
      { route: "GET /me" },
      { route: "GET /items/{id}", scopes: ["items/read"] },
      { route: "$default", groups: ["admins"] },
    ]);
  });

  test("a route created by hand with `authorizer` only needs its rule", () => {
    // Protects: users keep their own route options and still have the rule checked and shipped.
    const { stack, httpApi, authorizer } = fixture();
    (httpApi as HttpApi).addRoutes({
      path: "/reports",
      methods: [HttpMethod.PUT],
      integration,
      authorizer: authorizer.authorizer,
    });
    authorizer.addRoute({ method: "PUT", path: "/reports", rule: { groups: ["editors"] } });
    expect(shippedAuthorizer(stack, Template.fromStack(stack), "http-2.0-simple").rules).toEqual([
      { route: "GET /me" },
      { route: "PUT /reports", groups: ["editors"] },
    ]);
  });

  test("protectRoute switches a route created without authorization to the authorizer", () => {
    // Protects: an existing route can be guarded without recreating it.
    const { stack, httpApi, authorizer } = fixture();
    const route = new HttpRoute(stack, "Reports", {
      httpApi,
      routeKey: HttpRouteKey.with("/reports", HttpMethod.ANY),
      integration,
    });
    authorizer.protectRoute(route, { groups: ["readers"] });
    const template = Template.fromStack(stack);
    const [authorizerId] = Object.keys(template.findResources("AWS::ApiGatewayV2::Authorizer"));
    template.hasResourceProperties("AWS::ApiGatewayV2::Route", {
      RouteKey: "ANY /reports",
      AuthorizationType: "CUSTOM",
      AuthorizerId: { Ref: authorizerId },
    });
    expect(authorizer.routeRules).toEqual([
      { route: "GET /me" },
      { route: "ANY /reports", groups: ["readers"] },
    ]);
  });

  test("protectRoute refuses a route with other authorization, and a route of another API", () => {
    // Protects: IAM-authorized routes are not silently re-pointed; rules never name another API's route.
    const { stack, httpApi, authorizer } = fixture();
    const iam = new HttpRoute(stack, "Iam", {
      httpApi,
      routeKey: HttpRouteKey.with("/iam", HttpMethod.ANY),
      integration,
      authorizer: new HttpIamAuthorizer(),
    });
    expect(() => authorizer.protectRoute(iam, {})).toThrow(
      'Route "ANY /iam" already uses AWS_IAM authorization: create it without authorization, or with `authorizer` set to this construct\'s `authorizer`.',
    );
    const other = new HttpApi(stack, "Other");
    const foreign = new HttpRoute(stack, "Foreign", {
      httpApi: other,
      routeKey: HttpRouteKey.with("/x", HttpMethod.ANY),
      integration: new HttpUrlIntegration("Other", "https://other.example.com"),
    });
    expect(() => authorizer.protectRoute(foreign, {})).toThrow(
      'Route "ANY /x" belongs to another HTTP API than this authorizer\'s.',
    );
    expect(
      () =>
        new HttpRoute(stack, "Stolen", {
          httpApi: other,
          routeKey: HttpRouteKey.with("/y", HttpMethod.ANY),
          integration: new HttpUrlIntegration("Other", "https://other.example.com"),
          authorizer: authorizer.authorizer,
        }),
    ).toThrow(/A route of another HTTP API names this authorizer/);
  });

  test("an imported HTTP API takes routes too, and its rules are not declared complete unless asked", () => {
    // Protects: routes another app adds to an imported API are invisible here, so SIMPLE rules stay
    // per route key (exact without completeness) and nothing claims a complete list.
    const imported = (stack: Stack) => HttpApi.fromHttpApiAttributes(stack, "Api", { httpApiId: "abc123" });
    const { stack, authorizer } = fixture({}, imported);
    expect(authorizer.routeRulesComplete).toBe(false);
    const template = Template.fromStack(stack);
    template.hasResourceProperties("AWS::ApiGatewayV2::Route", { ApiId: "abc123", RouteKey: "GET /me" });
    expect(
      shippedAuthorizer(stack, template, "http-2.0-simple").props.Environment.Variables.ROUTE_RULES_COMPLETE,
    ).toBe("false");
  });
});

describe("the invoke permission", () => {
  test("lets API Gateway invoke the function only through this authorizer of this API", () => {
    // Protects: another API (or authorizer) of the account cannot use the function.
    const { stack } = fixture();
    const template = Template.fromStack(stack);
    const { id } = shippedAuthorizer(stack, template, "http-2.0-simple");
    const [apiId] = Object.keys(template.findResources("AWS::ApiGatewayV2::Api"));
    const [authorizerId] = Object.keys(template.findResources("AWS::ApiGatewayV2::Authorizer"));
    const permissions = invokePermissionsOf(template, id);
    expect(permissions).toHaveLength(1);
    expect(permissions[0]).toEqual({
      Action: "lambda:InvokeFunction",
      FunctionName: { "Fn::GetAtt": [id, "Arn"] },
      Principal: "apigateway.amazonaws.com",
      SourceArn: {
        "Fn::Join": [
          "",
          [
            "arn:",
            { Ref: "AWS::Partition" },
            ":execute-api:",
            { Ref: "AWS::Region" },
            ":",
            { Ref: "AWS::AccountId" },
            ":",
            { Ref: apiId },
            "/authorizers/",
            { Ref: authorizerId },
          ],
        ],
      },
    });
  });
});

describe("refusals", () => {
  test.each([
    [
      Duration.seconds(3601),
      "resultsCacheTtl must be from 0 to 3600 seconds (API Gateway's limit); got 3601 seconds.",
    ],
    [Duration.millis(1500), "resultsCacheTtl must be a whole number of seconds; got 1 second 500 millis."],
  ])("a cache TTL outside 0..3600 whole seconds is refused (%s)", (ttl, message) => {
    // Protects: a TTL API Gateway would reject fails at synth, saying what is allowed.
    expect(() => fixture({ resultsCacheTtl: ttl })).toThrow(message);
  });

  test("a cache TTL of 0 turns caching off and keeps the identity source", () => {
    // Protects: without caching API Gateway still answers 401 without a header, without invoking.
    const { stack } = fixture({ resultsCacheTtl: Duration.seconds(0) });
    Template.fromStack(stack).hasResourceProperties("AWS::ApiGatewayV2::Authorizer", {
      AuthorizerResultTtlInSeconds: 0,
      IdentitySource: [...PER_ROUTE_IDENTITY_SOURCE],
    });
  });

  test.each([
    [["$context.routeKey"], /identitySource must include \$request\.header\.Authorization/],
    [["$request.header.Authorization", "routeKey"], /"routeKey" is not an HTTP API identity source/],
    [
      ["$request.header.Authorization", "$request.header.authorization"],
      /identitySource lists an entry twice/,
    ],
  ])("identity source %j is refused", (identitySource, message) => {
    // Protects: the token is always part of the cache key, and a misspelt source is not deployed.
    expect(() => fixture({ identitySource })).toThrow(message);
  });

  test("SIMPLE with rules that differ per route but no $context.routeKey fails the synth in the cold start's words", () => {
    // Protects: one route's cached yes would answer for every route called with the same token.
    const { stack } = fixture({
      identitySource: ["$request.header.Authorization"],
      routes: [
        { method: "GET", path: "/me", integration, rule: {} },
        { method: "DELETE", path: "/items/{id}", integration, rule: { groups: ["admins"] } },
      ],
    });
    expect(() => Template.fromStack(stack)).toThrow(
      /The route rules would be refused by the authorizer's cold start: Environment variable ROUTE_RULES_FILE: the rules differ per route, .*put "\$context\.routeKey" in the authorizer's identity source/,
    );
  });

  test("SIMPLE with one rule for every route needs no route key in the identity source", () => {
    // Protects: the one configuration where the cold start accepts a token-only cache key.
    const { stack } = fixture({
      identitySource: ["$request.header.Authorization"],
      routes: [
        { method: "GET", path: "/me", integration, rule: { groups: ["staff"] } },
        { method: "GET", path: "/items", integration, rule: { groups: ["staff"] } },
      ],
    });
    expect(
      shippedAuthorizer(stack, Template.fromStack(stack), "http-2.0-simple").props.Environment.Variables
        .ROUTE_KEY_IN_IDENTITY_SOURCE,
    ).toBe("false");
    expect(coldStart(stack, HttpAuthorizerResponseMode.SIMPLE).eventFormat.routeKeyInIdentitySource).toBe(
      false,
    );
  });

  test("IAM with a $default rule fails the synth in the cold start's words", () => {
    // Protects: no IAM resource names "whatever matches no other route".
    const { stack } = fixture({
      responseMode: HttpAuthorizerResponseMode.IAM,
      defaultRoute: { integration, rule: {} },
    });
    expect(() => Template.fromStack(stack)).toThrow(
      /refused by the authorizer's cold start: .*"\$default" cannot be ruled with IAM-policy responses/,
    );
  });

  test("IAM with overlapping route paths fails the synth in the cold start's words", () => {
    // Protects: HTTP APIs and REST APIs choose differently between overlapping routes, so the
    // policies could not be proven exact under the cache.
    const { stack } = fixture({
      responseMode: HttpAuthorizerResponseMode.IAM,
      routes: [
        { method: "GET", path: "/items/{id}", integration, rule: {} },
        { method: "GET", path: "/items/mine", integration, rule: { groups: ["admins"] } },
      ],
    });
    expect(() => Template.fromStack(stack)).toThrow(/some request path matches both/);
  });

  test("IAM on an imported API is refused unless the rules are declared complete", () => {
    // Protects: the function refuses IAM rules on an HTTP API that are not complete, and completeness
    // cannot be proven for routes another app adds.
    const imported = (stack: Stack) => HttpApi.fromHttpApiAttributes(stack, "Api", { httpApiId: "abc123" });
    expect(() => fixture({ responseMode: HttpAuthorizerResponseMode.IAM }, imported)).toThrow(
      "IAM responses on an HTTP API need route rules declared complete, which cannot be proven for an imported API: " +
        "set routeRulesComplete: true if every route that uses this authorizer is defined in this app, or use " +
        "responseMode: HttpAuthorizerResponseMode.SIMPLE.",
    );
    const { stack } = fixture(
      { responseMode: HttpAuthorizerResponseMode.IAM, routeRulesComplete: true },
      imported,
    );
    expect(coldStart(stack, HttpAuthorizerResponseMode.IAM).eventFormat.format).toBe("http-2.0-iam");
  });

  test("a rule for a route that does not exist, or that does not use the authorizer, fails the synth", () => {
    // Protects: a rule without its route is a typo or a leftover; the synth names it and the fix.
    const { stack, httpApi, authorizer } = fixture();
    (httpApi as HttpApi).addRoutes({ path: "/open", methods: [HttpMethod.GET], integration });
    authorizer.addRoute({ method: "GET", path: "/open", rule: {} });
    authorizer.addRoute({ method: "GET", path: "/nowhere", rule: {} });
    const synth = () => Template.fromStack(stack);
    expect(synth).toThrow(
      'Route rule "GET /nowhere" names a route that does not exist on the HTTP API: add the route (or give the rule an integration), or remove the rule.',
    );
    expect(synth).toThrow(/Route rule "GET \/open" names a route that does not use this authorizer/);
  });

  test("a route that uses the authorizer without a rule fails the synth, a raw CfnRoute included", () => {
    // Protects: the function would deny every request to it (unknown route) in production.
    const { stack, httpApi, authorizer } = fixture();
    new CfnRoute(stack, "Raw", {
      apiId: httpApi.apiId,
      routeKey: "POST /raw",
      authorizationType: "CUSTOM",
      authorizerId: authorizer.httpAuthorizer.authorizerId,
    });
    expect(() => Template.fromStack(stack)).toThrow(/Route "POST \/raw" uses the authorizer but has no rule/);
  });

  test("a raw CfnRoute naming the authorizer by its AuthorizerId attribute is checked like one naming its Ref", () => {
    // Protects: Fn::GetAtt [authorizer, AuthorizerId] is the same authorizer to API Gateway; a route
    // using it without a rule must not slip past the check (a cached simple yes would answer it).
    const { stack, httpApi, authorizer } = fixture();
    new CfnRoute(stack, "Raw", {
      apiId: httpApi.apiId,
      routeKey: "POST /raw",
      authorizationType: "CUSTOM",
      authorizerId: (authorizer.httpAuthorizer.node.defaultChild as CfnAuthorizer).attrAuthorizerId,
    });
    expect(() => Template.fromStack(stack)).toThrow(/Route "POST \/raw" uses the authorizer but has no rule/);
  });

  test.each([undefined, "NONE", "AWS_IAM"])(
    "a raw CfnRoute naming the authorizer with AuthorizationType %s fails the synth, rule or not",
    (authorizationType) => {
      // Protects: API Gateway uses AuthorizerId only with AuthorizationType CUSTOM, so such a route
      // is not guarded by the authorizer (NONE: open to anyone) while its rule says it is.
      const { stack, httpApi, authorizer } = fixture();
      new CfnRoute(stack, "Raw", {
        apiId: httpApi.apiId,
        routeKey: "POST /raw",
        ...(authorizationType !== undefined && { authorizationType }),
        authorizerId: authorizer.httpAuthorizer.authorizerId,
      });
      authorizer.addRoute({ method: "POST", path: "/raw", rule: { groups: ["admins"] } });
      expect(() => Template.fromStack(stack)).toThrow(
        `Route "POST /raw" names this authorizer with AuthorizationType ${authorizationType ?? "NONE"}`,
      );
    },
  );

  test("protectRoute switches a route that names the authorizer with AuthorizationType NONE to CUSTOM", () => {
    // Protects: protectRoute never records a rule for a route API Gateway leaves open.
    const { stack, httpApi, authorizer } = fixture();
    const raw = new HttpRoute(stack, "Half", {
      httpApi,
      routeKey: HttpRouteKey.with("/half", HttpMethod.GET),
      integration,
    });
    (raw.node.defaultChild as CfnRoute).authorizerId = authorizer.httpAuthorizer.authorizerId;
    authorizer.protectRoute(raw, {});
    const template = Template.fromStack(stack);
    template.hasResourceProperties("AWS::ApiGatewayV2::Route", {
      RouteKey: "GET /half",
      AuthorizationType: "CUSTOM",
    });
  });

  test("a route of the authorizer with authorization scopes (HttpApi's defaultAuthorizationScopes) fails the synth", () => {
    // Protects: API Gateway checks a route's AuthorizationScopes only for JWT authorizers, so scopes
    // set there would be silently unenforced; the route's rule is where scopes go.
    const { stack } = fixture(
      { routes: [{ method: "POST", path: "/items", integration, rule: {} }] },
      (s) => new HttpApi(s, "Api", { defaultAuthorizationScopes: ["items/write"] }),
    );
    expect(() => Template.fromStack(stack)).toThrow(
      'Route "POST /items" uses this authorizer with AuthorizationScopes ["items/write"]',
    );
  });

  test("a route key defined twice on the API (HttpApi's defaultIntegration and defaultRoute) fails the synth", () => {
    // Protects: an open $default (HttpApi's defaultIntegration, no authorizer) next to the guarded one
    // passed the check, which saw the guarded one; one route per key is what API Gateway selects by.
    const { stack } = fixture(
      { defaultRoute: { integration, rule: {} } },
      (s) =>
        new HttpApi(s, "Api", {
          defaultIntegration: new HttpUrlIntegration("Open", "https://open.example.com"),
        }),
    );
    expect(() => Template.fromStack(stack)).toThrow('The HTTP API has two routes "$default"');
  });

  test("the same route twice, a malformed path, and a route added after staging are refused", () => {
    // Protects: one rule per route, in the authorizer's own route grammar, and the shipped file is
    // the list the check validated.
    const { stack, authorizer } = fixture();
    expect(() => authorizer.addRoute({ method: "GET", path: "/me", integration, rule: {} })).toThrow(
      'Route "GET /me" is declared twice; give each method and path one rule.',
    );
    expect(() => authorizer.addRoute({ method: "GET", path: "items", rule: {} })).toThrow(
      /^Route "GET items": /,
    );
    Template.fromStack(stack);
    expect(() => authorizer.addRoute({ method: "GET", path: "/late", integration, rule: {} })).toThrow(
      'Route "GET /late" is added after the route rules were staged',
    );
  });

  test("an empty scope list is refused at once, in the authorizer's words", () => {
    // Protects: `scopes: []` never silently means "no requirement".
    expect(() =>
      fixture({ routes: [{ method: "GET", path: "/me", integration, rule: { scopes: [] } }] }),
    ).toThrow(/^Route "GET \/me": "scopes" is empty/);
  });

  test("no app client is refused (the shared function checks)", () => {
    // Protects: the same prop checks as the REST construct.
    expect(() => fixture({ userPoolClients: [] })).toThrow(
      "userPoolClients must name at least one app client whose tokens the API accepts.",
    );
  });
});

describe("monitoring", () => {
  test("the dashboard graphs the HTTP API's own metrics (4xx, 5xx, Count, Latency by ApiId)", () => {
    // Protects: an operator sees the HTTP API's requests next to the authorizer's refusals.
    const { stack } = fixture();
    const template = Template.fromStack(stack);
    const [apiId] = Object.keys(template.findResources("AWS::ApiGatewayV2::Api"));
    const body = JSON.stringify(
      Object.values(template.findResources("AWS::CloudWatch::Dashboard"))[0]!.Properties.DashboardBody,
    );
    for (const metric of ["4xx", "5xx", "Count", "Latency", "IntegrationLatency"]) {
      expect(body).toContain(`\\"AWS/ApiGateway\\",\\"${metric}\\",\\"ApiId\\",\\"`);
    }
    expect(body).toContain(JSON.stringify({ Ref: apiId }));
    template.resourceCountIs("AWS::CloudWatch::Alarm", 5);
    template.hasResourceProperties("AWS::Logs::MetricFilter", {
      FilterPattern: Match.stringLikeRegexp("authorizer decision"),
    });
  });
});
