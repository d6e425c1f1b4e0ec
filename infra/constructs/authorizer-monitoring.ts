// Operating the authorizer: metrics of its refusals per outcome and reason, alarms on what an
// operator must act on, and a CloudWatch dashboard. The authorizer's own metrics come from CloudWatch
// Logs metric filters on the JSON lines the function already writes (one per decision, plus one at
// cold start when the JWKS cannot be fetched): CloudWatch Logs evaluates the filters as it ingests
// the lines, so monitoring adds nothing to the per-request path. Everything else is Lambda's and API
// Gateway's own metrics.
//
// Filter pattern syntax for JSON log events:
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
// Metric filter dimensions (at most three; a filter that produces 1,000 different name/value pairs
// is disabled; each combination is a custom metric):
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_MetricTransformation.html

import { Annotations, Duration, Stack, Token } from "aws-cdk-lib";
import type { IRestApi, Stage } from "aws-cdk-lib/aws-apigateway";
import type { IHttpApi } from "aws-cdk-lib/aws-apigatewayv2";
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IAlarmAction,
  type IMetric,
  MathExpression,
  Metric,
  type MetricOptions,
  SearchExpression,
  Stats,
  TextWidget,
  TreatMissingData,
  Unit,
} from "aws-cdk-lib/aws-cloudwatch";
import { Function as LambdaFunction, type IFunction } from "aws-cdk-lib/aws-lambda";
import { FilterPattern, type ILogGroup, MetricFilter } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import type { Reason } from "../../lambda/authorizer/errors";
import { AuthorizerLogLevel } from "./authorizer-options";

/** Prefix of the default metric namespace: `CognitoJwtAuthorizer/<stack name>/<construct path>`. */
export const METRIC_NAMESPACE_PREFIX = "CognitoJwtAuthorizer";

/** `message` of the one line per decision (lambda/authorizer/authorizer.ts). */
export const DECISION_MESSAGE = "authorizer decision";

/** `message` of the cold-start line when the JWKS cannot be fetched (lambda/authorizer/index.ts). */
export const JWKS_COLD_START_MESSAGE = "JWKS not available at cold start";

/**
 * The outcomes the Refusals metric counts: `deny` (403) and `unauthorized` (401). Allows are not
 * counted from the function's log: they are written at DEBUG, below the default level, so that a
 * request that succeeds costs no log line (API Gateway's access log records every request with its
 * authorizer status, and its Count metric every request).
 */
export const REFUSAL_OUTCOMES = ["deny", "unauthorized"] as const;
export type RefusalOutcome = (typeof REFUSAL_OUTCOMES)[number];

/** Metric names, in the monitoring's namespace. */
export const METRIC_NAMES = {
  /** One per deny or unauthorized decision, with the dimensions Outcome and Reason. */
  refusals: "Refusals",
  /** One per line with reason jwks_unavailable: every failed request, and a failed cold start. */
  jwksUnavailable: "JwksUnavailable",
} as const;

/** Dimensions of the Refusals metric, taken from the decision line's fields. */
export const REFUSAL_DIMENSIONS = { outcome: "Outcome", reason: "Reason" } as const;

/** The reasons with an alarm of their own (typed against lambda/authorizer/errors.ts REASONS). */
export const JWKS_UNAVAILABLE: Reason = "jwks_unavailable";
export const INTERNAL_ERROR: Reason = "internal_error";

/**
 * p99 Duration above which the duration alarm fires, by default. A healthy authorizer answers in a
 * few milliseconds (README, "Performance": about 60 µs of CPU per verification, 1 ms billed); the
 * one slow path is waiting for the JWKS endpoint, which the fetcher bounds at 1.5 s
 * (lambda/authorizer/jwks-fetcher.ts). One second is far above normal, well below the function's
 * 10 s timeout, and reached only when requests wait on the network or the function is starved.
 */
export const DEFAULT_P99_DURATION_THRESHOLD = Duration.seconds(1);

/** A count alarm: the metric's Sum over one period compared with a threshold. */
export interface CountAlarmOptions {
  /**
   * Create this alarm.
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * Alarm when the count in a period reaches this.
   * @default 1 - any occurrence
   */
  readonly threshold?: number;

