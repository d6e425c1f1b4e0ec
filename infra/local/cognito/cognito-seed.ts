// Seeds the Cognito emulator from the template: the app clients, the groups, the sample users.
//
// With the AWS SDK (the same calls an admin makes against Cognito); the sample users join their
// groups. Idempotent: a second `npm start` finds the clients by name and resets the sample users to
// their README passwords.

import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  type CreateUserPoolClientCommandInput,
  ListUserPoolClientsCommand,
  UserNotFoundException,
} from "@aws-sdk/client-cognito-identity-provider";
import { groupsForRole, type SampleUser } from "./sample-users";
import type { StackDefinition } from "../cloud-assembly/stack-definition";

export interface SeededCognito {
  /** Client logical id → local client id. */
  readonly clientIds: ReadonlyMap<string, string>;
  /** Sample users as created: the username to sign in with and the groups joined. */
  readonly users: readonly (SampleUser & { readonly username: string; readonly groups: readonly string[] })[];
}

export function cognitoClient(endpoint: string, region: string): CognitoIdentityProviderClient {
  // The emulator accepts any credentials; fixed ones keep the SDK from searching for real ones.
  return new CognitoIdentityProviderClient({
    endpoint,
    region,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
}

export async function seedCognito(
  client: CognitoIdentityProviderClient,
  stack: StackDefinition,
  poolIds: ReadonlyMap<string, string>,
  sampleUsers: readonly SampleUser[],
): Promise<SeededCognito> {
  const clientIds = new Map<string, string>();
  for (const definition of stack.userPoolClients) {
    const userPoolId = poolIds.get(definition.userPoolLogicalId);
    if (userPoolId === undefined) continue;
    const p = definition.properties;
    const clientName = typeof p["ClientName"] === "string" ? p["ClientName"] : definition.logicalId;
    const listed = await client.send(
      new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }),
    );
    const existing = listed.UserPoolClients?.find((c) => c.ClientName === clientName)?.ClientId;
    if (existing !== undefined) {
      clientIds.set(definition.logicalId, existing);
      continue;
    }
    const input: CreateUserPoolClientCommandInput = {
      UserPoolId: userPoolId,
      ClientName: clientName,
      ExplicitAuthFlows: p["ExplicitAuthFlows"] as CreateUserPoolClientCommandInput["ExplicitAuthFlows"],
      AccessTokenValidity: p["AccessTokenValidity"] as number | undefined,
      IdTokenValidity: p["IdTokenValidity"] as number | undefined,
      RefreshTokenValidity: p["RefreshTokenValidity"] as number | undefined,
      TokenValidityUnits: p["TokenValidityUnits"] as CreateUserPoolClientCommandInput["TokenValidityUnits"],
    };
    const created = await client.send(new CreateUserPoolClientCommand(input));
    clientIds.set(definition.logicalId, created.UserPoolClient?.ClientId as string);
  }

  const users: SeededCognito["users"][number][] = [];
  for (const [poolLogicalId, userPoolId] of poolIds) {
    const groupNames = stack.userPoolGroups.filter((g) => g.userPoolLogicalId === poolLogicalId);
    for (const g of groupNames) {
      // cognito-local's CreateGroup overwrites an existing group's metadata, keeping its members.
      await client.send(
        new CreateGroupCommand({
          UserPoolId: userPoolId,
          GroupName: g.groupName,
          Description: g.description,
          Precedence: g.precedence,
        }),
      );
    }
    const pool = stack.userPools.find((p) => p.logicalId === poolLogicalId);
    const emailIsUsername = ((pool?.properties["UsernameAttributes"] ?? []) as string[]).includes("email");
    for (const user of sampleUsers) {
      const username = emailIsUsername ? user.email : user.name;
      const groups = groupsForRole(
        user.role,
        groupNames.map((g) => g.groupName),
      );
      await ensureUser(client, userPoolId, username, user);
      for (const group of groups) {
        await client.send(
          new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: username, GroupName: group }),
        );
      }
      users.push({ ...user, username, groups });
    }
  }
  return { clientIds, users };
}

async function ensureUser(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
  username: string,
  user: SampleUser,
): Promise<void> {
  try {
    await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
  } catch (err) {
    if (!(err instanceof UserNotFoundException)) throw err;
    await client.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: username,
        MessageAction: "SUPPRESS",
        UserAttributes: [
          { Name: "email", Value: user.email },
          { Name: "email_verified", Value: "true" },
        ],
      }),
    );
  }
  await client.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: userPoolId,
      Username: username,
      Password: user.password,
      Permanent: true,
    }),
  );
  await client.send(new AdminEnableUserCommand({ UserPoolId: userPoolId, Username: username }));
}
