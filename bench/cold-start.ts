// Cold start of the production bundle, in fresh child processes of each runtime (this machine's
// Node and Node 22, bench/runtimes.ts), interleaved: import time (JWKS hydration over
// loopback included, and reported on its own), the first request's latency after import, and the
// minified bundle size. The bundle is the CDK app's own asset when `cdk.out` holds one from a real
// synth, and always also tools/bundle.ts's fresh build with the same options (infra/lambda-bundle.ts).

import { fork } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ENV } from "../lambda/authorizer/contract";
import { bundleAuthorizer, compileScript, REPO_ROOT } from "../tools/bundle";
import { CALLERS, METHOD_ARNS, TEST_CLIENT_ID, TEST_USER_POOL_ID } from "./fixtures";
import { median } from "./stats";
import { accessClaims, generateTestKey, signToken } from "../tools/issuer";
import { JwksServer } from "../tools/jwks-server";
import type { Runtime } from "./runtimes";

export interface Bundle {
  readonly label: string;
  readonly file: string;
  readonly bytes: number;
  /** Environment the function is deployed with (from the synthesized template when known). */
  readonly env: Readonly<Record<string, string>>;
  /** Node options the function runs with (NODE_OPTIONS in the template). */
  readonly nodeOptions: readonly string[];
}

export interface ColdStartRow {
  readonly runtime: Runtime;
  readonly bundle: string;
  readonly nodeOptions: string;
  readonly samples: number;
  readonly nodeStartMs: number;
  readonly importMs: number;
  readonly jwksMs: number;
  readonly firstRequestMs: number;
  readonly secondRequestMs: number;
  readonly jwksRequestsDuringFirst: number;
  readonly allAllowed: boolean;
}

interface ChildReport {
  nodeStartMs: number;
  importMs: number;
  jwksMs: number;
  firstRequestMs: number;
  secondRequestMs: number;
  jwksRequestsDuringFirst: number;
  allowed: boolean;
}

const OUT_DIR = path.join(REPO_ROOT, ".tmp", "bench");

/** The authorizer asset of the last `cdk synth`, with its template's plain-string variables. */
function cdkOutBundle(): Bundle | undefined {
  const cdkOut = path.join(REPO_ROOT, "cdk.out");
  const templateFile = path.join(cdkOut, "CognitoAuthorizerSample.template.json");
  if (!existsSync(templateFile)) return undefined;
  type Fn = {
    Type: string;
    Properties?: { Code?: { S3Key?: unknown }; Environment?: { Variables?: object } };
  };
  const template = JSON.parse(readFileSync(templateFile, "utf8")) as { Resources?: Record<string, Fn> };
  for (const resource of Object.values(template.Resources ?? {})) {
    const variables = (resource.Properties?.Environment?.Variables ?? {}) as Record<string, unknown>;
    // The REST API's authorizer: the function whose package ships the route rules (ROUTE_RULES_FILE)
    // and that sets no EVENT_FORMAT (the HTTP API's authorizer ships the same bundle).
    if (
      resource.Type !== "AWS::Lambda::Function" ||
      variables[ENV.routeRulesFile] === undefined ||
      variables[ENV.eventFormat] !== undefined
    ) {
      continue;
    }
    const key = resource.Properties?.Code?.S3Key;
    if (typeof key !== "string") continue;
    const file = path.join(cdkOut, `asset.${key.replace(/\.zip$/, "")}`, "index.mjs");
    if (!existsSync(file)) continue;
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(resource.Properties?.Environment?.Variables ?? {})) {
      if (typeof value === "string") env[name] = value;
    }
    const nodeOptions = (env.NODE_OPTIONS ?? "").split(" ").filter((o) => o !== "");
    delete env.NODE_OPTIONS;
    return {
      label: `cdk.out asset ${key.slice(0, 12)}…`,
      file,
      bytes: statSync(file).size,
      env,
      nodeOptions,
    };
  }
  return undefined;
}

