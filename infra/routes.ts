// The sample API's route table: the one place that says which methods exist, which backend serves
// them and who may call them. The stack creates the methods from it and the authorizer's
// ROUTE_RULES is produced from the same entries, so the two cannot drift apart.
//
// Two kinds of callers reach the items routes. Users signed in with a password or SRP (InitiateAuth:
// the README's CLI walk-through, the local emulator) carry `cognito:groups` but no custom scopes:
// Cognito puts custom scopes (items/read, items/write) only into tokens from the OAuth endpoints.
// Machine clients (the client_credentials grant) carry custom scopes and never groups. So by default
// the items routes accept the group OR the scope (`anyOf`), and both kinds of callers get in:
//
//   route                   default (requireOAuthScopes: false)          requireOAuthScopes: true
//   GET /health             public (no authorizer)                       public (no authorizer)
//   GET /me                 any valid token                              any valid token
//   GET /items              scope items/read OR readers|editors|admins   scopes items/read
//   GET /items/{id}         scope items/read|items/write OR readers|...  scopes items/read|items/write
//   POST /items             scope items/write OR editors|admins          scopes items/write AND groups editors|admins
//   DELETE /items/{id}      groups admins                                groups admins
//   ANY /admin/{proxy+}     groups admins                                groups admins
//
// requireOAuthScopes (context `-c requireOAuthScopes=true`) is for users who sign in through the
// OAuth endpoints: it shows scope-only and scope-and-group rules; password sign-in then gets 403 on
// the items routes that name scopes, and machine clients on POST /items (they have no group).

import type { RouteMethod, RouteRequirement } from "../index";

/** Groups the sample user pool creates (lowest privilege last). */
export const SAMPLE_GROUPS = ["admins", "editors", "readers"] as const;

/** The OAuth resource server of the sample: scopes are `items/read` and `items/write`. */
export const RESOURCE_SERVER_IDENTIFIER = "items";
export const RESOURCE_SERVER_SCOPES = [
  { name: "read", description: "Read items" },
  { name: "write", description: "Create items" },
] as const;

/** The Lambda function behind a route (lambda/api/<backend>.ts). */
export type Backend = "health" | "me" | "items" | "admin";

export interface SampleRoute {
  readonly method: RouteMethod;
  readonly path: string;
  readonly backend: Backend;
  /** `"public"`: no authorizer at all. Otherwise the authorizer's rule for the route. */
  readonly access: "public" | RouteRequirement;
}

export interface SampleRouteOptions {
  /**
   * Use OAuth scope rules on the items routes (tokens from the Cognito OAuth endpoints only).
   * @default false - the scope OR the group: machine clients by scope, users signed in with a
   * password, SRP or OAuth by group
   */
  readonly requireOAuthScopes?: boolean;
}

export function sampleRoutes(options: SampleRouteOptions = {}): readonly SampleRoute[] {
  const anyMember = { groups: ["readers", "editors", "admins"] };
  const writers = { groups: ["editors", "admins"] };
  const admins = { groups: ["admins"] };
  const read = { scopes: ["items/read"] };
  const readOrWrite = { scopes: ["items/read", "items/write"] };
  const write = { scopes: ["items/write"] };
  const scopes = options.requireOAuthScopes === true;
  return [
    { method: "GET", path: "/health", backend: "health", access: "public" },
    { method: "GET", path: "/me", backend: "me", access: {} },
    {
      method: "GET",
      path: "/items",
      backend: "items",
      access: scopes ? read : { anyOf: [read, anyMember] },
    },
    {
      method: "POST",
      path: "/items",
      backend: "items",
      access: scopes ? { ...write, ...writers } : { anyOf: [write, writers] },
    },
    {
      method: "GET",
      path: "/items/{id}",
      backend: "items",
      access: scopes ? readOrWrite : { anyOf: [readOrWrite, anyMember] },
    },
    { method: "DELETE", path: "/items/{id}", backend: "items", access: admins },
    { method: "ANY", path: "/admin/{proxy+}", backend: "admin", access: admins },
  ];
}
