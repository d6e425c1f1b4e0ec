// Sign a user in with the AWS SDK (InitiateAuth, USER_PASSWORD_AUTH) against the stack named in an
// outputs file: the emulator of `npm start` (local-outputs.json, with CognitoEndpoint) or a deployed
// stack's Cognito (cdk-outputs.json). Shared by `npm run token` and `npm run invoke -- --local`.

import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  type InitiateAuthCommandOutput,
} from "@aws-sdk/client-cognito-identity-provider";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { TokenUse } from "../../lambda/authorizer/contract";
import { SAMPLE_USERS } from "../../infra/local/cognito/sample-users";

export interface StackOutputs {
  readonly stackName: string;
  readonly values: Readonly<Record<string, string>>;
}

/** `{ "<StackName>": { ...outputs } }`, the format of `cdk deploy --outputs-file`. */
export function readOutputsFile(file: string): StackOutputs {
  const resolved = path.resolve(file);
  if (!existsSync(resolved))
    throw new Error(`${file} not found: run \`npm start\` first (or pass --outputs <file>)`);
  const stacks = JSON.parse(readFileSync(resolved, "utf8")) as Record<string, Record<string, string>>;
  const [stackName, values] = Object.entries(stacks)[0] ?? [];
  if (
    stackName === undefined ||
    values?.["UserPoolClientId"] === undefined ||
    values["UserPoolId"] === undefined
  ) {
    throw new Error(`${file} has no stack with UserPoolId and UserPoolClientId outputs`);
  }
  return { stackName, values };
}

/** The output naming the app client to sign in with: the first pool's, or the second pool's. */
export type ClientOutput = "UserPoolClientId" | "SecondUserPoolClientId";

/**
 * The access token (or the ID token) of `user`: a sample user's short name (reader, editor, admin)
 * or a username; the password comes from the sample users or from the PASSWORD variable. The pool
 * is the one of the client `clientOutput` names (SecondUserPoolClientId: the stack's second pool).
 */
export async function signIn(
  outputs: StackOutputs,
  user: string,
  kind: TokenUse = "access",
  clientOutput: ClientOutput = "UserPoolClientId",
): Promise<string> {
  const clientId = outputs.values[clientOutput];
  if (clientId === undefined) {
    throw new Error(
      `the stack has no ${clientOutput} output: start it with a second pool (npm start -- -c secondUserPool=true)`,
    );
  }
  const sample = SAMPLE_USERS.find((u) => u.name === user || u.email === user);
  const username = sample?.email ?? user;
  const password = process.env["PASSWORD"] ?? sample?.password;
  if (password === undefined) throw new Error(`no password for ${user}: set PASSWORD`);

  const endpoint = outputs.values["CognitoEndpoint"];
  const client = new CognitoIdentityProviderClient({
    region: outputs.values["Region"] ?? "us-east-1",
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
      throw new Error(`cannot reach the Cognito emulator at ${endpoint}: is \`npm start\` running?`, {
        cause: err,
      });
    }
    throw new Error(`sign-in failed for ${username}: ${reason}`, { cause: err });
  } finally {
    client.destroy();
  }
  const token =
    kind === "id" ? result.AuthenticationResult?.IdToken : result.AuthenticationResult?.AccessToken;
  if (token === undefined)
    throw new Error(`no token for ${username} (challenge: ${result.ChallengeName ?? "none"})`);
  return token;
}