export async function bundles(): Promise<Bundle[]> {
  const fresh = await bundleAuthorizer(path.join(OUT_DIR, "bundle"));
  const rules = readFileSync(path.join(REPO_ROOT, "events", "route-rules.json"), "utf8");
  const found = cdkOutBundle();
  const list: Bundle[] = [];
  if (found !== undefined) list.push(found);
  list.push({
    label: "tools/bundle.ts (fresh)",
    file: fresh,
    bytes: statSync(fresh).size,
    env: {
      [ENV.routeRules]: rules,
      POWERTOOLS_SERVICE_NAME: "cognito-jwt-authorizer",
      POWERTOOLS_LOG_LEVEL: "INFO",
    },
    nodeOptions: found?.nodeOptions ?? ["--enable-source-maps"],
  });
  return list;
}

function childScript(): Promise<string> {
  return compileScript(path.join(REPO_ROOT, "bench", "cold-child.ts"), path.join(OUT_DIR, "cold-child.mjs"));
}

function runChild(
  script: string,
  runtime: Runtime,
  bundle: Bundle,
  nodeOptions: readonly string[],
  env: NodeJS.ProcessEnv,
) {
  return new Promise<ChildReport>((resolve, reject) => {
    const child = fork(script, [pathToFileURL(bundle.file).href], {
      execPath: runtime.execPath,
      execArgv: [...nodeOptions],
      env: { PATH: process.env.PATH, ...bundle.env, ...env },
      stdio: ["ignore", "ignore", "ignore", "ipc"],
    });
    let report: ChildReport | undefined;
    child.on("message", (m) => (report = m as ChildReport));
    child.on("error", reject);
    child.on("exit", (code) =>
      report !== undefined ? resolve(report) : reject(new Error(`cold-start child exited with ${code}`)),
    );
  });
}

/** `samples` fresh processes per (runtime, bundle, node options), interleaved. */
export async function measureColdStart(
  samples: number,
  runtimes: readonly Runtime[],
): Promise<{ rows: ColdStartRow[]; bundles: Bundle[] }> {
  const list = await bundles();
  const script = await childScript();
  const key = generateTestKey("bench-cold-1");
  const server = await JwksServer.start([key.jwk]);
  const event = {
    type: "TOKEN",
    authorizationToken: `Bearer ${signToken(key, accessClaims({ ...CALLERS[0], sub: "cold-start-caller" }))}`,
    methodArn: METHOD_ARNS[2],
  };
  const env = {
    [ENV.userPoolId]: TEST_USER_POOL_ID,
    [ENV.clientId]: TEST_CLIENT_ID,
    [ENV.jwksUri]: server.url,
    BENCH_EVENT: JSON.stringify(event),
  };
  const configs = list.flatMap((bundle) => {
    const variants = [bundle.nodeOptions];
    if (bundle.nodeOptions.length > 0) variants.push([]);
    return variants.flatMap((nodeOptions) =>
      runtimes.map((runtime) => ({ runtime, bundle, nodeOptions, reports: [] as ChildReport[] })),
    );
  });
  try {
    for (let i = 0; i < samples; i++) {
      for (const c of configs) {
        c.reports.push(await runChild(script, c.runtime, c.bundle, c.nodeOptions, env));
      }
    }
  } finally {
    await server.stop();
  }
  const med = (reports: ChildReport[], pick: (r: ChildReport) => number) => median(reports.map(pick));
  return {
    bundles: list,
    rows: configs.map(({ runtime, bundle, nodeOptions, reports }) => ({
      runtime,
      bundle: bundle.label,
      nodeOptions: nodeOptions.join(" ") || "(none)",
      samples: reports.length,
      nodeStartMs: med(reports, (r) => r.nodeStartMs),
      importMs: med(reports, (r) => r.importMs),
      jwksMs: med(reports, (r) => r.jwksMs),
      firstRequestMs: med(reports, (r) => r.firstRequestMs),
      secondRequestMs: med(reports, (r) => r.secondRequestMs),
      jwksRequestsDuringFirst: Math.max(...reports.map((r) => r.jwksRequestsDuringFirst)),
      allAllowed: reports.every((r) => r.allowed),
    })),
  };
}
