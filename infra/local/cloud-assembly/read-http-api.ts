// Reads the stack's HTTP API (AWS::ApiGatewayV2::Api, ProtocolType HTTP) and its `$default` stage,
// then its routes and authorizers (read-http-routes.ts, read-http-authorizers.ts).
//
// The local HTTP API serves one API and one stage, `$default`, which has no path prefix: anything
// else is refused (a WebSocket API, a second HTTP API, a named stage), never served differently.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigatewayv2-api.html
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-stages.html

import { readHttpAuthorizers } from "./read-http-authorizers";
import { readHttpRoutes } from "./read-http-routes";
import { type HttpApiDefinition, TemplateError } from "./stack-definition";
import {
  type HttpApiTemplate,
  httpApiResourcesOfType,
  resourcesOfType,
  type TemplateResources,
  text,
} from "./template-lookup";

/** The `$default` stage: no path prefix in the URL, `$default` in every route ARN. */
export const DEFAULT_STAGE = "$default";

/** The stack's HTTP API, or undefined when it has none. Throws TemplateError for what is not served. */
export function readHttpApi(
  resources: TemplateResources,
  templatePath: string,
): HttpApiDefinition | undefined {
  const apis = resourcesOfType(resources, "AWS::ApiGatewayV2::Api");
  for (const [logicalId, r] of apis) {
    const protocol = text(r.Properties?.["ProtocolType"]);
    if (protocol !== "HTTP") {
      throw new TemplateError(
        `${logicalId}: ProtocolType ${protocol ?? "(none)"} is not served locally (HTTP APIs only; WebSocket APIs are not supported)`,
      );
    }
    if (r.Properties?.["Body"] !== undefined || r.Properties?.["BodyS3Location"] !== undefined) {
      throw new TemplateError(`${logicalId}: an HTTP API defined by an OpenAPI Body is not served locally`);
    }
  }
  const [api, ...more] = apis;
  if (api === undefined) return undefined;
  if (more.length > 0)
    throw new TemplateError(`${templatePath}: the local stack serves one HTTP API per stack`);
  const [logicalId] = api;
  const template: HttpApiTemplate = { resources, templatePath, httpApiLogicalId: logicalId };

  const stages = httpApiResourcesOfType(template, "AWS::ApiGatewayV2::Stage");
  const stage = stages.find(([, s]) => text(s.Properties?.["StageName"]) === DEFAULT_STAGE);
  if (stage === undefined) {
    const names = stages.map(([, s]) => String(s.Properties?.["StageName"])).join(", ") || "none";
    throw new TemplateError(
      `${logicalId}: the local HTTP API serves the $default stage (auto-deployed, no path prefix); this API has ${names}`,
    );
  }
  // A named stage serves the routes under /<stage>/, which the local HTTP API (no prefix) would route
  // as $default-stage paths: refused, not served differently.
  const other = stages.find(([id]) => id !== stage[0]);
  if (other !== undefined) {
    throw new TemplateError(
      `${other[0]}: the local HTTP API serves the $default stage only; this API also has the stage ${String(other[1].Properties?.["StageName"])}`,
    );
  }
  if (stage[1].Properties?.["AutoDeploy"] !== true) {
    throw new TemplateError(
      `${stage[0]}: the $default stage is not AutoDeploy; the local HTTP API serves the routes as the template defines them, which only an auto-deployed stage does`,
    );
  }
  const authorizers = readHttpAuthorizers(template);
  return {
    logicalId,
    stageLogicalId: stage[0],
    stageName: DEFAULT_STAGE,
    authorizers,
    routes: readHttpRoutes(template, authorizers),
  };
}
