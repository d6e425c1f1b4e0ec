// The authorizer function, as both constructs (CognitoJwtAuthorizer for REST APIs,
// CognitoJwtHttpAuthorizer for HTTP APIs) create it: the prop checks they share, the log group, the
// function with its environment, the prebuilt handler shipped with the route rules at synth
// (ShipRouteRules), Lambda's 4 KB environment check, the cdk-nag acknowledgements and the
// monitoring. Everything is created inside the owning construct with the ids it always had
// ("LogGroup", "Function", "Code", "Monitoring"), so a construct that moved here keeps its
// CloudFormation logical ids: a changed id would replace a deployed resource.

import { Aspects, Duration, type IAspect, Lazy, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import type { IUserPool, IUserPoolClient } from "aws-cdk-lib/aws-cognito";
import {
  Architecture,
  type CfnFunction,
  Code,
  Function as LambdaFunction,
  Runtime,
} from "aws-cdk-lib/aws-lambda";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Asset } from "aws-cdk-lib/aws-s3-assets";
import type { Construct, IConstruct } from "constructs";
import { ENV, ROUTE_RULES_FILE_NAME } from "../../lambda/authorizer/contract";
import {
  AuthorizerMonitoring,
  type AuthorizerMonitoringOptions,
  type AuthorizerMonitoringProps,
} from "./authorizer-monitoring";
import { AuthorizerLogLevel, AuthorizerTokenUse } from "./authorizer-options";
import { addEnvironmentSizeValidation } from "./lambda-environment-size";
import { HANDLER, readPrebuiltHandler, stageHandlerWithRules } from "./prebuilt-handler";

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

/** API Gateway caches authorizer results for at most one hour (REST and HTTP APIs alike). */
export const MAX_RESULTS_CACHE_TTL_SECONDS = 3600;

/** Another user pool whose tokens the authorizer accepts, with its own app clients. */
export interface ExtraUserPoolProps {
  readonly userPool: IUserPool;
  /** App clients of this pool whose tokens are accepted; at least one, none of another pool. */
  readonly userPoolClients: readonly IUserPoolClient[];
  /**
   * Which token this pool's callers present.
   * @default - the authorizer's tokenUse
   */
  readonly tokenUse?: AuthorizerTokenUse;
}

/**
 * The props both constructs (CognitoJwtAuthorizer, CognitoJwtHttpAuthorizer) take for the function:
 * who issues the tokens, and how the function runs and is watched.
 */
export interface AuthorizerFunctionProps {
  /** The user pool that issues the tokens (USER_POOL_ID). */
  readonly userPool: IUserPool;

  /** App clients whose tokens are accepted (CLIENT_ID); at least one. */
  readonly userPoolClients: readonly IUserPoolClient[];

  /**
   * Which token callers present (TOKEN_USE). Access tokens are meant for APIs; ID tokens are
   * meant for the client.
   * @default AuthorizerTokenUse.ACCESS
   */
  readonly tokenUse?: AuthorizerTokenUse;

  /**
   * More user pools whose tokens are accepted (EXTRA_USER_POOLS), each with its own clients: a
   * token is checked against the pool its `iss` names, with that pool's clients only, and the
   * context names the pool (`userPoolId`). For multi-tenant and migration setups.
   * @default - only `userPool`
   */
  readonly extraUserPools?: readonly ExtraUserPoolProps[];

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
   * Retention of the authorizer's log group.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;

  /**
   * Powertools log level of the function (POWERTOOLS_LOG_LEVEL).
   * @default AuthorizerLogLevel.INFO - one line per refusal; Allows are logged at DEBUG only
   */
  readonly logLevel?: AuthorizerLogLevel;

  /**
   * Metrics, alarms and a dashboard (README, "Operate it"): metric filters on the decision log line,
   * so nothing is added to the request path. The dashboard shows the API's own metrics too.
   * @default true
   */
  readonly monitoring?: boolean;

  /**
   * How the monitoring is tuned (namespace, period, alarm thresholds and actions, dashboard).
   * @default - AuthorizerMonitoring's defaults: alarms on JWKS unavailable, internal_error, function
   * errors and throttles (any in 5 minutes) and p99 duration (above 1 s in 2 of 3 periods), no alarm
   * action, and a dashboard
   */
  readonly monitoringOptions?: AuthorizerMonitoringOptions;
}

/** The construct the function belongs to: it knows the route rules, staged once at synth. */
export interface RulesOwner extends IConstruct {
  /** The rules file's content, fixed from this call on. */
  _stageRules(): string;
}

export interface AuthorizerFunction {
  readonly function: LambdaFunction;
  readonly logGroup: LogGroup;
  readonly logLevel: AuthorizerLogLevel;
  readonly monitoring?: AuthorizerMonitoring;
}

/**
 * Checks the shared props, then creates the log group, the function and (unless turned off) the
 * monitoring inside `owner`. `environment` holds the owner's own variables (the API kind's), placed
 * after ROUTE_RULES_COMPLETE; `api` is what the monitoring graphs (`api` or `httpApi`).
 */
