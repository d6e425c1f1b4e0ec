// The per-request rows, run in a child process of bench/run.ts whose stdout (where Powertools
// Logger writes our one JSON line per decision) is a file: the log line is really serialised and
// written, cheaply. Results go back to the parent over the IPC channel, never to stdout.
//
// Method: all tokens are signed before timing; every row is warmed up; then, in each round, every
// row runs once over the whole token set, rows interleaved (A B C ... then again), with the
// garbage collector run between rows. Each request is timed on its own (process.hrtime.bigint);
// a round yields a median and a mean per request for each row.

import { Logger } from "@aws-lambda-powertools/logger";
import { createAuthorizer } from "../lambda/authorizer/authorizer";
import { loadConfig } from "../lambda/authorizer/config";
import { ENV, EVERY_ROUTE } from "../lambda/authorizer/contract";
import { createTokenVerifier } from "../lambda/authorizer/verify";
import { TEST_ISSUER } from "../tools/issuer";
import { JwksServer } from "../tools/jwks-server";
import { makeFixtures, ROUTE_RULES_20, TEST_CLIENT_ID, TEST_USER_POOL_ID, type TokenEvent } from "./fixtures";
import { JsonLineLogger } from "./json-line-logger";
import { mean, median } from "./stats";
import { awsJwtVerifyReadme, floorVerify, joseAuthorizer, jsonwebtokenPem } from "./peers";

export interface MeasureOptions {
  readonly tokens: number;
  readonly rounds: number;
  readonly warmupRounds: number;
}

export interface RowResult {
  readonly id: string;
  readonly label: string;
  readonly group: "main" | "breakdown" | "proposal";
  /** Median over rounds of the per-round median per request, in µs. */
  readonly medianUs: number;
  /** Median over rounds of the per-round mean wall time per request, in µs. */
  readonly meanUs: number;
  /** Median over rounds of the process CPU time per request, in µs (what the sizing uses). */
  readonly cpuUs: number;
  readonly perRoundMedianUs: readonly number[];
}

export interface MeasureReport {
  readonly rows: readonly RowResult[];
  readonly tokens: number;
  readonly rounds: number;
  /** JWKS requests made after hydration (must be 0: no network per request). */
  readonly jwksRequestsDuringRun: number;
  readonly node: string;
}

interface Row {
  readonly id: string;
  readonly label: string;
  readonly group: RowResult["group"];
  /** Sync rows are called without await (the floor); async rows are awaited. */
  readonly sync?: (i: number) => unknown;
  readonly async?: (i: number) => Promise<unknown>;
  /** Requests per round (the token count unless said otherwise). */
  readonly count: number;
}

const noopLogger = { debug: (): void => undefined, info: (): void => undefined, warn: (): void => undefined };

