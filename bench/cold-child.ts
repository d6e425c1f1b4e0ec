// One cold start, in a fresh process: import the production bundle (its top-level await fetches the
// JWKS over loopback), then call the handler once and again. Compiled by esbuild to a plain .mjs and
// run with bare `node` (no tsx loader in the measured process). Figures go back over IPC.
//
// argv[2]: file URL of the bundle. env: the function's variables plus BENCH_EVENT (a TOKEN event).
//
// node:http is taken as CommonJS exports (process.getBuiltinModule), as Lambda's runtime interface
// client loads it (`require("http")`) before the handler: never with an ES `import`, whose namespace
// would already be built when the bundle is imported. On Node.js 22 building that namespace costs
// 30-50 ms (it loads undici), and it must show in the bundle's import if the bundle causes it.
// https://github.com/aws/aws-lambda-nodejs-runtime-interface-client (src/RAPIDClient.js)

export {};

const http = process.getBuiltinModule("node:http");
type Get = typeof http.get;

const jwks = { start: 0, end: 0, requests: 0 };
// Time the JWKS exchange from inside the import: the bundle's fetcher calls node:http's `get`.
const realGet: Get = http.get.bind(http);
http.get = ((...args: Parameters<Get>) => {
  jwks.requests += 1;
  if (jwks.start === 0) jwks.start = performance.now();
  const request = realGet(...args);
  request.on("response", (response) => response.on("end", () => (jwks.end = performance.now())));
  return request;
}) as Get;

const bundleUrl = process.argv[2];
const eventText = process.env.BENCH_EVENT;
if (bundleUrl === undefined || eventText === undefined) throw new Error("usage: cold-child <bundle url>");
const event: unknown = JSON.parse(eventText);

const beforeImport = performance.now();
const mod = (await import(bundleUrl)) as { handler: (e: unknown) => Promise<{ policyDocument?: unknown }> };
const afterImport = performance.now();
const requestsAtImport = jwks.requests;
const first = await mod.handler(event);
const afterFirst = performance.now();
await mod.handler(event);
const afterSecond = performance.now();

process.send?.(
  {
    /** Process start (timeOrigin) to just before the import: Node's own start-up. */
    nodeStartMs: beforeImport,
    importMs: afterImport - beforeImport,
    jwksMs: jwks.end - jwks.start,
    firstRequestMs: afterFirst - afterImport,
    secondRequestMs: afterSecond - afterFirst,
    jwksRequestsDuringFirst: jwks.requests - requestsAtImport,
    allowed: JSON.stringify(first.policyDocument ?? null).includes('"Allow"'),
  },
  () => process.exit(0),
);
