// What the authorizer writes to its log, over the whole hostile table plus valid requests: one
// decision line per request with a known reason code, and never a token, a signature segment or an
// Authorization header value (STYLE.md point 5).

import { REASONS } from "../../lambda/authorizer/errors";
import { Logger } from "@aws-lambda-powertools/logger";
import { Harness, LogCapture, requestEvent, tokenEvent } from "../helpers/harness";
import { accessClaims, generateTestKey, signToken } from "../../tools/issuer";
import { JwksServer } from "../../tools/jwks-server";
import { HOSTILE_CASES, type HostileContext } from "./cases";

/** Strings too short to be a credential could match by chance (e.g. "Bearer", a path). */
const MIN_SECRET_LENGTH = 17;

/**
 * Every credential-like string an event carries: each string leaf (except the methodArn, whose
 * method and path are logged on purpose), each whitespace/comma-separated piece of it, and each
 * dot-separated segment of those pieces (the signature segment among them).
 */
function secretsOf(event: unknown, depth = 0): Set<string> {
  const found = new Set<string>();
  const add = (s: string): void => {
    if (s.length >= MIN_SECRET_LENGTH) found.add(s);
  };
  if (typeof event === "string") {
    add(event);
    for (const piece of event.split(/[\s,]+/)) {
      add(piece);
      for (const segment of piece.split(".")) add(segment);
    }
  } else if (typeof event === "object" && event !== null && depth < 8) {
    for (const [key, value] of Object.entries(event)) {
      if (key === "methodArn") continue;
      for (const s of secretsOf(value, depth + 1)) found.add(s);
    }
  }
  return found;
}

/** The secrets (first 40 characters) that appear in the captured log text. */
function leaksIn(text: string, secrets: ReadonlySet<string>): string[] {
  return [...secrets].filter((s) => text.includes(s)).map((s) => s.slice(0, 40));
}

describe("decision log over hostile and valid requests", () => {
  let h: Harness;
  let attackerServer: JwksServer;
  const secrets = new Set<string>();
  const perRun: { name: string; decisions: Record<string, unknown>[] }[] = [];

  beforeAll(async () => {
    const attacker = generateTestKey("attacker-key");
    h = await Harness.start();
    attackerServer = await JwksServer.start([attacker.jwk]);
    const ctx: HostileContext = { key: h.key, attacker, attackerUrl: attackerServer.url };

    const valid = (): string => `Bearer ${signToken(h.key, accessClaims())}`;
    const runs: { name: string; event: unknown; allowed: boolean }[] = [
      ...HOSTILE_CASES.map((c) => ({ name: c.name, event: c.event(ctx), allowed: false })),
      { name: "valid TOKEN", event: tokenEvent(valid()), allowed: true },
      {
        name: "valid TOKEN, lowercase scheme",
        event: tokenEvent(valid().replace("Bearer", "bearer")),
        allowed: true,
      },
      {
        name: "valid REQUEST, lowercase header",
        event: requestEvent({ authorization: valid() }),
        allowed: true,
      },
      {
        name: "valid REQUEST, headers and multiValueHeaders",
        event: (() => {
          const v = valid();
          return requestEvent({ AUTHORIZATION: v }, { Authorization: [v] }, "DELETE", "/items/7");
        })(),
        allowed: true,
      },
    ];
    for (const run of runs) {
      for (const s of secretsOf(run.event)) secrets.add(s);
      const outcome = await h.run(run.event);
      // The log is only meaningful if the decisions are the expected ones.
      expect({ name: run.name, kind: outcome.kind }).toEqual({
        name: run.name,
        kind: run.allowed ? "policy" : "unauthorized",
      });
      perRun.push({ name: run.name, decisions: h.logs.decisions() });
    }
  });
  afterAll(async () => {
    await h.close();
    await attackerServer.stop();
  });

  it("captured a log for every request, and has credentials to look for", () => {
    expect(perRun).toHaveLength(HOSTILE_CASES.length + 4);
    expect(h.logs.history.join("").length).toBeGreaterThan(0);
    // Sanity: the secret list does hold full header values, tokens and signature segments.
    expect(secrets.size).toBeGreaterThan(3 * HOSTILE_CASES.length);
  });

  it("writes exactly one decision line per request, each with a reason from REASONS", () => {
    for (const { name, decisions } of perRun) {
      expect({ name, count: decisions.length }).toEqual({ name, count: 1 });
      expect(REASONS).toContain(decisions[0]?.reason);
    }
    const allLines = h.logs.history
      .join("")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(allLines.filter((l) => l.message === "authorizer decision")).toHaveLength(perRun.length);
    expect(perRun.filter((r) => r.decisions[0]?.reason === "allowed")).toHaveLength(4);
  });

  it("never contains a token, a signature segment or an Authorization header value", () => {
    expect(leaksIn(h.logs.history.join(""), secrets)).toEqual([]);
  });

  it("would notice a leak: the same capture and scan find a header that a logger did write", () => {
    // The check above is only as good as its capture of Powertools output and its list of secrets.
    // Write a leak through a real Powertools Logger into the same capture and scan it the same way.
    const event = tokenEvent(`Bearer ${signToken(h.key, accessClaims())}`);
    const header = (event as { authorizationToken: string }).authorizationToken;
    const capture = new LogCapture();
    capture.start();
    try {
      new Logger({ serviceName: "leaky" }).info("careless", { authorization: header });
    } finally {
      capture.stop();
    }
    const leaked = leaksIn(capture.history.join(""), secretsOf(event));
    // The whole token, and on its own the signature segment, are both caught.
    expect(leaked).toContain(header.slice("Bearer ".length).slice(0, 40));
    expect(leaked).toContain((header.split(".")[2] as string).slice(0, 40));
  });
});
