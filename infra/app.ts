// CDK app entry: the only place that reads context and the environment. Everything below it gets
// typed props. Run by `cdk` through cdk.json (`npx tsx infra/app.ts`).
//
// | context                  | meaning                                                   | default |
// |--------------------------|-----------------------------------------------------------|---------|
// | userPoolId               | use this existing user pool (with userPoolClientId)       | create  |
// | userPoolClientId         | use this existing app client (with userPoolId)            | create  |
// | allowUserPasswordAuth    | allow USER_PASSWORD_AUTH on the created client            | false   |
// | requireOAuthScopes       | items routes require OAuth scopes, not groups (routes.ts) | false   |
// | cognitoDomainPrefix      | Cognito domain for the OAuth endpoints of the created pool | none    |
// | callbackUrls             | comma-separated OAuth callback URLs of the created client | localhost |
// | logoutUrls               | comma-separated sign-out URLs of the created client       | localhost |
// | apiGatewayCloudWatchRole | set the account's API Gateway CloudWatch Logs role        | true    |
// | userPoolDeletionProtection | deletion protection on, and never delete the created pool | false   |
// | secondUserPool           | a second created pool whose tokens are accepted too        | false   |
// | httpApi                  | the HTTP API next to the REST API (HttpApiUrl)             | true    |
// | account, region          | pin the stack to this account / region                    | agnostic |
//
// Cognito's rules for the prefix and the URLs are checked here, by the same code SecureUserPool
// uses (constructs/cognito-rules.ts), so a value Cognito would refuse fails before anything is built.

import { App, type Environment, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
// Cognito's id formats, as the authorizer's own config check expects them.
import { isClientId, isUserPoolId, REGION_PATTERN } from "../lambda/authorizer/contract";
import { assertDomainPrefix, assertRedirectUrls, type RedirectUrlKind } from "./constructs/cognito-rules";
import {
  CognitoAuthorizerSampleStack,
  type CognitoAuthorizerSampleStackProps,
  SAMPLE_STACK_ID,
} from "./sample-stack";

// https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html
const ACCOUNT_ID = /^\d{12}$/;
// Region codes such as us-east-1, eu-central-2, us-gov-west-1: the authorizer's own region pattern.
const REGION = new RegExp(`^${REGION_PATTERN}$`);

/** Build the app from its context. */
export function createApp(app: App = new App()): App {
  const props = propsFromContext(app);
  new CognitoAuthorizerSampleStack(app, SAMPLE_STACK_ID, { ...props, env: environmentFromContext(app) });
  // AwsSolutions findings fail the synth (cdk-nag 3 is a policy validation plugin): every exception
  // is an acknowledgement (Validations.of(x).acknowledge) beside its resource, with its reason.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return app;
}

/**
 * The stack's environment: pinned only by `-c account=... -c region=...`, environment-agnostic
 * otherwise (`AWS::Region` and `AWS::AccountId` in the template, resolved by CloudFormation in the
 * account and region `cdk deploy` targets: the profile's or AWS_REGION's).
 * Never CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION: the CLI always sets CDK_DEFAULT_REGION, to
 * us-east-1 when no region is configured, which would pin an offline synth to us-east-1.
 * https://docs.aws.amazon.com/cdk/v2/guide/configure-env.html#configure-env-when-deploy
 */
export function environmentFromContext(app: App): Environment {
  const account = stringContext(app, "account");
  const region = stringContext(app, "region");
  if (account !== undefined && !ACCOUNT_ID.test(account)) {
    throw new Error(`Context account "${account}" is not a 12-digit AWS account id.`);
  }
  if (region !== undefined && !REGION.test(region)) {
    throw new Error(`Context region "${region}" is not an AWS Region code like eu-west-1.`);
  }
  return { account, region };
}

export function propsFromContext(app: App): CognitoAuthorizerSampleStackProps {
  const userPoolId = stringContext(app, "userPoolId");
  const userPoolClientId = stringContext(app, "userPoolClientId");
  if ((userPoolId === undefined) !== (userPoolClientId === undefined)) {
    throw new Error(
      "Context userPoolId and userPoolClientId go together: pass both to use an existing user pool " +
        "(-c userPoolId=us-east-1_AbC123 -c userPoolClientId=...), or neither to create one.",
    );
  }
  if (userPoolId !== undefined && !isUserPoolId(userPoolId)) {
    throw new Error(
      `Context userPoolId "${userPoolId}" is not a Cognito user pool id like us-east-1_AbC123.`,
    );
  }
  if (userPoolClientId !== undefined && !isClientId(userPoolClientId)) {
    throw new Error(
      `Context userPoolClientId "${userPoolClientId}" is not an app client id (letters and digits, as Cognito prints it).`,
    );
  }

  const cognitoDomainPrefix = stringContext(app, "cognitoDomainPrefix");
  if (cognitoDomainPrefix !== undefined) {
    assertDomainPrefix(cognitoDomainPrefix, "Context cognitoDomainPrefix");
  }
  const callbackUrls = urlListContext(app, "callbackUrls", "callback");
  const logoutUrls = urlListContext(app, "logoutUrls", "logout");

  const props: CognitoAuthorizerSampleStackProps = {
    existingUserPool:
      userPoolId !== undefined && userPoolClientId !== undefined
        ? { userPoolId, userPoolClientId }
        : undefined,
    allowUserPasswordAuth: booleanContext(app, "allowUserPasswordAuth"),
    requireOAuthScopes: booleanContext(app, "requireOAuthScopes"),
    cognitoDomainPrefix,
    callbackUrls,
    logoutUrls,
    apiGatewayCloudWatchRole: booleanContext(app, "apiGatewayCloudWatchRole"),
    userPoolDeletionProtection: booleanContext(app, "userPoolDeletionProtection"),
    secondUserPool: booleanContext(app, "secondUserPool"),
    httpApi: booleanContext(app, "httpApi"),
  };
  if (props.existingUserPool !== undefined) {
    for (const key of [
      "allowUserPasswordAuth",
      "cognitoDomainPrefix",
      "callbackUrls",
      "logoutUrls",
      "userPoolDeletionProtection",
      "secondUserPool",
    ] as const) {
      if (props[key] !== undefined) {
        throw new Error(
          `Context ${key} configures a user pool the stack creates; it cannot be combined with userPoolId.`,
        );
      }
    }
  }
  return props;
}

/** A context value as a trimmed string; unset or blank is undefined. */
function stringContext(app: App, key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string")
    throw new Error(`Context ${key} must be a string; got ${JSON.stringify(value)}.`);
  return value.trim() === "" ? undefined : value.trim();
}

/** `-c key=true|false` arrives as a string; cdk.json may hold a real boolean. */
function booleanContext(app: App, key: string): boolean | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null) return undefined;
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  throw new Error(`Context ${key} must be true or false; got ${JSON.stringify(value)}.`);
}

/** A comma-separated list of URLs, each trimmed and checked against Cognito's redirect URL rules. */
function urlListContext(app: App, key: string, kind: RedirectUrlKind): string[] | undefined {
  const urls = stringContext(app, key)
    ?.split(",")
    .map((url) => url.trim());
  if (urls !== undefined) assertRedirectUrls(urls, `Context ${key}`, kind);
  return urls;
}

if (require.main === module) {
  createApp();
}
