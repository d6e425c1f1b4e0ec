// A REST API prepared for a bearer-token authorizer: RFC 6750 challenges on 401 and 403, CORS
// headers on every error API Gateway itself answers, JSON access logs that record the authorizer's
// decision, and stage throttling. Methods are added by CognitoJwtAuthorizer (or by hand).
// Optionally it also sets the account's API Gateway CloudWatch Logs role, without which API Gateway
// refuses a stage with access logging (see `cloudWatchRole`).

import { RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import {
  AccessLogFormat,
  Cors,
  EndpointType,
  LogGroupLogDestination,
  ResponseType,
  RestApi,
} from "aws-cdk-lib/aws-apigateway";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { assertStageName, assertStageThrottling } from "./api-gateway-rules";

/**
 * One access log line per request, as JSON. Every value is quoted: API Gateway writes `-` for a
 * value it does not have (no authorizer on /health, no integration on a 401), which would break
 * unquoted JSON numbers. Never the Authorization header.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html#context-variable-reference
 */
export const ACCESS_LOG_FIELDS = {
  requestId: "$context.requestId",
  requestTime: "$context.requestTimeEpoch",
  ip: "$context.identity.sourceIp",
  userAgent: "$context.identity.userAgent",
  httpMethod: "$context.httpMethod",
  resourcePath: "$context.resourcePath",
  path: "$context.path",
  status: "$context.status",
  responseLength: "$context.responseLength",
  responseLatency: "$context.responseLatency",
  integrationLatency: "$context.integration.latency",
  integrationStatus: "$context.integration.status",
  authorizerLatency: "$context.authorizer.latency",
  authorizerStatus: "$context.authorizer.status",
  authorizerIntegrationLatency: "$context.authorizer.integrationLatency",
  authorizerError: "$context.authorizer.error",
  principalId: "$context.authorizer.principalId",
  errorResponseType: "$context.error.responseType",
  errorMessage: "$context.error.message",
} as const;

/** The AWS managed policy of the API Gateway CloudWatch Logs role, as cdk-nag names it. */
export const API_GATEWAY_PUSH_TO_CLOUDWATCH_LOGS =
  "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs";

export interface ProtectedRestApiProps {
  /**
   * Name of the stage (the last segment of the API URL).
   * @default "prod"
   */
  readonly stageName?: string;

  /**
   * Steady-state request rate limit of the stage, requests per second.
   * @default 50
   */
  readonly throttlingRateLimit?: number;

  /**
   * Burst limit of the stage (token bucket size).
   * @default 100
   */
  readonly throttlingBurstLimit?: number;

  /**
   * The one origin browsers may call the API from (CORS). Bearer tokens are not cookies, so `*`
   * does not expose credentials; pin it to your web app's origin all the same.
   * @default "*"
   */
  readonly corsAllowOrigin?: string;

  /**
   * Retention of the access log group.
   * @default RetentionDays.ONE_MONTH
   */
  readonly accessLogRetention?: RetentionDays;

  /**
   * What CloudFormation does with the access log group when it leaves the stack.
   * @default RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE - `cdk destroy` keeps the record of who called
   * the API (it still expires after `accessLogRetention`), while the rollback of the create that
   * made the group deletes it: a failed first deploy leaves nothing behind
   */
  readonly accessLogRemovalPolicy?: RemovalPolicy;

  /**
   * Create an IAM role for API Gateway to write logs with, and make it this account and region's
   * API Gateway CloudWatch Logs role (`AWS::ApiGateway::Account`). API Gateway refuses a stage with
   * access logging until the account and region have that role ("CloudWatch Logs role ARN must be
   * set in account settings to enable logging").
   *
   * The setting is one per account and region, shared by every REST API there: turning this on
   * replaces whatever role is set. The role and the setting are retained when they leave the stack
   * (`cdk destroy`, a rollback, turning this off): CloudFormation does not reset the setting when it
   * deletes an `AWS::ApiGateway::Account`, so a deleted role would leave every API in the region
   * logging through a role that no longer exists.
   * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html#set-up-access-logging-permissions
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigateway-account.html
   * @default false - like CDK's `@aws-cdk/aws-apigateway:disableCloudWatchRole`: the account and
   * region must already have the role (set once by hand, by a platform stack, or by another stack
   * that turned this on)
   */
  readonly cloudWatchRole?: boolean;
}

export class ProtectedRestApi extends Construct {
  readonly api: RestApi;
  readonly accessLogGroup: LogGroup;
  readonly corsAllowOrigin: string;

  constructor(scope: Construct, id: string, props: ProtectedRestApiProps = {}) {
    super(scope, id);
    if (props.stageName !== undefined) assertStageName(props.stageName, "ProtectedRestApi stageName");
    this.corsAllowOrigin = props.corsAllowOrigin ?? "*";
    const rate = props.throttlingRateLimit ?? 50;
    const burst = props.throttlingBurstLimit ?? 100;
    assertStageThrottling(rate, burst);

    this.accessLogGroup = new LogGroup(this, "AccessLogs", {
      retention: props.accessLogRetention ?? RetentionDays.ONE_MONTH,
      // RetainExceptOnCreate: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html
      removalPolicy: props.accessLogRemovalPolicy ?? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    const cloudWatchRole = props.cloudWatchRole ?? false;

    this.api = new RestApi(this, "Api", {
      // Unique per stack and construct: API Gateway's metrics are keyed by ApiName, so two APIs of
      // the same name in one account and Region would share the dashboard's graphs and alarms.
      restApiName: `${Stack.of(this).stackName}-${id}`,
      description: `Sample API protected by a Cognito JWT authorizer (${Stack.of(this).stackName})`,
      endpointTypes: [EndpointType.REGIONAL],
      // RestApi creates the role and the AWS::ApiGateway::Account, and makes the stage depend on
      // the Account: the setting exists before API Gateway checks it for the access log.
      cloudWatchRole,
      ...(cloudWatchRole ? { cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN } : {}),
      defaultCorsPreflightOptions: {
        allowOrigins: [this.corsAllowOrigin],
        allowMethods: Cors.ALL_METHODS,
        allowHeaders: ["Authorization", "Content-Type"],
      },
      deployOptions: {
        stageName: props.stageName ?? "prod",
        throttlingRateLimit: rate,
        throttlingBurstLimit: burst,
        accessLogDestination: new LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
        // Full request logging would write the bearer token to CloudWatch.
        dataTraceEnabled: false,
      },
    });
    // The stack declares its own outputs (ApiUrl and friends); RestApi's generated one would be a
    // fifth, differently named copy of ApiUrl.
    this.api.node.tryRemoveChild("Endpoint");

    Validations.of(this.api).acknowledge(
      {
        id: "AwsSolutions-APIG2",
        reason:
          "The only request input API Gateway could validate is the Authorization header, which " +
          "the TOKEN authorizer's identity validation expression already checks; bodies are " +
          "validated by the backends that own their shape.",
      },
      {
        id: "AwsSolutions-APIG3",
        reason:
          "No WAF web ACL in the sample (cost); stage throttling bounds the request rate. Associate " +
          "a web ACL with the stage in production.",
      },
      {
        id: "AwsSolutions-APIG6",
        reason:
          "Execution logging is off: API Gateway would create its log group " +
          "(API-Gateway-Execution-Logs_<api id>/<stage>) itself, outside the stack, never expiring " +
          "and left behind by cdk destroy; the JSON access log records status, principal and the " +
          "authorizer's status, latency and error for every request.",
      },
    );
    if (cloudWatchRole) {
      Validations.of(this.api.node.findChild("CloudWatchRole")).acknowledge({
        id: `AwsSolutions-IAM4[${API_GATEWAY_PUSH_TO_CLOUDWATCH_LOGS}]`,
        reason:
          "AmazonAPIGatewayPushToCloudWatchLogs is the policy API Gateway documents for its CloudWatch " +
          "Logs role; the role is shared by every API in the account and region, so it cannot be " +
          "scoped to this API's log group.",
      });
    }

    const cors = {
      "Access-Control-Allow-Origin": `'${this.corsAllowOrigin}'`,
      // Browsers hide response headers from scripts unless exposed: the challenge must be readable.
      "Access-Control-Expose-Headers": "'WWW-Authenticate'",
    };
    // RFC 6750 §3: the challenge of a protected resource. API Gateway answers 401 both for a missing
    // and for a bad token (it cannot tell them apart here), so the error code is invalid_token.
    this.api.addGatewayResponse("Unauthorized", {
      type: ResponseType.UNAUTHORIZED,
      statusCode: "401",
      responseHeaders: { ...cors, "WWW-Authenticate": `'Bearer error="invalid_token"'` },
    });
    // RFC 6750 §3.1: a valid token without the privileges the route needs (scope or group).
    this.api.addGatewayResponse("AccessDenied", {
      type: ResponseType.ACCESS_DENIED,
      statusCode: "403",
      responseHeaders: { ...cors, "WWW-Authenticate": `'Bearer error="insufficient_scope"'` },
    });
    // On a REST API this is what an unknown path or method gets (a missing bearer token on a guarded
    // method is UNAUTHORIZED): no challenge, and 404 rather than a misleading 403.
    this.api.addGatewayResponse("MissingAuthenticationToken", {
      type: ResponseType.MISSING_AUTHENTICATION_TOKEN,
      statusCode: "404",
      responseHeaders: cors,
      templates: { "application/json": '{"message":"Not Found"}' },
    });
    // Every other error API Gateway answers itself (throttling, authorizer failure, ...): CORS only,
    // so a browser sees the status instead of an opaque network error.
    this.api.addGatewayResponse("Default4xx", { type: ResponseType.DEFAULT_4XX, responseHeaders: cors });
    this.api.addGatewayResponse("Default5xx", { type: ResponseType.DEFAULT_5XX, responseHeaders: cors });
  }
}
