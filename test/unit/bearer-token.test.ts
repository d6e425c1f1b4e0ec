import fc from "fast-check";
import {
  BEARER_VALIDATION_EXPRESSION,
  extractBearerToken,
  MAX_AUTHORIZATION_HEADER_LENGTH,
  parseAuthorizationHeader,
} from "../../lambda/authorizer/bearer-token";
import { AuthorizerError } from "../../lambda/authorizer/errors";

const TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";
const ARN = "arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/items";

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof AuthorizerError) return err.reason;
    throw err;
  }
  throw new Error("expected a rejection");
}

describe("parseAuthorizationHeader (RFC 6750 §2.1)", () => {
  it.each([
    ["Bearer " + TOKEN],
    ["bearer " + TOKEN],
    ["BEARER " + TOKEN],
    ["bEaReR " + TOKEN],
    ["Bearer    " + TOKEN],
    ["  Bearer " + TOKEN + "  "],
    ["\tBearer " + TOKEN + "\t"],
  ])("accepts %j", (header) => {
    // Scheme is case-insensitive (RFC 9110 §11.1); 1*SP separates; outer OWS is trimmed.
    expect(parseAuthorizationHeader(header)).toBe(TOKEN);
  });

  it("accepts b64token characters including ~ + / and trailing =", () => {
    expect(parseAuthorizationHeader("Bearer a-b.c_d~e+f/g==")).toBe("a-b.c_d~e+f/g==");
  });

  it.each([
    ["", "missing_token"],
    ["   ", "missing_token"],
    ["Bearer", "malformed_header"],
    ["Bearer ", "malformed_header"],
    [TOKEN, "malformed_header"],
    ["Basic dXNlcjpwYXNz", "malformed_header"],
    ["Token " + TOKEN, "malformed_header"],
    ["Bearer\t" + TOKEN, "malformed_header"],
    ["Bearer\n" + TOKEN, "malformed_header"],
    ["Bearer\u00a0" + TOKEN, "malformed_header"],
    ["Bearer " + TOKEN + " extra", "malformed_header"],
    ["Bearer " + TOKEN + ", Bearer " + TOKEN, "malformed_header"],
    ["Bearer " + TOKEN + " " + TOKEN, "malformed_header"],
    ["Bearer tökén", "malformed_header"],
    ["Bearer =abc", "malformed_header"],
    ["Bearer abc=def", "malformed_header"],
    ["Bearer:" + TOKEN, "malformed_header"],
    ["Bearers " + TOKEN, "malformed_header"],
  ])("refuses %j as %s", (header, reason) => {
    expect(reasonOf(() => parseAuthorizationHeader(header))).toBe(reason);
  });

  it("refuses an oversized header before any parsing", () => {
    const header = "Bearer " + "a".repeat(MAX_AUTHORIZATION_HEADER_LENGTH);
    expect(reasonOf(() => parseAuthorizationHeader(header))).toBe("oversized_token");
  });
});

