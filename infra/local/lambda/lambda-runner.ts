// The local Lambda service: one warm "execution environment" (a child process) per function.
//
// Each child (lambda-runtime.mjs) imported the bundled asset with the function's own environment
// (functions read env at module load, so two functions can never share a process), and serves
// invocations over IPC.

import { type ChildProcess, fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { exitWithin } from "../child-exit";

export interface LambdaRunnerProps {
  readonly functionName: string;
  readonly assetDirectory: string;
  readonly handler: string;
  readonly timeoutSeconds: number;
  readonly memorySize: number;
  readonly region: string;
  /** The function's template environment, resolved to local values. */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * Where the function's stdout/stderr lines go.
   * @default discarded
   */
  readonly onLog?: (functionName: string, line: string) => void;
}

/** The function threw, timed out or crashed: what Lambda reports as a function error. */
export class FunctionError extends Error {
  constructor(
    readonly errorType: string,
    readonly errorMessage: string,
  ) {
    super(errorMessage);
    this.name = "FunctionError";
  }
}

/** The function could not even load (bad config, missing module): it never serves. */
export class FunctionInitError extends Error {
  constructor(functionName: string, detail: string) {
    super(`Lambda function ${functionName} failed to initialise: ${detail}`);
    this.name = "FunctionInitError";
  }
}

type RuntimeMessage =
  | { type: "ready" }
  | { type: "init-error"; error: { errorType: string; errorMessage: string } }
  | { type: "result"; id: string; ok: true; result: string }
  | { type: "result"; id: string; ok: false; error: { errorType: string; errorMessage: string } };

interface Pending {
  resolve: (result: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

const RUNTIME = path.join(__dirname, "lambda-runtime.mjs");

export class LambdaRunner {
  /** Completed invocations, successful or not. */
  invocations = 0;
  private child: ChildProcess | undefined;
  private starting: Promise<void> | undefined;
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly props: LambdaRunnerProps) {}

  /** Start the environment (cold start) and wait until the module has loaded. */
  start(): Promise<void> {
    this.starting ??= this.spawn().catch((err: unknown) => {
      this.starting = undefined;
      throw err;
    });
    return this.starting;
  }

  async invoke(event: unknown): Promise<unknown> {
    await this.start();
    const child = this.child;
    if (child === undefined) throw new FunctionError("Runtime.Unavailable", "the environment is not running");
    const id = randomUUID();
    const timeoutMs = this.props.timeoutSeconds * 1000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // Lambda discards an environment whose invocation timed out; the next one cold-starts.
        this.failAll(
          new FunctionError(
            "Sandbox.Timedout",
            `Task timed out after ${this.props.timeoutSeconds}.00 seconds`,
          ),
        );
        this.stopChild();
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      child.send({
        type: "invoke",
        id,
        event,
        context: {
          awsRequestId: id,
          functionName: this.props.functionName,
          functionVersion: "$LATEST",
          invokedFunctionArn: `arn:aws:lambda:${this.props.region}:123456789012:function:${this.props.functionName}`,
          memoryLimitInMB: String(this.props.memorySize),
          logGroupName: `/aws/lambda/${this.props.functionName}`,
          logStreamName: "local",
          timeoutMs,
        },
      });
    });
  }

  async stop(): Promise<void> {
    this.failAll(new FunctionError("Runtime.Stopped", "the local stack is stopping"));
    const child = this.child;
    this.stopChild();
    if (child) await exitWithin(child, 2000);
  }

  private spawn(): Promise<void> {
    const p = this.props;
    const child = fork(RUNTIME, [], {
      cwd: p.assetDirectory,
      // Only what a Lambda environment has: the runtime's variables and the function's own.
      env: {
        PATH: process.env["PATH"] ?? "/usr/bin:/bin",
        TZ: ":UTC",
        LANG: "en_US.UTF-8",
        AWS_REGION: p.region,
        AWS_DEFAULT_REGION: p.region,
        AWS_EXECUTION_ENV: "AWS_Lambda_nodejs_local",
        AWS_LAMBDA_FUNCTION_NAME: p.functionName,
        AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(p.memorySize),
        AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${p.functionName}`,
        AWS_LAMBDA_LOG_STREAM_NAME: "local",
        LAMBDA_TASK_ROOT: p.assetDirectory,
        _HANDLER: p.handler,
        ...p.environment,
      },
      execArgv: [],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    this.child = child;
    for (const stream of [child.stdout, child.stderr]) {
      let buffered = "";
      stream?.setEncoding("utf8");
      stream?.on("data", (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split("\n");
        buffered = lines.pop() ?? "";
        for (const line of lines) if (line.trim() !== "") p.onLog?.(p.functionName, line);
      });
    }
    child.on("message", (message: RuntimeMessage) => {
      if (message.type !== "result") return;
      const pending = this.pending.get(message.id);
      if (pending === undefined) return;
      this.pending.delete(message.id);
      clearTimeout(pending.timer);
      this.invocations++;
      if (message.ok) pending.resolve(JSON.parse(message.result));
      else pending.reject(new FunctionError(message.error.errorType, message.error.errorMessage));
    });

    return new Promise<void>((resolve, reject) => {
      let initError: string | undefined;
      const onReady = (message: RuntimeMessage): void => {
        if (message.type === "ready") {
          child.off("message", onReady);
          resolve();
        } else if (message.type === "init-error") {
          initError = `${message.error.errorType}: ${message.error.errorMessage}`;
        }
      };
      child.on("message", onReady);
      child.on("exit", (code, signal) => {
        child.off("message", onReady);
        if (this.child === child) {
          this.child = undefined;
          this.starting = undefined;
        }
        reject(new FunctionInitError(p.functionName, initError ?? `exited with ${signal ?? `code ${code}`}`));
        // A crash mid-invocation is a function error for everything in flight.
        this.failAll(new FunctionError("Runtime.ExitError", `exited with ${signal ?? `code ${code}`}`));
      });
    });
  }

  private stopChild(): void {
    const child = this.child;
    this.child = undefined;
    this.starting = undefined;
    if (child && child.exitCode === null) child.kill("SIGTERM");
  }

  private failAll(err: Error): void {
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      this.pending.delete(id);
      this.invocations++;
      pending.reject(err);
    }
  }
}
