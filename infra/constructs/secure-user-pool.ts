// A Cognito user pool and one public app client with secure defaults, for an API whose users are
// created by an administrator: no self sign-up, long passwords, optional TOTP, email-only recovery,
// no user-existence oracle, revocable refresh tokens, and short-lived access tokens.
//
// Never rename this construct's id or the ids inside it: the user pool is stateful, and a new
// logical id means CloudFormation creates a new, empty pool (every user and password lost).

import { Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import {
  AccountRecovery,
  CfnUserPoolGroup,
  FeaturePlan,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  UserPool,
  UserPoolClient,
  UserPoolClientIdentityProvider,
  UserPoolDomain,
  UserPoolResourceServer,
} from "aws-cdk-lib/aws-cognito";
import { Construct } from "constructs";
import {
  assertDomainPrefix,
  assertGroupNames,
  assertRedirectUrls,
  assertResourceServerIdentifier,
  assertScopes,
  assertTokenValidities,
} from "./cognito-rules";

/** Lifetime of access and ID tokens unless `accessTokenValidity` says otherwise. */
const DEFAULT_ACCESS_TOKEN_VALIDITY = Duration.minutes(15);
/** Lifetime of refresh tokens unless `refreshTokenValidity` says otherwise. */
const DEFAULT_REFRESH_TOKEN_VALIDITY = Duration.days(1);
/** Scopes the app client allows besides the resource server's: openid and email. */
const BUILT_IN_CLIENT_SCOPES = 2;

/** One OAuth scope of the resource server: `items/read` is `{ name: "read" }` on server `items`. */
export interface ScopeDefinition {
  readonly name: string;
  readonly description: string;
}

export interface SecureUserPoolProps {
  /**
   * Groups to create; their names appear in the tokens' `cognito:groups` claim. Each is 1 to 128
   * letters, digits, marks, symbols or punctuation (no spaces), and unique.
   * @default - no groups
   */
  readonly groups?: readonly string[];

  /**
   * Identifier of the OAuth resource server; scopes are `<identifier>/<name>`. 1 to 256 printable
   * ASCII characters without spaces, `"` or `\`.
   * @default - no resource server, no custom scopes
   */
  readonly resourceServerIdentifier?: string;

  /**
   * Scopes of the resource server, all of them allowed on the app client (at most 48, next to
   * openid and email). Names as the identifier, without `/`; descriptions 1 to 256 characters.
   * Needs `resourceServerIdentifier`.
   * @default - none
   */
  readonly scopes?: readonly ScopeDefinition[];

  /**
   * Allow USER_PASSWORD_AUTH on the app client (the password travels to Cognito, inside TLS).
   * SRP (the password never leaves the client) and refresh are always allowed.
   * @default false - turn it on only for command-line walk-throughs and emulators
   */
  readonly allowUserPasswordAuth?: boolean;

  /**
   * OAuth redirect URLs for the authorization-code grant (with PKCE: the client is public). Cognito's
   * rules, checked at synth: absolute URIs without a fragment, at most 1024 characters each and 100
   * in all; https, or plain http only for localhost, 127.0.0.1 and [::1]; custom schemes such as
   * `myapp://callback` for native apps.
   * @default ["http://localhost:8080/callback"] - plain http, which Cognito accepts only for loopback hosts
   */
  readonly callbackUrls?: readonly string[];

  /**
   * URLs Cognito may redirect to after sign-out: at most 1024 characters each without spaces, and
   * 100 in all (checked at synth; Cognito documents the https and fragment rules for callback URLs only).
   * @default ["http://localhost:8080/"]
   */
  readonly logoutUrls?: readonly string[];

  /**
   * Prefix of a Cognito-hosted domain (`<prefix>.auth.<region>.amazoncognito.com`) for the OAuth
   * endpoints. The prefix is a global name: it must be unique across all AWS accounts in the region,
   * which only the deploy can tell (a taken prefix fails it). Lowercase letters, digits and inner
   * hyphens, 1 to 63 characters, without the reserved words aws, amazon and cognito (checked at synth).
   * @default - no domain: the OAuth grant is configured but has no endpoint until one is added
   */
  readonly domainPrefix?: string;

  /**
   * Lifetime of access and ID tokens. A JWT verifier cannot see revocation, so this (plus the
   * API Gateway authorizer cache TTL) bounds how long a stolen or revoked token keeps working.
   * Whole minutes, from 5 minutes to 1 day, and not longer than `refreshTokenValidity`.
   * @default Duration.minutes(15)
   */
  readonly accessTokenValidity?: Duration;

  /**
   * Lifetime of refresh tokens (revocable: token revocation is enabled). Whole minutes, from 60
   * minutes to 10 years (3650 days).
   * @default Duration.days(1)
   */
  readonly refreshTokenValidity?: Duration;

  /**
   * What CloudFormation does with the pool when it leaves the stack (or the stack is deleted).
   * Deletion protection follows it: ACTIVE only with RETAIN, under which CloudFormation never
   * deletes the pool. With any other policy it stays INACTIVE, because Cognito refuses to delete a
   * protected pool (InvalidParameterException), so a rollback's delete would fail and leave the
   * stack in ROLLBACK_FAILED with the pool behind.
   * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-deletion-protection.html
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html
   * @default RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE - `cdk destroy`, an update that removes or
   * replaces the pool, and every later rollback keep it (its users and password hashes cannot be
   * exported or recreated); the rollback of the create that made it deletes it, while it is still
   * empty. Pass RETAIN once the pool holds users, to also turn on deletion protection
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Also create a confidential app client for machine-to-machine callers: a client secret, the
   * `client_credentials` OAuth grant only, and every scope of the resource server. Its tokens name
   * no user (`sub` is the client id) and carry no groups, so route rules admit it by scope. Needs
   * `resourceServerIdentifier` and `scopes`; the grant is served by the pool's domain (`domainPrefix`).
   * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-define-resource-servers.html
   * @default false - no machine client
   */
  readonly machineClient?: boolean;
}

export class SecureUserPool extends Construct {
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  /** The confidential client_credentials client, when `machineClient` is true. */
  readonly machineClient: UserPoolClient | undefined;
  /** The Cognito-hosted domain of the OAuth endpoints, when `domainPrefix` is set. */
  readonly domain: UserPoolDomain | undefined;
  /** Full scope names (`items/read`) of the resource server, allowed on the client. */
  readonly scopeNames: readonly string[];
  /** Names of the groups created in the pool. */
  readonly groupNames: readonly string[];

  constructor(scope: Construct, id: string, props: SecureUserPoolProps = {}) {
    super(scope, id);
    assertValidProps(props);

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;
    this.userPool = new UserPool(this, "UserPool", {
      // Users are created by an administrator (admin-create-user); nobody signs themselves up.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      standardAttributes: { email: { required: true, mutable: true } },
      autoVerify: { email: true },
      // Length is what resists guessing (NIST SP 800-63B §3.1.1.2); the character classes are
      // kept because the AwsSolutions COG1 rule requires them.
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.ESSENTIALS,
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
    });
    // cdk-nag (AwsSolutions) findings acknowledged for this pool, each with its reason.
    Validations.of(this.userPool).acknowledge(
      {
        id: "AwsSolutions-COG2",
        reason:
          "MFA is OPTIONAL with TOTP by design: users are admin-created and enrol an authenticator " +
          "themselves; requiring MFA would lock out the command-line walk-through and the emulator.",
      },
      {
        id: "AwsSolutions-COG8",
        reason:
          "Threat protection needs the Plus feature plan, a per-user cost the sample does not " +
          "impose; choose featurePlan PLUS (and threat protection) for production pools.",
      },
    );

    this.groupNames = [...(props.groups ?? [])];
    for (const groupName of this.groupNames) {
      new CfnUserPoolGroup(this, `Group-${groupName}`, {
        userPoolId: this.userPool.userPoolId,
        groupName,
        description: `Members appear in cognito:groups as "${groupName}".`,
      });
    }

    const customScopes: OAuthScope[] = [];
    if (props.resourceServerIdentifier !== undefined) {
      const scopes = (props.scopes ?? []).map(
        (s) => new ResourceServerScope({ scopeName: s.name, scopeDescription: s.description }),
      );
      const server = new UserPoolResourceServer(this, "ResourceServer", {
        userPool: this.userPool,
        identifier: props.resourceServerIdentifier,
        scopes,
      });
      customScopes.push(...scopes.map((s) => OAuthScope.resourceServer(server, s)));
    }
    // Literal names for rules and checks; the client itself references the resource server (a
    // CloudFormation dependency, so the scopes exist before the client names them).
    const identifier = props.resourceServerIdentifier;
    this.scopeNames =
      identifier === undefined ? [] : (props.scopes ?? []).map((s) => `${identifier}/${s.name}`);

    this.userPoolClient = this.userPool.addClient("Client", {
      // A public client (browser, CLI, mobile): a secret could not be kept secret there.
      generateSecret: false,
      authFlows: {
        userSrp: true,
        userPassword: props.allowUserPasswordAuth ?? false,
        adminUserPassword: false,
        custom: false,
      },
      oAuth: {
        // Authorization code only (never implicit); PKCE is what makes it safe for a public client.
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, ...customScopes],
        callbackUrls: [...(props.callbackUrls ?? ["http://localhost:8080/callback"])],
        logoutUrls: [...(props.logoutUrls ?? ["http://localhost:8080/"])],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      // Sign-in and recovery answer the same for unknown users as for wrong passwords.
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: props.accessTokenValidity ?? DEFAULT_ACCESS_TOKEN_VALIDITY,
      idTokenValidity: props.accessTokenValidity ?? DEFAULT_ACCESS_TOKEN_VALIDITY,
      refreshTokenValidity: props.refreshTokenValidity ?? DEFAULT_REFRESH_TOKEN_VALIDITY,
      authSessionValidity: Duration.minutes(3),
    });

    this.machineClient =
      props.machineClient === true
        ? this.userPool.addClient("MachineClient", {
            // Confidential: the secret lives on a server, and the grant requires it.
            generateSecret: true,
            authFlows: {},
            oAuth: {
              flows: { authorizationCodeGrant: false, implicitCodeGrant: false, clientCredentials: true },
              scopes: customScopes,
            },
            supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
            preventUserExistenceErrors: true,
            accessTokenValidity: props.accessTokenValidity ?? DEFAULT_ACCESS_TOKEN_VALIDITY,
          })
        : undefined;

    this.domain = undefined;
    if (props.domainPrefix !== undefined) {
      this.domain = new UserPoolDomain(this, "Domain", {
        userPool: this.userPool,
        cognitoDomain: { domainPrefix: props.domainPrefix },
      });
    }
  }
}

/**
 * Cognito's deploy-time rules on the props (cognito-rules.ts, each citing its API reference), so
 * that synth refuses what the deploy would, naming the prop.
 */
function assertValidProps(props: SecureUserPoolProps): void {
  const at = (prop: keyof SecureUserPoolProps): string => `SecureUserPool ${prop}`;
  if (props.callbackUrls !== undefined) {
    assertRedirectUrls(props.callbackUrls, at("callbackUrls"), "callback");
  }
  if (props.logoutUrls !== undefined) {
    assertRedirectUrls(props.logoutUrls, at("logoutUrls"), "logout");
  }
  if (props.domainPrefix !== undefined) {
    assertDomainPrefix(props.domainPrefix, at("domainPrefix"));
  }
  assertTokenValidities(
    props.accessTokenValidity ?? DEFAULT_ACCESS_TOKEN_VALIDITY,
    props.refreshTokenValidity ?? DEFAULT_REFRESH_TOKEN_VALIDITY,
    { accessAndId: at("accessTokenValidity"), refresh: at("refreshTokenValidity") },
  );
  assertGroupNames(props.groups ?? [], at("groups"));
  if (props.resourceServerIdentifier !== undefined) {
    assertResourceServerIdentifier(props.resourceServerIdentifier, at("resourceServerIdentifier"));
    assertScopes(props.scopes ?? [], props.resourceServerIdentifier, at("scopes"), BUILT_IN_CLIENT_SCOPES);
  }
  if (props.machineClient === true && (props.scopes ?? []).length === 0) {
    throw new Error(
      "SecureUserPool machineClient needs scopes: a client_credentials client can only be granted " +
        "custom scopes of a resource server. Pass resourceServerIdentifier and scopes, or drop machineClient.",
    );
  }
  if (props.resourceServerIdentifier === undefined && (props.scopes ?? []).length > 0) {
    throw new Error(
      "SecureUserPool scopes need a resourceServerIdentifier: the scopes are `<identifier>/<name>`. " +
        'Pass resourceServerIdentifier (like "items"), or drop scopes.',
    );
  }
}
