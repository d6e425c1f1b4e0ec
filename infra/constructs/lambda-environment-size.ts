// Lambda allows 4 KB for all environment variables of a function together, and neither
// CloudFormation's schema check nor `cdk synth` looks at it: a stack that synthesizes fails its
// deploy instead ("Lambda was unable to configure your environment variables because the
// environment variables you have provided exceeded the 4KB limit"). This measures the environment
// the way Lambda does and fails synth, naming the largest variables.
// https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html (Function configuration,
// deployment, and execution: function environment variables, 4 KB for all of a function's
// variables in aggregate)
//
// What is measured: the variables as one JSON object, `{"NAME":"value",...}`, in UTF-8 bytes. That
// is the "String measured" Lambda quotes in the error above
// (https://github.com/github-aws-runners/terraform-aws-github-runner/issues/3594), and it is never
// less than the keys and values alone, so an environment that passes here passes Lambda's check.
//
// Deploy-time values (tokens) are resolved to their CloudFormation form first. A reference whose
// deployed length AWS documents is counted at that documented maximum (a user pool id at 55
// characters, an app client id at 128), so the total is an upper bound; a reference with no known
// bound is counted as 0 bytes and reported in a synth warning, since the check cannot see it.

import { Annotations, CfnResource, Stack } from "aws-cdk-lib";
import type { CfnFunction } from "aws-cdk-lib/aws-lambda";
import type { IConstruct } from "constructs";
import { ENV } from "../../lambda/authorizer/contract";

/** Lambda's limit for all environment variables of one function, in bytes. */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;

/** The longest value a deploy-time reference can take, as AWS documents it. */
interface DeployedBound {
  readonly bytes: number;
  readonly what: string;
}

/** `Ref` of these resource types: the resource's id. */
const REF_BOUNDS: Readonly<Record<string, DeployedBound>> = {
  // UserPoolIdType: 1 to 55 characters, [\w-]+_[0-9a-zA-Z]+.
  // https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolDomain.html#CognitoUserPools-CreateUserPoolDomain-request-UserPoolId
  "AWS::Cognito::UserPool": { bytes: 55, what: "a user pool id, at most 55 characters" },
  // ClientIdType: 1 to 128 characters, [\w+]+.
  // https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolClientDescription.html
  "AWS::Cognito::UserPoolClient": { bytes: 128, what: "an app client id, at most 128 characters" },
};

/** `Ref` of these pseudo parameters. */
const PSEUDO_PARAMETER_BOUNDS: Readonly<Record<string, DeployedBound>> = {
  // "The regex pattern for an account ID string requires exactly 12 digits." (Organizations DescribeAccount)
  // https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/organizations/aws.sdk.kotlin.services.organizations.model/-describe-account-request/-builder/account-id.html
  "AWS::AccountId": { bytes: 12, what: "an account id, 12 digits" },
};

/** What to do when a variable of this project is the one that is too large. */
const HINTS: Readonly<Record<string, string>> = {
  [ENV.routeRules]:
    `${ENV.routeRules} holds one rule per guarded route and grows with them: put the rules in a file of ` +
    `the deployment package and name it in ${ENV.routeRulesFile} (what CognitoJwtAuthorizer does)`,
};

/** One variable's share of the measured JSON: `"NAME":"value"`. */
export interface VariableSize {
  readonly name: string;
  /** Bytes of `"NAME":"value"` (an upper bound when `estimated` is not empty). */
  readonly bytes: number;
  /** Deploy-time values counted at their documented maximum length. */
  readonly estimated: readonly string[];
  /** Deploy-time values with no known bound, counted as 0 bytes. */
  readonly unbounded: readonly string[];
}

export interface EnvironmentSize {
  /** Bytes of the whole JSON object (0 when the function has no variables). */
  readonly bytes: number;
  /** Largest first. */
  readonly variables: readonly VariableSize[];
}

/** The environment of `fn` as Lambda will measure it (see the top of this file). */
export function measureEnvironment(fn: CfnFunction): EnvironmentSize {
  const stack = Stack.of(fn);
  const resolved = stack.resolve(fn.environment) as { variables?: Record<string, unknown> } | undefined;
  const entries = Object.entries(resolved?.variables ?? {});
  if (entries.length === 0) return { bytes: 0, variables: [] };

  const typeOf = resourceTypes(stack);
  const variables = entries.map(([name, value]): VariableSize => {
    const part = boundOf(value, typeOf);
    // "NAME":"value" — the value's quotes around its (escaped) content.
    return { name, bytes: jsonBytes(name) + 1 + 2 + part.bytes, ...part.notes };
  });
  // {...} and the commas between the entries.
  const bytes = 2 + (entries.length - 1) + variables.reduce((sum, v) => sum + v.bytes, 0);
  return { bytes, variables: [...variables].sort((a, b) => b.bytes - a.bytes) };
}

