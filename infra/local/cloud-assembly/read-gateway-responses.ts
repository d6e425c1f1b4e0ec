// Reads the REST API's AWS::ApiGateway::GatewayResponse customisations (status, headers, templates).
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-gatewayresponse.html

import type { GatewayResponseDefinition } from "./stack-definition";
import { type ApiTemplate, apiResourcesOfType } from "./template-lookup";

/** Response type (`UNAUTHORIZED`, `ACCESS_DENIED`, ...) → the template's customisation of it. */
export function readGatewayResponses(api: ApiTemplate): Map<string, GatewayResponseDefinition> {
  const gatewayResponses = new Map<string, GatewayResponseDefinition>();
  for (const [, r] of apiResourcesOfType(api, "AWS::ApiGateway::GatewayResponse")) {
    const p = r.Properties ?? {};
    const type = String(p["ResponseType"]);
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries((p["ResponseParameters"] ?? {}) as Record<string, unknown>)) {
      const match = /^gatewayresponse\.header\.(.+)$/.exec(key);
      if (match?.[1] !== undefined) headers[match[1]] = String(value);
    }
    gatewayResponses.set(type, {
      type,
      statusCode: p["StatusCode"] === undefined ? undefined : Number(p["StatusCode"]),
      headers,
      templates: (p["ResponseTemplates"] ?? {}) as Record<string, string>,
    });
  }
  return gatewayResponses;
}
