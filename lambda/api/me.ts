// GET /me: any signed-in user. Echoes the identity the authorizer passed on in
// requestContext.authorizer (principalId plus its context: sub, callerType, username, clientId, tokenUse,
// scope, groups). Never the token: the backend has no use for it.

import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { json } from "./http";

export const handler = (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  const identity: unknown = event.requestContext.authorizer ?? null;
  return Promise.resolve(json(200, { identity }));
};
