// Reads the REST API's AWS::ApiGateway::Method resources with their integrations (AWS_PROXY, MOCK).
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-method.html

import { referencedLogicalIds } from "./intrinsics";
import { type ResourcePaths, resourceKey } from "./read-resource-paths";
import {
  type AuthorizerDefinition,
  type IntegrationDefinition,
  type MethodDefinition,
  TemplateError,
} from "./stack-definition";
import { type ApiTemplate, apiResourcesOfType, invokedFunction, text } from "./template-lookup";

/** Every method of the API, in template order; a CUSTOM method must name one of `authorizers`. */
export function readMethods(
  api: ApiTemplate,
  resourcePaths: ResourcePaths,
  authorizers: ReadonlyMap<string, AuthorizerDefinition>,
): MethodDefinition[] {
  const methods: MethodDefinition[] = [];
  for (const [logicalId, r] of apiResourcesOfType(api, "AWS::ApiGateway::Method")) {
    const p = r.Properties ?? {};
    const resourcePath = resourcePaths.get(resourceKey(p["ResourceId"], api.restApiLogicalId));
    if (resourcePath === undefined)
      throw new TemplateError(`${logicalId}: ResourceId is not a resource of this API`);
    const authorizationType = text(p["AuthorizationType"]) ?? "NONE";
    let authorizerLogicalId: string | undefined;
    if (authorizationType === "CUSTOM") {
      authorizerLogicalId = referencedLogicalIds(p["AuthorizerId"])[0];
      if (authorizerLogicalId === undefined || !authorizers.has(authorizerLogicalId)) {
        throw new TemplateError(`${logicalId}: AuthorizerId is not an authorizer of this API`);
      }
    } else if (authorizationType !== "NONE") {
      throw new TemplateError(
        `${logicalId}: AuthorizationType ${authorizationType} is not supported locally`,
      );
    }
    methods.push({
      logicalId,
      resourcePath,
      httpMethod: String(p["HttpMethod"]).toUpperCase(),
      authorizerLogicalId,
      integration: readIntegration(api, logicalId, p["Integration"]),
    });
  }
  return methods;
}

function readIntegration(
  api: ApiTemplate,
  methodLogicalId: string,
  integration: unknown,
): IntegrationDefinition {
  const i = (integration ?? {}) as Record<string, unknown>;
  const type = String(i["Type"]);
  if (type === "AWS_PROXY") {
    return { type, functionLogicalId: invokedFunction(api, i["Uri"], `method ${methodLogicalId}`) };
  }
  if (type === "MOCK") {
    // CORS preflight as the CDK writes it: the first integration response, static header values.
    const [first] = (i["IntegrationResponses"] ?? []) as Record<string, unknown>[];
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(
      (first?.["ResponseParameters"] ?? {}) as Record<string, unknown>,
    )) {
      const match = /^method\.response\.header\.(.+)$/.exec(key);
      const literal = /^'(.*)'$/s.exec(String(value));
      if (match?.[1] !== undefined && literal?.[1] !== undefined) headers[match[1]] = literal[1];
    }
    return { type, statusCode: Number(first?.["StatusCode"] ?? 200), headers };
  }
  throw new TemplateError(
    `${methodLogicalId}: integration type ${type} is not supported locally (AWS_PROXY or MOCK)`,
  );
}
