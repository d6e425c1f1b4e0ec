// The Node.js runtimes every figure is measured on, side by side in one run: this machine's Node
// (the one the tests and tools run on) and Node 22, the version of Lambda's nodejs22.x runtime that
// the CDK app deploys (tools/node22.ts). Node 22 is the figure that counts.

import { NODE22_VERSION, node22Binary } from "../tools/node22";

export interface Runtime {
  /** Column heading: "Node 20", "Node 22". */
  readonly label: string;
  readonly version: string;
  readonly execPath: string;
  /** The runtime Lambda runs the authorizer on: targets and sizing use its figures. */
  readonly production: boolean;
}

export function benchRuntimes(): Runtime[] {
  const machineMajor = process.versions.node.split(".")[0] ?? "?";
  return [
    {
      label: `Node ${machineMajor}`,
      version: process.version,
      execPath: process.execPath,
      production: false,
    },
    { label: "Node 22", version: NODE22_VERSION, execPath: node22Binary(), production: true },
  ];
}
