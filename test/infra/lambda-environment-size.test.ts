// infra/constructs/lambda-environment-size.ts: Lambda's 4 KB for all environment variables of a
// function together, which neither CloudFormation nor `cdk synth` checks. Synth fails with the
// largest variables named; deploy-time ids count at their documented maximum length.
// https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html

import { join } from "node:path";
import { CfnParameter, Stack } from "aws-cdk-lib";
import { MockIntegration } from "aws-cdk-lib/aws-apigateway";
import { Annotations, Match, Template } from "aws-cdk-lib/assertions";
import { UserPool } from "aws-cdk-lib/aws-cognito";
import { type CfnFunction, Code, Function as LambdaFunction, Runtime } from "aws-cdk-lib/aws-lambda";
import { createApp } from "../../infra/app";
import type { ProtectedRoute } from "../../index";
import { EsmNodejsFunction } from "../../infra/constructs/esm-nodejs-function";
import {
  LAMBDA_ENVIRONMENT_LIMIT_BYTES,
  measureEnvironment,
} from "../../infra/constructs/lambda-environment-size";
import { type CognitoAuthorizerSampleStack, SAMPLE_STACK_ID } from "../../infra/sample-stack";
import { testApp } from "../helpers/cdk-app";
import { largeApiStack } from "../helpers/large-api";
import { shippedAuthorizer } from "../helpers/shipped-rules";

const ENTRY = join(__dirname, "..", "..", "lambda", "api", "health.ts");

/** A plain function with `environment`, and its L1 (what Lambda receives). */
function plainFunction(stack: Stack, environment: Record<string, string>): CfnFunction {
  const fn = new LambdaFunction(stack, `Fn${stack.node.children.length}`, {
    runtime: Runtime.NODEJS_22_X,
    handler: "index.handler",
    code: Code.fromInline("exports.handler = async () => ({})"),
    environment,
  });
  return fn.node.defaultChild as CfnFunction;
}

/** What Lambda measures for a literal environment: the variables as one JSON object, in UTF-8 bytes. */
const lambdaMeasure = (vars: Record<string, string>) => Buffer.byteLength(JSON.stringify(vars), "utf8");

describe("measuring", () => {
  const literal: { rule: string; vars: Record<string, string> }[] = [
    { rule: "keys, values and the JSON around them", vars: { A: "b" } },
    { rule: "quotes in a value count escaped", vars: { RULES: '[{"route":"GET /x"}]' } },
    { rule: "backslashes count escaped", vars: { PATTERN: "^a\\.b$" } },
    { rule: "multibyte characters count in UTF-8 bytes", vars: { NAME: "Grüße, 東京" } },
    { rule: "every variable and the commas between them", vars: { A: "1", BB: "22", CCC: "333" } },
  ];
  it.each(literal)("a literal environment measures as Lambda does: $rule", ({ vars }) => {
    // Protects: the count is the one Lambda applies (the JSON object its error quotes), not less.
    const stack = new Stack(testApp(), "S");
    expect(measureEnvironment(plainFunction(stack, vars)).bytes).toBe(lambdaMeasure(vars));
  });

  it("deploy-time ids count at the longest value Cognito documents for them", () => {
    // Protects: a user pool id (≤ 55 characters), an app client id (≤ 128) and an account id (12
    // digits) cannot make the deployed environment larger than the one synth measured.
    const stack = new Stack(testApp(), "S");
    const pool = new UserPool(stack, "Pool");
    const client = pool.addClient("Client");
    const size = measureEnvironment(
      plainFunction(stack, {
        USER_POOL_ID: pool.userPoolId,
        CLIENT_ID: `${client.userPoolClientId},${client.userPoolClientId}`,
        ARN: `arn:aws:iam::${stack.account}:root`,
      }),
    );
    expect(size.bytes).toBe(
      lambdaMeasure({
        USER_POOL_ID: "p".repeat(55),
        CLIENT_ID: `${"c".repeat(128)},${"c".repeat(128)}`,
        ARN: `arn:aws:iam::${"1".repeat(12)}:root`,
      }),
    );
    expect(size.variables.map((v) => v.name)).toEqual(["CLIENT_ID", "USER_POOL_ID", "ARN"]);
    expect(size.variables.every((v) => v.estimated.length > 0 && v.unbounded.length === 0)).toBe(true);
  });

  it("a function without variables measures 0", () => {
    // Protects: functions with no environment never fail the check.
    const stack = new Stack(testApp(), "S");
    expect(measureEnvironment(plainFunction(stack, {})).bytes).toBe(0);
  });
});