export function createAuthorizerFunction(
  owner: RulesOwner & Construct,
  props: AuthorizerFunctionProps,
  options: {
    readonly description: string;
    readonly routeRulesComplete: boolean;
    readonly environment: Readonly<Record<string, string>>;
    readonly api: Pick<AuthorizerMonitoringProps, "api" | "httpApi">;
  },
): AuthorizerFunction {
  const memorySize = props.memorySize ?? DEFAULT_AUTHORIZER_MEMORY_MB;
  if (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10240) {
    throw new Error(`memorySize must be a whole number of MB from 128 to 10240; got ${memorySize}.`);
  }
  const tokenUse = props.tokenUse ?? AuthorizerTokenUse.ACCESS;
  if (!Object.values(AuthorizerTokenUse).includes(tokenUse)) {
    throw new Error(`tokenUse must be AuthorizerTokenUse.ACCESS or .ID; got ${JSON.stringify(tokenUse)}.`);
  }
  const logLevel = props.logLevel ?? AuthorizerLogLevel.INFO;
  if (!Object.values(AuthorizerLogLevel).includes(logLevel)) {
    throw new Error(`logLevel must be an AuthorizerLogLevel; got ${JSON.stringify(logLevel)}.`);
  }
  if (props.userPoolClients.length === 0) {
    throw new Error("userPoolClients must name at least one app client whose tokens the API accepts.");
  }
  if (props.monitoring === false && props.monitoringOptions !== undefined) {
    throw new Error("monitoringOptions is given but monitoring is false: drop one of the two.");
  }
  // Fails here, at construction, when a clone of the repository has not been built.
  const handlerFiles = readPrebuiltHandler();
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
    if (extra.tokenUse !== undefined && !Object.values(AuthorizerTokenUse).includes(extra.tokenUse)) {
      throw new Error(`extraUserPools[${i}].tokenUse must be AuthorizerTokenUse.ACCESS or .ID.`);
    }
  });

  const logGroup = new LogGroup(owner, "LogGroup", {
    retention: props.logRetention ?? RetentionDays.ONE_MONTH,
    // The logs expire after the retention anyway; a retained, orphaned group only collects cost.
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const fn = new LambdaFunction(owner, "Function", {
    description: options.description,
    runtime: Runtime.NODEJS_22_X,
    architecture: Architecture.ARM_64,
    handler: HANDLER,
    // Replaced at synth by the prebuilt handler with the route rules (ShipRouteRules below). Should
    // the replacement ever not happen, this fails every invocation: closed, never open.
    code: Code.fromInline(
      'throw new Error("cognito-jwt-authorizer: the deployment package was not staged at synth");',
    ),
    memorySize,
    timeout: Duration.seconds(10),
    logGroup,
    environment: {
      [ENV.userPoolId]: props.userPool.userPoolId,
      [ENV.clientId]: Lazy.string({
        produce: () => props.userPoolClients.map((c) => c.userPoolClientId).join(","),
      }),
      [ENV.tokenUse]: tokenUse,
      [ENV.routeRulesFile]: ROUTE_RULES_FILE_NAME,
      // The owner's synth-time check proves that the rules list every route of this app that uses
      // this authorizer and only those; true unless the API is imported (see routeRulesComplete).
      [ENV.routeRulesComplete]: String(options.routeRulesComplete),
      ...options.environment,
      ...(extraPools.length > 0 && {
        [ENV.extraUserPools]: Stack.of(owner).toJsonString(
          extraPools.map((extra) => ({
            userPoolId: extra.userPool.userPoolId,
            clientIds: extra.userPoolClients.map((c) => c.userPoolClientId),
            ...(extra.tokenUse !== undefined && { tokenUse: extra.tokenUse }),
          })),
        ),
      }),
      POWERTOOLS_SERVICE_NAME: "cognito-jwt-authorizer",
      POWERTOOLS_LOG_LEVEL: logLevel,
      // The event carries the bearer token: it must never reach the log.
      POWERTOOLS_LOGGER_LOG_EVENT: "false",
    },
  });
  const cfnFunction = fn.node.defaultChild as CfnFunction;
  // Lambda's 4 KB for all variables together is checked by neither CloudFormation nor synth.
  addEnvironmentSizeValidation(fn, cfnFunction);
  Aspects.of(owner).add(new ShipRouteRules(owner, cfnFunction, handlerFiles));
  Validations.of(fn).acknowledge(
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
  const monitoring =
    props.monitoring === false
      ? undefined
      : new AuthorizerMonitoring(owner, "Monitoring", {
          ...props.monitoringOptions,
          function: fn,
          logGroup,
          ...options.api,
          logLevel,
        });
  return { function: fn, logGroup, logLevel, monitoring };
}

/**
 * At synth, once every route is known: the function's code becomes the prebuilt handler with
 * `route-rules.json` beside it, as a file asset. An aspect, because routes are added after the
 * function exists, and CDK stages an asset's files when the asset is created.
 */
class ShipRouteRules implements IAspect {
  constructor(
    private readonly owner: RulesOwner & Construct,
    private readonly cfnFunction: CfnFunction,
    private readonly handlerFiles: Map<string, Buffer>,
  ) {}

  visit(node: IConstruct): void {
    if (node !== this.cfnFunction || this.owner.node.tryFindChild("Code") !== undefined) return;
    const rules = this.owner._stageRules();
    const staging = stageHandlerWithRules(this.owner, rules, this.handlerFiles);
    const asset = new Asset(this.owner, "Code", { path: staging.dir, deployTime: true });
    staging.done();
    this.cfnFunction.code = { s3Bucket: asset.s3BucketName, s3Key: asset.s3ObjectKey };
    // aws:asset:path, as Code.fromAsset records it: SAM and the local stack find the folder by it.
    asset.addResourceMetadata(this.cfnFunction, "Code");
  }
}

/** A results cache TTL API Gateway accepts (whole seconds, 0 to 3600), or an Error saying so. */
export function validCacheTtl(ttl: Duration): Duration {
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
