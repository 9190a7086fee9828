import { readFileSync } from "node:fs";
import Fastify, { type FastifyInstance } from "fastify";
import { pino, type Logger } from "pino";
import { VERSION } from "../cli/version.js";
import { AdminAccess } from "./admin-access.js";
import type { ServerConfig } from "./config.js";
import { loadEntitlements, type Entitlement } from "./entitlements.js";
import { registerAdminRoutes } from "./http/admin-routes.js";
import { sendError } from "./http/errors.js";
import { registerLeaseRoutes } from "./http/lease-routes.js";
import { registerManagerRoutes } from "./http/manager-routes.js";
import { registerUiRoutes } from "./http/ui-routes.js";
import { registerPolicyRoutes } from "./http/policy-routes.js";
import { LicenseFileError, parseLicenseFile, type LicenseFile } from "./license-file.js";
import { setUpFailover, type FailoverNode } from "./failover/node.js";
import { readSyncSecret } from "./failover/secret.js";
import { buildLicenseList } from "./list-licenses.js";
import { registerListenSettingsRoutes, storedListenAddress } from "./listen-settings.js";
import { readPublicKey } from "./offline/keys.js";
import { serverIdentity } from "./offline/requests-store.js";
import { registerOfflineRoutes } from "./offline/routes.js";
import { OfflineUpdates } from "./offline/updates.js";
import { LicenseService } from "./license-service.js";
import { poolsFromLicenseFiles } from "./pools.js";
import { PolicyService } from "./policy/policy-service.js";
import { featureRows } from "./manager-views.js";
import { buildSnapshot } from "./snapshot.js";
import { UsageHistory, usageByFeature } from "./usage-history.js";
import type { StatusSnapshot } from "./status/snapshot.js";
import { Store } from "./store.js";

export interface StartOptions {
  /** clock in epoch ms; tests pass a controllable one */
  now?: () => number;
  logger?: Logger;
}

export interface RunningServer {
  url: string;
  port: number;
  service: LicenseService;
  policy: PolicyService;
  snapshot(): StatusSnapshot;
  /** takes a usage sample now (the server also does every usageSampleSeconds) */
  sampleUsage(): void;
  close(): Promise<void>;
}

export function loadLicenseFiles(paths: readonly string[]): LicenseFile[] {
  return paths.map((path) => {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      throw new LicenseFileError(
        path,
        `cannot read license file: ${(error as Error).message}`,
        0,
        "",
      );
    }
    return parseLicenseFile(text, path);
  });
}

