// Closed sets of values the public constructs take, as enums (aws-cdk DESIGN_GUIDELINES: enums for
// closed sets, no union-typed props). Their values are the authorizer's own wire values.

/** Which Cognito token callers present: the `token_use` claim the authorizer requires (TOKEN_USE). */
export enum AuthorizerTokenUse {
  /** Access tokens: what APIs are meant to accept (they carry scopes and groups). */
  ACCESS = "access",
  /** ID tokens: meant for the client; accept them only if your callers cannot send access tokens. */
  ID = "id",
}

/** The authorizer function's Powertools log level (POWERTOOLS_LOG_LEVEL). */
export enum AuthorizerLogLevel {
  /** Every decision, Allows included. */
  DEBUG = "DEBUG",
  /** One line per Deny and per 401; Allows are not logged. */
  INFO = "INFO",
  /** 401s only: Denies are not logged. */
  WARN = "WARN",
  /** No decision lines at all. */
  ERROR = "ERROR",
}
