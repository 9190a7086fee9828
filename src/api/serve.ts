import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import { buildApi } from "./app.js";
import { oidcAuthenticator } from "./auth.js";
import type { ApiConfig } from "./config.js";
import { createStore } from "./store/index.js";
import { openDatabase } from "./store/open.js";

export interface RunningApiServer {
  url: string;
  app: FastifyInstance;
  /** stops accepting requests, finishes the running ones, closes the database */
  close(): Promise<void>;
}

/** Opens the database (migrating it), builds the API and listens where the config says. */
export async function startApiServer(
  config: ApiConfig,
  options: { pretty?: boolean } = {},
): Promise<RunningApiServer> {
  const db = await openDatabase(config.database);
  const store = createStore(db);
  const logger = pino({
    level: config.log_level,
    ...(options.pretty ? { transport: { target: "pino-pretty" } } : {}),
  });
  let app: FastifyInstance;
  try {
    app = await buildApi({
      store,
      logger,
      authenticator: oidcAuthenticator({
        issuer: config.oidc.issuer,
        permissionsClaim: config.oidc.permissions_claim,
        ...(config.oidc.audience === undefined ? {} : { audience: config.oidc.audience }),
        ...(config.oidc.jwks_url === undefined ? {} : { jwksUrl: config.oidc.jwks_url }),
      }),
    });
  } catch (error) {
    await db.close();
    throw error;
  }
  let url: string;
  try {
    url = await app.listen({ host: config.bind, port: config.port });
  } catch (error) {
    await app.close();
    await db.close();
    throw error;
  }
  return {
    url,
    app,
    async close() {
      await app.close();
      await db.close();
    },
  };
}
