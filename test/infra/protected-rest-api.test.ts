// The ProtectedRestApi construct on its own: the account's API Gateway CloudWatch Logs role (which
// a stage with access logging needs on a fresh account), and what CloudFormation keeps of it and of
// the access log group on `cdk destroy` and on a rollback.

import { App, Stack } from "aws-cdk-lib";
import { MockIntegration } from "aws-cdk-lib/aws-apigateway";
import { Match, Template } from "aws-cdk-lib/assertions";
import { ProtectedRestApi, type ProtectedRestApiProps } from "../../infra/constructs/protected-rest-api";
import { testApp } from "../helpers/cdk-app";

/** A stack holding a ProtectedRestApi built with `props` and one method (a REST API needs one). */
function apiStack(app: App, id: string, props: ProtectedRestApiProps = {}): Stack {
  const stack = new Stack(app, id, { env: { account: "123456789012", region: "eu-west-1" } });
  new ProtectedRestApi(stack, "Api", props).api.root.addMethod("GET", new MockIntegration());
  return stack;
}

const templateOf = (props: ProtectedRestApiProps = {}): Template =>
  Template.fromStack(apiStack(testApp(), "Test", props));

const PUSH_TO_CLOUDWATCH_LOGS = Match.objectLike({
  "Fn::Join": ["", Match.arrayWith([":iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"])],
});

describe("API Gateway CloudWatch Logs role", () => {
  test("by default the construct leaves the account setting alone: no role, no AWS::ApiGateway::Account", () => {
    // Protects: dropping the construct into a stack never changes a setting every API in the
    // account and region shares, unless asked to.
    const template = templateOf();
    template.resourceCountIs("AWS::ApiGateway::Account", 0);
    template.resourceCountIs("AWS::IAM::Role", 0);
  });

  test("cloudWatchRole: a role only API Gateway can assume, with the push-to-CloudWatch policy, set as the account's role", () => {
    // Protects: the role API Gateway needs before it accepts a stage with access logging, and that
    // it is the role the account setting names.
    // Arrange / Act
    const template = templateOf({ cloudWatchRole: true });
    // Assert
    const roles = template.findResources("AWS::IAM::Role");
    expect(Object.keys(roles)).toHaveLength(1);
    const [roleId, role] = Object.entries(roles)[0]!;
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: "sts:AssumeRole", Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" } },
    ]);
    template.hasResourceProperties("AWS::IAM::Role", { ManagedPolicyArns: [PUSH_TO_CLOUDWATCH_LOGS] });
    template.resourceCountIs("AWS::ApiGateway::Account", 1);
    template.hasResourceProperties("AWS::ApiGateway::Account", {
      CloudWatchRoleArn: { "Fn::GetAtt": [roleId, "Arn"] },
    });
  });

  test("cloudWatchRole: the stage with access logging is created after the account setting", () => {
    // Protects: the first deploy on a fresh account; without the dependency CloudFormation may create
    // the stage first and API Gateway refuses it ("CloudWatch Logs role ARN must be set in account
    // settings to enable logging"), rolling the whole stack back.
    const template = templateOf({ cloudWatchRole: true });
    const [accountId] = Object.keys(template.findResources("AWS::ApiGateway::Account"));
    template.hasResource("AWS::ApiGateway::Stage", {
      DependsOn: Match.arrayWith([accountId]),
      Properties: Match.objectLike({ AccessLogSetting: Match.objectLike({ Format: Match.anyValue() }) }),
    });
  });

  test("cloudWatchRole: the role and the setting are retained on delete and on replacement", () => {
    // Protects: other APIs in the account and region. Deleting an AWS::ApiGateway::Account does not
    // reset the setting, so `cdk destroy`, a rollback, or turning the switch off must not delete the
    // role it names.
    const template = templateOf({ cloudWatchRole: true });
    for (const type of ["AWS::IAM::Role", "AWS::ApiGateway::Account"]) {
      template.hasResource(type, { DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" });
    }
  });

  test("a second stack in the same account and region can turn it on too without breaking the first", () => {
    // Protects: two stacks (or two copies of this construct) in one account and region. Neither
    // names its role (no name clash), both point the setting at a role of their own, and neither
    // deletes its role when it goes away, so the setting always names a role that exists.
    // Arrange
    const app = testApp();
    const stacks = [
      apiStack(app, "First", { cloudWatchRole: true }),
      apiStack(app, "Second", { cloudWatchRole: true }),
    ];
    // Act
    const templates = stacks.map((stack) => Template.fromStack(stack));
    // Assert
    for (const template of templates) {
      template.hasResourceProperties("AWS::IAM::Role", { RoleName: Match.absent() });
      template.hasResource("AWS::IAM::Role", { DeletionPolicy: "Retain" });
      template.hasResource("AWS::ApiGateway::Account", { DeletionPolicy: "Retain" });
    }
  });
});

describe("access log group", () => {
  test("kept by cdk destroy and on replacement, deleted by the rollback of the create that made it", () => {
    // Protects: the record of who called the API survives `cdk destroy`, while a failed first deploy
    // leaves no log group behind (DeletionPolicy RetainExceptOnCreate).
    const template = templateOf();
    const groups = template.findResources("AWS::Logs::LogGroup");
    expect(Object.values(groups)).toEqual([
      expect.objectContaining({ DeletionPolicy: "RetainExceptOnCreate", UpdateReplacePolicy: "Retain" }),
    ]);
    const [groupId] = Object.keys(groups);
    const [stage] = Object.values(template.findResources("AWS::ApiGateway::Stage"));
    expect(JSON.stringify(stage?.Properties.AccessLogSetting.DestinationArn)).toContain(`"Ref":"${groupId}"`);
  });
});

describe("API name", () => {
  test("is unique per stack and construct, so API Gateway's per-ApiName metrics never mix two APIs", () => {
    // Protects: the dashboard and alarms (dimension ApiName) see this API only, not every API that
    // kept CDK's default name "Api" in the same account and Region.
    const app = testApp();
    const [stackOne, stackTwo] = [apiStack(app, "One"), apiStack(app, "Two")];
    const one = Template.fromStack(stackOne);
    const two = Template.fromStack(stackTwo);
    one.hasResourceProperties("AWS::ApiGateway::RestApi", { Name: "One-Api" });
    two.hasResourceProperties("AWS::ApiGateway::RestApi", { Name: "Two-Api" });
  });
});
