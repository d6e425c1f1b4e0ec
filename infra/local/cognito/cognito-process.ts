// The Cognito emulator's child process: cognito-local 5.3.0's server, with two corrections.
//
// Wired as cognito-local's createDefaultServer does. Run by cognito-emulator.ts (with tsx), cwd = the
// folder that holds `.cognito/`.
//
// 1. cognito-local signs in disabled users; Cognito answers NotAuthorizedException "User is
//    disabled." (AdminDisableUser: "Users who are disabled can't sign in"). Without this, the
//    end-to-end test for a disabled user's sign-in would pass against AWS and fail locally.
//    https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminDisableUser.html
// 2. cognito-local ignores the app client's ExplicitAuthFlows; Cognito refuses USER_PASSWORD_AUTH
//    unless the client allows it, so a client deployed without it fails locally too.
//
// Environment in: COGNITO_PORT (0 picks one), COGNITO_HOST, COGNITO_LOG_LEVEL (default "error").
// IPC out: { type: "ready", port } | { type: "listen-error", code, message }.

import * as AWS from "aws-sdk";
import { InvalidParameterError, NotAuthorizedError } from "cognito-local/lib/errors";
import { loadConfig } from "cognito-local/lib/server/config";
import { Router } from "cognito-local/lib/server/Router";
import { createServer } from "cognito-local/lib/server/server";
import {
  DateClock,
  LambdaService,
  MessagesService,
  type Services,
  TriggersService,
} from "cognito-local/lib/services";
import { CognitoServiceFactoryImpl } from "cognito-local/lib/services/cognitoService";
import { CryptoService } from "cognito-local/lib/services/crypto";
import { StormDBDataStoreFactory } from "cognito-local/lib/services/dataStore/stormDb";
import { ConsoleMessageSender } from "cognito-local/lib/services/messageDelivery/consoleMessageSender";
import { MessageDeliveryService } from "cognito-local/lib/services/messageDelivery/messageDelivery";
import { otp } from "cognito-local/lib/services/otp";
import { JwtTokenGenerator } from "cognito-local/lib/services/tokenGenerator";
import { UserPoolServiceFactoryImpl } from "cognito-local/lib/services/userPoolService";
import type { AddressInfo } from "node:net";
import pino from "pino";

const send = (message: object): void => {
  if (process.connected) process.send?.(message);
};

// The parent going away (Ctrl-C, a crashed test run) takes the emulator with it.
process.on("disconnect", () => process.exit(0));

async function main(): Promise<void> {
  const logger = pino({ level: process.env["COGNITO_LOG_LEVEL"] ?? "error" });
  const ctx = { logger };
  const config = await loadConfig(ctx, new StormDBDataStoreFactory(".cognito"));
  config.ServerConfig = {
    ...config.ServerConfig,
    port: Number(process.env["COGNITO_PORT"] ?? 9229),
    hostname: process.env["COGNITO_HOST"] ?? "127.0.0.1",
  };

  const clock = new DateClock();
  const dataStoreFactory = new StormDBDataStoreFactory(".cognito/db");
  const cognito = await new CognitoServiceFactoryImpl(
    ".cognito/db",
    dataStoreFactory,
    new UserPoolServiceFactoryImpl(clock, dataStoreFactory),
  ).create(ctx, config.UserPoolDefaults);
  const triggers = new TriggersService(
    clock,
    cognito,
    new LambdaService(config.TriggerFunctions, new AWS.Lambda(config.LambdaClient)),
    new CryptoService(config.KMSConfig),
  );
  const services: Services = {
    clock,
    cognito,
    config,
    messages: new MessagesService(triggers, new MessageDeliveryService(new ConsoleMessageSender())),
    otp,
    tokenGenerator: new JwtTokenGenerator(clock, triggers, config.TokenConfig),
    triggers,
  };

  const router = Router(services);
  const correctedRouter: typeof router = (target) => {
    const route = router(target);
    if (target !== "InitiateAuth" && target !== "AdminInitiateAuth") return route;
    return async (
      routeCtx,
      req: { ClientId?: string; AuthFlow?: string; AuthParameters?: { USERNAME?: string } },
    ) => {
      if (target === "InitiateAuth" && req.AuthFlow === "USER_PASSWORD_AUTH" && req.ClientId !== undefined) {
        const client = await cognito.getAppClient(routeCtx, req.ClientId);
        const flows = client?.ExplicitAuthFlows ?? [];
        if (client && !flows.includes("ALLOW_USER_PASSWORD_AUTH") && !flows.includes("USER_PASSWORD_AUTH")) {
          throw new InvalidParameterError("USER_PASSWORD_AUTH flow not enabled for this client");
        }
      }
      const username = req.AuthParameters?.USERNAME;
      if (req.ClientId !== undefined && username !== undefined) {
        const pool = await cognito.getUserPoolForClientId(routeCtx, req.ClientId).catch(() => undefined);
        const user = await pool?.getUserByUsername(routeCtx, username);
        if (user?.Enabled === false) throw new NotAuthorizedError("User is disabled.");
      }
      return (await route(routeCtx, req)) as unknown;
    };
  };

  try {
    const server = await createServer(correctedRouter, logger, config.ServerConfig, services).start();
    send({ type: "ready", port: (server.address() as AddressInfo).port });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    send({ type: "listen-error", code: e.code ?? "UNKNOWN", message: e.message });
    process.exit(1);
  }
}

main().catch((err: unknown) => {
  send({ type: "listen-error", code: "INIT", message: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