async function setUp(tokenCount: number): Promise<{ rows: Row[]; jwksRequests: () => number }> {
  const fx = makeFixtures(tokenCount);
  const jwks = { keys: [fx.key.jwk] };
  const server = await JwksServer.start(jwks.keys);
  const env = {
    [ENV.userPoolId]: TEST_USER_POOL_ID,
    [ENV.clientId]: TEST_CLIENT_ID,
    [ENV.jwksUri]: server.url,
    [ENV.routeRules]: EVERY_ROUTE,
  };
  const logger = new Logger({ serviceName: "cognito-jwt-authorizer" });

  const plainConfig = loadConfig(env);
  // Declared complete, as the CDK construct deploys the function (ROUTE_RULES_COMPLETE=true).
  const rulesConfig = loadConfig({
    ...env,
    [ENV.routeRules]: JSON.stringify(ROUTE_RULES_20),
    [ENV.routeRulesComplete]: "true",
  });
  const hydrated = async (): Promise<ReturnType<typeof createTokenVerifier>> => {
    const v = createTokenVerifier(plainConfig);
    await v.hydrate();
    return v;
  };
  // One verifier (and so one JWKS cache) per handler, as each would have in its own Lambda.
  const vPlain = await hydrated();
  const vRepeat = await hydrated();
  const vRules = await hydrated();
  const vNoLog = await hydrated();
  const vNoCache = await hydrated();
  const verifiers = [vPlain, vRepeat, vRules, vNoLog, vNoCache];

  const ours = createAuthorizer({ verifier: vPlain, logger, routeRules: undefined });
  // The previous design: a Powertools line for every Allow too (now: POWERTOOLS_LOG_LEVEL=DEBUG).
  const debugLogger = new Logger({ serviceName: "cognito-jwt-authorizer", logLevel: "DEBUG" });
  const vDebug = await hydrated();
  const oursDebug = createAuthorizer({ verifier: vDebug, logger: debugLogger, routeRules: undefined });
  verifiers.push(vDebug);
  const oursRepeat = createAuthorizer({ verifier: vRepeat, logger, routeRules: undefined });
  const oursRules = createAuthorizer({ verifier: vRules, logger, routeRules: rulesConfig.routeRules });
  const oursNoLog = createAuthorizer({ verifier: vNoLog, logger: noopLogger, routeRules: undefined });
  const oursNoCache = createAuthorizer({
    verifier: vNoCache,
    logger,
    routeRules: undefined,
    verifiedTokenCacheSize: 0,
  });
  const vProto = await hydrated();
  const vProtoRepeat = await hydrated();
  verifiers.push(vProto, vProtoRepeat);
  const jsonLines = new JsonLineLogger("cognito-jwt-authorizer");
  const proto = createAuthorizer({ verifier: vProto, logger: jsonLines, routeRules: undefined });
  const protoRepeat = createAuthorizer({ verifier: vProtoRepeat, logger: jsonLines, routeRules: undefined });
  const readme = awsJwtVerifyReadme(jwks, TEST_USER_POOL_ID, TEST_CLIENT_ID);
  const jose = await joseAuthorizer(jwks, TEST_ISSUER, TEST_CLIENT_ID);
  const jwt = jsonwebtokenPem(jwks, TEST_ISSUER, TEST_CLIENT_ID);

  const { tokens, events } = fx;
  const ev = (i: number): TokenEvent => events[i] as TokenEvent;
  const repeated = ev(0);
  const n = tokens.length;
  const rows: Row[] = [
    {
      id: "floor",
      label: "floor: crypto.verify, cached KeyObject",
      group: "main",
      sync: (i) => floorVerify(fx.key.publicKey, tokens[i] as string),
      count: n,
    },
    {
      id: "ours",
      label: "ours, TOKEN events, distinct tokens",
      group: "main",
      async: (i) => ours(ev(i)),
      count: n,
    },
    {
      id: "ours-repeat",
      label: "ours, one token repeated (verified-token cache)",
      group: "main",
      async: () => oursRepeat(repeated),
      count: n,
    },
    {
      id: "ours-rules",
      label: "ours + 20 route rules, 6 caller kinds",
      group: "main",
      async: (i) => oursRules(ev(i)),
      count: n,
    },
    {
      id: "readme",
      label: "peer: aws-jwt-verify README authorizer",
      group: "main",
      async: (i) => readme(ev(i)),
      count: n,
    },
    {
      id: "jose",
      label: "peer: jose jwtVerify, local JWKS",
      group: "main",
      async: (i) => jose(ev(i)),
      count: n,
    },
    {
      id: "jsonwebtoken",
      label: "peer: jsonwebtoken, PEM key",
      group: "main",
      async: (i) => jwt(ev(i)),
      count: n,
    },
    {
      id: "verify-only",
      label: "ours: TokenVerifier.verify alone",
      group: "breakdown",
      async: (i) => vPlain.verify(tokens[i] as string),
      count: n,
    },
    {
      id: "ours-nolog",
      label: "ours, no-op logger",
      group: "breakdown",
      async: (i) => oursNoLog(ev(i)),
      count: n,
    },
    {
      id: "ours-debug",
      label: "ours at log level DEBUG (a line per Allow)",
      group: "breakdown",
      async: (i) => oursDebug(ev(i)),
      count: n,
    },
    {
      id: "ours-nocache",
      label: "ours, verified-token cache off",
      group: "breakdown",
      async: (i) => oursNoCache(ev(i)),
      count: n,
    },
    {
      id: "proto",
      label: "ours, plain JSON line instead of Powertools",
      group: "proposal",
      async: (i) => proto(ev(i)),
      count: n,
    },
    {
      id: "proto-repeat",
      label: "ours, repeated token, plain JSON line",
      group: "proposal",
      async: () => protoRepeat(repeated),
      count: n,
    },
  ];
  // Hydrated: from here on, any request to the JWKS endpoint is a bug the report shows.
  const hydratedRequests = verifiers.reduce((n, v) => n + v.fetcher.requests, 0);
  await server.stop();
  return {
    rows,
    jwksRequests: () => verifiers.reduce((sum, v) => sum + v.fetcher.requests, 0) - hydratedRequests,
  };
}

