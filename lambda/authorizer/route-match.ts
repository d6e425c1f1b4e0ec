// Route syntax and route resolution, the way API Gateway REST APIs resolve a request to a method.
//
// A route is `METHOD /resource/path`. The path is an API Gateway resource path: `/`, or segments
// that are each a literal, a `{param}`, or (last only) a greedy `{proxy+}`.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-settings-method-request.html#setup-method-resources
//
// A request may end with one extra `/`: API Gateway REST APIs route `/items/` to the `/items`
// resource (a resource path part cannot be empty, so `/items/` names no resource of its own), and
// the path the backend sees keeps the slash as sent; the method ARN presumably does too. Either
// spelling resolves to the same route here. Public reports, not AWS documentation:
// aws-powertools/powertools-lambda-python#1552 and #1609, aws/chalice#65.
// The root `/` has no such second spelling, and only one slash is dropped (`/items//` is no route).
//
// This module is shared by the authorizer (route-rules.ts) and the local API Gateway, so both resolve
// a request to the same route. It knows nothing about scopes, groups or IAM.

/** Concrete HTTP methods a REST API method can have; `ANY` stands for all of them. */
export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
export type RouteMethod = HttpMethod | "ANY";

export type PathSegment =
  | { readonly kind: "literal"; readonly value: string }
  | { readonly kind: "param"; readonly name: string }
  | { readonly kind: "proxy"; readonly name: string };

export interface ParsedRoute {
  /** As written, e.g. `GET /items/{id}`. */
  readonly route: string;
  readonly method: RouteMethod;
  /** The resource path as written, e.g. `/items/{id}`. */
  readonly path: string;
  readonly segments: readonly PathSegment[];
  /** The path with parameter names erased (`/items/{}`): equal keys are the same API Gateway resource. */
  readonly resourceKey: string;
  /**
   * The canonical IAM resource glob, without the ARN prefix: method (`*` for ANY), `/`, and the path
   * with each `{param}` and `{proxy+}` replaced by `*` (`GET/items/*`; the root is `GET/`).
   */
  readonly glob: string;
}

/** A route string that is not `METHOD /resource/path`. */
export class RouteSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RouteSyntaxError";
  }
}

/** A route table that API Gateway itself would refuse (a duplicate, or conflicting parameter names). */
export class RouteTableError extends Error {
  constructor(
    message: string,
    /** Index of the offending route in the list given to `compileRouteTable`. */
    readonly index: number,
  ) {
    super(message);
    this.name = "RouteTableError";
  }
}

// Literal segments: a strict subset of what API Gateway accepts for a path part. It excludes `*` and
// `?` on purpose: they are IAM glob characters, and a literal containing one would widen every
// statement built from it. `.` and `..` alone are excluded because clients and proxies normalise them.
const LITERAL = /^[A-Za-z0-9._-]+$/;
const PARAM = /^\{([A-Za-z0-9._-]+)\}$/;
const PROXY = /^\{([A-Za-z0-9._-]+)\+\}$/;

/** Parse `METHOD /path`. Throws RouteSyntaxError with a message that says what to write instead. */
export function parseRoute(route: string): ParsedRoute {
  const space = route.indexOf(" ");
  if (space < 0) {
    throw new RouteSyntaxError(`expected "METHOD /path" (e.g. "GET /items/{id}"), one space apart`);
  }
  const method = route.slice(0, space);
  const path = route.slice(space + 1);
  if (!isRouteMethod(method)) {
    const upper = method.toUpperCase();
    const hint = isRouteMethod(upper) ? ` (write "${upper}")` : "";
    throw new RouteSyntaxError(
      `unknown method "${method}"${hint}: use one of ${HTTP_METHODS.join(" ")} or ANY`,
    );
  }
  const segments = parsePath(path);
  const resourceKey =
    "/" + segments.map((s) => (s.kind === "literal" ? s.value : s.kind === "param" ? "{}" : "{+}")).join("/");
  const glob =
    (method === "ANY" ? "*" : method) +
    "/" +
    segments.map((s) => (s.kind === "literal" ? s.value : "*")).join("/");
  return { route, method, path, segments, resourceKey, glob };
}

