// npm run invoke -- events/<file>.json [more files...]
// npm run invoke -- --local events/<file>.json      (real users of `npm start`'s emulator)
//
// Runs the authorizer (the same esbuild ESM bundle the CDK app ships) on sample events and prints
// what API Gateway would answer: 401, 403 with the policy, or 200 with the Allow policy and the
// context the backend receives. Events that need a valid token carry a placeholder:
//
//   {{token}}                     an access token of the sample caller "reader"
//   {{token:<caller>}}            reader | editor | admin | nobody
//   {{token:<caller>:<variant>}}  expired | other-client | id | alg-none | future-iat
//
// By default the tokens are signed at run time with a throwaway key served from a loopback JWKS
// (JWKS_URI), and ROUTE_RULES is events/route-rules.json. With --local, the callers are the users
// of the running local stack (reader, editor, admin), signed in against the emulator named in
// local-outputs.json (--outputs), and the configuration (pool, client, ROUTE_RULES, TOKEN_USE) is
// the synthesized template's (--cdk-out; the rules from the file its deployment package ships);
// only the `id` variant applies there.
// ROUTE_RULES set in the environment wins in both modes.
//
// The kind of event is named by the file name, and the authorizer is loaded once per kind with its
// EVENT_FORMAT (it never guesses the kind from the event): `http2-simple-*` runs with
// EVENT_FORMAT=http-2.0-simple and ROUTE_KEY_IN_IDENTITY_SOURCE=true (the sample events carry the
// route key in identitySource), `http2-iam-*` with http-2.0-iam, `http1-*` with http-1.0 (both with
// ROUTE_RULES_COMPLETE=true: the sample rules list every route that uses the authorizer), anything
// else with rest.

import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { evaluatePolicy } from "../infra/local/apigateway/iam-policy";
import type { LambdaFunctionDefinition } from "../infra/local/cloud-assembly/stack-definition";
import { readCloudAssembly } from "../infra/local/cloud-assembly/template";
import { ENV, type EventFormat } from "../lambda/authorizer/contract";
import {
  accessClaims,
  type Claims,
  generateTestKey,
  idClaims,
  nowSeconds,
  OTHER_CLIENT_ID,
  rawToken,
  signToken,
  TEST_CLIENT_ID,
  TEST_USER_POOL_ID,
  type TestKey,
} from "../tools/issuer";
import { bundleAuthorizer, REPO_ROOT } from "../tools/bundle";
import { SAMPLE_CALLERS } from "./lib/sample-callers";
import { readOutputsFile, signIn, type StackOutputs } from "./lib/sign-in";

const PLACEHOLDER = /\{\{token(?::([a-z]+))?(?::([a-z-]+))?\}\}/g;

function mint(key: TestKey, caller = "reader", variant?: string): string {
  const identity = SAMPLE_CALLERS[caller];
  if (identity === undefined) {
    throw new Error(
      `unknown caller "${caller}" in placeholder (one of ${Object.keys(SAMPLE_CALLERS).join(", ")})`,
    );
  }
  const now = nowSeconds();
  const base: Claims =
    variant === "id"
      ? idClaims({ ...identity, "cognito:username": identity.username })
      : accessClaims(identity);
  switch (variant) {
    case undefined:
    case "id":
      return signToken(key, base);
    case "expired":
      return signToken(key, { ...base, iat: now - 7200, auth_time: now - 7200, exp: now - 3600 });
    case "other-client":
      return signToken(key, { ...base, client_id: OTHER_CLIENT_ID });
    case "future-iat":
      return signToken(key, { ...base, iat: now + 3600, exp: now + 7200 });
    case "alg-none":
      return rawToken({ alg: "none", kid: key.kid }, base, "");
    default:
      throw new Error(
        `unknown token variant "${variant}" (expired | other-client | id | alg-none | future-iat)`,
      );
  }
}

type Minter = (caller: string, variant: string | undefined) => string | Promise<string>;

