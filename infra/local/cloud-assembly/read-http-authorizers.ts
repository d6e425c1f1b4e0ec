// Reads the HTTP API's AWS::ApiGatewayV2::Authorizer resources: Lambda (REQUEST) authorizers with
// payload format 2.0 (simple or IAM-policy responses) or 1.0 (IAM-policy responses only: simple
// responses exist with payload format 2.0 alone). JWT authorizers are refused with a message,
// never served as something else.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigatewayv2-authorizer.html
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html

import { type HttpAuthorizerDefinition, type HttpIdentitySource, TemplateError } from "./stack-definition";
import { type HttpApiTemplate, httpApiResourcesOfType, invokedFunction, text } from "./template-lookup";

/** Authorizer logical id → definition, in template order. */
export function readHttpAuthorizers(api: HttpApiTemplate): Map<string, HttpAuthorizerDefinition> {
  const authorizers = new Map<string, HttpAuthorizerDefinition>();
  for (const [logicalId, r] of httpApiResourcesOfType(api, "AWS::ApiGatewayV2::Authorizer")) {
    const p = r.Properties ?? {};
    const type = text(p["AuthorizerType"]);
    if (type !== "REQUEST") {
      throw new TemplateError(
        `${logicalId}: AuthorizerType ${type ?? "(none)"} is not served locally (Lambda REQUEST authorizers only; JWT authorizers are not emulated)`,
      );
    }
    const version = text(p["AuthorizerPayloadFormatVersion"]);
    if (version !== "2.0" && version !== "1.0") {
      throw new TemplateError(
        `${logicalId}: AuthorizerPayloadFormatVersion ${version ?? "(none)"} is not served locally (1.0 or 2.0)`,
      );
    }
    const simpleResponses = p["EnableSimpleResponses"] === true;
    if (simpleResponses && version !== "2.0") {
      throw new TemplateError(`${logicalId}: EnableSimpleResponses needs AuthorizerPayloadFormatVersion 2.0`);
    }
    if (p["AuthorizerCredentialsArn"] !== undefined) {
      throw new TemplateError(`${logicalId}: AuthorizerCredentialsArn (an invocation role) is not emulated`);
    }
    const ttl = p["AuthorizerResultTtlInSeconds"];
    if (ttl !== undefined && (typeof ttl !== "number" || !Number.isInteger(ttl) || ttl < 0 || ttl > 3600)) {
      throw new TemplateError(`${logicalId}: AuthorizerResultTtlInSeconds must be an integer from 0 to 3600`);
    }
    const ttlSeconds = ttl ?? 0;
    const identitySources = parseHttpIdentitySources(p["IdentitySource"], logicalId);
    // "When caching is turned off, it is not necessary to specify an identity source" (the Lambda
    // authorizer page); with caching on, the identity source is the cache key and is required.
    if (identitySources.length === 0 && ttlSeconds > 0) {
      throw new TemplateError(
        `${logicalId}: an authorizer with caching on (TTL ${ttlSeconds} s) needs an IdentitySource`,
      );
    }
    authorizers.set(logicalId, {
      logicalId,
      name: text(p["Name"]) ?? logicalId,
      payloadFormatVersion: version,
      identitySources,
      simpleResponses,
      ttlSeconds,
      functionLogicalId: invokedFunction(api, p["AuthorizerUri"], `authorizer ${logicalId}`),
    });
  }
  return authorizers;
}

/**
 * `["$request.header.Authorization", "$context.routeKey"]` → parsed list. The selection
 * expressions of the Lambda authorizer page: `$request.header.*`, `$request.querystring.*`,
 * `$context.*`, `$stageVariables.*`.
 */
export function parseHttpIdentitySources(value: unknown, logicalId: string): HttpIdentitySource[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    throw new TemplateError(`${logicalId}: IdentitySource must be a list of strings`);
  }
  return value.map((expression: string): HttpIdentitySource => {
    let m: RegExpExecArray | null;
    if ((m = /^\$request\.header\.(.+)$/.exec(expression)))
      return { kind: "header", name: m[1] as string, expression };
    if ((m = /^\$request\.querystring\.(.+)$/.exec(expression))) {
      return { kind: "querystring", name: m[1] as string, expression };
    }
    if ((m = /^\$context\.(.+)$/.exec(expression)))
      return { kind: "context", name: m[1] as string, expression };
    if ((m = /^\$stageVariables\.(.+)$/.exec(expression))) {
      return { kind: "stageVariable", name: m[1] as string, expression };
    }
    throw new TemplateError(
      `${logicalId}: identity source ${expression} is not an HTTP API selection expression`,
    );
  });
}
