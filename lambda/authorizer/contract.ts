// The contract between the authorizer and whoever deploys it (the CDK construct, the sample app,
// the local stack, the scripts): environment variable names, Cognito id formats, the issuer and
// JWKS URLs, token use, and the route rule wire format. One definition each; the deployers import
// them from here, so a value synth accepts is a value the authorizer's cold start accepts.

/** The environment variables the authorizer reads at cold start (config.ts has the table). */
export const ENV = {
  userPoolId: "USER_POOL_ID",
  clientId: "CLIENT_ID",
  tokenUse: "TOKEN_USE",
  jwksUri: "JWKS_URI",
  routeRules: "ROUTE_RULES",
  /** A JSON file of route rules inside the function's package: what the CDK construct ships. */
  routeRulesFile: "ROUTE_RULES_FILE",
  /** "true": the rules list every method that uses this authorizer (the CDK construct proves it at synth). */
  routeRulesComplete: "ROUTE_RULES_COMPLETE",
  extraUserPools: "EXTRA_USER_POOLS",
  /** Which API Gateway events the function answers, and how (EVENT_FORMATS). */
  eventFormat: "EVENT_FORMAT",
  /** "true": the HTTP API authorizer's identity source includes `$context.routeKey`. */
  routeKeyInIdentitySource: "ROUTE_KEY_IN_IDENTITY_SOURCE",
} as const;

/**
 * EVENT_FORMAT: the API Gateway events the authorizer answers, set by whoever deploys it (never
 * guessed from the event: an event of another kind is refused, 401). It must match the
 * authorizer's own settings in API Gateway:
 * - `rest`: a REST API TOKEN or REQUEST authorizer; IAM policy responses (the default);
 * - `http-1.0`: an HTTP API Lambda authorizer, AuthorizerPayloadFormatVersion 1.0 (IAM policy
 *   responses, the only kind format 1.0 has);
 * - `http-2.0-iam`: AuthorizerPayloadFormatVersion 2.0, EnableSimpleResponses false (IAM policy);
 * - `http-2.0-simple`: AuthorizerPayloadFormatVersion 2.0, EnableSimpleResponses true
 *   (`{ isAuthorized, context }`).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
 */
export const EVENT_FORMATS = ["rest", "http-1.0", "http-2.0-iam", "http-2.0-simple"] as const;
export type EventFormat = (typeof EVENT_FORMATS)[number];

export function isEventFormat(value: unknown): value is EventFormat {
  return (EVENT_FORMATS as readonly unknown[]).includes(value);
}

/**
 * ROUTE_KEY_IN_IDENTITY_SOURCE (http-2.0-simple only): whoever deploys the authorizer declares that
 * its identity source lists `$context.routeKey` next to the Authorization header, so that API
 * Gateway caches a simple response per token AND route. The authorizer checks what it can: every
 * event must then carry its routeKey among the identitySource values. Unset means "false".
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
 */
export const ROUTE_KEY_IN_IDENTITY_SOURCE_VALUES = ["true", "false"] as const;

/**
 * The identity source that makes simple responses exact per route: the token and the route key.
 * (The CDK construct sets this on an HttpLambdaAuthorizer with simple responses.)
 */
export const PER_ROUTE_IDENTITY_SOURCE = ["$request.header.Authorization", "$context.routeKey"] as const;

/**
 * The HTTP API catch-all route's key: requests no other route matches.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
 */
export const DEFAULT_ROUTE_KEY = "$default";

/**
 * The file the CDK construct writes the route rules to, next to the handler in the function's
 * deployment package (ROUTE_RULES_FILE names it). A file has no size limit that matters here, where
 * Lambda caps all environment variables of a function at 4 KB together.
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html
 */
export const ROUTE_RULES_FILE_NAME = "route-rules.json";

/**
 * ROUTE_RULES_COMPLETE: whoever deploys the authorizer declares that ROUTE_RULES lists every method
 * that uses this authorizer, and only those (the CDK construct proves exactly this at synth). Then
 * policies may say "Allow everything but the forbidden routes". Unset means "false": requests no
 * rule lists must then be denied by every cached policy as well.
 */
export const ROUTE_RULES_COMPLETE_VALUES = ["true", "false"] as const;

/**
 * One element of EXTRA_USER_POOLS (a JSON array): another user pool whose tokens are accepted, with
 * its own app clients and token use. A token is checked against the pool its `iss` names, and only
 * with that pool's clients.
 */
