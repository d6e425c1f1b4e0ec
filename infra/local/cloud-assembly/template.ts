// Reads the synthesized cloud assembly (cdk.out) into what the local stack runs.
//
// Reads exactly what `cdk deploy` would ship: the stack template (routes, methods, authorizers,
// gateway responses, Cognito resources, outputs) and the bundled Lambda assets it points at. One
// reader per resource type (read-*.ts); readStackTemplate composes them into a StackDefinition.
// Shapes: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/AWS_ApiGateway.html

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { readAuthorizers } from "./read-authorizers";
import { readGatewayResponses } from "./read-gateway-responses";
import { readHttpApi } from "./read-http-api";
import { readInvokedFunctions } from "./read-lambda-functions";
import { readMethods } from "./read-methods";
import { readResourcePaths } from "./read-resource-paths";
import { readRestApi } from "./read-rest-api";
import { readUserPoolClients, readUserPoolGroups, readUserPools } from "./read-user-pools";
import { type CfnTemplate, type StackDefinition, TemplateError } from "./stack-definition";
import type { ApiTemplate } from "./template-lookup";

interface ManifestArtifact {
  readonly type: string;
  readonly displayName?: string;
  readonly properties?: { readonly templateFile?: string; readonly stackName?: string };
}

/**
 * Read the stack that holds the REST API from a cloud assembly directory.
 * `stackName` picks one when the app has several stacks with an API.
 */
export function readCloudAssembly(cdkOutDir: string, stackName?: string): StackDefinition {
  const manifestPath = path.join(cdkOutDir, "manifest.json");
  if (!existsSync(manifestPath)) {
    throw new TemplateError(`${manifestPath} not found: synthesize the CDK app first (npx cdk synth)`);
  }
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
    artifacts?: Record<string, ManifestArtifact>;
  };
  const stacks = Object.entries(manifest.artifacts ?? {})
    .filter(([, a]) => a.type === "aws:cloudformation:stack" && a.properties?.templateFile)
    .map(([id, a]) => {
      const templatePath = path.join(cdkOutDir, a.properties?.templateFile as string);
      const template = JSON.parse(readFileSync(templatePath, "utf8")) as CfnTemplate;
      return { name: a.properties?.stackName ?? id, templatePath, template };
    })
    .filter((s) => stackName === undefined || s.name === stackName)
    .filter((s) => Object.values(s.template.Resources).some((r) => r.Type === "AWS::ApiGateway::RestApi"));
  const [stack, ...others] = stacks;
  if (stack === undefined) {
    throw new TemplateError(
      stackName === undefined
        ? `no stack in ${cdkOutDir} defines an AWS::ApiGateway::RestApi`
        : `stack ${stackName} not found in ${cdkOutDir}, or it has no REST API`,
    );
  }
  if (others.length > 0) {
    const names = stacks.map((s) => s.name).join(", ");
    throw new TemplateError(`several stacks define a REST API (${names}): choose one with --stack`);
  }
  return readStackTemplate(stack.template, {
    stackName: stack.name,
    templatePath: stack.templatePath,
    cdkOutDir,
  });
}

export function readStackTemplate(
  template: CfnTemplate,
  where: { readonly stackName: string; readonly templatePath: string; readonly cdkOutDir: string },
): StackDefinition {
  const resources = template.Resources;
  const restApi = readRestApi(resources, where.templatePath);
  const api: ApiTemplate = {
    resources,
    templatePath: where.templatePath,
    restApiLogicalId: restApi.logicalId,
  };
  const resourcePaths = readResourcePaths(api);
  const authorizers = readAuthorizers(api);
  const methods = readMethods(api, resourcePaths, authorizers);
  const gatewayResponses = readGatewayResponses(api);
  const httpApi = readHttpApi(resources, where.templatePath);
  return {
    stackName: where.stackName,
    templatePath: where.templatePath,
    template,
    restApiLogicalId: restApi.logicalId,
    stageLogicalId: restApi.stageLogicalId,
    stageName: restApi.stageName,
    methods,
    authorizers,
    gatewayResponses,
    httpApi,
    functions: readInvokedFunctions(resources, authorizers, methods, httpApi, where.cdkOutDir),
    userPools: readUserPools(resources),
    userPoolClients: readUserPoolClients(resources),
    userPoolGroups: readUserPoolGroups(resources),
  };
}