describe("EsmNodejsFunction fails synth over 4 KB", () => {
  /** An EsmNodejsFunction whose environment measures exactly `target` bytes (NODE_OPTIONS included). */
  function functionOfSize(target: number): Stack {
    const stack = new Stack(testApp(), "S");
    const probe = new EsmNodejsFunction(stack, "Probe", { entry: ENTRY, environment: { PAD: "" } });
    const base = measureEnvironment(probe.function.node.defaultChild as CfnFunction).bytes;
    const sized = new Stack(testApp(), "Sized");
    new EsmNodejsFunction(sized, "Fn", { entry: ENTRY, environment: { PAD: "x".repeat(target - base) } });
    return sized;
  }

  it("at exactly 4096 bytes it synthesizes", () => {
    // Protects: the limit itself is allowed (4 KB for all variables in aggregate, not less).
    expect(() => Template.fromStack(functionOfSize(LAMBDA_ENVIRONMENT_LIMIT_BYTES))).not.toThrow();
  });

  it("at 4097 bytes synth fails, naming the function, the size and the largest variable", () => {
    // Protects: one byte over the limit fails at synth instead of halfway through the deploy.
    expect(() => Template.fromStack(functionOfSize(LAMBDA_ENVIRONMENT_LIMIT_BYTES + 1))).toThrow(
      /\[Sized\/Fn\] The environment variables come to 4,097 bytes, over the 4 KB \(4,096 bytes\) Lambda allows for all variables of a function together, so the deploy would fail\. Largest: PAD 4,\d{3} bytes; NODE_OPTIONS \d+ bytes\. To fix: shorten or remove the largest variables\./,
    );
  });

  it("a deploy-time value it cannot bound is reported as a warning, not counted", () => {
    // Protects: the check says when it cannot see part of the environment, instead of passing quietly.
    // CDK prints synth warnings to stderr; this test reads them from the assembly instead.
    const stderr = jest.spyOn(console, "error").mockImplementation(() => undefined);
    const stack = new Stack(testApp(), "S");
    const parameter = new CfnParameter(stack, "Setting", { type: "String" });
    new EsmNodejsFunction(stack, "Fn", { entry: ENTRY, environment: { SETTING: parameter.valueAsString } });
    Annotations.fromStack(stack).hasWarning(
      "/S/Fn",
      Match.stringLikeRegexp(
        "The 4 KB environment check counted 0 bytes for deploy-time values it cannot bound: SETTING \\(Ref Setting\\)",
      ),
    );
    stderr.mockRestore();
  });
});

describe("the authorizer's route rules", () => {
  const routes = (count: number): ProtectedRoute[] =>
    Array.from({ length: count }, (_, i) => ({
      method: "GET" as const,
      path: `/items${i}`,
      integration: new MockIntegration(),
      rule: { groups: ["readers"] },
    }));

  it("300 routes synthesize: the rules ship in the package, and the environment stays small", () => {
    // Protects: the route table is no longer bounded by Lambda's 4 KB for environment variables
    // (the rules of 100 routes alone came to over 5 KB when they were a variable). CRUD-shaped, as
    // real APIs are: 300 paths of their own would be 600 resources, over CloudFormation's 500 per stack.
    const stack = largeApiStack(testApp(), "Test", 300);
    const shipped = shippedAuthorizer(stack);
    expect(shipped.rules).toHaveLength(300);
    expect(shipped.rules[299]).toEqual({ route: "DELETE /c59/{id}", groups: ["admins"] });
    expect(shipped.props.Environment.Variables.ROUTE_RULES).toBeUndefined();
    const size = measureEnvironment(
      stack.node.findChild("Authorizer").node.findChild("Function").node.defaultChild as CfnFunction,
    );
    expect(size.bytes).toBeLessThan(1024);
  });

  it("a hand-built function whose ROUTE_RULES outgrows 4 KB fails synth, saying to use ROUTE_RULES_FILE", () => {
    // Protects: users who configure the function themselves get the same deploy-time limit at synth.
    const stack = new Stack(testApp(), "Hand");
    const rules = routes(100).map((r) => ({ route: `${r.method} ${r.path}`, ...r.rule }));
    new EsmNodejsFunction(stack, "Fn", { entry: ENTRY, environment: { ROUTE_RULES: JSON.stringify(rules) } });
    expect(() => Template.fromStack(stack)).toThrow(
      /\[Hand\/Fn\] The environment variables come to 5,\d{3} bytes, over the 4 KB \(4,096 bytes\).*Largest: ROUTE_RULES 5,\d{3} bytes;.*To fix: ROUTE_RULES holds one rule per guarded route and grows with them: put the rules in a file of the deployment package and name it in ROUTE_RULES_FILE \(what CognitoJwtAuthorizer does\)/,
    );
  });

  it.each([
    { profile: "default (group rules)", context: {} },
    { profile: "requireOAuthScopes=true", context: { requireOAuthScopes: "true" } },
  ])("the sample stack passes: $profile", ({ context }) => {
    // Protects: the sample deploys as shipped, its user pool and client ids counted at their maximum.
    const app = createApp(testApp(context));
    const stack = app.node.findChild(SAMPLE_STACK_ID) as CognitoAuthorizerSampleStack;
    const size = measureEnvironment(stack.authorizer.function.node.defaultChild as CfnFunction);
    expect(size.bytes).toBeLessThan(LAMBDA_ENVIRONMENT_LIMIT_BYTES);
    expect(size.variables.find((v) => v.name === "USER_POOL_ID")?.estimated).toEqual([
      "a user pool id, at most 55 characters",
    ]);
    expect(() => Template.fromStack(stack)).not.toThrow();
  });
});
