// The Lambda entry point, as Lambda loads it: the esbuild ESM bundle imported by a fresh Node
// process with the function's environment, on this machine's Node and on Node 22 (Lambda's
// nodejs22.x, the runtime that serves production). Proves the wiring: config validated at load,
// keys hydrated during init (the first request needs no network), the handler exported.

import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { bundleAuthorizer } from "../../tools/bundle";
import { API_PREFIX, tokenEvent } from "../helpers/harness";
import {
  accessClaims,
  generateTestKey,
  signToken,
  TEST_CLIENT_ID,
  TEST_USER_POOL_ID,
} from "../../tools/issuer";
import { JwksServer } from "../../tools/jwks-server";
import { crudRules, literalAtVaryingDepth } from "../../tools/rule-shapes";
import { EACH_NODE_RUNTIME, type NodeRuntime } from "../helpers/node-runtimes";

const run = promisify(execFile);

let dir: string;
let bundle: string;
let runner: string;
const key = generateTestKey();
let server: JwksServer;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "authorizer-index-"));
  bundle = await bundleAuthorizer(dir);
  // Imports the bundle, reports how many JWKS requests import made, then runs one event.
  runner = path.join(dir, "runner.mjs");
  writeFileSync(
    runner,
    `const { handler } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
     const undiciAtImport = process.moduleLoadList.some((m) => m.includes("undici"));
     const event = JSON.parse(process.env.TEST_EVENT);
     const before = Number(await (await fetch(process.env.TEST_COUNTER)).text());
     let outcome;
     try { outcome = { result: await handler(event) }; } catch (e) { outcome = { error: e.message }; }
     const after = Number(await (await fetch(process.env.TEST_COUNTER)).text());
     process.stdout.write("\\nRESULT " + JSON.stringify({ ...outcome, node: process.version, undiciAtImport, fetchesAtImport: before, fetchesDuringRequest: after - before }) + "\\n");`,
  );
  server = await JwksServer.start([key.jwk]);
});

afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function runEntry(runtime: NodeRuntime, env: Record<string, string>, event: unknown) {
  // A second tiny endpoint on the same server would skew the count; expose the counter via a file-less URL instead.
  const counter = await startCounter();
  try {
    const { stdout, stderr } = await run(runtime.execPath, [runner], {
      env: {
        PATH: process.env.PATH ?? "",
        TEST_EVENT: JSON.stringify(event),
        TEST_COUNTER: counter.url,
        ...env,
      },
    });
    const line = stdout.split("\n").find((l) => l.startsWith("RESULT "));
    return { result: JSON.parse((line ?? "RESULT null").slice(7)), stdout, stderr };
  } finally {
    await counter.close();
  }
}

