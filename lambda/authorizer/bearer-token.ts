// TOKEN / REQUEST event → the Bearer token string, or an AuthorizerError (401).
//
// Grammar (RFC 6750 §2.1, RFC 9110 §11.1 for the case-insensitive scheme):
//   credentials = "Bearer" 1*SP b64token
//   b64token    = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
// Outer whitespace (SP / HTAB, RFC 9110 §5.6.3 OWS) is trimmed. Anything else is refused: another
// scheme, a tab or other whitespace as the separator, trailing text, two tokens, non-ASCII.
// Only the Authorization header counts: a token in the query string or a cookie is ignored.

import {
  ConflictingHeadersError,
  MalformedEventError,
  MalformedHeaderError,
  MissingTokenError,
  OversizedTokenError,
} from "./errors";

/**
 * Refused before any parsing. Cognito access and ID tokens are 1–4 KB; API Gateway itself caps a
 * header at 10 KB. 8 KiB leaves room for large ID tokens and keeps regex and JSON work bounded.
 */
export const MAX_AUTHORIZATION_HEADER_LENGTH = 8192;

// The grammar, once, as regular-expression source that means the same in JavaScript and in Java
// (API Gateway evaluates a TOKEN authorizer's validation expression with Java's regex engine).
const BEARER_SCHEME = "[Bb][Ee][Aa][Rr][Ee][Rr]";
const B64TOKEN = "[A-Za-z0-9._~+/-]+=*";

/**
 * The TOKEN authorizer's identity validation expression: API Gateway answers 401 without invoking
 * the function when the Authorization header does not match it. Built from the same grammar as the
 * parser below, so a header that passes it is never refused for its shape (test/unit/bearer-token.test.ts).
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-authorizer.html
 */
export const BEARER_VALIDATION_EXPRESSION = `^${BEARER_SCHEME} +${B64TOKEN}$`;

const BEARER = new RegExp(`^${BEARER_SCHEME} +(${B64TOKEN})$`);

/** The header value → token. Size is checked first, before any regex sees the value. */
export function parseAuthorizationHeader(value: string): string {
  if (value.length > MAX_AUTHORIZATION_HEADER_LENGTH) {
    throw new OversizedTokenError(`Authorization header longer than ${MAX_AUTHORIZATION_HEADER_LENGTH}`);
  }
  const trimmed = trimOws(value);
  if (trimmed === "") throw new MissingTokenError("Authorization header is empty");
  const match = BEARER.exec(trimmed);
  if (!match) throw new MalformedHeaderError("Authorization header is not 'Bearer <b64token>'");
  return match[1] as string;
}

/** Strip leading and trailing SP / HTAB (RFC 9110 §5.6.3), and nothing else (not NBSP, not CR/LF). */
function trimOws(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isOws(value.charCodeAt(start))) start += 1;
  while (end > start && isOws(value.charCodeAt(end - 1))) end -= 1;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

function isOws(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/**
 * Extract the Bearer token from a REST API authorizer event (TOKEN or REQUEST).
 * The event is untrusted input: every field is checked for its type before use.
 */
export function extractBearerToken(event: unknown): string {
  if (typeof event !== "object" || event === null) throw new MalformedEventError("event is not an object");
  const { type } = event as { type?: unknown };
  if (type === "TOKEN") {
    const { authorizationToken } = event as { authorizationToken?: unknown };
    if (authorizationToken === undefined || authorizationToken === null || authorizationToken === "") {
      throw new MissingTokenError("authorizationToken is empty");
    }
    if (typeof authorizationToken !== "string") {
      throw new MalformedEventError("authorizationToken is not a string");
    }
    return parseAuthorizationHeader(authorizationToken);
  }
  if (type === "REQUEST") return parseAuthorizationHeader(requestAuthorizationValue(event));
  throw new MalformedEventError("event type is neither TOKEN nor REQUEST");
}

/**
 * The single Authorization value of a REQUEST event. Header names are case-insensitive
 * (RFC 9110 §5.1); `headers` and `multiValueHeaders` may each be null. Two different values,
 * across casings or within multiValueHeaders, are ambiguous and refused: an attacker must not be
 * able to make us verify one value while a backend reads another.
 */
function requestAuthorizationValue(event: object): string {
  const { headers, multiValueHeaders } = event as { headers?: unknown; multiValueHeaders?: unknown };
  let found: string | undefined;
  const consider = (value: unknown): void => {
    if (typeof value !== "string")
      throw new MalformedEventError("Authorization header value is not a string");
    if (value.length > MAX_AUTHORIZATION_HEADER_LENGTH) {
      throw new OversizedTokenError(`Authorization header longer than ${MAX_AUTHORIZATION_HEADER_LENGTH}`);
    }
    if (found !== undefined && found !== value) {
      throw new ConflictingHeadersError("more than one distinct Authorization header value");
    }
    found = value;
  };
  for (const [name, value] of headerEntries(headers)) {
    if (isAuthorization(name)) consider(value);
  }
  for (const [name, values] of headerEntries(multiValueHeaders)) {
    if (!isAuthorization(name)) continue;
    if (!Array.isArray(values)) throw new MalformedEventError("multiValueHeaders entry is not an array");
    for (const value of values) consider(value);
  }
  if (found === undefined || found === "") throw new MissingTokenError("no Authorization header");
  return found;
}

function headerEntries(headers: unknown): [string, unknown][] {
  if (headers === undefined || headers === null) return [];
  if (typeof headers !== "object" || Array.isArray(headers)) {
    throw new MalformedEventError("headers is not an object");
  }
  return Object.entries(headers);
}

function isAuthorization(name: string): boolean {
  return name.length === 13 && name.toLowerCase() === "authorization";
}
