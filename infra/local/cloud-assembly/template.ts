// The synthesized cloud assembly (cdk.out) → what the local stack runs.
//
// Reads exactly what `cdk deploy` would ship: the stack template (routes, methods, authorizers,
// gateway responses, Cognito resources, outputs) and the bundled Lambda assets it points at.
// Shapes: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/AWS_ApiGateway.html

import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { referencedLogicalIds } from "./intrinsics";

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TemplateError";
  }
}

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}

export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
  readonly Outputs?: Record<string, { readonly Value: unknown }>;
}

export interface LambdaFunctionDefinition {
  readonly logicalId: string;
  /** The bundled asset folder under cdk.out: the very files `cdk deploy` uploads. */
  readonly assetDirectory: string;
  /** `index.handler`: module path relative to the asset folder, then the export. */
  readonly handler: string;
  readonly runtime: string;
  readonly timeoutSeconds: number;
  readonly memorySize: number;
  /** Environment as written in the template (values may be intrinsics). */
  readonly environment: Readonly<Record<string, unknown>>;
}

export type IdentitySource =
  | { readonly kind: "header"; readonly name: string }
  | { readonly kind: "querystring"; readonly name: string }
  | { readonly kind: "stageVariable"; readonly name: string }
  | { readonly kind: "context"; readonly name: string };

export interface AuthorizerDefinition {
  readonly logicalId: string;
  readonly name: string;
  readonly type: "TOKEN" | "REQUEST";
  readonly identitySources: readonly IdentitySource[];
  /** TOKEN authorizers only: the header value must match, or API Gateway answers 401 itself. */
  readonly validationExpression: RegExp | undefined;
  readonly ttlSeconds: number;
  readonly functionLogicalId: string;
}

export type IntegrationDefinition =
  | { readonly type: "AWS_PROXY"; readonly functionLogicalId: string }
  | {
      readonly type: "MOCK";
      readonly statusCode: number;
      readonly headers: Readonly<Record<string, string>>;
    };

export interface MethodDefinition {
  readonly logicalId: string;
  /** Resource path as API Gateway names it: `/`, `/items`, `/items/{id}`, `/files/{proxy+}`. */
  readonly resourcePath: string;
  /** Upper case; `ANY` matches every method. */
  readonly httpMethod: string;
  /** Undefined for `AuthorizationType: NONE`. */
  readonly authorizerLogicalId: string | undefined;
  readonly integration: IntegrationDefinition;
}

export interface GatewayResponseDefinition {
  readonly type: string;
  readonly statusCode: number | undefined;
  /** Header name → mapping expression (`'static'`, `method.request.header.X`, ...). */
  readonly headers: Readonly<Record<string, string>>;
  readonly templates: Readonly<Record<string, string>>;
}

