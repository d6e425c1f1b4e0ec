// infra/app.ts: the context switches, validated with messages that say what to pass, and the
// cdk-nag AwsSolutions checks on the whole app (no unacknowledged finding, each with a reason).

import { Stack, Token, Validations } from "aws-cdk-lib";
import { LambdaIntegration, RestApi } from "aws-cdk-lib/aws-apigateway";
import { Template } from "aws-cdk-lib/assertions";
import { Code, Function as LambdaFunction, Runtime } from "aws-cdk-lib/aws-lambda";
import { AwsSolutionsChecks } from "cdk-nag";
import { createApp, environmentFromContext, propsFromContext } from "../../infra/app";
import { SAMPLE_STACK_ID } from "../../infra/sample-stack";
import { environmentLiterals } from "../helpers/environment-literals";
import { testApp } from "../helpers/cdk-app";

describe("context validation", () => {
  test.each([
    [{ userPoolId: "us-east-1_AbC123" }, /userPoolId and userPoolClientId go together/],
    [{ userPoolClientId: "abc123" }, /userPoolId and userPoolClientId go together/],
    [
      { userPoolId: "AbC123", userPoolClientId: "abc123" },
      /"AbC123" is not a Cognito user pool id like us-east-1_AbC123/,
    ],
    [{ userPoolId: "us-east-1_AbC123", userPoolClientId: "abc-123" }, /"abc-123" is not an app client id/],
    [
      { userPoolId: "us-east-1_AbC123", userPoolClientId: "abc123", allowUserPasswordAuth: "true" },
      /Context allowUserPasswordAuth configures a user pool the stack creates; it cannot be combined with userPoolId/,
    ],
    [{ allowUserPasswordAuth: "yes" }, /Context allowUserPasswordAuth must be true or false; got "yes"/],
    [{ requireOAuthScopes: 1 }, /Context requireOAuthScopes must be true or false; got 1/],
    [{ cognitoDomainPrefix: "My_Domain" }, /cognitoDomainPrefix "My_Domain" must be lowercase letters/],
    [
      { callbackUrls: "http://example.com/cb" },
      /"http:\/\/example.com\/cb" must be https \(plain http only for localhost\)/,
    ],
    // Cognito's rules (infra/constructs/cognito-rules.ts, which cites them), through the context:
    [
      { callbackUrls: "https://app.example.com/cb#done" },
      /^Context callbackUrls "https:\/\/app.example.com\/cb#done" has a fragment/,
    ],
    [{ callbackUrls: "https://app.example.com/cb," }, /^Context callbackUrls has an empty entry/],
    [
      { logoutUrls: "https://app.example.com/signed out" },
      /^Context logoutUrls "https:\/\/app.example.com\/signed out" contains spaces or control characters/,
    ],
    [
      { cognitoDomainPrefix: "my-cognito-app" },
      /^Context cognitoDomainPrefix "my-cognito-app" contains "cognito", which Cognito reserves/,
    ],
    [
      { userPoolId: "us-east-1_AbC123", userPoolClientId: "abc123", logoutUrls: "https://app.example.com/" },
      /Context logoutUrls configures a user pool the stack creates; it cannot be combined with userPoolId/,
    ],
    [{ apiGatewayCloudWatchRole: "no" }, /Context apiGatewayCloudWatchRole must be true or false; got "no"/],
    [
      { userPoolId: "us-east-1_AbC123", userPoolClientId: "abc123", userPoolDeletionProtection: "true" },
      /Context userPoolDeletionProtection configures a user pool the stack creates/,
    ],
    [
      { userPoolId: "us-east-1_AbC123", userPoolClientId: "abc123", secondUserPool: "true" },
      /Context secondUserPool configures a user pool the stack creates/,
    ],
    [{ secondUserPool: "2" }, /Context secondUserPool must be true or false; got "2"/],
    [{ account: "12345" }, /Context account "12345" is not a 12-digit AWS account id/],
    [{ region: "Europe" }, /Context region "Europe" is not an AWS Region code like eu-west-1/],
  ])("%j is refused", (context, message) => {
    // Protects: a mistyped switch fails before anything is built, saying what to pass instead.
    expect(() => createApp(testApp(context))).toThrow(message);
  });

  test("valid switches become typed stack props", () => {
    // Protects: strings from `-c key=value` arrive as the booleans and lists the stack expects.
    expect(
      propsFromContext(
        testApp({
          allowUserPasswordAuth: "true",
          requireOAuthScopes: "false",
          cognitoDomainPrefix: "my-sample-auth",
          callbackUrls: "https://app.example.com/cb, http://localhost:3000/cb",
          apiGatewayCloudWatchRole: "false",
          userPoolDeletionProtection: "true",
        }),
      ),
    ).toEqual({
      existingUserPool: undefined,
      allowUserPasswordAuth: true,
      requireOAuthScopes: false,
      cognitoDomainPrefix: "my-sample-auth",
      callbackUrls: ["https://app.example.com/cb", "http://localhost:3000/cb"],
      apiGatewayCloudWatchRole: false,
      userPoolDeletionProtection: true,
    });
  });
});

