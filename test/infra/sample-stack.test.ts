// Fine-grained assertions on the sample stack's template (bundling skipped: these are about the
// template, test/integration/synth.test.ts bundles for real). Each test names the behaviour it protects.

import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Match, Template } from "aws-cdk-lib/assertions";
import { createApp } from "../../infra/app";
import { BEARER_VALIDATION_REGEX, DEFAULT_AUTHORIZER_MEMORY_MB } from "../../index";
import { HTTP_ACCESS_LOG_FIELDS } from "../../infra/constructs/protected-http-api";
import { ACCESS_LOG_FIELDS } from "../../infra/constructs/protected-rest-api";
import { loadConfig } from "../../lambda/authorizer/config";
import { PER_ROUTE_IDENTITY_SOURCE } from "../../lambda/authorizer/contract";
import { sampleRoutes } from "../../infra/routes";
import { CognitoAuthorizerSampleStack, SAMPLE_STACK_ID } from "../../infra/sample-stack";
import { compileRouteRules } from "../../lambda/authorizer/route-rules";
import { parseMethodArn } from "../../lambda/authorizer/method-arn";
import { testApp } from "../helpers/cdk-app";
import { authorizerFunctionOf, invokePermissionsOf, shippedAuthorizer } from "../helpers/shipped-rules";

function sampleStack(context: Record<string, unknown> = {}): CognitoAuthorizerSampleStack {
  const app = createApp(testApp(context));
  return app.node.findChild(SAMPLE_STACK_ID) as CognitoAuthorizerSampleStack;
}

function sampleTemplate(context: Record<string, unknown> = {}): Template {
  return Template.fromStack(sampleStack(context));
}

interface MethodInfo {
  readonly key: string;
  readonly authorizationType: unknown;
  readonly authorizerId: unknown;
}

/** Every AWS::ApiGateway::Method as "METHOD /path", resolved through the Resource parents. */
function methodsOf(template: Template): MethodInfo[] {
  const resources = template.findResources("AWS::ApiGateway::Resource");
  const pathOf = (ref: { Ref?: string; "Fn::GetAtt"?: string[] }): string => {
    if (ref["Fn::GetAtt"]?.[1] === "RootResourceId") return "";
    const resource = resources[ref.Ref ?? ""];
    if (resource === undefined) throw new Error(`unknown resource ${JSON.stringify(ref)}`);
    return `${pathOf(resource.Properties.ParentId)}/${resource.Properties.PathPart}`;
  };
  return Object.values(template.findResources("AWS::ApiGateway::Method")).map((m) => ({
    key: `${m.Properties.HttpMethod} ${pathOf(m.Properties.ResourceId) || "/"}`,
    authorizationType: m.Properties.AuthorizationType,
    authorizerId: m.Properties.AuthorizerId,
  }));
}

/** The REST API's authorizer function (ROUTE_RULES_FILE, no EVENT_FORMAT), with its logical id and Properties. */
function authorizerFunction(template: Template) {
  return authorizerFunctionOf(template);
}

