// The IAM policy evaluator the tests judge policies with is the one the local API Gateway runs
// (infra/local/apigateway/iam-policy.ts), so a policy the tests accept is a policy `npm start` serves
// the same way.
// Its own unit tests, against the IAM and API Gateway documentation: test/unit/iam-evaluator.test.ts.

export {
  type Effect,
  type Evaluation,
  evaluatePolicy,
  iamGlobMatches,
} from "../../infra/local/apigateway/iam-policy";

/** The method ARN API Gateway builds for a request: `{prefix}{METHOD}/{path without leading /}`. */
export function methodArnFor(resourcePrefix: string, method: string, path: string): string {
  return `${resourcePrefix}${method}/${path.replace(/^\//, "")}`;
}
