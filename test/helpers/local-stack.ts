// The end-to-end target: the local stack (synthesized once, emulator and gateway on free ports), or
// a deployed stack when E2E_OUTPUTS names its `cdk deploy --outputs-file` file.

import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { cognitoClient } from "../../infra/local/cognito/cognito-seed";
import { type LocalStack, startLocalStack } from "../../infra/local/stack";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

export interface E2eTarget {
  readonly outputs: Readonly<Record<string, string>>;
  /** The running local stack; undefined against a deployed stack. */
  readonly local: LocalStack | undefined;
  /** The cloud assembly the local stack runs; undefined against a deployed stack. */
  readonly cdkOutDirectory: string | undefined;
  /** Admin calls (users, clients): the emulator, or Cognito with default credentials. */
  readonly cognito: CognitoIdentityProviderClient;
  stop(): Promise<void>;
}

/** Tests that need emulator internals (invocation counts, the emulator's signing key). */
export const isLocal = process.env["E2E_OUTPUTS"] === undefined;

export async function startTarget(
  options: { cdkOutDirectory?: string; synth?: boolean } = {},
): Promise<E2eTarget> {
  const outputsFile = process.env["E2E_OUTPUTS"];
  if (outputsFile !== undefined) {
    const stacks = JSON.parse(readFileSync(path.resolve(outputsFile), "utf8")) as Record<
      string,
      Record<string, string>
    >;
    const outputs = Object.values(stacks)[0];
    const missing = ["ApiUrl", "UserPoolId", "UserPoolClientId", "Region"].filter(
      (key) => outputs?.[key] === undefined,
    );
    if (outputs === undefined || missing.length > 0) {
      throw new Error(
        `${outputsFile}: expected the stack's ApiUrl, UserPoolId, UserPoolClientId and Region outputs; missing ${missing.join(", ")}`,
      );
    }
    // The pool's Region, never a guess: the stack may live in any Region.
    const cognito = new CognitoIdentityProviderClient({ region: outputs["Region"] });
    return {
      outputs,
      local: undefined,
      cdkOutDirectory: undefined,
      cognito,
      stop: () => Promise.resolve(cognito.destroy()),
    };
  }

  return startLocalTarget(options);
}

/**
 * The local stack whatever E2E_OUTPUTS says: for tests of a stack configuration (CDK context) a
 * deployed stack does not have. `allowUserPasswordAuth=true` is always part of the context.
 */
export async function startLocalTarget(
  options: {
    cdkOutDirectory?: string;
    synth?: boolean;
    context?: Readonly<Record<string, string>>;
    /** Log lines of the functions and the emulator (the authorizer's decisions among them). */
    onLog?: (source: string, line: string) => void;
  } = {},
): Promise<E2eTarget & { readonly local: LocalStack; readonly cdkOutDirectory: string }> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), "local-stack-e2e-"));
  const cdkOutDirectory = options.cdkOutDirectory ?? path.join(scratch, "cdk.out");
  let stack: LocalStack;
  try {
    stack = await startLocalStack({
      appDirectory: REPO_ROOT,
      cdkOutDirectory,
      synth: options.synth ?? true,
      context: { ...options.context, allowUserPasswordAuth: "true" },
      ...(options.onLog !== undefined && { onLog: options.onLog }),
      apiPort: 0,
      httpApiPort: 0,
      cognitoPort: 0,
      tokenPort: 0,
      stateDirectory: scratch,
    });
  } catch (err) {
    rmSync(scratch, { recursive: true, force: true });
    throw err;
  }
  const cognito = cognitoClient(stack.outputs.CognitoEndpoint, stack.outputs.Region);
  return {
    outputs: stack.outputs,
    local: stack,
    cdkOutDirectory,
    cognito,
    async stop() {
      cognito.destroy();
      await stack.stop();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: unknown;
}

export async function call(url: string, init: RequestInit = {}): Promise<HttpResult> {
  const response = await fetch(url, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export const bearer = (token: string): RequestInit => ({ headers: { Authorization: `Bearer ${token}` } });
