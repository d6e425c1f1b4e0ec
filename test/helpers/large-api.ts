// A REST API of `count` CRUD-shaped routes guarded by CognitoJwtAuthorizer, as a real API has them:
// per collection, GET and POST on /cN and GET, PUT and DELETE on /cN/{id}. Two API Gateway resources
// per five methods, so 300 routes are about 430 CloudFormation resources, under the 500 a stack may
// hold (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html).

import { RemovalPolicy, Stack } from "aws-cdk-lib";
import { MockIntegration, RestApi } from "aws-cdk-lib/aws-apigateway";
import { UserPool } from "aws-cdk-lib/aws-cognito";
import type { Construct } from "constructs";
import { CognitoJwtAuthorizer, type ProtectedRoute } from "../../index";

const SHAPE = [
  ["GET", false],
  ["POST", false],
  ["GET", true],
  ["PUT", true],
  ["DELETE", true],
] as const;

export function crudRoutes(count: number): ProtectedRoute[] {
  const integration = new MockIntegration();
  return Array.from({ length: count }, (_, i) => {
    const [method, item] = SHAPE[i % SHAPE.length]!;
    const path = `/c${Math.floor(i / SHAPE.length)}${item ? "/{id}" : ""}`;
    const rule = method === "GET" ? { groups: ["readers", "admins"] } : { groups: ["admins"] };
    return { method, path, integration, rule };
  });
}

/** A stack with a user pool, its client, a REST API and the authorizer guarding `count` routes. */
export function largeApiStack(scope: Construct, id: string, count: number): Stack {
  const stack = new Stack(scope, id);
  const userPool = new UserPool(stack, "Users", { removalPolicy: RemovalPolicy.DESTROY });
  new CognitoJwtAuthorizer(stack, "Authorizer", {
    api: new RestApi(stack, "Api"),
    userPool,
    userPoolClients: [userPool.addClient("Web")],
    routes: crudRoutes(count),
  });
  return stack;
}
