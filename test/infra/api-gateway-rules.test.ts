// infra/constructs/api-gateway-rules.ts: stage names as API Gateway's CreateStage accepts them
// ("alphanumeric characters, hyphens, and underscores. Maximum length is 128 characters"), checked
// where ProtectedRestApi takes its stageName prop.

import { Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { assertStageName } from "../../infra/constructs/api-gateway-rules";
import { ProtectedHttpApi } from "../../infra/constructs/protected-http-api";
import { ProtectedRestApi } from "../../infra/constructs/protected-rest-api";
import { testApp } from "../helpers/cdk-app";

function testStack(): Stack {
  return new Stack(testApp(), "Test");
}

describe("stage names (CreateStage stageName)", () => {
  it.each([
    ["a short name", "prod"],
    ["digits, hyphens and underscores", "v1_beta-2"],
    ["128 characters", "s".repeat(128)],
  ])("accepted: %s", (_rule, name) => {
    // Protects: every stage name API Gateway accepts still synthesizes.
    expect(() => assertStageName(name, "ProtectedRestApi stageName")).not.toThrow();
  });

  it.each([
    ["no spaces", "my stage"],
    ["no slashes (the name is one URL path segment)", "prod/v1"],
    ["no dots", "v1.0"],
    ["ASCII letters only", "prüfung"],
    ["at least one character", ""],
    ["at most 128 characters", "s".repeat(129)],
  ])("refused: %s", (_rule, name) => {
    // Protects: a stage name CreateStage would refuse fails synth, saying what is allowed.
    expect(() => assertStageName(name, "ProtectedRestApi stageName")).toThrow(
      `ProtectedRestApi stageName ${JSON.stringify(name)} must be 1 to 128 letters, digits, hyphens or underscores`,
    );
  });

  test("ProtectedRestApi refuses a bad stageName and deploys a good one", () => {
    // Protects: users of the construct get the rule through its prop.
    expect(() => new ProtectedRestApi(testStack(), "Api", { stageName: "my stage" })).toThrow(
      /^ProtectedRestApi stageName "my stage" must be 1 to 128 letters/,
    );
    const stack = testStack();
    new ProtectedRestApi(stack, "Api", { stageName: "v1_beta-2" });
    Template.fromStack(stack).hasResourceProperties("AWS::ApiGateway::Stage", { StageName: "v1_beta-2" });
  });
});

describe("stage throttling", () => {
  it.each([
    ["a zero rate", { throttlingRateLimit: 0 }],
    ["a negative rate", { throttlingRateLimit: -1 }],
    ["a fractional burst", { throttlingBurstLimit: 1.5 }],
    ["a zero burst", { throttlingBurstLimit: 0 }],
  ])("both sample APIs refuse %s at synth", (_case, props) => {
    // Protects: a stage API Gateway would refuse during the deploy fails synth, with the rule.
    const message = /^Stage throttling needs a positive throttlingRateLimit and a whole throttlingBurstLimit/;
    expect(() => new ProtectedRestApi(testStack(), "Api", props)).toThrow(message);
    expect(() => new ProtectedHttpApi(testStack(), "Api", props)).toThrow(message);
  });
});
