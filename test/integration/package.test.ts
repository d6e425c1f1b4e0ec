// The package as another team meets it: `npm pack`, then `npm install` of the tarball into a fresh CDK
// app written the way `cdk init app --language typescript` sets one up (tsc with NodeNext, then plain
// `node bin/<app>.js`), with only aws-cdk-lib, constructs and the tarball as dependencies. The app
// defines its own user pool and REST API, guards two of its methods, and `cdk synth` runs with no
// esbuild and no Docker reachable: the handler must come prebuilt from the package.
//
// Offline: aws-cdk-lib, constructs and @types/node are installed from this repository's
// node_modules (`file:` dependencies, which npm links), the tarball from the file `npm pack` wrote.

import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { bundleAuthorizer, REPO_ROOT } from "../../tools/bundle";

jest.setTimeout(300_000);

const PACKAGE = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
  name: string;
  version: string;
};

let work: string;
let tarball: string;
let app: string;
/** Parsed JSON: the template's and package.json's shapes are asserted on, not declared. */
type Json = ReturnType<typeof JSON.parse>;
let template: { Resources: Record<string, { Type: string; Properties: Json; Metadata?: Json }> };
let httpTemplate: typeof template;

function run(command: string, args: string[], options: SpawnSyncOptions): string {
  const result = spawnSync(command, args, { encoding: "utf8", timeout: 200_000, ...options });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} failed (${result.status}):\n${String(result.stdout)}\n${String(result.stderr)}`,
    );
  }
  return String(result.stdout);
}

/** The consumer app's files, as `cdk init app --language typescript` lays them out (bin/, lib/). */
const CONSUMER_FILES: Record<string, string> = {
  // cdk init's tsconfig (aws-cdk-cli packages/aws-cdk/lib/init-templates/app/typescript/tsconfig.json),
  // without the jest types it installs for its own tests.
  "tsconfig.json": JSON.stringify({
    compilerOptions: {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      lib: ["es2022"],
      declaration: true,
      strict: true,
      noImplicitAny: true,
      strictNullChecks: true,
      noImplicitThis: true,
      alwaysStrict: true,
      noImplicitReturns: true,
      inlineSourceMap: true,
      inlineSources: true,
      experimentalDecorators: true,
      strictPropertyInitialization: false,
      skipLibCheck: true,
      typeRoots: ["./node_modules/@types"],
      noEmitOnError: true,
      types: ["node"],
    },
    exclude: ["node_modules", "cdk.out"],
  }),
  "bin/consumer-app.ts": `#!/usr/bin/env node
import * as cdk from "aws-cdk-lib";
import { ConsumerHttpStack, ConsumerStack } from "../lib/consumer-stack";

const app = new cdk.App();
new ConsumerStack(app, "ConsumerStack");
new ConsumerHttpStack(app, "ConsumerHttpStack");
`,
  "lib/consumer-stack.ts": `import * as cdk from "aws-cdk-lib";
import * as apigateway from "aws-cdk-lib/aws-apigateway";
import * as cognito from "aws-cdk-lib/aws-cognito";
import { Construct } from "constructs";
import * as apigwv2 from "aws-cdk-lib/aws-apigatewayv2";
import { HttpUrlIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import { CognitoJwtAuthorizer, CognitoJwtHttpAuthorizer } from "cognito-jwt-authorizer";

export class ConsumerStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    const userPool = new cognito.UserPool(this, "Users", { removalPolicy: cdk.RemovalPolicy.DESTROY });
    const client = userPool.addClient("Web");
    const api = new apigateway.RestApi(this, "Api");
    const backend = new apigateway.MockIntegration();

    const auth = new CognitoJwtAuthorizer(this, "Auth", { api, userPool, userPoolClients: [client] });

    // A method the team already had, switched to the authorizer afterwards.
    const items = api.root.addResource("items");
    const listItems = items.addMethod("GET", backend);
    auth.protectMethod(listItems, { groups: ["readers"] });

    // A method the team creates with the authorizer, then gives its rule.
    items.addResource("{id}").addMethod("DELETE", backend, { authorizer: auth.authorizer });
    auth.addRoute({ method: "DELETE", path: "/items/{id}", rule: { groups: ["admins"] } });

    // Not guarded at all.
    api.root.addResource("health").addMethod("GET", backend);
  }
}

