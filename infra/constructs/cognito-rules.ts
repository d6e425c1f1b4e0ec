// Values Amazon Cognito accepts, checked where they enter (SecureUserPool's props, infra/app.ts's
// context), so that synth refuses what CloudFormation would otherwise fail halfway through a deploy.
// Each rule cites the API reference it follows; each message names the value and what to change.
// A value that is a token (unknown until deploy, e.g. a CfnParameter) is not checked here.

import { Duration, Token } from "aws-cdk-lib";
import { GROUP_NAME } from "../../lambda/authorizer/route-rule-validation";

/** Messages show at most this much of a long value. */
const SHOWN = 80;

function show(value: string): string {
  return JSON.stringify(value.length > SHOWN ? `${value.slice(0, SHOWN)}…` : value);
}

// ---------------------------------------------------------------------------------------------
// Callback and logout URLs of an app client (CallbackURLs, LogoutURLs).
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html#CognitoUserPools-CreateUserPoolClient-request-CallbackURLs
//   "A redirect URI must: be an absolute URI; [...] not include a fragment component. Amazon Cognito
//   requires HTTPS over HTTP except for callback URLs to http://localhost, http://127.0.0.1 and
//   http://[::1]. [...] You can specify custom TCP ports. App callback URLs such as myapp://example
//   are also supported." Each URL (RedirectUrlType): 1 to 1024 characters matching
//   [\p{L}\p{M}\p{S}\p{N}\p{P}]+; each list (CallbackURLsListType, LogoutURLsListType): at most 100.
// (Quoted as in the service model of @aws-sdk/client-cognito-identity-provider 3.1169; the
// constraints as in its RedirectUrlType, CallbackURLsListType and LogoutURLsListType shapes.)
// LogoutURLs are RedirectUrlType lists too, but the reference states the absolute-URI, fragment and
// https rules for CallbackURLs only (the logout endpoint's own example is a custom scheme,
// https://docs.aws.amazon.com/cognito/latest/developerguide/logout-endpoint.html): logout URLs are
// held to the type's limits, not to rules Cognito does not document for them.

/** Cognito's limits on one redirect URL and on the list of an app client. */
export const REDIRECT_URL_LIMITS = { maxLength: 1024, maxCount: 100 } as const;

