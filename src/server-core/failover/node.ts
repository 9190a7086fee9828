import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { sendError } from "../http/errors.js";
import type { LicenseService } from "../license-service.js";
import type { PolicyService } from "../policy/policy-service.js";
import type { StatusPair } from "../status/snapshot.js";
import type { Store } from "../store.js";
import { backupNode } from "./backup-node.js";
import type { FailoverConfig } from "./config.js";
import { mainNode } from "./main-node.js";
import { hasSyncSecret } from "./protocol.js";

export interface FailoverContext {
  config: FailoverConfig;
  secret: string;
  service: LicenseService;
  policy: PolicyService;
  store: Store;
  logger: Logger;
  /** this server's own URL, known once it listens */
  selfUrl(): string;
}

/** What server.ts needs of either side of a pair. */
export interface FailoverNode {
  role: "main" | "backup";
  inFailover(): boolean;
  pair(): StatusPair;
  /** runs before the server listens */
  prepare(): Promise<void>;
  /** starts background work once the server listens */
  start(): void;
  stop(): Promise<void>;
}

/** Sets up this server's side of a failover pair: routes, the backup's gate and its sync loop. */
export function setUpFailover(app: FastifyInstance, context: FailoverContext): FailoverNode {
  requireSyncSecret(app, context.secret);
  return context.config.role === "main" ? mainNode(app, context) : backupNode(app, context);
}

function requireSyncSecret(app: FastifyInstance, secret: string): void {
  app.addHook("onRequest", async (request, reply) => {
    if (!request.url.startsWith("/api/1.0/failover/")) return undefined;
    if (!hasSyncSecret(request.headers.authorization, secret))
      return sendError(reply, 401, "SYNC_AUTH_REQUIRED", "The pair's sync secret is required");
    return undefined;
  });
}
