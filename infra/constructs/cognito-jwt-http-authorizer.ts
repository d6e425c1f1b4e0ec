// The Cognito JWT Lambda authorizer for API Gateway HTTP APIs (aws-cdk-lib's aws-apigatewayv2):
// the same function as CognitoJwtAuthorizer's (authorizer-function.ts), configured for HTTP API
// events, the HTTP API authorizer in front of it, and the rules of the routes it guards. Routes and
// rules come from the same list; a synth-time check refuses routes that use the authorizer without
// a rule, rules for routes that do not use it, and rules the function's cold start would refuse
// under its EVENT_FORMAT (it runs the function's own configuration loader).
//
// Payload format 2.0 only, in both response modes:
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
// - SIMPLE (EnableSimpleResponses true): `{ isAuthorized, context }`, decided by the event's routeKey.
//   API Gateway caches the answer per identity source, so the identity source holds the route key
//   next to the token (PER_ROUTE_IDENTITY_SOURCE) and one route's yes never answers for another.
// - IAM (EnableSimpleResponses false): IAM policies built like the REST ones, which the function
//   accepts on an HTTP API only for rules declared complete (ROUTE_RULES_COMPLETE, proven here) and
//   without overlapping paths or a `$default` rule (lambda/authorizer/http-api-iam-rules.ts).
// aws-cdk-lib's HttpLambdaAuthorizer is not used: it sends payload 1.0 to IAM-response authorizers,
// and creates the authorizer lazily under the first route that binds it. The HttpAuthorizer below is
// the L2 resource it creates, here with payload 2.0 in both modes and a fixed place in the tree.

