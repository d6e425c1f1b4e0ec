// The whole stack on this machine: the Cognito emulator, the Lambda environments and the API Gateway.
//
// Synthesize, start the Cognito emulator and seed it from the template, start one warm Lambda
// environment per function with its environment resolved to local values, then the local API
// Gateway. Everything started is stopped again if a later step fails.

import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { ENV } from "../../lambda/authorizer/contract";
import {
  DescribeUserPoolClientCommand,
  type CognitoIdentityProviderClient,
  ResourceNotFoundException,
} from "@aws-sdk/client-cognito-identity-provider";
import cognitoLocalPrivateKey from "cognito-local/lib/keys/cognitoLocal.private.json";
import { CognitoEmulator } from "./cognito/cognito-emulator";
import { TokenEndpoint, type TokenEndpointClient } from "./cognito/token-endpoint";
import { cognitoClient, seedCognito, type SeededCognito } from "./cognito/cognito-seed";
import { LocalGateway, type RequestLogLine } from "./apigateway/gateway";
import { LocalHttpApiGateway } from "./apigateway/http-api-gateway";
import { type LocalValues, referencedLogicalIds, resolveString } from "./cloud-assembly/intrinsics";
import { LambdaRunner } from "./lambda/lambda-runner";
import { SAMPLE_USERS, type SampleUser } from "./cognito/sample-users";
import type { StackDefinition } from "./cloud-assembly/stack-definition";
import { readCloudAssembly } from "./cloud-assembly/template";

export const LOCAL_ACCOUNT_ID = "123456789012";
/** Lower-case alphanumerics, like a real API id, so method ARNs parse as execute-api ARNs. */
export const LOCAL_API_ID = "localapi01";
/** The HTTP API's id, in the same format: route ARNs parse as execute-api ARNs. */
export const LOCAL_HTTP_API_ID = "localhttp1";

export interface LocalStackOptions {
  /** The CDK app's folder (cdk.json). */
  readonly appDirectory: string;
  /**
   * Cloud assembly folder.
   * @default `<appDirectory>/cdk.out`
   */
  readonly cdkOutDirectory?: string;
  /**
   * Synthesize first; false reuses the cloud assembly as it is.
   * @default true
   */
  readonly synth?: boolean;
  /**
   * Context for the synth (`-c key=value`), as you would pass it to `cdk deploy`.
   * @default none
   */
  readonly context?: Readonly<Record<string, string>>;
  /** @default the one stack with a REST API */
  readonly stackName?: string;
  /** @default "us-east-1" */
  readonly region?: string;
  /** @default "127.0.0.1" */
  readonly host?: string;
  /** @default 3000 (0: a free port) */
  readonly apiPort?: number;
  /**
   * The local HTTP API's port, when the template has an HTTP API (AWS::ApiGatewayV2::Api).
   * @default 3001 (0: a free port)
   */
  readonly httpApiPort?: number;
  /** @default 9229 (0: a free port) */
  readonly cognitoPort?: number;
  /** The client_credentials token endpoint (token-endpoint.ts). @default 9230 (0: a free port) */
  readonly tokenPort?: number;
  /**
   * Folder holding the emulator's `.cognito/` state.
   * @default appDirectory (state in `<app>/.cognito/`, git-ignored)
   */
  readonly stateDirectory?: string;
  /** @default SAMPLE_USERS */
  readonly sampleUsers?: readonly SampleUser[];
  /**
   * Log lines of the functions and the emulator.
   * @default discarded
   */
  readonly onLog?: (source: string, line: string) => void;
  /** @default nothing */
  readonly onRequest?: (line: RequestLogLine) => void;
}

/**
 * The stack's outputs, as `cdk deploy --outputs-file` writes them, plus CognitoEndpoint and the
 * local TokenEndpoint. With an HTTP API, `HttpApiUrl` is the local HTTP API's URL (the stack's own
 * output of that name, the deployed URL replaced by the local one, or the local URL when the stack
 * has no such output).
 */
