// Several user pools end to end, on the laptop: the sample stack with `-c secondUserPool=true`
// (a second SecureUserPool passed to the authorizer as extraUserPools) and, for contrast, the
// default stack, each synthesized and run by the local stack with its own Cognito emulator. Real
// users created with the AWS SDK in each pool, real sign-ins (InitiateAuth), real HTTP calls.
//
// Always the local stack, also when E2E_OUTPUTS names a deployed stack: the suite needs both
// configurations at once, and the emulator's signing key to mint a token for the wrong client.

import cognitoLocalPrivateKey from "cognito-local/lib/keys/cognitoLocal.private.json";
import { randomUUID } from "node:crypto";
import jwt from "jsonwebtoken";
import { signIn as signInSample } from "../../scripts/lib/sign-in";
import { createUser, signIn } from "../helpers/e2e-users";
import { bearer, call, type E2eTarget, startLocalTarget } from "../helpers/local-stack";

const PASSWORD = `E2e-${randomUUID()}-Aa1!`;

type Claims = Record<string, unknown>;
const claims = (token: string): Claims => jwt.decode(token) as Claims;

/** The token re-signed by the emulator's own key with `changes` applied: what a forger cannot do. */
function resign(token: string, changes: Claims): string {
  return jwt.sign({ ...claims(token), ...changes }, cognitoLocalPrivateKey.pem, {
    algorithm: "RS256",
    keyid: cognitoLocalPrivateKey.jwk.kid,
  });
}

