// IAM glob intersection: the overlap analysis's cheap pre-check. A wrong "no" here would let a Deny
// glob (the unlisted-route guards use `?`) slip past the check that it denies no listed request.
import { globsIntersect } from "../../lambda/authorizer/iam-glob";

describe("globsIntersect", () => {
  it.each<[string, string, boolean]>([
    ["GET/items/*", "GET/items/1", true],
    ["GET/items/*", "POST/items/1", false],
    // `?` is one character on either side (IAM resource wildcards).
    ["GET/?*/?*", "GET/a/a/a", true],
    ["GET/a/a/a", "GET/?*/?*", true],
    ["GET/?", "GET/ab", false],
    ["GET/??", "GET/ab", true],
    ["GET/items/?*/?*", "GET/items/*", true],
    ["GET/items/?*/?*", "GET/items", false],
  ])("%s and %s: %s", (a, b, expected) => {
    expect(globsIntersect(a, b)).toBe(expected);
  });
});
