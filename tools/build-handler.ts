// `npm run build`, second half: bundles the authorizer into dist/handler/ (index.mjs and its map), the
// prebuilt handler the package ships (infra/constructs/prebuilt-handler.ts). Also run by cdk.json
// before every synth of this repository's app, so what the sample deploys is the current source.
//
// Built into a sibling folder first (the same depth, so the source map's relative paths are the
// same), then each file is renamed into place: a test or synth reading dist/handler at the same
// time sees the old file or the new one, never half of one.

import { mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { bundleAuthorizer, REPO_ROOT } from "./bundle";

export const HANDLER_DIST = path.join(REPO_ROOT, "dist", "handler");

export async function buildHandler(): Promise<string> {
  const partial = path.join(REPO_ROOT, "dist", `.handler-${process.pid}`);
  rmSync(partial, { recursive: true, force: true });
  try {
    await bundleAuthorizer(partial);
    mkdirSync(HANDLER_DIST, { recursive: true });
    const built = new Set(readdirSync(partial));
    for (const name of built) renameSync(path.join(partial, name), path.join(HANDLER_DIST, name));
    // A file an older build wrote and this one did not would ship as part of the package.
    for (const name of readdirSync(HANDLER_DIST)) {
      if (!built.has(name)) rmSync(path.join(HANDLER_DIST, name), { recursive: true, force: true });
    }
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return path.join(HANDLER_DIST, "index.mjs");
}

if (require.main === module) {
  buildHandler().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
