// The sample: a user pool (or an existing one), a REST API whose methods come from the route table
// in routes.ts, the Cognito JWT authorizer guarding them, the same routes and rules on an HTTP API
// next to it (CognitoJwtHttpAuthorizer, simple responses), and the outputs the README, the
// end-to-end tests and the local stack share: ApiUrl, HttpApiUrl, UserPoolId, UserPoolClientId, Region.
// With `secondUserPool`, a second pool (SecondUserPoolId, SecondUserPoolClientId) whose tokens the
// authorizer also accepts (extraUserPools).

import * as path from "node:path";
import {
  CfnOutput,
  CfnResource,
  Fn,
  RemovalPolicy,
  Stack,
  type StackProps,
  Token,
  Validations,
} from "aws-cdk-lib";
import { AuthorizationType, LambdaIntegration } from "aws-cdk-lib/aws-apigateway";
import type { HttpMethod } from "aws-cdk-lib/aws-apigatewayv2";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import { type IUserPool, type IUserPoolClient, UserPool, UserPoolClient } from "aws-cdk-lib/aws-cognito";
import type { Construct } from "constructs";
// The authorizer through the package's public entry only, as another team's app imports it
// (eslint refuses deep imports of the package's constructs here).
import {
  AuthorizerTokenUse,
  BASIC_EXECUTION_ROLE,
  CognitoJwtAuthorizer,
  CognitoJwtHttpAuthorizer,
  type ExtraUserPoolProps,
} from "../index";
import { EsmNodejsFunction } from "./constructs/esm-nodejs-function";
import { ProtectedHttpApi } from "./constructs/protected-http-api";
import { ProtectedRestApi } from "./constructs/protected-rest-api";
import { SecureUserPool } from "./constructs/secure-user-pool";
import {
  type Backend,
  RESOURCE_SERVER_IDENTIFIER,
  RESOURCE_SERVER_SCOPES,
  SAMPLE_GROUPS,
  sampleRoutes,
} from "./routes";

/** The stack's construct id, hence its CloudFormation name and `cdk.out/<id>.template.json`. */
export const SAMPLE_STACK_ID = "CognitoAuthorizerSample";

/** A user pool and app client that already exist (their ids, as Cognito prints them). */
export interface ExistingUserPool {
  readonly userPoolId: string;
  readonly userPoolClientId: string;
}

export interface CognitoAuthorizerSampleStackProps extends StackProps {
  /**
   * Use this user pool and client instead of creating them. They must have the groups the route
   * rules name (admins, editors, readers); the stack does not touch them.
   * @default - the stack creates a SecureUserPool with the groups, scopes and a public client
   */
  readonly existingUserPool?: ExistingUserPool;

  /**
   * Allow USER_PASSWORD_AUTH on the created client (for the CLI walk-through).
   * @default false
   */
  readonly allowUserPasswordAuth?: boolean;

  /**
   * Items routes require OAuth scopes instead of groups (see routes.ts).
   * @default false
   */
  readonly requireOAuthScopes?: boolean;

  /**
   * Cognito domain prefix for the OAuth endpoints of the created pool.
   * @default - no domain
   */
  readonly cognitoDomainPrefix?: string;

  /**
   * OAuth callback URLs of the created client.
   * @default - SecureUserPool's default (http://localhost:8080/callback)
   */
  readonly callbackUrls?: readonly string[];

  /**
   * Sign-out URLs of the created client.
   * @default - SecureUserPool's default (http://localhost:8080/)
   */
  readonly logoutUrls?: readonly string[];

  /**
   * Token the API accepts.
   * @default AuthorizerTokenUse.ACCESS
   */
  readonly tokenUse?: AuthorizerTokenUse;

  /**
   * Set this account and region's API Gateway CloudWatch Logs role (a role of the stack's, retained
   * by `cdk destroy`): without one, API Gateway refuses the stage's access logging and the first
   * deploy to a fresh account rolls back. See ProtectedRestApiProps.cloudWatchRole.
   * @default true - the first deploy works anywhere; turn it off where the account's settings
   * belong to someone else (a platform team, another stack) and the role is already set
   */
  readonly apiGatewayCloudWatchRole?: boolean;

  /**
   * Turn on deletion protection of the created user pool, and have CloudFormation never delete it
   * (RETAIN), not even when the create that made it rolls back. Turn it on after the first
   * successful deploy, once the pool holds users.
   * @default false - RETAIN_ON_UPDATE_OR_DELETE: kept by `cdk destroy`, deleted by a failed create
   */
  readonly userPoolDeletionProtection?: boolean;

