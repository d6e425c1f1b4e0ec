// npx tsx bench/cold-breakdown.ts [-- --samples 21]
//
// Where a cold start's import time goes, per part, on each runtime (bench/runtimes.ts): the
// unminified bundle (tools/bundle.ts, the CDK app's options but readable), with a timestamp written
// before each module's top-level code and before each statement of the entry point, imported by
// fresh processes. Rows: the link phase (parse, compile, and the Node built-ins the bundle imports,
// all before any of its code runs), each module's top-level code, and each step of index.ts
// (Logger, config and rules, verifier, JWKS hydration, warm-up, ready line). Medians over samples,
// interleaved. The minified bundle parses faster: `npm run bench` has the totals that count.
// A script that prints figures, not a test.

import { fork } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { ENV } from "../lambda/authorizer/contract";
import { bundleAuthorizer, compileScript, REPO_ROOT } from "../tools/bundle";
import { generateTestKey } from "../tools/issuer";
import { JwksServer } from "../tools/jwks-server";
import { TEST_CLIENT_ID, TEST_USER_POOL_ID } from "./fixtures";
import { benchRuntimes, type Runtime } from "./runtimes";
import { median } from "./stats";

const OUT_DIR = path.join(REPO_ROOT, ".tmp", "bench", "breakdown");

/** Statements of index.ts, as esbuild writes them, each timed up to the next. */
const ENTRY_STEPS: readonly [prefix: string, label: string][] = [
  ["var logger = new Logger(", "index.ts: new Logger (Powertools)"],
  ["var config = loadConfig(", "index.ts: loadConfig (incl. ROUTE_RULES compilation and proof)"],
  ["var verifier = createTokenVerifier(", "index.ts: createTokenVerifier"],
  ["  await verifier.hydrate();", "index.ts: hydrate (the JWKS fetch)"],
  ["  verifier.warmUp();", "index.ts: warmUp"],
  ['logger.info("authorizer ready"', 'index.ts: the "authorizer ready" line'],
  ["var handler = createAuthorizer(", "index.ts: createAuthorizer"],
];

const mark = (label: string): string =>
  `globalThis.__coldMarks.push([${JSON.stringify(label)}, performance.now()]);`;

