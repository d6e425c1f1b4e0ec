// npm run bench [-- --tokens 2000 --rounds 7 --cold-samples 15 --hit-ratio 0.9]
//
// Prints, from one run on this machine and for each runtime side by side (this machine's Node and
// Node 22, the version Lambda runs the authorizer on: bench/runtimes.ts): per-request cost of our
// authorizer next to the floor (one RS256 verify with node:crypto) and the common alternatives, the
// cold start of the production bundle, the targets, and the Lambda sizing that follows. Targets and
// sizing use the Node 22 figures. A script that prints figures, not a test.

import { fork } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { REPO_ROOT } from "../tools/bundle";
import { type ColdStartRow, measureColdStart } from "./cold-start";
import type { MeasureOptions, MeasureReport, RowResult } from "./measure";
import { benchRuntimes, type Runtime } from "./runtimes";
import { PRICES, sizing } from "./sizing";

const OUT_DIR = path.join(REPO_ROOT, ".tmp", "bench");
const VERIFIED_TOKEN_CACHE_SIZE = 1000;
const MAX_BUNDLE_BYTES = 64 * 1024;

/** Per-request rows in a child of `runtime` whose stdout (the decision log lines) goes to a file. */
function measureInChild(runtime: Runtime, options: MeasureOptions, logFile: string): Promise<MeasureReport> {
  const fd = openSync(logFile, "w");
  return new Promise<MeasureReport>((resolve, reject) => {
    const child = fork(path.join(REPO_ROOT, "bench", "measure.ts"), [JSON.stringify(options)], {
      execPath: runtime.execPath,
      execArgv: ["--import", "tsx", "--expose-gc"],
      stdio: ["ignore", fd, "inherit", "ipc"],
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: "INFO", POWERTOOLS_DEV: "" },
    });
    let settled = false;
    child.on("message", (m: { ok: boolean; report?: MeasureReport; error?: string }) => {
      settled = true;
      if (m.ok && m.report !== undefined && m.report.node !== runtime.version) {
        reject(
          new Error(`${runtime.label}: the measurement ran on ${m.report.node}, not ${runtime.version}`),
        );
      } else if (m.ok && m.report !== undefined) resolve(m.report);
      else reject(new Error(m.error ?? "measurement failed"));
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      closeSync(fd);
      if (!settled) reject(new Error(`measurement child exited with ${code}`));
    });
  });
}

const us = (v: number): string => v.toFixed(v < 10 ? 2 : 1);
const x = (v: number): string => `${v.toFixed(2)}x`;
const ms = (v: number): string => v.toFixed(2);
const pad = (s: string, n: number): string => s.padEnd(n);
const lpad = (s: string, n: number): string => s.padStart(n);

interface RuntimeReport {
  readonly runtime: Runtime;
  readonly report: MeasureReport;
}

function rowOf(report: MeasureReport, id: string): RowResult {
  const row = report.rows.find((r) => r.id === id);
  if (row === undefined) throw new Error(`no row ${id} in the report`);
  return row;
}

/** One line per row; per runtime: median µs, × floor, CPU µs, × floor (each runtime has its own floor). */
function perRequestTable(reports: readonly RuntimeReport[]): string[] {
  const cols = (label: string): string =>
    `${lpad(`${label} µs`, 12)}${lpad("x floor", 8)}${lpad("CPU µs", 8)}${lpad("x floor", 8)}`;
  const lines = [
    `${pad("", 50)}${reports.map(({ runtime }) => lpad(`${runtime.label} (${runtime.version})`, 36)).join("  ")}`,
    `${pad("row", 50)}${reports.map(() => cols("median")).join("  ")}`,
  ];
  const titles = {
    main: undefined,
    breakdown: "breakdown (subtraction experiments, same run):",
    proposal:
      "what the Powertools Logger line costs: the same handler with a plain JSON line writer (same run):",
  };
  const first = reports[0]?.report;
  if (first === undefined) return lines;
  for (const group of ["main", "breakdown", "proposal"] as const) {
    const title = titles[group];
    if (title !== undefined) lines.push(title);
    for (const r of first.rows.filter((row) => row.group === group)) {
      const cells = reports.map(({ report }) => {
        const floor = rowOf(report, "floor");
        const row = rowOf(report, r.id);
        return (
          `${lpad(us(row.medianUs), 12)}${lpad(x(row.medianUs / floor.medianUs), 8)}` +
          `${lpad(us(row.cpuUs), 8)}${lpad(x(row.cpuUs / floor.cpuUs), 8)}`
        );
      });
      lines.push(`${pad(r.label, 50)}${cells.join("  ")}`);
    }
  }
  return lines;
}

