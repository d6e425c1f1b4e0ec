// A machine client's access token (the OAuth 2.0 client_credentials grant) for the stack named in an
// outputs file, obtained the way a real client would: the client's secret read with the AWS SDK
// (DescribeUserPoolClient; an admin call, answered by the emulator of `npm start` or, for a deployed
// stack, by Cognito with your default AWS credentials), then `POST <TokenEndpoint>` with HTTP Basic.
// https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html
// Shared by `npm run token -- --client` and the end-to-end tests.

import {
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import type { StackOutputs } from "./sign-in";

export class TokenEndpointError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
  ) {
    super(`the token endpoint answered ${status} ${error}`);
    this.name = "TokenEndpointError";
  }
}

/** The MachineClientId's secret, as DescribeUserPoolClient returns it. */
export async function machineClientSecret(
  outputs: StackOutputs,
): Promise<{ clientId: string; secret: string }> {
  const clientId = outputs.values["MachineClientId"];
  if (clientId === undefined) {
    throw new Error(
      `stack ${outputs.stackName} has no MachineClientId output (a client for the client_credentials grant)`,
    );
  }
  const endpoint = outputs.values["CognitoEndpoint"];
  const sdk = new CognitoIdentityProviderClient({
    region: outputs.values["Region"] ?? "us-east-1",
    // The emulator takes any credentials; Cognito needs yours (an admin call).
    ...(endpoint !== undefined && {
      endpoint,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    }),
  });
  try {
    const described = await sdk.send(
      new DescribeUserPoolClientCommand({ UserPoolId: outputs.values["UserPoolId"], ClientId: clientId }),
    );
    const secret = described.UserPoolClient?.ClientSecret;
    if (secret === undefined)
      throw new Error(`app client ${clientId} has no secret: it cannot use client_credentials`);
    return { clientId, secret };
  } finally {
    sdk.destroy();
  }
}

/**
 * POST the client_credentials grant to the stack's TokenEndpoint; resolves with the access token,
 * rejects with TokenEndpointError carrying Cognito's error code (`invalid_scope`, ...).
 * `scope`: space-separated; omitted, the client gets all the custom scopes it is allowed.
 */
export async function clientCredentialsToken(
  outputs: StackOutputs,
  options: { scope?: string; credentials?: { clientId: string; secret: string } } = {},
): Promise<string> {
  const tokenEndpoint = outputs.values["TokenEndpoint"];
  if (tokenEndpoint === undefined) {
    throw new Error(
      `stack ${outputs.stackName} has no TokenEndpoint output: deploy with -c cognitoDomainPrefix=<prefix> (or run npm start)`,
    );
  }
  const { clientId, secret } = options.credentials ?? (await machineClientSecret(outputs));
  const body = new URLSearchParams({ grant_type: "client_credentials" });
  if (options.scope !== undefined) body.set("scope", options.scope);
  // RFC 6749 §2.3.1: id and secret form-urlencoded, then Basic.
  const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString(
    "base64",
  );
  const response = await fetch(tokenEndpoint, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: `Basic ${basic}` },
    body,
  });
  const json = (await response.json().catch(() => ({}))) as { access_token?: unknown; error?: unknown };
  if (response.status !== 200 || typeof json.access_token !== "string") {
    throw new TokenEndpointError(
      response.status,
      typeof json.error === "string" ? json.error : "no access_token",
    );
  }
  return json.access_token;
}
