import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { Agent, request, type Dispatcher } from "undici";
import { sendError, sendValidationError } from "../http/errors.js";
import type { LicenseService } from "../license-service.js";
import type { StatusPair } from "../status/snapshot.js";
import type { Store } from "../store.js";
import { afterPull, INITIAL_BACKUP_STATE, type BackupState } from "./backup-state.js";
import type { FailoverConfig } from "./config.js";
import { loadMirroredPools, saveMirroredPools } from "./mirror-store.js";
import {
  handoverSchema,
  hasSyncSecret,
  SYNC_HANDOVER_PATH,
  SYNC_STATE_PATH,
  syncAuthorization,
  syncStateSchema,
  toPool,
  type SyncState,
} from "./protocol.js";

export interface FailoverContext {
  config: FailoverConfig;
  secret: string;
  service: LicenseService;
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

/** Calls the other server of the pair with the shared secret; any non-200 answer throws. */
function peerCaller(context: FailoverContext) {
  const { config } = context;
  const timeoutMs = Math.max(1000, config.syncSeconds * 1000);
  const connect: Record<string, unknown> = { timeout: timeoutMs };
  if (config.peerCaFile !== undefined) connect["ca"] = readFileSync(config.peerCaFile);
  const dispatcher: Dispatcher = new Agent({
    connect,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const call = async (method: "GET" | "POST", path: string, body?: unknown): Promise<unknown> => {
    const response = await request(`${config.peer}${path}`, {
      method,
      dispatcher,
      headers: {
        authorization: syncAuthorization(context.secret),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.body.text();
    if (response.statusCode !== 200)
      throw new Error(`${method} ${path} answered ${response.statusCode}: ${text.slice(0, 200)}`);
    return JSON.parse(text) as unknown;
  };
  const pull = async (): Promise<SyncState> => {
    const parsed = syncStateSchema.parse(await call("GET", SYNC_STATE_PATH));
    return { ...parsed, pools: parsed.pools.map(toPool) };
  };
  return { call, pull, close: () => dispatcher.close() };
}

function mainNode(app: FastifyInstance, context: FailoverContext): FailoverNode {
  const { service, config, logger } = context;
  let lastPullAt: number | undefined;
  const peer = peerCaller(context);

  app.get(SYNC_STATE_PATH, async () => {
    lastPullAt = service.now();
    const state: SyncState = {
      generatedAt: service.now(),
      inFailover: false,
      pools: [...service.pools()],
      leases: service.liveLeases(),
    };
    return state;
  });

  app.post(SYNC_HANDOVER_PATH, async (request, reply) => {
    const parsed = handoverSchema.safeParse(request.body ?? {});
    if (!parsed.success) return sendValidationError(reply, parsed.error);
    const merged = await service.mergeLeases(parsed.data.leases, parsed.data.failoverSince);
    logger.info(merged, "took over the leases the backup served during failover");
    return merged;
  });

  return {
    role: "main",
    inFailover: () => false,
    pair: () => {
      const pair: StatusPair = {
        main: context.selfUrl(),
        backup: config.peer,
        peerUp: lastPullAt !== undefined && service.now() - lastPullAt <= syncWindowMs(config),
      };
      if (lastPullAt !== undefined) pair.lastSyncAt = new Date(lastPullAt).toISOString();
      return pair;
    },
    // Coming back after an outage: take the backup's leases before serving anyone, so no
    // seat it granted meanwhile is granted again here. A backup that is down is no reason
    // not to start.
    prepare: async () => {
      try {
        const backup = await peer.pull();
        if (!backup.inFailover || backup.failoverSince === undefined) return;
        const merged = await service.mergeLeases(backup.leases, backup.failoverSince);
        logger.info(merged, "took the backup's failover leases before serving");
      } catch (error) {
        logger.warn({ err: error, backup: config.peer }, "could not ask the backup for its leases");
      }
    },
    start: () => undefined,
    stop: () => peer.close(),
  };
}

/** A main counts its backup as up while pulls arrive about as often as configured. */
function syncWindowMs(config: FailoverConfig): number {
  return config.syncSeconds * 1000 * (config.failoverAfterFailures + 1);
}

function backupNode(app: FastifyInstance, context: FailoverContext): FailoverNode {
  const { service, store, config, logger } = context;
  let state: BackupState = INITIAL_BACKUP_STATE;
  let failoverSince: number | undefined;
  let lastSyncAt: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const { call, pull, close } = peerCaller(context);

  const mirrored = loadMirroredPools(store);
  if (mirrored) {
    service.adoptState(mirrored.pools, store.loadLeases());
    lastSyncAt = mirrored.syncedAt;
  }

  // the main asks this when it starts again, to take the leases granted here meanwhile
  app.get(SYNC_STATE_PATH, async () => {
    const answer: SyncState = {
      generatedAt: service.now(),
      inFailover: state.mode === "failover",
      failoverSince,
      pools: [...service.pools()],
      leases: service.liveLeases(),
    };
    return answer;
  });

  // While the main serves, a backup answers no lease call: clients go on to the main.
  app.addHook("onRequest", async (request, reply) => {
    const leaseCall = request.url.startsWith("/api/1.0/leases") && request.method !== "GET";
    const adminChange =
      request.url.startsWith("/api/1.0/admin/activations") ||
      request.url.startsWith("/api/1.0/admin/offline");
    if (adminChange)
      return sendError(
        reply,
        409,
        "BACKUP_READ_ONLY",
        `This is a backup server: change licenses on the main (${config.peer})`,
      );
    if (leaseCall && state.mode === "standby")
      return sendError(
        reply,
        503,
        "BACKUP_STANDBY",
        `This backup serves only while its main (${config.peer}) is down`,
      );
    return undefined;
  });

  const adopt = async (main: SyncState) => {
    service.adoptState(main.pools, main.leases);
    await store.replaceLeases(main.leases);
    await saveMirroredPools(store, config.peer, main.pools, service.now());
    lastSyncAt = service.now();
  };

  const tick = async () => {
    let main: SyncState | undefined;
    try {
      main = await pull();
    } catch (error) {
      logger.debug({ err: error }, "main server did not answer the sync pull");
    }
    const next = afterPull(state, main !== undefined, config.failoverAfterFailures);
    // stand by before handing over, so no lease is granted here that the handover misses
    state = next.state;
    if (next.action === "enter-failover") {
      failoverSince = service.now();
      const resumed = await service.resumeLeases();
      logger.warn(
        { main: config.peer, leases: service.liveLeases().length, resumed },
        "main server is unreachable: this backup now serves checkouts (failover)",
      );
    } else if (main && next.action === "handover-then-adopt") {
      try {
        const result = await call("POST", SYNC_HANDOVER_PATH, {
          failoverSince: failoverSince ?? 0,
          leases: service.liveLeases(),
        });
        logger.info({ main: config.peer, result }, "main server is back: leases handed over");
        main = await pull();
      } catch (error) {
        // still serving: the main is not fully back yet
        state = { mode: "failover", consecutiveFailures: 0 };
        logger.warn({ err: error }, "handing leases back to the main failed; retrying");
        return;
      }
      await adopt(main);
      failoverSince = undefined;
    } else if (main && next.action === "adopt") {
      await adopt(main);
    }
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick()
        .catch((error: unknown) => logger.error({ err: error }, "failover sync failed"))
        .finally(schedule);
    }, config.syncSeconds * 1000);
  };

  return {
    role: "backup",
    inFailover: () => state.mode === "failover",
    pair: () => {
      const pair: StatusPair = {
        main: config.peer,
        backup: context.selfUrl(),
        peerUp: state.consecutiveFailures === 0 && lastSyncAt !== undefined,
      };
      if (lastSyncAt !== undefined) pair.lastSyncAt = new Date(lastSyncAt).toISOString();
      return pair;
    },
    prepare: async () => undefined,
    start: () => {
      running = tick()
        .catch((error: unknown) => logger.error({ err: error }, "failover sync failed"))
        .finally(schedule);
    },
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
      await close();
    },
  };
}
