// GET /me: any signed-in user. Echoes the identity the authorizer passed on: from a REST API,
// requestContext.authorizer (principalId plus its context); from an HTTP API (payload 2.0),
// requestContext.authorizer.lambda (the context: sub, callerType, userPoolId, username, clientId,
// tokenUse, scope, groups). Never the token: the backend has no use for it.

import type { APIGatewayProxyResult } from "aws-lambda";
import { type ApiEvent, json, readRequest } from "./http";

export const handler = (event: ApiEvent): Promise<APIGatewayProxyResult> =>
  Promise.resolve(json(200, { identity: readRequest(event).identity }));
