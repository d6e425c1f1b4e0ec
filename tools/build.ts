// `npm run build`: the package as it ships. dist/index.js with its type declarations (tsc with
// tsconfig.build.json: only what index.ts reaches) and the prebuilt handler in dist/handler. Run
// by `npm ci` (prepare), `npm pack` and `npm test`, so nothing stale is tested or packed.

import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { buildHandler } from "./build-handler";
import { REPO_ROOT } from "./bundle";

const dist = path.join(REPO_ROOT, "dist");
// Compiled files of modules since removed or renamed would otherwise ship with the package.
for (const name of ["index.js", "index.d.ts", "infra", "lambda"]) {
  rmSync(path.join(dist, name), { recursive: true, force: true });
}
const tsc = spawnSync(
  process.execPath,
  [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"],
  {
    cwd: REPO_ROOT,
    stdio: "inherit",
  },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
buildHandler().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