describe("sample stack (default context)", () => {
  let template: Template;
  beforeAll(() => {
    template = sampleTemplate();
  });

  test("every method except GET /health and CORS preflight uses the custom authorizer", () => {
    // Protects: no route of the sample is reachable without a verified token by accident.
    const [authorizerId] = Object.keys(template.findResources("AWS::ApiGateway::Authorizer"));
    const methods = methodsOf(template);
    const open = methods.filter((m) => m.authorizationType !== "CUSTOM").map((m) => m.key);
    expect(open.filter((key) => !key.startsWith("OPTIONS ")).sort()).toEqual(["GET /health"]);
    for (const m of methods.filter((m) => m.authorizationType === "CUSTOM")) {
      expect(m.authorizerId).toEqual({ Ref: authorizerId });
    }
    expect(methods.filter((m) => m.authorizationType === "CUSTOM").length).toBe(6);
  });

  test("authorizer is TOKEN on the Authorization header, pre-validated, cached for 300 s", () => {
    // Protects: API Gateway rejects non-Bearer headers before invoking the Lambda, and the cache is
    // keyed on the token (the only identity source) for a bounded time.
    template.resourceCountIs("AWS::ApiGateway::Authorizer", 1);
    template.hasResourceProperties("AWS::ApiGateway::Authorizer", {
      Type: "TOKEN",
      IdentitySource: "method.request.header.Authorization",
      IdentityValidationExpression: BEARER_VALIDATION_REGEX,
      AuthorizerResultTtlInSeconds: 300,
      AuthorizerUri: Match.objectLike({ "Fn::Join": Match.anyValue() }),
    });
  });

  test("the validation expression accepts RFC 6750 Bearer headers and nothing else", () => {
    // Protects: real tokens are never turned away at the gateway, and junk never costs an invocation.
    const re = new RegExp(BEARER_VALIDATION_REGEX);
    for (const ok of [
      "Bearer eyJhbGciOi.eyJzdWIi.c2ln",
      "bearer a.b.c",
      "BEARER   abc~+/=",
      "Bearer abc==",
    ]) {
      expect(re.test(ok)).toBe(true);
    }
    for (const bad of [
      "Basic dXNlcjpwYXNz",
      "Bearer",
      "Bearer ",
      "Bearer a b",
      "Bearer\ta.b.c",
      "Token a.b.c",
      "Bearer a=b",
    ]) {
      expect(re.test(bad)).toBe(false);
    }
  });

  test("authorizer function: Node.js 22, arm64, ESM handler, contract environment, no runtime source maps", () => {
    // Protects: the runtime the bundle targets, and the environment contract of lambda/authorizer/config.ts
    // (never JWKS_URI in a deployed stack: the keys come from Cognito itself).
    const { props } = authorizerFunction(template);
    expect(props.Runtime).toBe("nodejs22.x");
    expect(props.Architectures).toEqual(["arm64"]);
    expect(props.Handler).toBe("index.handler");
    expect(props.MemorySize).toBe(DEFAULT_AUTHORIZER_MEMORY_MB);
    const env = props.Environment.Variables;
    expect(env).toEqual({
      USER_POOL_ID: { Ref: expect.stringMatching(/^IdentityUserPool/) },
      // The public client (users) and the machine client (client_credentials).
      CLIENT_ID: {
        "Fn::Join": [
          "",
          [
            { Ref: expect.stringMatching(/^IdentityUserPoolClient/) },
            ",",
            { Ref: expect.stringMatching(/^IdentityUserPoolMachineClient/) },
          ],
        ],
      },
      TOKEN_USE: "access",
      ROUTE_RULES_FILE: "route-rules.json",
      ROUTE_RULES_COMPLETE: "true",
      POWERTOOLS_SERVICE_NAME: "cognito-jwt-authorizer",
      POWERTOOLS_LOG_LEVEL: "INFO",
      POWERTOOLS_LOGGER_LOG_EVENT: "false",
    });
  });

  test("every function logs to its own log group with a retention", () => {
    // Protects: logs do not pile up forever, and each function's group is the one we configured.
    const groups = template.findResources("AWS::Logs::LogGroup");
    const fns = template.findResources("AWS::Lambda::Function");
    // Two authorizers (REST, HTTP API) and four backends that serve both APIs.
    expect(Object.keys(fns)).toHaveLength(6);
    for (const fn of Object.values(fns)) {
      expect(fn.Properties.Runtime).toBe("nodejs22.x");
      expect(fn.Properties.Architectures).toEqual(["arm64"]);
      const groupId = fn.Properties.LoggingConfig.LogGroup.Ref;
      expect(groups[groupId]?.Properties.RetentionInDays).toBe(30);
    }
  });

  test("API Gateway may invoke the authorizer only through this authorizer", () => {
    // Protects: the invoke permission is scoped to the authorizer's ARN, not to any API.
    const { id } = authorizerFunction(template);
    template.hasResourceProperties("AWS::Lambda::Permission", {
      Action: "lambda:InvokeFunction",
      Principal: "apigateway.amazonaws.com",
      FunctionName: { "Fn::GetAtt": [id, "Arn"] },
      SourceArn: Match.objectLike({
        "Fn::Join": ["", Match.arrayWith([Match.stringLikeRegexp("/authorizers/")])],
      }),
    });
  });

  test("user pool: admin-created users, 12+ character passwords, optional TOTP, email recovery, kept by cdk destroy", () => {
    // Protects: the pool's security posture, and that deleting the stack never deletes the users,
    // while the rollback of a failed first deploy deletes the still-empty pool (RetainExceptOnCreate;
    // deletion protection off, or Cognito would refuse that delete: see secure-user-pool.test.ts).
    template.hasResource("AWS::Cognito::UserPool", {
      DeletionPolicy: "RetainExceptOnCreate",
      UpdateReplacePolicy: "Retain",
      Properties: Match.objectLike({
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12 }) },
        MfaConfiguration: "OPTIONAL",
        EnabledMfas: ["SOFTWARE_TOKEN_MFA"],
        AccountRecoverySetting: { RecoveryMechanisms: [{ Name: "verified_email", Priority: 1 }] },
        DeletionProtection: "INACTIVE",
      }),
    });
  });

  test("groups admins, editors, readers and a resource server with items/read and items/write", () => {
    // Protects: every group and scope the route rules name exists in the pool.
    const groups = Object.values(template.findResources("AWS::Cognito::UserPoolGroup")).map(
      (g) => g.Properties.GroupName,
    );
    expect(groups.sort()).toEqual(["admins", "editors", "readers"]);
    template.hasResourceProperties("AWS::Cognito::UserPoolResourceServer", {
      Identifier: "items",
      Scopes: [
        { ScopeName: "read", ScopeDescription: Match.anyValue() },
        { ScopeName: "write", ScopeDescription: Match.anyValue() },
      ],
    });
  });

  test("app client: public, SRP + refresh only, code grant with custom scopes, no user-existence oracle", () => {
    // Protects: no secret in a public client, no password-in-the-request flow unless asked for,
    // revocable refresh tokens and short-lived access tokens.
    const [resourceServerId] = Object.keys(template.findResources("AWS::Cognito::UserPoolResourceServer"));
    template.hasResourceProperties("AWS::Cognito::UserPoolClient", {
      GenerateSecret: false,
      ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      AllowedOAuthFlows: ["code"],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: [
        "openid",
        "email",
        { "Fn::Join": ["", [{ Ref: resourceServerId }, "/read"]] },
        { "Fn::Join": ["", [{ Ref: resourceServerId }, "/write"]] },
      ],
      PreventUserExistenceErrors: "ENABLED",
      EnableTokenRevocation: true,
      AccessTokenValidity: 15,
      IdTokenValidity: 15,
      RefreshTokenValidity: 1440,
      TokenValidityUnits: { AccessToken: "minutes", IdToken: "minutes", RefreshToken: "minutes" },
    });
  });

  test("401 and 403 carry an RFC 6750 challenge and CORS headers; unknown routes are 404", () => {
    // Protects: clients (and browsers) can tell an invalid token from missing privileges.
    const cors = {
      "gatewayresponse.header.Access-Control-Allow-Origin": "'*'",
      "gatewayresponse.header.Access-Control-Expose-Headers": "'WWW-Authenticate'",
    };
    template.hasResourceProperties("AWS::ApiGateway::GatewayResponse", {
      ResponseType: "UNAUTHORIZED",
      StatusCode: "401",
      ResponseParameters: {
        ...cors,
        "gatewayresponse.header.WWW-Authenticate": `'Bearer error="invalid_token"'`,
      },
    });
    template.hasResourceProperties("AWS::ApiGateway::GatewayResponse", {
      ResponseType: "ACCESS_DENIED",
      StatusCode: "403",
      ResponseParameters: {
        ...cors,
        "gatewayresponse.header.WWW-Authenticate": `'Bearer error="insufficient_scope"'`,
      },
    });
    template.hasResourceProperties("AWS::ApiGateway::GatewayResponse", {
      ResponseType: "MISSING_AUTHENTICATION_TOKEN",
      StatusCode: "404",
      ResponseParameters: cors,
    });
    for (const type of ["DEFAULT_4XX", "DEFAULT_5XX"]) {
      template.hasResourceProperties("AWS::ApiGateway::GatewayResponse", {
        ResponseType: type,
        ResponseParameters: cors,
      });
    }
  });

  test("stage: JSON access log with the authorizer's latency, status and principal; throttled", () => {
    // Protects: every decision is traceable in the access log, and the stage has a rate limit.
    const stages = Object.values(template.findResources("AWS::ApiGateway::Stage"));
    expect(stages).toHaveLength(1);
    const stage = stages[0]!.Properties;
    const format = JSON.parse(stage.AccessLogSetting.Format);
    expect(format).toEqual(ACCESS_LOG_FIELDS);
    expect(Object.values(format)).toEqual(
      expect.arrayContaining([
        "$context.authorizer.latency",
        "$context.authorizer.status",
        "$context.authorizer.principalId",
        "$context.authorizer.error",
      ]),
    );
    expect(stage.MethodSettings).toEqual([
      expect.objectContaining({
        HttpMethod: "*",
        ResourcePath: "/*",
        ThrottlingRateLimit: 50,
        ThrottlingBurstLimit: 100,
        DataTraceEnabled: false,
      }),
    ]);
  });

  test("outputs are exactly ApiUrl, HttpApiUrl, UserPoolId, UserPoolClientId, MachineClientId, Region, without exports", () => {
    // Protects: the names the README, the e2e suite and the local stack read. (TokenEndpoint only
    // with a Cognito domain: see the test of cognitoDomainPrefix.)
    const outputs = template.findOutputs("*");
    expect(Object.keys(outputs).sort()).toEqual([
      "ApiUrl",
      "HttpApiUrl",
      "MachineClientId",
      "Region",
      "UserPoolClientId",
      "UserPoolId",
    ]);
    expect(outputs.MachineClientId!.Value).toEqual({
      Ref: expect.stringMatching(/^IdentityUserPoolMachineClient/),
    });
    for (const output of Object.values(outputs)) expect(output.Export).toBeUndefined();
    expect(outputs.UserPoolId!.Value).toEqual({ Ref: expect.stringMatching(/^IdentityUserPool/) });
    expect(outputs.UserPoolClientId!.Value).toEqual({
      Ref: expect.stringMatching(/^IdentityUserPoolClient/),
    });
    expect(outputs.Region!.Value).toEqual({ Ref: "AWS::Region" });
  });

  test("sets the account's API Gateway CloudWatch Logs role, before the stage that logs", () => {
    // Protects: the first `cdk deploy` on a fresh account and region, where API Gateway refuses the
    // access-logging stage until the account names a CloudWatch Logs role.
    template.resourceCountIs("AWS::ApiGateway::Account", 1);
    const [accountId] = Object.keys(template.findResources("AWS::ApiGateway::Account"));
    template.hasResource("AWS::ApiGateway::Stage", { DependsOn: Match.arrayWith([accountId]) });
  });

  test("cdk destroy keeps exactly the user pool, the two access log groups, the CloudWatch role and the account setting", () => {
    // Protects: the README's list of what remains after `cdk destroy` (and the commands that remove
    // it); a new stateful resource must be added there, and to this list, on purpose.
    const kept = Object.entries(
      template.toJSON().Resources as Record<string, { Type: string; DeletionPolicy?: string }>,
    )
      .filter(([, r]) => r.DeletionPolicy === "Retain" || r.DeletionPolicy === "RetainExceptOnCreate")
      .map(([id, r]) => `${r.Type} ${id}`)
      .sort();
    expect(kept).toEqual([
      expect.stringMatching(/^AWS::ApiGateway::Account ApiAccount/),
      expect.stringMatching(/^AWS::Cognito::UserPool IdentityUserPool/),
      expect.stringMatching(/^AWS::IAM::Role ApiCloudWatchRole/),
      expect.stringMatching(/^AWS::Logs::LogGroup ApiAccessLogs/),
      expect.stringMatching(/^AWS::Logs::LogGroup HttpApiAccessLogs/),
    ]);
  });

  test("a failed first deploy leaves only the CloudWatch role and the account setting behind", () => {
    // Protects: retrying `cdk deploy` after a failed create needs no manual cleanup of pools or log
    // groups (their DeletionPolicy is RetainExceptOnCreate); only the account-wide role stays, so
    // that a setting other APIs may rely on never names a deleted role.
    const retainedOnRollback = Object.values(
      template.toJSON().Resources as Record<string, { Type: string; DeletionPolicy?: string }>,
    )
      .filter((r) => r.DeletionPolicy === "Retain")
      .map((r) => r.Type)
      .sort();
    expect(retainedOnRollback).toEqual(["AWS::ApiGateway::Account", "AWS::IAM::Role"]);
  });

  test("the user pool keeps its logical id", () => {
    // Protects: renaming a construct on the path would make CloudFormation create a new, empty pool.
    expect(Object.keys(template.findResources("AWS::Cognito::UserPool"))).toEqual([
      "IdentityUserPool96FE3B9B",
    ]);
  });
});

