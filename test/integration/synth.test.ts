// One real `cdk synth`, the way `npm run synth` runs it: cdk.json's app command, esbuild bundling
// on this machine (no Docker), offline. Then the authorizer bundle is loaded by Node in a child
// process (this machine's Node, and Node 22: Lambda's nodejs22.x), with its JWKS served from
// loopback, and asked for real decisions: what `cdk deploy` would upload is a module that starts
// and decides on the runtime that runs it.

import { execFile } from "node:child_process";
import { createSign, generateKeyPairSync, type KeyObject } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { SAMPLE_STACK_ID } from "../../infra/sample-stack";
import { HANDLER_DIST } from "../../tools/build-handler";
import { EACH_NODE_RUNTIME, type NodeRuntime } from "../helpers/node-runtimes";
import { realSynth } from "../helpers/real-synth";

jest.setTimeout(240_000);

const USER_POOL_ID = "us-east-1_AbC123";
const CLIENT_ID = "sampleclient1";
const METHOD_ARN_PREFIX = "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod";

/** The parts of the synthesized template these tests read. */
interface FunctionResource {
  readonly Type: string;
  readonly Metadata: Readonly<Record<string, unknown>> & { "aws:asset:path": string; "aws:cdk:path": string };
  readonly Properties: {
    readonly Code: { readonly S3Key: unknown };
    readonly Environment?: { readonly Variables?: Readonly<Record<string, string>> };
  };
}
interface SynthesizedTemplate {
  readonly Resources: Readonly<Record<string, FunctionResource>>;
}
interface Statement {
  readonly Effect: string;
  readonly Resource: readonly string[];
}
interface Outcome {
  readonly result?: {
    readonly principalId: string;
    readonly policyDocument: { readonly Statement: Statement[] };
  };
  readonly error?: string;
}

let outdir: string;
let template: SynthesizedTemplate;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), "cdk-synth-"));
  realSynth(outdir);
  template = JSON.parse(readFileSync(join(outdir, `${SAMPLE_STACK_ID}.template.json`), "utf8"));
});

afterAll(() => {
  if (outdir !== undefined) rmSync(outdir, { recursive: true, force: true });
});

/** The one function of the template that matches, and its asset directory in cdk.out. */
function assetOf(predicate: (fn: FunctionResource) => boolean): { dir: string; resource: FunctionResource } {
  const matches = Object.values(template.Resources).filter(
    (r) => r.Type === "AWS::Lambda::Function" && predicate(r),
  );
  expect(matches).toHaveLength(1);
  const resource = matches[0]!;
  return { dir: join(outdir, resource.Metadata["aws:asset:path"]), resource };
}

/** Either authorizer function: its package ships the route rules. */
const isAuthorizer = (fn: FunctionResource): boolean =>
  fn.Properties.Environment?.Variables?.ROUTE_RULES_FILE !== undefined;
/** The REST API's authorizer (no EVENT_FORMAT), and the HTTP API's (simple responses). */
const isRestAuthorizer = (fn: FunctionResource): boolean =>
  isAuthorizer(fn) && fn.Properties.Environment?.Variables?.EVENT_FORMAT === undefined;
const isHttpAuthorizer = (fn: FunctionResource): boolean =>
  isAuthorizer(fn) && fn.Properties.Environment?.Variables?.EVENT_FORMAT === "http-2.0-simple";

test("the authorizer ships as the prebuilt minified ES module, its source map and its route rules", () => {
  // Protects: the deployment package is what the ESM runtime expects (index.mjs + map + the rules
  // file ROUTE_RULES_FILE names, nothing else), it is the package's prebuilt handler byte for byte
  // (no bundling at synth), and the template points at it the way the local gateway and `cdk deploy` read it.
  const { dir, resource } = assetOf(isRestAuthorizer);
  const assetPath: string = resource.Metadata["aws:asset:path"];
  expect(assetPath).toMatch(/^asset\.[0-9a-f]{64}$/);
  expect(resource.Metadata["aws:asset:is-bundled"]).toBe(false);
  expect(resource.Metadata["aws:asset:property"]).toBe("Code");
  expect(resource.Properties.Code.S3Key).toBe(`${assetPath.slice("asset.".length)}.zip`);
  expect(readdirSync(dir).sort()).toEqual(["index.mjs", "index.mjs.map", "route-rules.json"]);
  expect(resource.Properties.Environment?.Variables?.ROUTE_RULES_FILE).toBe("route-rules.json");
  for (const name of ["index.mjs", "index.mjs.map"]) {
    expect(readFileSync(join(dir, name)).equals(readFileSync(join(HANDLER_DIST, name)))).toBe(true);
  }

  const code = readFileSync(join(dir, "index.mjs"), "utf8");
  const bytes = statSync(join(dir, "index.mjs")).size;
  const lines = code.split("\n");
  console.log(
    `authorizer bundle: ${assetPath}/index.mjs ${bytes} bytes in ${lines.length} lines; ` +
      `map ${statSync(join(dir, "index.mjs.map")).size} bytes`,
  );
  // Minified: a few very long lines, no indentation.
  expect(bytes / lines.length).toBeGreaterThan(500);
  expect(lines.filter((l) => /^ {2,}\S/.test(l)).length).toBeLessThan(5);
  // The banner gives bundled CommonJS dependencies their `require`; the map is linked.
  expect(
    code.startsWith(
      "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
    ),
  ).toBe(true);
  expect(code.trimEnd().endsWith("//# sourceMappingURL=index.mjs.map")).toBe(true);
});

