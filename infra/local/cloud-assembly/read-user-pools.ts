// Reads the stack's Cognito resources: AWS::Cognito::UserPool, UserPoolClient and UserPoolGroup.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/AWS_Cognito.html

import { referencedLogicalIds } from "./intrinsics";
import type {
  CfnResource,
  UserPoolClientDefinition,
  UserPoolDefinition,
  UserPoolGroupDefinition,
} from "./stack-definition";
import { resourcesOfType, type TemplateResources, text } from "./template-lookup";

export function readUserPools(resources: TemplateResources): UserPoolDefinition[] {
  return resourcesOfType(resources, "AWS::Cognito::UserPool").map(([logicalId, r]) => ({
    logicalId,
    properties: r.Properties ?? {},
  }));
}

export function readUserPoolClients(resources: TemplateResources): UserPoolClientDefinition[] {
  return resourcesOfType(resources, "AWS::Cognito::UserPoolClient").map(([logicalId, r]) => ({
    logicalId,
    userPoolLogicalId: poolOf(r),
    properties: r.Properties ?? {},
  }));
}

export function readUserPoolGroups(resources: TemplateResources): UserPoolGroupDefinition[] {
  return resourcesOfType(resources, "AWS::Cognito::UserPoolGroup").map(([logicalId, r]) => ({
    logicalId,
    userPoolLogicalId: poolOf(r),
    groupName: text(r.Properties?.["GroupName"]) ?? logicalId,
    description: r.Properties?.["Description"] as string | undefined,
    precedence: r.Properties?.["Precedence"] as number | undefined,
  }));
}

/** The pool a client or group belongs to; "" when `UserPoolId` is no reference. */
function poolOf(r: CfnResource): string {
  return referencedLogicalIds(r.Properties?.["UserPoolId"])[0] ?? "";
}