/**
 * One pass of a row over its requests: per-request wall durations in µs into `out`; returns the
 * process CPU time (user + system, all threads: GC helpers included) per request in µs. On a shared,
 * noisy machine, CPU time is what preemption does not inflate.
 */
async function runRow(row: Row, out: Float64Array): Promise<number> {
  const { sync, async: asyncFn, count } = row;
  const cpu0 = process.cpuUsage();
  if (sync !== undefined) {
    for (let i = 0; i < count; i++) {
      const t0 = process.hrtime.bigint();
      sync(i);
      out[i] = Number(process.hrtime.bigint() - t0) / 1000;
    }
  } else {
    if (asyncFn === undefined) throw new Error(`row ${row.id} has nothing to run`);
    for (let i = 0; i < count; i++) {
      const t0 = process.hrtime.bigint();
      await asyncFn(i);
      out[i] = Number(process.hrtime.bigint() - t0) / 1000;
    }
  }
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / count;
}

const collectGarbage = (globalThis as { gc?: () => void }).gc ?? ((): void => undefined);

export async function measure(options: MeasureOptions): Promise<MeasureReport> {
  const { rows, jwksRequests } = await setUp(options.tokens);
  const buffers = rows.map((r) => new Float64Array(r.count));
  for (let w = 0; w < options.warmupRounds; w++) {
    for (const [k, row] of rows.entries()) await runRow(row, buffers[k] as Float64Array);
  }
  const medians = rows.map((): number[] => []);
  const means = rows.map((): number[] => []);
  const cpus = rows.map((): number[] => []);
  for (let round = 0; round < options.rounds; round++) {
    for (const [k, row] of rows.entries()) {
      collectGarbage();
      const buf = buffers[k] as Float64Array;
      cpus[k]?.push(await runRow(row, buf));
      medians[k]?.push(median(buf));
      means[k]?.push(mean(buf));
    }
  }
  return {
    rows: rows.map((row, k) => ({
      id: row.id,
      label: row.label,
      group: row.group,
      medianUs: median(medians[k] as number[]),
      meanUs: median(means[k] as number[]),
      cpuUs: median(cpus[k] as number[]),
      perRoundMedianUs: medians[k] as number[],
    })),
    tokens: options.tokens,
    rounds: options.rounds,
    jwksRequestsDuringRun: jwksRequests(),
    node: process.version,
  };
}

// Child-process entry: options from argv as JSON, report over IPC.
if (process.send !== undefined && process.argv[2] !== undefined) {
  const options = JSON.parse(process.argv[2]) as MeasureOptions;
  measure(options).then(
    (report) => process.send?.({ ok: true, report }, () => process.exit(0)),
    (err: unknown) =>
      process.send?.({ ok: false, error: String(err instanceof Error ? err.stack : err) }, () =>
        process.exit(1),
      ),
  );
}
