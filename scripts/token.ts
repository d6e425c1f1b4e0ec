// `npm run token -- <user> [--id]`: sign a user in with the AWS SDK (InitiateAuth,
// USER_PASSWORD_AUTH) and print the access token (or, with --id, the ID token) on stdout.
// `npm run token -- --client [--scope "items/read"]`: the machine client's access token from the
// token endpoint (client_credentials; its secret read with DescribeUserPoolClient).
//
// Against `npm start`'s emulator by default (local-outputs.json). `--outputs cdk-outputs.json`
// signs in against a deployed stack's real Cognito (its app client must allow USER_PASSWORD_AUTH).
// <user> is a sample user's short name (reader, editor, admin) or a username; the password comes
// from the sample users or from the PASSWORD environment variable. `--second-pool` signs in to the
// stack's second user pool (SecondUserPoolClientId; `-c secondUserPool=true`).
//
//   TOKEN=$(npm run -s token -- reader)

import { parseArgs } from "node:util";
import { clientCredentialsToken } from "./lib/client-token";
import { readOutputsFile, signIn } from "./lib/sign-in";

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      id: { type: "boolean", default: false },
      client: { type: "boolean", default: false },
      "second-pool": { type: "boolean", default: false },
      scope: { type: "string" },
      outputs: { type: "string", default: "local-outputs.json" },
    },
  });
  const outputs = readOutputsFile(values.outputs);
  if (values.client) {
    if (positionals.length > 0 || values.id || values["second-pool"])
      throw new Error("--client takes no user, no --id and no --second-pool");
    const token = await clientCredentialsToken(
      outputs,
      values.scope === undefined ? {} : { scope: values.scope },
    );
    process.stdout.write(`${token}\n`);
    return;
  }
  const [user] = positionals;
  if (user === undefined || values.scope !== undefined) {
    throw new Error(
      'usage: npm run token -- <user> [--id] [--second-pool] [--outputs <file>]  |  npm run token -- --client [--scope "items/read"] [--outputs <file>]',
    );
  }
  const token = await signIn(
    outputs,
    user,
    values.id ? "id" : "access",
    values["second-pool"] ? "SecondUserPoolClientId" : "UserPoolClientId",
  );
  process.stdout.write(`${token}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`token: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
