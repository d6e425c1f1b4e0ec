// Stopping the local stack's child processes: a grace period after SIGTERM, then SIGKILL.
//
// The children are the Cognito emulator and the Lambda environments: give a child a grace period to
// exit after SIGTERM, then SIGKILL it, so `npm start` never hangs on Ctrl-C and never leaves a
// process behind.

import type { ChildProcess } from "node:child_process";

/** Resolves when `child` has exited; SIGKILLs it if it has not within `graceMs`. Sends no SIGTERM. */
export function exitWithin(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve();
    }, graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
