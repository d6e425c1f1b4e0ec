// Error classes. The class is the information: each carries the reason code that the decision log
// line records. They are mapped to what API Gateway sees in exactly one place (authorizer.ts):
// every AuthorizerError becomes `Error("Unauthorized")` (401); nothing else escapes the handler.

/** Reason codes of the decision log line (`reason` field). */
export const REASONS = [
  "allowed",
  "missing_token",
  "malformed_header",
  "conflicting_headers",
  "oversized_token",
  "malformed_token",
  "bad_signature",
  "unknown_kid",
  "expired",
  "not_yet_valid",
  "missing_exp",
  "issued_in_future",
  "wrong_issuer",
  "wrong_token_use",
  "wrong_client",
  "invalid_claims",
  "jwks_unavailable",
  "malformed_event",
  "malformed_method_arn",
  "wrong_event_format",
  "route_key_not_in_identity_source",
  "token_not_in_identity_source",
  "forbidden_route",
  "unknown_route",
  "non_normal_path",
  "route_mismatch",
  "internal_error",
] as const;
export type Reason = (typeof REASONS)[number];

/** Root of every error that means "this request is not authenticated": API Gateway answers 401. */
export abstract class AuthorizerError extends Error {
  abstract readonly reason: Reason;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class MalformedEventError extends AuthorizerError {
  readonly reason = "malformed_event";
}
export class MalformedMethodArnError extends AuthorizerError {
  readonly reason = "malformed_method_arn";
}
/** The event is not of the kind EVENT_FORMAT names (a REST event at an HTTP API authorizer, 1.0 for 2.0). */
export class WrongEventFormatError extends AuthorizerError {
  readonly reason = "wrong_event_format";
}
/** ROUTE_KEY_IN_IDENTITY_SOURCE is "true", yet the event's identitySource does not hold its routeKey. */
export class RouteKeyNotInIdentitySourceError extends AuthorizerError {
  readonly reason = "route_key_not_in_identity_source";
}
export class TokenNotInIdentitySourceError extends AuthorizerError {
  readonly reason = "token_not_in_identity_source";
}
export class MissingTokenError extends AuthorizerError {
  readonly reason = "missing_token";
}
export class MalformedHeaderError extends AuthorizerError {
  readonly reason = "malformed_header";
}
export class ConflictingHeadersError extends AuthorizerError {
  readonly reason = "conflicting_headers";
}
export class OversizedTokenError extends AuthorizerError {
  readonly reason = "oversized_token";
}

/** The JWKS endpoint is down, slow or answered garbage: fail closed (401) and say so in the log. */
export class JwksUnavailableError extends AuthorizerError {
  readonly reason = "jwks_unavailable";
}

/** The token was rejected by verification; `reason` says which check. */
export class TokenRejectedError extends AuthorizerError {
  constructor(
    readonly reason: Reason,
    message: string,
  ) {
    super(message);
  }
}

/** A bad environment variable: thrown at module load, so the function never serves a request. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Environment variable ${variable}: ${message}`);
    this.name = "ConfigError";
  }
}
