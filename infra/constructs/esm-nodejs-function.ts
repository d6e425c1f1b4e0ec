// One way to build every function of this project: Node.js 22 on arm64, bundled locally by esbuild
// as a minified ES module with a source map (the options of ../lambda-bundle.ts), and an explicit
// log group with a retention.
// https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_lambda_nodejs-readme.html

import { Duration, RemovalPolicy } from "aws-cdk-lib";
import { Architecture, type CfnFunction, Runtime } from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat, type BundlingOptions } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { LAMBDA_BUNDLE } from "../lambda-bundle";
import { addEnvironmentSizeValidation } from "./lambda-environment-size";

/** The bundling every function of this project shares (never Docker: esbuild runs locally). */
export const ESM_BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: LAMBDA_BUNDLE.target,
  mainFields: [...LAMBDA_BUNDLE.mainFields],
  banner: LAMBDA_BUNDLE.banner,
  minify: LAMBDA_BUNDLE.minify,
  sourceMap: LAMBDA_BUNDLE.sourceMap,
  sourcesContent: LAMBDA_BUNDLE.sourcesContent,
  forceDockerBundling: false,
};

export interface EsmNodejsFunctionProps {
  /** Path to the TypeScript entry file that exports `handler`. */
  readonly entry: string;

  /**
   * Description shown in the Lambda console.
   * @default - no description
   */
  readonly description?: string;

  /**
   * Memory in MB.
   * @default 128
   */
  readonly memorySize?: number;

  /**
   * Maximum run time of one invocation.
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;

  /**
   * Environment variables (plus `NODE_OPTIONS=--enable-source-maps` when `enableSourceMaps`).
   * @default - none of its own
   */
  readonly environment?: Readonly<Record<string, string>>;

  /**
   * Map stack traces to the TypeScript sources at run time (`NODE_OPTIONS=--enable-source-maps`).
   * The source map is bundled either way; this only decides whether Node loads it at cold start,
   * which costs about 10 ms of init (measured by `npm run bench`).
   * @default true
   */
  readonly enableSourceMaps?: boolean;

  /**
   * How long the function's log group keeps its logs.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;

  /**
   * What happens to the log group when it leaves the stack.
   * @default RemovalPolicy.DESTROY - logs expire after `logRetention` anyway; a retained, orphaned
   * group would only collect cost and confusion
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/** A `NodejsFunction` on Node.js 22 / arm64, bundled as a minified ES module with source maps. */
export class EsmNodejsFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: EsmNodejsFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, "LogGroup", {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });

    this.function = new NodejsFunction(this, "Function", {
      entry: props.entry,
      handler: "handler",
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 128,
      timeout: props.timeout ?? Duration.seconds(10),
      logGroup: this.logGroup,
      bundling: ESM_BUNDLING,
      environment: {
        ...props.environment,
        // Stack traces point at the TypeScript sources, through the bundled source map.
        ...(props.enableSourceMaps === false ? {} : { NODE_OPTIONS: "--enable-source-maps" }),
      },
    });
    // Lambda's 4 KB for all variables together is checked by neither CloudFormation nor synth.
    addEnvironmentSizeValidation(this, this.function.node.defaultChild as CfnFunction);
  }
}
