// The Cognito JWT Lambda authorizer as a construct a user drops into their own stack: the function,
// the API Gateway authorizer in front of it, and the methods it guards. The methods and the
// function's ROUTE_RULES come from the same route list, so rules and routes cannot drift apart;
// a synth-time check also refuses methods that use the authorizer without a rule, and rules for
// methods that do not exist.

import * as path from "node:path";
import { Duration, Lazy, Stack, Validations } from "aws-cdk-lib";
import {
  type CfnMethod,
  IdentitySource,
  type Integration,
  type Method,
  RequestAuthorizer,
  type RestApi,
  TokenAuthorizer,
} from "aws-cdk-lib/aws-apigateway";
import type { IUserPool, IUserPoolClient } from "aws-cdk-lib/aws-cognito";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { BEARER_VALIDATION_EXPRESSION } from "../../lambda/authorizer/bearer-token";
import {
  ENV,
  isTokenUse,
  type RouteRequirement,
  type RouteRule,
  type TokenUse,
} from "../../lambda/authorizer/contract";
import { parseRoute, type RouteMethod, RouteSyntaxError } from "../../lambda/authorizer/route-match";
import { validateRule } from "../../lambda/authorizer/route-rule-validation";
import { compileRouteRules, RouteRulesError } from "../../lambda/authorizer/route-rules";
import { AuthorizerMonitoring, type AuthorizerMonitoringOptions } from "./authorizer-monitoring";
import { EsmNodejsFunction } from "./esm-nodejs-function";

/**
 * Memory of the authorizer function, in MB, chosen from `npm run bench` (README, "Sizing"): Lambda
 * allocates CPU in proportion to memory and an authorization is pure CPU (about 60 µs of one core
 * on a miss). At 512 MB a miss bills 1 ms, as at 128 MB, for about 2% more per million requests and a
 * quarter of the latency and of the CPU-bound init; 1024 MB costs about 3% more for 0.1 ms.
 */
export const DEFAULT_AUTHORIZER_MEMORY_MB = 512;

/** The cdk-nag finding id of the managed policy every function role gets (logs only). */
export const BASIC_EXECUTION_ROLE =
  "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";

/** API Gateway caches authorizer results for at most one hour. */
export const MAX_RESULTS_CACHE_TTL_SECONDS = 3600;

/**
 * Lets API Gateway reject anything but `Bearer <b64token>` without invoking the function
 * (RFC 6750 §2.1; the scheme is case-insensitive, RFC 9110 §11.1). It is the authorizer's own
 * grammar (lambda/authorizer/bearer-token.ts), so a header that passes here is never rejected for
 * its shape alone.
 */
export const BEARER_VALIDATION_REGEX = BEARER_VALIDATION_EXPRESSION;

/** Where `method.request.header.Authorization` points: the identity source of both authorizer types. */
export const AUTHORIZATION_HEADER = IdentitySource.header("Authorization");

/** Methods a route may name: API Gateway's methods plus `ANY` (the authorizer's own route grammar). */
export type { RouteMethod, RouteRequirement, RouteRule, TokenUse };

/** The Lambda event the authorizer receives. */
export enum AuthorizerEventType {
  /** Only the Authorization header; API Gateway validates its shape first. */
  TOKEN = "TOKEN",
  /** Headers, path, query string, stage variables and context. */
  REQUEST = "REQUEST",
}

/** One API method guarded by the authorizer, with its rule. */
export interface ProtectedRoute {
  /** HTTP method, or `ANY`. */
  readonly method: RouteMethod;

  /** Resource path from the API root, with `{param}` and `{proxy+}`: `/items/{id}`. */
  readonly path: string;

  /**
   * The backend. When given, the construct creates the method with the authorizer.
   * @default - the method already exists on the API and uses this authorizer (checked at synth)
   */
  readonly integration?: Integration;

  /** Who may call it. `{}` means any valid token. */
  readonly rule: RouteRequirement;
}

/** Another user pool whose tokens the authorizer accepts, with its own app clients. */
export interface ExtraUserPoolProps {
  readonly userPool: IUserPool;
  /** App clients of this pool whose tokens are accepted; at least one, none of another pool. */
  readonly userPoolClients: readonly IUserPoolClient[];
  /** @default - the authorizer's tokenUse */
  readonly tokenUse?: TokenUse;
}

export interface CognitoJwtAuthorizerProps {
  /** The API whose methods the authorizer guards. */
  readonly api: RestApi;

  /** The user pool that issues the tokens (USER_POOL_ID). */
  readonly userPool: IUserPool;

  /** App clients whose tokens are accepted (CLIENT_ID); at least one. */
  readonly userPoolClients: readonly IUserPoolClient[];

