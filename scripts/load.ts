// `npm run load`: drive the local stack with autocannon (loopback only, bounded in time) and print
// requests/s, latency percentiles, errors and how many times the authorizer was invoked.
// Starts its own local stack on free ports (reusing cdk.out if `--no-synth`), so it needs no
// `npm start` running, and stops it afterwards.
//
// | option         | meaning                              | default |
// |----------------|--------------------------------------|---------|
// | --duration <s> | seconds of load                      | 10      |
// | --connections  | concurrent connections               | 10      |
// | --no-synth     | reuse cdk.out as it is               | synth   |

import autocannon from "autocannon";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { cognitoClient } from "../infra/local/cognito/cognito-seed";
import { SAMPLE_USERS } from "../infra/local/cognito/sample-users";
import { startLocalStack } from "../infra/local/stack";
import { InitiateAuthCommand } from "@aws-sdk/client-cognito-identity-provider";

const ROOT = path.resolve(__dirname, "..");

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: "string", default: "10" },
      connections: { type: "string", default: "10" },
      "no-synth": { type: "boolean", default: false },
    },
  });
  const duration = Math.min(Math.max(Number(values.duration), 1), 60);
  const connections = Math.min(Math.max(Number(values.connections), 1), 100);

  const scratch = mkdtempSync(path.join(os.tmpdir(), "local-stack-load-"));
  process.stdout.write("Starting the local stack on free ports...\n");
  const stack = await startLocalStack({
    appDirectory: ROOT,
    synth: !values["no-synth"],
    context: { allowUserPasswordAuth: "true" },
    apiPort: 0,
    httpApiPort: 0,
    cognitoPort: 0,
    tokenPort: 0,
    stateDirectory: scratch,
  });
  try {
    const admin = SAMPLE_USERS.find((u) => u.name === "admin");
    const seeded = stack.seeded.users.find((u) => u.name === admin?.name);
    if (seeded === undefined) throw new Error("no sample admin user was seeded");
    const sdk = cognitoClient(stack.outputs.CognitoEndpoint, stack.outputs.Region);
    const auth = await sdk.send(
      new InitiateAuthCommand({
        ClientId: stack.outputs.UserPoolClientId,
        AuthFlow: "USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: seeded.username, PASSWORD: seeded.password },
      }),
    );
    sdk.destroy();
    const token = auth.AuthenticationResult?.AccessToken as string;
    const api = new URL(stack.outputs.ApiUrl);
    const headers = { authorization: `Bearer ${token}` };
    const before = stack.gateway.stats.authorizerInvocations;

    process.stdout.write(
      `Load: ${duration} s, ${connections} connections, one admin token, GET /me, /items, /admin/stats\n`,
    );
    const result = await autocannon({
      url: api.origin,
      connections,
      duration,
      requests: [
        { method: "GET", path: `${api.pathname}me`, headers },
        { method: "GET", path: `${api.pathname}items`, headers },
        { method: "GET", path: `${api.pathname}admin/stats`, headers },
      ],
    });
    const invocations = stack.gateway.stats.authorizerInvocations - before;
    const errors = result.errors + result.timeouts + result.non2xx;
    process.stdout.write(
      [
        "",
        `requests        ${result.requests.total} in ${duration} s`,
        `requests/s      ${result.requests.average.toFixed(0)} (avg), ${result.requests.p50} (p50)`,
        `latency ms      p50 ${result.latency.p50}  p90 ${result.latency.p90}  p99 ${result.latency.p99}  max ${result.latency.max}`,
        `errors          ${errors} (connection ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx})`,
        `authorizer      ${invocations} invocation(s) for ${result.requests.total} requests (cache TTL)`,
        "",
      ].join("\n"),
    );
    if (errors > 0) process.exitCode = 1;
  } finally {
    await stack.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`load failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