export interface ExtraUserPool {
  readonly userPoolId: string;
  readonly clientIds: readonly string[];
  /** @default - the TOKEN_USE of the authorizer */
  readonly tokenUse?: TokenUse;
  /**
   * Fetch this pool's keys here instead of Cognito's (local emulators, tests); plain http only for
   * loopback hosts, as JWKS_URI.
   * @default - Cognito's JWKS URL of the pool
   */
  readonly jwksUri?: string;
}

// Cognito's user pool id format: <region>_<id>. The region part is what the issuer and the JWKS
// URL are built from. https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html
/** An AWS region name (`us-east-1`, `us-gov-west-1`), as regular-expression source. */
export const REGION_PATTERN = "[a-z]{2}(?:-[a-z]+)+-\\d";
const USER_POOL_ID = new RegExp(`^(${REGION_PATTERN})_[0-9A-Za-z]{1,55}$`);
// App client ids: letters and digits. Cognito's API allows `[\w+]+` (1-128); the ids it issues are
// 26 lowercase alphanumerics, and emulators use other lengths.
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientType.html
const CLIENT_ID = /^[0-9A-Za-z]{1,128}$/;

/** Is this a Cognito user pool id like `us-east-1_AbC123`? */
export function isUserPoolId(value: string): boolean {
  return USER_POOL_ID.test(value);
}

/** Is this an app client id (letters and digits, as Cognito prints it)? */
export function isClientId(value: string): boolean {
  return CLIENT_ID.test(value);
}

/** The region of a user pool id (`us-east-1` for `us-east-1_AbC123`). Throws for anything else. */
export function regionOf(userPoolId: string): string {
  const match = USER_POOL_ID.exec(userPoolId);
  if (!match) throw new Error(`"${userPoolId}" is not a Cognito user pool id like us-east-1_AbC123`);
  return match[1] as string;
}

/** The `iss` claim of the pool's tokens: `https://cognito-idp.<region>.amazonaws.com/<poolId>`. */
export function cognitoIssuer(userPoolId: string): string {
  return `https://cognito-idp.${regionOf(userPoolId)}.amazonaws.com/${userPoolId}`;
}

/** The pool's public signing keys: `<issuer>/.well-known/jwks.json`. */
export function cognitoJwksUri(userPoolId: string): URL {
  return new URL(`${cognitoIssuer(userPoolId)}/.well-known/jwks.json`);
}

/**
 * The ROUTE_RULES value that lets every valid token call every route of the stage. It must be
 * spelled out: an unset or blank ROUTE_RULES is a configuration error, never "allow everything".
 */
export const EVERY_ROUTE = "*";

/** Which Cognito token callers present: `token_use` is `access` or `id`. */
export const TOKEN_USES = ["access", "id"] as const;
export type TokenUse = (typeof TOKEN_USES)[number];

export function isTokenUse(value: unknown): value is TokenUse {
  return (TOKEN_USES as readonly unknown[]).includes(value);
}

/**
 * One way to be allowed: `scopes`, any of them in the token's `scope` claim; `groups`, any of them
 * in `cognito:groups`. Both: both must hold.
 */
export interface RequirementAlternative {
  /**
   * OAuth scopes, any of which grants access.
   * @default - no scope requirement
   */
  readonly scopes?: readonly string[];

  /**
   * Cognito groups, membership in any of which grants access.
   * @default - no group requirement
   */
  readonly groups?: readonly string[];
}

/**
 * Who may call a route. `scopes` / `groups` as in RequirementAlternative (both: both must hold), or
 * `anyOf`: a list of alternatives, any one of which grants access (`[{scopes:["items/read"]},
 * {groups:["readers"]}]`: the scope OR the group). `anyOf` stands alone: it is never combined with
 * top-level `scopes` or `groups`. None of the three keys: any valid token.
 */
export interface RouteRequirement extends RequirementAlternative {
  /**
   * Alternatives, any one of which grants access; each must name scopes, groups or both.
   * @default - the requirement is the rule's own `scopes` and `groups`
   */
  readonly anyOf?: readonly RequirementAlternative[];
}

/** The alternatives of a requirement: `anyOf`, or the requirement itself as the only one. */
export function alternativesOf(requirement: RouteRequirement): readonly RequirementAlternative[] {
  return requirement.anyOf ?? [requirement];
}

/** One element of ROUTE_RULES (a JSON array): the route, `METHOD /resource/path`, and its requirement. */
export interface RouteRule extends RouteRequirement {
  readonly route: string;
}