  /**
   * Which token callers present (TOKEN_USE). Access tokens are meant for APIs; ID tokens are
   * meant for the client.
   * @default "access"
   */
  readonly tokenUse?: TokenUse;

  /**
   * More user pools whose tokens are accepted (EXTRA_USER_POOLS), each with its own clients: a
   * token is checked against the pool its `iss` names, with that pool's clients only, and the
   * context names the pool (`userPoolId`). For multi-tenant and migration setups.
   * @default - only `userPool`
   */
  readonly extraUserPools?: readonly ExtraUserPoolProps[];

  /**
   * The guarded routes and their rules. More can be added with `addRoute`.
   * @default - none yet
   */
  readonly routes?: readonly ProtectedRoute[];

  /**
   * TOKEN or REQUEST authorizer.
   * @default AuthorizerEventType.TOKEN
   */
  readonly eventType?: AuthorizerEventType;

  /**
   * Identity sources of a REQUEST authorizer: API Gateway's cache key. When results are cached
   * they must include the Authorization header, or one caller's policy would serve another.
   * @default [IdentitySource.header("Authorization")]
   */
  readonly identitySources?: readonly string[];

  /**
   * Regular expression the Authorization header must match before API Gateway invokes a TOKEN
   * authorizer (anything else is a 401 without a Lambda invocation).
   * @default BEARER_VALIDATION_REGEX
   */
  readonly validationRegex?: string;

  /**
   * How long API Gateway caches a result, per identity source (0 to 3600 seconds; 0 disables).
   * A cached Allow outlives the token's `exp` by up to this long.
   * @default Duration.minutes(5)
   */
  readonly resultsCacheTtl?: Duration;

  /**
   * Memory of the authorizer function, in MB.
   * @default DEFAULT_AUTHORIZER_MEMORY_MB
   */
  readonly memorySize?: number;

  /**
   * Entry file of the authorizer (an ES module exporting `handler`).
   * @default lambda/authorizer/index.ts of this project
   */
  readonly entry?: string;

  /**
   * Retention of the authorizer's log group.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;

  /**
   * Powertools log level (POWERTOOLS_LOG_LEVEL).
   * @default "INFO" - one line per Deny and per 401; Allows are logged at DEBUG only
   */
  readonly logLevel?: "DEBUG" | "INFO" | "WARN" | "ERROR";

  /**
   * Metrics, alarms and a dashboard (README, "Operate it"): metric filters on the decision log line,
   * so nothing is added to the request path. Tune them here, or `false` to create none.
   * @default - AuthorizerMonitoring's defaults: alarms on JWKS unavailable, internal_error, function
   * errors and throttles (any in 5 minutes) and p99 duration (above 1 s in 2 of 3 periods), no alarm
   * action, and a dashboard
   */
  readonly monitoring?: AuthorizerMonitoringOptions | false;
}

export class CognitoJwtAuthorizer extends Construct {
  /** The API Gateway authorizer; pass it to methods you create yourself, then `addRoute` them. */
  readonly authorizer: TokenAuthorizer | RequestAuthorizer;
  readonly function: IFunction;
  readonly eventType: AuthorizerEventType;
  /** Metrics, alarms and dashboard; `undefined` with `monitoring: false`. Route alarms with `addAlarmAction`. */
  readonly monitoring: AuthorizerMonitoring | undefined;

  private readonly api: RestApi;
  private readonly routes = new Map<string, ProtectedRoute>();

