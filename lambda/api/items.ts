// GET /items, POST /items, GET /items/{id}, DELETE /items/{id}. Who may call which is decided by the
// authorizer (infra/routes.ts); this handler only does the work. The items live in memory, per
// execution environment: enough to show the routes, not a store.

import type { APIGatewayProxyResult } from "aws-lambda";
import { type ApiEvent, type ApiRequest, json, readRequest } from "./http";

interface Item {
  readonly id: string;
  readonly name: string;
  readonly createdBy: string;
}

const items = new Map<string, Item>([
  ["1", { id: "1", name: "first item", createdBy: "seed" }],
  ["2", { id: "2", name: "second item", createdBy: "seed" }],
]);

export const handler = (event: ApiEvent): Promise<APIGatewayProxyResult> =>
  Promise.resolve(route(readRequest(event)));

function route(request: ApiRequest): APIGatewayProxyResult {
  const id = request.pathParameters["id"];
  switch (request.route) {
    case "GET /items":
      return json(200, { items: [...items.values()] });
    case "POST /items": {
      const name = parseName(request.body, request.isBase64Encoded);
      if (name === undefined)
        return json(400, { message: 'Body must be JSON: {"name": "<1-100 characters>"}' });
      const item = { id: String(Date.now()), name, createdBy: request.principal ?? "unknown" };
      items.set(item.id, item);
      return json(201, item);
    }
    case "GET /items/{id}": {
      const item = id === undefined ? undefined : items.get(id);
      return item === undefined ? json(404, { message: "Not Found" }) : json(200, item);
    }
    case "DELETE /items/{id}":
      return id !== undefined && items.delete(id)
        ? json(204, undefined)
        : json(404, { message: "Not Found" });
    default:
      return json(405, { message: "Method Not Allowed" });
  }
}

function parseName(body: string | undefined, isBase64Encoded: boolean): string | undefined {
  if (body === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(isBase64Encoded ? Buffer.from(body, "base64").toString("utf8") : body);
    if (typeof parsed !== "object" || parsed === null) return undefined;
    const name: unknown = (parsed as Record<string, unknown>).name;
    return typeof name === "string" && name.length >= 1 && name.length <= 100 ? name : undefined;
  } catch {
    return undefined;
  }
}
