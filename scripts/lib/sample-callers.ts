// The sample callers that `npm run invoke` mints tokens for: the same names, groups and scopes as
// the local stack's users (reader, editor, admin), plus a caller with no groups or custom scopes.

import type { Claims } from "../../tools/issuer";

export const SAMPLE_CALLERS: Record<string, Claims> = {
  reader: {
    sub: "a1b2c3d4-0000-4000-8000-000000000001",
    username: "reader",
    "cognito:groups": ["readers"],
    scope: "items/read",
  },
  editor: {
    sub: "a1b2c3d4-0000-4000-8000-000000000002",
    username: "editor",
    "cognito:groups": ["editors"],
    scope: "items/read items/write",
  },
  admin: {
    sub: "a1b2c3d4-0000-4000-8000-000000000003",
    username: "admin",
    "cognito:groups": ["admins"],
    scope: "items/read items/write",
  },
  nobody: {
    sub: "a1b2c3d4-0000-4000-8000-000000000004",
    username: "nobody",
    scope: "aws.cognito.signin.user.admin",
  },
};