  constructor(scope: Construct, id: string, props: CognitoJwtAuthorizerProps) {
    super(scope, id);
    this.api = props.api;
    this.eventType = props.eventType ?? AuthorizerEventType.TOKEN;
    const resultsCacheTtl = validCacheTtl(props.resultsCacheTtl ?? Duration.minutes(5));
    const memorySize = props.memorySize ?? DEFAULT_AUTHORIZER_MEMORY_MB;
    if (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10240) {
      throw new Error(`memorySize must be a whole number of MB from 128 to 10240; got ${memorySize}.`);
    }
    const tokenUse = props.tokenUse ?? "access";
    if (!isTokenUse(tokenUse)) {
      throw new Error(`tokenUse must be "access" or "id"; got ${JSON.stringify(tokenUse)}.`);
    }
    if (props.userPoolClients.length === 0) {
      throw new Error("userPoolClients must name at least one app client whose tokens the API accepts.");
    }
    const extraPools = props.extraUserPools ?? [];
    extraPools.forEach((extra, i) => {
      if (extra.userPool === props.userPool || extraPools.indexOf(extra) !== i) {
        throw new Error(
          `extraUserPools[${i}] names a user pool that is already configured; list each pool once.`,
        );
      }
      if (extra.userPoolClients.length === 0) {
        throw new Error(
          `extraUserPools[${i}] has no userPoolClients: name the app clients whose tokens the API accepts.`,
        );
      }
      if (extra.tokenUse !== undefined && !isTokenUse(extra.tokenUse)) {
        throw new Error(`extraUserPools[${i}].tokenUse must be "access" or "id".`);
      }
    });

    const handler = new EsmNodejsFunction(this, "Handler", {
      entry: props.entry ?? path.join(__dirname, "..", "..", "lambda", "authorizer", "index.ts"),
      description: "Cognito JWT authorizer for API Gateway",
      memorySize,
      timeout: Duration.seconds(10),
      // Its errors never escape (every failure is a reason code in the decision log), so runtime
      // source maps would only add about 10 ms to every cold start. The map is still bundled.
      enableSourceMaps: false,
      logRetention: props.logRetention ?? RetentionDays.ONE_MONTH,
      environment: {
        [ENV.userPoolId]: props.userPool.userPoolId,
        [ENV.clientId]: Lazy.string({
          produce: () => props.userPoolClients.map((c) => c.userPoolClientId).join(","),
        }),
        [ENV.tokenUse]: tokenUse,
        ...(extraPools.length > 0 && {
          [ENV.extraUserPools]: Stack.of(this).toJsonString(
            extraPools.map((extra) => ({
              userPoolId: extra.userPool.userPoolId,
              clientIds: extra.userPoolClients.map((c) => c.userPoolClientId),
              ...(extra.tokenUse !== undefined && { tokenUse: extra.tokenUse }),
            })),
          ),
        }),
        // Produced at synth from the routes added by then: the same list that created the methods.
        [ENV.routeRules]: Lazy.string({ produce: () => JSON.stringify(this.routeRules) }),
        POWERTOOLS_SERVICE_NAME: "cognito-jwt-authorizer",
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? "INFO",
        // The event carries the bearer token: it must never reach the log.
        POWERTOOLS_LOGGER_LOG_EVENT: "false",
      },
    });
    this.function = handler.function;
    Validations.of(handler).acknowledge(
      {
        id: `AwsSolutions-IAM4[${BASIC_EXECUTION_ROLE}]`,
        reason:
          "AWSLambdaBasicExecutionRole only grants writing the function's own CloudWatch logs; " +
          "the authorizer calls no AWS API (the JWKS is a public HTTPS endpoint).",
      },
      {
        id: "AwsSolutions-L1",
        reason:
          "Node.js 22 is pinned on purpose: the bundle targets node22 and the project is tested " +
          "on it; moving to a newer runtime is a deliberate change, not a drift.",
      },
    );
    this.monitoring =
      props.monitoring === false
        ? undefined
        : new AuthorizerMonitoring(this, "Monitoring", {
            ...props.monitoring,
            function: handler.function,
            logGroup: handler.logGroup,
            api: props.api,
            logLevel: props.logLevel ?? "INFO",
          });

    if (this.eventType === AuthorizerEventType.TOKEN) {
      if (props.identitySources !== undefined) {
        throw new Error(
          "identitySources applies to REQUEST authorizers only; a TOKEN authorizer always reads the Authorization header.",
        );
      }
      const validationRegex = props.validationRegex ?? BEARER_VALIDATION_REGEX;
      assertRegex(validationRegex);
      this.authorizer = new TokenAuthorizer(this, "Authorizer", {
        handler: this.function,
        identitySource: AUTHORIZATION_HEADER,
        validationRegex,
        resultsCacheTtl,
      });
    } else {
      if (props.validationRegex !== undefined) {
        throw new Error(
          "validationRegex applies to TOKEN authorizers only; API Gateway ignores it for REQUEST authorizers.",
        );
      }
      const identitySources = [...(props.identitySources ?? [AUTHORIZATION_HEADER])];
      if (resultsCacheTtl.toSeconds() > 0 && identitySources.length === 0) {
        throw new Error(
          "A REQUEST authorizer that caches results needs at least one identity source: API Gateway " +
            "keys its cache on them. Pass identitySources: [IdentitySource.header('Authorization')], " +
            "or set resultsCacheTtl: Duration.seconds(0) to turn caching off.",
        );
      }
      if (resultsCacheTtl.toSeconds() > 0 && !identitySources.includes(AUTHORIZATION_HEADER)) {
        throw new Error(
          `A REQUEST authorizer that caches results must include ${AUTHORIZATION_HEADER} in ` +
            "identitySources: otherwise one caller's cached policy would answer for another caller's token.",
        );
      }
      this.authorizer = new RequestAuthorizer(this, "Authorizer", {
        handler: this.function,
        identitySources,
        resultsCacheTtl,
      });
    }

    for (const route of props.routes ?? []) this.addRoute(route);

    this.node.addValidation({ validate: () => this.validateRoutes() });
  }

