// Request path and method → the API Gateway method that serves it.
//
// REST API resource matching: at each segment a literal path part beats a `{param}`, which beats a
// greedy `{proxy+}` (which takes the rest of the path, one segment or more); an exact HTTP method
// beats `ANY`. No match: API Gateway answers 403 "Missing Authentication Token" (the caller cannot
// tell an unknown route from one that needs credentials).
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-set-up-simple-proxy.html

import type { MethodDefinition } from "./template";

export interface MatchedRoute {
  readonly method: MethodDefinition;
  readonly pathParameters: Readonly<Record<string, string>>;
}

type Segment =
  | { readonly kind: "literal"; readonly text: string }
  | { readonly kind: "param"; readonly name: string }
  | { readonly kind: "greedy"; readonly name: string };

interface CompiledResource {
  readonly segments: readonly Segment[];
  /** Method (upper case, or ANY) → definition. */
  readonly methods: ReadonlyMap<string, MethodDefinition>;
}

export interface RouteTable {
  /** `path` without the stage prefix, starting with `/`, still percent-encoded. */
  match(httpMethod: string, path: string): MatchedRoute | undefined;
}

export function compileRouteTable(methods: readonly MethodDefinition[]): RouteTable {
  const byPath = new Map<string, Map<string, MethodDefinition>>();
  for (const m of methods) {
    const entry = byPath.get(m.resourcePath) ?? new Map<string, MethodDefinition>();
    entry.set(m.httpMethod, m);
    byPath.set(m.resourcePath, entry);
  }
  const resources: CompiledResource[] = [...byPath].map(([resourcePath, ms]) => ({
    segments: splitPath(resourcePath).map(compileSegment),
    methods: ms,
  }));

  return {
    match(httpMethod, requestPath) {
      const parts = splitPath(requestPath);
      let best: { rank: number[]; route: MatchedRoute } | undefined;
      for (const resource of resources) {
        const method = resource.methods.get(httpMethod.toUpperCase()) ?? resource.methods.get("ANY");
        if (method === undefined) continue;
        const bound = bind(resource.segments, parts);
        if (bound === undefined) continue;
        // Lower is more specific: one entry per matched segment, then exact method before ANY.
        const rank = [...bound.rank, method.httpMethod === "ANY" ? 1 : 0];
        if (best === undefined || compareRanks(rank, best.rank) < 0) {
          best = { rank, route: { method, pathParameters: bound.pathParameters } };
        }
      }
      return best?.route;
    },
  };
}

function splitPath(p: string): string[] {
  return p.split("/").filter((s) => s !== "");
}

function compileSegment(part: string): Segment {
  const greedy = /^\{(.+)\+\}$/.exec(part);
  if (greedy?.[1] !== undefined) return { kind: "greedy", name: greedy[1] };
  const param = /^\{(.+)\}$/.exec(part);
  if (param?.[1] !== undefined) return { kind: "param", name: param[1] };
  return { kind: "literal", text: part };
}

function bind(
  segments: readonly Segment[],
  parts: readonly string[],
): { rank: number[]; pathParameters: Record<string, string> } | undefined {
  const rank: number[] = [];
  const pathParameters: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as Segment;
    const part = parts[i];
    if (segment.kind === "greedy") {
      if (part === undefined || i !== segments.length - 1) return undefined;
      pathParameters[segment.name] = parts.slice(i).map(decode).join("/");
      return { rank: [...rank, 2], pathParameters };
    }
    if (part === undefined) return undefined;
    if (segment.kind === "literal") {
      if (decode(part) !== segment.text) return undefined;
      rank.push(0);
    } else {
      pathParameters[segment.name] = decode(part);
      rank.push(1);
    }
  }
  return parts.length === segments.length ? { rank, pathParameters } : undefined;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -1) - (b[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}