async function startCounter() {
  const { createServer } = await import("node:http");
  const s = createServer((_req, res) => res.end(String(server.requests)));
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const address = s.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}/`, close: () => new Promise((r) => s.close(r)) };
}

const env = () => ({
  USER_POOL_ID: TEST_USER_POOL_ID,
  CLIENT_ID: TEST_CLIENT_ID,
  JWKS_URI: server.url,
  ROUTE_RULES: "*",
});

describe.each(EACH_NODE_RUNTIME)("on %s", (_name, runtime) => {
  it("hydrates the JWKS during import, so the first request makes no network call", async () => {
    server.requests = 0;
    const token = signToken(key, accessClaims());
    const event = tokenEvent(`Bearer ${token}`);
    const { result } = await runEntry(runtime, env(), event);
    expect(result.result.policyDocument.Statement[0].Effect).toBe("Allow");
    expect(result.node).toBe(runtime.version);
    expect(result.fetchesAtImport).toBe(1);
    expect(result.fetchesDuringRequest).toBe(0);
  });

  it("loads no undici while it is imported (Node 22: the import of node:http must not build its ES namespace)", async () => {
    // Protects the cold start: on Node 22 an ES import of node:http reads its lazy WebSocket getters,
    // which load the bundled undici: 17 ms of a 40 ms import (README, Performance). The fetcher takes
    // node:http as CommonJS exports instead. (The runner's own fetch() loads undici only afterwards.)
    const token = signToken(key, accessClaims());
    const event = tokenEvent(`Bearer ${token}`);
    const { result } = await runEntry(runtime, env(), event);
    expect(result.node).toBe(runtime.version);
    expect(result.result.policyDocument.Statement[0].Effect).toBe("Allow");
    expect(result.undiciAtImport).toBe(false);
  });

  it("answers 401 for a bad token through the bundled handler", async () => {
    const event = tokenEvent("Bearer abc.def.ghi");
    const { result, stdout, stderr } = await runEntry(runtime, env(), event);
    expect(result.error).toBe("Unauthorized");
    // The decision line is JSON from Powertools Logger (WARN goes to stderr), with the reason and without the token.
    const decision = stderr
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l))
      .find((l) => l.message === "authorizer decision");
    expect(decision).toMatchObject({
      outcome: "unauthorized",
      reason: "malformed_token",
      service: "cognito-jwt-authorizer",
    });
    expect(stdout + stderr).not.toContain("abc.def.ghi");
  });

  it("still loads when the JWKS endpoint is down at cold start, and fails closed", async () => {
    const token = signToken(key, accessClaims());
    const event = tokenEvent(`Bearer ${token}`);
    const { result, stderr } = await runEntry(
      runtime,
      { ...env(), JWKS_URI: "http://127.0.0.1:9/jwks.json" },
      event,
    );
    expect(result.error).toBe("Unauthorized");
    expect(stderr).toContain("JWKS not available at cold start");
    expect(stderr).toMatch(/"outcome":"unauthorized","reason":"jwks_unavailable"/);
  });

  it("serves 300 CRUD routes declared complete: loads, and an admin's policy is one Allow of every route", async () => {
    // Arrange: the real entry, the bundle, ROUTE_RULES for 300 routes and the completeness declaration.
    const token = signToken(
      key,
      accessClaims({ scope: "api/read api/write api/audit", "cognito:groups": ["admins"] }),
    );
    const event = tokenEvent(`Bearer ${token}`, "GET", "/resource-3/42");
    const rules = { ROUTE_RULES: JSON.stringify(crudRules(300)), ROUTE_RULES_COMPLETE: "true" };
    // Act
    const { result } = await runEntry(runtime, { ...env(), ...rules }, event);
    // Assert
    const statements = result.result.policyDocument.Statement as { Effect: string; Resource: string[] }[];
    expect(statements[0]).toMatchObject({ Effect: "Allow", Resource: [`${API_PREFIX}*/*`] });
    expect(JSON.stringify(result.result.policyDocument).length).toBeLessThan(4096);
  });

  it("reads the rules from ROUTE_RULES_FILE, relative to the bundle's own folder (what the construct ships)", async () => {
    // Protects: the rules the CDK construct writes into the deployment package are the ones enforced,
    // wherever the process's working directory is.
    writeFileSync(path.join(dir, "shipped-rules.json"), JSON.stringify([{ route: "GET /items" }]));
    const token = signToken(key, accessClaims());
    const decide = async (path: string) => {
      const rest: Record<string, string> = { ...env() };
      delete rest.ROUTE_RULES;
      const event = tokenEvent(`Bearer ${token}`, "GET", path);
      const { result } = await runEntry(runtime, { ...rest, ROUTE_RULES_FILE: "shipped-rules.json" }, event);
      return result.result.policyDocument.Statement.map((s: { Effect: string }) => s.Effect);
    };
    expect(await decide("/items")).toContain("Allow");
    expect(await decide("/other")).not.toContain("Allow");
  });

  it.each([
    [{ CLIENT_ID: TEST_CLIENT_ID }, "USER_POOL_ID"],
    [{ USER_POOL_ID: TEST_USER_POOL_ID }, "CLIENT_ID"],
    [{ USER_POOL_ID: TEST_USER_POOL_ID, CLIENT_ID: TEST_CLIENT_ID, TOKEN_USE: "both" }, "TOKEN_USE"],
    [{ USER_POOL_ID: TEST_USER_POOL_ID, CLIENT_ID: TEST_CLIENT_ID, ROUTE_RULES: "[{" }, "ROUTE_RULES"],
    [{ USER_POOL_ID: TEST_USER_POOL_ID, CLIENT_ID: TEST_CLIENT_ID }, "ROUTE_RULES"],
    // A rule set whose proof exceeds the analysis budget: refused at load, not a cold start that times out.
    [
      {
        USER_POOL_ID: TEST_USER_POOL_ID,
        CLIENT_ID: TEST_CLIENT_ID,
        ROUTE_RULES: JSON.stringify(literalAtVaryingDepth(64, 5)),
      },
      "ROUTE_RULES: the cache-safety analysis did not finish within its budget",
    ],
    [{ USER_POOL_ID: TEST_USER_POOL_ID, CLIENT_ID: TEST_CLIENT_ID, ROUTE_RULES: " \n" }, "ROUTE_RULES"],
    // The rules in two places: which one runs would be a guess.
    [
      {
        USER_POOL_ID: TEST_USER_POOL_ID,
        CLIENT_ID: TEST_CLIENT_ID,
        ROUTE_RULES: "*",
        ROUTE_RULES_FILE: "r.json",
      },
      "ROUTE_RULES: and ROUTE_RULES_FILE are both set",
    ],
    [
      { USER_POOL_ID: TEST_USER_POOL_ID, CLIENT_ID: TEST_CLIENT_ID, ROUTE_RULES_FILE: "missing.json" },
      'ROUTE_RULES_FILE: names "missing.json", which cannot be read (ENOENT)',
    ],
    // Hand-written rules with a {param} route and a child: refused at load unless declared complete,
    // since the cached policy could not also deny the routes the rules do not list.
    [
      {
        USER_POOL_ID: TEST_USER_POOL_ID,
        CLIENT_ID: TEST_CLIENT_ID,
        ROUTE_RULES: JSON.stringify(crudRules(300)),
      },
      'ROUTE_RULES: rules[3] ("GET /resource-0/{id}") cannot fail closed for unlisted routes',
    ],
    [
      {
        USER_POOL_ID: TEST_USER_POOL_ID,
        CLIENT_ID: TEST_CLIENT_ID,
        ROUTE_RULES: '[{"route":"GET /me"}]',
        ROUTE_RULES_COMPLETE: "yes",
      },
      "ROUTE_RULES_COMPLETE",
    ],
    [
      { USER_POOL_ID: TEST_USER_POOL_ID, CLIENT_ID: TEST_CLIENT_ID, JWKS_URI: "http://example.com/k" },
      "JWKS_URI",
    ],
  ])("fails the module load when configuration is bad (%j)", async (badEnv, variable) => {
    const failure = await runEntry(runtime, badEnv, {}).catch((err: { stderr: string; code: number }) => err);
    expect(failure).toHaveProperty("code", 1);
    expect((failure as { stderr: string }).stderr).toContain(`Environment variable ${variable}`);
  });
});
