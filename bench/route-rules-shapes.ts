// Prints, for rule sets of the shapes real and careless APIs have, what route rules cost at cold
// start and per caller: compile time (what every cold start and `cdk synth` pay), accepted or
// refused and why, and the largest policy document per persona (bytes of the JSON). Then the
// refusal rate on random rule sets. Each set is compiled with ROUTE_RULES_COMPLETE=true ("complete")
// and without it ("listed"), and, with `--before DIR`, by the authorizer of another checkout (its
// compileRouteRules, same process, same sets: "before" figures side by side).
// Usage: npx tsx bench/route-rules-shapes.ts [--before ../main]
// A script that prints figures, not a timed test: machines are noisy. Each compile is the first of
// its set in this process (cold, as at a Lambda cold start).
import { readFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";

import type { RouteRule } from "../lambda/authorizer/contract";
import { parseMethodArn } from "../lambda/authorizer/method-arn";
import { policyDocument } from "../lambda/authorizer/policy";
import { parseRoute } from "../lambda/authorizer/route-match";
import {
  type Caller,
  type CompiledRouteRules,
  type CompileOptions,
  compileRouteRules,
  RouteRulesError,
} from "../lambda/authorizer/route-rules";
import { crudRules, literalAtVaryingDepth, randomRules, siblingParamProxy } from "../tools/rule-shapes";

type Compile = (rules: unknown, options?: CompileOptions) => CompiledRouteRules;

const sample = JSON.parse(
  readFileSync(path.join(__dirname, "..", "events", "route-rules.json"), "utf8"),
) as RouteRule[];
const shapes: [string, RouteRule[]][] = [
  ["sample (events/route-rules.json)", sample],
  ["300 CRUD routes", crudRules(300)],
  ["500 CRUD routes", crudRules(500)],
  ["300 sibling {param}/{proxy+}", siblingParamProxy(300)],
  ["64 routes, depth 5, literal moving", literalAtVaryingDepth(64, 5)],
  ["32 ANY routes, depth 8", literalAtVaryingDepth(32, 8, "ANY")],
  ["64 depth 5, one requirement", literalAtVaryingDepth(64, 5).map((r) => ({ ...r, groups: ["admins"] }))],
  [
    "32 ANY depth 8, one requirement",
    literalAtVaryingDepth(32, 8, "ANY").map((r) => ({ ...r, groups: ["admins"] })),
  ],
  ["200 random routes, 30% literals", randomRules(200, 2)],
  ["500 random routes, 30% literals", randomRules(500, 3)],
];

// Personas: every scope and group the rules name, and three narrower callers.
const PERSONAS: Record<string, Caller> = {
  admin: { scopes: new Set(), groups: new Set() }, // filled per rule set: everything it names
  editor: {
    scopes: new Set(["api/read", "api/write", "items/read", "items/write"]),
    groups: new Set(["editors"]),
  },
  reader: { scopes: new Set(["api/read", "items/read"]), groups: new Set(["readers"]) },
  nobody: { scopes: new Set(), groups: new Set() },
};
const PREFIX = "arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/prod/";

/** A concrete request for the first rule that one resolves to (the policy does not depend on which). */
function someRequest(compiled: CompiledRouteRules) {
  for (const rule of compiled.rules) {
    const p = parseRoute(rule.route);
    const method = p.method === "ANY" ? "GET" : p.method;
    const arn = parseMethodArn(
      `${PREFIX}${method}/${p.segments.map((s) => (s.kind === "literal" ? s.value : "1")).join("/")}`,
    );
    if (compiled.decide(PERSONAS.nobody as Caller, arn).reason !== "unknown_route") return arn;
  }
  throw new Error("no rule resolves a request of its own");
}

function largestPolicies(compiled: CompiledRouteRules, rules: readonly RouteRule[]): Record<string, number> {
  const admin: Caller = {
    scopes: new Set(rules.flatMap((r) => r.scopes ?? [])),
    groups: new Set(rules.flatMap((r) => r.groups ?? [])),
  };
  const arn = someRequest(compiled);
  const out: Record<string, number> = {};
  for (const [name, who] of Object.entries({ ...PERSONAS, admin })) {
    out[name] = JSON.stringify(policyDocument(compiled.decide(who, arn).statements)).length;
  }
  return out;
}

interface Outcome {
  readonly ms: number;
  readonly outcome: string;
  readonly compiled?: CompiledRouteRules;
}

function run(compile: Compile, rules: readonly RouteRule[], options?: CompileOptions): Outcome {
  const t = performance.now();
  try {
    const compiled = options === undefined ? compile(rules) : compile(rules, options);
    return { ms: performance.now() - t, outcome: "accepted", compiled };
  } catch (err) {
    if (!(err instanceof Error) || err.name !== "RouteRulesError") throw err;
    const budget = err.message.includes("within its budget");
    const unlisted = err.message.includes("unlisted");
    return {
      ms: performance.now() - t,
      outcome: budget ? "refused: budget" : unlisted ? "refused: unlisted" : "refused: not exact",
    };
  }
}

async function main(): Promise<void> {
  const at = process.argv.indexOf("--before");
  const beforeDir = at >= 0 ? process.argv[at + 1] : undefined;
  const modes: [string, Compile, CompileOptions | undefined][] = [];
  if (beforeDir !== undefined) {
    const mod = (await import(path.resolve(beforeDir, "lambda/authorizer/route-rules.ts"))) as {
      compileRouteRules: Compile;
    };
    modes.push(["before", mod.compileRouteRules, undefined]);
  }
  modes.push(
    ["listed", compileRouteRules, { complete: false }],
    ["complete", compileRouteRules, { complete: true }],
  );

  const personas = ["admin", "editor", "reader", "nobody"];
  console.log(
    `${"rule set".padEnd(36)} ${"routes".padStart(6)} ${"mode".padEnd(8)} ${"cold ms".padStart(7)}  ${"outcome".padEnd(18)} ` +
      personas.map((p) => `${p} B`.padStart(9)).join(" "),
  );
  for (const [name, rules] of shapes) {
    for (const [mode, compile, options] of modes) {
      const r = run(compile, rules, options);
      const sizes = r.compiled ? largestPolicies(r.compiled, rules) : undefined;
      console.log(
        `${name.padEnd(36)} ${String(rules.length).padStart(6)} ${mode.padEnd(8)} ${r.ms.toFixed(0).padStart(7)}  ${r.outcome.padEnd(18)} ` +
          personas.map((p) => (sizes ? String(sizes[p]) : "-").padStart(9)).join(" "),
      );
    }
  }

  // Refusal rate: random sets (randomRules: depth 1-6, some proxies, GET/POST/PUT/DELETE/ANY),
  // 20 seeds per row, every mode on the same sets.
  console.log(`\nrefusal rate on random rule sets (tools/rule-shapes.ts randomRules, 20 seeds per row)`);
  console.log(
    `${"routes".padStart(6)} ${"literals".padStart(8)} ` +
      modes.map(([m]) => `${m} refused`.padStart(17)).join(" ") +
      "   slowest ms",
  );
  for (const [size, share] of [
    [10, 0.3],
    [10, 0.7],
    [10, 0.9],
    [20, 0.9],
    [50, 0.9],
  ] as const) {
    const refused = modes.map(() => 0);
    let slowest = 0;
    for (let seed = 100; seed < 120; seed++) {
      const rules = randomRules(size, seed, share);
      modes.forEach(([, compile, options], k) => {
        const r = run(compile, rules, options);
        slowest = Math.max(slowest, r.ms);
        if (r.outcome !== "accepted") refused[k] = (refused[k] ?? 0) + 1;
      });
    }
    console.log(
      `${String(size).padStart(6)} ${`${share * 100}%`.padStart(8)} ` +
        refused.map((n) => `${n}/20`.padStart(17)).join(" ") +
        `   ${slowest.toFixed(0).padStart(10)}`,
    );
  }
}

void main().catch((err: unknown) => {
  console.error(err instanceof RouteRulesError ? err.message : err);
  process.exitCode = 1;
});
