// infra/constructs/cognito-rules.ts: the values Cognito accepts, checked at synth. Each case names the
// rule of the Cognito API reference it protects (cited in the module beside the check): a value
// accepted here deploys, a value refused here would fail the deploy.

import { Duration } from "aws-cdk-lib";
import {
  assertDomainPrefix,
  assertGroupNames,
  assertRedirectUrl,
  assertRedirectUrls,
  assertResourceServerIdentifier,
  assertScopes,
  assertTokenValidities,
} from "../../infra/constructs/cognito-rules";

const LABEL = "SecureUserPool callbackUrls";

describe("callback and logout URLs (CreateUserPoolClient CallbackURLs / LogoutURLs)", () => {
  it.each([
    ["https is always accepted", "https://app.example.com/callback"],
    ["a query is not a fragment", "https://app.example.com/cb?tenant=a"],
    ["plain http for localhost, with a custom port", "http://localhost:8080/callback"],
    ["plain http for localhost, without a path", "http://localhost"],
    ["plain http for 127.0.0.1", "http://127.0.0.1:3000/cb"],
    ["plain http for [::1]", "http://[::1]:8080/cb"],
    ["a custom scheme for a native app (myapp://example)", "myapp://callback"],
    ["a reverse-domain custom scheme (RFC 8252 §7.1)", "com.example.app:/oauth2redirect"],
    ["exactly 1024 characters", `https://app.example.com/${"a".repeat(1024 - 24)}`],
  ])("accepted: %s", (_rule, url) => {
    // Protects: every URL Cognito accepts still synthesizes (custom schemes were refused before).
    expect(() => assertRedirectUrl(url, LABEL, "callback")).not.toThrow();
  });

  it.each([
    ["no fragment", "https://app.example.com/cb#done", /"https:\/\/app.example.com\/cb#done" has a fragment/],
    ["no fragment, even an empty one", "https://app.example.com/cb#", /has a fragment/],
    ["no fragment, custom schemes included", "myapp://cb#x", /has a fragment/],
    ["https required", "http://example.com/cb", /must be https \(plain http only for localhost\)/],
    ["https required, whatever the scheme's case", "HTTP://example.com/cb", /must be https/],
    ["localhost must be the whole host", "http://localhost.example.com/cb", /must be https/],
    ["only 127.0.0.1 among IPv4 loopback addresses", "http://127.0.0.2/cb", /must be https/],
    ["absolute URI", "/callback", /"\/callback" is not an absolute URI/],
    ["absolute URI (a scheme)", "app.example.com/callback", /is not an absolute URI/],
    ["absolute URI (a host for https)", "https://", /is not an absolute URI/],
    [
      "RedirectUrlType pattern: no spaces",
      "https://app.example.com/a b",
      /contains spaces or control characters/,
    ],
    [
      "RedirectUrlType pattern: no control characters",
      "https://app.example.com/\tb",
      /contains spaces or control characters/,
    ],
    [
      "RedirectUrlType maximum length",
      `https://app.example.com/${"a".repeat(1025 - 24)}`,
      /is 1025 characters; Cognito allows at most 1024/,
    ],
    ["RedirectUrlType minimum length", "", /has an empty entry/],
  ])("refused: %s", (_rule, url, message) => {
    // Protects: a URL Cognito would refuse fails synth, saying what to change.
    expect(() => assertRedirectUrl(url, LABEL, "callback")).toThrow(message);
  });

  it("messages start with the label of where the URL came from", () => {
    // Protects: the user learns which prop or context key to change.
    expect(() => assertRedirectUrl("http://example.com", "Context callbackUrls", "callback")).toThrow(
      /^Context callbackUrls "http:\/\/example.com" must be https/,
    );
  });

  it.each([
    [
      "RedirectUrlType pattern: no spaces",
      "https://app.example.com/signed out",
      /contains spaces or control characters/,
    ],
    ["RedirectUrlType maximum length", `https://app.example.com/${"a".repeat(1001)}`, /is 1025 characters/],
    ["RedirectUrlType minimum length", "", /has an empty entry/],
  ])("logout URL refused: %s", (_rule, url, message) => {
    // Protects: the limits of the type Cognito documents for LogoutURLs hold for logout URLs too.
    expect(() => assertRedirectUrl(url, "SecureUserPool logoutUrls", "logout")).toThrow(message);
  });

  it.each([
    ["plain http to any host", "http://app.example.com/signed-out"],
    ["a fragment", "https://app.example.com/#signed-out"],
    ["a custom scheme (the logout endpoint's own example)", "com.myclientapp://myclient/logout"],
  ])("logout URL not refused for %s: Cognito documents those rules for callback URLs only", (_rule, url) => {
    // Protects: synth does not refuse logout URLs for rules the reference states only for CallbackURLs.
    expect(() => assertRedirectUrl(url, "SecureUserPool logoutUrls", "logout")).not.toThrow();
  });

  it.each([
    ["100 URLs per list", 100, "callback" as const, null],
    [
      "at most 100 callback URLs",
      101,
      "callback" as const,
      /lists 101 URLs; Cognito allows at most 100 per app client/,
    ],
    ["at most 100 logout URLs", 101, "logout" as const, /lists 101 URLs/],
    [
      "the code grant needs a callback URL",
      0,
      "callback" as const,
      /is empty: the app client's authorization-code grant needs at least one/,
    ],
    ["no logout URL is fine", 0, "logout" as const, null],
  ])("%s", (_rule, count, kind, message) => {
    // Protects: the list limits of CallbackURLsListType / LogoutURLsListType.
    const urls = Array.from({ length: count }, (_, i) => `https://app.example.com/${i}`);
    const check = () => assertRedirectUrls(urls, LABEL, kind);
    if (message === null) expect(check).not.toThrow();
    else expect(check).toThrow(message);
  });
});