export class ConsumerHttpStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    const userPool = new cognito.UserPool(this, "Users", { removalPolicy: cdk.RemovalPolicy.DESTROY });
    const client = userPool.addClient("Web");
    const httpApi = new apigwv2.HttpApi(this, "HttpApi");
    const backend = new HttpUrlIntegration("Backend", "https://backend.example.com");
    const auth = new CognitoJwtHttpAuthorizer(this, "Auth", { httpApi, userPool, userPoolClients: [client] });
    auth.addRoute({ method: "GET", path: "/items/{id}", integration: backend, rule: { groups: ["readers"] } });
    auth.addDefaultRoute({ integration: backend, rule: {} });
  }
}
`,
};

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "package-consumer-"));
  // npm pack runs `prepare` (the build): the tarball holds what the current sources build to.
  const packed = JSON.parse(
    run("npm", ["pack", "--json", "--pack-destination", work], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    }),
  ) as { filename: string }[];
  tarball = path.join(work, packed[0]!.filename);

  app = path.join(work, "consumer-app");
  for (const [name, text] of Object.entries(CONSUMER_FILES)) {
    mkdirSync(path.dirname(path.join(app, name)), { recursive: true });
    writeFileSync(path.join(app, name), text);
  }
  const local = (name: string) => `file:${path.join(REPO_ROOT, "node_modules", name)}`;
  writeFileSync(
    path.join(app, "package.json"),
    JSON.stringify({
      name: "consumer-app",
      version: "0.1.0",
      bin: { "consumer-app": "bin/consumer-app.js" },
      dependencies: {
        "aws-cdk-lib": local("aws-cdk-lib"),
        constructs: local("constructs"),
        [PACKAGE.name]: `file:${tarball}`,
      },
      devDependencies: { "@types/node": local("@types/node") },
    }),
  );
  // cdk init writes the recommended feature flags; aspect stabilization (on in new apps) changes when
  // aspects run, and the construct ships its rules from an aspect.
  writeFileSync(
    path.join(app, "cdk.json"),
    JSON.stringify({
      app: "node bin/consumer-app.js",
      context: { "@aws-cdk/core:aspectStabilization": true },
    }),
  );
  run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: app });

  // Neither esbuild nor Docker may be used: on PATH they only leave a mark and fail.
  const fakeBin = path.join(work, "fake-bin");
  mkdirSync(fakeBin);
  for (const tool of ["esbuild", "docker"]) {
    writeFileSync(
      path.join(fakeBin, tool),
      `#!/bin/sh\ntouch "${path.join(work, `${tool}-was-called`)}"\nexit 1\n`,
    );
    chmodSync(path.join(fakeBin, tool), 0o755);
  }
  const env = {
    PATH: [fakeBin, path.dirname(process.execPath), "/usr/bin", "/bin"].join(path.delimiter),
    HOME: process.env.HOME ?? work,
    CDK_DISABLE_VERSION_CHECK: "1",
    CDK_DISABLE_CLI_TELEMETRY: "true",
    AWS_EC2_METADATA_DISABLED: "true",
  };
  // cdk init's app command is `npx tsc && node bin/<app>.js`; tsc is this repository's (5.9).
  run(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", app], { cwd: app, env });
  run(
    path.join(REPO_ROOT, "node_modules", ".bin", "cdk"),
    ["synth", "--no-notices", "--quiet", "--output", "cdk.out"],
    { cwd: app, env },
  );
  template = JSON.parse(readFileSync(path.join(app, "cdk.out", "ConsumerStack.template.json"), "utf8"));
  httpTemplate = JSON.parse(
    readFileSync(path.join(app, "cdk.out", "ConsumerHttpStack.template.json"), "utf8"),
  );
});

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

const ofType = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);

test("the tarball ships the compiled entry, its types and the prebuilt handler, and no sources or tests", () => {
  // Protects: `import ... from "cognito-jwt-authorizer"` resolves (main/types/exports), and nothing
  // of the repository's tests, tools or TypeScript sources is installed into other people's apps.
  const files = run("tar", ["-tzf", tarball], {}).trim().split("\n").sort();
  expect(files).toEqual(
    expect.arrayContaining([
      "package/package.json",
      "package/README.md",
      "package/CHANGELOG.md",
      "package/LICENSE",
      "package/dist/index.js",
      "package/dist/index.d.ts",
      "package/dist/handler/index.mjs",
      "package/dist/handler/index.mjs.map",
    ]),
  );
  const unexpected = files.filter(
    (f) =>
      !/^package\/(package\.json|README\.md|CHANGELOG\.md|LICENSE|dist\/.*\.(js|d\.ts)|dist\/handler\/index\.mjs(\.map)?)$/.test(
        f,
      ),
  );
  expect(unexpected).toEqual([]);
  const installed = JSON.parse(
    readFileSync(path.join(app, "node_modules", PACKAGE.name, "package.json"), "utf8"),
  ) as Record<string, Json>;
  expect(installed.version).toBe(PACKAGE.version);
  expect(installed.peerDependencies).toEqual({
    "aws-cdk-lib": expect.any(String),
    constructs: expect.any(String),
  });
  expect(installed.dependencies ?? {}).toEqual({});
});

test("the shipped handler is the one the current sources build to", async () => {
  // Protects: a stale dist/handler can never be packed (the package would deploy old code).
  const fresh = await bundleAuthorizer(path.join(work, "fresh", "handler"));
  const shipped = path.join(app, "node_modules", PACKAGE.name, "dist", "handler", "index.mjs");
  expect(readFileSync(shipped).equals(readFileSync(fresh))).toBe(true);
});

