// Seeds the Cognito emulator from the template: the app clients (with their secret and OAuth
// settings: grants and allowed scopes, resolved against the template's resource servers), the
// groups, the sample users.
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
  UpdateUserPoolClientCommand,
  type UpdateUserPoolClientCommandInput,
  UserNotFoundException,
} from "@aws-sdk/client-cognito-identity-provider";
import { groupsForRole, type SampleUser } from "./sample-users";
import type { StackDefinition } from "../cloud-assembly/stack-definition";

export interface SeededCognito {
  /** Client logical id → local client id. */
  readonly clientIds: ReadonlyMap<string, string>;
  /** Sample users as created, in every pool: the pool, the username to sign in with, the groups joined. */
  readonly users: readonly (SampleUser & {
    readonly userPoolId: string;
    readonly username: string;
    readonly groups: readonly string[];
  })[];
}

export function cognitoClient(endpoint: string, region: string): CognitoIdentityProviderClient {
  // The emulator accepts any credentials; fixed ones keep the SDK from searching for real ones.
  return new CognitoIdentityProviderClient({
    endpoint,
    region,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
}

/** Scopes Cognito defines itself; every other allowed scope must be a resource server's. */
const BUILT_IN_SCOPES = ["openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"];

export async function seedCognito(
  client: CognitoIdentityProviderClient,
  stack: StackDefinition,
  poolIds: ReadonlyMap<string, string>,
  sampleUsers: readonly SampleUser[],
  /** A template value (an allowed scope, `Fn::Join` of a resource server's Ref) to its local string. */
  resolve: (value: unknown, where: string) => string,
): Promise<SeededCognito> {
  const clientIds = new Map<string, string>();
  for (const definition of stack.userPoolClients) {
    const userPoolId = poolIds.get(definition.userPoolLogicalId);
    if (userPoolId === undefined) continue;
    const p = definition.properties;
    const clientName = typeof p["ClientName"] === "string" ? p["ClientName"] : definition.logicalId;
    const settings: Omit<UpdateUserPoolClientCommandInput, "UserPoolId" | "ClientId"> = {
      ExplicitAuthFlows: p["ExplicitAuthFlows"] as CreateUserPoolClientCommandInput["ExplicitAuthFlows"],
      AccessTokenValidity: p["AccessTokenValidity"] as number | undefined,
      IdTokenValidity: p["IdTokenValidity"] as number | undefined,
      RefreshTokenValidity: p["RefreshTokenValidity"] as number | undefined,
      TokenValidityUnits: p["TokenValidityUnits"] as CreateUserPoolClientCommandInput["TokenValidityUnits"],
      AllowedOAuthFlows: p["AllowedOAuthFlows"] as CreateUserPoolClientCommandInput["AllowedOAuthFlows"],
      AllowedOAuthFlowsUserPoolClient: p["AllowedOAuthFlowsUserPoolClient"] as boolean | undefined,
      AllowedOAuthScopes: allowedScopes(
        stack,
        definition.logicalId,
        definition.userPoolLogicalId,
        p,
        resolve,
      ),
    };
    const listed = await client.send(
      new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }),
    );
    const existing = listed.UserPoolClients?.find((c) => c.ClientName === clientName)?.ClientId;
    if (existing !== undefined) {
      // Kept (with its id and secret) from an earlier run; its settings follow the template.
      await client.send(
        new UpdateUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: existing, ...settings }),
      );
      clientIds.set(definition.logicalId, existing);
      continue;
    }
    const input: CreateUserPoolClientCommandInput = {
      UserPoolId: userPoolId,
      ClientName: clientName,
      GenerateSecret: p["GenerateSecret"] === true,
      ...settings,
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
      users.push({ ...user, userPoolId, username, groups });
    }
  }
  return { clientIds, users };
}

/**
 * The client's AllowedOAuthScopes as strings, each a built-in scope or `<identifier>/<name>` of a
 * resource server of the same pool in the template: Cognito refuses a client naming any other
 * (ScopeDoesNotExistException), so the emulator must not accept one either.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html
 */
function allowedScopes(
  stack: StackDefinition,
  clientLogicalId: string,
  poolLogicalId: string,
  p: Readonly<Record<string, unknown>>,
  resolve: (value: unknown, where: string) => string,
): string[] | undefined {
  const raw = p["AllowedOAuthScopes"];
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw)) throw new Error(`${clientLogicalId}.AllowedOAuthScopes is not a list`);
  const defined = new Set<string>();
  for (const [id, resource] of Object.entries(stack.template.Resources)) {
    if (resource.Type !== "AWS::Cognito::UserPoolResourceServer") continue;
    const props = resource.Properties ?? {};
    if ((props["UserPoolId"] as { Ref?: string } | undefined)?.Ref !== poolLogicalId) continue;
    const identifier = resolve(props["Identifier"], `${id}.Identifier`);
    for (const scope of (props["Scopes"] ?? []) as { ScopeName?: unknown }[]) {
      defined.add(`${identifier}/${resolve(scope.ScopeName, `${id}.Scopes`)}`);
    }
  }
  return raw.map((value: unknown, i) => {
    const scope = resolve(value, `${clientLogicalId}.AllowedOAuthScopes[${i}]`);
    if (!BUILT_IN_SCOPES.includes(scope) && !defined.has(scope)) {
      throw new Error(
        `${clientLogicalId}.AllowedOAuthScopes[${i}] is "${scope}", which no resource server of its pool defines`,
      );
    }
    return scope;
  });
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