describe("domain prefix (CreateUserPoolDomain Domain, reserved words)", () => {
  it.each([
    ["letters and inner hyphens", "my-app-auth"],
    ["one character", "a"],
    ["digits", "0-9"],
    ["63 characters", "a".repeat(63)],
  ])("accepted: %s", (_rule, prefix) => {
    // Protects: valid prefixes still synthesize.
    expect(() => assertDomainPrefix(prefix, "SecureUserPool domainPrefix")).not.toThrow();
  });

  it.each([
    ["pattern", "My_Domain", /"My_Domain" must be lowercase letters, digits and hyphens, 1 to 63 characters/],
    ["no leading hyphen", "-auth", /must be lowercase letters/],
    ["no trailing hyphen", "auth-", /must be lowercase letters/],
    ["no dots in a prefix", "my.auth", /must be lowercase letters/],
    ["at most 63 characters", "a".repeat(64), /must be lowercase letters/],
    ["at least one character", "", /must be lowercase letters/],
    ["reserved word aws", "my-aws-auth", /"my-aws-auth" contains "aws", which Cognito reserves/],
    ["reserved word amazon, inside a longer word", "amazonian-shop", /contains "amazon"/],
    ["reserved word cognito, without a separator", "newcognito", /contains "cognito"/],
    ["reserved words count anywhere in the prefix", "laws-firm", /contains "aws"/],
  ])("refused: %s", (_rule, prefix, message) => {
    // Protects: a prefix CreateUserPoolDomain would refuse fails synth, saying what to change.
    expect(() => assertDomainPrefix(prefix, "SecureUserPool domainPrefix")).toThrow(message);
  });
});

describe("token validity (TokenValidityUnitsType ranges)", () => {
  const labels = { accessAndId: "accessTokenValidity", refresh: "refreshTokenValidity" };

  it.each([
    ["both minimums", Duration.minutes(5), Duration.minutes(60)],
    ["access as long as refresh", Duration.days(1), Duration.days(1)],
    ["refresh at 10 years", Duration.minutes(15), Duration.days(3650)],
    ["access at 1 day", Duration.hours(24), Duration.days(3650)],
  ])("accepted: %s", (_rule, access, refresh) => {
    // Protects: the whole documented range deploys.
    expect(() => assertTokenValidities(access, refresh, labels)).not.toThrow();
  });

  it.each([
    [
      "access minimum",
      Duration.minutes(4),
      Duration.days(1),
      /accessTokenValidity is 4 minutes; Cognito accepts 5 minutes to 1 day for access and ID tokens/,
    ],
    [
      "access maximum",
      Duration.hours(25),
      Duration.days(30),
      /accessTokenValidity is 1 day 1 hour; Cognito accepts 5 minutes to 1 day/,
    ],
    [
      "refresh minimum",
      Duration.minutes(15),
      Duration.minutes(59),
      /refreshTokenValidity is 59 minutes; Cognito accepts 60 minutes to 10 years \(3650 days\) for refresh tokens/,
    ],
    [
      "refresh maximum (10 years)",
      Duration.minutes(15),
      Duration.days(3651),
      /refreshTokenValidity is 3651 days; Cognito accepts 60 minutes to 10 years/,
    ],
    [
      "access not longer than refresh",
      Duration.hours(2),
      Duration.hours(1),
      /accessTokenValidity \(2 hours\) is longer than refreshTokenValidity \(1 hour\)/,
    ],
    [
      "whole minutes",
      Duration.seconds(330),
      Duration.days(1),
      /accessTokenValidity is 5 minutes 30 seconds; it must be a whole number of minutes/,
    ],
  ])("refused: %s", (_rule, access, refresh, message) => {
    // Protects: lifetimes Cognito (or the minute-based client settings) would refuse fail synth.
    expect(() => assertTokenValidities(access, refresh, labels)).toThrow(message);
  });
});

