// Request path and method → the template method that serves it.
//
// Resolution itself is lambda/authorizer/route-match.ts, the resolver the authorizer uses: API
// Gateway routes a request once, so the local gateway and the authorizer must never disagree on the
// route of a request (literal beats `{param}` beats `{proxy+}`, with backtracking; the resource is
// chosen first, then the exact method beats ANY). This module only builds the table from the
// template's methods and maps a resolved route back to its method definition. No match: API Gateway
// answers 403 "Missing Authentication Token" (the caller cannot tell an unknown route from one that
// needs credentials).
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-set-up-simple-proxy.html

import {
  compileRouteTable,
  type ParsedRoute,
  pathParameters,
  type RouteTable,
  RouteTableError,
} from "../../../lambda/authorizer/route-match";
import { type MethodDefinition, TemplateError } from "../cloud-assembly/stack-definition";

export interface MatchedRoute {
  readonly method: MethodDefinition;
  readonly pathParameters: Readonly<Record<string, string>>;
}

/** The template's methods, matched by the authorizer's resolver (not a route table of its own). */
export interface TemplateMethodResolver {
  /** `path` without the stage prefix, starting with `/`, still percent-encoded (as in the method ARN). */
  match(httpMethod: string, path: string): MatchedRoute | undefined;
}

/**
 * Every method of the template (public, authorized, MOCK and OPTIONS alike), resolved by the
 * authorizer's compileRouteTable (lambda/authorizer/route-match.ts).
 * Throws TemplateError, naming the method, for a resource path the shared route syntax refuses.
 */
export function templateMethodResolver(methods: readonly MethodDefinition[]): TemplateMethodResolver {
  let table: RouteTable;
  try {
    table = compileRouteTable(methods.map((m) => `${m.httpMethod} ${m.resourcePath}`));
  } catch (err) {
    if (!(err instanceof RouteTableError)) throw err;
    const m = methods[err.index] as MethodDefinition;
    throw new TemplateError(
      `${m.logicalId} (${m.httpMethod} ${m.resourcePath}): ${err.message}. The local gateway routes ` +
        `with the authorizer's route syntax (lambda/authorizer/route-match.ts), so it cannot serve this method`,
    );
  }
  return {
    match(httpMethod, path) {
      const index = table.resolveIndex(httpMethod, path);
      if (index === undefined) return undefined;
      // compileRouteTable keeps the order it was given: index i is methods[i].
      return {
        method: methods[index] as MethodDefinition,
        pathParameters: pathParameters(table.routes[index] as ParsedRoute, path),
      };
    },
  };
}