  /**
   * Number of periods evaluated.
   * @default 1
   */
  readonly evaluationPeriods?: number;

  /**
   * How many of the evaluated periods must breach.
   * @default - evaluationPeriods (all of them)
   */
  readonly datapointsToAlarm?: number;
}

/** The p99 Duration alarm. */
export interface DurationAlarmOptions {
  /**
   * Create this alarm.
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * Alarm when the function's p99 Duration in a period exceeds this. Must be below the function's
   * timeout (an invocation that reaches it is already an error).
   * @default DEFAULT_P99_DURATION_THRESHOLD (1 second)
   */
  readonly threshold?: Duration;

  /**
   * Number of periods evaluated.
   * @default 3
   */
  readonly evaluationPeriods?: number;

  /**
   * How many of the evaluated periods must breach. At low traffic the p99 of a period is its slowest
   * request, so one slow period alone (a JWKS refetch) does not alarm.
   * @default 2
   */
  readonly datapointsToAlarm?: number;
}

/** What `CognitoJwtAuthorizer` passes through (its `monitoring` prop). */
export interface AuthorizerMonitoringOptions {
  /**
   * Namespace of the metrics the log filters publish. Two authorizers must not share one, or each
   * one's alarms would count the other's lines.
   * @default - `CognitoJwtAuthorizer/<stack name>/<path of this construct in the stack>`
   */
  readonly metricNamespace?: string;

  /**
   * Period of every alarm and graph. Metric filter metrics are aggregated per minute, so a whole
   * number of minutes.
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;

  /**
   * Actions of every alarm when it goes to ALARM, for example `new SnsAction(topic)`. More can be
   * added later with `addAlarmAction`.
   * @default - none: the alarms show on the dashboard and in the console only
   */
  readonly alarmActions?: readonly IAlarmAction[];

  /**
   * Actions of every alarm when it returns to OK.
   * @default - none
   */
  readonly okActions?: readonly IAlarmAction[];

  /**
   * The JWKS could not be fetched (at cold start or for a request): every request gets a 401 until
   * it can. `{ enabled: false }` for no alarm.
   * @default - any occurrence in one period
   */
  readonly jwksUnavailableAlarm?: CountAlarmOptions;

  /**
   * A request ended in reason internal_error (an unexpected exception, answered 401): a bug.
   * `{ enabled: false }` for no alarm.
   * @default - any occurrence in one period
   */
  readonly internalErrorAlarm?: CountAlarmOptions;

  /**
   * Lambda's Errors metric. The handler maps every failure to 401, so an error means the function
   * failed to start or crashed, and API Gateway answered 500. `{ enabled: false }` for no alarm.
   * @default - any error in one period
   */
  readonly functionErrorsAlarm?: CountAlarmOptions;

  /**
   * Lambda's Throttles metric: requests API Gateway could not authorize. `{ enabled: false }` for no alarm.
   * @default - any throttle in one period
   */
  readonly throttlesAlarm?: CountAlarmOptions;

  /**
   * The function's p99 Duration. `{ enabled: false }` for no alarm.
   * @default - above DEFAULT_P99_DURATION_THRESHOLD in 2 of 3 periods
   */
  readonly durationAlarm?: DurationAlarmOptions;

  /**
   * Create a CloudWatch dashboard (its name generated by CloudFormation).
   * @default true
   */
  readonly dashboard?: boolean;
}

export interface AuthorizerMonitoringProps extends AuthorizerMonitoringOptions {
  /** The authorizer function (its Lambda metrics). */
  readonly function: IFunction;

  /** The function's log group, which receives its decision lines (the metric filters' source). */
  readonly logGroup: ILogGroup;

  /**
   * The API the authorizer guards: its 4XX, 5XX, request count and latency go on the dashboard.
   * @default - no API Gateway graphs
   */
  readonly api?: IRestApi;

  /**
   * The HTTP API the authorizer guards (instead of `api`): its 4xx, 5xx, request count and latency
   * go on the dashboard, of its `$default` stage when it has one, else API-wide.
   * @default - no API Gateway graphs
   */
  readonly httpApi?: IHttpApi;

