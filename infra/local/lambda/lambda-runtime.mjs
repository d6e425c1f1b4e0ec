// The local Lambda runtime: one child process per function, like one execution environment.
//
// Plain JavaScript on purpose: the bundled asset runs under plain `node`, with no TypeScript loader
// hooks, as it does on Lambda. The parent (lambda-runner.ts) gives the function's resolved
// environment to this process; here we import the handler module once (init, including any
// top-level await), report "ready" over IPC, then serve invocations over IPC until told to stop.
//
// Messages in:  { type: "invoke", id, event, context }
// Messages out: { type: "ready" } | { type: "init-error", error } | { type: "result", id, ok, result | error }

import path from "node:path";
import { pathToFileURL } from "node:url";
import { existsSync } from "node:fs";

const send = (message) => {
  if (process.connected) process.send(message);
};

/** Lambda's error shape: { errorType, errorMessage, stack }. */
const serializeError = (err) => {
  if (err instanceof Error) {
    return { errorType: err.name, errorMessage: err.message, stack: String(err.stack ?? "").split("\n") };
  }
  return { errorType: "Error", errorMessage: typeof err === "string" ? err : JSON.stringify(err) };
};

async function loadHandler() {
  const taskRoot = process.env.LAMBDA_TASK_ROOT;
  const handlerSpec = process.env._HANDLER;
  const dot = handlerSpec.lastIndexOf(".");
  const modulePath = handlerSpec.slice(0, dot);
  const exportName = handlerSpec.slice(dot + 1);
  // Lambda's Node.js runtime looks for .js, then .mjs, then .cjs.
  const file = [".js", ".mjs", ".cjs"]
    .map((ext) => path.join(taskRoot, modulePath + ext))
    .find((candidate) => existsSync(candidate));
  if (file === undefined)
    throw new Error(`Runtime.ImportModuleError: cannot find ${modulePath} in ${taskRoot}`);
  const mod = await import(pathToFileURL(file).href);
  const handler = mod[exportName] ?? mod.default?.[exportName];
  if (typeof handler !== "function") {
    throw new Error(`Runtime.HandlerNotFound: ${path.basename(file)}.${exportName} is not a function`);
  }
  return handler;
}

function invoke(handler, event, contextFields) {
  const deadline = Date.now() + contextFields.timeoutMs;
  const context = {
    ...contextFields,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  return new Promise((resolve, reject) => {
    const callback = (err, result) => (err ? reject(err) : resolve(result));
    try {
      const returned = handler(event, context, callback);
      if (returned && typeof returned.then === "function") returned.then(resolve, reject);
      else if (handler.length < 3) resolve(returned);
    } catch (err) {
      reject(err);
    }
  });
}

try {
  const handler = await loadHandler();
  process.on("message", (message) => {
    if (message?.type !== "invoke") return;
    invoke(handler, message.event, message.context).then(
      // JSON round trip: what reaches API Gateway is the serialized response, as on Lambda.
      (result) => send({ type: "result", id: message.id, ok: true, result: JSON.stringify(result ?? null) }),
      (err) => send({ type: "result", id: message.id, ok: false, error: serializeError(err) }),
    );
  });
  send({ type: "ready" });
} catch (err) {
  send({ type: "init-error", error: serializeError(err) });
  process.exitCode = 1;
  process.disconnect?.();
}
