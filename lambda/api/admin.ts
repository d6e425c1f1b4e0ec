// ANY /admin/{proxy+}: members of the admins group only (decided by the authorizer). Echoes what
// was called and by whom, so the walk-through can show the group rule at work.

import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { json } from "./http";

export const handler = (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  const principalId: unknown = event.requestContext.authorizer?.principalId ?? null;
  return Promise.resolve(json(200, { method: event.httpMethod, path: event.path, principalId }));
};