export interface UserPoolDefinition {
  readonly logicalId: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

export interface UserPoolClientDefinition {
  readonly logicalId: string;
  readonly userPoolLogicalId: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

export interface UserPoolGroupDefinition {
  readonly logicalId: string;
  readonly userPoolLogicalId: string;
  readonly groupName: string;
  readonly description: string | undefined;
  readonly precedence: number | undefined;
}

export interface StackDefinition {
  readonly stackName: string;
  readonly templatePath: string;
  readonly template: CfnTemplate;
  readonly restApiLogicalId: string;
  readonly stageLogicalId: string | undefined;
  readonly stageName: string;
  readonly methods: readonly MethodDefinition[];
  readonly authorizers: ReadonlyMap<string, AuthorizerDefinition>;
  readonly gatewayResponses: ReadonlyMap<string, GatewayResponseDefinition>;
  /** Only the functions API Gateway invokes (integrations and authorizers). */
  readonly functions: ReadonlyMap<string, LambdaFunctionDefinition>;
  readonly userPools: readonly UserPoolDefinition[];
  readonly userPoolClients: readonly UserPoolClientDefinition[];
  readonly userPoolGroups: readonly UserPoolGroupDefinition[];
}

interface ManifestArtifact {
  readonly type: string;
  readonly displayName?: string;
  readonly properties?: { readonly templateFile?: string; readonly stackName?: string };
}

/**
 * Read the stack that holds the REST API from a cloud assembly directory.
 * `stackName` picks one when the app has several stacks with an API.
 */
export function readCloudAssembly(cdkOutDir: string, stackName?: string): StackDefinition {
  const manifestPath = path.join(cdkOutDir, "manifest.json");
  if (!existsSync(manifestPath)) {
    throw new TemplateError(`${manifestPath} not found: synthesize the CDK app first (npx cdk synth)`);
  }
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as {
    artifacts?: Record<string, ManifestArtifact>;
  };
  const stacks = Object.entries(manifest.artifacts ?? {})
    .filter(([, a]) => a.type === "aws:cloudformation:stack" && a.properties?.templateFile)
    .map(([id, a]) => {
      const templatePath = path.join(cdkOutDir, a.properties?.templateFile as string);
      const template = JSON.parse(readFileSync(templatePath, "utf8")) as CfnTemplate;
      return { name: a.properties?.stackName ?? id, templatePath, template };
    })
    .filter((s) => stackName === undefined || s.name === stackName)
    .filter((s) => Object.values(s.template.Resources).some((r) => r.Type === "AWS::ApiGateway::RestApi"));
  const [stack, ...others] = stacks;
  if (stack === undefined) {
    throw new TemplateError(
      stackName === undefined
        ? `no stack in ${cdkOutDir} defines an AWS::ApiGateway::RestApi`
        : `stack ${stackName} not found in ${cdkOutDir}, or it has no REST API`,
    );
  }
  if (others.length > 0) {
    const names = stacks.map((s) => s.name).join(", ");
    throw new TemplateError(`several stacks define a REST API (${names}): choose one with --stack`);
  }
  return readStackTemplate(stack.template, {
    stackName: stack.name,
    templatePath: stack.templatePath,
    cdkOutDir,
  });
}

export function readStackTemplate(
  template: CfnTemplate,
  where: { readonly stackName: string; readonly templatePath: string; readonly cdkOutDir: string },
): StackDefinition {
  const resources = template.Resources;
  const ofType = (type: string): [string, CfnResource][] =>
    Object.entries(resources).filter(([, r]) => r.Type === type);

  const restApis = ofType("AWS::ApiGateway::RestApi");
  const [restApi, ...moreApis] = restApis;
  if (restApi === undefined) throw new TemplateError(`${where.templatePath}: no AWS::ApiGateway::RestApi`);
  if (moreApis.length > 0) {
    throw new TemplateError(`${where.templatePath}: the local gateway serves one REST API per stack`);
  }
  const [restApiLogicalId] = restApi;
  const belongsToApi = (r: CfnResource): boolean =>
    referencedLogicalIds(r.Properties?.["RestApiId"]).includes(restApiLogicalId);

  const stage = ofType("AWS::ApiGateway::Stage").find(([, r]) => belongsToApi(r));
  const deploymentStage = ofType("AWS::ApiGateway::Deployment").find(
    ([, r]) => belongsToApi(r) && typeof r.Properties?.["StageName"] === "string",
  );
  const stageName =
    text(stage?.[1].Properties?.["StageName"]) ??
    text(deploymentStage?.[1].Properties?.["StageName"]) ??
    "prod";

  const resourcePaths = resolveResourcePaths(resources, restApiLogicalId, where.templatePath);
  const usedFunctions = new Set<string>();
  const lambdaFunctionOf = (value: unknown, what: string): string => {
    const fn = referencedLogicalIds(value).find((id) => resources[id]?.Type === "AWS::Lambda::Function");
    if (fn === undefined)
      throw new TemplateError(
        `${where.templatePath}: ${what} does not invoke a Lambda function of this stack`,
      );
    usedFunctions.add(fn);
    return fn;
  };

  const authorizers = new Map<string, AuthorizerDefinition>();
  for (const [logicalId, r] of ofType("AWS::ApiGateway::Authorizer")) {
    if (!belongsToApi(r)) continue;
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
      functionLogicalId: lambdaFunctionOf(p["AuthorizerUri"], `authorizer ${logicalId}`),
    });
  }