/** Loads license files and entitlements, opens trusted storage and serves the HTTP(S) API. */
export async function startServer(
  config: ServerConfig,
  options: StartOptions = {},
): Promise<RunningServer> {
  const now = options.now ?? Date.now;
  const logger = options.logger ?? pino({ level: config.logLevel });
  const licenseFiles = loadLicenseFiles(config.licenseFiles);
  const { pools, warnings } = poolsFromLicenseFiles(licenseFiles);
  for (const warning of warnings) logger.warn(warning);
  const entitlements: Entitlement[] = config.entitlementsFile
    ? loadEntitlements(config.entitlementsFile)
    : [];

  const store = new Store(config.database);
  let app: FastifyInstance | undefined;
  let policy: PolicyService | undefined;
  try {
    const service = new LicenseService(store, pools, entitlements, {
      leaseMs: config.leaseSeconds * 1000,
      now,
    });
    policy = await PolicyService.open(service, store, logger, config.accessConfig);
    const admin = await AdminAccess.open(store, now());
    if (admin.isDefaultPassword)
      logger.warn(
        "the admin password is still the default: change it with `lmkeeper server set-password`",
      );
    const resumed = await service.resumeLeases();
    if (resumed > 0)
      logger.info({ leases: resumed }, "restored leases have one lease period to renew");
    for (const lease of service.leasesWithoutPool()) {
      logger.warn(
        {
          lease: lease.id,
          pool: lease.poolId,
          feature: lease.feature,
          user: lease.user,
          host: lease.host,
        },
        "stored lease belongs to a pool the license files no longer define; it stays until checked in or expired",
      );
    }

    app = (config.tls
      ? Fastify({
          https: { cert: readFileSync(config.tls.cert), key: readFileSync(config.tls.key) },
        })
      : Fastify()) as unknown as FastifyInstance;
    const vendorNames = licenseFiles.flatMap((file) => file.vendors.map((vendor) => vendor.name));
    const changed = storedListenAddress(store);
    if (changed && (changed.port !== config.port || changed.bind !== config.bind))
      logger.info(
        {
          port: changed.port,
          bind: changed.bind,
          config: { port: config.port, bind: config.bind },
        },
        "listening where the admin API set it, not where the config file says",
      );
    const port = changed?.port ?? config.port;
    const bind = changed?.bind ?? config.bind;
    let boundPort = port;
    let url = "";
    const failover: FailoverNode | undefined = config.failover
      ? setUpFailover(app, {
          config: config.failover,
          secret: readSyncSecret(config.failover),
          service,
          policy,
          store,
          logger,
          selfUrl: () => url,
        })
      : undefined;
    const snapshot = () =>
      buildSnapshot({
        host: config.hostname,
        port: boundPort,
        version: VERSION,
        licenseFiles: config.licenseFiles,
        vendors: [...new Set(vendorNames)],
        pools: service.pools(),
        leases: service.liveLeases(),
        now: now(),
        reservationsOf: (poolId) => policy?.statusReservations(poolId) ?? [],
        ...(failover && {
          failover: {
            role: failover.role,
            inFailover: failover.inFailover(),
            pair: failover.pair(),
          },
        }),
      });
    app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
      const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
      if (status === 500) logger.error({ err: error }, "request failed");
      return sendError(
        reply,
        status,
        status === 500 ? "INTERNAL_ERROR" : "BAD_REQUEST",
        error.message,
      );
    });
    registerLeaseRoutes(app, { service, snapshot, policy });
    registerPolicyRoutes(app, { service, admin, policy });
    const offline = new OfflineUpdates(
      store,
      service,
      await serverIdentity(store),
      config.hostname,
      config.offline && readPublicKey(config.offline.publicKeyFile),
    );
    const history = new UsageHistory();
    const startedAt = now();
    const sampleUsage = () =>
      history.record({
        at: now(),
        features: usageByFeature(featureRows(service.pools(), service.liveLeases())),
      });
    registerUiRoutes(app);
    registerAdminRoutes(app, {
      service,
      admin,
      licenseList: () => buildLicenseList(service.pools(), service.liveLeases()),
      extraRoutes: [
        (scope) => registerOfflineRoutes(scope, offline),
        (scope) =>
          registerListenSettingsRoutes(scope, store, () => ({ port: boundPort, bind }), now),
        (scope) =>
          registerManagerRoutes(scope, {
            service,
            history,
            sampleSeconds: config.usageSampleSeconds,
            about: () => ({
              product: "lmkeeper license server",
              version: VERSION,
              node: process.version,
              platform: `${process.platform} ${process.arch}`,
              hostname: config.hostname,
              startedAt: new Date(startedAt).toISOString(),
            }),
            model: () => policy?.modelView(),
            properties: () => ({
              hostname: config.hostname,
              port: boundPort,
              bind,
              https: config.tls !== undefined,
              leaseSeconds: config.leaseSeconds,
              sweepSeconds: config.sweepSeconds,
              usageSampleSeconds: config.usageSampleSeconds,
              licenseFiles: config.licenseFiles,
              entitlements: entitlements.length,
              accessConfig: config.accessConfig ?? null,
              failover: failover ? failover.role : null,
              offlineUpdates: config.offline !== undefined,
              logLevel: config.logLevel,
            }),
          }),
      ],
    });
    await failover?.prepare();
    await app.listen({ port, host: bind });
    const address = app.server.address();
    boundPort = typeof address === "object" && address ? address.port : port;
    const scheme = config.tls ? "https" : "http";
    const urlHost = bind === "0.0.0.0" || bind === "::" ? "127.0.0.1" : bind;
    url = `${scheme}://${urlHost.includes(":") ? `[${urlHost}]` : urlHost}:${boundPort}`;

    const sweeper = setInterval(() => {
      service.sweep().catch((error: unknown) => logger.error({ err: error }, "lease sweep failed"));
    }, config.sweepSeconds * 1000);
    sweeper.unref();
    sampleUsage();
    const sampler = setInterval(sampleUsage, config.usageSampleSeconds * 1000);
    sampler.unref();
    failover?.start();

    const running = app;
    const runningPolicy = policy;
    logger.info(
      { url, port: boundPort, pools: pools.length, entitlements: entitlements.length },
      "license server listening",
    );
    return {
      url,
      port: boundPort,
      service,
      policy,
      snapshot,
      sampleUsage,
      close: async () => {
        clearInterval(sweeper);
        clearInterval(sampler);
        await failover?.stop();
        await running.close();
        await runningPolicy.close();
        store.close();
      },
    };
  } catch (error) {
    await app?.close();
    await policy?.close();
    store.close();
    throw error;
  }
}
