// Lookups every template reader shares: resources by type, the REST API's, the function a URI invokes.

import { referencedLogicalIds } from "./intrinsics";
import { type CfnResource, type CfnTemplate, TemplateError } from "./stack-definition";

export type TemplateResources = CfnTemplate["Resources"];

/** The stack template, seen from the one REST API the local gateway serves. */
export interface ApiTemplate {
  readonly resources: TemplateResources;
  readonly templatePath: string;
  readonly restApiLogicalId: string;
}

/** `[logicalId, resource]` of every resource of `type`, in template order. */
export function resourcesOfType(resources: TemplateResources, type: string): [string, CfnResource][] {
  return Object.entries(resources).filter(([, r]) => r.Type === type);
}

/** True when the resource's `RestApiId` references the REST API. */
export function belongsToApi(resource: CfnResource, restApiLogicalId: string): boolean {
  return referencedLogicalIds(resource.Properties?.["RestApiId"]).includes(restApiLogicalId);
}

/** `[logicalId, resource]` of every resource of `type` that belongs to the REST API, in template order. */
export function apiResourcesOfType(api: ApiTemplate, type: string): [string, CfnResource][] {
  return resourcesOfType(api.resources, type).filter(([, r]) => belongsToApi(r, api.restApiLogicalId));
}

/**
 * The logical id of the Lambda function of this stack that `value` (an authorizer or integration
 * URI) references; TemplateError naming `what` when it references none.
 */
export function invokedFunction(
  api: Pick<ApiTemplate, "resources" | "templatePath">,
  value: unknown,
  what: string,
): string {
  const fn = referencedLogicalIds(value).find((id) => api.resources[id]?.Type === "AWS::Lambda::Function");
  if (fn === undefined)
    throw new TemplateError(`${api.templatePath}: ${what} does not invoke a Lambda function of this stack`);
  return fn;
}

/** A template string property; undefined when absent or not a string (an unresolved intrinsic). */
export function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** The stack template, seen from its one HTTP API (API Gateway v2). */
export interface HttpApiTemplate {
  readonly resources: TemplateResources;
  readonly templatePath: string;
  readonly httpApiLogicalId: string;
}

/** `[logicalId, resource]` of every resource of `type` whose ApiId references the HTTP API. */
export function httpApiResourcesOfType(api: HttpApiTemplate, type: string): [string, CfnResource][] {
  return resourcesOfType(api.resources, type).filter(([, r]) =>
    referencedLogicalIds(r.Properties?.["ApiId"]).includes(api.httpApiLogicalId),
  );
}
