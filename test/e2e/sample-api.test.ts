// The sample API end to end: real users created with the AWS SDK, real sign-in (InitiateAuth),
// real HTTP calls. Locally: the synthesized app (one synth per run) behind the local API Gateway
// with cognito-local. With E2E_OUTPUTS=cdk-outputs.json: the deployed stack and its Cognito pool
// (admin calls use default AWS credentials); tests that need emulator internals are skipped.

import {
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
  NotAuthorizedException,
} from "@aws-sdk/client-cognito-identity-provider";
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import jwt from "jsonwebtoken";
import { writeOutputsFile } from "../../infra/local/stack";
import { clientCredentialsToken, TokenEndpointError } from "../../scripts/lib/client-token";
import { createUser as createPoolUser, signIn as signInUser } from "../helpers/e2e-users";
import { bearer, call, type E2eTarget, isLocal, REPO_ROOT, startTarget } from "../helpers/local-stack";

const itLocal = isLocal ? it : it.skip;
const PASSWORD = `E2e-${randomUUID()}-Aa1!`;

describe("sample API end to end", () => {
  let target: E2eTarget;
  let api: string;
  let userPoolId: string;
  let clientId: string;
  const createdUsers: string[] = [];
  const createdClients: string[] = [];

  async function createUser(group: string | undefined): Promise<string> {
    const username = await createPoolUser(target.cognito, userPoolId, group, PASSWORD);
    createdUsers.push(username);
    return username;
  }

  const signIn = (username: string, appClientId = clientId): Promise<string> =>
    signInUser(target.cognito, appClientId, username, PASSWORD);

  const claims = (token: string) => jwt.decode(token) as Record<string, unknown>;

  beforeAll(async () => {
    target = await startTarget();
    api = target.outputs["ApiUrl"] as string;
    userPoolId = target.outputs["UserPoolId"] as string;
    clientId = target.outputs["UserPoolClientId"] as string;
  }, 300_000);

  afterAll(async () => {
    if (target === undefined) return;
    // A deployed pool keeps what the suite created unless it is removed.
    for (const username of createdUsers) {
      await target.cognito
        .send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: username }))
        .catch(() => undefined);
    }
    for (const id of createdClients) {
      await target.cognito
        .send(new DeleteUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: id }))
        .catch(() => undefined);
    }
    await target.stop();
  }, 60_000);

  describe("a signed-in reader", () => {
    let token: string;
    beforeAll(async () => {
      token = await signIn(await createUser("readers"));
    });

    it("gets 200 on GET /me with its own identity in the body", async () => {
      const res = await call(`${api}me`, bearer(token));
      expect(res.status).toBe(200);
      const identity = (res.json as { identity: Record<string, unknown> }).identity;
      expect(identity["principalId"]).toBe(claims(token)["sub"]);
      expect(identity["sub"]).toBe(claims(token)["sub"]);
      expect(String(identity["groups"])).toContain("readers");
    });

    it("gets 200 on the routes readers may call", async () => {
      expect((await call(`${api}items`, bearer(token))).status).toBe(200);
      expect((await call(`${api}items/1`, bearer(token))).status).toBe(200);
    });

    it("gets 403 on admin routes", async () => {
      expect((await call(`${api}admin/stats`, bearer(token))).status).toBe(403);
      expect((await call(`${api}items/1`, { ...bearer(token), method: "DELETE" })).status).toBe(403);
    });
  });

  // API Gateway routes /items/ to /items. A first request with the trailing slash used to get a
  // stage-wide Deny, cached for the TTL; a reader's cached Allow must still not reach DELETE.
  it("gives a reader whose first request has a trailing slash the same answers as without it", async () => {
    // Arrange
    const token = await signIn(await createUser("readers"));
    // Act
    const statuses = [];
    for (const route of ["items/", "items", "items/1/", "items/1"]) {
      statuses.push((await call(`${api}${route}`, bearer(token))).status);
    }
    statuses.push((await call(`${api}items/1/`, { ...bearer(token), method: "DELETE" })).status);
    // Assert
    expect(statuses).toEqual([200, 200, 200, 200, 403]);
  });

  it("lets an admin call the admin routes", async () => {
    const token = await signIn(await createUser("admins"));
    expect((await call(`${api}admin/stats`, bearer(token))).status).toBe(200);
  });

  describe("401", () => {
    it("without a token", async () => {
      const res = await call(`${api}me`);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toContain("Bearer");
    });

    it("with garbage", async () => {
      expect((await call(`${api}me`, bearer("garbage"))).status).toBe(401);
      expect((await call(`${api}me`, { headers: { Authorization: "garbage" } })).status).toBe(401);
    });

    itLocal("with an expired token signed by the emulator's key", async () => {
      // Arrange: a token that is valid in every way except its expiry
      const real = claims(await signIn(await createUser("readers")));
      const key = JSON.parse(
        readFileSync(
          path.join(REPO_ROOT, "node_modules/cognito-local/lib/keys/cognitoLocal.private.json"),
          "utf8",
        ),
      ) as { pem: string };
      const now = Math.floor(Date.now() / 1000);
      const expired = jwt.sign(
        { ...real, iat: now - 7200, auth_time: now - 7200, exp: now - 3600 },
        key.pem,
        {
          algorithm: "RS256",
          keyid: "CognitoLocal",
        },
      );
      // Act / Assert
      expect((await call(`${api}me`, bearer(expired))).status).toBe(401);
    });

    it("with a token for another app client of the same pool", async () => {
      const other = await target.cognito.send(
        new CreateUserPoolClientCommand({
          UserPoolId: userPoolId,
          ClientName: `e2e-other-${randomUUID().slice(0, 8)}`,
          ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        }),
      );
      const otherClientId = other.UserPoolClient?.ClientId as string;
      createdClients.push(otherClientId);
      const token = await signIn(await createUser("readers"), otherClientId);
      expect(claims(token)["client_id"]).toBe(otherClientId);
      expect((await call(`${api}me`, bearer(token))).status).toBe(401);
    });
  });

  itLocal("invokes the authorizer once for many requests across routes with one token (cache)", async () => {
    // Arrange
    const token = await signIn(await createUser("admins"));
    const stats = target.local!.gateway.stats;
    const before = stats.authorizerInvocations;
    // Act
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      for (const route of ["me", "items", "admin/stats", `admin/reports/${i}`]) {
        statuses.push((await call(`${api}${route}`, bearer(token))).status);
      }
    }
    // Assert
    expect(new Set(statuses)).toEqual(new Set([200]));
    expect(stats.authorizerInvocations).toBe(before + 1);
  });

  describe("a machine client (client_credentials)", () => {
    // The stack's confidential client: its secret read with DescribeUserPoolClient, its token from
    // the TokenEndpoint output (locally the emulator's token endpoint; deployed, the pool domain's).
    const machine = (scope?: string) =>
      clientCredentialsToken(
        { stackName: "sample", values: target.outputs },
        scope === undefined ? {} : { scope },
      );

    it("reads items with the items/read scope (200) and is told apart from a user in /me", async () => {
      // Arrange
      const token = await machine("items/read");
      // Act
      const items = await call(`${api}items`, bearer(token));
      const me = await call(`${api}me`, bearer(token));
      // Assert
      expect(items.status).toBe(200);
      expect(me.status).toBe(200);
      expect((me.json as { identity: Record<string, unknown> }).identity).toMatchObject({
        callerType: "client",
        username: "",
        sub: target.outputs["MachineClientId"],
        clientId: target.outputs["MachineClientId"],
        scope: "items/read",
        groups: "",
      });
    });

    it("is refused writing without the items/write scope (403) and allowed with it", async () => {
      const reader = await machine("items/read");
      const writer = await machine("items/write");
      const post = (token: string) =>
        call(`${api}items`, {
          method: "POST",
          headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
          body: JSON.stringify({ name: "from a machine" }),
        });
      expect((await post(reader)).status).toBe(403);
      expect((await post(writer)).status).toBe(201);
      // Scopes never stand in for groups: DELETE is for the admins group only.
      expect((await call(`${api}items/1`, { method: "DELETE", ...bearer(writer) })).status).toBe(403);
    });

    it("cannot obtain a token with a scope it was not granted, nor with a wrong secret", async () => {
      await expect(machine("items/delete")).rejects.toEqual(new TokenEndpointError(400, "invalid_scope"));
      await expect(machine("openid")).rejects.toEqual(new TokenEndpointError(400, "invalid_scope"));
      await expect(
        clientCredentialsToken(
          { stackName: "sample", values: target.outputs },
          { credentials: { clientId: target.outputs["MachineClientId"] as string, secret: "wrong" } },
        ),
      ).rejects.toEqual(new TokenEndpointError(400, "invalid_client"));
    });

    itLocal("invokes the authorizer once for a machine token across routes (cache)", async () => {
      // Arrange
      const token = await machine();
      const stats = target.local!.gateway.stats;
      const before = stats.authorizerInvocations;
      // Act
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        for (const route of ["me", "items", `items/${i}`, "admin/stats"]) {
          statuses.push((await call(`${api}${route}`, bearer(token))).status);
        }
      }
      // Assert: allowed by scope where the rules say so, denied on the admins' routes, one invocation.
      expect(statuses.filter((s) => s === 403)).toHaveLength(4);
      expect(statuses.every((s) => s === 403 || s === 200 || s === 404)).toBe(true);
      expect(stats.authorizerInvocations).toBe(before + 1);
    });
  });

  it("refuses a disabled user's fresh sign-in", async () => {
    const username = await createUser("readers");
    await signIn(username);
    await target.cognito.send(new AdminDisableUserCommand({ UserPoolId: userPoolId, Username: username }));
    await expect(signIn(username)).rejects.toBeInstanceOf(NotAuthorizedException);
  });

  it("answers an unknown route with the stack's MISSING_AUTHENTICATION_TOKEN response, without a token", async () => {
    // The sample stack customises it to 404 {"message":"Not Found"} (API Gateway's default is 403).
    const res = await call(`${api}no-such-route`);
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ message: "Not Found" });
  });

  itLocal(
    "npm run invoke -- --local runs the events with the stack's sample users and its rules",
    async () => {
      // The same sample events as the throwaway-issuer mode, but the tokens come from real sign-ins
      // against the emulator and ROUTE_RULES from the synthesized template (group rules).
      const dir = mkdtempSync(path.join(os.tmpdir(), "invoke-local-"));
      try {
        const outputsFile = path.join(dir, "local-outputs.json");
        writeOutputsFile(outputsFile, target.local as NonNullable<E2eTarget["local"]>);
        const files = [
          "events/token-valid.json",
          "events/token-forbidden-route-reader-deletes.json",
          "events/token-admin-deletes.json",
          "events/token-id-token-where-access-expected.json",
        ];
        const tsx = path.join(REPO_ROOT, "node_modules", ".bin", "tsx");
        const args = ["scripts/invoke.ts", "--local", "--outputs", outputsFile];
        const { stdout } = await promisify(execFile)(
          tsx,
          [...args, "--cdk-out", target.cdkOutDirectory as string, ...files],
          { cwd: REPO_ROOT, env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "" } },
        );
        const answers = [...stdout.matchAll(/^API Gateway answers: (\d{3})/gm)].map((m) => m[1]);
        expect(answers).toEqual(["200", "403", "200", "401"]);
        expect(stdout).toContain('"groups": "admins"');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
