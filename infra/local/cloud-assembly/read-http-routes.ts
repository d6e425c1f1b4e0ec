// Reads the HTTP API's AWS::ApiGatewayV2::Route resources with their AWS::ApiGatewayV2::Integration
// (Lambda proxy, payload format 2.0). Other integrations, payload 1.0 backends and authorization
// types other than NONE and CUSTOM are refused with a message.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigatewayv2-route.html
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigatewayv2-integration.html

import { parseRoute, RouteSyntaxError } from "../../../lambda/authorizer/route-match";
import { DEFAULT_ROUTE_KEY } from "../../../lambda/authorizer/contract";
import { referencedLogicalIds } from "./intrinsics";
import { type HttpAuthorizerDefinition, type HttpRouteDefinition, TemplateError } from "./stack-definition";
import { type HttpApiTemplate, httpApiResourcesOfType, invokedFunction, text } from "./template-lookup";

/** Every route of the HTTP API, in template order. */
export function readHttpRoutes(
  api: HttpApiTemplate,
  authorizers: ReadonlyMap<string, HttpAuthorizerDefinition>,
): HttpRouteDefinition[] {
  const integrations = new Map(
    httpApiResourcesOfType(api, "AWS::ApiGatewayV2::Integration").map(
      ([id, r]) => [id, r.Properties ?? {}] as const,
    ),
  );
  const routes: HttpRouteDefinition[] = [];
  const keys = new Set<string>();
  for (const [logicalId, r] of httpApiResourcesOfType(api, "AWS::ApiGatewayV2::Route")) {
    const p = r.Properties ?? {};
    const routeKey = text(p["RouteKey"]);
    if (routeKey === undefined) throw new TemplateError(`${logicalId}: RouteKey is not a string`);
    if (routeKey !== DEFAULT_ROUTE_KEY) {
      try {
        parseRoute(routeKey);
      } catch (err) {
        if (!(err instanceof RouteSyntaxError)) throw err;
        throw new TemplateError(
          `${logicalId} (${routeKey}): ${err.message}; the local HTTP API cannot route it`,
        );
      }
    }
    if (keys.has(routeKey)) throw new TemplateError(`${logicalId}: a second route ${routeKey}`);
    keys.add(routeKey);

    const authorizationType = text(p["AuthorizationType"]) ?? "NONE";
    let authorizerLogicalId: string | undefined;
    if (authorizationType === "CUSTOM") {
      authorizerLogicalId = referencedLogicalIds(p["AuthorizerId"])[0];
      if (authorizerLogicalId === undefined || !authorizers.has(authorizerLogicalId)) {
        throw new TemplateError(`${logicalId}: AuthorizerId is not an authorizer of this HTTP API`);
      }
    } else if (authorizationType !== "NONE") {
      throw new TemplateError(
        `${logicalId}: AuthorizationType ${authorizationType} is not served locally (NONE or CUSTOM)`,
      );
    }

    // Target is `integrations/<IntegrationId>`, synthesized as an Fn::Join around a Ref.
    const integrationId = referencedLogicalIds(p["Target"]).find((id) => integrations.has(id));
    if (integrationId === undefined) {
      throw new TemplateError(`${logicalId}: Target is not integrations/<an integration of this HTTP API>`);
    }
    const integration = integrations.get(integrationId) as Record<string, unknown>;
    const type = text(integration["IntegrationType"]);
    if (type !== "AWS_PROXY") {
      throw new TemplateError(
        `${integrationId}: IntegrationType ${type ?? "(none)"} is not served locally (Lambda proxy integrations only)`,
      );
    }
    const version = text(integration["PayloadFormatVersion"]);
    if (version !== "2.0") {
      throw new TemplateError(
        `${integrationId}: PayloadFormatVersion ${version ?? "(none)"} is not served locally (2.0 only)`,
      );
    }
    routes.push({
      logicalId,
      routeKey,
      authorizerLogicalId,
      functionLogicalId: invokedFunction(api, integration["IntegrationUri"], `integration ${integrationId}`),
    });
  }
  return routes;
}
