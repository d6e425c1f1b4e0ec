// infra/constructs/secure-user-pool.ts on its own: Cognito's deploy-time rules applied to its props,
// so any user of the construct gets a synth error naming the prop instead of a failed deploy
// (the rules themselves are tested case by case in cognito-rules.test.ts); and what CloudFormation
// does with the pool on `cdk destroy`, on replacement and on a rollback, with deletion protection
// consistent with it.

import { Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { SecureUserPool, type SecureUserPoolProps } from "../../infra/constructs/secure-user-pool";
import { testApp } from "../helpers/cdk-app";

/** A stack as cdk.json configures it, without the slow built-in CloudFormation schema check. */
function testStack(): Stack {
  return new Stack(testApp(), "Test");
}

function template(props: SecureUserPoolProps): Template {
  const stack = testStack();
  new SecureUserPool(stack, "Identity", props);
  return Template.fromStack(stack);
}

describe("SecureUserPool accepts what Cognito accepts", () => {
  test("custom-scheme and loopback redirect URLs reach the app client as given", () => {
    // Protects: native apps (myapp://) and local testing on 127.0.0.1 / [::1] can sign in.
    const callbackUrls = ["myapp://callback", "http://127.0.0.1:3000/cb", "http://[::1]:8080/cb"];
    const logoutUrls = ["myapp://signed-out", "https://app.example.com/"];
    template({ callbackUrls, logoutUrls }).hasResourceProperties("AWS::Cognito::UserPoolClient", {
      CallbackURLs: callbackUrls,
      LogoutURLs: logoutUrls,
    });
  });

  test("token lifetimes at Cognito's limits are set in minutes", () => {
    // Protects: the documented extremes (5 minutes, 10 years) deploy, in the units the client uses.
    template({
      accessTokenValidity: Duration.minutes(5),
      refreshTokenValidity: Duration.days(3650),
    }).hasResourceProperties("AWS::Cognito::UserPoolClient", {
      AccessTokenValidity: 5,
      IdTokenValidity: 5,
      RefreshTokenValidity: 3650 * 24 * 60,
    });
  });

  test("a valid domain prefix creates the domain", () => {
    // Protects: the shared prefix check lets ordinary prefixes through.
    template({ domainPrefix: "my-app-auth" }).hasResourceProperties("AWS::Cognito::UserPoolDomain", {
      Domain: "my-app-auth",
    });
  });
});

describe("SecureUserPool refuses at synth what Cognito would refuse at deploy", () => {
  it.each<{ rule: string; props: SecureUserPoolProps; message: RegExp }>([
    {
      rule: "callback URL without a fragment",
      props: { callbackUrls: ["https://app.example.com/cb#x"] },
      message: /^SecureUserPool callbackUrls "https:\/\/app.example.com\/cb#x" has a fragment/,
    },
    {
      rule: "callback URL https except loopback",
      props: { callbackUrls: ["http://app.example.com/cb"] },
      message: /^SecureUserPool callbackUrls "http:\/\/app.example.com\/cb" must be https/,
    },
    {
      rule: "at least one callback URL for the code grant",
      props: { callbackUrls: [] },
      message: /^SecureUserPool callbackUrls is empty/,
    },
    {
      rule: "logout URL without spaces (RedirectUrlType)",
      props: { logoutUrls: ["https://app.example.com/signed out"] },
      message: /^SecureUserPool logoutUrls "https:\/\/app.example.com\/signed out" contains spaces/,
    },
    {
      rule: "domain prefix pattern",
      props: { domainPrefix: "My_Auth" },
      message: /^SecureUserPool domainPrefix "My_Auth" must be lowercase letters/,
    },
    {
      rule: "domain prefix reserved words",
      props: { domainPrefix: "acme-cognito" },
      message: /^SecureUserPool domainPrefix "acme-cognito" contains "cognito"/,
    },
    {
      rule: "access token 5 minutes to 1 day",
      props: { accessTokenValidity: Duration.days(2), refreshTokenValidity: Duration.days(30) },
      message: /^SecureUserPool accessTokenValidity is 2 days; Cognito accepts 5 minutes to 1 day/,
    },
    {
      rule: "refresh token 60 minutes to 10 years",
      props: { refreshTokenValidity: Duration.minutes(30), accessTokenValidity: Duration.minutes(5) },
      message: /^SecureUserPool refreshTokenValidity is 30 minutes; Cognito accepts 60 minutes to 10 years/,
    },
    {
      rule: "access token not longer than the refresh token",
      props: { accessTokenValidity: Duration.days(1), refreshTokenValidity: Duration.hours(2) },
      message:
        /^SecureUserPool accessTokenValidity \(1 day\) is longer than SecureUserPool refreshTokenValidity \(2 hours\)/,
    },
    {
      rule: "group name pattern",
      props: { groups: ["power users"] },
      message: /^SecureUserPool groups entry "power users" is not a Cognito group name/,
    },
    {
      rule: "group names unique",
      props: { groups: ["admins", "admins"] },
      message: /^SecureUserPool groups lists "admins" twice/,
    },
    {
      rule: "resource server identifier pattern",
      props: { resourceServerIdentifier: "my items", scopes: [] },
      message: /^SecureUserPool resourceServerIdentifier "my items" is not a resource server identifier/,
    },
    {
      rule: "scope name without /",
      props: { resourceServerIdentifier: "items", scopes: [{ name: "items/read", description: "Read" }] },
      message: /^SecureUserPool scopes\[0\] name "items\/read" is not a scope name/,
    },
    {
      rule: "at most 48 custom scopes next to openid and email",
      props: {
        resourceServerIdentifier: "items",
        scopes: Array.from({ length: 49 }, (_, i) => ({ name: `s${i}`, description: "A scope" })),
      },
      message: /^SecureUserPool scopes lists 49 scopes.*so list at most 48/,
    },
    {
      rule: "scopes need a resource server",
      props: { scopes: [{ name: "read", description: "Read" }] },
      message: /^SecureUserPool scopes need a resourceServerIdentifier/,
    },
  ])("$rule", ({ props, message }) => {
    // Protects: the construct's users get the rule, in the prop's name, before anything deploys.
    expect(() => new SecureUserPool(testStack(), "Identity", props)).toThrow(message);
  });
});

describe("removal policy and deletion protection", () => {
  test.each([
    {
      removalPolicy: undefined,
      name: "default",
      deletionPolicy: "RetainExceptOnCreate",
      updateReplacePolicy: "Retain",
      deletionProtection: "INACTIVE",
    },
    {
      removalPolicy: RemovalPolicy.RETAIN,
      name: "RETAIN",
      deletionPolicy: "Retain",
      updateReplacePolicy: "Retain",
      deletionProtection: "ACTIVE",
    },
    {
      removalPolicy: RemovalPolicy.DESTROY,
      name: "DESTROY",
      deletionPolicy: "Delete",
      updateReplacePolicy: "Delete",
      deletionProtection: "INACTIVE",
    },
  ])(
    "$name: DeletionPolicy $deletionPolicy, UpdateReplacePolicy $updateReplacePolicy, deletion protection $deletionProtection",
    ({ removalPolicy, deletionPolicy, updateReplacePolicy, deletionProtection }) => {
      // Protects: by default `cdk destroy` and a replacing update keep the users, while a failed first
      // deploy deletes the still-empty pool. Deletion protection is ACTIVE only under RETAIN, where
      // CloudFormation never deletes the pool: Cognito refuses to delete a protected pool, so under
      // any other policy a rollback's delete would fail (ROLLBACK_FAILED) and leave the pool behind.
      template({ removalPolicy }).hasResource("AWS::Cognito::UserPool", {
        DeletionPolicy: deletionPolicy,
        UpdateReplacePolicy: updateReplacePolicy,
        Properties: { DeletionProtection: deletionProtection },
      });
    },
  );
});