describe("sample HTTP API", () => {
  let stack: CognitoAuthorizerSampleStack;
  let template: Template;
  beforeAll(() => {
    stack = sampleStack();
    template = Template.fromStack(stack);
  });
  const routesOf = (t: Template) =>
    Object.values(t.findResources("AWS::ApiGatewayV2::Route")).map((r) => r.Properties);

  test("has the REST API's routes, every one but GET /health behind the HTTP authorizer", () => {
    // Protects: both APIs expose the same table, and no HTTP API route is open by accident.
    template.resourceCountIs("AWS::ApiGatewayV2::Api", 1);
    template.resourceCountIs("AWS::ApiGatewayV2::Authorizer", 1);
    const [authorizerId] = Object.keys(template.findResources("AWS::ApiGatewayV2::Authorizer"));
    const routes = routesOf(template);
    const restKeys = methodsOf(template)
      .map((m) => m.key)
      .filter((key) => !key.startsWith("OPTIONS "));
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(restKeys.sort());
    for (const r of routes) {
      if (r.RouteKey === "GET /health") {
        expect(r.AuthorizationType).toBe("NONE");
      } else {
        expect(r).toMatchObject({ AuthorizationType: "CUSTOM", AuthorizerId: { Ref: authorizerId } });
      }
    }
  });

  test("authorizer: Lambda REQUEST, payload 2.0, simple responses, cached per token and route key for 300 s", () => {
    // Protects: the cache trap of simple responses: a cached yes for one route never answers another.
    template.hasResourceProperties("AWS::ApiGatewayV2::Authorizer", {
      AuthorizerType: "REQUEST",
      AuthorizerPayloadFormatVersion: "2.0",
      EnableSimpleResponses: true,
      IdentitySource: [...PER_ROUTE_IDENTITY_SOURCE],
      AuthorizerResultTtlInSeconds: 300,
    });
    const env = authorizerFunctionOf(template, "http-2.0-simple").props.Environment.Variables;
    expect(env).toMatchObject({
      EVENT_FORMAT: "http-2.0-simple",
      ROUTE_KEY_IN_IDENTITY_SOURCE: "true",
      ROUTE_RULES_COMPLETE: "true",
      USER_POOL_ID: { Ref: expect.stringMatching(/^IdentityUserPool/) },
    });
  });

  test("ships the same rules as the REST authorizer, and its configuration passes the function's cold start", () => {
    // Protects: one route table for both APIs, and a deployed HTTP authorizer that starts.
    const rest = shippedAuthorizer(stack, template).rules;
    const http = shippedAuthorizer(stack, template, "http-2.0-simple");
    expect(http.rules).toEqual(rest);
    const env = http.props.Environment.Variables as Record<string, unknown>;
    const plain = Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === "string")) as Record<
      string,
      string
    >;
    const config = loadConfig(
      { ...plain, USER_POOL_ID: "us-east-1_AbC123", CLIENT_ID: "client1" },
      { readRulesFile: (name) => readFileSync(path.join(http.assetDir, name), "utf8") },
    );
    expect(config.eventFormat).toMatchObject({ format: "http-2.0-simple", routeKeyInIdentitySource: true });
  });

  test("API Gateway may invoke the HTTP authorizer's function only through this authorizer of this API", () => {
    // Protects: the invoke permission names the API and the authorizer, not any API of the account.
    const { id } = authorizerFunctionOf(template, "http-2.0-simple");
    const [apiId] = Object.keys(template.findResources("AWS::ApiGatewayV2::Api"));
    const [authorizerId] = Object.keys(template.findResources("AWS::ApiGatewayV2::Authorizer"));
    const permissions = invokePermissionsOf(template, id);
    expect(permissions).toHaveLength(1);
    const sourceArn = JSON.stringify(permissions[0].SourceArn);
    expect(sourceArn).toContain(JSON.stringify({ Ref: apiId }));
    expect(sourceArn).toContain('"/authorizers/",' + JSON.stringify({ Ref: authorizerId }));
  });

  test("backends: the REST API's functions, through payload format 2.0 integrations", () => {
    // Protects: one backend per route for both APIs, and the payload the backends read (lambda/api/http.ts).
    const integrations = Object.values(template.findResources("AWS::ApiGatewayV2::Integration"));
    expect(integrations).toHaveLength(4);
    const backends = Object.keys(template.findResources("AWS::Lambda::Function")).filter((id) =>
      id.startsWith("Backend"),
    );
    for (const integration of integrations) {
      expect(integration.Properties).toMatchObject({
        IntegrationType: "AWS_PROXY",
        PayloadFormatVersion: "2.0",
      });
      const target = integration.Properties.IntegrationUri["Fn::GetAtt"][0] as string;
      expect(backends).toContain(target);
    }
  });

  test("$default stage: auto-deployed, JSON access log with the authorizer's error and principal, throttled", () => {
    // Protects: every change is served without a manual deployment, and every request is traceable.
    const stages = Object.values(template.findResources("AWS::ApiGatewayV2::Stage"));
    expect(stages).toHaveLength(1);
    const stage = stages[0]!.Properties;
    expect(stage).toMatchObject({
      StageName: "$default",
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
    expect(JSON.parse(stage.AccessLogSettings.Format)).toEqual(HTTP_ACCESS_LOG_FIELDS);
    expect(Object.values(HTTP_ACCESS_LOG_FIELDS)).toEqual(
      expect.arrayContaining(["$context.authorizer.error", "$context.authorizer.sub", "$context.routeKey"]),
    );
  });

  test("CORS preflights as the REST API's: the same origin, any method, Authorization and Content-Type", () => {
    // Protects: a browser app can call either API with a bearer token.
    template.hasResourceProperties("AWS::ApiGatewayV2::Api", {
      ProtocolType: "HTTP",
      CorsConfiguration: {
        AllowOrigins: ["*"],
        AllowMethods: ["*"],
        AllowHeaders: ["Authorization", "Content-Type"],
      },
    });
  });

  test("HttpApiUrl is the $default stage's URL: no stage segment", () => {
    // Protects: the URL the README's curl lines and the local stack's outputs use.
    const [apiId] = Object.keys(template.findResources("AWS::ApiGatewayV2::Api"));
    expect(template.findOutputs("HttpApiUrl").HttpApiUrl!.Value).toEqual({
      "Fn::Join": [
        "",
        [
          "https://",
          { Ref: apiId },
          ".execute-api.",
          { Ref: "AWS::Region" },
          ".",
          { Ref: "AWS::URLSuffix" },
          "/",
        ],
      ],
    });
  });
});