function parsePath(path: string): PathSegment[] {
  if (path === "/") return [];
  if (!path.startsWith("/")) {
    throw new RouteSyntaxError(`the path "${path}" must start with "/"`);
  }
  const parts = path.slice(1).split("/");
  return parts.map((part, i): PathSegment => {
    if (part === "") {
      throw new RouteSyntaxError(
        `the path "${path}" has an empty segment: remove the trailing or doubled "/" (the root is "/")`,
      );
    }
    if (LITERAL.test(part)) {
      if (/^\.+$/.test(part)) throw new RouteSyntaxError(`"${part}" is not a usable path segment`);
      return { kind: "literal", value: part };
    }
    const param = PARAM.exec(part);
    if (param) return { kind: "param", name: param[1] as string };
    const proxy = PROXY.exec(part);
    if (proxy) {
      if (i !== parts.length - 1) {
        throw new RouteSyntaxError(`the greedy parameter "${part}" must be the last segment of the path`);
      }
      return { kind: "proxy", name: proxy[1] as string };
    }
    throw new RouteSyntaxError(
      `the path segment "${part}" is neither a literal ([A-Za-z0-9._-]+), a {param} nor a final {proxy+}`,
    );
  });
}

function isRouteMethod(method: string): method is RouteMethod {
  return method === "ANY" || (HTTP_METHODS as readonly string[]).includes(method);
}

export function isHttpMethod(method: string): method is HttpMethod {
  return (HTTP_METHODS as readonly string[]).includes(method);
}

/** A compiled route table: resolves a concrete request to the route API Gateway would invoke. */
export interface RouteTable {
  readonly routes: readonly ParsedRoute[];
  /** Index in `routes` of the route for this request, or undefined when no route matches. */
  resolveIndex(method: string, path: string): number | undefined;
  /** The route (as written) for this request, or undefined when no route matches. */
  resolve(method: string, path: string): string | undefined;
}

interface ResourceNode {
  readonly literals: Map<string, ResourceNode>;
  param: { readonly name: string; readonly node: ResourceNode } | undefined;
  proxy: { readonly name: string; readonly node: ResourceNode } | undefined;
  /** Routes declared on this resource, by method (`ANY` included). Empty for intermediate resources. */
  readonly methods: Map<RouteMethod, number>;
}

function newNode(): ResourceNode {
  return { literals: new Map(), param: undefined, proxy: undefined, methods: new Map() };
}

/**
 * Compile routes (`METHOD /path` strings) into a resolver. Throws RouteSyntaxError for a malformed
 * route (wrapped with its index) and RouteTableError for a table API Gateway would refuse.
 *
 * Resolution, as API Gateway does it for REST APIs:
 * - Resources form a tree. At each level a literal child beats a `{param}` child, which beats a
 *   `{proxy+}` child (which takes the rest of the path, one segment or more).
 * - Resolution backtracks: if the literal branch cannot reach a declared resource for the rest of the
 *   path, the `{param}` branch is tried, then `{proxy+}`. (`/users/me` and `/{proxy+}` declared:
 *   `/users/me/x` goes to `/{proxy+}`.) The result is the matching resource whose segment kinds are
 *   lexicographically smallest (literal < param < proxy).
 * - A resource is "declared" when at least one route names it. Intermediate resources (`/admin` for
 *   `/admin/{proxy+}`) have no route: a request that can only end there resolves to nothing.
 * - The resource is chosen first, then the method on it: the exact method beats `ANY`. A resource
 *   without that method and without ANY is no route (API Gateway: 403 Missing Authentication Token);
 *   resolution does not go looking for another resource that has the method.
 * - One trailing `/` on a non-root path is dropped first (`/items/` resolves as `/items`,
 *   `/items/42/` as `/items/42`); any other empty segment (`/items//1`, `/items//`, `//`) resolves
 *   to nothing.
 */