function coldStartTable(rows: readonly ColdStartRow[]): string[] {
  const lines = [
    `${pad("runtime", 19)}${pad("bundle", 34)}${pad("node options", 22)}${lpad("n", 3)}${lpad("import ms", 11)}` +
      `${lpad("of which JWKS", 15)}${lpad("without JWKS", 14)}${lpad("1st req ms", 12)}${lpad("2nd req ms", 12)}` +
      `${lpad("node start", 12)}`,
  ];
  for (const r of rows) {
    lines.push(
      `${pad(`${r.runtime.label} ${r.runtime.version}`, 19)}${pad(r.bundle, 34)}${pad(r.nodeOptions, 22)}` +
        `${lpad(String(r.samples), 3)}${lpad(ms(r.importMs), 11)}${lpad(ms(r.jwksMs), 15)}` +
        `${lpad(ms(r.importMs - r.jwksMs), 14)}${lpad(ms(r.firstRequestMs), 12)}` +
        `${lpad(ms(r.secondRequestMs), 12)}${lpad(ms(r.nodeStartMs), 12)}`,
    );
  }
  return lines;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tokens: { type: "string", default: "2000" },
      rounds: { type: "string", default: "7" },
      "cold-samples": { type: "string", default: "15" },
      "hit-ratio": { type: "string", default: "0.9" },
    },
  });
  const tokens = Number(values.tokens);
  const hitRatio = Number(values["hit-ratio"]);
  if (!(tokens > VERIFIED_TOKEN_CACHE_SIZE)) {
    // Each token is seen once per round, in the same order: with more tokens than the LRU holds,
    // every request of the distinct-token rows is a cache miss (a full verification).
    throw new Error(`--tokens must exceed the verified-token cache size (${VERIFIED_TOKEN_CACHE_SIZE})`);
  }
  mkdirSync(OUT_DIR, { recursive: true });
  const logFile = path.join(OUT_DIR, "decisions.log");
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  const out = (line = ""): void => void process.stdout.write(`${line}\n`);

  out(
    `Cognito JWT authorizer benchmark: ${cpu}, ${os.cpus().length} cores, Node ${process.version}, ${os.platform()} ${os.arch()}`,
  );
  out(
    `load average at start: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  const runtimes = benchRuntimes();
  out(
    `runtimes: ${runtimes.map((r) => `${r.label} ${r.version} (${path.relative(REPO_ROOT, r.execPath) || r.execPath})`).join(", ")}`,
  );
  out();
  const options = { tokens, rounds: Number(values.rounds), warmupRounds: 1 };
  const reports: RuntimeReport[] = [];
  const logNotes: string[] = [];
  for (const runtime of runtimes) {
    const report = await measureInChild(runtime, options, logFile);
    reports.push({ runtime, report });
    const decisionLines = readFileSync(logFile, "utf8").split("\n").length - 1;
    logNotes.push(
      `${runtime.label}: ${decisionLines} log lines, ${(statSync(logFile).size / 1e6).toFixed(1)} MB, ` +
        `${report.jwksRequestsDuringRun} JWKS requests after hydration`,
    );
  }
  out(
    `Per request: ${tokens} distinct valid tokens (pre-signed RS256 access tokens), ${options.rounds} rounds after ` +
      `warm-up, rows interleaved, one child process per runtime (one after the other); median of per-round ` +
      `medians, and CPU time per request; ratios to the floor of the same runtime. Our log lines went to ` +
      `${path.relative(REPO_ROOT, logFile)} (${logNotes.join("; ")}).`,
  );
  out();
  for (const line of perRequestTable(reports)) out(line);
  out();

  const cold = await measureColdStart(Number(values["cold-samples"]), runtimes);
  out(
    "Cold start: fresh processes of each runtime, interleaved, medians; import includes the top-level-await JWKS " +
      "fetch over loopback, shown on its own and subtracted in 'without JWKS' (import to ready).",
  );
  for (const b of cold.bundles) {
    out(
      `  ${b.label}: ${path.relative(REPO_ROOT, b.file)}, ${b.bytes} bytes minified (${(b.bytes / 1024).toFixed(1)} KiB)`,
    );
  }
  out();
  for (const line of coldStartTable(cold.rows)) out(line);
  out();

  const prod = reports.find((r) => r.runtime.production);
  const other = reports.find((r) => !r.runtime.production);
  if (prod === undefined || other === undefined)
    throw new Error("expected a production and a machine runtime");
  const ratios = ({ report }: RuntimeReport) => {
    const row = (id: string): number => rowOf(report, id).medianUs;
    return {
      floor: row("ours") / row("floor"),
      readme: row("ours") / row("readme"),
      readmeDebug: row("ours-debug") / row("readme"),
      repeat: row("ours-repeat") / row("floor"),
    };
  };
  const p = ratios(prod);
  const o = ratios(other);
  // The first bundle is the deployed one (cdk.out when synthesized), with the options it deploys with.
  const coldRow = (runtime: Runtime): ColdStartRow => {
    const found = cold.rows.find((r) => r.runtime === runtime);
    if (found === undefined) throw new Error(`no cold-start row for ${runtime.label}`);
    return found;
  };
  const pc = coldRow(prod.runtime);
  const oc = coldRow(other.runtime);
  const mainBundle = cold.bundles[0];
  const verdict = (ok: boolean): string => (ok ? "MET " : "MISS");
  const also = (text: string): string => `(${other.runtime.label}: ${text})`;
  out(
    `Targets (this run, on ${prod.runtime.label}, the runtime Lambda runs; ${other.runtime.label} in parentheses):`,
  );
  out(`  [${verdict(p.floor <= 1.5)}] distinct tokens <= 1.5x floor: ${x(p.floor)} ${also(x(o.floor))}`);
  out(
    `  [${verdict(p.readme <= 1.15)}] within 15% of the aws-jwt-verify README authorizer, at the default log level (INFO): ` +
      `${x(p.readme)} of it ${also(x(o.readme))}; at DEBUG, a line per Allow: ${x(p.readmeDebug)}`,
  );
  out(`  [${verdict(p.repeat <= 0.15)}] repeated token <= 0.15x floor: ${x(p.repeat)} ${also(x(o.repeat))}`);
  out(
    `  [${verdict(pc.firstRequestMs < 5 && pc.jwksRequestsDuringFirst === 0)}] first request after ` +
      `cold start < 5 ms, no network: ${ms(pc.firstRequestMs)} ms, ${pc.jwksRequestsDuringFirst} JWKS requests ` +
      also(`${ms(oc.firstRequestMs)} ms, ${oc.jwksRequestsDuringFirst} JWKS requests`),
  );
  out(
    `  [${verdict((mainBundle?.bytes ?? Infinity) <= MAX_BUNDLE_BYTES)}] bundle <= 64 KiB: ${mainBundle?.bytes} bytes`,
  );
  out(
    `  [${verdict(pc.importMs - pc.jwksMs <= 25)}] import to ready <= 25 ms, JWKS fetch excluded: ` +
      `${ms(pc.importMs - pc.jwksMs)} ms (${ms(pc.importMs)} ms with the JWKS fetch), with ${pc.nodeOptions} ` +
      also(`${ms(oc.importMs - oc.jwksMs)} ms, ${ms(oc.importMs)} ms with the JWKS fetch`),
  );
  out();

  const row = (id: string): RowResult => rowOf(prod.report, id);
  const production = pc;
  const rows = sizing({
    missCpuUs: row("ours").cpuUs,
    hitCpuUs: row("ours-repeat").cpuUs,
    importCpuMs: production.importMs,
    jwksMs: production.jwksMs,
    hitRatio,
  });
  out(
    `Sizing on paper (arm64), from the ${prod.runtime.label} figures: handler CPU per request = this run's CPU time (${us(row("ours").cpuUs)} µs miss, ` +
      `${us(row("ours-repeat").cpuUs)} µs hit); CPU share = memory / 1769 MB; billed = ceil(ms), min 1 ms.`,
  );
  out(
    `Prices: $${PRICES.perGbSecondUsd}/GB-s, $${PRICES.perMillionRequestsUsd}/M requests. Source: ${PRICES.source}.`,
  );
  out(
    `${pad("memory", 8)}${lpad("CPU share", 10)}${lpad("miss ms", 9)}${lpad("billed", 8)}${lpad("hit ms", 8)}` +
      `${lpad("init ms", 9)}${lpad("$/M, no APIGW cache", 21)}${lpad(`$/M, ${Math.round(hitRatio * 100)}% APIGW hits`, 22)}`,
  );
  for (const s of rows) {
    out(
      `${pad(`${s.memoryMb} MB`, 8)}${lpad(s.cpuShare.toFixed(3), 10)}${lpad(s.missWallMs.toFixed(3), 9)}` +
        `${lpad(`${s.missBilledMs} ms`, 8)}${lpad(s.hitWallMs.toFixed(3), 8)}${lpad(s.initWallMs.toFixed(0), 9)}` +
        `${lpad(`$${s.usdPerMillionNoCache.toFixed(4)}`, 21)}${lpad(`$${s.usdPerMillionWithCache.toFixed(4)}`, 22)}`,
    );
  }
  out(
    "($/M = Lambda only: per-request charge + GB-s. API Gateway's own per-call price and its cache instance are extra.)",
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