  /**
   * The function's Powertools log level. At ERROR no decision line is written, so the metrics would
   * be blind (refused); at WARN denials (INFO) are not written, so they are not counted (a warning).
   * @default AuthorizerLogLevel.INFO
   */
  readonly logLevel?: AuthorizerLogLevel;
}

/**
 * Metric filters, alarms and a dashboard for one Cognito JWT authorizer function. Created by
 * `CognitoJwtAuthorizer` (its `monitoring` prop); usable on its own with the function and its log
 * group.
 */
export class AuthorizerMonitoring extends Construct {
  /** The namespace of the Refusals and JwksUnavailable metrics. */
  readonly metricNamespace: string;
  /** Period of every alarm and graph. */
  readonly period: Duration;
  /** Every alarm created, for adding actions or composing them. */
  readonly alarms: readonly Alarm[];
  readonly jwksUnavailableAlarm?: Alarm;
  readonly internalErrorAlarm?: Alarm;
  readonly functionErrorsAlarm?: Alarm;
  readonly throttlesAlarm?: Alarm;
  readonly durationAlarm?: Alarm;
  /** The dashboard, unless `dashboard: false`. */
  readonly dashboard?: Dashboard;

  private readonly fn: IFunction;

  constructor(scope: Construct, id: string, props: AuthorizerMonitoringProps) {
    super(scope, id);
    this.fn = props.function;
    this.metricNamespace = validNamespace(props.metricNamespace ?? defaultNamespace(this));
    this.period = validPeriod(props.period ?? Duration.minutes(5));
    this.checkLogLevel(props.logLevel ?? AuthorizerLogLevel.INFO);
    if (props.api !== undefined && props.httpApi !== undefined) {
      throw new Error(
        "Give the monitoring `api` (a REST API) or `httpApi`, not both: an authorizer guards one API.",
      );
    }

    this.metricFilters(props.logGroup);
    const alarms: Alarm[] = [];
    const keep = (alarm: Alarm | undefined): Alarm | undefined => {
      if (alarm !== undefined) alarms.push(alarm);
      return alarm;
    };
    this.jwksUnavailableAlarm = keep(this.jwksAlarm(props.jwksUnavailableAlarm));
    this.internalErrorAlarm = keep(this.internalAlarm(props.internalErrorAlarm));
    this.functionErrorsAlarm = keep(this.errorsAlarm(props.functionErrorsAlarm));
    this.throttlesAlarm = keep(this.throttleAlarm(props.throttlesAlarm));
    this.durationAlarm = keep(this.p99Alarm(props.durationAlarm));
    this.alarms = alarms;
    this.addAlarmAction(...(props.alarmActions ?? []));
    for (const alarm of alarms) alarm.addOkAction(...(props.okActions ?? []));

    this.dashboard = props.dashboard === false ? undefined : this.createDashboard(props.api, props.httpApi);
  }

  /** Add actions (an `SnsAction` on a topic, ...) to every alarm, for its ALARM state. */
  addAlarmAction(...actions: IAlarmAction[]): void {
    for (const alarm of this.alarms) alarm.addAlarmAction(...actions);
  }

  /** Refusals with one outcome and reason, summed per period. */
  metricRefusals(outcome: RefusalOutcome, reason: Reason, props?: MetricOptions): Metric {
    return new Metric({
      namespace: this.metricNamespace,
      metricName: METRIC_NAMES.refusals,
      dimensionsMap: { [REFUSAL_DIMENSIONS.outcome]: outcome, [REFUSAL_DIMENSIONS.reason]: reason },
      statistic: Stats.SUM,
      period: this.period,
      unit: Unit.COUNT,
      ...props,
    });
  }

  /** Lines with reason jwks_unavailable (failed requests and failed cold starts), summed per period. */
  metricJwksUnavailable(props?: MetricOptions): Metric {
    return new Metric({
      namespace: this.metricNamespace,
      metricName: METRIC_NAMES.jwksUnavailable,
      statistic: Stats.SUM,
      period: this.period,
      unit: Unit.COUNT,
      ...props,
    });
  }