export function compileRouteTable(routes: readonly string[]): RouteTable {
  const parsed: ParsedRoute[] = [];
  const root = newNode();
  const seen = new Map<string, number>();
  routes.forEach((route, index) => {
    let p: ParsedRoute;
    try {
      p = parseRoute(route);
    } catch (err) {
      if (err instanceof RouteSyntaxError) throw new RouteTableError(err.message, index);
      throw err;
    }
    const key = `${p.method} ${p.resourceKey}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      const same = routes[earlier] === route;
      throw new RouteTableError(
        same
          ? `duplicates route ${earlier}: list each route once`
          : `is the same API Gateway method as route ${earlier} ("${routes[earlier]}"): parameter names do not distinguish routes; list it once`,
        index,
      );
    }
    seen.set(key, index);
    let node = root;
    for (const seg of p.segments) {
      if (seg.kind === "literal") {
        let child = node.literals.get(seg.value);
        if (!child) node.literals.set(seg.value, (child = newNode()));
        node = child;
      } else {
        const slot = seg.kind === "param" ? "param" : "proxy";
        const existing = node[slot];
        if (existing && existing.name !== seg.name) {
          throw new RouteTableError(
            `names the path parameter "${seg.name}" where another route names it "${existing.name}"; API Gateway allows one variable path part per parent resource: use the same name`,
            index,
          );
        }
        if (!existing) node[slot] = { name: seg.name, node: newNode() };
        node = (node[slot] as { node: ResourceNode }).node;
      }
    }
    node.methods.set(p.method, index);
    parsed.push(p);
  });

  const resolveIndex = (method: string, path: string): number | undefined => {
    if (!isHttpMethod(method) || !path.startsWith("/")) return undefined;
    const segs = requestSegments(path);
    if (segs.includes("")) return undefined;
    const resource = findResource(root, segs, 0);
    if (!resource) return undefined;
    return resource.methods.get(method) ?? resource.methods.get("ANY");
  };
  return {
    routes: parsed,
    resolveIndex,
    resolve: (method, path) => {
      const i = resolveIndex(method, path);
      return i === undefined ? undefined : parsed[i]?.route;
    },
  };
}

/**
 * Is the request path in normal form: `/`, or non-empty segments none of which is `.` or `..`, with
 * at most one trailing `/`? Clients and proxies may normalise the others (RFC 3986 §5.2.4 removes
 * dot segments; doubled slashes are collapsed by some), so which route such a path reaches is not
 * something the authorizer can know: route-rules.ts denies them, directly and in every policy.
 */
export function isNormalRequestPath(path: string): boolean {
  if (!path.startsWith("/")) return false;
  return requestSegments(path).every((s) => s !== "" && s !== "." && s !== "..");
}

/**
 * Does the path have a dot segment spelled with `%2e` (an encoded `.`, RFC 3986 §2.3: unreserved,
 * so normalisers decode it)? Such a path is in normal form as written, and no policy glob lists
 * its spellings: route-rules.ts denies it for the whole stage instead.
 */
export function hasEncodedDotSegment(path: string): boolean {
  return (
    path.includes("%") &&
    requestSegments(path).some((s) => {
      const dots = s.replace(/%2e/gi, ".");
      return dots !== s && (dots === "." || dots === "..");
    })
  );
}

/**
 * The segments of a request path, one trailing `/` of a non-root path dropped (`/items/` and
 * `/items` are both `["items"]`). `//` keeps its empty segments: it is not a spelling of the root.
 */
function requestSegments(path: string): string[] {
  if (path === "/") return [];
  const trimmed = path.length > 2 && path.endsWith("/") ? path.slice(0, -1) : path;
  return trimmed.slice(1).split("/");
}

// Depth-first in precedence order; the first declared resource reached wins. The search depth is
// bounded by the depth of the route tree, never by the request.
function findResource(node: ResourceNode, segs: readonly string[], i: number): ResourceNode | undefined {
  if (i === segs.length) return node.methods.size > 0 ? node : undefined;
  const literal = node.literals.get(segs[i] as string);
  const viaLiteral = literal && findResource(literal, segs, i + 1);
  if (viaLiteral) return viaLiteral;
  const viaParam = node.param && findResource(node.param.node, segs, i + 1);
  if (viaParam) return viaParam;
  if (node.proxy && node.proxy.node.methods.size > 0) return node.proxy.node;
  return undefined;
}

/**
 * The path parameters of a request that resolved to `route`, by parameter name: a `{param}` takes its
 * segment, a greedy `{proxy+}` the rest of the path (its segments joined by `/`). One trailing `/`
 * is dropped first, as in resolution (`/items/42/` gives `{ id: "42" }`). Values are
 * percent-decoded segment by segment (a segment that is not valid percent-encoding is kept as
 * received), as the integration's `pathParameters` carry them. Throws when `path` cannot be a request
 * for `route` (resolve it through a RouteTable first).
 */
export function pathParameters(route: ParsedRoute, path: string): Record<string, string> {
  const segs = requestSegments(path);
  const greedy = route.segments.at(-1)?.kind === "proxy";
  if (greedy ? segs.length < route.segments.length : segs.length !== route.segments.length) {
    throw new Error(`the path "${path}" is not a request for the route "${route.route}"`);
  }
  const params: Record<string, string> = {};
  route.segments.forEach((seg, i) => {
    if (seg.kind === "param") params[seg.name] = decodeSegment(segs[i] as string);
    else if (seg.kind === "proxy") params[seg.name] = segs.slice(i).map(decodeSegment).join("/");
  });
  return params;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