describe("extractBearerToken", () => {
  it("reads a TOKEN event's authorizationToken", () => {
    expect(extractBearerToken({ type: "TOKEN", authorizationToken: `Bearer ${TOKEN}`, methodArn: ARN })).toBe(
      TOKEN,
    );
  });

  it("reads a REQUEST event's header whatever its casing", () => {
    for (const name of ["Authorization", "authorization", "AUTHORIZATION", "aUtHoRiZaTiOn"]) {
      const event = {
        type: "REQUEST",
        methodArn: ARN,
        headers: { [name]: `Bearer ${TOKEN}` },
        multiValueHeaders: null,
      };
      expect(extractBearerToken(event)).toBe(TOKEN);
    }
  });

  it("reads multiValueHeaders when headers is null", () => {
    const event = {
      type: "REQUEST",
      headers: null,
      multiValueHeaders: { authorization: [`Bearer ${TOKEN}`] },
    };
    expect(extractBearerToken(event)).toBe(TOKEN);
  });

  it("accepts the same value repeated across headers and multiValueHeaders", () => {
    const value = `Bearer ${TOKEN}`;
    const event = {
      type: "REQUEST",
      headers: { Authorization: value },
      multiValueHeaders: { Authorization: [value] },
    };
    expect(extractBearerToken(event)).toBe(TOKEN);
  });

  it.each([
    [
      "two casings with different values",
      { Authorization: `Bearer ${TOKEN}`, authorization: "Bearer other" },
      null,
    ],
    ["two values in multiValueHeaders", null, { Authorization: [`Bearer ${TOKEN}`, "Bearer other"] }],
    [
      "headers and multiValueHeaders disagree",
      { Authorization: `Bearer ${TOKEN}` },
      { Authorization: ["Bearer other"] },
    ],
  ])("refuses %s", (_name, headers, multiValueHeaders) => {
    expect(reasonOf(() => extractBearerToken({ type: "REQUEST", headers, multiValueHeaders }))).toBe(
      "conflicting_headers",
    );
  });

  it("ignores a token in the query string or a cookie", () => {
    const event = {
      type: "REQUEST",
      headers: { Cookie: `access_token=${TOKEN}` },
      multiValueHeaders: null,
      queryStringParameters: { access_token: TOKEN },
    };
    expect(reasonOf(() => extractBearerToken(event))).toBe("missing_token");
  });

  it.each([
    ["null", null],
    ["a string", "Bearer x"],
    ["an array", []],
    ["no type", { authorizationToken: `Bearer ${TOKEN}` }],
    ["an unknown type", { type: "COOKIE", authorizationToken: `Bearer ${TOKEN}` }],
    ["a numeric token", { type: "TOKEN", authorizationToken: 42 }],
    ["headers as a string", { type: "REQUEST", headers: "Authorization: Bearer x" }],
    [
      "multiValueHeaders entry not an array",
      { type: "REQUEST", multiValueHeaders: { Authorization: `Bearer ${TOKEN}` } },
    ],
    ["a header value that is an object", { type: "REQUEST", headers: { Authorization: { value: TOKEN } } }],
  ])("refuses a malformed event: %s", (_name, event) => {
    expect(reasonOf(() => extractBearerToken(event))).toBe("malformed_event");
  });

  it.each([
    ["TOKEN without authorizationToken", { type: "TOKEN" }],
    ["TOKEN with empty authorizationToken", { type: "TOKEN", authorizationToken: "" }],
    ["REQUEST with null headers", { type: "REQUEST", headers: null, multiValueHeaders: null }],
    ["REQUEST with an empty header", { type: "REQUEST", headers: { Authorization: "" } }],
  ])("reports a missing token: %s", (_name, event) => {
    expect(reasonOf(() => extractBearerToken(event))).toBe("missing_token");
  });
});

describe("the API Gateway validation expression and the parser", () => {
  // Both are built from one grammar. Protects: a header API Gateway lets through is never refused by
  // the authorizer for its shape, and the authorizer accepts nothing the gateway would have turned
  // away, except outer whitespace, which only the parser trims (RFC 9110 §5.6.3).
  const gateway = new RegExp(BEARER_VALIDATION_EXPRESSION);
  const parses = (header: string): boolean => {
    try {
      parseAuthorizationHeader(header);
      return true;
    } catch (err) {
      if (err instanceof AuthorizerError) return false;
      throw err;
    }
  };
  // Headers that are mostly near-misses: scheme spellings, separators, token characters, padding.
  const piece = fc.constantFrom(
    "Bearer",
    "bearer",
    "BEARER",
    "Bearer ",
    "Basic ",
    "Bearer\t",
    " ",
    "  ",
    "\t",
    "=",
    "==",
    "a",
    "Z",
    "0",
    ".",
    "-",
    "_",
    "~",
    "+",
    "/",
    ",",
    ":",
    "%",
    "\u00a0",
    "é",
    "\n",
    TOKEN,
  );
  const header = fc.array(piece, { maxLength: 8 }).map((parts) => parts.join(""));

  it("accept the same headers (up to outer whitespace), over 20,000 generated headers", () => {
    fc.assert(
      fc.property(header, (value) => {
        const trimmed = value.replace(/^[ \t]+|[ \t]+$/g, "");
        expect(parses(value)).toBe(gateway.test(trimmed));
      }),
      { numRuns: 20000 },
    );
  });

  it.each([
    ["Bearer " + TOKEN, true],
    ["bearer a-b.c_d~e+f/g==", true],
    ["Bearer", false],
    ["Bearer a=b", false],
    ["Bearer\ta.b.c", false],
    ["Basic dXNlcjpwYXNz", false],
  ])("agree on %j", (value, accepted) => {
    expect(gateway.test(value)).toBe(accepted);
    expect(parses(value)).toBe(accepted);
  });

  it("hold up to the parser's size limit, past which only the parser refuses", () => {
    const long = "Bearer " + "a".repeat(MAX_AUTHORIZATION_HEADER_LENGTH);
    expect(gateway.test(long)).toBe(true);
    expect(parses(long)).toBe(false);
  });
});