/** The unminified bundle with a mark before each module and each entry step. Throws if an anchor is gone. */
function instrument(source: string): string {
  const out: string[] = [];
  const found = new Set<string>();
  for (const line of source.split("\n")) {
    // esbuild heads each module's code with a `// path` comment at column 0.
    const module = /^\/\/ ((?:node_modules|lambda)\/\S+)$/.exec(line)?.[1];
    if (module !== undefined) {
      out.push(mark(module.replace(/^node_modules\//, "").replace(/\/(lib\/esm|dist\/esm|dist-es)\//, "/")));
    }
    for (const [prefix, label] of ENTRY_STEPS) {
      if (line.startsWith(prefix)) {
        out.push(mark(label));
        found.add(prefix);
      }
    }
    if (line.startsWith("export {")) out.push(mark("end"));
    out.push(line);
  }
  const missing = ENTRY_STEPS.filter(([prefix]) => !found.has(prefix));
  if (missing.length > 0) {
    throw new Error(
      `index.ts changed: no line starts with ${missing.map(([p]) => JSON.stringify(p)).join(", ")} ` +
        "in the unminified bundle; update ENTRY_STEPS in bench/cold-breakdown.ts",
    );
  }
  return out.join("\n");
}

// The child: node:http first as CommonJS (as Lambda's runtime client loads it), then the timed import.
const CHILD = `
process.getBuiltinModule("node:http");
globalThis.__coldMarks = [];
const start = performance.now();
await import(process.argv[2]);
const end = performance.now();
process.send({ start, end, marks: globalThis.__coldMarks }, () => process.exit(0));
`;

interface ChildReport {
  start: number;
  end: number;
  marks: [string, number][];
}

function runChild(child: string, bundle: string, runtime: Runtime, env: NodeJS.ProcessEnv) {
  return new Promise<ChildReport>((resolve, reject) => {
    const proc = fork(child, [pathToFileURL(bundle).href], {
      execPath: runtime.execPath,
      execArgv: [],
      env: { PATH: process.env.PATH, ...env },
      stdio: ["ignore", "ignore", "ignore", "ipc"],
    });
    let report: ChildReport | undefined;
    proc.on("message", (m) => (report = m as ChildReport));
    proc.on("error", reject);
    proc.on("exit", (code) =>
      report !== undefined ? resolve(report) : reject(new Error(`breakdown child exited with ${code}`)),
    );
  });
}

/** Per-part durations of one import: the link phase, then from each mark to the next. */
function parts(r: ChildReport): Map<string, number> {
  const result = new Map<string, number>();
  const first = r.marks[0];
  if (first === undefined) throw new Error("the instrumented bundle wrote no marks");
  result.set("link: parse, compile, Node built-ins", first[1] - r.start);
  for (let i = 0; i + 1 < r.marks.length; i++) {
    const [label, at] = r.marks[i] as [string, number];
    result.set(label, (result.get(label) ?? 0) + (r.marks[i + 1] as [string, number])[1] - at);
  }
  result.set("after the last statement", r.end - (r.marks[r.marks.length - 1] as [string, number])[1]);
  result.set("TOTAL import", r.end - r.start);
  return result;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { samples: { type: "string", default: "21" } } });
  const samples = Number(values.samples);
  const runtimes = benchRuntimes();
  const plain = await bundleAuthorizer(OUT_DIR, { minify: false });
  const bundle = path.join(OUT_DIR, "instrumented.mjs");
  writeFileSync(bundle, instrument(readFileSync(plain, "utf8")));
  const childTs = path.join(OUT_DIR, "child.ts");
  writeFileSync(childTs, `export {};\n${CHILD}`);
  const child = await compileScript(childTs, path.join(OUT_DIR, "child.mjs"));

  const key = generateTestKey("bench-breakdown-1");
  const server = await JwksServer.start([key.jwk]);
  const env = {
    [ENV.userPoolId]: TEST_USER_POOL_ID,
    [ENV.clientId]: TEST_CLIENT_ID,
    [ENV.jwksUri]: server.url,
    [ENV.routeRules]: readFileSync(path.join(REPO_ROOT, "events", "route-rules.json"), "utf8"),
    POWERTOOLS_SERVICE_NAME: "cognito-jwt-authorizer",
    POWERTOOLS_LOG_LEVEL: "INFO",
  };
  const byRuntime = runtimes.map(() => new Map<string, number[]>());
  try {
    for (let i = 0; i < samples; i++) {
      for (const [k, runtime] of runtimes.entries()) {
        const table = byRuntime[k] as Map<string, number[]>;
        for (const [label, ms] of parts(await runChild(child, bundle, runtime, env))) {
          table.set(label, [...(table.get(label) ?? []), ms]);
        }
      }
    }
  } finally {
    await server.stop();
  }
  const out = (line = ""): void => void process.stdout.write(`${line}\n`);
  out(
    `Import of the unminified, instrumented bundle (${path.relative(REPO_ROOT, bundle)}), ${samples} fresh`,
  );
  out("processes per runtime, interleaved; median ms per part (parts under 0.05 ms left out).");
  out();
  out(`${"part".padEnd(66)}${runtimes.map((r) => `${r.label} ${r.version}`.padStart(18)).join("")}`);
  const labels = [...(byRuntime[0] as Map<string, number[]>).keys()];
  for (const label of labels) {
    const cells = byRuntime.map((t) => median(t.get(label) ?? []));
    if (cells.every((v) => v < 0.05)) continue;
    out(`${label.padEnd(66)}${cells.map((v) => v.toFixed(2).padStart(18)).join("")}`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
