// infra/app.ts: the context switches, validated with messages that say what to pass, and the
// cdk-nag AwsSolutions checks on the whole app (no unacknowledged finding, each with a reason).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { App, Stack, Validations } from "aws-cdk-lib";
import { LambdaIntegration, RestApi } from "aws-cdk-lib/aws-apigateway";
import { Template } from "aws-cdk-lib/assertions";
import { Code, Function as LambdaFunction, Runtime } from "aws-cdk-lib/aws-lambda";
import { AwsSolutionsChecks } from "cdk-nag";
import { createApp, propsFromContext } from "../../infra/app";
import { SAMPLE_STACK_ID } from "../../infra/sample-stack";

const CDK_JSON_CONTEXT = JSON.parse(readFileSync(join(__dirname, "..", "..", "cdk.json"), "utf8")).context;

/** No bundling, no CloudFormation schema check: test/integration/synth.test.ts runs the full `cdk synth`. */
function appWith(context: Record<string, unknown>): App {
  return new App({
    context: { ...CDK_JSON_CONTEXT, "aws:cdk:bundling-stacks": [], ...context },
    builtinCloudFormationValidation: false,
  });
}

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
  ])("%j is refused", (context, message) => {
    // Protects: a mistyped switch fails before anything is built, saying what to pass instead.
    expect(() => propsFromContext(appWith(context))).toThrow(message);
  });

  test("valid switches become typed stack props", () => {
    // Protects: strings from `-c key=value` arrive as the booleans and lists the stack expects.
    expect(
      propsFromContext(
        appWith({
          allowUserPasswordAuth: "true",
          requireOAuthScopes: "false",
          cognitoDomainPrefix: "my-sample-auth",
          callbackUrls: "https://app.example.com/cb, http://localhost:3000/cb",
        }),
      ),
    ).toEqual({
      existingUserPool: undefined,
      allowUserPasswordAuth: true,
      requireOAuthScopes: false,
      cognitoDomainPrefix: "my-sample-auth",
      callbackUrls: ["https://app.example.com/cb", "http://localhost:3000/cb"],
    });
  });
});

describe("redirect URLs from the context", () => {
  test("custom-scheme and loopback URLs reach the created app client", () => {
    // Protects: native apps (myapp://, which Cognito allows) and 127.0.0.1 can be configured with
    // `-c callbackUrls=... -c logoutUrls=...`; the context used to refuse custom schemes.
    const app = createApp(
      appWith({
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
    const app = createApp(appWith({}));
    const stack = app.node.findChild(SAMPLE_STACK_ID);
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations).toEqual([]);
    expect(report.success).toBe(true);
    expect(() => app.synth()).not.toThrow();
  });

  test("every acknowledgement sits on a specific construct, never the stack, with a real reason", () => {
    // Protects: suppressions stay beside their resource and say why.
    const stack = createApp(appWith({})).node.findChild(SAMPLE_STACK_ID);
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
    const stack = new Stack(appWith({}), "Unguarded");
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