/** Replace every placeholder; the same placeholder within one event yields the same token. */
async function substitute(event: unknown, mint: Minter): Promise<unknown> {
  const tokens = new Map<string, string>();
  for (const match of JSON.stringify(event).matchAll(PLACEHOLDER)) {
    if (!tokens.has(match[0])) tokens.set(match[0], await mint(match[1] ?? "reader", match[2]));
  }
  const replace = (value: unknown): unknown => {
    if (typeof value === "string") return value.replace(PLACEHOLDER, (m) => tokens.get(m) ?? m);
    if (Array.isArray(value)) return value.map(replace);
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replace(v)]));
    }
    return value;
  };
  return replace(event);
}

/** Throwaway issuer: a generated key served over loopback; the pool and client of the test issuer. */
async function throwawaySetup(): Promise<{ mint: Minter; close: () => void }> {
  const key = generateTestKey();
  const jwks = createServer((_req, res) =>
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [key.jwk] })),
  );
  await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve));
  const { port } = jwks.address() as AddressInfo;
  process.env[ENV.userPoolId] = TEST_USER_POOL_ID;
  process.env[ENV.clientId] = TEST_CLIENT_ID;
  process.env[ENV.tokenUse] = "access";
  process.env[ENV.jwksUri] = `http://127.0.0.1:${port}/${TEST_USER_POOL_ID}/.well-known/jwks.json`;
  process.env[ENV.routeRules] ??= readFileSync(path.join(REPO_ROOT, "events", "route-rules.json"), "utf8");
  return { mint: (caller, variant) => mint(key, caller, variant), close: () => jwks.close() };
}

/** The running local stack: its emulator's users and the synthesized authorizer's configuration. */
function localSetup(outputsFile: string, cdkOut: string): { mint: Minter; close: () => void } {
  const outputs: StackOutputs = readOutputsFile(outputsFile);
  const endpoint = outputs.values["CognitoEndpoint"];
  if (endpoint === undefined)
    throw new Error(`${outputsFile} has no CognitoEndpoint: --local needs \`npm start\``);
  const { environment, assetDirectory } = authorizerFunction(cdkOut, outputs.stackName);
  process.env[ENV.userPoolId] = outputs.values["UserPoolId"];
  process.env[ENV.clientId] = outputs.values["UserPoolClientId"];
  const tokenUse = environment[ENV.tokenUse];
  process.env[ENV.tokenUse] = typeof tokenUse === "string" ? tokenUse : "access";
  process.env[ENV.jwksUri] = `${endpoint}/${outputs.values["UserPoolId"]}/.well-known/jwks.json`;
  // The rules file the synthesized deployment package ships (ROUTE_RULES_FILE names it in the package).
  const rulesFile = environment[ENV.routeRulesFile];
  if (typeof rulesFile !== "string")
    throw new Error(`the stack's authorizer function has no ${ENV.routeRulesFile}`);
  process.env[ENV.routeRules] ??= readFileSync(path.join(assetDirectory, rulesFile), "utf8");
  return {
    mint: (caller, variant) => {
      if (variant !== undefined && variant !== "id") {
        throw new Error(`the "${variant}" variant needs the throwaway issuer: run without --local`);
      }
      return signIn(outputs, caller, variant === "id" ? "id" : "access");
    },
    close: () => undefined,
  };
}

/** The function of the stack's API Gateway authorizer, as the local stack reads it from the cloud assembly. */
function authorizerFunction(cdkOut: string, stackName: string): LambdaFunctionDefinition {
  const stack = readCloudAssembly(cdkOut, stackName);
  const [authorizer, ...others] = stack.authorizers.values();
  if (authorizer === undefined || others.length > 0) {
    throw new Error(
      `stack ${stackName} in ${cdkOut} must have exactly one authorizer (it has ${stack.authorizers.size})`,
    );
  }
  const fn = stack.functions.get(authorizer.functionLogicalId);
  if (fn === undefined)
    throw new Error(`the function of authorizer ${authorizer.logicalId} is not in ${cdkOut}`);
  return fn;
}

type Result =
  | {
      principalId: string;
      policyDocument: Parameters<typeof evaluatePolicy>[0];
      context?: Record<string, unknown>;
    }
  | { isAuthorized: boolean; context?: Record<string, unknown> };

