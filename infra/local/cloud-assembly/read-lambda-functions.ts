// Reads the AWS::Lambda::Function resources API Gateway invokes, with the bundled asset each one runs.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-function.html

import path from "node:path";
import type {
  AuthorizerDefinition,
  CfnResource,
  HttpApiDefinition,
  LambdaFunctionDefinition,
  MethodDefinition,
} from "./stack-definition";
import { TemplateError } from "./stack-definition";
import { type TemplateResources, text } from "./template-lookup";

/**
 * Only the functions API Gateway invokes: the REST API's authorizers first, then its AWS_PROXY
 * integrations, then the HTTP API's authorizers and integrations, each once, in template order. Any
 * other function of the stack is not run locally.
 */
export function readInvokedFunctions(
  resources: TemplateResources,
  authorizers: ReadonlyMap<string, AuthorizerDefinition>,
  methods: readonly MethodDefinition[],
  httpApi: HttpApiDefinition | undefined,
  cdkOutDir: string,
): Map<string, LambdaFunctionDefinition> {
  const invoked = new Set<string>();
  for (const authorizer of authorizers.values()) invoked.add(authorizer.functionLogicalId);
  for (const { integration } of methods) {
    if (integration.type === "AWS_PROXY") invoked.add(integration.functionLogicalId);
  }
  for (const authorizer of httpApi?.authorizers.values() ?? []) invoked.add(authorizer.functionLogicalId);
  for (const route of httpApi?.routes ?? []) invoked.add(route.functionLogicalId);
  const functions = new Map<string, LambdaFunctionDefinition>();
  for (const logicalId of invoked) {
    functions.set(logicalId, readFunction(logicalId, resources[logicalId] as CfnResource, cdkOutDir));
  }
  return functions;
}

function readFunction(logicalId: string, r: CfnResource, cdkOutDir: string): LambdaFunctionDefinition {
  const p = r.Properties ?? {};
  const asset = r.Metadata?.["aws:asset:path"];
  if (typeof asset !== "string") {
    throw new TemplateError(
      `${logicalId}: no aws:asset:path metadata; the local stack runs bundled assets only`,
    );
  }
  const runtime = text(p["Runtime"]) ?? "";
  if (!runtime.startsWith("nodejs")) {
    throw new TemplateError(`${logicalId}: runtime ${runtime} is not supported locally (Node.js only)`);
  }
  const environment = ((p["Environment"] as Record<string, unknown> | undefined)?.["Variables"] ??
    {}) as Record<string, unknown>;
  return {
    logicalId,
    assetDirectory: path.resolve(cdkOutDir, asset),
    handler: text(p["Handler"]) ?? "index.handler",
    runtime,
    timeoutSeconds: typeof p["Timeout"] === "number" ? p["Timeout"] : 3,
    memorySize: typeof p["MemorySize"] === "number" ? p["MemorySize"] : 128,
    environment,
  };
}
