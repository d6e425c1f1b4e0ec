// The Node.js runtimes the entry-point and bundle tests load the bundle with: this machine's Node
// (the one Jest runs on) and Node 22, the version of Lambda's nodejs22.x runtime the CDK app deploys
// (Runtime.NODEJS_22_X; the binary comes with `npm ci`, tools/node22.ts). A missing Node 22 fails
// the importing test file with what to do, never a skip and never a fall-back to the machine's Node.
// https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html

import { NODE22_VERSION, node22Binary } from "../../tools/node22";

export interface NodeRuntime {
  readonly name: string;
  readonly execPath: string;
  /** What `process.version` must print in the child: proof it ran where the test says. */
  readonly version: string;
}

export const NODE_RUNTIMES: readonly NodeRuntime[] = [
  { name: `this machine's Node ${process.version}`, execPath: process.execPath, version: process.version },
  { name: `Node ${NODE22_VERSION} (Lambda nodejs22.x)`, execPath: node22Binary(), version: NODE22_VERSION },
];

/** For `describe.each(EACH_NODE_RUNTIME)("on %s", (_name, runtime) => ...)`. */
export const EACH_NODE_RUNTIME = NODE_RUNTIMES.map((r) => [r.name, r] as const);