describe("environment", () => {
  // What the CDK CLI puts in the app's environment on a machine with no AWS configuration:
  // CDK_DEFAULT_REGION falls back to us-east-1 (and CDK_DEFAULT_ACCOUNT is set whenever credentials are).
  const CLI_DEFAULTS = { CDK_DEFAULT_REGION: "us-east-1", CDK_DEFAULT_ACCOUNT: "123456789012" };
  const saved = { ...process.env };
  beforeEach(() => Object.assign(process.env, CLI_DEFAULTS));
  afterEach(() => {
    for (const key of Object.keys(CLI_DEFAULTS)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  test("without account and region context the template names no Region and no account, even with the CLI's defaults set", () => {
    // Protects: `cdk synth` on a laptop without AWS configuration produces a template that deploys
    // to any account and Region (AWS::Region and AWS::AccountId), not one silently pinned to us-east-1.
    // Arrange
    const app = createApp(testApp({}));
    // Act
    const stack = app.node.findChild(SAMPLE_STACK_ID) as Stack;
    const template = Template.fromStack(stack).toJSON();
    // Assert
    expect(Token.isUnresolved(stack.region)).toBe(true);
    expect(Token.isUnresolved(stack.account)).toBe(true);
    expect(environmentLiterals(template)).toEqual([]);
  });

  test("-c account=... -c region=... pins the stack to that environment", () => {
    // Protects: a user who wants a pinned production stack still gets one, named in its ARNs.
    // Arrange
    const app = createApp(testApp({ account: "210987654321", region: "eu-west-1" }));
    // Act
    const stack = app.node.findChild(SAMPLE_STACK_ID) as Stack;
    const template = Template.fromStack(stack);
    // Assert
    expect([stack.account, stack.region]).toEqual(["210987654321", "eu-west-1"]);
    expect(template.findOutputs("Region").Region?.Value).toBe("eu-west-1");
    expect(environmentLiterals(template.toJSON()).join("\n")).toMatch(
      /arn:aws:execute-api:eu-west-1:210987654321:/,
    );
  });

  test("an account or a region alone pins only that half", () => {
    // Protects: -c region=... does not invent an account (and the other way round).
    expect(environmentFromContext(testApp({ region: "ap-southeast-2" }))).toEqual({
      account: undefined,
      region: "ap-southeast-2",
    });
    expect(environmentFromContext(testApp({ account: "210987654321" }))).toEqual({
      account: "210987654321",
      region: undefined,
    });
  });
});

describe("redirect URLs from the context", () => {
  test("custom-scheme and loopback URLs reach the created app client", () => {
    // Protects: native apps (myapp://, which Cognito allows) and 127.0.0.1 can be configured with
    // `-c callbackUrls=... -c logoutUrls=...`; the context used to refuse custom schemes.
    const app = createApp(
      testApp({
        callbackUrls: "myapp://callback, http://127.0.0.1:3000/cb",
        logoutUrls: "myapp://signed-out",
      }),
    );
    const template = Template.fromStack(app.node.findChild(SAMPLE_STACK_ID) as Stack);
    template.hasResourceProperties("AWS::Cognito::UserPoolClient", {
      CallbackURLs: ["myapp://callback", "http://127.0.0.1:3000/cb"],
      LogoutURLs: ["myapp://signed-out"],
    });
  });
});

describe("cdk-nag AwsSolutions", () => {
  test("the app has no unacknowledged finding, and it synthesizes with the checks registered", () => {
    // Protects: security regressions (a new public method, a wildcard policy, ...) fail the build.
    // cdk-nag 3 reports through CDK's policy validation, not annotations: validateScope is its report.
    const app = createApp(testApp({}));
    const stack = app.node.findChild(SAMPLE_STACK_ID);
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations).toEqual([]);
    expect(report.success).toBe(true);
    expect(() => app.synth()).not.toThrow();
  });

  test.each([
    { apiGatewayCloudWatchRole: "false" },
    { userPoolDeletionProtection: "true", requireOAuthScopes: "true", cognitoDomainPrefix: "my-sample-auth" },
    { userPoolId: "eu-west-1_AbC123xyz", userPoolClientId: "abc123def456" },
    { secondUserPool: "true", allowUserPasswordAuth: "true", userPoolDeletionProtection: "true" },
    { account: "210987654321", region: "eu-west-1" },
  ])("with %j the app has no unacknowledged finding either", (context) => {
    // Protects: acknowledgements that match only the default template (an ARN naming AWS::Partition,
    // a role that exists only with the CloudWatch role on) would fail the switches users deploy with.
    const stack = createApp(testApp(context)).node.findChild(SAMPLE_STACK_ID);
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });

  test("every acknowledgement sits on a specific construct, never the stack, with a real reason", () => {
    // Protects: suppressions stay beside their resource and say why.
    const stack = createApp(testApp({})).node.findChild(SAMPLE_STACK_ID);
    const acknowledged: { path: string; id: string; reason: string }[] = [];
    for (const construct of stack.node.findAll()) {
      for (const entry of construct.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
          acknowledged.push({ path: construct.node.path, id, reason });
        }
      }
    }
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const { path, id, reason } of acknowledged) {
      expect(path).not.toBe(SAMPLE_STACK_ID);
      expect(id).toMatch(/AwsSolutions-/);
      expect(reason.length).toBeGreaterThan(30);
    }
  });

  test("the checks do fire on an unguarded API (the test above can fail)", () => {
    // Protects: the nag test against a silently disabled rule pack.
    const stack = new Stack(testApp({}), "Unguarded");
    const fn = new LambdaFunction(stack, "Fn", {
      runtime: Runtime.NODEJS_22_X,
      handler: "index.handler",
      code: Code.fromInline("exports.handler = async () => ({})"),
    });
    new RestApi(stack, "Api").root.addMethod("GET", new LambdaIntegration(fn));
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.success).toBe(false);
    expect(report.violations.map((v) => v.ruleName)).toEqual(
      expect.arrayContaining(["AwsSolutions-APIG4", "AwsSolutions-COG4", "AwsSolutions-APIG1"]),
    );
  });
});
