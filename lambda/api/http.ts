// Shared by the sample backends: JSON responses with the CORS header the API's preflight promises.
// (Lambda proxy integrations answer for themselves; API Gateway adds nothing to their responses.)

import type { APIGatewayProxyResult } from "aws-lambda";

const ALLOW_ORIGIN = process.env.CORS_ALLOW_ORIGIN?.trim() || "*";

/** A JSON response; `undefined` gives an empty body (204 must not have one, RFC 9110 §15.3.5). */
export function json(statusCode: number, body: unknown): APIGatewayProxyResult {
  return {
    statusCode,
    headers: {
      "Content-Type": "application/json",
      "Access-Control-Allow-Origin": ALLOW_ORIGIN,
      "Cache-Control": "no-store",
    },
    body: body === undefined ? "" : JSON.stringify(body),
  };
}