  /**
   * Create a second user pool, with the same groups and a public app client of its own, and have
   * the authorizer accept its tokens too (extraUserPools): what a multi-tenant or migration setup
   * looks like. Its users pass the same route rules as the first pool's; the context's `userPoolId`
   * says which pool a caller came from. Outputs SecondUserPoolId and SecondUserPoolClientId.
   * Only beside the pool the stack creates (not with existingUserPool); allowUserPasswordAuth and
   * userPoolDeletionProtection apply to both pools.
   * @default false - one user pool
   */
  readonly secondUserPool?: boolean;

  /**
   * Serve the routes on an HTTP API too (HttpApiUrl). Turn it off for the Regions whose
   * CloudFormation has no AWS::ApiGatewayV2 types (ap-east-2 and ap-southeast-6, as cfn-lint 1.51
   * knows them).
   * @default true
   */
  readonly httpApi?: boolean;
}

export class CognitoAuthorizerSampleStack extends Stack {
  readonly authorizer: CognitoJwtAuthorizer;
  readonly restApi: ProtectedRestApi;
  /** The same routes and rules on an HTTP API, with simple responses; undefined with `httpApi: false`. */
  readonly httpAuthorizer?: CognitoJwtHttpAuthorizer;
  readonly httpApi?: ProtectedHttpApi;

