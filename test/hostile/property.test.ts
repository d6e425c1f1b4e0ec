// Property tests over the real authorizer (real RS256 verification against the loopback JWKS):
// (a) a mutated token is never accepted unless it is the original string;
// (b) a mutated `Bearer <token>` header is accepted exactly when an independent RFC 6750 oracle says
//     it carries the original token;
// (c) no event whatsoever makes the handler throw anything but Error("Unauthorized");
// (d) for random rules with alternatives (`anyOf`) and random callers (users and machine clients), the policy the authorizer
//     returns for any request, judged by the IAM evaluator on every route, is the rules' decision.

import fc from "fast-check";
import { MAX_AUTHORIZATION_HEADER_LENGTH } from "../../lambda/authorizer/bearer-token";
import {
  API_PREFIX,
  Harness,
  HTTP_API_PREFIX,
  methodArn,
  requestEvent,
  tokenEvent,
} from "../helpers/harness";
import { evaluatePolicy } from "../helpers/iam-evaluator";
import {
  accessClaims,
  b64url,
  clientCredentialsClaims,
  generateTestKey,
  signToken,
} from "../../tools/issuer";

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** The mutated string is the original token. (Non-canonical re-spellings of the signature are refused.) */
/**
 * Does `Bearer ${mutated}` still carry exactly the original token? Only when the mutations added
 * spaces before it (more of the 1*SP separator) or spaces and tabs after it (outer whitespace,
 * RFC 9110 §5.6.3, which the parser trims): any other change is another token.
 */
function sameSignedToken(mutated: string, original: string): boolean {
  return mutated.replace(/^ +/, "").replace(/[ \t]+$/, "") === original;
}

// --- (a) token mutations -----------------------------------------------------------------------------

type Mutation = (token: string) => string;

const tokenChar = fc.oneof(
  fc.constantFrom(...BASE64URL),
  fc.constantFrom(".", "=", "+", "/", " ", "~", "\t", "\n", "\u0000", "é", "\u00a0"),
);

const CLAIMS = [
  "sub",
  "client_id",
  "scope",
  "cognito:groups",
  "exp",
  "iat",
  "nbf",
  "iss",
  "token_use",
  "username",
];
const HEADER_FIELDS = ["alg", "kid", "typ", "crit", "jku", "jwk"];

