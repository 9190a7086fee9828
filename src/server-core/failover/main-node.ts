import type { FastifyInstance } from "fastify";
import { sendValidationError } from "../http/errors.js";
import type { StatusPair } from "../status/snapshot.js";
import type { FailoverConfig } from "./config.js";
import type { FailoverContext, FailoverNode } from "./node.js";
import { peerCaller } from "./peer.js";
import { handoverSchema, SYNC_HANDOVER_PATH, SYNC_STATE_PATH, type SyncState } from "./protocol.js";

/** The main of a pair: answers its backup's pulls and handovers, asks it for leases on start. */
export function mainNode(app: FastifyInstance, context: FailoverContext): FailoverNode {
  const { service, policy, config, logger } = context;
  let lastPullAt: number | undefined;
  const peer = peerCaller(context);

  app.get(SYNC_STATE_PATH, async () => {
    lastPullAt = service.now();
    const state: SyncState = {
      generatedAt: service.now(),
      inFailover: false,
      pools: [...service.pools()],
      leases: service.liveLeases(),
      policy: policy.snapshot(),
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
