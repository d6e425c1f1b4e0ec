// The sample API's route table: the one place that says which methods exist, which backend serves
// them and who may call them. The stack creates the methods from it and the authorizer's
// ROUTE_RULES is produced from the same entries, so the two cannot drift apart.
//
// Why the items routes are group rules by default: Cognito puts custom scopes (items/read,
// items/write) only into access tokens from the OAuth endpoints (authorization code + PKCE through
// a Cognito domain). Tokens from password or SRP sign-in (InitiateAuth: the README's CLI
// walk-through, the local emulator) carry just `aws.cognito.signin.user.admin`. A rule has no
// "scope OR group", so a scope rule would answer 403 to every password sign-in. Groups are in
// `cognito:groups` whichever way the user signed in, so the default rules work for both:
//
//   route                   default (requireOAuthScopes: false)   requireOAuthScopes: true
//   GET /health             public (no authorizer)                public (no authorizer)
//   GET /me                 any valid token                       any valid token
//   GET /items              groups readers|editors|admins         scopes items/read
//   GET /items/{id}         groups readers|editors|admins         scopes items/read|items/write
//   POST /items             groups editors|admins                 scopes items/write AND groups editors|admins
//   DELETE /items/{id}      groups admins                         groups admins
//   ANY /admin/{proxy+}     groups admins                         groups admins
//
// requireOAuthScopes (context `-c requireOAuthScopes=true`) is for clients that sign in through the
// OAuth endpoints: it shows scope-only and scope-and-group rules, and password sign-in then gets
// 403 on the items routes that name scopes.

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
   * @default false - group rules, which work for password, SRP and OAuth sign-in alike
   */
  readonly requireOAuthScopes?: boolean;
}

export function sampleRoutes(options: SampleRouteOptions = {}): readonly SampleRoute[] {
  const anyMember = { groups: ["readers", "editors", "admins"] };
  const writers = { groups: ["editors", "admins"] };
  const admins = { groups: ["admins"] };
  const scopes = options.requireOAuthScopes === true;
  return [
    { method: "GET", path: "/health", backend: "health", access: "public" },
    { method: "GET", path: "/me", backend: "me", access: {} },
    {
      method: "GET",
      path: "/items",
      backend: "items",
      access: scopes ? { scopes: ["items/read"] } : anyMember,
    },
    {
      method: "POST",
      path: "/items",
      backend: "items",
      access: scopes ? { scopes: ["items/write"], ...writers } : writers,
    },
    {
      method: "GET",
      path: "/items/{id}",
      backend: "items",
      access: scopes ? { scopes: ["items/read", "items/write"] } : anyMember,
    },
    { method: "DELETE", path: "/items/{id}", backend: "items", access: admins },
    { method: "ANY", path: "/admin/{proxy+}", backend: "admin", access: admins },
  ];
}