  private metricFilters(logGroup: ILogGroup): void {
    // Deny and unauthorized decision lines, one data point each, dimensioned by their own outcome and
    // reason fields. Both are bounded sets (REASONS in lambda/authorizer/errors.ts), far below the
    // 1,000 name/value pairs at which CloudWatch Logs disables a filter.
    new MetricFilter(this, "RefusalsFilter", {
      logGroup,
      filterPattern: FilterPattern.all(
        FilterPattern.stringValue("$.message", "=", DECISION_MESSAGE),
        FilterPattern.any(
          ...REFUSAL_OUTCOMES.map((outcome) => FilterPattern.stringValue("$.outcome", "=", outcome)),
        ),
      ),
      metricNamespace: this.metricNamespace,
      metricName: METRIC_NAMES.refusals,
      metricValue: "1",
      dimensions: { [REFUSAL_DIMENSIONS.outcome]: "$.outcome", [REFUSAL_DIMENSIONS.reason]: "$.reason" },
      unit: Unit.COUNT,
    });
    // Its own metric, without dimensions, so that a cold start that cannot fetch the JWKS (a line
    // with no outcome) alarms even before the first request.
    new MetricFilter(this, "JwksUnavailableFilter", {
      logGroup,
      filterPattern: FilterPattern.all(
        FilterPattern.stringValue("$.reason", "=", JWKS_UNAVAILABLE),
        FilterPattern.any(
          FilterPattern.stringValue("$.message", "=", DECISION_MESSAGE),
          FilterPattern.stringValue("$.message", "=", JWKS_COLD_START_MESSAGE),
        ),
      ),
      metricNamespace: this.metricNamespace,
      metricName: METRIC_NAMES.jwksUnavailable,
      metricValue: "1",
      unit: Unit.COUNT,
    });
  }

  // Every alarm treats missing data as not breaching: the log metrics and Lambda's Errors and
  // Throttles only have data points when something happened, and a period without invocations has
  // no Duration, so absence means healthy (or idle), never a reason to page.
  // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html

  private jwksAlarm(options: CountAlarmOptions | undefined): Alarm | undefined {
    return this.countAlarm(
      "JwksUnavailableAlarm",
      this.metricJwksUnavailable(),
      options,
      "The authorizer could not fetch the user pool's signing keys (JWKS): it answers 401 to every " +
        "token until it can, and keeps retrying. Check that the function reaches " +
        "cognito-idp.<region>.amazonaws.com (VPC egress, DNS) and Cognito's health; the lines with " +
        'reason "jwks_unavailable" in its log group carry the error.',
    );
  }

  private internalAlarm(options: CountAlarmOptions | undefined): Alarm | undefined {
    return this.countAlarm(
      "InternalErrorAlarm",
      this.metricRefusals("unauthorized", INTERNAL_ERROR),
      options,
      "The authorizer hit an unexpected exception and answered 401 (reason internal_error): a bug, " +
        'not a bad token. The decision lines with reason "internal_error" in its log group name the ' +
        "exception.",
    );
  }

  private errorsAlarm(options: CountAlarmOptions | undefined): Alarm | undefined {
    return this.countAlarm(
      "FunctionErrorsAlarm",
      this.fn.metricErrors({ statistic: Stats.SUM, period: this.period }),
      options,
      "The authorizer function failed invocations, and API Gateway answered 500 to them. The handler " +
        "answers every rejection with 401, so an error means the function did not start (a bad " +
        "configuration fails the cold start with the variable's name in the log), ran out of memory " +
        "or timed out.",
    );
  }

  private throttleAlarm(options: CountAlarmOptions | undefined): Alarm | undefined {
    return this.countAlarm(
      "ThrottlesAlarm",
      this.fn.metricThrottles({ statistic: Stats.SUM, period: this.period }),
      options,
      "Lambda throttled the authorizer: API Gateway could not authorize those requests. Check the " +
        "account's concurrency and the function's reserved concurrency, and whether a longer results " +
        "cache TTL would absorb the load.",
    );
  }