/** RedirectUrlType's pattern: letters, marks, symbols, digits, punctuation; no spaces or controls. */
const REDIRECT_URL_CHARACTERS = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u;
/** RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), ended by ":". */
const URI_SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
/** The plain-http URLs Cognito accepts: the three loopback hosts, any port (schemes are case-insensitive, RFC 3986 §3.1). */
const HTTP_LOOPBACK = /^http:\/\/(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?(?:[/?]|$)/i;

/**
 * Callback URLs: every rule above, and at least one (the app client's code grant needs one).
 * Logout URLs: RedirectUrlType's limits only, and possibly none.
 */
export type RedirectUrlKind = "callback" | "logout";

/**
 * A list of callback or logout URLs as Cognito accepts it, or an Error whose message starts with
 * `label` (`Context callbackUrls`, `SecureUserPool logoutUrls`).
 */
export function assertRedirectUrls(urls: readonly string[], label: string, kind: RedirectUrlKind): void {
  if (urls.length > REDIRECT_URL_LIMITS.maxCount) {
    throw new Error(
      `${label} lists ${urls.length} URLs; Cognito allows at most ${REDIRECT_URL_LIMITS.maxCount} per app client.`,
    );
  }
  if (kind === "callback" && urls.length === 0) {
    throw new Error(
      `${label} is empty: the app client's authorization-code grant needs at least one callback URL, ` +
        "such as https://app.example.com/callback.",
    );
  }
  for (const url of urls) assertRedirectUrl(url, label, kind);
}

/** One callback or logout URL as Cognito accepts it (see above). */
export function assertRedirectUrl(url: string, label: string, kind: RedirectUrlKind): void {
  if (Token.isUnresolved(url)) return;
  if (url === "") throw new Error(`${label} has an empty entry: remove it (a stray comma?).`);
  if (url.length > REDIRECT_URL_LIMITS.maxLength) {
    throw new Error(
      `${label} ${show(url)} is ${url.length} characters; Cognito allows at most ${REDIRECT_URL_LIMITS.maxLength}.`,
    );
  }
  if (!REDIRECT_URL_CHARACTERS.test(url)) {
    throw new Error(
      `${label} ${show(url)} contains spaces or control characters, which Cognito refuses: ` +
        "percent-encode them (a space is %20).",
    );
  }
  if (kind === "logout") return;
  const scheme = URI_SCHEME.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined || !URL.canParse(url)) {
    throw new Error(
      `${label} ${show(url)} is not an absolute URI: Cognito needs the scheme and the rest, like ` +
        "https://app.example.com/callback, or myapp://callback for a native app.",
    );
  }
  if (url.includes("#")) {
    throw new Error(
      `${label} ${show(url)} has a fragment (#…), which Cognito refuses in a redirect URI ` +
        "(RFC 6749 §3.1.2): remove it from the URL.",
    );
  }
  if (scheme === "http" && !HTTP_LOOPBACK.test(url)) {
    throw new Error(
      `${label} ${show(url)} must be https (plain http only for localhost): Cognito accepts http only ` +
        "for http://localhost, http://127.0.0.1 and http://[::1] (any port), for testing. Use https://, " +
        "or a custom scheme such as myapp://callback for a native app.",
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Prefix of a Cognito-hosted domain (`<prefix>.auth.<region>.amazoncognito.com`).
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolDomain.html#CognitoUserPools-CreateUserPoolDomain-request-Domain
//   Domain: 1 to 63 characters, pattern ^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$
// Reserved words: CreateUserPoolDomain answers "InvalidParameterException: Domain cannot contain
// reserved word: aws" (likewise amazon, cognito) for a prefix that contains one anywhere, as in
// "newcognito" or "aws-content-analysis-…"; the API reference does not list them. Reported in
// https://github.com/aws-amplify/amplify-cli/issues/3854 and
// https://github.com/aws-solutions/content-analysis-on-aws/issues/8, and checked against the API in
// https://github.com/awslabs/nx-plugin-for-aws/pull/693.
// https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-assign-domain-prefix.html
// Uniqueness: a prefix is global per region across all AWS accounts; synth cannot know which are
// taken. A taken prefix fails the deploy ("Domain already associated with another user pool").

/** DomainType's pattern: lowercase letters, digits and inner hyphens, 1 to 63 characters. */
const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Words Cognito refuses anywhere in a domain prefix. */
export const RESERVED_DOMAIN_WORDS = ["aws", "amazon", "cognito"] as const;

/** A Cognito domain prefix as Cognito accepts it (global uniqueness is checked only at deploy). */
export function assertDomainPrefix(prefix: string, label: string): void {
  if (Token.isUnresolved(prefix)) return;
  if (!DOMAIN_PREFIX.test(prefix)) {
    throw new Error(
      `${label} ${show(prefix)} must be lowercase letters, digits and hyphens, 1 to 63 characters, ` +
        'not starting or ending with a hyphen (Cognito\'s domain pattern), like "my-app-auth".',
    );
  }
  const reserved = RESERVED_DOMAIN_WORDS.find((word) => prefix.includes(word));
  if (reserved !== undefined) {
    throw new Error(
      `${label} ${show(prefix)} contains "${reserved}", which Cognito reserves (${RESERVED_DOMAIN_WORDS.join(", ")} ` +
        "may not appear anywhere in a prefix): choose a prefix without it.",
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Token lifetimes of an app client.
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_TokenValidityUnitsType.html
//   "AccessTokenValidity duration can range from five minutes to one day." (IdTokenValidity: the
//   same.) "RefreshTokenValidity duration can range from 60 minutes to 10 years." (RefreshTokenValidity,
//   in seconds: at most 315360000, i.e. 3650 days.)
// Access and ID tokens may not outlive the refresh token. The API reference does not say so; the
// Terraform AWS provider's description of ID token validity does ("Cannot be greater than refresh
// token expiration", quoted in https://github.com/lgallard/terraform-aws-cognito-user-pool/issues/68)
// and aws-cdk-lib's UserPoolClient refuses it (configureTokenValidity); equal is accepted by both.
// SecureUserPool sets the lifetimes in minutes (TokenValidityUnits), so they must be whole minutes.

/** Cognito's ranges for token lifetimes. */
export const TOKEN_VALIDITY_RANGES = {
  accessAndId: { min: Duration.minutes(5), max: Duration.days(1), text: "5 minutes to 1 day" },
  refresh: {
    min: Duration.minutes(60),
    max: Duration.days(3650),
    text: "60 minutes to 10 years (3650 days)",
  },
} as const;

/** Labels that name the two settings in messages. */
export interface TokenValidityLabels {
  readonly accessAndId: string;
  readonly refresh: string;
}

/** Access/ID and refresh token lifetimes as Cognito accepts them, set in whole minutes. */
export function assertTokenValidities(
  accessAndId: Duration,
  refresh: Duration,
  labels: TokenValidityLabels,
): void {
  assertInRange(accessAndId, TOKEN_VALIDITY_RANGES.accessAndId, labels.accessAndId, "access and ID tokens");
  assertInRange(refresh, TOKEN_VALIDITY_RANGES.refresh, labels.refresh, "refresh tokens");
  if (accessAndId.toMilliseconds() > refresh.toMilliseconds()) {
    throw new Error(
      `${labels.accessAndId} (${accessAndId.toHumanString()}) is longer than ${labels.refresh} ` +
        `(${refresh.toHumanString()}): Cognito refuses access and ID tokens that outlive the refresh ` +
        "token. Shorten the one or lengthen the other.",
    );
  }
}

function assertInRange(
  value: Duration,
  range: { readonly min: Duration; readonly max: Duration; readonly text: string },
  label: string,
  what: string,
): void {
  const ms = value.toMilliseconds();
  if (ms < range.min.toMilliseconds() || ms > range.max.toMilliseconds()) {
    throw new Error(`${label} is ${value.toHumanString()}; Cognito accepts ${range.text} for ${what}.`);
  }
  if (ms % 60_000 !== 0) {
    throw new Error(
      `${label} is ${value.toHumanString()}; it must be a whole number of minutes (the app client ` +
        "sets token lifetimes in minutes), like Duration.minutes(15).",
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Group names.
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateGroup.html#CognitoUserPools-CreateGroup-request-GroupName
//   GroupName: 1 to 128 characters, pattern [\p{L}\p{M}\p{S}\p{N}\p{P}]+; "Must be unique."
// The pattern is the authorizer's own (GROUP_NAME), so a group the pool creates is one a rule can name.

/** Group names as CreateGroup accepts them, each once. */
export function assertGroupNames(names: readonly string[], label: string): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (Token.isUnresolved(name)) continue;
    if (!GROUP_NAME.test(name)) {
      throw new Error(
        `${label} entry ${show(name)} is not a Cognito group name: 1 to 128 letters, digits, marks, ` +
          "symbols or punctuation, without spaces or control characters.",
      );
    }
    if (seen.has(name)) {
      throw new Error(`${label} lists ${show(name)} twice; group names are unique in a user pool.`);
    }
    seen.add(name);
  }
}

// ---------------------------------------------------------------------------------------------
// Resource server and its scopes.
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateResourceServer.html
//   Identifier: 1 to 256 characters, pattern [\x21\x23-\x5B\x5D-\x7E]+ (printable ASCII without
//   space, `"` and `\`); Scopes: at most 100.
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ResourceServerScopeType.html
//   ScopeName: 1 to 256 characters, pattern [\x21\x23-\x2E\x30-\x5B\x5D-\x7E]+ (the same, without
//   "/"); ScopeDescription: 1 to 256 characters.
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html#CognitoUserPools-CreateUserPoolClient-request-AllowedOAuthScopes
//   AllowedOAuthScopes: at most 50 entries, each (`identifier/name`) 1 to 256 characters.

const RESOURCE_SERVER_IDENTIFIER = /^[\x21\x23-\x5b\x5d-\x7e]{1,256}$/;
const SCOPE_NAME = /^[\x21\x23-\x2e\x30-\x5b\x5d-\x7e]{1,256}$/;

/** Cognito's limits on a resource server's scopes and on the scopes one app client may allow. */
export const SCOPE_LIMITS = {
  maxPerResourceServer: 100,
  maxPerAppClient: 50,
  maxFullNameLength: 256,
  maxDescriptionLength: 256,
} as const;

/** A resource server identifier as CreateResourceServer accepts it. */
export function assertResourceServerIdentifier(identifier: string, label: string): void {
  if (Token.isUnresolved(identifier)) return;
  if (!RESOURCE_SERVER_IDENTIFIER.test(identifier)) {
    throw new Error(
      `${label} ${show(identifier)} is not a resource server identifier: 1 to 256 printable ASCII ` +
        'characters without spaces, " or \\, like "items" or "https://api.example.com".',
    );
  }
}

/**
 * The scopes of a resource server, all of them allowed on one app client next to
 * `otherClientScopes` (openid, email, ...): names, descriptions and counts as Cognito accepts them.
 */
export function assertScopes(
  scopes: readonly { readonly name: string; readonly description: string }[],
  identifier: string,
  label: string,
  otherClientScopes: number,
): void {
  if (scopes.length > SCOPE_LIMITS.maxPerResourceServer) {
    throw new Error(
      `${label} lists ${scopes.length} scopes; a Cognito resource server has at most ${SCOPE_LIMITS.maxPerResourceServer}.`,
    );
  }
  const clientMax = SCOPE_LIMITS.maxPerAppClient - otherClientScopes;
  if (scopes.length > clientMax) {
    throw new Error(
      `${label} lists ${scopes.length} scopes, and the app client allows all of them next to ` +
        `${otherClientScopes} others; Cognito allows at most ${SCOPE_LIMITS.maxPerAppClient} per app client, so list at most ${clientMax}.`,
    );
  }
  for (const [index, { name, description }] of scopes.entries()) {
    if (Token.isUnresolved(name)) continue;
    if (!SCOPE_NAME.test(name)) {
      throw new Error(
        `${label}[${index}] name ${show(name)} is not a scope name: 1 to 256 printable ASCII characters ` +
          'without spaces, ", \\ or / (the server identifier and "/" are added), like "read".',
      );
    }
    const fullName = `${identifier}/${name}`;
    if (!Token.isUnresolved(identifier) && fullName.length > SCOPE_LIMITS.maxFullNameLength) {
      throw new Error(
        `${label}[${index}] makes the scope ${show(fullName)}, ${fullName.length} characters; Cognito ` +
          `allows at most ${SCOPE_LIMITS.maxFullNameLength} for "identifier/name": shorten the name or the identifier.`,
      );
    }
    if (
      !Token.isUnresolved(description) &&
      (description.length === 0 || description.length > SCOPE_LIMITS.maxDescriptionLength)
    ) {
      throw new Error(
        `${label}[${index}] (${show(name)}) description is ${description.length} characters; Cognito ` +
          `needs 1 to ${SCOPE_LIMITS.maxDescriptionLength}.`,
      );
    }
  }
}