describe("group names (CreateGroup GroupName)", () => {
  it.each([
    [
      "letters, marks, symbols, digits, punctuation, up to 128",
      ["admins", "read-only", "Über:team/α", "a".repeat(128)],
    ],
    ["no groups", []],
  ])("accepted: %s", (_rule, names) => {
    // Protects: names Cognito accepts still synthesize, the same ones a rule may name.
    expect(() => assertGroupNames(names, "SecureUserPool groups")).not.toThrow();
  });

  it.each([
    ["no spaces", ["two words"], /entry "two words" is not a Cognito group name/],
    ["no control characters", ["tab\there"], /is not a Cognito group name/],
    ["at least one character", [""], /entry "" is not a Cognito group name/],
    ["at most 128 characters", ["a".repeat(129)], /is not a Cognito group name: 1 to 128/],
    ["unique in a pool", ["admins", "readers", "admins"], /lists "admins" twice/],
  ])("refused: %s", (_rule, names, message) => {
    // Protects: a group CreateGroup would refuse fails synth.
    expect(() => assertGroupNames(names, "SecureUserPool groups")).toThrow(message);
  });
});

describe("resource server identifier and scopes (CreateResourceServer, ResourceServerScopeType)", () => {
  const scope = (name: string, description = "A scope") => ({ name, description });

  it.each([
    ["a short name", "items"],
    ["a URL", "https://api.example.com"],
    ["256 characters", "a".repeat(256)],
  ])("identifier accepted: %s", (_rule, identifier) => {
    // Protects: identifiers Cognito accepts still synthesize.
    expect(() => assertResourceServerIdentifier(identifier, "resourceServerIdentifier")).not.toThrow();
  });

  it.each([
    ["no spaces", "has space"],
    ['no "', 'q"uote'],
    ["no backslash", "back\\slash"],
    ["printable ASCII only", "é"],
    ["at least one character", ""],
    ["at most 256 characters", "a".repeat(257)],
  ])("identifier refused: %s", (_rule, identifier) => {
    // Protects: an identifier CreateResourceServer would refuse fails synth.
    expect(() => assertResourceServerIdentifier(identifier, "resourceServerIdentifier")).toThrow(
      /is not a resource server identifier: 1 to 256 printable ASCII characters/,
    );
  });

  const many = (n: number) => Array.from({ length: n }, (_, i) => scope(`s${i}`));

  it.each([
    { rule: "plain names", scopes: [scope("read"), scope("write")] },
    { rule: "a wildcard-looking name is just a name", scopes: [scope("*")] },
    { rule: "48 scopes next to openid and email", scopes: many(48) },
    { rule: "items/ + 250 = 256 characters in the client's scope list", scopes: [scope("a".repeat(250))] },
    { rule: "a 256-character description", scopes: [scope("read", "d".repeat(256))] },
  ])("scopes accepted: $rule", ({ scopes }) => {
    // Protects: scopes Cognito accepts still synthesize.
    expect(() => assertScopes(scopes, "items", "scopes", 2)).not.toThrow();
  });

  it.each([
    {
      rule: "no / in a scope name",
      scopes: [scope("items/read")],
      message: /scopes\[0\] name "items\/read" is not a scope name/,
    },
    { rule: "no spaces", scopes: [scope("re ad")], message: /is not a scope name/ },
    { rule: "at least one character", scopes: [scope("")], message: /is not a scope name/ },
    {
      rule: "identifier/name at most 256 characters",
      scopes: [scope("a".repeat(251))],
      message: /makes the scope "items\/a+…", 257 characters; Cognito allows at most 256/,
    },
    {
      rule: "description required",
      scopes: [scope("read", "")],
      message: /scopes\[0\] \("read"\) description is 0 characters; Cognito needs 1 to 256/,
    },
    {
      rule: "description at most 256 characters",
      scopes: [scope("read", "d".repeat(257))],
      message: /description is 257 characters/,
    },
    {
      rule: "AllowedOAuthScopes at most 50",
      scopes: many(49),
      message:
        /lists 49 scopes, and the app client allows all of them next to 2 others; Cognito allows at most 50 per app client, so list at most 48/,
    },
    {
      rule: "at most 100 per resource server",
      scopes: many(101),
      message: /lists 101 scopes; a Cognito resource server has at most 100/,
    },
  ])("scopes refused: $rule", ({ scopes, message }) => {
    // Protects: a scope CreateResourceServer or CreateUserPoolClient would refuse fails synth.
    expect(() => assertScopes(scopes, "items", "scopes", 2)).toThrow(message);
  });
});
