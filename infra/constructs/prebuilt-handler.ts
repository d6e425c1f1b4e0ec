// The authorizer's handler ships prebuilt inside the package (dist/handler/index.mjs and its source
// map), the way aws-cdk-lib ships its own custom-resource handlers: an app that uses the construct
// needs neither esbuild nor Docker, and its `cdk synth` bundles nothing. `npm run build` produces the
// folder (tools/build-handler.ts, with the shared options of ../lambda-bundle.ts); a test checks that
// the shipped file is the one built from the current sources.
//
// At synth the construct stages the handler with the route rules next to it (route-rules.json, named
// by ROUTE_RULES_FILE) as the function's deployment package: the rules grow with the API, and Lambda
// caps all environment variables of a function at 4 KB together.
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html

import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ROUTE_RULES_FILE_NAME, type RouteRule } from "../../lambda/authorizer/contract";

/** The package whose `dist/handler` holds the prebuilt handler. */
export const PACKAGE_NAME = "cognito-jwt-authorizer";

/** The handler's module file in the deployment package, and Lambda's `handler` setting for it. */
export const HANDLER_FILE = "index.mjs";
export const HANDLER = "index.handler";

/** `<package root>/dist/handler`: found from this file, in the sources and in the compiled package alike. */
export function prebuiltHandlerDir(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === PACKAGE_NAME
    ) {
      return path.join(dir, "dist", "handler");
    }
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new Error(`${PACKAGE_NAME}: cannot find the package's package.json above ${__dirname}.`);
    dir = parent;
  }
}

/** The prebuilt handler's files (name → bytes); a clear error when the package was not built. */
export function readPrebuiltHandler(dir: string = prebuiltHandlerDir()): Map<string, Buffer> {
  if (!existsSync(path.join(dir, HANDLER_FILE))) {
    throw new Error(
      `${PACKAGE_NAME}: the prebuilt authorizer handler is missing (${path.join(dir, HANDLER_FILE)}). ` +
        "In a clone of the repository, run `npm run build`; an installed package always contains it.",
    );
  }
  const files = new Map<string, Buffer>();
  for (const name of readdirSync(dir).sort()) files.set(name, readFileSync(path.join(dir, name)));
  return files;
}

/**
 * A folder holding the prebuilt handler and `route-rules.json`: the function's deployment package.
 * Named after its content, so synthesizing the same app twice reuses it (and the asset hash, which
 * CDK computes from the files, is the same).
 */
export function stageHandlerWithRules(
  rules: readonly RouteRule[],
  handler: Map<string, Buffer> = readPrebuiltHandler(),
): string {
  const files = new Map(handler);
  files.set(ROUTE_RULES_FILE_NAME, Buffer.from(`${JSON.stringify(rules)}\n`));
  const hash = createHash("sha256");
  for (const [name, bytes] of files) hash.update(`${name}\0${bytes.length}\0`).update(bytes);
  const root = path.join(tmpdir(), `${PACKAGE_NAME}-assets`);
  const target = path.join(root, hash.digest("hex").slice(0, 32));
  if (existsSync(target)) return target;
  mkdirSync(root, { recursive: true });
  // Written next to its final name, then renamed: a concurrent synth never sees half a folder.
  const partial = mkdtempSync(path.join(root, "partial-"));
  for (const [name, bytes] of files) writeFileSync(path.join(partial, name), bytes);
  try {
    renameSync(partial, target);
  } catch (err) {
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(target)) throw err;
  }
  return target;
}