  const methods: MethodDefinition[] = [];
  for (const [logicalId, r] of ofType("AWS::ApiGateway::Method")) {
    if (!belongsToApi(r)) continue;
    const p = r.Properties ?? {};
    const resourcePath = resourcePaths.get(resourceKey(p["ResourceId"], restApiLogicalId));
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
      integration: readIntegration(logicalId, p["Integration"], lambdaFunctionOf),
    });
  }

  const gatewayResponses = new Map<string, GatewayResponseDefinition>();
  for (const [, r] of ofType("AWS::ApiGateway::GatewayResponse")) {
    if (!belongsToApi(r)) continue;
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

  const functions = new Map<string, LambdaFunctionDefinition>();
  for (const logicalId of usedFunctions) {
    functions.set(logicalId, readFunction(logicalId, resources[logicalId] as CfnResource, where.cdkOutDir));
  }

  const poolOf = (r: CfnResource): string => referencedLogicalIds(r.Properties?.["UserPoolId"])[0] ?? "";
  return {
    stackName: where.stackName,
    templatePath: where.templatePath,
    template,
    restApiLogicalId,
    stageLogicalId: stage?.[0],
    stageName,
    methods,
    authorizers,
    gatewayResponses,
    functions,
    userPools: ofType("AWS::Cognito::UserPool").map(([logicalId, r]) => ({
      logicalId,
      properties: r.Properties ?? {},
    })),
    userPoolClients: ofType("AWS::Cognito::UserPoolClient").map(([logicalId, r]) => ({
      logicalId,
      userPoolLogicalId: poolOf(r),
      properties: r.Properties ?? {},
    })),
    userPoolGroups: ofType("AWS::Cognito::UserPoolGroup").map(([logicalId, r]) => ({
      logicalId,
      userPoolLogicalId: poolOf(r),
      groupName: text(r.Properties?.["GroupName"]) ?? logicalId,
      description: r.Properties?.["Description"] as string | undefined,
      precedence: r.Properties?.["Precedence"] as number | undefined,
    })),
  };
}

/** `Ref Resource` → its logical id; `Fn::GetAtt [Api, RootResourceId]` → "" (the root). */
function resourceKey(value: unknown, restApiLogicalId: string): string {
  const [id] = referencedLogicalIds(value);
  return id === undefined || id === restApiLogicalId ? "" : id;
}

function resolveResourcePaths(
  resources: Record<string, CfnResource>,
  restApiLogicalId: string,
  templatePath: string,
): Map<string, string> {
  const paths = new Map<string, string>([["", "/"]]);
  const pending = Object.entries(resources).filter(
    ([, r]) =>
      r.Type === "AWS::ApiGateway::Resource" &&
      referencedLogicalIds(r.Properties?.["RestApiId"]).includes(restApiLogicalId),
  );
  // Parents may come after children in the template: resolve in passes until nothing moves.
  while (pending.length > 0) {
    const before = pending.length;
    for (let i = pending.length - 1; i >= 0; i--) {
      const [logicalId, r] = pending[i] as [string, CfnResource];
      const parent = paths.get(resourceKey(r.Properties?.["ParentId"], restApiLogicalId));
      if (parent === undefined) continue;
      const part = String(r.Properties?.["PathPart"]);
      paths.set(logicalId, parent === "/" ? `/${part}` : `${parent}/${part}`);
      pending.splice(i, 1);
    }
    if (pending.length === before) {
      throw new TemplateError(
        `${templatePath}: resources without a known parent: ${pending.map(([id]) => id).join(", ")}`,
      );
    }
  }
  return paths;
}

function readIntegration(
  methodLogicalId: string,
  integration: unknown,
  lambdaFunctionOf: (value: unknown, what: string) => string,
): IntegrationDefinition {
  const i = (integration ?? {}) as Record<string, unknown>;
  const type = String(i["Type"]);
  if (type === "AWS_PROXY") {
    return { type, functionLogicalId: lambdaFunctionOf(i["Uri"], `method ${methodLogicalId}`) };
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

function readFunction(logicalId: string, r: CfnResource, cdkOutDir: string): LambdaFunctionDefinition {
  const p = r.Properties ?? {};
  const asset = r.Metadata?.["aws:asset:path"];
  if (typeof asset !== "string") {
    throw new TemplateError(
      `${logicalId}: no aws:asset:path metadata; the local stack runs bundled assets only`,
    );
  }
  const runtime = text(p["Runtime"]) ?? "";
  if (!runtime.startsWith("nodejs")) {
    throw new TemplateError(`${logicalId}: runtime ${runtime} is not supported locally (Node.js only)`);
  }
  const environment = ((p["Environment"] as Record<string, unknown> | undefined)?.["Variables"] ??
    {}) as Record<string, unknown>;
  return {
    logicalId,
    assetDirectory: path.resolve(cdkOutDir, asset),
    handler: text(p["Handler"]) ?? "index.handler",
    runtime,
    timeoutSeconds: typeof p["Timeout"] === "number" ? p["Timeout"] : 3,
    memorySize: typeof p["MemorySize"] === "number" ? p["MemorySize"] : 128,
    environment,
  };
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

/** A template string property; undefined when absent or not a string (an unresolved intrinsic). */
function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