describe("sample stack variants (context)", () => {
  test("httpApi=false leaves the HTTP API out and keeps the REST stack as it is", () => {
    // Protects: the switch for the Regions without AWS::ApiGatewayV2 removes exactly the HTTP API:
    // no AWS::ApiGatewayV2 resource, no second authorizer function, no HttpApiUrl, the same REST ids.
    const withHttp = sampleTemplate().toJSON().Resources as Record<string, { Type: string }>;
    const template = sampleTemplate({ httpApi: "false" });
    const resources = template.toJSON().Resources as Record<string, { Type: string }>;
    expect(Object.values(resources).filter((r) => r.Type.startsWith("AWS::ApiGatewayV2::"))).toEqual([]);
    expect(Object.keys(template.findOutputs("*"))).not.toContain("HttpApiUrl");
    const restIds = Object.keys(withHttp).filter((id) => !id.startsWith("Http"));
    expect(Object.keys(resources).sort()).toEqual(restIds.sort());
  });

  test("allowUserPasswordAuth=true adds USER_PASSWORD_AUTH (and only that flow) to the client", () => {
    // Protects: the CLI walk-through switch does exactly one thing.
    const template = sampleTemplate({ allowUserPasswordAuth: "true" });
    template.hasResourceProperties("AWS::Cognito::UserPoolClient", {
      ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    });
  });

  test("apiGatewayCloudWatchRole=false leaves the account setting alone: no role, no AWS::ApiGateway::Account", () => {
    // Protects: accounts whose API Gateway settings belong to someone else (a platform team,
    // another stack) are not touched when the user says so.
    const template = sampleTemplate({ apiGatewayCloudWatchRole: "false" });
    template.resourceCountIs("AWS::ApiGateway::Account", 0);
    expect(
      Object.keys(template.findResources("AWS::IAM::Role")).filter((id) => id.includes("CloudWatch")),
    ).toEqual([]);
    template.hasResource("AWS::ApiGateway::Stage", { DependsOn: Match.absent() });
  });

  test("userPoolDeletionProtection=true turns deletion protection on and never deletes the pool", () => {
    // Protects: the hardening step the README gives for a pool that holds users.
    sampleTemplate({ userPoolDeletionProtection: "true" }).hasResource("AWS::Cognito::UserPool", {
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
      Properties: Match.objectLike({ DeletionProtection: "ACTIVE" }),
    });
  });

  test("an existing user pool and client are used as given, and nothing Cognito is created", () => {
    // Protects: `-c userPoolId=... -c userPoolClientId=...` never creates or touches a pool.
    const template = sampleTemplate({ userPoolId: "eu-west-1_AbC123xyz", userPoolClientId: "abc123def456" });
    template.resourceCountIs("AWS::Cognito::UserPool", 0);
    template.resourceCountIs("AWS::Cognito::UserPoolClient", 0);
    template.resourceCountIs("AWS::Cognito::UserPoolGroup", 0);
    const env = authorizerFunction(template).props.Environment.Variables;
    expect(env.USER_POOL_ID).toBe("eu-west-1_AbC123xyz");
    expect(env.CLIENT_ID).toBe("abc123def456");
    const outputs = template.findOutputs("*");
    expect(outputs.UserPoolId!.Value).toBe("eu-west-1_AbC123xyz");
    expect(outputs.UserPoolClientId!.Value).toBe("abc123def456");
    expect(outputs.Region!.Value).toBe("eu-west-1");
  });
});

