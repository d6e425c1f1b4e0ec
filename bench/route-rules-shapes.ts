// Prints, for rule sets of the shapes real and careless APIs have, how long compileRouteRules takes
// (what every cold start and `cdk synth` pay) and whether the set is accepted or refused, and why.
// Usage: npx tsx bench/route-rules-shapes.ts
// A script that prints figures, not a timed test: machines are noisy. Each set is compiled in this
// one process, first (cold, as at a Lambda cold start) and then a median of 3 warm compiles.
import { readFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { compileRouteRules, RouteRulesError } from "../lambda/authorizer/route-rules";
import { crudRules, literalAtVaryingDepth, randomRules, siblingParamProxy } from "../tools/rule-shapes";

const sample = JSON.parse(
  readFileSync(path.join(__dirname, "..", "events", "route-rules.json"), "utf8"),
) as unknown[];
const shapes: [string, unknown[]][] = [
  ["sample (events/route-rules.json)", sample],
  ["300 CRUD routes", crudRules(300)],
  ["500 CRUD routes", crudRules(500)],
  ["300 sibling {param}/{proxy+}", siblingParamProxy(300)],
  ["64 routes, depth 5, literal moving", literalAtVaryingDepth(64, 5)],
  ["32 ANY routes, depth 8", literalAtVaryingDepth(32, 8, "ANY")],
  ["200 random routes, 30% literals", randomRules(200, 2)],
  ["500 random routes, 30% literals", randomRules(500, 3)],
];

const compile = (rules: unknown[]): { ms: number; outcome: string } => {
  const t = performance.now();
  try {
    compileRouteRules(rules);
    return { ms: performance.now() - t, outcome: "accepted" };
  } catch (err) {
    if (!(err instanceof RouteRulesError)) throw err;
    const budget = err.message.includes("within its budget");
    return { ms: performance.now() - t, outcome: budget ? "refused: analysis budget" : "refused: not exact" };
  }
};

console.log(
  `${"rule set".padEnd(36)} ${"routes".padStart(6)} ${"cold ms".padStart(8)} ${"warm ms".padStart(8)}  outcome`,
);
for (const [name, rules] of shapes) {
  const cold = compile(rules);
  const warm =
    [compile(rules), compile(rules), compile(rules)].map((r) => r.ms).sort((a, b) => a - b)[1] ?? NaN;
  console.log(
    `${name.padEnd(36)} ${String(rules.length).padStart(6)} ${cold.ms.toFixed(0).padStart(8)} ${warm.toFixed(0).padStart(8)}  ${cold.outcome}`,
  );
}
