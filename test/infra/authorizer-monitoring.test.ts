// The monitoring an operator gets from CognitoJwtAuthorizer (infra/constructs/authorizer-monitoring.ts):
// the metric filters, their namespace, names and dimensions; the alarms and their thresholds; the
// dashboard; the props that tune or remove them; and, against real decision lines written by the
// real authorizer through Powertools Logger, that each filter pattern selects exactly the lines it
// is meant to and that each alarm watches the metric those lines land in.

import { Logger } from "@aws-lambda-powertools/logger";
import { Duration, Stack } from "aws-cdk-lib";
import { MockIntegration, RestApi } from "aws-cdk-lib/aws-apigateway";
import { HttpApi } from "aws-cdk-lib/aws-apigatewayv2";
import { Code, Function as LambdaFunction, Runtime } from "aws-cdk-lib/aws-lambda";
import { LogGroup } from "aws-cdk-lib/aws-logs";
import { Annotations, Match, Template } from "aws-cdk-lib/assertions";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import { UserPool, UserPoolClient } from "aws-cdk-lib/aws-cognito";
import { Topic } from "aws-cdk-lib/aws-sns";
import { createAuthorizer } from "../../lambda/authorizer/authorizer";
import { loadConfig } from "../../lambda/authorizer/config";
import { REASONS } from "../../lambda/authorizer/errors";
import {
  AuthorizerMonitoring,
  DEFAULT_P99_DURATION_THRESHOLD,
  METRIC_NAMES,
} from "../../infra/constructs/authorizer-monitoring";
import { AuthorizerLogLevel } from "../../infra/constructs/authorizer-options";
import {
  CognitoJwtAuthorizer,
  type CognitoJwtAuthorizerProps,
} from "../../infra/constructs/cognito-jwt-authorizer";
import { Harness, LogCapture, tokenEvent } from "../helpers/harness";
import { compileJsonFilterPattern } from "../helpers/metric-filter-pattern";
import {
  accessClaims,
  generateTestKey,
  nowSeconds,
  signToken,
  TEST_CLIENT_ID,
  TEST_USER_POOL_ID,
} from "../../tools/issuer";
import { testApp } from "../helpers/cdk-app";

type Props = Partial<CognitoJwtAuthorizerProps>;

/** A stack with an API and the authorizer built with `props` (or with what `props(stack)` returns). */
function fixture(props: Props | ((stack: Stack) => Props) = {}) {
  const app = testApp();
  const stack = new Stack(app, "Test");
  const api = new RestApi(stack, "Api");
  const authorizer = new CognitoJwtAuthorizer(stack, "Authorizer", {
    api,
    userPool: UserPool.fromUserPoolId(stack, "Pool", "us-east-1_AbC123"),
    userPoolClients: [UserPoolClient.fromUserPoolClientId(stack, "Web", "webclient1")],
    routes: [{ method: "GET", path: "/me", integration: new MockIntegration(), rule: {} }],
    ...(typeof props === "function" ? props(stack) : props),
  });
  return { stack, api, authorizer };
}

/**
 * The dashboard body as JSON, with each CloudFormation reference in it replaced by a readable
 * placeholder (`Ref:<id>`, `GetAtt:<id>.<attribute>`).
 */
function dashboardBody(template: Template): { widgets: { type: string; properties: Properties }[] } {
  const [[, dashboard]] = resourcesOf(template, "AWS::CloudWatch::Dashboard") as [[string, Resource]];
  const parts: Properties[] = dashboard.Properties.DashboardBody["Fn::Join"][1];
  const text = parts
    .map((part) => {
      if (typeof part === "string") return part;
      if (part.Ref !== undefined) return `Ref:${part.Ref}`;
      if (part["Fn::GetAtt"] !== undefined) return `GetAtt:${part["Fn::GetAtt"].join(".")}`;
      throw new Error(`unexpected part ${JSON.stringify(part)}`);
    })
    .join("");
  return JSON.parse(text);
}