describe("second user pool (secondUserPool=true)", () => {
  const refOf = (template: Template, type: string, prefix: string): string => {
    const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
    expect(ids).toHaveLength(1);
    return ids[0]!;
  };

  test("is off by default: one pool, no EXTRA_USER_POOLS, no Second* outputs", () => {
    // Protects: the default template (and everything built on it) stays as it is.
    const template = sampleTemplate({});
    template.resourceCountIs("AWS::Cognito::UserPool", 1);
    expect(authorizerFunction(template).props.Environment.Variables.EXTRA_USER_POOLS).toBeUndefined();
    const outputs = Object.keys(template.findOutputs("*"));
    expect(outputs.filter((key) => key.startsWith("Second"))).toEqual([]);
  });

  test("adds a pool with the same groups and its own public client, and keeps the first pool's ids", () => {
    // Protects: the rules' groups exist in the second pool too (its users pass the same rules),
    // and switching it on never replaces the first, stateful pool.
    const template = sampleTemplate({ secondUserPool: "true", allowUserPasswordAuth: "true" });
    const second = refOf(template, "AWS::Cognito::UserPool", "SecondIdentityUserPool");
    expect(Object.keys(template.findResources("AWS::Cognito::UserPool")).sort()).toEqual([
      "IdentityUserPool96FE3B9B",
      second,
    ]);
    const groups = Object.values(
      template.findResources("AWS::Cognito::UserPoolGroup", { Properties: { UserPoolId: { Ref: second } } }),
    ).map((g) => (g.Properties as { GroupName: string }).GroupName);
    expect(groups.sort()).toEqual(["admins", "editors", "readers"]);
    template.hasResourceProperties("AWS::Cognito::UserPoolClient", {
      UserPoolId: { Ref: second },
      GenerateSecret: false,
      ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    });
    // No machine client, no resource server in the second pool: its callers are users.
    expect(
      Object.keys(template.findResources("AWS::Cognito::UserPoolClient")).filter((id) =>
        id.startsWith("SecondIdentity"),
      ),
    ).toHaveLength(1);
    template.resourceCountIs("AWS::Cognito::UserPoolResourceServer", 1);
  });

  test("passes the second pool and only its client to the authorizer as EXTRA_USER_POOLS", () => {
    // Protects: the second pool's tokens are accepted, and only for its own client (CLIENT_ID keeps
    // the first pool's clients only).
    const template = sampleTemplate({ secondUserPool: "true" });
    const second = refOf(template, "AWS::Cognito::UserPool", "SecondIdentityUserPool");
    const secondClient = refOf(template, "AWS::Cognito::UserPoolClient", "SecondIdentityUserPoolClient");
    const env = authorizerFunction(template).props.Environment.Variables;
    expect(env.USER_POOL_ID).toEqual({ Ref: "IdentityUserPool96FE3B9B" });
    expect(JSON.stringify(env.CLIENT_ID)).not.toContain(secondClient);
    expect(env.EXTRA_USER_POOLS).toEqual({
      "Fn::Join": [
        "",
        ['[{"userPoolId":"', { Ref: second }, '","clientIds":["', { Ref: secondClient }, '"]}]'],
      ],
    });
    const outputs = template.findOutputs("*");
    expect(outputs.SecondUserPoolId?.Value).toEqual({ Ref: second });
    expect(outputs.SecondUserPoolClientId?.Value).toEqual({ Ref: secondClient });
  });

  test("the HTTP API's authorizer accepts the same pools and clients as the REST API's", () => {
    // Protects: a second pool's users reach both APIs, not only the REST one.
    const template = sampleTemplate({ secondUserPool: "true" });
    const rest = authorizerFunction(template).props.Environment.Variables;
    const http = authorizerFunctionOf(template, "http-2.0-simple").props.Environment.Variables;
    for (const name of ["USER_POOL_ID", "CLIENT_ID", "TOKEN_USE", "EXTRA_USER_POOLS"]) {
      expect(http[name]).toEqual(rest[name]);
    }
    expect(http.EXTRA_USER_POOLS).toBeDefined();
  });

  test("userPoolDeletionProtection protects both pools", () => {
    // Protects: the hardening step the README gives covers the second pool's users too.
    const pools = sampleTemplate({
      secondUserPool: "true",
      userPoolDeletionProtection: "true",
    }).findResources("AWS::Cognito::UserPool");
    expect(Object.values(pools).map((p) => [p.DeletionPolicy, p.Properties.DeletionProtection])).toEqual([
      ["Retain", "ACTIVE"],
      ["Retain", "ACTIVE"],
    ]);
  });
});