test("the consumer's synth bundled nothing: no esbuild, no Docker, the package's handler as the code", () => {
  // Protects: a team needs neither tool; the deployment package is the prebuilt file plus its rules.
  // (aws-cdk-lib is linked from this repository, so code inside it could still find the repository's
  // esbuild by require: the byte-for-byte asset check below is what proves nothing was bundled.)
  expect(existsSync(path.join(work, "esbuild-was-called"))).toBe(false);
  expect(existsSync(path.join(work, "docker-was-called"))).toBe(false);
  const fns = ofType("AWS::Lambda::Function");
  expect(fns).toHaveLength(1);
  const [, fn] = fns[0]!;
  expect(fn.Properties).toMatchObject({
    Runtime: "nodejs22.x",
    Handler: "index.handler",
    Architectures: ["arm64"],
  });
  const assetDir = path.join(app, "cdk.out", fn.Metadata["aws:asset:path"]);
  expect(readdirSync(assetDir).sort()).toEqual(["index.mjs", "index.mjs.map", "route-rules.json"]);
  const shipped = path.join(app, "node_modules", PACKAGE.name, "dist", "handler", "index.mjs");
  expect(readFileSync(path.join(assetDir, "index.mjs")).equals(readFileSync(shipped))).toBe(true);
  expect(JSON.parse(readFileSync(path.join(assetDir, "route-rules.json"), "utf8"))).toEqual([
    { route: "GET /items", groups: ["readers"] },
    { route: "DELETE /items/{id}", groups: ["admins"] },
  ]);
  const env = fn.Properties.Environment.Variables;
  expect(env).toMatchObject({
    ROUTE_RULES_FILE: "route-rules.json",
    ROUTE_RULES_COMPLETE: "true",
    TOKEN_USE: "access",
  });
  expect(env.ROUTE_RULES).toBeUndefined();
  expect(env.USER_POOL_ID).toEqual({ Ref: expect.stringMatching(/^Users/) });
  expect(env.CLIENT_ID).toEqual({ Ref: expect.stringMatching(/^UsersWeb/) });
});

test("the team's two methods use the authorizer, the public one does not, and only API Gateway may invoke it", () => {
  // Protects: attaching to methods the team created itself (protectMethod, and `authorizer` passed to
  // addMethod) yields the same template as methods the construct creates.
  const authorizers = ofType("AWS::ApiGateway::Authorizer");
  expect(authorizers).toHaveLength(1);
  const [authorizerId, authorizer] = authorizers[0]!;
  expect(authorizer.Properties).toMatchObject({
    Type: "TOKEN",
    IdentitySource: "method.request.header.Authorization",
    AuthorizerResultTtlInSeconds: 300,
  });
  const methods = ofType("AWS::ApiGateway::Method").map(([, m]) => m.Properties);
  const guarded = methods.filter((m) => m.AuthorizationType === "CUSTOM");
  expect(guarded.map((m) => m.HttpMethod).sort()).toEqual(["DELETE", "GET"]);
  for (const m of guarded) expect(m.AuthorizerId).toEqual({ Ref: authorizerId });
  expect(methods.filter((m) => m.AuthorizationType === "NONE")).toHaveLength(1);

  const permissions = ofType("AWS::Lambda::Permission").map(([, p]) => p.Properties);
  expect(permissions).toHaveLength(1);
  expect(permissions[0]).toMatchObject({
    Action: "lambda:InvokeFunction",
    Principal: "apigateway.amazonaws.com",
  });
  expect(JSON.stringify(permissions[0].SourceArn)).toContain("/authorizers/");
});

test("an HttpApi guarded through the package: payload 2.0 simple responses, routes, rules and the prebuilt handler", () => {
  // Protects: the HTTP API construct works from the installed package as the REST one does.
  const of = (type: string) => Object.entries(httpTemplate.Resources).filter(([, r]) => r.Type === type);
  const [[authorizerId, authorizer]] = of("AWS::ApiGatewayV2::Authorizer") as [[string, Json]];
  expect(authorizer.Properties).toMatchObject({
    AuthorizerPayloadFormatVersion: "2.0",
    EnableSimpleResponses: true,
    IdentitySource: ["$request.header.Authorization", "$context.routeKey"],
  });
  const routes = of("AWS::ApiGatewayV2::Route").map(([, r]) => r.Properties);
  expect(routes.map((r) => r.RouteKey).sort()).toEqual(["$default", "GET /items/{id}"]);
  for (const r of routes)
    expect(r).toMatchObject({ AuthorizationType: "CUSTOM", AuthorizerId: { Ref: authorizerId } });
  const [[, fn]] = of("AWS::Lambda::Function") as [[string, Json]];
  expect(fn.Properties.Environment.Variables).toMatchObject({
    EVENT_FORMAT: "http-2.0-simple",
    ROUTE_KEY_IN_IDENTITY_SOURCE: "true",
  });
  const assetDir = path.join(app, "cdk.out", fn.Metadata["aws:asset:path"]);
  const shipped = path.join(app, "node_modules", PACKAGE.name, "dist", "handler", "index.mjs");
  expect(readFileSync(path.join(assetDir, "index.mjs")).equals(readFileSync(shipped))).toBe(true);
  expect(JSON.parse(readFileSync(path.join(assetDir, "route-rules.json"), "utf8"))).toEqual([
    { route: "GET /items/{id}", groups: ["readers"] },
    { route: "$default" },
  ]);
});
