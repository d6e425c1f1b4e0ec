// The monitoring's metric filters against the lines the Lambda entry point itself writes: the
// esbuild ESM bundle imported by a fresh Node process (as Lambda loads it; on this machine's Node and
// on Node 22, Lambda's nodejs22.x) while the JWKS endpoint is down. Its cold-start line and its decision line must both reach the JwksUnavailable metric, and its
// "authorizer ready" line none. (The per-decision lines are tested in
// test/infra/authorizer-monitoring.test.ts; this is the one line only the entry point writes.)

import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { App, Stack } from "aws-cdk-lib";
import { MockIntegration, RestApi } from "aws-cdk-lib/aws-apigateway";
import { Template } from "aws-cdk-lib/assertions";
import { UserPool, UserPoolClient } from "aws-cdk-lib/aws-cognito";
import { METRIC_NAMES } from "../../infra/constructs/authorizer-monitoring";
import { CognitoJwtAuthorizer } from "../../infra/constructs/cognito-jwt-authorizer";
import { bundleAuthorizer } from "../../tools/bundle";
import {
  accessClaims,
  generateTestKey,
  signToken,
  TEST_CLIENT_ID,
  TEST_USER_POOL_ID,
} from "../../tools/issuer";
import { methodArn } from "../helpers/harness";
import { compileJsonFilterPattern } from "../helpers/metric-filter-pattern";
import { CDK_JSON_CONTEXT } from "../helpers/cdk-app";
import { EACH_NODE_RUNTIME } from "../helpers/node-runtimes";

const run = promisify(execFile);
let dir: string;
let runner: string;
let filters: Map<string, (message: string) => boolean>;

/** The metric filter patterns as synthesized, by metric name. */
function patterns(): Map<string, (message: string) => boolean> {
  const app = new App({ context: { ...CDK_JSON_CONTEXT, "aws:cdk:bundling-stacks": [] } });
  const stack = new Stack(app, "Test");
  new CognitoJwtAuthorizer(stack, "Authorizer", {
    api: new RestApi(stack, "Api"),
    userPool: UserPool.fromUserPoolId(stack, "Pool", "us-east-1_AbC123"),
    userPoolClients: [UserPoolClient.fromUserPoolClientId(stack, "Web", "webclient1")],
    routes: [{ method: "GET", path: "/me", integration: new MockIntegration(), rule: {} }],
  });
  const resources = Object.values(Template.fromStack(stack).findResources("AWS::Logs::MetricFilter"));
  return new Map(
    resources.map((f) => [
      f.Properties.MetricTransformations[0].MetricName,
      compileJsonFilterPattern(f.Properties.FilterPattern),
    ]),
  );
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "authorizer-monitoring-"));
  const bundle = await bundleAuthorizer(dir);
  runner = path.join(dir, "runner.mjs");
  writeFileSync(
    runner,
    `const { handler } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
     try { await handler(JSON.parse(process.env.TEST_EVENT)); } catch {}`,
  );
  filters = patterns();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe.each(EACH_NODE_RUNTIME)("on %s", (_name, runtime) => {
  let lines: string[];

  beforeAll(async () => {
    const token = signToken(generateTestKey(), accessClaims());
    const { stdout, stderr } = await run(runtime.execPath, [runner], {
      env: {
        PATH: process.env.PATH ?? "",
        USER_POOL_ID: TEST_USER_POOL_ID,
        CLIENT_ID: TEST_CLIENT_ID,
        // Nothing listens on the discard port: the cold-start fetch and the request's fetch both fail.
        JWKS_URI: "http://127.0.0.1:9/jwks.json",
        ROUTE_RULES: "*",
        TEST_EVENT: JSON.stringify({
          type: "TOKEN",
          authorizationToken: `Bearer ${token}`,
          methodArn: methodArn("GET", "/me"),
        }),
      },
    });
    lines = (stdout + "\n" + stderr).split("\n").filter((l) => l.startsWith("{"));
  });

  it("the entry point wrote its cold-start line, its ready line and one decision line", () => {
    // Protects: the lines below are the real ones (a run that wrote nothing would prove nothing).
    const messages = lines.map((l) => (JSON.parse(l) as { message: string }).message).sort();
    expect(messages).toEqual(["JWKS not available at cold start", "authorizer decision", "authorizer ready"]);
  });

  it("JwksUnavailable counts the failed cold start and the failed request, and nothing else", () => {
    // Protects: the JWKS alarm fires on a cold start that cannot fetch the keys, in the entry point's
    // own words, even before (or without) a request.
    const jwks = filters.get(METRIC_NAMES.jwksUnavailable) as (message: string) => boolean;
    const counted = lines.filter((l) => jwks(l)).map((l) => (JSON.parse(l) as { message: string }).message);
    expect(counted.sort()).toEqual(["JWKS not available at cold start", "authorizer decision"]);
  });

  it("Refusals counts the decision line only, not the cold-start or ready line", () => {
    // Protects: a cold start is not a refusal; the request it failed is, once.
    const refusals = filters.get(METRIC_NAMES.refusals) as (message: string) => boolean;
    const counted = lines.filter((l) => refusals(l)).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(counted).toEqual([
      expect.objectContaining({
        message: "authorizer decision",
        outcome: "unauthorized",
        reason: "jwks_unavailable",
      }),
    ]);
  });
});