  private p99Alarm(options: DurationAlarmOptions | undefined): Alarm | undefined {
    if (options?.enabled === false) return undefined;
    const threshold = options?.threshold ?? DEFAULT_P99_DURATION_THRESHOLD;
    const timeout = this.fn instanceof LambdaFunction ? this.fn.timeout : undefined;
    const thresholdMs = threshold.toMilliseconds();
    if (!(thresholdMs > 0) || (timeout !== undefined && thresholdMs >= timeout.toMilliseconds())) {
      throw new Error(
        `durationAlarm.threshold must be above 0 and below the function's timeout` +
          `${timeout !== undefined ? ` (${timeout.toHumanString()})` : ""}: an invocation that reaches ` +
          `the timeout is already an error. Got ${threshold.toHumanString()}.`,
      );
    }
    const { evaluationPeriods, datapointsToAlarm } = validPeriods("durationAlarm", options ?? {}, 3, 2);
    return new Alarm(this, "DurationAlarm", {
      metric: this.metricDurationP99(),
      threshold: thresholdMs,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods,
      datapointsToAlarm,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        `The authorizer's p99 Duration was above ${threshold.toHumanString()} in ${datapointsToAlarm} ` +
        `of ${evaluationPeriods} periods of ${this.period.toHumanString()}: requests wait on the JWKS ` +
        "endpoint (refetches are bounded at 1.5 s) or the function lacks CPU (memory size).",
    });
  }

  private countAlarm(
    id: string,
    metric: IMetric,
    options: CountAlarmOptions | undefined,
    description: string,
  ): Alarm | undefined {
    if (options?.enabled === false) return undefined;
    const threshold = options?.threshold ?? 1;
    if (!Number.isFinite(threshold) || threshold <= 0) {
      throw new Error(`${lowerFirst(id)}.threshold must be a count above 0; got ${threshold}.`);
    }
    const { evaluationPeriods, datapointsToAlarm } = validPeriods(lowerFirst(id), options ?? {}, 1);
    return new Alarm(this, id, {
      metric,
      threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods,
      datapointsToAlarm,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        `At least ${threshold} in ${datapointsToAlarm} of ${evaluationPeriods} periods of ` +
        `${this.period.toHumanString()}. ${description}`,
    });
  }

  private metricDurationP99(): Metric {
    return this.fn.metricDuration({ statistic: Stats.p(99), period: this.period });
  }

  private checkLogLevel(level: AuthorizerLogLevel): void {
    if (level === AuthorizerLogLevel.ERROR) {
      throw new Error(
        'logLevel "ERROR" writes no decision line, so the monitoring\'s metrics and its JWKS and ' +
          'internal_error alarms would never see anything: use "INFO" (the default) or "WARN", or ' +
          "turn monitoring off with `monitoring: false`.",
      );
    }
    if (level === AuthorizerLogLevel.WARN) {
      Annotations.of(this).addWarningV2(
        "cognito-jwt-authorizer:monitoring-log-level",
        'logLevel "WARN" does not write deny lines (INFO), so Refusals with Outcome "deny" stay ' +
          "empty; the 401 metrics and every alarm still work.",
      );
    }
  }

