// The local stack's readers of AWS::ApiGatewayV2::* (infra/local/cloud-assembly/read-http-*.ts):
// what they read from a template aws-cdk-lib synthesized (the e2e fixture), and what they refuse
// with a message instead of serving it differently.

import { readFileSync } from "node:fs";
import path from "node:path";
import { readStackTemplate } from "../../infra/local/cloud-assembly/template";
import { type CfnTemplate, TemplateError } from "../../infra/local/cloud-assembly/stack-definition";

const FIXTURE = path.join(__dirname, "..", "e2e", "fixtures", "http-api-assembly");
const REST_ONLY = path.join(__dirname, "..", "e2e", "fixtures", "assembly");
const load = (dir: string, file: string): CfnTemplate =>
  JSON.parse(readFileSync(path.join(dir, file), "utf8")) as CfnTemplate;
const fixture = (): CfnTemplate => load(FIXTURE, "HttpFixtureStack.template.json");
const read = (template: CfnTemplate) =>
  readStackTemplate(template, { stackName: "S", templatePath: "S.template.json", cdkOutDir: FIXTURE });

type Mutable = Record<string, { Type: string; Properties: Record<string, unknown> }>;
/** The fixture with the first resource of `type` changed by `edit`. */
function edited(type: string, edit: (properties: Record<string, unknown>) => void, which = 0): CfnTemplate {
  const template = fixture();
  const resources = template.Resources as unknown as Mutable;
  const found = Object.values(resources).filter((r) => r.Type === type)[which];
  if (found === undefined) throw new Error(`the fixture has no ${type}`);
  edit(found.Properties);
  return template;
}

describe("HTTP API readers", () => {
  it("read the routes, their integrations and authorizers from a synthesized HttpApi", () => {
    // Act
    const { httpApi, functions } = read(fixture());
    // Assert
    expect(httpApi?.stageName).toBe("$default");
    expect(httpApi?.routes.map((r) => r.routeKey).sort()).toEqual(
      [
        "$default",
        "ANY /admin/{proxy+}",
        "GET /files/{proxy+}",
        "GET /health",
        "GET /iam/{proxy+}",
        "GET /iam2/{proxy+}",
        "GET /items",
        "GET /items/special",
        "GET /items/{id}",
        "GET /shapes/{shape}",
        "POST /items",
      ].sort(),
    );
    const authorizers = [...(httpApi?.authorizers.values() ?? [])];
    const simple = authorizers.find((a) => a.simpleResponses);
    const iam = authorizers.find((a) => !a.simpleResponses && a.payloadFormatVersion === "1.0");
    expect(simple?.payloadFormatVersion).toBe("2.0");
    expect(simple?.ttlSeconds).toBe(300);
    expect(simple?.identitySources.map((s) => s.expression)).toEqual([
      "$request.header.Authorization",
      "$context.routeKey",
    ]);
    expect(iam?.ttlSeconds).toBe(2);
    const health = httpApi?.routes.find((r) => r.routeKey === "GET /health");
    expect(health?.authorizerLogicalId).toBeUndefined();
    // Every function either API invokes runs locally: both authorizers and the backend.
    for (const a of authorizers) expect(functions.has(a.functionLogicalId)).toBe(true);
    expect(functions.has(health?.functionLogicalId as string)).toBe(true);
  });

  it("leave a template without an HTTP API as it was (httpApi undefined)", () => {
    const definition = read(load(REST_ONLY, "FixtureStack.template.json"));
    expect(definition.httpApi).toBeUndefined();
    expect(definition.methods.length).toBeGreaterThan(0);
  });

  it.each([
    [
      "a WebSocket API",
      "AWS::ApiGatewayV2::Api",
      (p: Record<string, unknown>) => (p["ProtocolType"] = "WEBSOCKET"),
      /WebSocket APIs are not supported/,
    ],
    [
      "a JWT authorizer",
      "AWS::ApiGatewayV2::Authorizer",
      (p: Record<string, unknown>) => (p["AuthorizerType"] = "JWT"),
      /JWT authorizers are not emulated/,
    ],
    [
      "simple responses with payload format 1.0",
      "AWS::ApiGatewayV2::Authorizer",
      (p: Record<string, unknown>) => (p["AuthorizerPayloadFormatVersion"] = "1.0"),
      /EnableSimpleResponses needs AuthorizerPayloadFormatVersion 2.0/,
    ],
    [
      "an unknown payload format",
      "AWS::ApiGatewayV2::Authorizer",
      (p: Record<string, unknown>) => (p["AuthorizerPayloadFormatVersion"] = "3.0"),
      /AuthorizerPayloadFormatVersion 3.0 is not served locally/,
    ],
    [
      "caching without an identity source",
      "AWS::ApiGatewayV2::Authorizer",
      (p: Record<string, unknown>) => delete p["IdentitySource"],
      /caching on \(TTL 300 s\) needs an IdentitySource/,
    ],
    [
      "an identity source that is no selection expression",
      "AWS::ApiGatewayV2::Authorizer",
      (p: Record<string, unknown>) => (p["IdentitySource"] = ["Authorization"]),
      /identity source Authorization is not an HTTP API selection expression/,
    ],
    [
      "an HTTP proxy integration",
      "AWS::ApiGatewayV2::Integration",
      (p: Record<string, unknown>) => (p["IntegrationType"] = "HTTP_PROXY"),
      /IntegrationType HTTP_PROXY is not served locally/,
    ],
    [
      "a payload 1.0 backend",
      "AWS::ApiGatewayV2::Integration",
      (p: Record<string, unknown>) => (p["PayloadFormatVersion"] = "1.0"),
      /PayloadFormatVersion 1.0 is not served locally/,
    ],
    [
      "IAM authorization on a route",
      "AWS::ApiGatewayV2::Route",
      (p: Record<string, unknown>) => (p["AuthorizationType"] = "AWS_IAM"),
      /AuthorizationType AWS_IAM is not served locally/,
    ],
    [
      "a route key the route syntax refuses",
      "AWS::ApiGatewayV2::Route",
      (p: Record<string, unknown>) => (p["RouteKey"] = "GET items"),
      /cannot route it/,
    ],
    [
      "a named stage",
      "AWS::ApiGatewayV2::Stage",
      (p: Record<string, unknown>) => (p["StageName"] = "prod"),
      /serves the \$default stage.*this API has prod/,
    ],
  ])("refuse %s with a message that names it", (_case, type, edit, message) => {
    expect(() => read(edited(type, edit))).toThrow(TemplateError);
    expect(() => read(edited(type, edit))).toThrow(message);
  });

  it("refuse a named stage next to the $default stage (its URLs have a prefix the local API does not serve)", () => {
    // Protects: a request to /prod/items would otherwise be routed as the $default stage's /prod/items.
    const template = fixture();
    const resources = template.Resources as unknown as Mutable;
    const stage = Object.values(resources).find((r) => r.Type === "AWS::ApiGatewayV2::Stage")!;
    resources["ProdStage"] = { Type: stage.Type, Properties: { ...stage.Properties, StageName: "prod" } };
    expect(() => read(template)).toThrow(TemplateError);
    expect(() => read(template)).toThrow(/ProdStage: the local HTTP API serves the \$default stage only/);
  });

  it("refuse a second HTTP API in the stack", () => {
    const template = fixture();
    const resources = template.Resources as unknown as Mutable;
    resources["Another"] = { Type: "AWS::ApiGatewayV2::Api", Properties: { ProtocolType: "HTTP" } };
    expect(() => read(template)).toThrow(/serves one HTTP API per stack/);
  });
});