describe("several user pools end to end (secondUserPool)", () => {
  let on: E2eTarget; // -c secondUserPool=true
  let off: E2eTarget; // the default: one pool
  const authorizerLog: string[] = [];

  /** A user of `userPoolId` in `group`, signed in through `clientId`: its access token. */
  async function userToken(
    target: E2eTarget,
    userPoolId: string,
    clientId: string,
    group: string,
  ): Promise<string> {
    const username = await createUser(target.cognito, userPoolId, group, PASSWORD);
    return signIn(target.cognito, clientId, username, PASSWORD);
  }

  const out = (target: E2eTarget, key: string): string => {
    const value = target.outputs[key];
    if (value === undefined) throw new Error(`the local stack has no ${key} output`);
    return value;
  };
  const secondPoolToken = (group: string) =>
    userToken(on, out(on, "SecondUserPoolId"), out(on, "SecondUserPoolClientId"), group);
  const firstPoolToken = (target: E2eTarget, group: string) =>
    userToken(target, out(target, "UserPoolId"), out(target, "UserPoolClientId"), group);
  const identity = (json: unknown) => (json as { identity: Record<string, string> }).identity;
  /** How many of the authorizer's decisions so far gave `reason`. */
  const decisions = (reason: string) =>
    authorizerLog.filter((l) => l.includes(`"reason":"${reason}"`)).length;

  beforeAll(async () => {
    const onLog = (source: string, line: string): void => {
      if (source.includes("Authorizer")) authorizerLog.push(line);
    };
    on = await startLocalTarget({ context: { secondUserPool: "true" }, onLog });
    off = await startLocalTarget({ onLog });
  }, 300_000);

  afterAll(async () => {
    await on?.stop();
    await off?.stop();
  }, 60_000);

  it("runs two emulated pools with the switch on and one without it", () => {
    // The local pool ids follow the template's logical ids: Identity... before SecondIdentity...
    expect(on.outputs["UserPoolId"]).toBe("us-east-1_LocalPool1");
    expect(on.outputs["SecondUserPoolId"]).toBe("us-east-1_LocalPool2");
    expect(on.outputs["SecondUserPoolClientId"]).not.toBe(on.outputs["UserPoolClientId"]);
    expect(off.outputs["SecondUserPoolId"]).toBeUndefined();
    expect(off.outputs["SecondUserPoolClientId"]).toBeUndefined();
  });

  describe("with the switch on", () => {
    it("lets a reader of the second pool read items, and the context names the second pool", async () => {
      // Arrange
      const token = await secondPoolToken("readers");
      // Act
      const me = await call(`${out(on, "ApiUrl")}me`, bearer(token));
      const items = await call(`${out(on, "ApiUrl")}items`, bearer(token));
      const remove = await call(`${out(on, "ApiUrl")}items/1`, { method: "DELETE", ...bearer(token) });
      // Assert
      expect(claims(token)["iss"]).toBe(
        `https://cognito-idp.us-east-1.amazonaws.com/${out(on, "SecondUserPoolId")}`,
      );
      expect(me.status).toBe(200);
      expect(identity(me.json)).toMatchObject({
        callerType: "user",
        userPoolId: out(on, "SecondUserPoolId"),
        clientId: out(on, "SecondUserPoolClientId"),
        groups: "readers",
      });
      expect(items.status).toBe(200);
      // The shared rules: DELETE is for admins, whichever pool the reader comes from.
      expect(remove.status).toBe(403);
    });

    it("lets an admin of the second pool call the admin routes", async () => {
      const token = await secondPoolToken("admins");
      expect((await call(`${out(on, "ApiUrl")}admin/stats`, bearer(token))).status).toBe(200);
    });

    it("still names the first pool for a user of the first pool", async () => {
      const token = await firstPoolToken(on, "readers");
      const me = await call(`${out(on, "ApiUrl")}me`, bearer(token));
      expect(me.status).toBe(200);
      expect(identity(me.json)["userPoolId"]).toBe(out(on, "UserPoolId"));
    });

    it("seeds the sample users into both pools, as different users: npm run token -- reader [--second-pool]", async () => {
      // The path `npm run token -- reader [--second-pool]` takes (scripts/lib/sign-in.ts).
      const outputs = { stackName: on.local!.stackName, values: on.outputs };
      const first = await signInSample(outputs, "reader", "access", "UserPoolClientId");
      const second = await signInSample(outputs, "reader", "access", "SecondUserPoolClientId");
      const meFirst = identity((await call(`${out(on, "ApiUrl")}me`, bearer(first))).json);
      const meSecond = identity((await call(`${out(on, "ApiUrl")}me`, bearer(second))).json);
      expect(meFirst).toMatchObject({ userPoolId: out(on, "UserPoolId"), groups: "readers" });
      expect(meSecond).toMatchObject({ userPoolId: out(on, "SecondUserPoolId"), groups: "readers" });
      expect(meSecond["sub"]).not.toBe(meFirst["sub"]);
    });

    it("refuses a second-pool token carrying the first pool's client id (401, wrong_client)", async () => {
      // Arrange: a real second-pool token, re-signed by the emulator's key with only client_id
      // changed; the same re-signing without the change is accepted, so the client id is the cause.
      const token = await secondPoolToken("readers");
      const unchanged = resign(token, {});
      const forFirstClient = resign(token, { client_id: out(on, "UserPoolClientId") });
      const before = decisions("wrong_client");
      // Act
      const control = await call(`${out(on, "ApiUrl")}me`, bearer(unchanged));
      const refused = await call(`${out(on, "ApiUrl")}me`, bearer(forFirstClient));
      // Assert
      expect(control.status).toBe(200);
      expect(refused.status).toBe(401);
      expect(decisions("wrong_client")).toBe(before + 1);
    });

    it("refuses a first-pool token carrying the second pool's client id (401)", async () => {
      const token = await firstPoolToken(on, "readers");
      const forSecondClient = resign(token, { client_id: out(on, "SecondUserPoolClientId") });
      expect((await call(`${out(on, "ApiUrl")}me`, bearer(forSecondClient))).status).toBe(401);
    });
  });

  describe("with the switch off", () => {
    it("refuses a real token of the second pool (401, wrong_issuer) and accepts its own pool's", async () => {
      // Arrange: the second pool's token from the stack that has it; the default stack runs the
      // same first pool id and the emulator's same key, but was not told about the second pool.
      const token = await secondPoolToken("readers");
      const own = await firstPoolToken(off, "readers");
      const before = decisions("wrong_issuer");
      // Act
      const accepted = await call(`${out(on, "ApiUrl")}me`, bearer(token));
      const refused = await call(`${out(off, "ApiUrl")}me`, bearer(token));
      const ownPool = await call(`${out(off, "ApiUrl")}me`, bearer(own));
      // Assert
      expect(accepted.status).toBe(200);
      expect(refused.status).toBe(401);
      expect(decisions("wrong_issuer")).toBe(before + 1);
      expect(ownPool.status).toBe(200);
      expect(identity(ownPool.json)["userPoolId"]).toBe(out(off, "UserPoolId"));
    });
  });
});
