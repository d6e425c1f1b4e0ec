// The Cognito JWT Lambda authorizer as a construct a team drops into its own stack: the function
// (prebuilt, see prebuilt-handler.ts), the API Gateway authorizer in front of it, and the rules of
// the methods it guards. The methods and the function's route rules come from the same route list,
// so they cannot drift apart; a synth-time check also refuses methods that use the authorizer
// without a rule, and rules for methods that do not use it.

import { Annotations, Duration, Stack, Validations } from "aws-cdk-lib";
import {
  AuthorizationType,
  CfnMethod,
  CfnRestApi,
  Deployment,
  type IAuthorizer,
  IdentitySource,
  type Integration,
  type IRestApi,
  Method,
  RequestAuthorizer,
  TokenAuthorizer,
} from "aws-cdk-lib/aws-apigateway";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import type { ILogGroup } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { BEARER_VALIDATION_EXPRESSION } from "../../lambda/authorizer/bearer-token";
import type { RouteRequirement, RouteRule } from "../../lambda/authorizer/contract";
import type { RouteMethod } from "../../lambda/authorizer/route-match";
import { compileRouteRules, RouteRulesError } from "../../lambda/authorizer/route-rules";
import {
  type AuthorizerFunctionProps,
  BASIC_EXECUTION_ROLE,
  createAuthorizerFunction,
  DEFAULT_AUTHORIZER_MEMORY_MB,
  type ExtraUserPoolProps,
  MAX_RESULTS_CACHE_TTL_SECONDS,
  validCacheTtl,
} from "./authorizer-function";
import type { AuthorizerMonitoring } from "./authorizer-monitoring";
import { RouteRuleBook, routeKeyOf } from "./route-rule-book";

export {
  BASIC_EXECUTION_ROLE,
  DEFAULT_AUTHORIZER_MEMORY_MB,
  type ExtraUserPoolProps,
  MAX_RESULTS_CACHE_TTL_SECONDS,
};

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
export type { RouteMethod, RouteRequirement, RouteRule };

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

export interface CognitoJwtAuthorizerProps extends AuthorizerFunctionProps {
  /**
   * The API whose methods the authorizer guards: a `RestApi`, a `SpecRestApi`, or one imported with
   * `RestApi.fromRestApiAttributes`. An API Gateway authorizer belongs to one API.
   */
  readonly api: IRestApi;

  /**
   * The guarded routes and their rules. More can be added with `addRoute` and `protectMethod`.
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
   * Declare to the function that its route rules list every method that uses this authorizer
   * (ROUTE_RULES_COMPLETE), which lets each caller's policy be the smaller of "Allow the permitted
   * routes" and "Allow everything but the forbidden ones". The synth-time check proves it for the
   * methods this app defines; it cannot see methods another app or tool adds to an imported API.
   * @default - true when `api` is a RestApi or SpecRestApi defined in this app; false for an
   * imported API (set it to true only if every method using this authorizer is defined here)
   */
  readonly routeRulesComplete?: boolean;
}

/**
 * A Lambda authorizer that verifies Cognito user pool JWTs and answers with IAM policies that stay
 * exact under API Gateway's authorizer cache, with per-route scope and group rules.
 */
export class CognitoJwtAuthorizer extends Construct {
  /** The API Gateway authorizer: pass it as `authorizer` to methods you create, then `addRoute` them. */
  readonly authorizer: IAuthorizer;
  /** The authorizer function. */
  readonly function: IFunction;
  /** The function's log group (its decision lines). */
  readonly logGroup: ILogGroup;
  /** TOKEN or REQUEST. */
  readonly eventType: AuthorizerEventType;
  /** Whether the function is told its rules are complete (ROUTE_RULES_COMPLETE). */
  readonly routeRulesComplete: boolean;
  /** Metrics, alarms and dashboard; `undefined` with `monitoring: false`. Route alarms with `addAlarmAction`. */
  readonly monitoring?: AuthorizerMonitoring;

  private readonly api: IRestApi;
  private readonly routes = new RouteRuleBook();

