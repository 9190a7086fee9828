import type { FastifyInstance } from "fastify";
import { sendError } from "../http/errors.js";
import type { StatusPair } from "../status/snapshot.js";
import { afterPull, INITIAL_BACKUP_STATE, type BackupState } from "./backup-state.js";
import { loadMirroredPools, saveMirroredPools } from "./mirror-store.js";
import type { FailoverContext, FailoverNode } from "./node.js";
import { peerCaller } from "./peer.js";
import type { PolicySnapshot } from "../policy/policy-snapshot.js";
import { SYNC_HANDOVER_PATH, SYNC_STATE_PATH, type SyncState } from "./protocol.js";

/** The backup of a pair: mirrors its main, serves while the main is down, hands back after. */
export function backupNode(app: FastifyInstance, context: FailoverContext): FailoverNode {
  const { service, policy, store, config, logger } = context;
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
    if (isLicenseOrPolicyChange(request.method, request.url))
      return sendError(
        reply,
        409,
        "BACKUP_READ_ONLY",
        `This is a backup server: change licenses and policies on the main (${config.peer}); the backup takes them on its next sync`,
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
    if (main.policy) await adoptPolicy(main.policy);
    lastSyncAt = service.now();
  };

  // A policy the backup cannot take (an LDAP server it cannot reach, say) leaves it with the
  // last one it took; pools and leases are mirrored all the same.
  const adoptPolicy = async (snapshot: PolicySnapshot) => {
    try {
      if (await policy.adopt(snapshot, `main server ${config.peer}`))
        logger.info({ main: config.peer }, "took the main server's policies");
    } catch (error) {
      logger.error(
        { err: error, main: config.peer },
        "cannot take the main server's policies; keeping the last ones taken",
      );
    }
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

/** Licenses are the main's: the backup neither changes them nor answers for them. */
const LICENSE_ROUTES = ["/api/1.0/admin/activations", "/api/1.0/admin/offline"];
/** Policies are the main's too: the backup shows them but takes changes only through its sync. */
const POLICY_ROUTES = [
  "/api/1.0/admin/reservations",
  "/api/1.0/admin/model",
  "/api/1.0/admin/access",
];

function isLicenseOrPolicyChange(method: string, url: string): boolean {
  const under = (prefix: string) =>
    url.startsWith(prefix) && /^($|[/?])/.test(url.slice(prefix.length));
  if (LICENSE_ROUTES.some(under)) return true;
  return method !== "GET" && method !== "HEAD" && POLICY_ROUTES.some(under);
}