/** The EVENT_FORMAT a sample event file is run with, from its name (see the header). */
function eventFormatOf(file: string): EventFormat {
  const name = path.basename(file);
  if (name.startsWith("http2-simple-")) return "http-2.0-simple";
  if (name.startsWith("http2-iam-")) return "http-2.0-iam";
  if (name.startsWith("http1-")) return "http-1.0";
  return "rest";
}

/** The environment the authorizer is loaded with for one EVENT_FORMAT, on top of the setup's. */
function formatEnv(format: EventFormat): Record<string, string | undefined> {
  return {
    [ENV.eventFormat]: format,
    [ENV.routeKeyInIdentitySource]: format === "http-2.0-simple" ? "true" : undefined,
    [ENV.routeRulesComplete]: format === "rest" ? process.env[ENV.routeRulesComplete] : "true",
  };
}

async function main(): Promise<void> {
  const { values, positionals: files } = parseArgs({
    allowPositionals: true,
    options: {
      local: { type: "boolean", default: false },
      outputs: { type: "string", default: "local-outputs.json" },
      "cdk-out": { type: "string", default: "cdk.out" },
    },
  });
  if (files.length === 0) {
    throw new Error("usage: npm run invoke -- [--local] events/<file>.json [more files...]");
  }
  const events = files.map((file) => {
    try {
      return JSON.parse(readFileSync(file, "utf8")) as unknown;
    } catch (err) {
      throw new Error(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
    }
  });

  const setup = values.local ? localSetup(values.outputs, values["cdk-out"]) : await throwawaySetup();
  process.env.POWERTOOLS_LOG_LEVEL ??= "INFO";
  try {
    const bundle = await bundleAuthorizer(path.join(REPO_ROOT, ".tmp", "invoke"));
    const baseEnv = { ...process.env };
    const handlers = new Map<EventFormat, (e: unknown) => Promise<Result>>();
    const handlerFor = async (format: EventFormat): Promise<(e: unknown) => Promise<Result>> => {
      let handler = handlers.get(format);
      if (handler === undefined) {
        // A fresh module instance per EVENT_FORMAT (the query string), configured at its load.
        for (const [name, value] of Object.entries({ ...baseEnv, ...formatEnv(format) })) {
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
        }
        const url = `${pathToFileURL(bundle).href}?format=${format}`;
        handler = ((await import(url)) as { handler: (e: unknown) => Promise<Result> }).handler;
        handlers.set(format, handler);
      }
      return handler;
    };
    for (const [i, file] of files.entries()) {
      const event = (await substitute(events[i], setup.mint)) as { methodArn?: unknown; routeArn?: unknown };
      const format = eventFormatOf(file);
      const handler = await handlerFor(format);
      console.log(`\n=== ${file}`);
      try {
        const result = await handler(event);
        const arn = format.startsWith("http-2.0") ? event.routeArn : event.methodArn;
        if ("isAuthorized" in result) {
          console.log(
            result.isAuthorized
              ? "API Gateway answers: 200 (isAuthorized: the backend is called with the context below in requestContext.authorizer.lambda)"
              : "API Gateway answers: 403 Forbidden (isAuthorized is false)",
          );
        } else {
          console.log(
            evaluatePolicy(result.policyDocument, typeof arn === "string" ? arn : "").decision === "Allow"
              ? "API Gateway answers: 200 (Allow: the backend is called with the context below)"
              : "API Gateway answers: 403 Forbidden (the policy denies this method ARN)",
          );
        }
        console.log(JSON.stringify(result, null, 2));
      } catch (err) {
        if (err instanceof Error && err.message === "Unauthorized") {
          console.log("API Gateway answers: 401 Unauthorized (the authorizer's log line above says why)");
        } else {
          console.log(`API Gateway answers: 500 (the authorizer threw ${String(err)})`);
          process.exitCode = 1;
        }
      }
    }
  } finally {
    setup.close();
  }
}

main().catch((err: unknown) => {
  console.error(`invoke: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
});
