// HTTP API route selection of the local HTTP API (infra/local/apigateway/http-api-routes.ts): the
// priorities of https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html
// (full match, then greedy, then $default; no match: undefined, the gateway's 404).

import { httpRouteSelector } from "../../infra/local/apigateway/http-api-routes";
import type { HttpRouteDefinition } from "../../infra/local/cloud-assembly/stack-definition";

const route = (routeKey: string): HttpRouteDefinition => ({
  logicalId: routeKey,
  routeKey,
  authorizerLogicalId: undefined,
  functionLogicalId: "Fn",
});

describe("httpRouteSelector", () => {
  // The documentation's example API, in an order that a first-match selector would get wrong.
  const docs = httpRouteSelector(
    ["ANY /{proxy+}", "GET /pets/{proxy+}", "GET /pets/dog/{id}", "GET /pets/dog/1", "$default"].map(route),
  );

  it.each([
    ["GET", "/pets/dog/1", "GET /pets/dog/1"],
    ["GET", "/pets/dog/2", "GET /pets/dog/{id}"],
    ["GET", "/pets/cat/1", "GET /pets/{proxy+}"],
    ["POST", "/pets/dog/1", "ANY /{proxy+}"],
    ["GET", "/", "$default"],
  ])("routes %s %s to %s, as the documentation's example does", (method, path, expected) => {
    expect(docs.select(method, path)?.route.routeKey).toBe(expected);
  });

  it.each([
    // exact method over ANY on the same path
    [["ANY /items", "GET /items"], "GET", "/items", "GET /items"],
    [["ANY /items", "GET /items"], "DELETE", "/items", "ANY /items"],
    // the longer fixed prefix among greedy routes
    [["ANY /{proxy+}", "ANY /admin/{proxy+}"], "GET", "/admin/a/b", "ANY /admin/{proxy+}"],
    // a full match beats a greedy route even with ANY
    [["GET /{proxy+}", "ANY /items/{id}"], "GET", "/items/1", "ANY /items/{id}"],
  ])("among %j routes %s %s to %s", (routes, method, path, expected) => {
    expect(httpRouteSelector(routes.map(route)).select(method, path)?.route.routeKey).toBe(expected);
  });

  it("gives percent-decoded path parameters, the greedy one joined by /", () => {
    const selector = httpRouteSelector(["GET /items/{id}", "GET /files/{path+}"].map(route));
    expect(selector.select("GET", "/items/a%2Fb")?.pathParameters).toEqual({ id: "a/b" });
    expect(selector.select("GET", "/files/x/y%20z")?.pathParameters).toEqual({ path: "x/y z" });
  });

  it.each([
    ["an unknown path", "GET", "/nowhere"],
    ["a method no route of the path has", "POST", "/items/1"],
    ["a greedy route's own path without a child", "GET", "/files"],
    ["an empty segment", "GET", "/items/"],
  ])("selects nothing (404) for %s when there is no $default route", (_case, method, path) => {
    const selector = httpRouteSelector(["GET /items/{id}", "GET /files/{path+}"].map(route));
    expect(selector.select(method, path)).toBeUndefined();
  });
});
