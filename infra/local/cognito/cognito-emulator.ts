// The Cognito emulator: cognito-local on loopback in a child process (cognito-process.ts).
//
// Pools whose ids look like Cognito's (`us-east-1_LocalPool1`) and tokens whose issuer is Cognito's
// (`https://cognito-idp.us-east-1.amazonaws.com/<poolId>`), so the production CognitoJwtVerifier
// path runs unchanged: only JWKS_URI points at the emulator.

import { type ChildProcess, fork } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { exitWithin } from "../child-exit";
import { PortInUseError } from "../ports";

export interface CognitoEmulatorProps {
  /** The folder that holds `.cognito/` (cognito-local keeps its state under its working directory). */
  readonly stateDirectory: string;
  readonly region: string;
  /** @default "127.0.0.1" */
  readonly host?: string;
  /** @default 9229; 0 picks a free port */
  readonly port?: number;
  /** Pools to create when missing: local pool id → options from the template. */
  readonly userPools: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
  /**
   * Where the emulator's own log lines go.
   * @default discarded (shown only if it fails to start)
   */
  readonly onLog?: (line: string) => void;
}

const PROCESS = path.join(__dirname, "cognito-process.ts");
// tsx's loader by absolute URL: the child's working directory (the state folder) may be outside the repository.
const TSX_LOADER = pathToFileURL(
  path.join(path.dirname(require.resolve("tsx/package.json")), "dist/loader.mjs"),
).href;
const STARTUP_TIMEOUT_MS = 60_000;

export class CognitoEmulator {
  private constructor(
    private readonly child: ChildProcess,
    /** `http://127.0.0.1:9229`: usable as the AWS SDK's endpoint. */
    readonly endpoint: string,
  ) {}

  static async start(props: CognitoEmulatorProps): Promise<CognitoEmulator> {
    const host = props.host ?? "127.0.0.1";
    const requestedPort = props.port ?? 9229;
    prepareState(props);

    const child = fork(PROCESS, [], {
      cwd: props.stateDirectory,
      env: {
        ...process.env,
        COGNITO_PORT: String(requestedPort),
        COGNITO_HOST: host,
        AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: "1",
      },
      execArgv: ["--import", TSX_LOADER],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    const output: string[] = [];
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding("utf8");
      stream?.on("data", (chunk: string) => {
        for (const line of chunk.split("\n")) {
          if (line.trim() === "") continue;
          output.push(line);
          if (output.length > 50) output.shift();
          props.onLog?.(line);
        }
      });
    }

    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(
          new Error(
            `cognito-local did not start within ${STARTUP_TIMEOUT_MS / 1000} s:\n${output.join("\n")}`,
          ),
        );
      }, STARTUP_TIMEOUT_MS);
      child.on("message", (m: { type: string; port?: number; code?: string; message?: string }) => {
        clearTimeout(timer);
        if (m.type === "ready" && m.port !== undefined) resolve(m.port);
        else if (m.code === "EADDRINUSE") reject(new PortInUseError("Cognito emulator", requestedPort));
        else reject(new Error(`cognito-local failed to start: ${m.message ?? m.code}`));
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`cognito-local exited with code ${code}:\n${output.join("\n")}`));
      });
    });
    return new CognitoEmulator(child, `http://${host}:${port}`);
  }

  /** The pool's JWKS, as the authorizer's JWKS_URI. */
  jwksUri(userPoolId: string): string {
    return `${this.endpoint}/${userPoolId}/.well-known/jwks.json`;
  }

  async stop(): Promise<void> {
    const exited = exitWithin(this.child, 3000);
    this.child.kill("SIGTERM");
    await exited;
  }
}

/**
 * `.cognito/config.json` with Cognito's issuer domain, and one `.cognito/db/<poolId>.json` per pool
 * (cognito-local loads every pool file at start; its CreateUserPool would pick a `local_…` id).
 * Existing users and clients are kept across runs.
 */
function prepareState(props: CognitoEmulatorProps): void {
  const dir = path.join(props.stateDirectory, ".cognito");
  mkdirSync(path.join(dir, "db"), { recursive: true });

  const configPath = path.join(dir, "config.json");
  const config = existsSync(configPath)
    ? (JSON.parse(readFileSync(configPath, "utf8")) as Record<string, unknown>)
    : {};
  config["TokenConfig"] = {
    ...(config["TokenConfig"] as object | undefined),
    IssuerDomain: `https://cognito-idp.${props.region}.amazonaws.com`,
  };
  writeFileSync(configPath, JSON.stringify(config, null, 2));

  for (const [poolId, options] of props.userPools) {
    const poolPath = path.join(dir, "db", `${poolId}.json`);
    const existing = existsSync(poolPath)
      ? (JSON.parse(readFileSync(poolPath, "utf8")) as Record<string, unknown>)
      : { Users: {}, Groups: {} };
    const now = new Date().toISOString();
    existing["Options"] = {
      CreationDate: now,
      ...(existing["Options"] as object | undefined),
      ...poolOptions(options),
      Id: poolId,
      LastModifiedDate: now,
    };
    writeFileSync(poolPath, JSON.stringify(existing, null, 2));
  }
}

/** The template's pool properties that change how cognito-local signs users in. */
function poolOptions(p: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return {
    Name: p["UserPoolName"] ?? "local",
    // cognito-local defaults to email-as-username; the template decides.
    UsernameAttributes: p["UsernameAttributes"] ?? [],
    AliasAttributes: p["AliasAttributes"] ?? [],
    MfaConfiguration: "OFF",
  };
}