  constructor(scope: Construct, id: string, props: CognitoJwtAuthorizerProps) {
    super(scope, id);
    this.api = props.api;
    this.eventType = props.eventType ?? AuthorizerEventType.TOKEN;
    // An API defined in this app has its CfnRestApi here: every method of it is visible at synth.
    this.routeRulesComplete = props.routeRulesComplete ?? props.api.node.defaultChild instanceof CfnRestApi;
    const resultsCacheTtl = validCacheTtl(props.resultsCacheTtl ?? Duration.minutes(5));
    const created = createAuthorizerFunction(this, props, {
      description: "Cognito JWT authorizer for API Gateway",
      routeRulesComplete: this.routeRulesComplete,
      environment: {},
      api: { api: props.api },
    });
    this.function = created.function;
    this.logGroup = created.logGroup;
    this.monitoring = created.monitoring;
    const fn = created.function;

    let authorizer: TokenAuthorizer | RequestAuthorizer;
    if (this.eventType === AuthorizerEventType.TOKEN) {
      if (props.identitySources !== undefined) {
        throw new Error(
          "identitySources applies to REQUEST authorizers only; a TOKEN authorizer always reads the Authorization header.",
        );
      }
      const validationRegex = props.validationRegex ?? BEARER_VALIDATION_REGEX;
      assertRegex(validationRegex);
      authorizer = new TokenAuthorizer(this, "Authorizer", {
        handler: fn,
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
      authorizer = new RequestAuthorizer(this, "Authorizer", {
        handler: fn,
        identitySources,
        resultsCacheTtl,
      });
    }
    // Bound to the API now rather than by the first method that names it, so methods created
    // elsewhere (protectMethod) can use it too. Binding the same API again is a no-op. (The method is
    // marked internal in aws-cdk-lib but declared in its typings; the package test synthesizes
    // through it, so a release that changes it fails CI rather than a user's synth.)
    authorizer._attachToApi(props.api);
    this.authorizer = authorizer;

    for (const route of props.routes ?? []) this.addRoute(route);

    this.node.addValidation({ validate: () => this.validateRoutes() });
  }

  /**
   * Guard one route: record its rule and, when the route has an integration, create the method
   * with this authorizer. Without an integration the method must already exist and name this
   * authorizer (checked at synth). Returns the method it created.
   */
  addRoute(route: ProtectedRoute): Method | undefined {
    this.recordRoute(route);
    if (route.integration === undefined) return undefined;
    const method = this.api.root
      .resourceForPath(route.path)
      .addMethod(route.method, route.integration, { authorizer: this.authorizer });
    acknowledgeCognitoFinding(method);
    return method;
  }

  /**
   * Guard a method that already exists on the API (created by your own code, for example on a
   * `SpecRestApi` or an imported API) with this authorizer and the given rule. A method created
   * with `authorizer: this.authorizer` only needs its rule; a method created with no authorization
   * is switched to this authorizer; a method that uses other authorization is refused.
   */
  protectMethod(method: Method, rule: RouteRequirement): void {
    if (method.api.restApiId !== this.api.restApiId) {
      throw new Error(
        `Method "${method.httpMethod} ${method.resource.path}" belongs to another API than this authorizer's.`,
      );
    }
    const cfn = method.node.defaultChild as CfnMethod;
    if (cfn.authorizerId !== this.authorizer.authorizerId) {
      const type: string = cfn.authorizationType ?? AuthorizationType.NONE;
      if (type !== (AuthorizationType.NONE as string) || cfn.authorizerId !== undefined) {
        throw new Error(
          `Method "${method.httpMethod} ${method.resource.path}" already uses ${type} authorization: ` +
            "create it without authorization, or with `authorizer` set to this construct's `authorizer`.",
        );
      }
      cfn.authorizationType = AuthorizationType.CUSTOM;
      cfn.authorizerId = this.authorizer.authorizerId;
      // API Gateway serves a method's settings from a deployment; the deployment's logical id is a
      // hash of what it deploys, so a changed authorizer must be part of it or the stage keeps the
      // old, unguarded method. https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-deploy-api.html
      const change = {
        protectedBy: {
          method: method.httpMethod,
          path: method.resource.path,
          authorizer: this.authorizer.authorizerId,
        },
      };
      const deployments = deploymentsOf(this, method.api);
      for (const deployment of deployments) deployment.addToLogicalId(change);
      if (deployments.length === 0) {
        Annotations.of(method).addWarningV2(
          "cognito-jwt-authorizer:protect-method-no-deployment",
          `Method "${method.httpMethod} ${method.resource.path}" is switched to the authorizer, but this app ` +
            "defines no Deployment of its API: the stage keeps serving the unguarded method until the API " +
            "is deployed again (https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-deploy-api.html).",
        );
      }
    }
    this.recordRoute({ method: method.httpMethod as RouteMethod, path: method.resource.path, rule });
    acknowledgeCognitoFinding(method);
  }

  /** The route rules the function ships with: one entry per guarded route, in the order added. */
  get routeRules(): readonly RouteRule[] {
    return this.routes.rules;
  }

  private recordRoute(route: ProtectedRoute): string {
    const key = routeKeyOf(route);
    this.routes.add(key, route.rule);
    return key;
  }

  /**
   * Called once by ShipRouteRules at synth: the rules file's content, fixed from then on.
   * @internal
   */
  _stageRules(): string {
    return this.routes.stage();
  }

  /** Synth-time check: rules and methods match one to one. */
  private validateRoutes(): string[] {
    const errors: string[] = [];
    const changed = this.routes.changedSinceStaged();
    if (changed !== undefined) errors.push(changed);
    const stack = Stack.of(this);
    const ourId = this.authorizer.authorizerId;
    const ourResolvedId = JSON.stringify(stack.resolve(ourId));
    /** Does this method name our authorizer (the same token, or, in our stack, the same reference)? */
    const namesOurs = (cfn: CfnMethod): boolean =>
      cfn.authorizerId === ourId ||
      (Stack.of(cfn) === stack && JSON.stringify(stack.resolve(cfn.authorizerId)) === ourResolvedId);
    const guarded = new Set<string>();
    const existing = new Set<string>();
    // Every method of the API created through CDK, in any stack of the app (an imported API's
    // methods may live in another stack than the authorizer).
    for (const node of this.node.root.node.findAll()) {
      // A raw CfnMethod (not the resource of a Method) that names this authorizer: its path is not
      // known here, so its rule cannot be checked. Refused: it would be guarded by rules that do not list it.
      if (node instanceof CfnMethod && !(node.node.scope instanceof Method)) {
        if (namesOurs(node)) {
          errors.push(
            `${node.node.path} is a CfnMethod that uses this authorizer: create the method with ` +
              "Resource.addMethod (or `new Method`) so its route is known, and give it a rule.",
          );
        }
        continue;
      }
      if (!(node instanceof Method) || node.api.restApiId !== this.api.restApiId) continue;
      const key = `${node.httpMethod} ${node.resource.path}`;
      existing.add(key);
      if (namesOurs(node.node.defaultChild as CfnMethod)) guarded.add(key);
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
            "`authorizer` to the method (or use protectMethod), or remove the rule.",
        );
      }
    }
    for (const key of guarded) {
      if (!this.routes.has(key)) {
        errors.push(
          `Method "${key}" uses the authorizer but has no rule, so every request to it would be ` +
            "denied: add it with addRoute({ method, path, rule }) or protectMethod(method, rule).",
        );
      }
    }
    // The authorizer's own compiler, run at synth: whatever it would refuse at cold start (malformed
    // rules, or rules whose IAM policies cannot be exact under the authorizer cache) fails here.
    try {
      compileRouteRules(this.routeRules, { complete: this.routeRulesComplete });
    } catch (err) {
      if (!(err instanceof RouteRulesError)) throw err;
      errors.push(`The route rules would be refused by the authorizer: ${err.message}`);
    }
    return errors;
  }
}

/** Every Deployment in the app of `api`: each must redeploy when one of its methods changes. */
function deploymentsOf(scope: Construct, api: IRestApi): Deployment[] {
  return scope.node.root.node
    .findAll()
    .filter((n): n is Deployment => n instanceof Deployment && n.api.restApiId === api.restApiId);
}

function acknowledgeCognitoFinding(method: Method): void {
  Validations.of(method).acknowledge({
    id: "AwsSolutions-COG4",
    reason:
      "Guarded by a Lambda authorizer that verifies Cognito user pool JWTs (signature, issuer, " +
      "client, token use, expiry) and adds per-route scope and group rules that a " +
      "COGNITO_USER_POOLS authorizer cannot express.",
  });
}

function assertRegex(source: string): void {
  try {
    new RegExp(source);
  } catch {
    throw new Error(`validationRegex is not a valid regular expression: ${source}`);
  }
}
