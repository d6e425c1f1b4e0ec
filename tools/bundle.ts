// Bundle the authorizer the way the CDK app does (esbuild, ESM, minified), for `npm run invoke`,
// the entry-point tests and the benchmark's cold-start rows.

import { build } from "esbuild";
import { mkdirSync } from "node:fs";
import path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "..");
export const AUTHORIZER_ENTRY = path.join(REPO_ROOT, "lambda", "authorizer", "index.ts");

/** Writes `<outDir>/index.mjs` and returns its path. */
export async function bundleAuthorizer(outDir: string, options: { minify?: boolean } = {}): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const outfile = path.join(outDir, "index.mjs");
  await build({
    entryPoints: [AUTHORIZER_ENTRY],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    mainFields: ["module", "main"],
    minify: options.minify ?? true,
    sourcemap: true,
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    logLevel: "silent",
  });
  return outfile;
}
