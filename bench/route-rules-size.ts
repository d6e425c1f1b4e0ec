// Prints what route rules cost: cold-start compile time, per-request decide() cost, and the size of
// the policy document (and of a whole authorizer response) for N routes with realistic ARNs.
// Usage: npx tsx bench/route-rules-size.ts [routes=100]
// The rules are compiled as declared complete (ROUTE_RULES_COMPLETE=true, what the CDK construct
// proves at synth): without the declaration a CRUD API with sub-resources under {id} is refused
// (unlisted-route-guards.ts), see bench/route-rules-shapes.ts for both.
// A script that prints figures, not a timed test: machines are noisy.
import { performance } from "node:perf_hooks";

import { parseMethodArn } from "../lambda/authorizer/method-arn";
import { policyDocument } from "../lambda/authorizer/policy";
import type { RouteRule } from "../lambda/authorizer/contract";
import { type Caller, compileRouteRules } from "../lambda/authorizer/route-rules";

// The only documented size quota for a Lambda authorizer result is 8 KB, in the WebSocket API quota
// table; the REST API quota table lists none. We use 8 KB as the budget to stay well inside of.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-execution-service-websocket-limits-table.html
const BUDGET = 8 * 1024;

const n = Number(process.argv[2] ?? 100);

// Five routes per resource, like a typical CRUD API with an audit sub-resource, plus an admin proxy.
// The proxy is GET, not ANY: ANY's glob */admin/* starts with a `*` that spans path segments, so it
// matches GET/resource-0/admin/, a trailing-slash request for GET /resource-0/{id}. A caller in
// admins with api/audit but not api/read would then need Deny GET/resource-0/*, which also hits the
// history route, and compileRouteRules refuses the set.
function rules(count: number): RouteRule[] {
  const out: RouteRule[] = [{ route: "GET /admin/{proxy+}", groups: ["admins"] }];
  for (let i = 0; out.length < count; i++) {
    const base = `/resource-${i}`;
    out.push(
      { route: `GET ${base}`, scopes: [`api/read`] },
      { route: `POST ${base}`, scopes: [`api/write`], groups: ["editors", "admins"] },
      { route: `GET ${base}/{id}`, scopes: [`api/read`] },
      { route: `DELETE ${base}/{id}`, groups: ["admins"] },
      { route: `GET ${base}/{id}/history`, scopes: [`api/audit`] },
    );
  }
  return out.slice(0, count);
}

const ruleSet = rules(n);
const t0 = performance.now();
const compiled = compileRouteRules(ruleSet, { complete: true });
const compileMs = performance.now() - t0;
// Later compiles run JIT-compiled code: the median shows the algorithm's own cost.
const warm = Array.from({ length: 7 }, () => {
  const t = performance.now();
  compileRouteRules(ruleSet, { complete: true });
  return performance.now() - t;
}).sort((a, b) => a - b);

const arn = parseMethodArn("arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/prod/GET/resource-3/42");
const callers: Record<string, Caller> = {
  admin: { scopes: new Set(["api/read", "api/write", "api/audit"]), groups: new Set(["admins"]) },
  reader: { scopes: new Set(["api/read"]), groups: new Set(["readers"]) },
  editor: { scopes: new Set(["api/read", "api/write"]), groups: new Set(["editors"]) },
  nobody: { scopes: new Set(), groups: new Set() },
};

console.log(`routes: ${ruleSet.length}`);
console.log(`compile: ${compileMs.toFixed(1)} ms first (cold start), ${warm[3]?.toFixed(1)} ms median warm`);
for (const [name, who] of Object.entries(callers)) {
  const { statements } = compiled.decide(who, arn);
  const doc = JSON.stringify(policyDocument(statements));
  // A whole authorizer response: principalId (a Cognito sub) and a small context.
  const response = JSON.stringify({
    principalId: "6f1c2a4e-0000-4000-8000-123456789abc",
    policyDocument: policyDocument(statements),
    context: { sub: "6f1c2a4e-0000-4000-8000-123456789abc", scope: [...who.scopes].join(" ") },
  });
  const resources = statements.map((s) => `${s.Effect} ${s.Resource.length}`).join(", ");
  console.log(
    `${name.padEnd(7)} policy ${doc.length} B, response ${response.length} B ` +
      `(${((100 * response.length) / BUDGET).toFixed(0)}% of 8 KB) [${resources}]`,
  );
}

// Per request: the caller's decisions and a memo lookup (the memo is warm after the first call).
const whoList = Object.values(callers);
const iterations = 200_000;
const t1 = performance.now();
for (let i = 0; i < iterations; i++) compiled.decide(whoList[i % whoList.length] as Caller, arn);
const perCallUs = ((performance.now() - t1) * 1000) / iterations;
console.log(`decide(): ${perCallUs.toFixed(2)} µs per request (warm memo, ${iterations} calls)`);
