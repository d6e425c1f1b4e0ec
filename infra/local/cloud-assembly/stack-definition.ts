// What the local stack runs, as read from a synthesized stack template: one definition per resource.
//
// The model the template readers (read-*.ts beside this file, composed by template.ts) produce and
// the local gateway, Lambda runners and Cognito seeding consume. TemplateError is every reader's
// refusal of a template the local stack cannot serve.
// Shapes: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/AWS_ApiGateway.html

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
  /** The HTTP API (API Gateway v2), when the stack has one. */
  readonly httpApi: HttpApiDefinition | undefined;
  /** Only the functions API Gateway invokes (integrations and authorizers, of both APIs). */
  readonly functions: ReadonlyMap<string, LambdaFunctionDefinition>;
  readonly userPools: readonly UserPoolDefinition[];
  readonly userPoolClients: readonly UserPoolClientDefinition[];
  readonly userPoolGroups: readonly UserPoolGroupDefinition[];
}

/** One identity source of an HTTP API Lambda authorizer (`$request.header.X`, `$context.routeKey`...). */
export type HttpIdentitySource =
  | { readonly kind: "header"; readonly name: string; readonly expression: string }
  | { readonly kind: "querystring"; readonly name: string; readonly expression: string }
  | { readonly kind: "context"; readonly name: string; readonly expression: string }
  | { readonly kind: "stageVariable"; readonly name: string; readonly expression: string };

/** An AWS::ApiGatewayV2::Authorizer of type REQUEST (a Lambda authorizer). */
export interface HttpAuthorizerDefinition {
  readonly logicalId: string;
  readonly name: string;
  /** AuthorizerPayloadFormatVersion: the event's shape (1.0: the REST REQUEST shape, IAM responses only). */
  readonly payloadFormatVersion: "1.0" | "2.0";
  readonly identitySources: readonly HttpIdentitySource[];
  /** EnableSimpleResponses: `{ isAuthorized, context }` instead of an IAM policy. */
  readonly simpleResponses: boolean;
  readonly ttlSeconds: number;
  readonly functionLogicalId: string;
}

/** An AWS::ApiGatewayV2::Route with its AWS_PROXY integration (payload format 2.0). */
export interface HttpRouteDefinition {
  readonly logicalId: string;
  /** `GET /items/{id}`, `ANY /admin/{proxy+}` or `$default`. */
  readonly routeKey: string;
  /** Undefined for `AuthorizationType: NONE`. */
  readonly authorizerLogicalId: string | undefined;
  readonly functionLogicalId: string;
}

/** The stack's one HTTP API (AWS::ApiGatewayV2::Api, ProtocolType HTTP) and its `$default` stage. */
export interface HttpApiDefinition {
  readonly logicalId: string;
  readonly stageLogicalId: string;
  readonly stageName: string;
  readonly routes: readonly HttpRouteDefinition[];
  readonly authorizers: ReadonlyMap<string, HttpAuthorizerDefinition>;
}
