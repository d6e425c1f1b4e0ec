// ANY /admin/{proxy+}: members of the admins group only (decided by the authorizer). Echoes what
// was called and by whom, so the walk-through can show the group rule at work.

import type { APIGatewayProxyResult } from "aws-lambda";
import { type ApiEvent, json, readRequest } from "./http";

export const handler = (event: ApiEvent): Promise<APIGatewayProxyResult> => {
  const request = readRequest(event);
  return Promise.resolve(
    json(200, { method: request.method, path: request.path, principalId: request.principal ?? null }),
  );
};
