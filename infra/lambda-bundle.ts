// How every function of this project is bundled, in one place: the CDK app's NodejsFunction
// (constructs/esm-nodejs-function.ts) and the local tools that bundle the authorizer themselves
// (tools/bundle.ts: `npm run invoke`, the integration tests, the benchmark) read these values, so a
// bundle built on a laptop is the bundle `cdk deploy` ships.
//
// ESM because the authorizer awaits its JWKS at module scope (top-level await is ESM-only). The
// banner gives CommonJS dependencies bundled into the ES module the `require` they expect.
// The target is the deployed runtime's Node.js version (Runtime.NODEJS_22_X).
// https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
// https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_lambda_nodejs-readme.html

export const LAMBDA_BUNDLE = {
  /** esbuild target: the Node.js major version of the Lambda runtime the functions run on. */
  target: "node22",
  format: "esm",
  mainFields: ["module", "main"],
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
  minify: true,
  sourceMap: true,
  /** Stack traces need the mappings, not the sources: keeps the deployment package small. */
  sourcesContent: false,
} as const;
