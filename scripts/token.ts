// `npm run token -- <user> [--id]`: sign a user in with the AWS SDK (InitiateAuth,
// USER_PASSWORD_AUTH) and print the access token (or, with --id, the ID token) on stdout.
//
// Against `npm start`'s emulator by default (local-outputs.json). `--outputs cdk-outputs.json`
// signs in against a deployed stack's real Cognito (its app client must allow USER_PASSWORD_AUTH).
// <user> is a sample user's short name (reader, editor, admin) or a username; the password comes
// from the sample users or from the PASSWORD environment variable.
//
//   TOKEN=$(npm run -s token -- reader)

import { parseArgs } from "node:util";
import { readOutputsFile, signIn } from "./lib/sign-in";

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      id: { type: "boolean", default: false },
      outputs: { type: "string", default: "local-outputs.json" },
    },
  });
  const [user] = positionals;
  if (user === undefined) throw new Error("usage: npm run token -- <user> [--id] [--outputs <file>]");
  const token = await signIn(readOutputsFile(values.outputs), user, values.id ? "id" : "access");
  process.stdout.write(`${token}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`token: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
