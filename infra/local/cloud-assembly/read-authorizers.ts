// Reads the REST API's AWS::ApiGateway::Authorizer resources (TOKEN and REQUEST Lambda authorizers).
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-authorizer.html

import { type AuthorizerDefinition, type IdentitySource, TemplateError } from "./stack-definition";
import { type ApiTemplate, apiResourcesOfType, invokedFunction, text } from "./template-lookup";

/** Authorizer logical id → definition, in template order. */
export function readAuthorizers(api: ApiTemplate): Map<string, AuthorizerDefinition> {
  const authorizers = new Map<string, AuthorizerDefinition>();
  for (const [logicalId, r] of apiResourcesOfType(api, "AWS::ApiGateway::Authorizer")) {
    const p = r.Properties ?? {};
    const type = String(p["Type"]);
    if (type !== "TOKEN" && type !== "REQUEST") {
      throw new TemplateError(
        `${logicalId}: authorizer type ${type} is not supported locally (TOKEN or REQUEST)`,
      );
    }
    const expression = p["IdentityValidationExpression"];
    authorizers.set(logicalId, {
      logicalId,
      name: text(p["Name"]) ?? logicalId,
      type,
      identitySources: parseIdentitySources(text(p["IdentitySource"]) ?? "", logicalId, type),
      // Matched against the whole header value (a Java-style `matches`), so an unanchored
      // expression cannot pass a value that merely contains a valid-looking token.
      validationExpression:
        type === "TOKEN" && typeof expression === "string" && expression !== ""
          ? new RegExp(`^(?:${expression})$`)
          : undefined,
      // AuthorizerResultTtlInSeconds: "If it is not specified, the default value is 300."
      ttlSeconds:
        typeof p["AuthorizerResultTtlInSeconds"] === "number" ? p["AuthorizerResultTtlInSeconds"] : 300,
      functionLogicalId: invokedFunction(api, p["AuthorizerUri"], `authorizer ${logicalId}`),
    });
  }
  return authorizers;
}

/**
 * `method.request.header.Authorization, method.request.querystring.q` → parsed list.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-authorizer.html
 */
export function parseIdentitySources(text: string, logicalId: string, type: string): IdentitySource[] {
  const parts = text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (type === "TOKEN" && parts.length !== 1) {
    throw new TemplateError(`${logicalId}: a TOKEN authorizer needs exactly one header identity source`);
  }
  return parts.map((part): IdentitySource => {
    let m: RegExpExecArray | null;
    if ((m = /^method\.request\.header\.(.+)$/.exec(part))) return { kind: "header", name: m[1] as string };
    if (type === "REQUEST" && (m = /^method\.request\.querystring\.(.+)$/.exec(part))) {
      return { kind: "querystring", name: m[1] as string };
    }
    if (type === "REQUEST" && (m = /^stageVariables\.(.+)$/.exec(part))) {
      return { kind: "stageVariable", name: m[1] as string };
    }
    if (type === "REQUEST" && (m = /^context\.(.+)$/.exec(part)))
      return { kind: "context", name: m[1] as string };
    throw new TemplateError(`${logicalId}: identity source ${part} is not supported`);
  });
}