const NAMESPACE = "CognitoJwtAuthorizer/Test/Authorizer/Monitoring";

/** A template resource, as `Template.findResources` types it (its properties are untyped JSON). */
type Resource = ReturnType<Template["findResources"]>[string];
type Properties = Resource["Properties"];

function resourcesOf(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.findResources(type));
}

function alarmsByMetric(template: Template): Map<string, Properties> {
  const byMetric = new Map<string, Properties>();
  for (const [, alarm] of resourcesOf(template, "AWS::CloudWatch::Alarm")) {
    const p = alarm.Properties;
    const dims = (p.Dimensions ?? []).map((d: { Name: string; Value: unknown }) =>
      typeof d.Value === "string" ? `${d.Name}=${d.Value}` : d.Name,
    );
    byMetric.set([p.Namespace, p.MetricName, ...dims].join(" "), p);
  }
  return byMetric;
}

describe("defaults", () => {
  const { stack } = fixture();
  const template = Template.fromStack(stack);
  const logGroupId = Object.keys(template.findResources("AWS::Logs::LogGroup"))[0];

  test("refusals are counted per outcome and reason from the function's own log group", () => {
    // Protects: the metric an operator graphs and alarms on: its namespace, name and dimensions, fed
    // by the authorizer's log group (not some other group), one per line.
    template.hasResourceProperties("AWS::Logs::MetricFilter", {
      LogGroupName: { Ref: logGroupId },
      FilterPattern:
        '{ ($.message = "authorizer decision") && (($.outcome = "deny") || ($.outcome = "unauthorized")) }',
      MetricTransformations: [
        {
          MetricNamespace: NAMESPACE,
          MetricName: "Refusals",
          MetricValue: "1",
          Unit: "Count",
          Dimensions: [
            { Key: "Outcome", Value: "$.outcome" },
            { Key: "Reason", Value: "$.reason" },
          ],
          DefaultValue: Match.absent(),
        },
      ],
    });
  });

  test("JWKS failures have their own metric, which a failed cold start also feeds", () => {
    // Protects: the JWKS alarm fires even when the keys are missing before any request arrives.
    template.hasResourceProperties("AWS::Logs::MetricFilter", {
      LogGroupName: { Ref: logGroupId },
      FilterPattern:
        '{ ($.reason = "jwks_unavailable") && (($.message = "authorizer decision") || ($.message = "JWKS not available at cold start")) }',
      MetricTransformations: [
        { MetricNamespace: NAMESPACE, MetricName: "JwksUnavailable", MetricValue: "1", Unit: "Count" },
      ],
    });
    template.resourceCountIs("AWS::Logs::MetricFilter", 2);
  });

  const functionDims = (metric: string) => `AWS/Lambda ${metric} FunctionName`;
  test.each([
    // [metric key, statistic, threshold, operator, evaluation periods, datapoints to alarm]
    [`${NAMESPACE} JwksUnavailable`, { Statistic: "Sum" }, 1, "GreaterThanOrEqualToThreshold", 1, 1],
    [
      `${NAMESPACE} Refusals Outcome=unauthorized Reason=internal_error`,
      { Statistic: "Sum" },
      1,
      "GreaterThanOrEqualToThreshold",
      1,
      1,
    ],
    [functionDims("Errors"), { Statistic: "Sum" }, 1, "GreaterThanOrEqualToThreshold", 1, 1],
    [functionDims("Throttles"), { Statistic: "Sum" }, 1, "GreaterThanOrEqualToThreshold", 1, 1],
    [functionDims("Duration"), { ExtendedStatistic: "p99" }, 1000, "GreaterThanThreshold", 3, 2],
  ])("alarm on %s", (key, statistic, threshold, operator, evaluationPeriods, datapointsToAlarm) => {
    // Protects: what pages an operator by default: any JWKS failure, internal error, function error
    // or throttle in 5 minutes; p99 above 1 s in 2 of 3 periods. Absence of data is healthy.
    const alarm = alarmsByMetric(template).get(key);
    expect(alarm).toMatchObject({
      ...statistic,
      Threshold: threshold,
      ComparisonOperator: operator,
      EvaluationPeriods: evaluationPeriods,
      DatapointsToAlarm: datapointsToAlarm,
      Period: 300,
      TreatMissingData: "notBreaching",
    });
    expect(alarm?.AlarmName).toBeUndefined(); // generated, not physical
    expect(alarm?.AlarmActions).toBeUndefined(); // no action unless one is given
  });

  test("exactly those five alarms, on this function", () => {
    // Protects: no stray alarm, and the Lambda alarms watch the authorizer, not another function.
    template.resourceCountIs("AWS::CloudWatch::Alarm", 5);
    const fnId = Object.keys(template.findResources("AWS::Lambda::Function"))[0];
    for (const [, alarm] of resourcesOf(template, "AWS::CloudWatch::Alarm")) {
      if (alarm.Properties.Namespace !== "AWS/Lambda") continue;
      expect(alarm.Properties.Dimensions).toEqual([{ Name: "FunctionName", Value: { Ref: fnId } }]);
    }
  });

  test("the p99 threshold is well below the function's timeout", () => {
    // Protects: the duration alarm warns before invocations start timing out (10 s).
    expect(DEFAULT_P99_DURATION_THRESHOLD.toMilliseconds()).toBe(1000);
    template.hasResourceProperties("AWS::Lambda::Function", { Timeout: 10 });
  });

  test("a dashboard with a generated name shows the alarms, refusals, Lambda and API Gateway", () => {
    // Protects: the operator's one page: every alarm, refusals by outcome and by reason (SEARCH over
    // the dimensions), Lambda invocations/errors/throttles/duration p50/p99, the API's requests,
    // 4XX/5XX and latency for its stage.
    const [[, dashboard]] = resourcesOf(template, "AWS::CloudWatch::Dashboard") as [[string, Resource]];
    expect(dashboard.Properties.DashboardName).toBeUndefined();
    const { widgets } = dashboardBody(template);
    const alarmIds = resourcesOf(template, "AWS::CloudWatch::Alarm").map(([id]) => `GetAtt:${id}.Arn`);
    expect(widgets.find((w) => w.type === "alarm")?.properties.alarms).toEqual(alarmIds);

    const graphs = new Map(
      widgets.filter((w) => w.type === "metric").map((w) => [w.properties.title, w.properties]),
    );
    const search = (outcome: string) =>
      `SEARCH('{"${NAMESPACE}",Outcome,Reason} MetricName="Refusals" Outcome="${outcome}"', 'Sum', 300)`;
    expect(graphs.get("Refusals by outcome")?.metrics).toEqual([
      [{ label: "deny (403)", expression: `SUM(${search("deny")})` }],
      [{ label: "unauthorized (401)", expression: `SUM(${search("unauthorized")})` }],
    ]);
    expect(graphs.get("Unauthorized (401) by reason")?.metrics).toEqual([
      [{ label: "${PROP('Dim.Reason')}", expression: search("unauthorized") }],
    ]);
    expect(graphs.get("Denied (403) by reason")?.metrics).toEqual([
      [{ label: "${PROP('Dim.Reason')}", expression: search("deny") }],
    ]);

    const fnRef = `Ref:${Object.keys(template.findResources("AWS::Lambda::Function"))[0]}`;
    const lambda = (metric: string, stat: string) => [
      "AWS/Lambda",
      metric,
      "FunctionName",
      fnRef,
      expect.objectContaining({ stat }),
    ];
    expect(graphs.get("Lambda invocations, errors, throttles")?.metrics).toEqual([
      lambda("Invocations", "Sum"),
      lambda("Errors", "Sum"),
      lambda("Throttles", "Sum"),
    ]);
    expect(graphs.get("Lambda duration")?.metrics).toEqual([
      lambda("Duration", "p50"),
      lambda("Duration", "p99"),
    ]);

    const stageRef = `Ref:${Object.keys(template.findResources("AWS::ApiGateway::Stage"))[0]}`;
    const apiMetric = (metric: string, stat: string) => [
      "AWS/ApiGateway",
      metric,
      "ApiName",
      "Api",
      "Stage",
      stageRef,
      expect.objectContaining({ stat }),
    ];
    expect(graphs.get("API Gateway requests")?.metrics).toEqual([
      apiMetric("Count", "SampleCount"),
      apiMetric("4XXError", "Sum"),
      apiMetric("5XXError", "Sum"),
    ]);
    expect(graphs.get("API Gateway latency")?.metrics).toEqual([
      apiMetric("Latency", "p50"),
      apiMetric("Latency", "p99"),
      apiMetric("IntegrationLatency", "p99"),
    ]);
  });
});