describe("machine client", () => {
  test("is confidential, with the client_credentials grant only and exactly the items scopes", () => {
    // Protects: machine-to-machine callers can get a token with the scopes the items rules name,
    // and the client can do nothing else (no user sign-in flows, no authorization code).
    const template = sampleTemplate({});
    const machine = Object.entries(template.findResources("AWS::Cognito::UserPoolClient")).filter(([id]) =>
      id.startsWith("IdentityUserPoolMachineClient"),
    );
    expect(machine).toHaveLength(1);
    const [, resource] = machine[0] as [string, { Properties: Record<string, unknown> }];
    expect(resource.Properties).toMatchObject({
      GenerateSecret: true,
      AllowedOAuthFlows: ["client_credentials"],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: [
        { "Fn::Join": ["", [{ Ref: expect.stringMatching(/^IdentityResourceServer/) }, "/read"]] },
        { "Fn::Join": ["", [{ Ref: expect.stringMatching(/^IdentityResourceServer/) }, "/write"]] },
      ],
    });
  });

  test("a Cognito domain adds the TokenEndpoint output (the pool domain's /oauth2/token)", () => {
    // Protects: `npm run token -- --client --outputs cdk-outputs.json` finds the deployed endpoint.
    const outputs = sampleTemplate({ cognitoDomainPrefix: "items-sample-test" }).findOutputs("*");
    expect(JSON.stringify(outputs.TokenEndpoint?.Value)).toContain("/oauth2/token");
  });
});

