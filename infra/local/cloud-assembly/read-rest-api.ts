// Reads the stack's one AWS::ApiGateway::RestApi and the stage it is deployed to.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-stage.html

import { TemplateError } from "./stack-definition";
import { belongsToApi, resourcesOfType, type TemplateResources, text } from "./template-lookup";

export interface RestApiDefinition {
  readonly logicalId: string;
  /** Undefined when the stage is named only by the deployment's `StageName`, or not at all. */
  readonly stageLogicalId: string | undefined;
  readonly stageName: string;
}

/** The local gateway serves one REST API per stack: none, or more than one, is a TemplateError. */
export function readRestApi(resources: TemplateResources, templatePath: string): RestApiDefinition {
  const [restApi, ...moreApis] = resourcesOfType(resources, "AWS::ApiGateway::RestApi");
  if (restApi === undefined) throw new TemplateError(`${templatePath}: no AWS::ApiGateway::RestApi`);
  if (moreApis.length > 0) {
    throw new TemplateError(`${templatePath}: the local gateway serves one REST API per stack`);
  }
  const [logicalId] = restApi;

  const stage = resourcesOfType(resources, "AWS::ApiGateway::Stage").find(([, r]) =>
    belongsToApi(r, logicalId),
  );
  const deploymentStage = resourcesOfType(resources, "AWS::ApiGateway::Deployment").find(
    ([, r]) => belongsToApi(r, logicalId) && typeof r.Properties?.["StageName"] === "string",
  );
  const stageName =
    text(stage?.[1].Properties?.["StageName"]) ??
    text(deploymentStage?.[1].Properties?.["StageName"]) ??
    "prod";
  return { logicalId, stageLogicalId: stage?.[0], stageName };
}
