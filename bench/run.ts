// npm run bench [-- --tokens 2000 --rounds 7 --cold-samples 15 --hit-ratio 0.9]
//
// Prints, from one run on this machine: per-request cost of our authorizer next to the floor (one
// RS256 verify with node:crypto) and the common alternatives, the cold start of the production
// bundle, the targets, and the Lambda sizing that follows. A script that prints figures, not a test.

import { fork } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { REPO_ROOT } from "../tools/bundle";
import { type ColdStartRow, measureColdStart } from "./cold-start";
import type { MeasureOptions, MeasureReport, RowResult } from "./measure";
import { PRICES, sizing } from "./sizing";

const OUT_DIR = path.join(REPO_ROOT, ".tmp", "bench");
const VERIFIED_TOKEN_CACHE_SIZE = 1000;
const MAX_BUNDLE_BYTES = 64 * 1024;

/** Per-request rows in a child whose stdout (the decision log lines) goes to a file. */
function measureInChild(options: MeasureOptions, logFile: string): Promise<MeasureReport> {
  const fd = openSync(logFile, "w");
  return new Promise<MeasureReport>((resolve, reject) => {
    const child = fork(path.join(REPO_ROOT, "bench", "measure.ts"), [JSON.stringify(options)], {
      execArgv: ["--import", "tsx", "--expose-gc"],
      stdio: ["ignore", fd, "inherit", "ipc"],
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: "INFO", POWERTOOLS_DEV: "" },
    });
    let settled = false;
    child.on("message", (m: { ok: boolean; report?: MeasureReport; error?: string }) => {
      settled = true;
      if (m.ok && m.report !== undefined) resolve(m.report);
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

function perRequestTable(report: MeasureReport): string[] {
  const floor = report.rows.find((r) => r.id === "floor") as RowResult;
  const lines = [
    `${pad("row", 50)}${lpad("median µs", 11)}${lpad("x floor", 9)}${lpad("mean µs", 10)}` +
      `${lpad("CPU µs", 9)}${lpad("x floor", 9)}`,
  ];
  const titles = {
    main: undefined,
    breakdown: "breakdown (subtraction experiments, same run):",
    proposal:
      "what the Powertools Logger line costs: the same handler with a plain JSON line writer (same run):",
  };
  for (const group of ["main", "breakdown", "proposal"] as const) {
    const title = titles[group];
    if (title !== undefined) lines.push(title);
    for (const r of report.rows.filter((row) => row.group === group)) {
      lines.push(
        `${pad(r.label, 50)}${lpad(us(r.medianUs), 11)}${lpad(x(r.medianUs / floor.medianUs), 9)}` +
          `${lpad(us(r.meanUs), 10)}${lpad(us(r.cpuUs), 9)}${lpad(x(r.cpuUs / floor.cpuUs), 9)}`,
      );
    }
  }
  return lines;
}

function coldStartTable(rows: readonly ColdStartRow[]): string[] {
  const lines = [
    `${pad("bundle", 34)}${pad("node options", 22)}${lpad("n", 3)}${lpad("import ms", 11)}${lpad("of which JWKS", 15)}` +
      `${lpad("1st req ms", 12)}${lpad("2nd req ms", 12)}${lpad("node start", 12)}`,
  ];
  for (const r of rows) {
    lines.push(
      `${pad(r.bundle, 34)}${pad(r.nodeOptions, 22)}${lpad(String(r.samples), 3)}${lpad(ms(r.importMs), 11)}` +
        `${lpad(ms(r.jwksMs), 15)}${lpad(ms(r.firstRequestMs), 12)}${lpad(ms(r.secondRequestMs), 12)}` +
        `${lpad(ms(r.nodeStartMs), 12)}`,
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
  out();
  const report = await measureInChild({ tokens, rounds: Number(values.rounds), warmupRounds: 1 }, logFile);
  const decisionLines = readFileSync(logFile, "utf8").split("\n").length - 1;
  out(
    `Per request: ${report.tokens} distinct valid tokens (pre-signed RS256 access tokens), ${report.rounds} rounds after ` +
      `warm-up, rows interleaved; median of per-round medians (and of per-round means). Our log lines went to ` +
      `${path.relative(REPO_ROOT, logFile)}: ${decisionLines} lines, ${(statSync(logFile).size / 1e6).toFixed(1)} MB. ` +
      `JWKS requests after hydration: ${report.jwksRequestsDuringRun}.`,
  );
  out();
  for (const line of perRequestTable(report)) out(line);
  out();

  const cold = await measureColdStart(Number(values["cold-samples"]));
  out(
    "Cold start: fresh `node` processes, medians; import includes the top-level-await JWKS fetch over loopback.",
  );
  for (const b of cold.bundles) {
    out(
      `  ${b.label}: ${path.relative(REPO_ROOT, b.file)}, ${b.bytes} bytes minified (${(b.bytes / 1024).toFixed(1)} KiB)`,
    );
  }
  out();
  for (const line of coldStartTable(cold.rows)) out(line);
  out();

  const row = (id: string): RowResult => report.rows.find((r) => r.id === id) as RowResult;
  const floor = row("floor").medianUs;
  const ours = row("ours").medianUs;
  const production = cold.rows[0] as ColdStartRow;
  const mainBundle = cold.bundles[0];
  const verdict = (ok: boolean): string => (ok ? "MET " : "MISS");
  out("Targets (this run):");
  out(`  [${verdict(ours <= 1.5 * floor)}] distinct tokens <= 1.5x floor: ${x(ours / floor)}`);
  const vsReadme = ours / row("readme").medianUs;
  out(
    `  [${verdict(vsReadme <= 1.15)}] within 15% of the aws-jwt-verify README authorizer, at the default log level (INFO): ` +
      `${x(vsReadme)} of it (at DEBUG, a line per Allow: ${x(row("ours-debug").medianUs / row("readme").medianUs)})`,
  );
  const repeat = row("ours-repeat").medianUs / floor;
  out(`  [${verdict(repeat <= 0.15)}] repeated token <= 0.15x floor: ${x(repeat)}`);
  out(
    `  [${verdict(production.firstRequestMs < 5 && production.jwksRequestsDuringFirst === 0)}] first request after ` +
      `cold start < 5 ms, no network: ${ms(production.firstRequestMs)} ms, ${production.jwksRequestsDuringFirst} JWKS requests`,
  );
  out(
    `  [${verdict((mainBundle?.bytes ?? Infinity) <= MAX_BUNDLE_BYTES)}] bundle <= 64 KiB: ${mainBundle?.bytes} bytes`,
  );
  out(
    `  [${verdict(production.importMs <= 25)}] import <= 25 ms: ${ms(production.importMs)} ms ` +
      `(${ms(production.importMs - production.jwksMs)} ms without the JWKS fetch), with ${production.nodeOptions}`,
  );
  out();

  const rows = sizing({
    missCpuUs: row("ours").cpuUs,
    hitCpuUs: row("ours-repeat").cpuUs,
    importCpuMs: production.importMs,
    jwksMs: production.jwksMs,
    hitRatio,
  });
  out(
    `Sizing on paper (arm64): handler CPU per request = this run's CPU time (${us(row("ours").cpuUs)} µs miss, ` +
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