function reencode(segment: string, key: string, value: unknown): string {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(Buffer.from(segment, "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    return segment;
  }
  if (value === undefined) delete parsed[key];
  else parsed[key] = value;
  return b64url(JSON.stringify(parsed));
}

function mutation(): fc.Arbitrary<Mutation> {
  const at = fc.nat();
  return fc.oneof(
    // Replace / insert / delete one character.
    fc.tuple(at, tokenChar).map(([i, c]): Mutation => (t) => {
      const k = i % t.length;
      return t.slice(0, k) + c + t.slice(k + 1);
    }),
    fc.tuple(at, tokenChar).map(([i, c]): Mutation => (t) => {
      const k = i % (t.length + 1);
      return t.slice(0, k) + c + t.slice(k);
    }),
    at.map(
      (i): Mutation =>
        (t) =>
          t.length === 0 ? t : t.slice(0, i % t.length) + t.slice((i % t.length) + 1),
    ),
    // The last character of the signature: where base64url has unused bits (see BUG-1).
    fc.constantFrom(...BASE64URL).map(
      (c): Mutation =>
        (t) =>
          t.slice(0, -1) + c,
    ),
    // Flip the case of one character.
    at.map((i): Mutation => (t) => {
      const k = i % Math.max(t.length, 1);
      const ch = t.charAt(k);
      const flipped = ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase();
      return t.slice(0, k) + flipped + t.slice(k + 1);
    }),
    // Truncate.
    at.map(
      (i): Mutation =>
        (t) =>
          t.slice(0, i % Math.max(t.length, 1)),
    ),
    // Reorder or duplicate segments.
    fc.array(fc.nat({ max: 2 }), { minLength: 1, maxLength: 5 }).map((order): Mutation => (t) => {
      const segs = t.split(".");
      return order.map((i) => segs[i] ?? "").join(".");
    }),
    // Re-encode the header or the payload JSON with a changed (or removed) field, keeping the signature.
    fc
      .tuple(
        fc.constantFrom(0, 1),
        fc.constantFrom(...HEADER_FIELDS, ...CLAIMS),
        fc.option(fc.jsonValue(), { nil: undefined }),
      )
      .map(([segment, key, value]): Mutation => (t) => {
        const segs = t.split(".");
        const target = segs[segment];
        if (target === undefined) return t;
        segs[segment] = reencode(target, key, value);
        return segs.join(".");
      }),
    // Append or prepend a whole extra segment / a copy of the token.
    fc.constantFrom<Mutation>(
      (t) => `${t}.${t.split(".")[2] ?? ""}`,
      (t) => `${t}${t}`,
      (t) => `${t}.`,
      (t) => `.${t}`,
    ),
  );
}

// --- (b) header oracle ----------------------------------------------------------------------------------

/**
 * RFC 6750 §2.1 / RFC 9110 §11.1 written independently of bearer-token.ts: does this Authorization
 * value carry exactly `token`? Outer SP/HTAB trimmed; scheme "bearer" in any ASCII case; one or more
 * SP; then the token and nothing else. Values over the documented cap are refused whatever they hold.
 */
function oracleCarries(header: string, token: string): boolean {
  if (header.length > MAX_AUTHORIZATION_HEADER_LENGTH) return false;
  let start = 0;
  let end = header.length;
  const isOws = (c: string | undefined): boolean => c === " " || c === "\t";
  while (start < end && isOws(header[start])) start += 1;
  while (end > start && isOws(header[end - 1])) end -= 1;
  const value = header.slice(start, end);
  const scheme = value.slice(0, 6);
  const asciiLower = [...scheme].map((c) =>
    c >= "A" && c <= "Z" ? String.fromCharCode(c.charCodeAt(0) + 32) : c,
  );
  if (asciiLower.join("") !== "bearer") return false;
  let i = 6;
  while (value[i] === " ") i += 1;
  if (i === 6) return false;
  return value.slice(i) === token;
}

const SEPARATORS = [" ", " ", "  ", "\t", "\n", "\r", "\u00a0", ",", ", ", ":", "=", ""] as const;

function headerArb(token: string, otherToken: string): fc.Arbitrary<string> {
  // Weighted towards well-formed values, so that both sides of the "if and only if" are exercised.
  const ws = fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom("", " ", "\t", " \t ") },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.constantFrom(" ", "\t", "\n", "\u00a0", "\r", "\u000b"), { maxLength: 3 })
        .map((a) => a.join("")),
    },
  );
  const scheme = fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .array(fc.boolean(), { minLength: 6, maxLength: 6 })
        .map((up) => [..."bearer"].map((c, i) => (up[i] === true ? c.toUpperCase() : c)).join("")),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        "Bearer:",
        "Bearers",
        "Basic",
        "Token",
        "",
        "Bear",
        "B\u0435arer",
        "Bearer,",
        "JWT",
      ),
    },
  );
  const separator = fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(" ", "   ") },
    {
      weight: 1,
      arbitrary: fc.array(fc.constantFrom(...SEPARATORS), { maxLength: 3 }).map((a) => a.join("")),
    },
  );
  const body = fc.oneof(
    { weight: 4, arbitrary: fc.constant(token) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(otherToken, `${token}=`, `x${token}`, `${token}x`, token.toLowerCase()),
    },
  );
  const suffix = fc.oneof(
    { weight: 4, arbitrary: fc.constant("") },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        `, Bearer ${otherToken}`,
        ` ${token}`,
        " extra",
        ",",
        ";",
        `,${token}`,
        "\u0000",
      ),
    },
  );
  return fc
    .tuple(ws, scheme, separator, body, suffix, ws)
    .map(([lead, s, sep, b, suf, trail]) => `${lead}${s}${sep}${b}${suf}${trail}`);
}

// --- (c) arbitrary events --------------------------------------------------------------------------------