describe("tuning and turning off", () => {
  test("monitoring: false creates no metric filter, alarm or dashboard", () => {
    // Protects: opting out really removes every monitoring resource (and its cost).
    const { stack, authorizer } = fixture({ monitoring: false });
    const template = Template.fromStack(stack);
    template.resourceCountIs("AWS::Logs::MetricFilter", 0);
    template.resourceCountIs("AWS::CloudWatch::Alarm", 0);
    template.resourceCountIs("AWS::CloudWatch::Dashboard", 0);
    expect(authorizer.monitoring).toBeUndefined();
  });

  test("an SNS topic given as alarm action is wired to every alarm, and ok actions likewise", () => {
    // Protects: routing alarms to an on-call topic, the documented way (README, "Operate it").
    const { stack } = fixture((scope) => ({
      monitoringOptions: {
        alarmActions: [new SnsAction(new Topic(scope, "OnCall"))],
        okActions: [new SnsAction(new Topic(scope, "Recovered"))],
      },
    }));
    const template = Template.fromStack(stack);
    const [topicId, okId] = Object.keys(template.findResources("AWS::SNS::Topic"));
    const alarms = resourcesOf(template, "AWS::CloudWatch::Alarm");
    expect(alarms).toHaveLength(5);
    for (const [, alarm] of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: okId }]);
    }
  });

  test("addAlarmAction routes every alarm after construction", () => {
    // Protects: users who create their topic later (or elsewhere) can still wire it to all alarms.
    const { stack, authorizer } = fixture();
    const topic = new Topic(stack, "OnCall");
    authorizer.monitoring?.addAlarmAction(new SnsAction(topic));
    const template = Template.fromStack(stack);
    const topicId = Object.keys(template.findResources("AWS::SNS::Topic"))[0];
    for (const [, alarm] of resourcesOf(template, "AWS::CloudWatch::Alarm")) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    }
    expect(authorizer.monitoring?.alarms).toHaveLength(5);
  });

  test.each([
    ["jwksUnavailableAlarm", "JwksUnavailable"],
    ["internalErrorAlarm", "Refusals"],
    ["functionErrorsAlarm", "Errors"],
    ["throttlesAlarm", "Throttles"],
    ["durationAlarm", "Duration"],
  ] as const)("%s: { enabled: false } removes that alarm only", (prop, metricName) => {
    // Protects: each alarm can be dropped on its own; the others and the dashboard stay.
    const { stack, authorizer } = fixture({ monitoringOptions: { [prop]: { enabled: false } } });
    const template = Template.fromStack(stack);
    const names = resourcesOf(template, "AWS::CloudWatch::Alarm").map(([, a]) => a.Properties.MetricName);
    expect(names).toHaveLength(4);
    expect(names).not.toContain(metricName);
    expect(authorizer.monitoring?.[prop]).toBeUndefined();
    template.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
  });

  test("thresholds, evaluation periods and the period follow the props", () => {
    // Protects: a user's tuning reaches CloudWatch as given.
    const { stack } = fixture({
      monitoringOptions: {
        period: Duration.minutes(1),
        throttlesAlarm: { threshold: 5, evaluationPeriods: 3, datapointsToAlarm: 2 },
        durationAlarm: { threshold: Duration.millis(2500), evaluationPeriods: 5, datapointsToAlarm: 5 },
      },
    });
    const alarms = alarmsByMetric(Template.fromStack(stack));
    expect(alarms.get("AWS/Lambda Throttles FunctionName")).toMatchObject({
      Threshold: 5,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Period: 60,
    });
    expect(alarms.get("AWS/Lambda Duration FunctionName")).toMatchObject({
      Threshold: 2500,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 5,
      Period: 60,
    });
    expect(alarms.get(`${NAMESPACE} JwksUnavailable`)).toMatchObject({ Threshold: 1, Period: 60 });
  });

  test("a custom namespace is used by the filters, the alarms and the dashboard alike", () => {
    // Protects: a renamed namespace cannot leave an alarm watching a metric nothing publishes.
    const { stack } = fixture({ monitoringOptions: { metricNamespace: "Auth/prod" } });
    const template = Template.fromStack(stack);
    for (const [, filter] of resourcesOf(template, "AWS::Logs::MetricFilter")) {
      expect(filter.Properties.MetricTransformations[0].MetricNamespace).toBe("Auth/prod");
    }
    const custom = resourcesOf(template, "AWS::CloudWatch::Alarm").filter(
      ([, a]) => a.Properties.Namespace !== "AWS/Lambda",
    );
    expect(custom.map(([, a]) => a.Properties.Namespace)).toEqual(["Auth/prod", "Auth/prod"]);
    const expressions = dashboardBody(template)
      .widgets.flatMap((w) => w.properties.metrics ?? [])
      .flatMap((m: Properties[]) => m.filter((x) => typeof x === "object" && x.expression !== undefined))
      .map((x: { expression: string }) => x.expression);
    expect(expressions).toHaveLength(4);
    for (const expression of expressions) expect(expression).toContain('{"Auth/prod",Outcome,Reason}');
  });

  test("two authorizers in one stack publish to different namespaces by default", () => {
    // Protects: one authorizer's JWKS failures can never fire the other's alarm.
    const { stack, api } = fixture();
    new CognitoJwtAuthorizer(stack, "Second", {
      api,
      userPool: UserPool.fromUserPoolId(stack, "Pool2", "us-east-1_AbC123"),
      userPoolClients: [UserPoolClient.fromUserPoolClientId(stack, "Web2", "webclient1")],
      routes: [{ method: "GET", path: "/other", integration: new MockIntegration(), rule: {} }],
    });
    const namespaces = resourcesOf(Template.fromStack(stack), "AWS::Logs::MetricFilter").map(
      ([, f]) => f.Properties.MetricTransformations[0].MetricNamespace,
    );
    expect(new Set(namespaces)).toEqual(new Set([NAMESPACE, "CognitoJwtAuthorizer/Test/Second/Monitoring"]));
  });

  test("dashboard: false keeps the alarms", () => {
    // Protects: the dashboard is optional, paging is not tied to it.
    const { stack } = fixture({ monitoringOptions: { dashboard: false } });
    const template = Template.fromStack(stack);
    template.resourceCountIs("AWS::CloudWatch::Dashboard", 0);
    template.resourceCountIs("AWS::CloudWatch::Alarm", 5);
  });

  test('logLevel "WARN" warns that denials will not be counted', () => {
    // Protects: an operator learns at synth why the deny graph stays empty.
    const { stack } = fixture({ logLevel: AuthorizerLogLevel.WARN });
    Annotations.fromStack(stack).hasWarning(
      "/Test/Authorizer/Monitoring",
      Match.stringLikeRegexp('logLevel "WARN" does not write deny lines'),
    );
  });
});

