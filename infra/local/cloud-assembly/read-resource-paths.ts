// Reads the REST API's AWS::ApiGateway::Resource tree into resource paths (`/items/{id}`).
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-resource.html

import { referencedLogicalIds } from "./intrinsics";
import { type CfnResource, TemplateError } from "./stack-definition";
import { type ApiTemplate, apiResourcesOfType } from "./template-lookup";

/** Resource key (see resourceKey) → resource path; the root resource is `"" → "/"`. */
export type ResourcePaths = ReadonlyMap<string, string>;

/** `Ref Resource` → its logical id; `Fn::GetAtt [Api, RootResourceId]` → "" (the root). */
export function resourceKey(value: unknown, restApiLogicalId: string): string {
  const [id] = referencedLogicalIds(value);
  return id === undefined || id === restApiLogicalId ? "" : id;
}

export function readResourcePaths(api: ApiTemplate): ResourcePaths {
  const paths = new Map<string, string>([["", "/"]]);
  const pending = apiResourcesOfType(api, "AWS::ApiGateway::Resource");
  // Parents may come after children in the template: resolve in passes until nothing moves.
  while (pending.length > 0) {
    const before = pending.length;
    for (let i = pending.length - 1; i >= 0; i--) {
      const [logicalId, r] = pending[i] as [string, CfnResource];
      const parent = paths.get(resourceKey(r.Properties?.["ParentId"], api.restApiLogicalId));
      if (parent === undefined) continue;
      const part = String(r.Properties?.["PathPart"]);
      paths.set(logicalId, parent === "/" ? `/${part}` : `${parent}/${part}`);
      pending.splice(i, 1);
    }
    if (pending.length === before) {
      throw new TemplateError(
        `${api.templatePath}: resources without a known parent: ${pending.map(([id]) => id).join(", ")}`,
      );
    }
  }
  return paths;
}
