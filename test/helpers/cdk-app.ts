// The CDK App the infrastructure tests build stacks in: cdk.json's context (feature flags), no
// esbuild bundling (the stacks are asserted on, not deployed; test/integration/synth.test.ts bundles
// for real), and without the slow built-in CloudFormation schema check (cfn-lint runs in
// test/integration/cfn-lint.test.ts).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { App } from "aws-cdk-lib";

/** The `context` of cdk.json, as `cdk synth` applies it. */
export const CDK_JSON_CONTEXT = JSON.parse(readFileSync(join(__dirname, "..", "..", "cdk.json"), "utf8"))
  .context as Record<string, unknown>;

/** A test App with cdk.json's context plus `context`, bundling skipped. */
export function testApp(context: Record<string, unknown> = {}): App {
  return new App({
    context: { ...CDK_JSON_CONTEXT, "aws:cdk:bundling-stacks": [], ...context },
    builtinCloudFormationValidation: false,
  });
}