  constructor(scope: Construct, id: string, props: CognitoAuthorizerSampleStackProps = {}) {
    super(scope, id, {
      description: "Cognito JWT Lambda authorizer for API Gateway REST and HTTP APIs: sample protected APIs",
      ...props,
    });

    const routes = sampleRoutes({ requireOAuthScopes: props.requireOAuthScopes ?? false });

    let userPool: IUserPool;
    let client: IUserPoolClient;
    let machineClient: IUserPoolClient | undefined;
    let tokenEndpoint: string | undefined;
    let region: string;
    let second: SecureUserPool | undefined;
    if (props.existingUserPool !== undefined) {
      if (props.secondUserPool === true) {
        throw new Error(
          "secondUserPool adds a pool beside the one this stack creates; with an existing user pool, " +
            "pass that second pool to the authorizer's extraUserPools in your own stack instead.",
        );
      }
      if (
        props.allowUserPasswordAuth !== undefined ||
        props.cognitoDomainPrefix !== undefined ||
        props.callbackUrls !== undefined ||
        props.logoutUrls !== undefined ||
        props.userPoolDeletionProtection !== undefined
      ) {
        throw new Error(
          "allowUserPasswordAuth, cognitoDomainPrefix, callbackUrls, logoutUrls and userPoolDeletionProtection " +
            "configure a user pool this stack creates; with an existing user pool, change them on that pool instead.",
        );
      }
      const { userPoolId, userPoolClientId } = props.existingUserPool;
      userPool = UserPool.fromUserPoolId(this, "ExistingUserPool", userPoolId);
      client = UserPoolClient.fromUserPoolClientId(this, "ExistingUserPoolClient", userPoolClientId);
      // The pool id's region prefix (`us-east-1_AbC123`), at deploy time when the id is a token.
      region = Token.isUnresolved(userPoolId)
        ? Fn.select(0, Fn.split("_", userPoolId))
        : userPoolId.slice(0, userPoolId.indexOf("_"));
    } else {
      // The id "Identity" (and the ids inside SecureUserPool) must never change: see secure-user-pool.ts.
      const identity = new SecureUserPool(this, "Identity", {
        groups: SAMPLE_GROUPS,
        resourceServerIdentifier: RESOURCE_SERVER_IDENTIFIER,
        scopes: RESOURCE_SERVER_SCOPES,
        machineClient: true,
        allowUserPasswordAuth: props.allowUserPasswordAuth ?? false,
        domainPrefix: props.cognitoDomainPrefix,
        callbackUrls: props.callbackUrls,
        logoutUrls: props.logoutUrls,
        removalPolicy: userPoolRemovalPolicy(props),
      });
      assertRulesMatchPool(routes, identity.groupNames, identity.scopeNames);
      userPool = identity.userPool;
      client = identity.userPoolClient;
      machineClient = identity.machineClient;
      // Cognito's token endpoint: https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html
      tokenEndpoint = identity.domain === undefined ? undefined : `${identity.domain.baseUrl()}/oauth2/token`;
      region = this.region;
      if (props.secondUserPool === true) second = this.secondUserPool(props, routes);
    }

    this.restApi = new ProtectedRestApi(this, "Api", {
      cloudWatchRole: props.apiGatewayCloudWatchRole ?? true,
    });
    const api = this.restApi.api;

    // One function per backend, serving both APIs (payload 1.0 from the REST API, 2.0 from the HTTP API).
    const backends = new Map<Backend, EsmNodejsFunction>();
    const backendFor = (backend: Backend): EsmNodejsFunction => {
      let fn = backends.get(backend);
      if (fn === undefined) {
        fn = new EsmNodejsFunction(this, `Backend-${backend}`, {
          entry: path.join(__dirname, "..", "lambda", "api", `${backend}.ts`),
          description: `Sample backend: ${backend}`,
          environment: { CORS_ALLOW_ORIGIN: this.restApi.corsAllowOrigin },
        });
        Validations.of(fn).acknowledge(
          {
            id: `AwsSolutions-IAM4[${BASIC_EXECUTION_ROLE}]`,
            reason:
              "AWSLambdaBasicExecutionRole only lets the backend write its own logs; it calls no AWS API.",
          },
          {
            id: "AwsSolutions-L1",
            reason: "Node.js 22 is pinned for the whole project (bundle target node22).",
          },
        );
        backends.set(backend, fn);
      }
      return fn;
    };
    const integrations = new Map<Backend, LambdaIntegration>();
    const integrationFor = (backend: Backend): LambdaIntegration => {
      let integration = integrations.get(backend);
      if (integration === undefined) {
        integration = new LambdaIntegration(backendFor(backend).function);
        integrations.set(backend, integration);
      }
      return integration;
    };
    const extraUserPools: ExtraUserPoolProps[] =
      second === undefined ? [] : [{ userPool: second.userPool, userPoolClients: [second.userPoolClient] }];
    const userPoolClients = machineClient === undefined ? [client] : [client, machineClient];

    this.authorizer = new CognitoJwtAuthorizer(this, "Authorizer", {
      api,
      userPool,
      userPoolClients,
      tokenUse: props.tokenUse ?? AuthorizerTokenUse.ACCESS,
      ...(extraUserPools.length > 0 && { extraUserPools }),
    });

    for (const route of routes) {
      const integration = integrationFor(route.backend);
      if (route.access === "public") {
        const method = api.root
          .resourceForPath(route.path)
          .addMethod(route.method, integration, { authorizationType: AuthorizationType.NONE });
        Validations.of(method).acknowledge(
          {
            id: "AwsSolutions-APIG4",
            reason: `${route.method} ${route.path} is public by design (routes.ts).`,
          },
          {
            id: "AwsSolutions-COG4",
            reason: `${route.method} ${route.path} is public by design (routes.ts).`,
          },
        );
      } else {
        this.authorizer.addRoute({ method: route.method, path: route.path, integration, rule: route.access });
      }
    }

    const http =
      props.httpApi === false
        ? undefined
        : this.sampleHttpApi(routes, backendFor, {
            userPool,
            userPoolClients,
            tokenUse: props.tokenUse ?? AuthorizerTokenUse.ACCESS,
            extraUserPools,
          });
    this.httpApi = http?.api;
    this.httpAuthorizer = http?.authorizer;

    new CfnOutput(this, "ApiUrl", { value: api.url, description: "Base URL of the API stage" });
    if (http !== undefined) {
      new CfnOutput(this, "HttpApiUrl", {
        value: http.api.stage.url,
        description: "Base URL of the HTTP API ($default stage: no stage segment)",
      });
    }
    new CfnOutput(this, "UserPoolId", { value: userPool.userPoolId, description: "Cognito user pool id" });
    new CfnOutput(this, "UserPoolClientId", {
      value: client.userPoolClientId,
      description: "Public app client id (no secret)",
    });
    if (machineClient !== undefined) {
      new CfnOutput(this, "MachineClientId", {
        value: machineClient.userPoolClientId,
        description:
          "Confidential app client for the client_credentials grant (secret: DescribeUserPoolClient)",
      });
    }
    if (tokenEndpoint !== undefined) {
      new CfnOutput(this, "TokenEndpoint", {
        value: tokenEndpoint,
        description: "OAuth 2.0 token endpoint of the pool's domain (client_credentials for MachineClientId)",
      });
    }
    if (second !== undefined) {
      new CfnOutput(this, "SecondUserPoolId", {
        value: second.userPool.userPoolId,
        description: "Second Cognito user pool id (secondUserPool), accepted beside UserPoolId",
      });
      new CfnOutput(this, "SecondUserPoolClientId", {
        value: second.userPoolClient.userPoolClientId,
        description: "Public app client id of the second user pool (no secret)",
      });
    }
    new CfnOutput(this, "Region", {
      value: region,
      description: "Region of the user pool (cognito-idp calls)",
    });
  }

