// Values API Gateway accepts, checked at synth where they enter a construct, so that synth refuses
// what CloudFormation would otherwise fail during a deploy. A token (unknown until deploy) is not
// checked.

import { Token } from "aws-cdk-lib";

// CreateStage stageName: "Stage names can only contain alphanumeric characters, hyphens, and
// underscores. Maximum length is 128 characters."
// https://docs.aws.amazon.com/apigateway/latest/api/API_CreateStage.html (as the API Gateway SDK
// reference states it: https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/apigateway/aws.sdk.kotlin.services.apigateway.model/-create-stage-request)
const STAGE_NAME = /^[A-Za-z0-9_-]{1,128}$/;

/** A REST API stage name as API Gateway accepts it, or an Error whose message starts with `label`. */
export function assertStageName(name: string, label: string): void {
  if (Token.isUnresolved(name)) return;
  if (!STAGE_NAME.test(name)) {
    throw new Error(
      `${label} ${JSON.stringify(name)} must be 1 to 128 letters, digits, hyphens or underscores ` +
        '(API Gateway\'s rule for stage names; it is the first path segment of the API URL), like "prod" or "v1".',
    );
  }
}

/** Stage throttling: a positive rate (requests per second) and a whole burst of at least 1. */
export function assertStageThrottling(rate: number, burst: number): void {
  if (!(rate > 0) || !Number.isInteger(burst) || burst < 1) {
    throw new Error(
      `Stage throttling needs a positive throttlingRateLimit and a whole throttlingBurstLimit of at least 1; got ${rate} and ${burst}.`,
    );
  }
}
