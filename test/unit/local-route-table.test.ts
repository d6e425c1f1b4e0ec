// The local API Gateway's route table: the template's methods resolved by the authorizer's resolver
// (lambda/authorizer/route-match.ts), so `npm start` and the authorizer agree on every request's route.
// The gateway's routing end to end is in test/e2e/local-gateway.test.ts.

import { templateMethodResolver } from "../../infra/local/apigateway/route-table";
import { type MethodDefinition, TemplateError } from "../../infra/local/cloud-assembly/stack-definition";

const method = (httpMethod: string, resourcePath: string): MethodDefinition => ({
  logicalId: `${httpMethod}${resourcePath.replace(/[^A-Za-z0-9]/g, "")}`,
  resourcePath,
  httpMethod,
  authorizerLogicalId: undefined,
  integration: { type: "AWS_PROXY", functionLogicalId: "Fn" },
});

describe("local route table", () => {
  const methods = [
    method("GET", "/items"),
    method("OPTIONS", "/items"),
    method("GET", "/items/special"),
    method("ANY", "/items/{id}"),
    method("POST", "/users/me"),
    method("GET", "/users/{id}/{tab}"),
    method("GET", "/{proxy+}"),
  ];
  const table = templateMethodResolver(methods);
  const resolve = (httpMethod: string, path: string) => {
    const matched = table.match(httpMethod, path);
    return matched && `${matched.method.httpMethod} ${matched.method.resourcePath}`;
  };

  it.each<[string, string, string | undefined]>([
    ["OPTIONS", "/items", "OPTIONS /items"], // MOCK and OPTIONS methods are routes like any other
    ["GET", "/items/special", "GET /items/special"],
    ["DELETE", "/items/42", "ANY /items/{id}"],
    // The resource is chosen first: /items/special has no POST, and ANY /items/{id} is not tried.
    ["POST", "/items/special", undefined],
    ["GET", "/users/me/x", "GET /users/{id}/{tab}"], // backtracks from the literal me to {id}
    ["GET", "/users/me/x/y", "GET /{proxy+}"],
    ["GET", "/items/", "GET /items"], // one trailing slash: the resource without it, as API Gateway routes
    ["GET", "/items/42/", "ANY /items/{id}"],
    ["GET", "/items//", undefined], // any other empty segment is no route
    ["GET", "/items//42", undefined],
  ])("%s %s -> %s", (httpMethod, path, expected) => {
    expect(resolve(httpMethod, path)).toBe(expected);
  });

  it("maps the resolved route back to its template method, with its path parameters", () => {
    // Act
    const matched = table.match("GET", "/users/me/a%20b");
    // Assert
    expect(matched?.method).toBe(methods[5]);
    expect(matched?.pathParameters).toEqual({ id: "me", tab: "a b" });
  });

  it("gives the same path parameters with a trailing slash", () => {
    const matched = table.match("GET", "/users/me/a%20b/");
    expect(matched?.method).toBe(methods[5]);
    expect(matched?.pathParameters).toEqual({ id: "me", tab: "a b" });
  });

  it("refuses a resource path the shared route syntax does not accept, naming the method", () => {
    const bad = [method("GET", "/items"), method("GET", "/items/a:b")];
    expect(() => templateMethodResolver(bad)).toThrow(TemplateError);
    expect(() => templateMethodResolver(bad)).toThrow(
      /^GETitemsab \(GET \/items\/a:b\): the path segment "a:b"/,
    );
  });
});
