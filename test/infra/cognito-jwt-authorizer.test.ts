// The CognitoJwtAuthorizer construct on its own, the way a user drops it into their stack: its
// synth-time validation (messages that say what to change) and its authorizer options.

import { Duration, Stack } from "aws-cdk-lib";
import {
  ApiDefinition,
  AuthorizationType,
  CfnMethod,
  Deployment,
  Stage as ApiStage,
  type IAuthorizer,
  IdentitySource,
  type IRestApi,
  MockIntegration,
  RestApi,
  SpecRestApi,
} from "aws-cdk-lib/aws-apigateway";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { Annotations, Match, Template } from "aws-cdk-lib/assertions";
import { UserPool, UserPoolClient } from "aws-cdk-lib/aws-cognito";
import {
  AuthorizerEventType,
  AuthorizerTokenUse,
  CognitoJwtAuthorizer,
  type CognitoJwtAuthorizerProps,
  DEFAULT_AUTHORIZER_MEMORY_MB,
} from "../../index";
import { compileRouteRules } from "../../lambda/authorizer/route-rules";
import { HANDLER_DIST } from "../../tools/build-handler";
import { loadConfig } from "../../lambda/authorizer/config";
import { testApp } from "../helpers/cdk-app";
import { shippedAuthorizer } from "../helpers/shipped-rules";

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
    const { rules } = shippedAuthorizer(stack);
    expect(rules).toEqual([{ route: "GET /me" }, { route: "PUT /custom", scopes: ["custom/write"] }]);
  });

  test("declares its rules complete, so a {param} route with a child synthesizes with minimal policies", () => {
    // Protects: the construct proves at synth that every guarded method has a rule and vice versa, and
    // says so to the function (ROUTE_RULES_COMPLETE); hand-written rules of this shape are refused
    // without that declaration, since their cached policies could not also deny unlisted routes.
    const { stack } = fixture({
      routes: [
        { method: "GET", path: "/items/{id}", integration, rule: { groups: ["readers"] } },
        { method: "GET", path: "/items/{id}/history", integration, rule: { groups: ["auditors"] } },
      ],
    });
    const { props, rules } = shippedAuthorizer(stack);
    expect(props.Environment.Variables.ROUTE_RULES_COMPLETE).toBe("true");
    expect(() => compileRouteRules(rules)).toThrow(/cannot fail closed for unlisted routes/);
    expect(() => compileRouteRules(rules, { complete: true })).not.toThrow();
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
      /The route rules would be refused by the authorizer: rules\[0\] \("GET \/\{proxy\+\}"\) cannot be enforced under API Gateway's policy cache/,
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
    const { stack } = fixture({ tokenUse: AuthorizerTokenUse.ID });
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

describe("attaching to the API a team already has", () => {
  /** The authorizer on `api`, with no routes of its own. */
  function on(stack: Stack, api: IRestApi): CognitoJwtAuthorizer {
    return new CognitoJwtAuthorizer(stack, "Authorizer", {
      api,
      userPool: UserPool.fromUserPoolId(stack, "Pool", "us-east-1_AbC123"),
      userPoolClients: [UserPoolClient.fromUserPoolClientId(stack, "Web", "webclient1")],
    });
  }

  /** The AuthorizationType and AuthorizerId of every method, by HTTP method. */
  function methodAuth(stack: Stack): Record<string, unknown> {
    const methods = Object.values(Template.fromStack(stack).findResources("AWS::ApiGateway::Method"));
    return Object.fromEntries(
      methods.map((m) => [
        m.Properties.HttpMethod,
        [m.Properties.AuthorizationType, m.Properties.AuthorizerId],
      ]),
    );
  }

  test("protectMethod switches a method created without authorization to the authorizer, with its rule", () => {
    // Protects: a team's existing method is guarded and its rule shipped, without recreating it.
    const stack = new Stack(testApp(), "Test");
    const api = new RestApi(stack, "Api");
    const method = api.root.addResource("reports").addMethod("GET", integration);
    const authorizer = on(stack, api);
    authorizer.protectMethod(method, { groups: ["auditors"] });
    const authorizerId = Object.keys(
      Template.fromStack(stack).findResources("AWS::ApiGateway::Authorizer"),
    )[0];
    expect(methodAuth(stack)).toEqual({ GET: ["CUSTOM", { Ref: authorizerId }] });
    expect(shippedAuthorizer(stack).rules).toEqual([{ route: "GET /reports", groups: ["auditors"] }]);
  });

  test("protectMethod changes the deployment's logical id, so the stage serves the guarded method", () => {
    // Protects: API Gateway serves methods from a deployment; a changed method with the same
    // deployment id would leave the stage unguarded after `cdk deploy`.
    const deploymentId = (guard: boolean): string => {
      const stack = new Stack(testApp(), "Test");
      const api = new RestApi(stack, "Api");
      const reports = api.root.addResource("reports").addMethod("GET", integration);
      const authorizer = on(stack, api);
      api.root.addResource("other").addMethod("GET", integration, { authorizer: authorizer.authorizer });
      authorizer.addRoute({ method: "GET", path: "/other", rule: {} });
      if (guard) authorizer.protectMethod(reports, {});
      return Object.keys(Template.fromStack(stack).findResources("AWS::ApiGateway::Deployment"))[0]!;
    };
    expect(deploymentId(true)).not.toBe(deploymentId(false));
  });

  test("protectMethod refuses a method that uses other authorization, and a method of another API", () => {
    // Protects: the construct never silently replaces IAM or Cognito authorization, nor guards an API
    // its authorizer does not belong to.
    const stack = new Stack(testApp(), "Test");
    const api = new RestApi(stack, "Api");
    const iam = api.root
      .addResource("iam")
      .addMethod("GET", integration, { authorizationType: AuthorizationType.IAM });
    const other = new RestApi(stack, "Other").root.addMethod("GET", integration);
    const authorizer = on(stack, api);
    api.root.addMethod("GET", integration, { authorizer: authorizer.authorizer });
    authorizer.addRoute({ method: "GET", path: "/", rule: {} });
    expect(() => authorizer.protectMethod(iam, {})).toThrow(
      'Method "GET /iam" already uses AWS_IAM authorization: create it without authorization, or with `authorizer` set to this construct\'s `authorizer`.',
    );
    expect(() => authorizer.protectMethod(other, {})).toThrow(
      'Method "GET /" belongs to another API than this authorizer\'s.',
    );
  });

  test("a SpecRestApi from OpenAPI: methods added with CDK are guarded and checked like a RestApi's", () => {
    // Protects: teams that define their API in OpenAPI can still use the construct for the methods
    // they guard with it (an authorizer created by CDK is referenced by CDK methods only).
    const stack = new Stack(testApp(), "Test");
    const api = new SpecRestApi(stack, "Api", {
      apiDefinition: ApiDefinition.fromInline({
        openapi: "3.0.2",
        info: { title: "spec", version: "1" },
        paths: { "/ping": { get: { "x-amazon-apigateway-integration": { type: "mock" } } } },
      }),
    });
    const authorizer = on(stack, api);
    authorizer.addRoute({ method: "GET", path: "/items", integration, rule: { groups: ["readers"] } });
    api.root.addResource("orphan").addMethod("POST", integration, { authorizer: authorizer.authorizer });
    expect(() => Template.fromStack(stack)).toThrow(
      /Method "POST \/orphan" uses the authorizer but has no rule/,
    );
  });

  test("an API imported by id takes guarded methods, with the same synth-time checks", () => {
    // Protects: an API owned by another stack or created outside CDK can be guarded.
    const stack = new Stack(testApp(), "Test");
    const api = RestApi.fromRestApiAttributes(stack, "Api", { restApiId: "abc123", rootResourceId: "root1" });
    const authorizer = on(stack, api);
    authorizer.addRoute({
      method: "GET",
      path: "/items/{id}",
      integration,
      rule: { scopes: ["items/read"] },
    });
    authorizer.addRoute({ method: "DELETE", path: "/items/{id}", rule: { groups: ["admins"] } });
    expect(() => Template.fromStack(stack)).toThrow(
      'Route rule "DELETE /items/{id}" names a method that does not exist on the API',
    );
  });

  test("the public `authorizer` is an IAuthorizer that methods accept", () => {
    // Protects: the documented way to guard a method the team creates itself.
    const stack = new Stack(testApp(), "Test");
    const api = new RestApi(stack, "Api");
    const authorizer = on(stack, api);
    const asInterface: IAuthorizer = authorizer.authorizer;
    api.root.addMethod("GET", integration, { authorizer: asInterface });
    authorizer.addRoute({ method: "GET", path: "/", rule: {} });
    expect(Object.values(methodAuth(stack))).toEqual([["CUSTOM", expect.anything()]]);
  });
});

describe("what the synth-time check cannot be fooled by", () => {
  function base(api?: (stack: Stack) => IRestApi, props: Partial<CognitoJwtAuthorizerProps> = {}) {
    const app = testApp();
    const stack = new Stack(app, "Test");
    const restApi = api?.(stack) ?? new RestApi(stack, "Api");
    const authorizer = new CognitoJwtAuthorizer(stack, "Authorizer", {
      api: restApi,
      userPool: UserPool.fromUserPoolId(stack, "Pool", "us-east-1_AbC123"),
      userPoolClients: [UserPoolClient.fromUserPoolClientId(stack, "Web", "webclient1")],
      ...props,
    });
    return { app, stack, api: restApi, authorizer };
  }

  test("a route added once the rules are staged (an aspect, a second synth) is refused, never shipped without its rule", () => {
    // Protects: the rules file the function deploys with is the rule list the check validated.
    const { stack, api, authorizer } = base();
    authorizer.addRoute({ method: "GET", path: "/me", integration, rule: {} });
    Template.fromStack(stack);
    expect(() => authorizer.addRoute({ method: "GET", path: "/late", integration, rule: {} })).toThrow(
      'Route "GET /late" is added after the route rules were staged',
    );
    const late = api.root.addResource("later").addMethod("GET", integration);
    expect(() => authorizer.protectMethod(late, {})).toThrow(/added after the route rules were staged/);
  });

  test("a raw CfnMethod that uses the authorizer fails the synth: its route cannot be checked", () => {
    // Protects: an escape-hatch method is not silently served by rules that do not list it.
    const { stack, api, authorizer } = base();
    authorizer.addRoute({ method: "GET", path: "/me", integration, rule: {} });
    new CfnMethod(stack, "Raw", {
      restApiId: api.restApiId,
      resourceId: api.root.resourceId,
      httpMethod: "POST",
      authorizationType: "CUSTOM",
      authorizerId: authorizer.authorizer.authorizerId,
    });
    expect(() => Template.fromStack(stack)).toThrow(
      /Test\/Raw is a CfnMethod that uses this authorizer: create the method with Resource.addMethod/,
    );
  });

  test("rules are declared complete for an API defined in the app, not for an imported one unless asked", () => {
    // Protects: "Allow everything but" policies only where the check saw every method.
    const own = base();
    own.authorizer.addRoute({ method: "GET", path: "/me", integration, rule: {} });
    expect(shippedAuthorizer(own.stack).props.Environment.Variables.ROUTE_RULES_COMPLETE).toBe("true");
    const imported = (stack: Stack) =>
      RestApi.fromRestApiAttributes(stack, "Api", { restApiId: "abc123", rootResourceId: "root1" });
    const other = base(imported);
    other.authorizer.addRoute({ method: "GET", path: "/me", integration, rule: {} });
    expect(other.authorizer.routeRulesComplete).toBe(false);
    expect(shippedAuthorizer(other.stack).props.Environment.Variables.ROUTE_RULES_COMPLETE).toBe("false");
    const declared = base(imported, { routeRulesComplete: true });
    declared.authorizer.addRoute({ method: "GET", path: "/me", integration, rule: {} });
    expect(shippedAuthorizer(declared.stack).props.Environment.Variables.ROUTE_RULES_COMPLETE).toBe("true");
  });

  test("protectMethod redeploys the team's own Deployment too, and warns when the app deploys nothing", () => {
    // Protects: with `deploy: false` and a Deployment of the team's own, the stage still serves the
    // guarded method after `cdk deploy`.
    const deploymentId = (guard: boolean): string => {
      const { stack, api, authorizer } = base((s) => new RestApi(s, "Api", { deploy: false }));
      const reports = api.root.addResource("reports").addMethod("GET", integration);
      const deployment = new Deployment(stack, "Deployment", { api });
      new ApiStage(stack, "Stage", { deployment });
      authorizer.addRoute({ method: "GET", path: "/", integration, rule: {} });
      if (guard) authorizer.protectMethod(reports, {});
      return Object.keys(Template.fromStack(stack).findResources("AWS::ApiGateway::Deployment"))[0]!;
    };
    expect(deploymentId(true)).not.toBe(deploymentId(false));

    const { stack, api, authorizer } = base((s) =>
      RestApi.fromRestApiAttributes(s, "Api", { restApiId: "abc123", rootResourceId: "root1" }),
    );
    const method = api.root.addResource("reports").addMethod("GET", integration);
    authorizer.protectMethod(method, {});
    Annotations.fromStack(stack).hasWarning(
      "/Test/Api/Default/reports/GET",
      Match.stringLikeRegexp("this app defines no Deployment of its API"),
    );
  });

  test("the deployment package is staged for this synth only and leaves nothing behind in the assembly", () => {
    // Protects: no shared or reused folder can put other files into the function's package.
    const { app, stack, authorizer } = base();
    authorizer.addRoute({ method: "GET", path: "/me", integration, rule: { groups: ["a"] } });
    const shipped = shippedAuthorizer(stack);
    expect(readdirSync(shipped.assetDir).sort()).toEqual(["index.mjs", "index.mjs.map", "route-rules.json"]);
    expect(
      readFileSync(path.join(shipped.assetDir, "index.mjs")).equals(
        readFileSync(path.join(HANDLER_DIST, "index.mjs")),
      ),
    ).toBe(true);
    expect(readdirSync(app.outdir).filter((f) => f.includes("staging"))).toEqual([]);
  });

  test("a SpecRestApi's method added with CDK is guarded and its rule shipped", () => {
    // Protects: the positive case for OpenAPI-defined APIs.
    const { stack, authorizer } = base(
      (s) =>
        new SpecRestApi(s, "Api", {
          apiDefinition: ApiDefinition.fromInline({
            openapi: "3.0.2",
            info: { title: "spec", version: "1" },
            paths: { "/ping": { get: { "x-amazon-apigateway-integration": { type: "mock" } } } },
          }),
        }),
    );
    authorizer.addRoute({ method: "GET", path: "/items", integration, rule: { groups: ["readers"] } });
    expect(shippedAuthorizer(stack).rules).toEqual([{ route: "GET /items", groups: ["readers"] }]);
    expect(methodsUsing(stack)).toEqual(["GET"]);
  });
});

function methodsUsing(stack: Stack): string[] {
  return Object.values(Template.fromStack(stack).findResources("AWS::ApiGateway::Method"))
    .filter((m) => m.Properties.AuthorizationType === "CUSTOM")
    .map((m) => m.Properties.HttpMethod as string);
}

describe("extraUserPools (EXTRA_USER_POOLS)", () => {
  test("each extra pool reaches EXTRA_USER_POOLS with its clients, and the authorizer's config loader accepts it", () => {
    // Protects: the environment contract of several pools, as the cold start reads it.
    const app = testApp();
    const stack = new Stack(app, "Test");
    const extra = {
      userPool: UserPool.fromUserPoolId(stack, "PoolB", "eu-west-1_PoolB"),
      userPoolClients: [UserPoolClient.fromUserPoolClientId(stack, "B1", "bclient1")],
      tokenUse: AuthorizerTokenUse.ID,
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
          .Environment?.Variables?.["ROUTE_RULES_FILE"] !== undefined,
    ) as [{ Properties: { Environment: { Variables: Record<string, string> } } }];
    const env = fn.Properties.Environment.Variables;
    expect(JSON.parse(env["EXTRA_USER_POOLS"] as string)).toEqual([
      { userPoolId: "eu-west-1_PoolB", clientIds: ["bclient1"], tokenUse: "id" },
    ]);
    expect(
      loadConfig({
        ...env,
        ROUTE_RULES: "*",
        ROUTE_RULES_FILE: undefined,
        ROUTE_RULES_COMPLETE: undefined,
      }).extraPools.map((p) => p.userPoolId),
    ).toEqual(["eu-west-1_PoolB"]);
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
