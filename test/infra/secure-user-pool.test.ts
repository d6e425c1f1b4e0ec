// The SecureUserPool construct on its own: what CloudFormation does with the pool on `cdk destroy`,
// on replacement and on a rollback, and deletion protection consistent with it.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { App, RemovalPolicy, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { SecureUserPool } from "../../infra/constructs/secure-user-pool";

const CDK_JSON_CONTEXT = JSON.parse(readFileSync(join(__dirname, "..", "..", "cdk.json"), "utf8")).context;

function poolTemplate(removalPolicy: RemovalPolicy | undefined): Template {
  const stack = new Stack(
    new App({ context: CDK_JSON_CONTEXT, builtinCloudFormationValidation: false }),
    "Test",
  );
  new SecureUserPool(stack, "Identity", { removalPolicy });
  return Template.fromStack(stack);
}

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
      poolTemplate(removalPolicy).hasResource("AWS::Cognito::UserPool", {
        DeletionPolicy: deletionPolicy,
        UpdateReplacePolicy: updateReplacePolicy,
        Properties: { DeletionProtection: deletionProtection },
      });
    },
  );
});
