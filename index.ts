// The package's whole public surface: what `import { ... } from "cognito-jwt-authorizer"` gives.
// Anything not exported here is internal and may change in any release (CHANGELOG.md).

export {
  AUTHORIZATION_HEADER,
  AuthorizerEventType,
  BASIC_EXECUTION_ROLE,
  BEARER_VALIDATION_REGEX,
  CognitoJwtAuthorizer,
  type CognitoJwtAuthorizerProps,
  DEFAULT_AUTHORIZER_MEMORY_MB,
  MAX_RESULTS_CACHE_TTL_SECONDS,
  type ProtectedRoute,
  type RouteMethod,
  type RouteRequirement,
  type RouteRule,
} from "./infra/constructs/cognito-jwt-authorizer";
export {
  CognitoJwtHttpAuthorizer,
  type CognitoJwtHttpAuthorizerProps,
  DEFAULT_ROUTE_KEY,
  HTTP_AUTHORIZATION_HEADER,
  HttpAuthorizerResponseMode,
  PER_ROUTE_IDENTITY_SOURCE,
  type ProtectedHttpDefaultRoute,
  type ProtectedHttpRoute,
} from "./infra/constructs/cognito-jwt-http-authorizer";
export type { AuthorizerFunctionProps, ExtraUserPoolProps } from "./infra/constructs/authorizer-function";
export { AuthorizerLogLevel, AuthorizerTokenUse } from "./infra/constructs/authorizer-options";
export {
  AuthorizerMonitoring,
  type AuthorizerMonitoringOptions,
  type AuthorizerMonitoringProps,
  type CountAlarmOptions,
  DEFAULT_P99_DURATION_THRESHOLD,
  type DurationAlarmOptions,
  METRIC_NAMES,
  METRIC_NAMESPACE_PREFIX,
  REFUSAL_DIMENSIONS,
} from "./infra/constructs/authorizer-monitoring";
export { LAMBDA_ENVIRONMENT_LIMIT_BYTES } from "./infra/constructs/lambda-environment-size";
