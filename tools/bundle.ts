// Dev tooling: bundles the authorizer with the CDK app's own options (infra/lambda-bundle.ts).

import { build } from "esbuild";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { LAMBDA_BUNDLE } from "../infra/lambda-bundle";

export const REPO_ROOT = path.resolve(__dirname, "..");
export const AUTHORIZER_ENTRY = path.join(REPO_ROOT, "lambda", "authorizer", "index.ts");

export interface BundleOptions {
  /** false: an unminified bundle to read while debugging (never what is deployed). @default LAMBDA_BUNDLE.minify */
  readonly minify?: boolean;
}

/**
 * Writes `<outDir>/index.mjs` (and its `.map`) and returns its path: the bundle `cdk deploy` ships,
 * for `npm run invoke`, the integration tests and the benchmark. The esbuild options are the ones the
 * CDK's NodejsFunction derives from LAMBDA_BUNDLE (platform node; format, target, main fields, banner,
 * minify, linked source map, sourcesContent). Deliberate differences: `options.minify` (a readable
 * bundle for debugging, off unless asked for), and no `@aws-sdk/*` external, which the CDK adds because
 * the Lambda runtime provides the SDK: the authorizer imports none, so the output is the same.
 */
export async function bundleAuthorizer(outDir: string, options: BundleOptions = {}): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  const outfile = path.join(outDir, "index.mjs");
  await build({
    entryPoints: [AUTHORIZER_ENTRY],
    outfile,
    bundle: true,
    platform: "node",
    format: LAMBDA_BUNDLE.format,
    target: LAMBDA_BUNDLE.target,
    mainFields: [...LAMBDA_BUNDLE.mainFields],
    banner: { js: LAMBDA_BUNDLE.banner },
    minify: options.minify ?? LAMBDA_BUNDLE.minify,
    sourcemap: LAMBDA_BUNDLE.sourceMap,
    sourcesContent: LAMBDA_BUNDLE.sourcesContent,
    logLevel: "silent",
  });
  return outfile;
}

/**
 * Compiles one TypeScript script to a plain ES module, unbundled and unminified, for the same Node.js
 * version and module format as the function: a process that stands in for the Lambda runtime (the
 * benchmark's cold-start child) runs as plain `node`, with no TypeScript loader in the measurement.
 */
export async function compileScript(entry: string, outfile: string): Promise<string> {
  mkdirSync(path.dirname(outfile), { recursive: true });
  await build({
    entryPoints: [entry],
    outfile,
    bundle: false,
    platform: "node",
    format: LAMBDA_BUNDLE.format,
    target: LAMBDA_BUNDLE.target,
    logLevel: "silent",
  });
  return outfile;
}
