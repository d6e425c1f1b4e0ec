// An HTTP API prepared for a bearer-token authorizer, the HTTP API twin of ProtectedRestApi: CORS
// preflights answered by API Gateway, a `$default` stage that deploys every change, with stage
// throttling and JSON access logs that record the authorizer's decision. Routes are added by
// CognitoJwtHttpAuthorizer (or by hand).
//
// Unlike a REST API, an HTTP API needs no account-level CloudWatch Logs role for access logs: the
// deploying user's CloudWatch Logs permissions (log delivery, resource policy) are enough.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html
// Also unlike a REST API, an HTTP API has no gateway responses to customize: its own 401 and 403
// carry no RFC 6750 `WWW-Authenticate` challenge.

import { RemovalPolicy, Stack } from "aws-cdk-lib";
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import {
  CorsHttpMethod,
  HttpApi,
  type HttpStage,
  LogGroupLogDestination,
} from "aws-cdk-lib/aws-apigatewayv2";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { assertStageThrottling } from "./api-gateway-rules";

/**
 * One access log line per request, as JSON, every value quoted (API Gateway writes `-` for a value
 * it does not have). `principal` is the `sub` of the authorizer's context. Never the Authorization
 * header. https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html
 */
export const HTTP_ACCESS_LOG_FIELDS = {
  requestId: "$context.requestId",
  requestTime: "$context.requestTimeEpoch",
  ip: "$context.identity.sourceIp",
  userAgent: "$context.identity.userAgent",
  httpMethod: "$context.httpMethod",
  routeKey: "$context.routeKey",
  path: "$context.path",
  status: "$context.status",
  responseLength: "$context.responseLength",
  responseLatency: "$context.responseLatency",
  integrationLatency: "$context.integrationLatency",
  integrationStatus: "$context.integrationStatus",
  authorizerError: "$context.authorizer.error",
  principal: "$context.authorizer.sub",
  errorMessage: "$context.error.message",
} as const;

export interface ProtectedHttpApiProps {
  /**
   * Steady-state request rate limit of the stage, requests per second.
   * @default 50
   */
  readonly throttlingRateLimit?: number;

  /**
   * Burst limit of the stage.
   * @default 100
   */
  readonly throttlingBurstLimit?: number;

  /**
   * The one origin browsers may call the API from (CORS).
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
   * @default RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE - as ProtectedRestApi's
   */
  readonly accessLogRemovalPolicy?: RemovalPolicy;
}

export class ProtectedHttpApi extends Construct {
  readonly api: HttpApi;
  /** The `$default` stage: its URL is the API's base URL, without a stage segment. */
  readonly stage: HttpStage;
  readonly accessLogGroup: LogGroup;
  readonly corsAllowOrigin: string;

  constructor(scope: Construct, id: string, props: ProtectedHttpApiProps = {}) {
    super(scope, id);
    this.corsAllowOrigin = props.corsAllowOrigin ?? "*";
    const rate = props.throttlingRateLimit ?? 50;
    const burst = props.throttlingBurstLimit ?? 100;
    assertStageThrottling(rate, burst);
    this.accessLogGroup = new LogGroup(this, "AccessLogs", {
      retention: props.accessLogRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.accessLogRemovalPolicy ?? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    this.api = new HttpApi(this, "Api", {
      // Unique per stack and construct, as ProtectedRestApi's.
      apiName: `${Stack.of(this).stackName}-${id}`,
      description: `Sample HTTP API protected by a Cognito JWT authorizer (${Stack.of(this).stackName})`,
      // API Gateway answers preflights itself (no route, no authorizer) and adds these headers to
      // the backends' responses, ignoring theirs.
      // https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html
      corsPreflight: {
        allowOrigins: [this.corsAllowOrigin],
        allowMethods: [CorsHttpMethod.ANY],
        allowHeaders: ["Authorization", "Content-Type"],
      },
      // The stage below: HttpApi's own default stage takes no access log settings.
      createDefaultStage: false,
    });
    this.stage = this.api.addStage("DefaultStage", {
      stageName: "$default",
      autoDeploy: true,
      throttle: { rateLimit: rate, burstLimit: burst },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(JSON.stringify(HTTP_ACCESS_LOG_FIELDS)),
      },
    });
  }
}