  /**
   * Guard one route: record its rule and, when the route has an integration, create the method
   * with this authorizer. Returns the method it created.
   */
  addRoute(route: ProtectedRoute): Method | undefined {
    const key = routeKey(route);
    if (this.routes.has(key)) {
      throw new Error(`Route "${key}" is declared twice; give each method and path one rule.`);
    }
    // The authorizer's own validator, so synth refuses what the cold start would, in its words.
    validateRule({ route: key, ...route.rule }, () => `Route "${key}"`);
    this.routes.set(key, route);
    if (route.integration === undefined) return undefined;
    const method = this.api.root
      .resourceForPath(route.path)
      .addMethod(route.method, route.integration, { authorizer: this.authorizer });
    Validations.of(method).acknowledge({
      id: "AwsSolutions-COG4",
      reason:
        "Guarded by a Lambda authorizer that verifies Cognito user pool JWTs (signature, issuer, " +
        "client, token use, expiry) and adds per-route scope and group rules that a " +
        "COGNITO_USER_POOLS authorizer cannot express.",
    });
    return method;
  }

  /** The ROUTE_RULES value: one entry per guarded route, in the order they were added. */
  get routeRules(): RouteRule[] {
    return [...this.routes].map(([route, { rule }]) => ({
      route,
      // Passed through as given: an empty list is refused at synth rather than silently widened.
      ...(rule.scopes !== undefined ? { scopes: [...rule.scopes] } : {}),
      ...(rule.groups !== undefined ? { groups: [...rule.groups] } : {}),
      ...(rule.anyOf !== undefined
        ? {
            anyOf: rule.anyOf.map((alt) => ({
              ...(alt.scopes !== undefined ? { scopes: [...alt.scopes] } : {}),
              ...(alt.groups !== undefined ? { groups: [...alt.groups] } : {}),
            })),
          }
        : {}),
    }));
  }

  /** Synth-time check: rules and methods match one to one. */
  private validateRoutes(): string[] {
    const errors: string[] = [];
    const stack = Stack.of(this);
    const ourId = JSON.stringify(stack.resolve(this.authorizer.authorizerId));
    const guarded = new Set<string>();
    const existing = new Set<string>();
    for (const method of this.api.methods) {
      const key = `${method.httpMethod} ${method.resource.path}`;
      existing.add(key);
      const cfn = method.node.defaultChild as CfnMethod;
      if (JSON.stringify(stack.resolve(cfn.authorizerId)) === ourId) guarded.add(key);
    }
    for (const key of this.routes.keys()) {
      if (!existing.has(key)) {
        errors.push(
          `Route rule "${key}" names a method that does not exist on the API: add the method ` +
            "(or give the route an integration), or remove the rule.",
        );
      } else if (!guarded.has(key)) {
        errors.push(
          `Route rule "${key}" names a method that does not use this authorizer: pass ` +
            "`authorizer` to the method, or remove the rule.",
        );
      }
    }
    for (const key of guarded) {
      if (!this.routes.has(key)) {
        errors.push(
          `Method "${key}" uses the authorizer but has no rule, so every request to it would be ` +
            "denied: add it with addRoute({ method, path, rule }).",
        );
      }
    }
    // The authorizer's own compiler, run at synth: whatever it would refuse at cold start (malformed
    // rules, or rules whose IAM policies cannot be exact under the authorizer cache) fails here.
    try {
      compileRouteRules(this.routeRules);
    } catch (err) {
      if (!(err instanceof RouteRulesError)) throw err;
      errors.push(`ROUTE_RULES would be refused by the authorizer: ${err.message}`);
    }
    return errors;
  }
}

/** `METHOD /path`, checked with the authorizer's own route grammar (route-match.ts), so synth and cold start agree. */
function routeKey(route: ProtectedRoute): string {
  const key = `${route.method} ${route.path}`;
  try {
    parseRoute(key);
  } catch (err) {
    if (err instanceof RouteSyntaxError) throw new Error(`Route "${key}": ${err.message}`, { cause: err });
    throw err;
  }
  return key;
}

function validCacheTtl(ttl: Duration): Duration {
  let seconds: number;
  try {
    seconds = ttl.toSeconds();
  } catch {
    throw new Error(`resultsCacheTtl must be a whole number of seconds; got ${ttl.toHumanString()}.`);
  }
  if (seconds < 0 || seconds > MAX_RESULTS_CACHE_TTL_SECONDS) {
    throw new Error(
      `resultsCacheTtl must be from 0 to ${MAX_RESULTS_CACHE_TTL_SECONDS} seconds (API Gateway's limit); ` +
        `got ${seconds} seconds. Use Duration.seconds(0) to turn caching off.`,
    );
  }
  return ttl;
}

function assertRegex(source: string): void {
  try {
    new RegExp(source);
  } catch {
    throw new Error(`validationRegex is not a valid regular expression: ${source}`);
  }
}
