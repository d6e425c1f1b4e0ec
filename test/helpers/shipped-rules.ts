// The route rules a synthesized CognitoJwtAuthorizer or CognitoJwtHttpAuthorizer ships: the function
// (the one whose environment names ROUTE_RULES_FILE, and the EVENT_FORMAT asked for: none for the
// REST construct, http-2.0-simple or http-2.0-iam for the HTTP one), its deployment package (the asset folder in the cloud assembly, which CDK
// names `asset.<hash>` after the `<hash>.zip` the function's S3Key points at) and the rules file
// inside it. (The aws:asset:path metadata the local stack reads is written by the CDK CLI's
// context only, not in these in-process Apps.)

import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Stage, type Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { ENV, type EventFormat, type RouteRule } from "../../lambda/authorizer/contract";

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

/** The one authorizer function of the template with this EVENT_FORMAT ("rest": none set, the REST construct's). */
export function authorizerFunctionOf(
  template: Template,
  eventFormat: EventFormat = "rest",
): { id: string; props: ReturnType<typeof JSON.parse> } {
  const fns = Object.entries(
    template.findResources("AWS::Lambda::Function", {
      Properties: {
        Environment: {
          Variables: {
            [ENV.routeRulesFile]: Match.anyValue(),
            [ENV.eventFormat]: eventFormat === "rest" ? Match.absent() : eventFormat,
          },
        },
      },
    }),
  );
  if (fns.length !== 1) {
    throw new Error(
      `expected one function with ${ENV.routeRulesFile} and ${ENV.eventFormat} ${eventFormat}, found ${fns.length}`,
    );
  }
  const [id, fn] = fns[0]!;
  return { id, props: fn.Properties };
}

/** The Properties of every AWS::Lambda::Permission on the function with logical id `functionId`. */
export function invokePermissionsOf(template: Template, functionId: string): ReturnType<typeof JSON.parse>[] {
  return Object.values(
    template.findResources("AWS::Lambda::Permission", {
      Properties: { FunctionName: { "Fn::GetAtt": [functionId, "Arn"] } },
    }),
  ).map((permission) => permission.Properties);
}

export function shippedAuthorizer(
  stack: Stack,
  template: Template = Template.fromStack(stack),
  eventFormat: EventFormat = "rest",
): ShippedAuthorizer {
  const { id, props } = authorizerFunctionOf(template, eventFormat);
  const key = JSON.stringify(props.Code?.S3Key ?? null);
  const hash = /([0-9a-f]{64})\.zip/.exec(key)?.[1];
  if (hash === undefined) throw new Error(`${id}: Code.S3Key names no asset (${key})`);
  const outdir = Stage.of(stack)?.outdir;
  if (outdir === undefined) throw new Error("the stack is not in an App");
  const assetDir = path.join(outdir, `asset.${hash}`);
  const file = props.Environment.Variables[ENV.routeRulesFile] as string;
  const rules = JSON.parse(readFileSync(path.join(assetDir, file), "utf8")) as RouteRule[];
  return { id, props, assetDir, rules };
}
