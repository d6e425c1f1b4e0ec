// `npm start`: the sample stack on this machine, until Ctrl-C.
//
// Synthesizes the CDK app (real esbuild bundling), starts cognito-local seeded from the template,
// runs the bundled Lambda assets behind a local API Gateway, writes local-outputs.json and prints
// how to try it. Ctrl-C stops everything.
//
// | option             | meaning                                              | default          |
// |--------------------|------------------------------------------------------|------------------|
// | --port <n>         | local API Gateway port (REST API)                    | 3000             |
// | --http-port <n>    | local HTTP API port, when the template has one       | 3001             |
// | --cognito-port <n> | Cognito emulator port                                | 9229             |
// | --token-port <n>   | client_credentials token endpoint port               | 9230             |
// | --no-synth         | reuse cdk.out as it is                               | synthesize       |
// | --stack <name>     | the stack to serve, when several have a REST API     | the one stack    |
// | -c key=value       | CDK context for the synth (repeatable)               | allowUserPasswordAuth=true |

import path from "node:path";
import { parseArgs } from "node:util";
import { PortInUseError } from "./ports";
import { type LocalStack, startLocalStack, writeOutputsFile } from "./stack";

const ROOT = path.resolve(__dirname, "..", "..");
const OUTPUTS_FILE = "local-outputs.json";