describe.each([
  { name: "default (the scope or the group)", context: {}, requireOAuthScopes: false },
  { name: "requireOAuthScopes=true", context: { requireOAuthScopes: "true" }, requireOAuthScopes: true },
])("route rules shipped with the function, $name", ({ context, requireOAuthScopes }) => {
  let template: Template;
  let rules: {
    route: string;
    scopes?: readonly string[];
    groups?: readonly string[];
    anyOf?: readonly { scopes?: readonly string[]; groups?: readonly string[] }[];
  }[];
  beforeAll(() => {
    const stack = sampleStack(context);
    template = Template.fromStack(stack);
    rules = shippedAuthorizer(stack, template).rules;
  });

  test("equals the rules derived from the route table (every route but the public one)", () => {
    // Protects: the function enforces exactly the table that created the methods.
    const expected = sampleRoutes({ requireOAuthScopes }).flatMap((r) =>
      r.access === "public" ? [] : [{ route: `${r.method} ${r.path}`, ...r.access }],
    );
    expect(rules).toEqual(expected);
  });

  test("has a rule for every guarded method and a guarded method for every rule", () => {
    // Protects: no rule for a route that does not exist, no guarded method without a rule (it would
    // be denied to everyone), checked on the template the local gateway and CloudFormation read.
    const guarded = methodsOf(template)
      .filter((m) => m.authorizationType === "CUSTOM")
      .map((m) => m.key);
    expect(rules.map((r) => r.route).sort()).toEqual(guarded.sort());
  });

  test("is accepted by the authorizer's own rule compiler", () => {
    // Protects: the deployed function starts (a refused ROUTE_RULES fails the cold start).
    expect(() => compileRouteRules(rules, { complete: true })).not.toThrow();
  });

  test("keeps the sensitive routes to admins and leaves /health out", () => {
    // Protects: the two routes that must never widen, whichever rule profile is chosen.
    const byRoute = new Map(rules.map((r) => [r.route, r]));
    expect(byRoute.get("DELETE /items/{id}")).toEqual({ route: "DELETE /items/{id}", groups: ["admins"] });
    expect(byRoute.get("ANY /admin/{proxy+}")).toEqual({ route: "ANY /admin/{proxy+}", groups: ["admins"] });
    expect(byRoute.get("GET /me")).toEqual({ route: "GET /me" });
    expect(byRoute.has("GET /health")).toBe(false);
  });

  test("names only groups and scopes the user pool defines", () => {
    // Protects: a rule naming a group or scope nobody can have would deny everyone.
    const groups = Object.values(template.findResources("AWS::Cognito::UserPoolGroup")).map(
      (g) => g.Properties.GroupName,
    );
    for (const rule of rules) {
      for (const alternative of rule.anyOf ?? [rule]) {
        for (const group of alternative.groups ?? []) expect(groups).toContain(group);
        for (const scope of alternative.scopes ?? []) expect(["items/read", "items/write"]).toContain(scope);
      }
    }
  });

  test("lets machine clients (scopes, no groups) and password users (groups, no custom scopes) both read items", () => {
    // Protects: the default profile serves both kinds of callers; requireOAuthScopes serves OAuth sign-in.
    const compiled = compileRouteRules(rules);
    const arn = (method: string, path: string) =>
      parseMethodArn(`arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/${method}${path}`);
    const machine = { scopes: new Set(["items/read"]), groups: new Set<string>() };
    const reader = { scopes: new Set(["aws.cognito.signin.user.admin"]), groups: new Set(["readers"]) };
    expect(compiled.decide(machine, arn("GET", "/items")).allowed).toBe(true);
    expect(compiled.decide(machine, arn("POST", "/items")).allowed).toBe(false);
    expect(compiled.decide(reader, arn("GET", "/items")).allowed).toBe(!requireOAuthScopes);
  });
});
