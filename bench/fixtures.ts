// What every benchmark row runs on: one generated RSA key, thousands of distinct Cognito-shaped
// access tokens signed before any timing, callers with varied groups and scopes, 20 realistic route
// rules (literals, params, a proxy, ANY), and method ARNs spread over those routes.

import {
  accessClaims,
  type Claims,
  generateTestKey,
  signToken,
  TEST_CLIENT_ID,
  TEST_USER_POOL_ID,
  type TestKey,
} from "../tools/issuer";

export { TEST_CLIENT_ID, TEST_USER_POOL_ID };

/** Six kinds of caller, so that the route-rule bitmask memo sees several distinct entries. */
export const CALLERS: readonly Claims[] = [
  { username: "reader", "cognito:groups": ["readers"], scope: "items/read orders/read" },
  { username: "editor", "cognito:groups": ["editors"], scope: "items/read items/write" },
  {
    username: "admin",
    "cognito:groups": ["admins", "editors"],
    scope: "items/read items/write orders/read orders/write",
  },
  { username: "support", "cognito:groups": ["support"], scope: "orders/read orders/write" },
  { username: "analyst", "cognito:groups": ["analysts", "readers"], scope: "items/read" },
  { username: "nobody", scope: "aws.cognito.signin.user.admin" },
];

/**
 * 20 routes as a mid-sized REST API would have them. Accepted by parseRouteRules (which refuses any
 * set it cannot enforce cache-safely), so this is a set the authorizer can really be configured with.
 */
export const ROUTE_RULES_20 = [
  { route: "GET /health" },
  { route: "GET /me" },
  { route: "GET /items", scopes: ["items/read"] },
  { route: "POST /items", scopes: ["items/write"], groups: ["editors", "admins"] },
  { route: "GET /items/{id}", scopes: ["items/read", "items/write"] },
  { route: "PUT /items/{id}", scopes: ["items/write"], groups: ["editors", "admins"] },
  { route: "PATCH /items/{id}", scopes: ["items/write"], groups: ["editors", "admins"] },
  { route: "DELETE /items/{id}", groups: ["admins"] },
  { route: "GET /items/{id}/comments", scopes: ["items/read", "items/write"] },
  { route: "POST /items/{id}/comments", scopes: ["items/read", "items/write"] },
  { route: "GET /orders", scopes: ["orders/read"] },
  { route: "POST /orders", scopes: ["orders/write"] },
  { route: "GET /orders/{orderId}", scopes: ["orders/read"] },
  { route: "POST /orders/{orderId}/cancel", scopes: ["orders/write"], groups: ["support", "admins"] },
  { route: "GET /reports/daily", groups: ["analysts", "admins"] },
  { route: "GET /reports/{reportId}", groups: ["analysts", "admins"] },
  { route: "GET /users/{userId}/profile" },
  { route: "PUT /users/{userId}/profile", groups: ["admins"] },
  { route: "ANY /admin/{proxy+}", groups: ["admins"] },
  { route: "OPTIONS /items" },
] as const;

const ARN_PREFIX = "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/";

/** Concrete requests over the 20 routes (some allowed, some denied for a given caller). */
export const METHOD_ARNS: readonly string[] = [
  "GET/health",
  "GET/me",
  "GET/items",
  "POST/items",
  "GET/items/42",
  "PUT/items/42",
  "PATCH/items/7",
  "DELETE/items/7",
  "GET/items/42/comments",
  "POST/items/42/comments",
  "GET/orders",
  "POST/orders",
  "GET/orders/o-1001",
  "POST/orders/o-1001/cancel",
  "GET/reports/daily",
  "GET/reports/2024-06",
  "GET/users/u-1/profile",
  "PUT/users/u-1/profile",
  "DELETE/admin/cache/all",
  "OPTIONS/items",
].map((tail) => ARN_PREFIX + tail);

export interface TokenEvent {
  readonly type: "TOKEN";
  readonly authorizationToken: string;
  readonly methodArn: string;
}

export interface Fixtures {
  readonly key: TestKey;
  /** Distinct, valid access tokens (one hour left), caller kinds in rotation. */
  readonly tokens: readonly string[];
  /** TOKEN events `Bearer <token>`, one per token, method ARNs in rotation. */
  readonly events: readonly TokenEvent[];
}

export function makeFixtures(count: number): Fixtures {
  const key = generateTestKey("bench-key-1");
  const tokens: string[] = [];
  const events: TokenEvent[] = [];
  for (let i = 0; i < count; i++) {
    const caller = CALLERS[i % CALLERS.length] as Claims;
    const sub = `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
    const token = signToken(key, accessClaims({ ...caller, sub }));
    tokens.push(token);
    events.push({
      type: "TOKEN",
      authorizationToken: `Bearer ${token}`,
      methodArn: METHOD_ARNS[i % METHOD_ARNS.length] as string,
    });
  }
  return { key, tokens, events };
}