import { Duration, Names, Stack, Token } from "aws-cdk-lib";
import {
  AuthorizerPayloadVersion,
  CfnApi,
  CfnAuthorizer,
  CfnRoute,
  HttpApi,
  HttpAuthorizer,
  HttpAuthorizerType,
  type HttpMethod,
  HttpRoute,
  type HttpRouteIntegration,
  HttpRouteKey,
  type IHttpApi,
  type IHttpRouteAuthorizer,
} from "aws-cdk-lib/aws-apigatewayv2";
import { ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import type { ILogGroup } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { loadConfig } from "../../lambda/authorizer/config";
import {
  DEFAULT_ROUTE_KEY,
  ENV,
  type EventFormat,
  PER_ROUTE_IDENTITY_SOURCE,
  ROUTE_RULES_FILE_NAME,
  type RouteRequirement,
  type RouteRule,
} from "../../lambda/authorizer/contract";
import { ConfigError } from "../../lambda/authorizer/errors";
import type { RouteMethod } from "../../lambda/authorizer/route-match";
import { type AuthorizerFunctionProps, createAuthorizerFunction, validCacheTtl } from "./authorizer-function";
import type { AuthorizerMonitoring } from "./authorizer-monitoring";
import { RouteRuleBook, routeKeyOf } from "./route-rule-book";

/** The HTTP API identity source of the Authorization header, which every configuration must include. */
export const HTTP_AUTHORIZATION_HEADER = "$request.header.Authorization";

/** The HTTP API's catch-all route (requests no other route matches), for rules and `protectRoute`. */
export { DEFAULT_ROUTE_KEY, PER_ROUTE_IDENTITY_SOURCE };

/** How the authorizer answers an HTTP API (payload format 2.0 in both). */
export enum HttpAuthorizerResponseMode {
  /**
   * `{ isAuthorized, context }` (EVENT_FORMAT=http-2.0-simple), decided by the route key, with
   * `$context.routeKey` in the identity source so that cached answers stay per route. Any rules,
   * a `$default` rule included.
   */
  SIMPLE = "SIMPLE",
  /**
   * IAM policies (EVENT_FORMAT=http-2.0-iam), exact under the cache with the token alone as
   * identity source; only for rules whose paths do not overlap, and no `$default` rule.
   */
  IAM = "IAM",
}

/** One route of the HTTP API guarded by the authorizer, with its rule. */
export interface ProtectedHttpRoute {
  /** HTTP method, or `ANY`. */
  readonly method: RouteMethod;

  /** Route path, with `{param}` and a last `{proxy+}`: `/items/{id}`. */
  readonly path: string;

  /**
   * The backend. When given, the construct creates the route with the authorizer.
   * @default - the route already exists on the API and uses this authorizer (checked at synth)
   */
  readonly integration?: HttpRouteIntegration;

  /** Who may call it. `{}` means any valid token. */
  readonly rule: RouteRequirement;
}

/** The `$default` route (requests no other route matches), guarded by the authorizer. */
export interface ProtectedHttpDefaultRoute {
  /**
   * The backend. When given, the construct creates the `$default` route with the authorizer.
   * @default - the route already exists on the API and uses this authorizer (checked at synth)
   */
  readonly integration?: HttpRouteIntegration;

  /** Who may call it. `{}` means any valid token. */
  readonly rule: RouteRequirement;
}

export interface CognitoJwtHttpAuthorizerProps extends AuthorizerFunctionProps {
  /**
   * The HTTP API whose routes the authorizer guards: an `HttpApi`, or one imported with
   * `HttpApi.fromHttpApiAttributes`. An API Gateway authorizer belongs to one API.
   */
  readonly httpApi: IHttpApi;

  /**
   * The guarded routes and their rules. More can be added with `addRoute` and `protectRoute`.
   * @default - none yet
   */
  readonly routes?: readonly ProtectedHttpRoute[];

  /**
   * Guard the `$default` route too (SIMPLE only: no IAM policy names "whatever no other route
   * matches"). With CORS on the API, `$default` also catches browsers' OPTIONS preflights of paths
   * no route has, which then need a token; see the README.
   * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html
   * @default - no `$default` rule
   */
  readonly defaultRoute?: ProtectedHttpDefaultRoute;

  /**
   * Simple responses or IAM policies.
   * @default HttpAuthorizerResponseMode.SIMPLE
   */
  readonly responseMode?: HttpAuthorizerResponseMode;

  /**
   * The authorizer's identity sources: API Gateway's cache key, and the values that must be
   * present or API Gateway answers 401 without invoking the function. Must include
   * `$request.header.Authorization`; with SIMPLE responses and rules that differ per route, also
   * `$context.routeKey` (ROUTE_KEY_IN_IDENTITY_SOURCE is set from it).
   * @default - SIMPLE: PER_ROUTE_IDENTITY_SOURCE (the header and `$context.routeKey`); IAM: the header
   */
  readonly identitySource?: readonly string[];

  /**
   * Declare that the route rules list every route that uses this authorizer
   * (ROUTE_RULES_COMPLETE). The synth-time check proves it for the routes this app defines. IAM
   * responses need it (the function refuses them otherwise).
   * @default - true when `httpApi` is an HttpApi defined in this app; false for an imported API
   */
  readonly routeRulesComplete?: boolean;
}

/** `$request.header.X`, `$request.querystring.X`, `$context.X`, `$stageVariables.X`. */
const IDENTITY_SOURCE =
  /^\$(?:request\.(?:header|querystring)\.[!#$%&'*+.^_`|~0-9A-Za-z-]+|context\.[A-Za-z0-9_.]+|stageVariables\.[A-Za-z0-9_]+)$/;

/** The route key in the identity source: what makes a cached simple answer one route's. */
const ROUTE_KEY_SOURCE = "$context.routeKey";

/**
 * A Lambda authorizer for HTTP APIs that verifies Cognito user pool JWTs, with per-route scope
 * and group rules exact under API Gateway's authorizer cache.
 */
export class CognitoJwtHttpAuthorizer extends Construct {
  /** Pass it as `authorizer` to routes you create (`httpApi.addRoutes`, `new HttpRoute`), then `addRoute` them. */
  readonly authorizer: IHttpRouteAuthorizer;
  /** The AWS::ApiGatewayV2::Authorizer. */
  readonly httpAuthorizer: HttpAuthorizer;
  /** The authorizer function. */
  readonly function: IFunction;
  /** The function's log group (its decision lines). */
  readonly logGroup: ILogGroup;
  readonly responseMode: HttpAuthorizerResponseMode;
  /** The identity sources, as configured on the authorizer. */
  readonly identitySource: readonly string[];
  /** Whether the function is told its rules are complete (ROUTE_RULES_COMPLETE). */
  readonly routeRulesComplete: boolean;
  /** Metrics, alarms and dashboard; `undefined` with `monitoring: false`. */
  readonly monitoring?: AuthorizerMonitoring;

  private readonly httpApi: IHttpApi;
  private readonly routes = new RouteRuleBook();
  /** The variables that make the function answer this authorizer's events (EVENT_FORMAT and friends). */
  private readonly eventEnvironment: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: CognitoJwtHttpAuthorizerProps) {
    super(scope, id);
    this.httpApi = props.httpApi;
    this.responseMode = props.responseMode ?? HttpAuthorizerResponseMode.SIMPLE;
    if (!Object.values(HttpAuthorizerResponseMode).includes(this.responseMode)) {
      throw new Error(
        `responseMode must be HttpAuthorizerResponseMode.SIMPLE or .IAM; got ${JSON.stringify(this.responseMode)}.`,
      );
    }
    const simple = this.responseMode === HttpAuthorizerResponseMode.SIMPLE;
    const resultsCacheTtl = validCacheTtl(props.resultsCacheTtl ?? Duration.minutes(5));
    this.identitySource = validIdentitySource(
      props.identitySource ?? (simple ? [...PER_ROUTE_IDENTITY_SOURCE] : [HTTP_AUTHORIZATION_HEADER]),
    );
    // An API defined in this app has its CfnApi here: every route of it is visible at synth.
    this.routeRulesComplete = props.routeRulesComplete ?? props.httpApi.node.defaultChild instanceof CfnApi;
    if (!simple && !this.routeRulesComplete) {
      throw new Error(
        "IAM responses on an HTTP API need route rules declared complete, which cannot be proven for an " +
          "imported API: set routeRulesComplete: true if every route that uses this authorizer is defined " +
          "in this app, or use responseMode: HttpAuthorizerResponseMode.SIMPLE.",
      );
    }
    const eventFormat: EventFormat = simple ? "http-2.0-simple" : "http-2.0-iam";
    this.eventEnvironment = {
      [ENV.eventFormat]: eventFormat,
      ...(simple && {
        [ENV.routeKeyInIdentitySource]: String(this.identitySource.includes(ROUTE_KEY_SOURCE)),
      }),
    };

    const created = createAuthorizerFunction(this, props, {
      description: "Cognito JWT authorizer for API Gateway HTTP APIs",
      routeRulesComplete: this.routeRulesComplete,
      environment: this.eventEnvironment,
      api: { httpApi: props.httpApi },
    });
    this.function = created.function;
    this.logGroup = created.logGroup;
    this.monitoring = created.monitoring;

    const stack = Stack.of(this);
    this.httpAuthorizer = new HttpAuthorizer(this, "Authorizer", {
      httpApi: props.httpApi,
      type: HttpAuthorizerType.LAMBDA,
      // Unique per API (two authorizers of one API cannot share a name).
      authorizerName: Names.uniqueResourceName(this, { maxLength: 128 }),
      identitySource: [...this.identitySource],
      payloadFormatVersion: AuthorizerPayloadVersion.VERSION_2_0,
      enableSimpleResponses: simple,
      resultsCacheTtl,
      // The Lambda invocation URI API Gateway calls, as aws-cdk-lib's HttpLambdaAuthorizer builds it.
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigatewayv2-authorizer.html
      authorizerUri: `arn:${stack.partition}:apigateway:${stack.region}:lambda:path/2015-03-31/functions/${created.function.functionArn}/invocations`,
    });
    // API Gateway invokes the function for this authorizer of this API only: the source ARN is the
    // authorizer's (`arn:aws:execute-api:<region>:<account>:<api-id>/authorizers/<authorizer-id>`).
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
    created.function.addPermission("HttpApiInvoke", {
      principal: new ServicePrincipal("apigateway.amazonaws.com"),
      sourceArn: stack.formatArn({
        service: "execute-api",
        resource: props.httpApi.apiId,
        resourceName: `authorizers/${this.httpAuthorizer.authorizerId}`,
      }),
    });
    const authorizerId = this.httpAuthorizer.authorizerId;
    const apiId = props.httpApi.apiId;
    this.authorizer = {
      bind: ({ route }) => {
        if (route.httpApi.apiId !== apiId) {
          throw new Error(`A route of another HTTP API names this authorizer (${this.node.path}).`);
        }
        return { authorizerId, authorizationType: "CUSTOM" };
      },
    };

    for (const route of props.routes ?? []) this.addRoute(route);
    if (props.defaultRoute !== undefined) this.addDefaultRoute(props.defaultRoute);

    this.node.addValidation({ validate: () => this.validateRoutes() });
  }

  /**
   * Guard one route: record its rule and, when the route has an integration, create it with this
   * authorizer. Without an integration the route must already exist and name this authorizer
   * (checked at synth). Returns the route it created.
   */
  addRoute(route: ProtectedHttpRoute): HttpRoute | undefined {
    const key = routeKeyOf(route);
    this.routes.add(key, route.rule);
    if (route.integration === undefined) return undefined;
    const method = route.method as HttpMethod;
    if (this.httpApi instanceof HttpApi) {
      const [created] = this.httpApi.addRoutes({
        path: route.path,
        methods: [method],
        integration: route.integration,
        authorizer: this.authorizer,
      });
      return created;
    }
    return new HttpRoute(this, `Route${method}${route.path}`, {
      httpApi: this.httpApi,
      routeKey: HttpRouteKey.with(route.path, method),
      integration: route.integration,
      authorizer: this.authorizer,
    });
  }

  /** Guard the `$default` route (SIMPLE responses only; see `defaultRoute`). Returns the route it created. */
  addDefaultRoute(route: ProtectedHttpDefaultRoute): HttpRoute | undefined {
    this.routes.add(DEFAULT_ROUTE_KEY, route.rule);
    if (route.integration === undefined) return undefined;
    return new HttpRoute(this, "DefaultRoute", {
      httpApi: this.httpApi,
      routeKey: HttpRouteKey.DEFAULT,
      integration: route.integration,
      authorizer: this.authorizer,
    });
  }

  /**
   * Guard a route that already exists on the API (created by your own code) with this authorizer
   * and the given rule. A route created with `authorizer: this.authorizer` only needs its rule; a
   * route created without authorization is switched to this authorizer (an auto-deploying stage,
   * such as HttpApi's `$default` stage, serves the change with the deploy; a stage without
   * auto-deploy needs a new deployment); a route with other authorization is refused.
   */
  protectRoute(route: HttpRoute, rule: RouteRequirement): void {
    const cfn = route.node.defaultChild as CfnRoute;
    const key = cfn.routeKey;
    if (route.httpApi.apiId !== this.httpApi.apiId) {
      throw new Error(`Route "${key}" belongs to another HTTP API than this authorizer's.`);
    }
    if (Token.isUnresolved(key)) {
      throw new Error(
        `${route.node.path}: its route key is not known at synth, so its rule cannot be checked.`,
      );
    }
    const ours = this.httpAuthorizer.authorizerId;
    const type = cfn.authorizationType ?? "NONE";
    // API Gateway uses AuthorizerId only with AuthorizationType CUSTOM: a route that names this
    // authorizer with NONE is open, so it is switched to CUSTOM like a route without authorization.
    if (cfn.authorizerId !== ours || type !== "CUSTOM") {
      if (type !== "NONE" || (cfn.authorizerId !== undefined && cfn.authorizerId !== ours)) {
        throw new Error(
          `Route "${key}" already uses ${type} authorization: create it without authorization, or ` +
            "with `authorizer` set to this construct's `authorizer`.",
        );
      }
      cfn.authorizationType = "CUSTOM";
      cfn.authorizerId = ours;
    }
    this.routes.add(key, rule);
  }

  /** The route rules the function ships with: one entry per guarded route, in the order added. */
  get routeRules(): readonly RouteRule[] {
    return this.routes.rules;
  }

  /**
   * Called once by ShipRouteRules at synth: the rules file's content, fixed from then on.
   * @internal
   */
  _stageRules(): string {
    return this.routes.stage();
  }

  /** Synth-time check: rules and routes match one to one, and the function's cold start accepts the rules. */
  private validateRoutes(): string[] {
    const errors: string[] = [];
    const changed = this.routes.changedSinceStaged();
    if (changed !== undefined) errors.push(changed);
    const stack = Stack.of(this);
    /** The same token, or, in our stack, the same reference. */
    const same = (scope: Construct, a: string | undefined, b: string): boolean =>
      a === b ||
      (a !== undefined &&
        Stack.of(scope) === stack &&
        JSON.stringify(stack.resolve(a)) === JSON.stringify(stack.resolve(b)));
    const ourId = this.httpAuthorizer.authorizerId;
    // The authorizer's Ref and its AuthorizerId attribute are the same id to API Gateway.
    const ourAttr = (this.httpAuthorizer.node.defaultChild as CfnAuthorizer).attrAuthorizerId;
    const namesUs = (node: CfnRoute): boolean =>
      same(node, node.authorizerId, ourId) || same(node, node.authorizerId, ourAttr);
    const existing = new Set<string>();
    const guarded = new Set<string>();
    // Every route of the API in the app, HttpRoute's and raw CfnRoutes alike (an imported API's
    // routes may live in another stack than the authorizer).
    for (const node of this.node.root.node.findAll()) {
      if (!(node instanceof CfnRoute) || !same(node, node.apiId, this.httpApi.apiId)) continue;
      const key = node.routeKey;
      if (Token.isUnresolved(key)) {
        if (namesUs(node)) {
          errors.push(
            `${node.node.path} uses this authorizer with a route key unknown at synth: its rule cannot be checked.`,
          );
        }
        continue;
      }
      if (existing.has(key)) {
        // API Gateway selects a route by its key, so an API has one route per key
        // (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html):
        // with two, the check above would prove the rule for one and not say which deploys.
        errors.push(
          `The HTTP API has two routes "${key}" (${node.node.path} is the second): give each route key one route.`,
        );
      }
      existing.add(key);
      if (namesUs(node)) {
        // API Gateway uses AuthorizerId only with AuthorizationType CUSTOM (NONE, the default, is
        // open access): such a route is not guarded by this authorizer, whatever its rule says.
        // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigatewayv2-route.html
        const type = node.authorizationType ?? "NONE";
        if (type !== "CUSTOM") {
          errors.push(
            `Route "${key}" names this authorizer with AuthorizationType ${type}, so API Gateway does not ` +
              "call it for the route: set authorizationType to CUSTOM (or use protectRoute), or remove authorizerId.",
          );
          continue;
        }
        // A route's AuthorizationScopes are checked by API Gateway for JWT authorizers only: on this
        // route they would be silently unenforced (HttpApi's defaultAuthorizationScopes sets them).
        // https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-routes-routeid.html
        const scopes = node.authorizationScopes;
        if (scopes !== undefined && (Token.isUnresolved(scopes) || scopes.length > 0)) {
          errors.push(
            `Route "${key}" uses this authorizer with AuthorizationScopes ${JSON.stringify(scopes)}, which ` +
              "API Gateway checks only for JWT authorizers: put the scopes in the route's rule " +
              "({ scopes }) and drop them from the route (and from HttpApi's defaultAuthorizationScopes).",
          );
        }
        guarded.add(key);
      }
    }
    for (const key of this.routes.keys()) {
      if (!existing.has(key)) {
        errors.push(
          `Route rule "${key}" names a route that does not exist on the HTTP API: add the route ` +
            "(or give the rule an integration), or remove the rule.",
        );
      } else if (!guarded.has(key)) {
        errors.push(
          `Route rule "${key}" names a route that does not use this authorizer: pass \`authorizer\` ` +
            "to the route (or use protectRoute), or remove the rule.",
        );
      }
    }
    for (const key of guarded) {
      if (!this.routes.has(key)) {
        errors.push(
          `Route "${key}" uses the authorizer but has no rule, so every request to it would be ` +
            "denied: add it with addRoute({ method, path, rule }) or protectRoute(route, rule).",
        );
      }
    }
    // The function's own configuration loader, with this authorizer's EVENT_FORMAT,
    // ROUTE_KEY_IN_IDENTITY_SOURCE, ROUTE_RULES_COMPLETE and rules file: whatever its cold start
    // would refuse (malformed rules; per-route simple answers without the route key in the identity
    // source; IAM rules with overlapping paths or a $default rule) fails here, in its words. The pool
    // and client ids are deploy-time values that nothing here depends on: stand-ins take their place.
    try {
      loadConfig(
        {
          [ENV.userPoolId]: "us-east-1_SynthCheck",
          [ENV.clientId]: "synthcheck",
          [ENV.routeRulesFile]: ROUTE_RULES_FILE_NAME,
          [ENV.routeRulesComplete]: String(this.routeRulesComplete),
          ...this.eventEnvironment,
        },
        { readRulesFile: () => this.routes.text() },
      );
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      errors.push(`The route rules would be refused by the authorizer's cold start: ${err.message}`);
    }
    return errors;
  }
}

/**
 * Identity sources as API Gateway takes them, with the Authorization header: without it a caller's
 * token would not be part of the cache key, and one caller's answer would serve another.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
 */
function validIdentitySource(sources: readonly string[]): readonly string[] {
  for (const source of sources) {
    if (!IDENTITY_SOURCE.test(source)) {
      throw new Error(
        `identitySource ${JSON.stringify(source)} is not an HTTP API identity source: use ` +
          "$request.header.<name>, $request.querystring.<name>, $context.<variable> or $stageVariables.<name>.",
      );
    }
  }
  if (new Set(sources.map((s) => s.toLowerCase())).size !== sources.length) {
    throw new Error(`identitySource lists an entry twice: ${JSON.stringify(sources)}.`);
  }
  if (!sources.some((s) => s.toLowerCase() === HTTP_AUTHORIZATION_HEADER.toLowerCase())) {
    throw new Error(
      `identitySource must include ${HTTP_AUTHORIZATION_HEADER}: the token must be part of API Gateway's ` +
        "cache key, or one caller's cached answer would serve another caller's request.",
    );
  }
  return [...sources];
}