describe("synth-time validation", () => {
  test.each([
    [
      "a p99 threshold at the timeout",
      { durationAlarm: { threshold: Duration.seconds(10) } },
      "durationAlarm.threshold must be above 0 and below the function's timeout (10 seconds): an invocation that reaches the timeout is already an error. Got 10 seconds.",
    ],
    [
      "a p99 threshold of 0",
      { durationAlarm: { threshold: Duration.millis(0) } },
      /durationAlarm\.threshold must be above 0/,
    ],
    [
      "more datapoints than periods",
      { throttlesAlarm: { evaluationPeriods: 2, datapointsToAlarm: 3 } },
      "throttlesAlarm.datapointsToAlarm must be a whole number from 1 to evaluationPeriods (2); got 3.",
    ],
    [
      "a count threshold of 0",
      { functionErrorsAlarm: { threshold: 0 } },
      "functionErrorsAlarm.threshold must be a count above 0; got 0.",
    ],
    [
      "no evaluation period",
      { jwksUnavailableAlarm: { evaluationPeriods: 0 } },
      /jwksUnavailableAlarm\.evaluationPeriods must be a whole number from 1/,
    ],
    [
      "a period that is not whole minutes",
      { period: Duration.seconds(90) },
      "period must be a whole number of minutes from 1 minute to 1 day (metric filters publish one data point per minute); got 1 minute 30 seconds.",
    ],
    [
      "an AWS namespace",
      { metricNamespace: "AWS/Lambda" },
      /metricNamespace "AWS\/Lambda" is not a custom CloudWatch namespace/,
    ],
    [
      "a colon in the namespace",
      { metricNamespace: "auth:prod" },
      /metricNamespace "auth:prod" is not a custom CloudWatch namespace: use 1 to 255/,
    ],
  ] as const)("%s is refused with what to change", (_case, monitoringOptions, message) => {
    // Protects: a setting CloudWatch would reject, or that would alarm uselessly, fails at synth.
    expect(() => fixture({ monitoringOptions })).toThrow(message);
  });

  test("a REST api and an httpApi together are refused: an authorizer guards one API", () => {
    // Protects: a dashboard that mixes two APIs' graphs under one authorizer's name.
    const stack = new Stack(testApp(), "Both");
    const fn = new LambdaFunction(stack, "Fn", {
      runtime: Runtime.NODEJS_22_X,
      handler: "index.handler",
      code: Code.fromInline("exports.handler = async () => {};"),
    });
    const api = new RestApi(stack, "Api");
    api.root.addMethod("GET", new MockIntegration());
    expect(
      () =>
        new AuthorizerMonitoring(stack, "Monitoring", {
          function: fn,
          logGroup: new LogGroup(stack, "Logs"),
          api,
          httpApi: new HttpApi(stack, "HttpApi"),
        }),
    ).toThrow("Give the monitoring `api` (a REST API) or `httpApi`, not both: an authorizer guards one API.");
  });

  test('logLevel "ERROR" with monitoring is refused: the alarms would be blind', () => {
    // Protects: no decision line is written at ERROR, so the JWKS and internal_error alarms could
    // never fire; the message says how to fix it.
    expect(() => fixture({ logLevel: AuthorizerLogLevel.ERROR })).toThrow(
      /logLevel "ERROR" writes no decision line.*use "INFO" \(the default\) or "WARN", or turn monitoring off with `monitoring: false`/,
    );
    expect(() => fixture({ logLevel: AuthorizerLogLevel.ERROR, monitoring: false })).not.toThrow();
  });
});

