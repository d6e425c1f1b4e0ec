// Users for the end-to-end tests, created and signed in the way a real user is: the AWS SDK's
// Cognito admin calls against the emulator (or a deployed pool), then USER_PASSWORD_AUTH.

import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  type CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { randomUUID } from "node:crypto";

/** A confirmed user of `userPoolId` with `password`, in `group` unless undefined: its username. */
export async function createUser(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  group: string | undefined,
  password: string,
): Promise<string> {
  const username = `e2e-${group ?? "nogroup"}-${randomUUID().slice(0, 8)}@example.com`;
  await cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: userPoolId,
      Username: username,
      MessageAction: "SUPPRESS",
      UserAttributes: [
        { Name: "email", Value: username },
        { Name: "email_verified", Value: "true" },
      ],
    }),
  );
  await cognito.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: userPoolId,
      Username: username,
      Password: password,
      Permanent: true,
    }),
  );
  if (group !== undefined) {
    await cognito.send(
      new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: username, GroupName: group }),
    );
  }
  return username;
}

/** The access token of `username` signed in through `clientId` (USER_PASSWORD_AUTH). */
export async function signIn(
  cognito: CognitoIdentityProviderClient,
  clientId: string,
  username: string,
  password: string,
): Promise<string> {
  const result = await cognito.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );
  const token = result.AuthenticationResult?.AccessToken;
  if (token === undefined)
    throw new Error(`signing ${username} in through ${clientId} returned no access token`);
  return token;
}