  private createDashboard(api: IRestApi | undefined, httpApi: IHttpApi | undefined): Dashboard {
    const seconds = this.period.toSeconds();
    const schema = `{"${this.metricNamespace}",${REFUSAL_DIMENSIONS.outcome},${REFUSAL_DIMENSIONS.reason}}`;
    // SEARCH finds every Outcome/Reason combination that has data (each is its own metric); the
    // dashboard is the only place that needs them all, alarms watch single metrics.
    const search = (outcome: RefusalOutcome) =>
      `SEARCH('${schema} MetricName="${METRIC_NAMES.refusals}" ${REFUSAL_DIMENSIONS.outcome}="${outcome}"', 'Sum', ${seconds})`;
    // A dynamic label names each series found by its Reason.
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/graph-dynamic-labels.html
    const byReason = `\${PROP('Dim.${REFUSAL_DIMENSIONS.reason}')}`;
    const fn = this.fn;
    const dashboard = new Dashboard(this, "Dashboard");
    dashboard.addWidgets(
      new TextWidget({
        markdown:
          "**Cognito JWT authorizer.** Refusals (403 deny, 401 unauthorized) come from metric filters " +
          `on the function's decision lines, namespace \`${this.metricNamespace}\`. Allowed requests ` +
          "are not counted from the function's log (allow lines are written at DEBUG, below the " +
          "default level): see API Gateway's request count below, and its access log for each " +
          "request's authorizer status.",
        width: 24,
        height: 2,
      }),
    );
    if (this.alarms.length > 0) {
      dashboard.addWidgets(new AlarmStatusWidget({ title: "Alarms", alarms: [...this.alarms], width: 24 }));
    }
    dashboard.addWidgets(
      new GraphWidget({
        title: "Refusals by outcome",
        left: REFUSAL_OUTCOMES.map(
          (outcome) =>
            new MathExpression({
              expression: `SUM(${search(outcome)})`,
              label: outcome === "deny" ? "deny (403)" : "unauthorized (401)",
              period: this.period,
            }),
        ),
        width: 8,
      }),
      new GraphWidget({
        title: "Unauthorized (401) by reason",
        left: [
          new SearchExpression({ expression: search("unauthorized"), label: byReason, period: this.period }),
        ],
        stacked: true,
        width: 8,
      }),
      new GraphWidget({
        title: "Denied (403) by reason",
        left: [new SearchExpression({ expression: search("deny"), label: byReason, period: this.period })],
        stacked: true,
        width: 8,
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: "Needs action: JWKS unavailable, internal errors",
        left: [
          this.metricJwksUnavailable({ label: "jwks_unavailable" }),
          this.metricRefusals("unauthorized", INTERNAL_ERROR, { label: "internal_error" }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: "Lambda invocations, errors, throttles",
        left: [
          fn.metricInvocations({ statistic: Stats.SUM, period: this.period, label: "Invocations" }),
          fn.metricErrors({ statistic: Stats.SUM, period: this.period, label: "Errors" }),
          fn.metricThrottles({ statistic: Stats.SUM, period: this.period, label: "Throttles" }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: "Lambda duration",
        left: [
          fn.metricDuration({ statistic: Stats.p(50), period: this.period, label: "p50" }),
          this.metricDurationP99().with({ label: "p99" }),
        ],
        leftAnnotations: this.durationAlarm !== undefined ? [this.durationAlarm.toAnnotation()] : undefined,
        width: 8,
      }),
    );
    if (api !== undefined) dashboard.addWidgets(...this.apiWidgets(api));
    if (httpApi !== undefined) dashboard.addWidgets(...this.httpApiWidgets(httpApi));
    return dashboard;
  }

  private httpApiWidgets(httpApi: IHttpApi): GraphWidget[] {
    // HTTP APIs publish 4xx, 5xx, Count, Latency and IntegrationLatency in AWS/ApiGateway under the
    // ApiId dimension (and ApiId, Stage per stage), other names than a REST API's.
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-metrics.html
    // The $default stage's metrics when the API has one (HttpApi's createDefaultStage), else API-wide.
    const source = httpApi.defaultStage ?? httpApi;
    const options = (statistic: string, label: string): MetricOptions => ({
      statistic,
      period: this.period,
      label,
    });
    return [
      new GraphWidget({
        title: "API Gateway requests",
        left: [
          source.metricCount(options(Stats.SUM, "requests")),
          source.metricClientError(options(Stats.SUM, "4xx (401 and 403 included)")),
          source.metricServerError(options(Stats.SUM, "5xx")),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: "API Gateway latency",
        left: [
          source.metricLatency(options(Stats.p(50), "p50")),
          source.metricLatency(options(Stats.p(99), "p99")),
          source.metricIntegrationLatency(options(Stats.p(99), "integration p99")),
        ],
        width: 12,
      }),
    ];
  }

  private apiWidgets(api: IRestApi): GraphWidget[] {
    const stage = deploymentStageOf(api);
    // Stage-level metrics when the API has its stage (ApiName and Stage dimensions), else API-wide.
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html
    const metric = (metricName: string, statistic: string, label: string): Metric =>
      stage !== undefined
        ? stage.metric(metricName, { statistic, period: this.period, label })
        : new Metric({
            namespace: "AWS/ApiGateway",
            metricName,
            dimensionsMap: { ApiName: api.restApiName },
            statistic,
            period: this.period,
            label,
          });
    return [
      new GraphWidget({
        title: "API Gateway requests",
        left: [
          metric("Count", Stats.SAMPLE_COUNT, "requests"),
          metric("4XXError", Stats.SUM, "4XX (401 and 403 included)"),
          metric("5XXError", Stats.SUM, "5XX"),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: "API Gateway latency",
        left: [
          metric("Latency", Stats.p(50), "p50"),
          metric("Latency", Stats.p(99), "p99"),
          metric("IntegrationLatency", Stats.p(99), "integration p99"),
        ],
        width: 12,
      }),
    ];
  }
}

/** The API's deployment stage, or undefined when it has none (RestApi throws for `deploy: false`). */
function deploymentStageOf(api: IRestApi): Stage | undefined {
  try {
    return api.deploymentStage;
  } catch {
    return undefined;
  }
}

/** `CognitoJwtAuthorizer/<stack name>/<path in the stack>`: unique per deployed stack and construct. */
function defaultNamespace(scope: Construct): string {
  const stack = Stack.of(scope);
  const inStack = scope.node.path.slice(stack.node.path.length + 1);
  return `${METRIC_NAMESPACE_PREFIX}/${stack.stackName}/${inStack.replace(/[^0-9A-Za-z._\-/# ]/g, "-")}`;
}

// CloudWatch namespace characters, without the colon that metric filters refuse (`[^:*$]*`).
const NAMESPACE = /^[0-9A-Za-z._\-/# ]{1,255}$/;

function validNamespace(namespace: string): string {
  if (Token.isUnresolved(namespace)) return namespace;
  if (!NAMESPACE.test(namespace) || namespace.trim() === "" || namespace.startsWith("AWS/")) {
    throw new Error(
      `metricNamespace ${JSON.stringify(namespace)} is not a custom CloudWatch namespace: use 1 to 255 ` +
        "letters, digits, spaces and . - _ / #, not starting with AWS/ (for example " +
        `"${METRIC_NAMESPACE_PREFIX}/prod").`,
    );
  }
  return namespace;
}

function validPeriod(period: Duration): Duration {
  let seconds: number;
  try {
    seconds = period.toSeconds();
  } catch {
    seconds = Number.NaN;
  }
  if (!(seconds >= 60) || seconds % 60 !== 0 || seconds > 86400) {
    throw new Error(
      `period must be a whole number of minutes from 1 minute to 1 day (metric filters publish one ` +
        `data point per minute); got ${period.toHumanString()}.`,
    );
  }
  return period;
}

function validPeriods(
  name: string,
  options: { readonly evaluationPeriods?: number; readonly datapointsToAlarm?: number },
  defaultPeriods: number,
  defaultDatapoints?: number,
): { evaluationPeriods: number; datapointsToAlarm: number } {
  const evaluationPeriods = options.evaluationPeriods ?? defaultPeriods;
  if (!Number.isInteger(evaluationPeriods) || evaluationPeriods < 1) {
    throw new Error(`${name}.evaluationPeriods must be a whole number from 1; got ${evaluationPeriods}.`);
  }
  const datapointsToAlarm =
    options.datapointsToAlarm ?? Math.min(defaultDatapoints ?? evaluationPeriods, evaluationPeriods);
  if (
    !Number.isInteger(datapointsToAlarm) ||
    datapointsToAlarm < 1 ||
    datapointsToAlarm > evaluationPeriods
  ) {
    throw new Error(
      `${name}.datapointsToAlarm must be a whole number from 1 to evaluationPeriods (${evaluationPeriods}); ` +
        `got ${datapointsToAlarm}.`,
    );
  }
  return { evaluationPeriods, datapointsToAlarm };
}

function lowerFirst(id: string): string {
  return id.charAt(0).toLowerCase() + id.slice(1);
}
