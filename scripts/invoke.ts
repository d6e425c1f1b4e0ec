// npm run invoke -- events/<file>.json
//
// Runs the authorizer (the same esbuild ESM bundle the CDK app ships) on a sample event and prints
// what API Gateway would answer: 401, 403 with the Deny policy, or 200 with the Allow policy and
// the context the backend receives. Events that need a valid token carry a placeholder, replaced
// at run time by a token signed with a throwaway key served from a loopback JWKS (JWKS_URI):
//
//   {{token}}                     an access token for the sample caller "reader"
//   {{token:<caller>}}            reader | editor | admin | nobody
//   {{token:<caller>:<variant>}}  expired | other-client | id | alg-none | future-iat
//
// ROUTE_RULES: taken from the environment if set, else events/route-rules.json (the sample API's rules).

import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { evaluatePolicy } from "../infra/local/iam-policy";
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
} from "../test/helpers/issuer";
import { bundleAuthorizer, REPO_ROOT } from "./lib/bundle";
import { SAMPLE_CALLERS } from "./lib/sample-callers";

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

/** Replace placeholders; the same placeholder within one event yields the same token. */
function substitute(value: unknown, mintOnce: (caller?: string, variant?: string) => string): unknown {
  if (typeof value === "string") {
    return value.replace(PLACEHOLDER, (_m, caller?: string, variant?: string) => mintOnce(caller, variant));
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, mintOnce));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, mintOnce)]));
  }
  return value;
}

function tokenMinter(key: TestKey): (caller?: string, variant?: string) => string {
  const minted = new Map<string, string>();
  return (caller, variant) => {
    const id = `${caller ?? ""}:${variant ?? ""}`;
    let token = minted.get(id);
    if (token === undefined) {
      token = mint(key, caller, variant);
      minted.set(id, token);
    }
    return token;
  };
}

type Result = {
  principalId: string;
  policyDocument: Parameters<typeof evaluatePolicy>[0];
  context?: Record<string, unknown>;
};

async function main(): Promise<void> {
  const files = process.argv.slice(2);
  if (files.length === 0 || files.some((f) => f.startsWith("-"))) {
    console.error("usage: npm run invoke -- events/<file>.json [more files...]");
    process.exit(2);
  }
  const events = files.map((file) => {
    try {
      return JSON.parse(readFileSync(file, "utf8")) as unknown;
    } catch (err) {
      console.error(`cannot read ${file}: ${(err as Error).message}`);
      process.exit(2);
    }
  });

  const key = generateTestKey();
  const jwks = createServer((_req, res) =>
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [key.jwk] })),
  );
  await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve));
  const { port } = jwks.address() as AddressInfo;

  process.env.USER_POOL_ID ??= TEST_USER_POOL_ID;
  process.env.CLIENT_ID ??= TEST_CLIENT_ID;
  process.env.JWKS_URI ??= `http://127.0.0.1:${port}/${TEST_USER_POOL_ID}/.well-known/jwks.json`;
  process.env.ROUTE_RULES ??= readFileSync(path.join(REPO_ROOT, "events", "route-rules.json"), "utf8");
  process.env.POWERTOOLS_LOG_LEVEL ??= "INFO";

  try {
    const bundle = await bundleAuthorizer(path.join(REPO_ROOT, ".tmp", "invoke"));
    const { handler } = (await import(pathToFileURL(bundle).href)) as {
      handler: (e: unknown) => Promise<Result>;
    };
    for (const [i, file] of files.entries()) {
      const event = substitute(events[i], tokenMinter(key)) as { methodArn?: unknown };
      console.log(`\n=== ${file}`);
      try {
        const result = await handler(event);
        const arn = typeof event.methodArn === "string" ? event.methodArn : "";
        console.log(
          evaluatePolicy(result.policyDocument, arn).decision === "Allow"
            ? "API Gateway answers: 200 (Allow: the backend is called with the context below)"
            : "API Gateway answers: 403 Forbidden (the policy denies this method ARN)",
        );
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
    jwks.close();
  }
}

void main();
