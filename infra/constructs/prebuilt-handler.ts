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

import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import * as path from "node:path";
import { Stage } from "aws-cdk-lib";
import { DISABLE_ASSET_STAGING_CONTEXT } from "aws-cdk-lib/cx-api";
import type { IConstruct } from "constructs";
import { ROUTE_RULES_FILE_NAME } from "../../lambda/authorizer/contract";

/** The package whose `dist/handler` holds the prebuilt handler. */
export const PACKAGE_NAME = "cognito-jwt-authorizer";

/** The handler's module file in the deployment package, and Lambda's `handler` setting for it. */
export const HANDLER_FILE = "index.mjs";
export const HANDLER = "index.handler";

/**
 * `<package root>/dist/handler`: the installed package's own (resolved through its `exports`), else
 * found by walking up from this file (the repository's sources).
 */
export function prebuiltHandlerDir(): string {
  try {
    const manifest = require.resolve(`${PACKAGE_NAME}/package.json`, { paths: [__dirname] });
    return path.join(path.dirname(manifest), "dist", "handler");
  } catch {
    // Not resolvable by name (the repository before `npm ci` linked it, or a renamed copy): walk up.
  }
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

/** A staging folder and what to do once CDK has copied it into the cloud assembly. */
export interface Staging {
  readonly dir: string;
  /** Removes the folder, unless asset staging is off (SAM), where the assembly points at it. */
  readonly done: () => void;
}

/**
 * A fresh folder holding the prebuilt handler and `route-rules.json` (`rulesText`): the function's
 * deployment package. Created for this synth only, inside the app's output folder, readable by its
 * owner only (mkdtemp), and never reused: nothing another process wrote can reach the package. CDK
 * names the asset after the files' hash, so the same app gives the same asset every time.
 */
export function stageHandlerWithRules(
  scope: IConstruct,
  rulesText: string,
  handler: Map<string, Buffer> = readPrebuiltHandler(),
): Staging {
  const outdir = Stage.of(scope)?.outdir;
  if (outdir === undefined) throw new Error(`${PACKAGE_NAME}: the authorizer must be inside a CDK App.`);
  mkdirSync(outdir, { recursive: true });
  const dir = mkdtempSync(path.join(outdir, `.${PACKAGE_NAME}-staging-`));
  for (const [name, bytes] of handler) writeFileSync(path.join(dir, name), bytes);
  writeFileSync(path.join(dir, ROUTE_RULES_FILE_NAME), rulesText);
  const stagingDisabled = scope.node.tryGetContext(DISABLE_ASSET_STAGING_CONTEXT) === true;
  return { dir, done: () => (stagingDisabled ? undefined : rmSync(dir, { recursive: true, force: true })) };
}