export type StackOutputs = Record<string, string> & {
  readonly ApiUrl: string;
  readonly UserPoolId: string;
  readonly UserPoolClientId: string;
  readonly Region: string;
  readonly CognitoEndpoint: string;
  readonly TokenEndpoint: string;
};

export interface LocalStack {
  readonly stackName: string;
  readonly outputs: StackOutputs;
  readonly definition: StackDefinition;
  readonly gateway: LocalGateway;
  /** The local HTTP API; undefined when the template has no AWS::ApiGatewayV2::Api. */
  readonly httpGateway: LocalHttpApiGateway | undefined;
  readonly cognito: CognitoEmulator;
  readonly seeded: SeededCognito;
  readonly runners: ReadonlyMap<string, LambdaRunner>;
  stop(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const region = options.region ?? "us-east-1";
  const cdkOut = options.cdkOutDirectory ?? path.join(options.appDirectory, "cdk.out");
  if (options.synth ?? true) await synthesize(options.appDirectory, cdkOut, options.context ?? {});
  const definition = readCloudAssembly(cdkOut, options.stackName);

  const cleanup: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    cleanup.length = 0;
  };
  try {
    // Pools get region-style ids (us-east-1_LocalPool1) so the production verifier path runs unchanged.
    const poolIds = new Map(
      [...definition.userPools]
        .sort((a, b) => a.logicalId.localeCompare(b.logicalId))
        .map((p, i) => [p.logicalId, `${region}_LocalPool${i + 1}`] as const),
    );
    const cognito = await CognitoEmulator.start({
      stateDirectory: options.stateDirectory ?? options.appDirectory,
      region,
      ...(options.host !== undefined && { host: options.host }),
      port: options.cognitoPort ?? 9229,
      userPools: new Map(definition.userPools.map((p) => [poolIds.get(p.logicalId) as string, p.properties])),
      onLog: (line) => options.onLog?.("cognito-local", line),
    });
    cleanup.push(() => cognito.stop());

    const sdk = cognitoClient(cognito.endpoint, region);
    cleanup.push(() => Promise.resolve(sdk.destroy()));
    // Client ids are not known yet; the clients' settings reference only pools and resource servers.
    const seedValues = localValues(definition, region, poolIds, new Map());
    const seeded = await seedCognito(
      sdk,
      definition,
      poolIds,
      options.sampleUsers ?? SAMPLE_USERS,
      (value, where) => resolveString(value, seedValues, where),
    );

    // The client_credentials grant, which cognito-local lacks: the app clients as the emulator
    // describes them (DescribeUserPoolClient), tokens signed with the emulator's key and issuer.
    const tokenEndpoint = await TokenEndpoint.start({
      issuerDomain: `https://cognito-idp.${region}.amazonaws.com`,
      signingKey: { pem: cognitoLocalPrivateKey.pem, kid: cognitoLocalPrivateKey.jwk.kid },
      lookupClient: (clientId) => describeClient(sdk, [...poolIds.values()], clientId),
      ...(options.host !== undefined && { host: options.host }),
      port: options.tokenPort ?? 9230,
    });
    cleanup.push(() => tokenEndpoint.stop());

    const values = localValues(definition, region, poolIds, seeded.clientIds);
    const runners = new Map<string, LambdaRunner>();
    cleanup.push(async () => {
      await Promise.all([...runners.values()].map((r) => r.stop()));
    });
    for (const fn of definition.functions.values()) {
      const environment: Record<string, string> = {};
      for (const [name, value] of Object.entries(fn.environment)) {
        environment[name] = resolveString(value, values, `${fn.logicalId}.Environment.${name}`);
      }
      // A function that names a user pool fetches that pool's keys from the emulator.
      const pool = jwksPoolOf(fn.environment, poolIds);
      if (pool !== undefined) environment[ENV.jwksUri] = cognito.jwksUri(poolIds.get(pool) as string);
      const extra = environment[ENV.extraUserPools];
      if (extra !== undefined) {
        environment[ENV.extraUserPools] = withLocalJwks(extra, new Set(poolIds.values()), (id) =>
          cognito.jwksUri(id),
        );
      }
      runners.set(
        fn.logicalId,
        new LambdaRunner({
          functionName: `${definition.stackName}-${fn.logicalId}`,
          assetDirectory: fn.assetDirectory,
          handler: fn.handler,
          timeoutSeconds: fn.timeoutSeconds,
          memorySize: fn.memorySize,
          region,
          environment,
          onLog: (name, line) => options.onLog?.(name, line),
        }),
      );
    }
    // Cold-start every function now: a bad environment fails `npm start`, not the first request.
    await Promise.all([...runners.values()].map((r) => r.start()));

    const gateway = new LocalGateway({
      stack: definition,
      runners,
      api: { region, accountId: LOCAL_ACCOUNT_ID, apiId: LOCAL_API_ID },
      ...(options.host !== undefined && { host: options.host }),
      port: options.apiPort ?? 3000,
      ...(options.onRequest !== undefined && { onRequest: options.onRequest }),
    });
    const apiUrl = await gateway.listen();
    cleanup.push(() => gateway.close());

    let httpGateway: LocalHttpApiGateway | undefined;
    let httpApiUrl: string | undefined;
    if (definition.httpApi !== undefined) {
      const served = new LocalHttpApiGateway({
        httpApi: definition.httpApi,
        runners,
        api: { region, accountId: LOCAL_ACCOUNT_ID, apiId: LOCAL_HTTP_API_ID },
        ...(options.host !== undefined && { host: options.host }),
        port: options.httpApiPort ?? 3001,
        ...(options.onRequest !== undefined && { onRequest: options.onRequest }),
      });
      httpApiUrl = await served.listen();
      httpGateway = served;
      cleanup.push(() => served.close());
    }

    const outputs = stackOutputs(definition, values, {
      apiUrl,
      httpApiUrl,
      region,
      cognitoEndpoint: cognito.endpoint,
      tokenEndpoint: tokenEndpoint.url,
      poolIds,
      clientIds: seeded.clientIds,
    });
    return {
      stackName: definition.stackName,
      outputs,
      definition,
      gateway,
      httpGateway,
      cognito,
      seeded,
      runners,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * The logical id of the emulated pool whose keys JWKS_URI serves: the pool of USER_POOL_ID when the
 * function has that variable (EXTRA_USER_POOLS names other pools, and may come first in the
 * template), else the first emulated pool any variable references.
 */
export function jwksPoolOf(
  environment: Readonly<Record<string, unknown>>,
  poolIds: ReadonlyMap<string, string>,
): string | undefined {
  const main = environment[ENV.userPoolId];
  return [...(main === undefined ? [] : [main]), ...Object.values(environment)]
    .flatMap(referencedLogicalIds)
    .find((id) => poolIds.has(id));
}

/**
 * EXTRA_USER_POOLS with each emulated pool's `jwksUri` pointed at the emulator, as JWKS_URI is for
 * USER_POOL_ID: without it the authorizer would fetch those pools' keys from Cognito. A pool the
 * emulator does not run is left as it is (and fails closed: its keys cannot be fetched locally).
 */
export function withLocalJwks(
  value: string,
  emulated: ReadonlySet<string>,
  jwksUri: (userPoolId: string) => string,
): string {
  let pools: unknown;
  try {
    pools = JSON.parse(value);
  } catch {
    return value; // the authorizer's cold start refuses it, with the reason
  }
  if (!Array.isArray(pools)) return value;
  return JSON.stringify(
    pools.map((p: unknown) => {
      const id = (p as { userPoolId?: unknown } | null)?.userPoolId;
      return typeof id === "string" && emulated.has(id) ? { ...(p as object), jwksUri: jwksUri(id) } : p;
    }),
  );
}

/** The app client `clientId` of one of the pools, as DescribeUserPoolClient tells it, or undefined. */
async function describeClient(
  sdk: CognitoIdentityProviderClient,
  userPoolIds: readonly string[],
  clientId: string,
): Promise<TokenEndpointClient | undefined> {
  for (const userPoolId of userPoolIds) {
    let described;
    try {
      described = await sdk.send(
        new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }),
      );
    } catch (err) {
      if (err instanceof ResourceNotFoundException) continue;
      throw err;
    }
    const c = described.UserPoolClient;
    if (c?.ClientId !== clientId || c.UserPoolId !== userPoolId) continue;
    const unit = c.TokenValidityUnits?.AccessToken ?? "hours";
    const seconds = { seconds: 1, minutes: 60, hours: 3600, days: 86400 }[unit];
    return {
      clientId,
      userPoolId,
      clientSecret: c.ClientSecret,
      allowedOAuthFlows: c.AllowedOAuthFlows ?? [],
      allowedOAuthScopes: c.AllowedOAuthScopes ?? [],
      // Cognito's default access token lifetime: 1 hour.
      accessTokenValiditySeconds:
        c.AccessTokenValidity === undefined ? 3600 : c.AccessTokenValidity * seconds,
    };
  }
  return undefined;
}

/** `{ "<StackName>": { ...outputs } }`, the format of `cdk deploy --outputs-file`. */
export function writeOutputsFile(file: string, stack: Pick<LocalStack, "stackName" | "outputs">): void {
  writeFileSync(file, `${JSON.stringify({ [stack.stackName]: stack.outputs }, null, 2)}\n`);
}

export class SynthError extends Error {
  constructor(output: string) {
    super(`cdk synth failed:\n${output}`);
    this.name = "SynthError";
  }
}

/** `cdk synth` offline, with real esbuild bundling, into `outDirectory`. */
export function synthesize(
  appDirectory: string,
  outDirectory: string,
  context: Readonly<Record<string, string>>,
): Promise<void> {
  const cdk = path.join(appDirectory, "node_modules", ".bin", "cdk");
  const contextArgs = Object.entries(context).flatMap(([k, v]) => ["--context", `${k}=${v}`]);
  return new Promise((resolve, reject) => {
    const child = spawn(cdk, ["synth", "--no-notices", "--quiet", "--output", outDirectory, ...contextArgs], {
      cwd: appDirectory,
      env: { ...process.env, CDK_DISABLE_VERSION_CHECK: "1", CDK_DISABLE_CLI_TELEMETRY: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new SynthError(output.trim().split("\n").slice(-40).join("\n"))),
    );
  });
}

function localValues(
  definition: StackDefinition,
  region: string,
  poolIds: ReadonlyMap<string, string>,
  clientIds: ReadonlyMap<string, string>,
): LocalValues {
  const resources = definition.template.Resources;
  const pseudo: Record<string, string> = {
    "AWS::Region": region,
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::AccountId": LOCAL_ACCOUNT_ID,
    "AWS::StackName": definition.stackName,
    "AWS::StackId": `arn:aws:cloudformation:${region}:${LOCAL_ACCOUNT_ID}:stack/${definition.stackName}/local`,
    "AWS::NoValue": "",
  };
  const functionName = (id: string): string => `${definition.stackName}-${id}`;
  return {
    ref(id) {
      if (id in pseudo) return pseudo[id];
      if (poolIds.has(id)) return poolIds.get(id);
      if (clientIds.has(id)) return clientIds.get(id);
      if (id === definition.restApiLogicalId) return LOCAL_API_ID;
      if (id === definition.stageLogicalId) return definition.stageName;
      if (id === definition.httpApi?.logicalId) return LOCAL_HTTP_API_ID;
      if (id === definition.httpApi?.stageLogicalId) return definition.httpApi.stageName;
      const resource = resources[id];
      if (resource === undefined) return undefined;
      if (resource.Type === "AWS::Lambda::Function") return functionName(id);
      // Ref of a resource server is its identifier (the prefix of its scopes).
      if (resource.Type === "AWS::Cognito::UserPoolResourceServer") {
        const identifier = resource.Properties?.["Identifier"];
        return typeof identifier === "string" ? identifier : undefined;
      }
      if (resource.Type === "AWS::Cognito::UserPoolGroup") {
        return definition.userPoolGroups.find((g) => g.logicalId === id)?.groupName;
      }
      // Any other resource: its logical id stands in for the physical name.
      return id;
    },
    getAtt(id, attribute) {
      const resource = resources[id];
      if (resource === undefined) return undefined;
      const poolId = poolIds.get(id);
      if (poolId !== undefined) {
        if (attribute === "Arn")
          return `arn:aws:cognito-idp:${region}:${LOCAL_ACCOUNT_ID}:userpool/${poolId}`;
        if (attribute === "ProviderName" || attribute === "ProviderURL") {
          return `cognito-idp.${region}.amazonaws.com/${poolId}`;
        }
        if (attribute === "UserPoolId") return poolId;
      }
      if (id === definition.restApiLogicalId && attribute === "RootResourceId") return "root";
      // What the deployed HTTP API's endpoint would be; outputs replace it with the local URL.
      if (id === definition.httpApi?.logicalId && attribute === "ApiEndpoint") {
        return `https://${LOCAL_HTTP_API_ID}.execute-api.${region}.amazonaws.com`;
      }
      if (resource.Type === "AWS::Lambda::Function" && attribute === "Arn") {
        return `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${functionName(id)}`;
      }
      if (attribute === "Arn") return `arn:aws:local:${region}:${LOCAL_ACCOUNT_ID}:${id}`;
      return undefined;
    },
  };
}

function stackOutputs(
  definition: StackDefinition,
  values: LocalValues,
  local: {
    apiUrl: string;
    httpApiUrl: string | undefined;
    region: string;
    cognitoEndpoint: string;
    tokenEndpoint: string;
    poolIds: ReadonlyMap<string, string>;
    clientIds: ReadonlyMap<string, string>;
  },
): StackOutputs {
  // What the stack's ApiUrl would be once deployed: replaced by the local URL wherever it appears.
  const deployedUrl = new RegExp(`^https://${LOCAL_API_ID}\\.execute-api\\.[^/]+/${definition.stageName}/`);
  // The HTTP API's `$default` stage has no path prefix: the endpoint (and its `/`) is the URL.
  const deployedHttpUrl = new RegExp(`^https://${LOCAL_HTTP_API_ID}\\.execute-api\\.[^/]+/?`);
  const outputs: Record<string, string> = {};
  for (const [key, output] of Object.entries(definition.template.Outputs ?? {})) {
    let value: string;
    try {
      value = resolveString(output.Value, values, `Outputs.${key}`);
    } catch {
      continue; // an output with no local meaning is left out
    }
    outputs[key] = value.replace(deployedUrl, local.apiUrl);
    if (local.httpApiUrl !== undefined)
      outputs[key] = outputs[key].replace(deployedHttpUrl, local.httpApiUrl);
  }
  const [firstPool] = local.poolIds.values();
  const [firstClient] = local.clientIds.values();
  return {
    ...outputs,
    ApiUrl: outputs["ApiUrl"] ?? local.apiUrl,
    ...(local.httpApiUrl !== undefined && { HttpApiUrl: outputs["HttpApiUrl"] ?? local.httpApiUrl }),
    UserPoolId: outputs["UserPoolId"] ?? firstPool ?? "",
    UserPoolClientId: outputs["UserPoolClientId"] ?? firstClient ?? "",
    Region: outputs["Region"] ?? local.region,
    CognitoEndpoint: local.cognitoEndpoint,
    // The local endpoint, also where the template names the deployed pool domain's.
    TokenEndpoint: local.tokenEndpoint,
  };
}