function eventArb(token: string): fc.Arbitrary<unknown> {
  const anything = fc.anything({
    maxDepth: 3,
    withNullPrototype: true,
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withTypedArray: true,
    withSparseArray: true,
    withBoxedValues: true,
  });
  const header = fc.oneof(fc.constant(`Bearer ${token}`), fc.string(), anything);
  const headers = fc.oneof(
    anything,
    fc.dictionary(fc.constantFrom("Authorization", "authorization", "AUTHORIZATION", "Host", "x"), header),
  );
  const multiValueHeaders = fc.oneof(
    anything,
    fc.dictionary(
      fc.constantFrom("Authorization", "authorization", "Host"),
      fc.oneof(fc.array(header, { maxLength: 3 }), header),
    ),
  );
  return fc.record(
    {
      type: fc.oneof(fc.constantFrom("TOKEN", "REQUEST"), anything),
      methodArn: fc.oneof(fc.constant(methodArn("GET", "/items")), fc.string(), anything),
      authorizationToken: header,
      headers,
      multiValueHeaders,
      extra: anything,
    },
    { requiredKeys: ["type"] },
  );
}

// --- (d) rules with alternatives, through the real authorizer -------------------------------------------

interface Alternative {
  scopes?: string[];
  groups?: string[];
}
type Requirement = Alternative & { anyOf?: Alternative[] };

const SCOPES = ["items/read", "items/write"];
const GROUPS = ["readers", "admins"];
// Routes whose globs never over-deny one another, so every requirement assignment is accepted; each
// with concrete requests (the trailing-slash spelling included) to judge the cached policy on.
const ROUTES: [string, string[]][] = [
  ["GET /me", ["GET /me"]],
  ["GET /items", ["GET /items", "GET /items/"]],
  ["POST /items", ["POST /items"]],
  ["GET /items/{id}", ["GET /items/42", "GET /items/42/"]],
  ["DELETE /items/{id}", ["DELETE /items/7"]],
  ["GET /admin/{proxy+}", ["GET /admin/a/b", "GET /admin/x/"]],
];

const someOf = (values: string[]) =>
  fc.subarray(values, { minLength: 0 }).map((v) => (v.length === 0 ? undefined : v));
const alternativeArb = fc
  .record({ scopes: someOf(SCOPES), groups: someOf(GROUPS) })
  .map(({ scopes, groups }): Alternative => ({
    ...(scopes ? { scopes } : {}),
    ...(groups ? { groups } : {}),
  }));
const requirementArb: fc.Arbitrary<Requirement> = fc.oneof(
  alternativeArb,
  fc
    .uniqueArray(
      alternativeArb.filter((a) => a.scopes !== undefined || a.groups !== undefined),
      { minLength: 1, maxLength: 3, selector: (a) => JSON.stringify([a.scopes ?? [], a.groups ?? []]) },
    )
    .map((anyOf) => ({ anyOf })),
);

/** Independent of route-rules.ts: one alternative holds, each of its keys by any one value. */
function oracleAllows(r: Requirement, scopes: string[], groups: string[]): boolean {
  const holds = (a: Alternative): boolean =>
    (a.scopes === undefined || a.scopes.some((s) => scopes.includes(s))) &&
    (a.groups === undefined || a.groups.some((g) => groups.includes(g)));
  return r.anyOf ? r.anyOf.some(holds) : holds(r);
}

