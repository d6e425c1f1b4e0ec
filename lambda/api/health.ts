// GET /health: public (no authorizer). Says the API answers; reveals nothing else.

import type { APIGatewayProxyResult } from "aws-lambda";
import { json } from "./http";

export const handler = (): Promise<APIGatewayProxyResult> => Promise.resolve(json(200, { status: "ok" }));