  /**
   * The HTTP API: the same routes and rules as the REST API, served by the same backends (payload
   * 2.0), guarded by CognitoJwtHttpAuthorizer with simple responses. Its ids ("HttpApi",
   * "HttpAuthorizer") must not change once deployed, as the REST API's must not.
   */
  private sampleHttpApi(
    routes: ReturnType<typeof sampleRoutes>,
    backendFor: (backend: Backend) => EsmNodejsFunction,
    pools: {
      readonly userPool: IUserPool;
      readonly userPoolClients: IUserPoolClient[];
      readonly tokenUse: AuthorizerTokenUse;
      readonly extraUserPools: ExtraUserPoolProps[];
    },
  ): { api: ProtectedHttpApi; authorizer: CognitoJwtHttpAuthorizer } {
    const api = new ProtectedHttpApi(this, "HttpApi", { corsAllowOrigin: this.restApi.corsAllowOrigin });
    const authorizer = new CognitoJwtHttpAuthorizer(this, "HttpAuthorizer", {
      httpApi: api.api,
      userPool: pools.userPool,
      userPoolClients: pools.userPoolClients,
      tokenUse: pools.tokenUse,
      ...(pools.extraUserPools.length > 0 && { extraUserPools: pools.extraUserPools }),
    });
    const httpIntegrations = new Map<Backend, HttpLambdaIntegration>();
    const httpIntegrationFor = (backend: Backend): HttpLambdaIntegration => {
      let integration = httpIntegrations.get(backend);
      if (integration === undefined) {
        // Payload format 2.0 (HttpLambdaIntegration's default): the backends read both formats.
        integration = new HttpLambdaIntegration(`Integration-${backend}`, backendFor(backend).function);
        httpIntegrations.set(backend, integration);
      }
      return integration;
    };
    for (const route of routes) {
      const integration = httpIntegrationFor(route.backend);
      if (route.access === "public") {
        const created = api.api.addRoutes({
          path: route.path,
          methods: [route.method as HttpMethod],
          integration,
        });
        for (const r of created) {
          Validations.of(r).acknowledge({
            id: "AwsSolutions-APIG4",
            reason: `${route.method} ${route.path} is public by design (routes.ts).`,
          });
        }
      } else {
        authorizer.addRoute({
          method: route.method,
          path: route.path,
          integration,
          rule: route.access,
        });
      }
    }

    // cfn-lint 1.51's CloudFormation registries of ap-east-2 and ap-southeast-6 have no
    // AWS::ApiGatewayV2 types, so the HTTP API cannot deploy there (E3006 for those two Regions,
    // the stack's only finding); `-c httpApi=false` leaves it out (README, "What the stack contains").
    // The acknowledgement sits on these resources only, so E3006 still guards every other one.
    for (const node of this.node.findAll()) {
      if (node instanceof CfnResource && node.cfnResourceType.startsWith("AWS::ApiGatewayV2::")) {
        node.addMetadata("cfn-lint", { config: { ignore_checks: ["E3006"] } });
      }
    }
    return { api, authorizer };
  }

  /**
   * The second pool: the same groups (so the same rules admit its users), a public client, no
   * resource server (its users sign in with a password and carry no custom scopes), no machine
   * client, no domain. Its id, "SecondIdentity", must never change, as "Identity"'s must not.
   */
  private secondUserPool(
    props: CognitoAuthorizerSampleStackProps,
    routes: ReturnType<typeof sampleRoutes>,
  ): SecureUserPool {
    const second = new SecureUserPool(this, "SecondIdentity", {
      groups: SAMPLE_GROUPS,
      allowUserPasswordAuth: props.allowUserPasswordAuth ?? false,
      callbackUrls: props.callbackUrls,
      logoutUrls: props.logoutUrls,
      removalPolicy: userPoolRemovalPolicy(props),
    });
    // Every group a rule names exists in this pool too; its users carry no custom scopes.
    assertRulesMatchPool(routes, second.groupNames, undefined);
    return second;
  }
}

/**
 * What `cdk destroy` does to the stack's user pools: kept, with deletion protection, when
 * userPoolDeletionProtection is set; otherwise retained on update or delete but not when a failed
 * create rolls back (secure-user-pool.ts has the reasons).
 */
function userPoolRemovalPolicy(props: CognitoAuthorizerSampleStackProps): RemovalPolicy {
  return props.userPoolDeletionProtection === true
    ? RemovalPolicy.RETAIN
    : RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;
}

/**
 * Every group and scope a rule names must exist in the pool the stack creates (scopes unchecked
 * when `scopes` is undefined: a pool without a resource server).
 */
function assertRulesMatchPool(
  routes: ReturnType<typeof sampleRoutes>,
  groups: readonly string[],
  scopes: readonly string[] | undefined,
): void {
  for (const route of routes) {
    if (route.access === "public") continue;
    for (const alternative of route.access.anyOf ?? [route.access]) {
      for (const group of alternative.groups ?? []) {
        if (!groups.includes(group)) {
          throw new Error(
            `Route "${route.method} ${route.path}" names group "${group}", which the user pool does not create.`,
          );
        }
      }
      for (const scope of scopes === undefined ? [] : (alternative.scopes ?? [])) {
        if (!scopes?.includes(scope)) {
          throw new Error(
            `Route "${route.method} ${route.path}" names scope "${scope}", which the resource server does not define.`,
          );
        }
      }
    }
  }
}