describe("patterns name only what the authorizer writes", () => {
  const template = Template.fromStack(fixture().stack);
  const filters = resourcesOf(template, "AWS::Logs::MetricFilter").map(([, f]) => f.Properties);
  const literals = (field: string) =>
    filters
      .flatMap((f) => [...String(f.FilterPattern).matchAll(new RegExp(`\\$\\.${field} = "([^"]*)"`, "g"))])
      .map((m) => m[1]);

  test("every reason a pattern or an alarm names is one of REASONS (lambda/authorizer/errors.ts)", () => {
    // Protects: a renamed or removed reason code breaks this test, not silently the alarm.
    const named = [
      ...literals("reason"),
      ...resourcesOf(template, "AWS::CloudWatch::Alarm").flatMap(([, a]) =>
        (a.Properties.Dimensions ?? [])
          .filter((d: { Name: string }) => d.Name === "Reason")
          .map((d: { Value: string }) => d.Value),
      ),
    ];
    expect(named.sort()).toEqual(["internal_error", "jwks_unavailable"]);
    for (const reason of named) expect(REASONS).toContain(reason);
  });

  test("the outcomes the patterns name are the refusals, never allow", () => {
    // Protects: allow lines are not relied on (they are written at DEBUG, off by default).
    expect(literals("outcome").sort()).toEqual(["deny", "unauthorized"]);
  });
});

