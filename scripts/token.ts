// `npm run token -- <user> [--id]`: sign a user in with the AWS SDK (InitiateAuth,
// USER_PASSWORD_AUTH) and print the access token (or, with --id, the ID token) on stdout.
//
// Against `npm start`'s emulator by default (local-outputs.json). `--outputs cdk-outputs.json`
// signs in against a deployed stack's real Cognito (its app client must allow USER_PASSWORD_AUTH).
// <user> is a sample user's short name (reader, editor, admin) or a username; the password comes
// from the sample users or from the PASSWORD environment variable.
//
//   TOKEN=$(npm run -s token -- reader)

import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  type InitiateAuthCommandOutput,
} from "@aws-sdk/client-cognito-identity-provider";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { SAMPLE_USERS } from "../infra/local/sample-users";

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      id: { type: "boolean", default: false },
      outputs: { type: "string", default: "local-outputs.json" },
    },
  });
  const [user] = positionals;
  if (user === undefined) fail("usage: npm run token -- <user> [--id] [--outputs <file>]");

  const file = path.resolve(values.outputs);
  if (!existsSync(file))
    fail(`${values.outputs} not found: run \`npm start\` first (or pass --outputs <file>)`);
  const stacks = JSON.parse(readFileSync(file, "utf8")) as Record<string, Record<string, string>>;
  const outputs = Object.values(stacks)[0];
  const clientId = outputs?.["UserPoolClientId"];
  const region = outputs?.["Region"] ?? "us-east-1";
  if (clientId === undefined) fail(`${values.outputs} has no UserPoolClientId output`);

  const sample = SAMPLE_USERS.find((u) => u.name === user || u.email === user);
  const username = sample?.email ?? user;
  const password = process.env["PASSWORD"] ?? sample?.password;
  if (password === undefined) fail(`no password for ${user}: set PASSWORD`);

  const endpoint = outputs?.["CognitoEndpoint"];
  const client = new CognitoIdentityProviderClient({
    region,
    // The emulator takes any credentials; InitiateAuth against Cognito needs none.
    ...(endpoint !== undefined && {
      endpoint,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    }),
  });
  let result: InitiateAuthCommandOutput;
  try {
    result = await client.send(
      new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: "USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: username, PASSWORD: password },
      }),
    );
  } catch (err) {
    const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    if (endpoint !== undefined && /ECONNREFUSED|fetch failed/.test(reason)) {
      fail(`cannot reach the Cognito emulator at ${endpoint}: is \`npm start\` running?`);
    }
    fail(`sign-in failed for ${username}: ${reason}`);
  }
  const token = values.id ? result.AuthenticationResult?.IdToken : result.AuthenticationResult?.AccessToken;
  if (token === undefined) fail(`no token for ${username} (challenge: ${result.ChallengeName ?? "none"})`);
  process.stdout.write(`${token}\n`);
}

function fail(message: string): never {
  process.stderr.write(`token: ${message}\n`);
  process.exit(1);
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
