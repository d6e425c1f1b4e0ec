// Gateway responses: the answers API Gateway gives itself (401, 403, 500...), as the template sets them.
//
// Given before or instead of the integration, with the customisations the template defines (status,
// headers, body templates).
// https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-gatewayResponse-definition.html

import type { GatewayResponseDefinition } from "../cloud-assembly/stack-definition";

/** The response types the local gateway produces, with API Gateway's defaults. */
export const GATEWAY_RESPONSE_TYPES = {
  UNAUTHORIZED: { status: 401, errorType: "UnauthorizedException" },
  ACCESS_DENIED: { status: 403, errorType: "AccessDeniedException" },
  MISSING_AUTHENTICATION_TOKEN: { status: 403, errorType: "MissingAuthenticationTokenException" },
  AUTHORIZER_CONFIGURATION_ERROR: { status: 500, errorType: "AuthorizerConfigurationException" },
  AUTHORIZER_FAILURE: { status: 500, errorType: "AuthorizerConfigurationException" },
  // A Lambda proxy integration that fails or answers malformed output: 502 "Internal server error".
  INTEGRATION_FAILURE: { status: 502, errorType: "InternalServerErrorException" },
  INTEGRATION_TIMEOUT: { status: 504, errorType: "InternalServerErrorException" },
} as const;

export type GatewayResponseType = keyof typeof GATEWAY_RESPONSE_TYPES;

// API Gateway's default body template for every gateway response.
const DEFAULT_TEMPLATE = '{"message":$context.error.messageString}';

export interface GatewayResponseInput {
  /** `null` renders as JSON null (`{"message":null}`), as API Gateway does for authorizer failures. */
  readonly message: string | null;
  readonly requestHeaders: Readonly<Record<string, string>>;
  readonly queryString: Readonly<Record<string, string>>;
  readonly pathParameters: Readonly<Record<string, string>>;
  /** `$context.*` values: requestId, stage, resourcePath, httpMethod, apiId... */
  readonly context: Readonly<Record<string, string>>;
}

export interface RenderedResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string | Buffer;
}

export function renderGatewayResponse(
  type: GatewayResponseType,
  input: GatewayResponseInput,
  customised: ReadonlyMap<string, GatewayResponseDefinition>,
): RenderedResponse {
  const builtIn = GATEWAY_RESPONSE_TYPES[type];
  const fallback = customised.get(builtIn.status < 500 ? "DEFAULT_4XX" : "DEFAULT_5XX");
  const specific = customised.get(type);
  // A specific response wins; otherwise DEFAULT_4XX / DEFAULT_5XX (whose status, when set,
  // replaces every unspecified response's status); otherwise API Gateway's built-in default.
  const status = specific?.statusCode ?? fallback?.statusCode ?? builtIn.status;
  const definition = specific ?? fallback;

  const vars: Record<string, string> = {
    ...Object.fromEntries(Object.entries(input.context).map(([k, v]) => [`context.${k}`, v])),
    "context.error.message": input.message ?? "",
    "context.error.messageString": JSON.stringify(input.message),
    "context.error.responseType": type,
  };
  const templates = definition?.templates ?? {};
  const template = templates["application/json"] ?? Object.values(templates)[0] ?? DEFAULT_TEMPLATE;
  // VTL references, `$context.x` or `${context.x}`; unknown ones stay as written, as in VTL.
  const body = template.replace(
    /\$!?(?:\{([A-Za-z][\w.]*)\}|([A-Za-z][\w.]*\w))/g,
    (match, braced: string | undefined, bare: string | undefined) => vars[braced ?? bare ?? ""] ?? match,
  );

  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-amzn-errortype": builtIn.errorType,
    "x-amzn-requestid": input.context["requestId"] ?? "",
  };
  for (const [name, expression] of Object.entries(definition?.headers ?? {})) {
    const value = headerValue(expression, input);
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  return { status, headers, body };
}

/** `'literal'`, `method.request.header.X`, `method.request.querystring.X`, `method.request.path.X`, `context.X`. */
function headerValue(expression: string, input: GatewayResponseInput): string | undefined {
  const literal = /^'(.*)'$/s.exec(expression);
  if (literal) return literal[1];
  let m: RegExpExecArray | null;
  if ((m = /^method\.request\.header\.(.+)$/.exec(expression))) {
    const wanted = (m[1] as string).toLowerCase();
    return Object.entries(input.requestHeaders).find(([k]) => k.toLowerCase() === wanted)?.[1];
  }
  if ((m = /^method\.request\.querystring\.(.+)$/.exec(expression))) return input.queryString[m[1] as string];
  if ((m = /^method\.request\.path\.(.+)$/.exec(expression))) return input.pathParameters[m[1] as string];
  if ((m = /^context\.(.+)$/.exec(expression))) return input.context[m[1] as string];
  return undefined;
}