describe("patterns against the lines the real authorizer writes", () => {
  // Lines produced by the authorizer's own code (lambda/authorizer/authorizer.ts) through a real
  // Powertools Logger, with real RS256 tokens and a loopback JWKS (test/helpers/harness.ts). The
  // logger runs at DEBUG so that allow lines are written whatever level they use, to prove that they
  // are not counted.
  const ROUTE_RULES = JSON.stringify([{ route: "GET /me" }, { route: "GET /items", groups: ["admins"] }]);
  interface Line {
    readonly case: string;
    readonly text: string;
    readonly json: Record<string, unknown>;
  }
  const lines: Line[] = [];
  let h: Harness;

  async function capture(label: string, run: () => Promise<unknown>): Promise<void> {
    const logs = new LogCapture();
    logs.start();
    try {
      await run().catch(() => undefined);
    } finally {
      logs.stop();
    }
    for (const text of logs.text.split("\n").filter((l) => l.trim() !== "")) {
      lines.push({ case: label, text, json: JSON.parse(text) });
    }
  }

  beforeAll(async () => {
    h = await Harness.start({ env: { ROUTE_RULES } });
    const config = loadConfig({
      USER_POOL_ID: TEST_USER_POOL_ID,
      CLIENT_ID: TEST_CLIENT_ID,
      JWKS_URI: h.server.url,
      ROUTE_RULES,
    });
    const logger = new Logger({ serviceName: "cognito-jwt-authorizer", logLevel: "DEBUG" });
    const handler = createAuthorizer({ verifier: h.verifier, logger, routeRules: config.routeRules });
    const bearer = (claims = accessClaims()) => `Bearer ${signToken(h.key, claims)}`;
    const impostor = generateTestKey(h.key.kid);

    await capture("allowed", () => handler(tokenEvent(bearer(), "GET", "/me")));
    await capture("forbidden_route", () => handler(tokenEvent(bearer(), "GET", "/items")));
    await capture("unknown_route", () => handler(tokenEvent(bearer(), "GET", "/nowhere")));
    await capture("missing_token", () => handler(tokenEvent(undefined)));
    await capture("malformed_token", () => handler(tokenEvent("Bearer abc.def.ghi")));
    await capture("expired", () =>
      handler(tokenEvent(bearer(accessClaims({ exp: nowSeconds() - 600, iat: nowSeconds() - 4000 })))),
    );
    await capture("bad_signature", () =>
      handler(tokenEvent(`Bearer ${signToken(impostor, accessClaims())}`, "GET", "/me")),
    );

    // The JWKS endpoint down: a fresh verifier that has no keys yet and cannot fetch them.
    const down = await Harness.start({ hydrate: false });
    await down.server.stop();
    const downHandler = createAuthorizer({ verifier: down.verifier, logger, routeRules: undefined });
    await capture("jwks_unavailable", () =>
      downHandler(tokenEvent(`Bearer ${signToken(down.key, accessClaims())}`)),
    );

    // An unexpected exception (the only way to internal_error is a bug): the verifier throws a TypeError.
    const buggy = createAuthorizer({
      verifier: { verify: () => Promise.reject(new TypeError("boom")) },
      logger,
      routeRules: undefined,
    });
    await capture("internal_error", () => buggy(tokenEvent(bearer())));
  });

  afterAll(async () => {
    await h.close();
  });

  const template = Template.fromStack(fixture().stack);
  const filterFor = (metricName: string) => {
    const found = resourcesOf(template, "AWS::Logs::MetricFilter").find(
      ([, f]) => f.Properties.MetricTransformations[0].MetricName === metricName,
    );
    if (found === undefined) throw new Error(`no filter for ${metricName}`);
    return found[1].Properties;
  };
  const dimensionsOf = (filter: Properties, line: Line): Record<string, unknown> =>
    Object.fromEntries(
      (filter.MetricTransformations[0].Dimensions ?? []).map((d: { Key: string; Value: string }) => [
        d.Key,
        line.json[d.Value.replace(/^\$\./, "")],
      ]),
    );

  test("each case wrote exactly one decision line, with the reason it names", () => {
    // Protects: the cases below are what they claim (a case that wrote nothing would prove nothing).
    const decisions = lines.filter((l) => l.json.message === "authorizer decision");
    expect(decisions.map((l) => [l.case, l.json.reason])).toEqual(
      [
        "allowed",
        "forbidden_route",
        "unknown_route",
        "missing_token",
        "malformed_token",
        "expired",
        "bad_signature",
        "jwks_unavailable",
        "internal_error",
      ].map((c) => [c, c]),
    );
  });

  test("Refusals selects every deny and unauthorized line and no allow line", () => {
    // Protects: the per-reason metric counts what it says, and successful requests add nothing.
    const refusals = filterFor(METRIC_NAMES.refusals);
    const matches = compileJsonFilterPattern(refusals.FilterPattern);
    const selected = lines.filter((l) => matches(l.text)).map((l) => l.case);
    expect(selected).toEqual([
      "forbidden_route",
      "unknown_route",
      "missing_token",
      "malformed_token",
      "expired",
      "bad_signature",
      "jwks_unavailable",
      "internal_error",
    ]);
  });

  test("each refusal lands in the metric of its own outcome and reason", () => {
    // Protects: the dimensions read the decision line's real field names.
    const refusals = filterFor(METRIC_NAMES.refusals);
    const matches = compileJsonFilterPattern(refusals.FilterPattern);
    for (const line of lines.filter((l) => matches(l.text))) {
      expect(dimensionsOf(refusals, line)).toEqual({
        Outcome: ["forbidden_route", "unknown_route"].includes(line.case) ? "deny" : "unauthorized",
        Reason: line.case,
      });
    }
  });

  test("the internal_error alarm watches the metric the internal_error line increments", () => {
    // Protects: alarm and filter agree on namespace, name and dimension values.
    const refusals = filterFor(METRIC_NAMES.refusals);
    const line = lines.find((l) => l.case === "internal_error" && l.json.message === "authorizer decision");
    const dims = dimensionsOf(refusals, line as Line);
    const alarm = alarmsByMetric(template).get(
      `${refusals.MetricTransformations[0].MetricNamespace} Refusals Outcome=${String(dims.Outcome)} Reason=${String(dims.Reason)}`,
    );
    expect(alarm).toBeDefined();
  });

  test("JwksUnavailable selects the jwks_unavailable line only", () => {
    // Protects: the JWKS alarm fires on the outage, not on bad tokens.
    const jwks = filterFor(METRIC_NAMES.jwksUnavailable);
    const matches = compileJsonFilterPattern(jwks.FilterPattern);
    expect(lines.filter((l) => matches(l.text)).map((l) => l.case)).toEqual(["jwks_unavailable"]);
    expect(
      alarmsByMetric(template).get(`${jwks.MetricTransformations[0].MetricNamespace} JwksUnavailable`),
    ).toBeDefined();
  });
});