describe("properties of the authorizer", () => {
  let h: Harness;
  let original: string;

  beforeAll(async () => {
    h = await Harness.start();
    original = signToken(h.key, accessClaims());
  });
  afterAll(() => h.close());

  it("(a) accepts a mutated token only when it is the original token", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation(), { minLength: 1, maxLength: 3 }), async (mutations) => {
        const mutated = mutations.reduce((t, m) => m(t), original);

        const outcome = await h.run(tokenEvent(`Bearer ${mutated}`));

        if (outcome.kind === "other-error") throw outcome.error;
        expect(outcome.kind).toBe(sameSignedToken(mutated, original) ? "policy" : "unauthorized");
      }),
      { numRuns: 4000 },
    );
  });

  it("(b) accepts a header exactly when the RFC 6750 oracle says it carries the original token", async () => {
    // A second, well-formed but forged token (same kid, another key): never accepted.
    const otherToken = signToken(generateTestKey(h.key.kid), accessClaims({ sub: "other-user" }));
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(headerArb(original, otherToken), fc.boolean(), async (header, asRequest) => {
        const event = asRequest ? requestEvent({ Authorization: header }) : tokenEvent(header);

        const outcome = await h.run(event);

        if (outcome.kind === "other-error") throw outcome.error;
        const expected = oracleCarries(header, original);
        expect({ header, kind: outcome.kind }).toEqual({
          header,
          kind: expected ? "policy" : "unauthorized",
        });
        if (expected) accepted += 1;
      }),
      { numRuns: 3000 },
    );
    // Both sides of the "if and only if" were exercised.
    expect(accepted).toBeGreaterThan(150);
    expect(accepted).toBeLessThan(2850);
  });

  it("(b) the oracle itself follows the grammar on hand-picked values", () => {
    const t = original;
    expect(oracleCarries(`Bearer ${t}`, t)).toBe(true);
    expect(oracleCarries(` \tbEaReR   ${t}\t `, t)).toBe(true);
    expect(oracleCarries(`Bearer\t${t}`, t)).toBe(false);
    expect(oracleCarries(`Bearer${t}`, t)).toBe(false);
    expect(oracleCarries(`Bearer ${t} `, t)).toBe(true);
    expect(oracleCarries(`Bearer ${t}\n`, t)).toBe(false);
    expect(oracleCarries(`\u00a0Bearer ${t}`, t)).toBe(false);
  });

  it("(c) never throws anything but Unauthorized for arbitrary JSON-ish values as the event", async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything(), async (event) => {
        const outcome = await h.run(event);
        if (outcome.kind === "other-error") throw outcome.error;
        // fc.anything() cannot produce a valid token, so nothing may be allowed either.
        expect(outcome.kind).toBe("unauthorized");
      }),
      { numRuns: 2000 },
    );
  });

  it("(c) never throws anything but Unauthorized for TOKEN / REQUEST shaped events with random fields", async () => {
    await fc.assert(
      fc.asyncProperty(eventArb(original), async (event) => {
        const outcome = await h.run(event);
        if (outcome.kind === "other-error") throw outcome.error;
        if (outcome.kind === "policy") {
          // Only the real token can get here, and then only for this API stage.
          for (const s of outcome.result.policyDocument.Statement) {
            expect(s).toMatchObject({ Effect: "Allow", Resource: [`${API_PREFIX}*/*`] });
          }
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("(d) with alternatives in the rules, the policy from any request decides every route as the rules do", async () => {
    let withAnyOf = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(requirementArb, { minLength: ROUTES.length, maxLength: ROUTES.length }),
        someOf([...SCOPES, "aws.cognito.signin.user.admin"]),
        someOf(GROUPS),
        fc.nat(),
        fc.boolean(),
        async (requirements, scopes = [], userGroups = [], pick, asClient) => {
          // A machine client (client_credentials token) carries scopes and never groups.
          const groups = asClient ? [] : userGroups;
          // Arrange: the rules, and a caller's token signed with the harness's real key.
          const rules = ROUTES.map(([route], i) => ({ route, ...requirements[i] }));
          if (rules.some((r) => r.anyOf)) withAnyOf += 1;
          const run = await Harness.start({
            keys: [h.key],
            env: { ROUTE_RULES: JSON.stringify(rules) },
            logLevel: "WARN",
          });
          try {
            const token = signToken(
              h.key,
              asClient
                ? clientCredentialsClaims({ scope: scopes.join(" ") })
                : accessClaims({
                    scope: scopes.join(" "),
                    "cognito:groups": groups.length ? groups : undefined,
                  }),
            );
            const requests = ROUTES.flatMap(([, rs], i) => rs.map((r) => ({ request: r, rule: i })));
            const first = requests[pick % requests.length] as { request: string; rule: number };
            const [method, path] = first.request.split(" ") as [string, string];

            // Act: the request that produced the (cached) policy.
            const outcome = await outcomeOfRun(run, tokenEvent(`Bearer ${token}`, method, path));

            // Assert: that policy, on every request of every route, is the rules' decision.
            const document = outcome.policyDocument;
            for (const { request, rule } of requests) {
              const [m, p] = request.split(" ") as [string, string];
              const expected = oracleAllows(requirements[rule] as Requirement, scopes, groups)
                ? "Allow"
                : "Deny";
              const actual = evaluatePolicy(document, methodArn(m, p)).decision;
              expect({ rules, scopes, groups, first: first.request, request, actual }).toEqual({
                rules,
                scopes,
                groups,
                first: first.request,
                request,
                actual: expected,
              });
            }
          } finally {
            await run.close();
          }
        },
      ),
      { numRuns: 150 },
    );
    expect(withAnyOf).toBeGreaterThan(50);
  });
});

async function outcomeOfRun(
  run: Harness,
  event: unknown,
): Promise<{ policyDocument: Parameters<typeof evaluatePolicy>[0] }> {
  const outcome = await run.run(event);
  if (outcome.kind !== "policy") throw new Error(`expected a policy, got ${outcome.kind}`);
  return outcome.result;
}

// --- (c) for HTTP API payload 2.0 events, both response modes --------------------------------------

function httpApiEventArb(token: string): fc.Arbitrary<unknown> {
  const anything = fc.anything({
    maxDepth: 3,
    withNullPrototype: true,
    withBigInt: true,
    withSparseArray: true,
  });
  // Weighted towards well-formed values, so that some events reach the decision.
  const mostly = <T>(good: fc.Arbitrary<T>, ...bad: fc.Arbitrary<unknown>[]): fc.Arbitrary<unknown> =>
    fc.oneof({ weight: 6, arbitrary: good }, ...bad.map((arbitrary) => ({ weight: 1, arbitrary })));
  const routeKey = mostly(
    fc.constantFrom("GET /items", "$default", "ANY /{proxy+}", "DELETE /items/{id}"),
    fc.string(),
    anything,
  );
  const header = mostly(fc.constant(`Bearer ${token}`), fc.string(), anything);
  return fc
    .record({
      version: mostly(fc.constant("2.0"), fc.constant("1.0"), anything),
      type: mostly(fc.constant("REQUEST"), anything),
      routeArn: mostly(
        fc.constantFrom(
          `${HTTP_API_PREFIX}GET/items`,
          `${HTTP_API_PREFIX}DELETE/items/1`,
          `${API_PREFIX}GET/items`,
        ),
        fc.string(),
        anything,
      ),
      routeKey,
      identitySource: mostly(fc.array(fc.oneof(routeKey, header), { maxLength: 3 }), anything),
      headers: mostly(
        fc.dictionary(fc.constantFrom("authorization", "Authorization", "host"), header, { minKeys: 1 }),
        anything,
      ),
      extra: anything,
      // The route key among the identity source values, as API Gateway sends it with $context.routeKey.
      keyed: fc.boolean(),
    })
    .map(({ keyed, ...event }) =>
      keyed && Array.isArray(event.identitySource)
        ? { ...event, identitySource: [...event.identitySource, event.routeKey] }
        : event,
    );
}

describe.each<Record<string, string>>([
  { EVENT_FORMAT: "http-2.0-simple", ROUTE_KEY_IN_IDENTITY_SOURCE: "true" },
  { EVENT_FORMAT: "http-2.0-iam" },
])("properties of the authorizer for HTTP API events (%j)", (env) => {
  let h: Harness;
  let original: string;

  beforeAll(async () => {
    h = await Harness.start({ env });
    original = signToken(h.key, accessClaims());
  });
  afterAll(() => h.close());

  it("(c) never throws anything but Unauthorized for payload 2.0 shaped events with random fields", async () => {
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(httpApiEventArb(original), async (event) => {
        const outcome = await h.run(event);

        if (outcome.kind === "other-error") throw outcome.error;
        if (outcome.kind === "policy") {
          // Only the real token gets here, and then only for the event's own API stage.
          const routeArn = String((event as { routeArn: unknown }).routeArn);
          const own = [HTTP_API_PREFIX, API_PREFIX].find((p) => routeArn.startsWith(p));
          for (const s of outcome.result.policyDocument.Statement) {
            expect(s).toMatchObject({ Effect: "Allow", Resource: [`${own}*/*`] });
          }
        }
        if (outcome.kind === "simple") expect(typeof outcome.result.isAuthorized).toBe("boolean");
        if (outcome.kind !== "unauthorized") answered += 1;
      }),
      { numRuns: 3000 },
    );
    // The generator does reach the decision, not only the refusals.
    expect(answered).toBeGreaterThan(20);
  });
});