// `npm run token` signs in with USER_PASSWORD_AUTH, which the app client allows only with this
// context (as for a deployed stack used from the command line: see the README).
const DEFAULT_CONTEXT = { allowUserPasswordAuth: "true" };

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "3000" },
      "http-port": { type: "string", default: "3001" },
      "cognito-port": { type: "string", default: "9229" },
      "token-port": { type: "string", default: "9230" },
      "no-synth": { type: "boolean", default: false },
      stack: { type: "string" },
      context: { type: "string", short: "c", multiple: true, default: [] },
    },
  });
  const context: Record<string, string> = { ...DEFAULT_CONTEXT };
  for (const pair of values.context) {
    const [key, ...rest] = pair.split("=");
    if (!key || rest.length === 0) throw new UsageError(`-c expects key=value, got "${pair}"`);
    context[key] = rest.join("=");
  }
  const apiPort = port(values.port, "--port");
  const httpApiPort = port(values["http-port"], "--http-port");
  const cognitoPort = port(values["cognito-port"], "--cognito-port");
  const tokenPort = port(values["token-port"], "--token-port");

  log(
    values["no-synth"]
      ? "Reading cdk.out (no synth)..."
      : "Synthesizing the CDK app (cdk synth, esbuild bundling)...",
  );
  const started = Date.now();
  const stack = await startLocalStack({
    appDirectory: ROOT,
    synth: !values["no-synth"],
    context,
    ...(values.stack !== undefined && { stackName: values.stack }),
    apiPort,
    httpApiPort,
    cognitoPort,
    tokenPort,
    onLog: (source, line) => log(`  [${source}] ${line}`),
    onRequest: (r) => log(`${r.method} ${r.path} → ${r.status} ${r.ms} ms (authorizer: ${r.authorizer})`),
  });
  writeOutputsFile(path.join(ROOT, OUTPUTS_FILE), stack);
  printTryIt(stack, Date.now() - started);

  let stopping = false;
  const stop = (): void => {
    if (stopping) process.exit(1); // a second Ctrl-C does not wait
    stopping = true;
    log("\nStopping the local stack...");
    stack.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

function printTryIt(stack: LocalStack, ms: number): void {
  const o = stack.outputs;
  const second = o["SecondUserPoolId"];
  const users = stack.seeded.users
    .map(
      (u) =>
        `    ${u.name.padEnd(7)} ${u.username.padEnd(20)} ${u.password.padEnd(18)} groups: ${u.groups.join(", ") || "-"}` +
        (second === undefined ? "" : `  (pool ${u.userPoolId})`),
    )
    .join("\n");
  const secondPool =
    second === undefined
      ? ""
      : `
A second user pool (secondUserPool; pool ${second}, client ${o["SecondUserPoolClientId"] ?? "-"}), accepted too:
  TOKEN2=$(npm run -s token -- reader --second-pool)
  curl -i ${o.ApiUrl}me -H "Authorization: Bearer $TOKEN2"          # 200, userPoolId ${second}
`;
  log(`
Local stack ${stack.stackName} is up (${(ms / 1000).toFixed(1)} s)
  API       ${o.ApiUrl}${o["HttpApiUrl"] === undefined ? "" : `\n  HTTP API  ${o["HttpApiUrl"]}`}
  Cognito   ${o.CognitoEndpoint}  (pool ${o.UserPoolId}, client ${o.UserPoolClientId})
  Outputs   ${OUTPUTS_FILE}

  Sample users (local emulator only):
${users}

Try it:
  TOKEN=$(npm run -s token -- reader)
  curl -i ${o.ApiUrl}me -H "Authorization: Bearer $TOKEN"           # 200, your identity
  curl -i ${o.ApiUrl}me                                              # 401, no token
  curl -i ${o.ApiUrl}admin/stats -H "Authorization: Bearer $TOKEN"  # 403, readers are not admins

A machine client (client_credentials, client ${o["MachineClientId"] ?? "-"}; token endpoint ${o.TokenEndpoint}):
  CLIENT_TOKEN=$(npm run -s token -- --client --scope items/read)
  curl -i ${o.ApiUrl}items -H "Authorization: Bearer $CLIENT_TOKEN"         # 200, by scope items/read
  curl -i -X POST ${o.ApiUrl}items -H "Authorization: Bearer $CLIENT_TOKEN" # 403, needs items/write
${secondPool}${httpApiLines(stack)}
Ctrl-C to stop.`);
}

/**
 * curl lines for the HTTP API, built from its routes (whatever the template defines): one route
 * with an authorizer, with the token and without it (401), and one public route.
 */
function httpApiLines(stack: LocalStack): string {
  const httpApi = stack.definition.httpApi;
  const url = stack.outputs["HttpApiUrl"];
  if (httpApi === undefined || url === undefined) return "";
  const keys = new Set(httpApi.routes.map((r) => r.routeKey));
  if (["GET /me", "ANY /admin/{proxy+}", "GET /items", "POST /items"].every((k) => keys.has(k))) {
    // The sample's HTTP API: the same routes and rules as the REST API (infra/routes.ts).
    return `
The HTTP API (the same routes and rules; simple responses, cached per token and route):
  curl -i ${url}me -H "Authorization: Bearer $TOKEN"           # 200, your identity
  curl -i ${url}me                                              # 401, no token
  curl -i ${url}admin/stats -H "Authorization: Bearer $TOKEN"  # 403, readers are not admins
  curl -i ${url}items -H "Authorization: Bearer $CLIENT_TOKEN"         # 200, by scope items/read
  curl -i -X POST ${url}items -H "Authorization: Bearer $CLIENT_TOKEN" # 403, needs items/write
`;
  }
  const concrete = (routeKey: string): string | undefined => {
    if (routeKey === "$default") return undefined;
    const [method, path] = routeKey.split(" ") as [string, string];
    const sample = path
      .replace(/\{[^}]+\+\}/g, "a/b")
      .replace(/\{[^}]+\}/g, "1")
      .slice(1);
    return method === "GET" || method === "ANY" ? sample : undefined;
  };
  const authorized = httpApi.routes.find(
    (r) => r.authorizerLogicalId !== undefined && concrete(r.routeKey) !== undefined,
  );
  const open = httpApi.routes.find(
    (r) => r.authorizerLogicalId === undefined && concrete(r.routeKey) !== undefined,
  );
  const lines = [`\nThe HTTP API (${httpApi.routes.map((r) => r.routeKey).join(", ")}):`];
  if (authorized !== undefined) {
    const target = `${url}${concrete(authorized.routeKey) as string}`;
    lines.push(
      `  curl -i ${target} -H "Authorization: Bearer $TOKEN"   # ${authorized.routeKey}, through its authorizer`,
      `  curl -i ${target}                                      # 401, no token`,
    );
  }
  if (open !== undefined)
    lines.push(`  curl -i ${url}${concrete(open.routeKey) as string}   # ${open.routeKey}, public`);
  return `${lines.join("\n")}\n`;
}

class UsageError extends Error {}

function port(text: string, option: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`${option} expects a port number, got "${text}"`);
  return n;
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

main().catch((err: unknown) => {
  // Expected failures are one clear line; anything else keeps its detail.
  if (err instanceof PortInUseError || err instanceof UsageError) {
    process.stderr.write(`npm start: ${err.message}\n`);
  } else {
    process.stderr.write(`npm start failed: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  process.exit(1);
});
