// The route rules a synthesized CognitoJwtAuthorizer ships: the function (the one whose environment
// names ROUTE_RULES_FILE), its deployment package (the asset folder in the cloud assembly, which CDK
// names `asset.<hash>` after the `<hash>.zip` the function's S3Key points at) and the rules file
// inside it. (The aws:asset:path metadata the local stack reads is written by the CDK CLI's
// context only, not in these in-process Apps.)

import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Stage, type Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { ENV, type RouteRule } from "../../lambda/authorizer/contract";

export interface ShippedAuthorizer {
  /** Logical id of the authorizer function. */
  readonly id: string;
  /** Its Properties in the template. */
  readonly props: ReturnType<typeof JSON.parse>;
  /** The asset folder: what `cdk deploy` zips and uploads as the function's code. */
  readonly assetDir: string;
  /** The rules file's content, parsed. */
  readonly rules: RouteRule[];
}

export function shippedAuthorizer(
  stack: Stack,
  template: Template = Template.fromStack(stack),
): ShippedAuthorizer {
  const fns = Object.entries(
    template.findResources("AWS::Lambda::Function", {
      Properties: { Environment: { Variables: { [ENV.routeRulesFile]: Match.anyValue() } } },
    }),
  );
  if (fns.length !== 1)
    throw new Error(`expected one function with ${ENV.routeRulesFile}, found ${fns.length}`);
  const [id, fn] = fns[0]!;
  const key = JSON.stringify(fn.Properties.Code?.S3Key ?? null);
  const hash = /([0-9a-f]{64})\.zip/.exec(key)?.[1];
  if (hash === undefined) throw new Error(`${id}: Code.S3Key names no asset (${key})`);
  const outdir = Stage.of(stack)?.outdir;
  if (outdir === undefined) throw new Error("the stack is not in an App");
  const assetDir = path.join(outdir, `asset.${hash}`);
  const file = fn.Properties.Environment.Variables[ENV.routeRulesFile] as string;
  const rules = JSON.parse(readFileSync(path.join(assetDir, file), "utf8")) as RouteRule[];
  return { id, props: fn.Properties, assetDir, rules };
}