/** The synth error for an environment over the limit, or none. */
export function environmentSizeErrors(
  size: EnvironmentSize,
  limit = LAMBDA_ENVIRONMENT_LIMIT_BYTES,
): string[] {
  if (size.bytes <= limit) return [];
  const largest = size.variables.slice(0, 3).map(describe).join("; ");
  const hints = size.variables.flatMap((v) => HINTS[v.name] ?? []);
  const advice = [...hints, "shorten or remove the largest variables"].join("; or ");
  return [
    `The environment variables come to ${bytes(size.bytes)}, over the 4 KB (${bytes(limit)}) Lambda allows ` +
      "for all variables of a function together, so the deploy would fail. " +
      `Largest: ${largest}. To fix: ${advice}. (Measured as Lambda does: the variables as one JSON object, ` +
      "deploy-time ids at their documented maximum length; " +
      "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html)",
  ];
}

/**
 * Fail synth when the environment of `fn` would exceed Lambda's 4 KB, and warn (once) about
 * deploy-time values the check cannot bound. Registered on `scope`, whose path names the function.
 */
export function addEnvironmentSizeValidation(scope: IConstruct, fn: CfnFunction): void {
  let warned = false;
  scope.node.addValidation({
    validate: () => {
      const size = measureEnvironment(fn);
      const unbounded = size.variables.filter((v) => v.unbounded.length > 0);
      if (!warned && unbounded.length > 0) {
        warned = true;
        Annotations.of(scope).addWarningV2(
          "cognito-jwt-authorizer:lambdaEnvironmentSize",
          `The 4 KB environment check counted 0 bytes for deploy-time values it cannot bound: ` +
            `${unbounded.map((v) => `${v.name} (${v.unbounded.join(", ")})`).join("; ")}. ` +
            `The rest comes to ${bytes(size.bytes)} of ${bytes(LAMBDA_ENVIRONMENT_LIMIT_BYTES)}.`,
        );
      }
      return environmentSizeErrors(size);
    },
  });
}

interface Bound {
  readonly bytes: number;
  readonly notes: { readonly estimated: string[]; readonly unbounded: string[] };
}

/** Bytes a resolved value adds inside its JSON string quotes, with what was estimated or unknown. */
function boundOf(value: unknown, typeOf: ReadonlyMap<string, string>): Bound {
  const notes = { estimated: [] as string[], unbounded: [] as string[] };
  const walk = (v: unknown): number => {
    if (typeof v === "string") return jsonBytes(v) - 2;
    if (typeof v === "number" || typeof v === "boolean") return jsonBytes(String(v)) - 2;
    if (typeof v === "object" && v !== null && !Array.isArray(v)) {
      const intrinsic = v as Record<string, unknown>;
      const ref = intrinsic.Ref;
      if (typeof ref === "string") {
        const type = typeOf.get(ref);
        const bound = PSEUDO_PARAMETER_BOUNDS[ref] ?? (type !== undefined ? REF_BOUNDS[type] : undefined);
        if (bound !== undefined) {
          notes.estimated.push(bound.what);
          return bound.bytes;
        }
        notes.unbounded.push(`Ref ${ref}`);
        return 0;
      }
      const join = intrinsic["Fn::Join"];
      if (Array.isArray(join) && typeof join[0] === "string" && Array.isArray(join[1])) {
        const parts = join[1] as unknown[];
        const separator = jsonBytes(join[0]) - 2;
        return parts.reduce<number>((sum, p) => sum + walk(p), 0) + separator * Math.max(0, parts.length - 1);
      }
      const [fn] = Object.keys(intrinsic);
      notes.unbounded.push(fn ?? "an empty object");
      return 0;
    }
    notes.unbounded.push(typeof v);
    return 0;
  };
  return { bytes: walk(value), notes };
}

/** Logical id → CloudFormation type of every resource in the stack. */
function resourceTypes(stack: Stack): ReadonlyMap<string, string> {
  const types = new Map<string, string>();
  for (const construct of stack.node.findAll()) {
    if (CfnResource.isCfnResource(construct) && Stack.of(construct) === stack) {
      types.set(stack.resolve(construct.logicalId) as string, construct.cfnResourceType);
    }
  }
  return types;
}

function jsonBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text), "utf8");
}

function bytes(n: number): string {
  return `${n.toLocaleString("en-US")} bytes`;
}

function describe(v: VariableSize): string {
  const estimate = v.estimated.length > 0 ? ` at most (counting ${v.estimated.join(", ")})` : "";
  return `${v.name} ${bytes(v.bytes)}${estimate}`;
}