describe("the bundled authorizer, loaded by Node with a loopback JWKS", () => {
  let server: Server;
  let jwksUri: string;
  let jwksRequests = 0;
  let privateKey: KeyObject;
  const kid = "test-key-1";

  beforeAll(async () => {
    const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
    privateKey = pair.privateKey;
    const jwk = { ...pair.publicKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" };
    server = createServer((_req, res) => {
      jwksRequests += 1;
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    jwksUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  /** A Cognito-shaped access token signed with the test key. */
  function accessToken(groups: string[]): string {
    const now = Math.floor(Date.now() / 1000);
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const input = `${b64({ kid, alg: "RS256" })}.${b64({
      sub: "11111111-2222-3333-4444-555555555555",
      "cognito:groups": groups,
      iss: `https://cognito-idp.us-east-1.amazonaws.com/${USER_POOL_ID}`,
      client_id: CLIENT_ID,
      token_use: "access",
      scope: "aws.cognito.signin.user.admin",
      auth_time: now,
      iat: now,
      exp: now + 900,
      jti: "jti-1",
      username: "alice",
    })}`;
    const signature = createSign("RSA-SHA256").update(input).sign(privateKey).toString("base64url");
    return `${input}.${signature}`;
  }

  /** Import the bundle in a fresh Node process with the deployed environment, and run `cases`. */
  async function runBundle(
    runtime: NodeRuntime,
    cases: { token: string; methodArn: string }[],
  ): Promise<{ node: string; handler: string; results: Outcome[] }> {
    const { dir, resource } = assetOf(isRestAuthorizer);
    const script = `
      const mod = await import(${JSON.stringify(pathToFileURL(join(dir, "index.mjs")).href)});
      const results = [];
      for (const c of ${JSON.stringify(cases)}) {
        try {
          results.push({ result: await mod.handler({ type: "TOKEN", authorizationToken: c.token, methodArn: c.methodArn }) });
        } catch (err) {
          results.push({ error: err.message });
        }
      }
      process.stdout.write(JSON.stringify({ node: process.version, handler: typeof mod.handler, results }));
    `;
    const deployed = resource.Properties.Environment?.Variables ?? {};
    const { stdout } = await promisify(execFile)(runtime.execPath, ["--input-type=module", "-e", script], {
      timeout: 30_000,
      env: {
        PATH: process.env.PATH,
        ...(deployed.NODE_OPTIONS === undefined ? {} : { NODE_OPTIONS: deployed.NODE_OPTIONS }),
        USER_POOL_ID,
        CLIENT_ID,
        TOKEN_USE: "access",
        JWKS_URI: jwksUri,
        // The rules file exactly as synthesized into the deployment package.
        ROUTE_RULES_FILE: deployed.ROUTE_RULES_FILE,
        ROUTE_RULES_COMPLETE: deployed.ROUTE_RULES_COMPLETE,
        POWERTOOLS_LOG_LEVEL: "ERROR",
      },
    });
    return JSON.parse(stdout);
  }

  describe.each(EACH_NODE_RUNTIME)("on %s", (_name, runtime) => {
    test("imports, exports handler, hydrates from loopback, and decides with the synthesized rules", async () => {
      // Protects: the bundle starts under ESM with top-level await (the JWKS fetched from JWKS_URI,
      // nothing leaving the machine) and enforces the deployed route rules, read from its own package.
      const reader = accessToken(["readers"]);
      const out = await runBundle(runtime, [
        { token: `Bearer ${reader}`, methodArn: `${METHOD_ARN_PREFIX}/GET/me` },
        { token: `Bearer ${reader}`, methodArn: `${METHOD_ARN_PREFIX}/DELETE/items/1` },
        { token: "Bearer not.a.jwt", methodArn: `${METHOD_ARN_PREFIX}/GET/me` },
      ]);
      expect(out.node).toBe(runtime.version);
      expect(out.handler).toBe("function");
      expect(jwksRequests).toBeGreaterThanOrEqual(1);

      const [me, deleteItem, junk] = out.results;
      const allowedResources = (outcome: Outcome | undefined): string[] =>
        (outcome?.result?.policyDocument.Statement ?? [])
          .filter((s) => s.Effect === "Allow")
          .flatMap((s) => s.Resource);
      expect(me?.result?.principalId).toBe("11111111-2222-3333-4444-555555555555");
      expect(allowedResources(me)).toContain(`${METHOD_ARN_PREFIX}/GET/me`);
      // A reader may not delete (rule: admins): a policy, but no Allow that covers any DELETE.
      expect(deleteItem?.result?.principalId).toBe("11111111-2222-3333-4444-555555555555");
      expect(allowedResources(deleteItem).filter((r) => r.includes("/DELETE/"))).toEqual([]);
      expect(junk).toEqual({ error: "Unauthorized" });
    });

    test("the HTTP API's authorizer: the same bundle, answering payload 2.0 events with its synthesized configuration", async () => {
      // Protects: the deployed HTTP authorizer starts with its EVENT_FORMAT, route-key identity
      // source and rules file, and answers simple responses per route key.
      const rest = assetOf(isRestAuthorizer);
      const { dir, resource } = assetOf(isHttpAuthorizer);
      expect(readFileSync(join(dir, "index.mjs")).equals(readFileSync(join(rest.dir, "index.mjs")))).toBe(
        true,
      );
      expect(readFileSync(join(dir, "route-rules.json"), "utf8")).toBe(
        readFileSync(join(rest.dir, "route-rules.json"), "utf8"),
      );
      const header = `Bearer ${accessToken(["readers"])}`;
      const v2 = (routeKey: string, rawPath: string) => ({
        version: "2.0",
        type: "REQUEST",
        routeArn: `arn:aws:execute-api:us-east-1:123456789012:abcdef1234/$default/${routeKey.replace(" ", "")}`,
        identitySource: [header, routeKey],
        routeKey,
        rawPath,
        rawQueryString: "",
        headers: { authorization: header },
        requestContext: { http: { method: routeKey.split(" ")[0], path: rawPath } },
      });
      const events = [v2("GET /me", "/me"), v2("DELETE /items/{id}", "/items/1")];
      const script = `
        const mod = await import(${JSON.stringify(pathToFileURL(join(dir, "index.mjs")).href)});
        const results = [];
        for (const e of ${JSON.stringify(events)}) results.push(await mod.handler(e));
        process.stdout.write(JSON.stringify(results));
      `;
      const deployed = resource.Properties.Environment?.Variables ?? {};
      const { stdout } = await promisify(execFile)(runtime.execPath, ["--input-type=module", "-e", script], {
        timeout: 30_000,
        env: {
          PATH: process.env.PATH,
          USER_POOL_ID,
          CLIENT_ID,
          JWKS_URI: jwksUri,
          ROUTE_RULES_FILE: deployed.ROUTE_RULES_FILE,
          ROUTE_RULES_COMPLETE: deployed.ROUTE_RULES_COMPLETE,
          EVENT_FORMAT: deployed.EVENT_FORMAT,
          ROUTE_KEY_IN_IDENTITY_SOURCE: deployed.ROUTE_KEY_IN_IDENTITY_SOURCE,
          POWERTOOLS_LOG_LEVEL: "ERROR",
        },
      });
      const [me, deleteItem] = JSON.parse(stdout) as { isAuthorized: boolean; context: { sub: string } }[];
      expect(me).toMatchObject({
        isAuthorized: true,
        context: { sub: "11111111-2222-3333-4444-555555555555" },
      });
      // A reader may not delete (rule: admins).
      expect(deleteItem?.isAuthorized).toBe(false);
    });

    test("every backend bundle imports and the public health check answers", async () => {
      // Protects: the sample backends are runnable ES modules too.
      const backends = Object.values(template.Resources).filter(
        (r) => r.Type === "AWS::Lambda::Function" && !isAuthorizer(r),
      );
      expect(backends).toHaveLength(4);
      const bundleOf = (r: FunctionResource | undefined): string =>
        join(outdir, r?.Metadata["aws:asset:path"] ?? "missing", "index.mjs");
      const dirs = backends.map(bundleOf);
      const healthBundle = bundleOf(
        backends.find((r) => r.Metadata["aws:cdk:path"].includes("/Backend-health/")),
      );
      const script = `
        const results = [];
        for (const file of ${JSON.stringify(dirs.map((d) => pathToFileURL(d).href))}) {
          const mod = await import(file);
          results.push(typeof mod.handler);
        }
        const health = await import(${JSON.stringify(pathToFileURL(healthBundle).href)});
        process.stdout.write(JSON.stringify({ node: process.version, results, health: await health.handler({}) }));
      `;
      const { stdout } = await promisify(execFile)(runtime.execPath, ["--input-type=module", "-e", script], {
        timeout: 30_000,
      });
      const out = JSON.parse(stdout);
      expect(out.node).toBe(runtime.version);
      expect(out.results).toEqual(["function", "function", "function", "function"]);
      expect(out.health).toMatchObject({ statusCode: 200, body: '{"status":"ok"}' });
    });
  });
});
