// `npm run invoke` on every sample event, as a user runs it: one CLI run over all files, checking
// the answer it prints against what each event is named to show.

import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { sampleRoutes } from "../../infra/routes";

const REPO = path.resolve(__dirname, "..", "..");
const EXPECTED: Record<string, "200" | "401" | "403"> = {
  "http1-reader-gets-item.json": "200",
  "http2-iam-editor-creates-item.json": "200",
  "http2-iam-forbidden-route-reader-admin.json": "403",
  "http2-simple-forbidden-route-reader-deletes.json": "403",
  "http2-simple-missing-header.json": "401",
  "http2-simple-reader-lists-items.json": "200",
  "request-conflicting-headers.json": "401",
  "request-editor-creates-item.json": "200",
  "request-forbidden-route-reader-creates-item.json": "403",
  "request-lowercase-header.json": "200",
  "request-missing-header.json": "401",
  "request-null-headers.json": "401",
  "request-token-in-cookie-ignored.json": "401",
  "request-two-values-in-multivalue.json": "401",
  "token-admin-deletes.json": "200",
  "token-admin-proxy-route.json": "200",
  "token-alg-none.json": "401",
  "token-any-signed-in-user.json": "200",
  "token-basic-scheme.json": "401",
  "token-expired.json": "401",
  "token-forbidden-route-no-scope.json": "403",
  "token-forbidden-route-reader-deletes.json": "403",
  "token-id-token-where-access-expected.json": "401",
  "token-issued-in-future.json": "401",
  "token-lowercase-scheme.json": "200",
  "token-missing-bearer-scheme.json": "401",
  "token-unknown-route.json": "403",
  "token-valid-path-parameter.json": "200",
  "token-valid.json": "200",
  "token-wrong-client.json": "401",
};

it("npm run invoke answers every sample event as its name says", async () => {
  const files = readdirSync(path.join(REPO, "events"))
    .filter((f) => f.endsWith(".json") && f !== "route-rules.json")
    .sort();
  // Every event has an expectation here, so a new sample cannot go untested.
  expect(files).toEqual(Object.keys(EXPECTED).sort());

  const tsx = path.join(REPO, "node_modules", ".bin", "tsx");
  const { stdout } = await promisify(execFile)(
    tsx,
    ["scripts/invoke.ts", ...files.map((f) => `events/${f}`)],
    {
      cwd: REPO,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const answers: Record<string, string> = {};
  let current = "";
  for (const line of stdout.split("\n")) {
    const header = /^=== events\/(.+)$/.exec(line);
    if (header) current = header[1] as string;
    const answer = /^API Gateway answers: (\d{3})/.exec(line);
    if (answer) answers[current] = answer[1] as string;
  }
  expect(answers).toEqual(EXPECTED);
  // The printed log lines carry reasons, never a token.
  expect(stdout).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/);
}, 120_000);

it("events/route-rules.json is the sample API's rule set with -c requireOAuthScopes=true", () => {
  // The events show the scope rules of the example; they must not drift from the route table
  // the CDK app deploys (infra/routes.ts), or `npm run invoke` would demonstrate another API.
  const fromTable = sampleRoutes({ requireOAuthScopes: true })
    .filter((r) => r.access !== "public")
    .map((r) => ({ route: `${r.method} ${r.path}`, ...(r.access as object) }));
  const fromEvents = JSON.parse(readFileSync(path.join(REPO, "events", "route-rules.json"), "utf8"));
  const byRoute = (rules: { route: string }[]) => [...rules].sort((a, b) => a.route.localeCompare(b.route));
  expect(byRoute(fromEvents)).toEqual(byRoute(fromTable));
});
