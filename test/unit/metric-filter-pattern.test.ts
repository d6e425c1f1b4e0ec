// The JSON filter pattern matcher (test/helpers/metric-filter-pattern.ts) judges whether the
// monitoring's metric filters select the authorizer's log lines, so it is tested on its own against
// the examples of the CloudWatch Logs documentation, "Filter pattern syntax", section "Matching terms
// in JSON log events":
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html

import { matchesJsonFilterPattern, UnsupportedPatternError } from "../helpers/metric-filter-pattern";

// The page's first example event.
const EVENT = JSON.stringify({
  eventType: "UpdateTrail",
  sourceIPAddress: "111.111.111.111",
  arrayKey: ["value", "another value"],
  objectList: [
    { name: "a", id: 1 },
    { name: "b", id: 2 },
  ],
  SomeObject: null,
  ThisFlag: true,
});

// The page's example for compound conditions.
const COMPOUND = JSON.stringify({
  user: { id: 1, email: "John.Stiles@example.com" },
  users: [
    { id: 2, email: "John.Doe@example.com" },
    { id: 3, email: "Jane.Doe@example.com" },
  ],
  actions: ["GET", "PUT", "DELETE"],
  coordinates: [
    [0, 1, 2],
    [4, 5, 6],
    [7, 8, 9],
  ],
});

describe("the documentation's examples", () => {
  it.each([
    '{ $.eventType = "UpdateTrail" }',
    "{ $.sourceIPAddress != 123.123.* }",
    '{ $.arrayKey[0] = "value" }',
    "{ $.objectList[1].id = 2 }",
    "{ $.SomeObject IS NULL }",
    "{ $.SomeOtherObject NOT EXISTS }",
    "{ $.ThisFlag IS TRUE }",
  ])("%s matches the example event", (pattern) => {
    expect(matchesJsonFilterPattern(pattern, EVENT)).toBe(true);
  });

  it.each([
    // The same conditions, turned so that each must fail: proves none of the above matches by accident.
    '{ $.eventType = "UpdateTrai" }',
    "{ $.sourceIPAddress != 111.111.* }",
    '{ $.arrayKey[1] = "value" }',
    "{ $.objectList[0].id = 2 }",
    "{ $.eventType IS NULL }",
    "{ $.SomeObject NOT EXISTS }",
    "{ $.ThisFlag IS FALSE }",
  ])("%s does not match the example event", (pattern) => {
    expect(matchesJsonFilterPattern(pattern, EVENT)).toBe(false);
  });

  it.each([
    ['{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', true],
    ['{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }', false],
    // Precedence () > && > ||: this is A || (B && C), so A alone makes it match ...
    [
      '{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }',
      true,
    ],
    // ... and with the parentheses moved it is (A || B) && C, which fails on C.
    [
      '{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch) && $.actions[2] = nomatch }',
      false,
    ],
  ])("compound %s: %s", (pattern, expected) => {
    expect(matchesJsonFilterPattern(pattern, COMPOUND)).toBe(expected);
  });

  it.each([
    ["{$.foo = bar}", '{"foo": "bar"}', true],
    ["{$.foo = baz }", '{"foo": "bar"}', false],
    ["{$.foo = bar || $.foo = baz }", '{"foo": "bar"}', true],
    ["{$.foo = bar || $.foo = baz }", '{"foo": "baz"}', true],
  ])("OR matching: %s against %s is %s", (pattern, event, expected) => {
    expect(matchesJsonFilterPattern(pattern, event)).toBe(expected);
  });

  it.each([
    ["*Event", "PutEvent", true],
    ["*Event", "GetEvent", true],
    ["Event*", "EventId", true],
    ["Event*", "EventName", true],
    ["Event*", "PutEvent", false],
    // An inner asterisk is literal: Ev*ent only matches the string Ev*ent.
    ["Ev*ent", "Event", false],
    ["Ev*ent", "Ev*ent", true],
  ])("wildcard %s against %s is %s", (value, actual, expected) => {
    expect(matchesJsonFilterPattern(`{ $.name = "${value}" }`, JSON.stringify({ name: actual }))).toBe(
      expected,
    );
  });

  it("a selector that points to an array matches neither = nor !=", () => {
    const event = JSON.stringify({ users: [1, 2, 3] });
    expect(matchesJsonFilterPattern("{ $.users = 1 }", event)).toBe(false);
    expect(matchesJsonFilterPattern("{ $.users != 1 }", event)).toBe(false);
  });

  it.each([
    ["{ $.latency >= 500 }", { latency: 500 }, true],
    ["{ $.latency >= 500 }", { latency: 499 }, false],
    ["{ $.numbers[0] < 10e3 }", { numbers: [9999] }, true],
    ["{ $.numbers[0] < 10e-3 }", { numbers: [0.01] }, false],
    [
      "{ $.processes[4].averageRuntime <= 55.5 }",
      { processes: [{}, {}, {}, {}, { averageRuntime: 55.5 }] },
      true,
    ],
    ["{ $.errorCode = 400 }", { errorCode: 400 }, true],
    ["{ $.errorCode != 500 }", { errorCode: 400 }, true],
    ["{ $.errorCode != 500 }", { errorCode: 500 }, false],
    ["{ $.latency > +1000 }", { latency: 1000 }, false],
    ["{ $.latency = * }", { latency: 50 }, true],
  ])("numeric %s against %j is %s", (pattern, event, expected) => {
    expect(matchesJsonFilterPattern(pattern, JSON.stringify(event))).toBe(expected);
  });
});

describe("what the metric filters rely on", () => {
  it("string equality is exact and case-sensitive", () => {
    const event = JSON.stringify({ message: "authorizer decision" });
    expect(matchesJsonFilterPattern('{ $.message = "authorizer decision" }', event)).toBe(true);
    expect(matchesJsonFilterPattern('{ $.message = "Authorizer decision" }', event)).toBe(false);
    expect(matchesJsonFilterPattern('{ $.message = "authorizer" }', event)).toBe(false);
  });

  it("a missing property never matches a string condition", () => {
    expect(matchesJsonFilterPattern('{ $.reason = "expired" }', "{}")).toBe(false);
  });

  it("a line that is not JSON never matches", () => {
    expect(matchesJsonFilterPattern('{ $.reason = "expired" }', 'START RequestId: 1 "expired"')).toBe(false);
  });

  it.each(["ERROR", '"authorizer decision"', "[ip, user, status_code = 4*]", "{ $.a = }", "{ ($.a = 1 }"])(
    "refuses %s instead of guessing",
    (pattern) => {
      expect(() => matchesJsonFilterPattern(pattern, "{}")).toThrow(UnsupportedPatternError);
    },
  );
});
