import type { FastifyInstance } from "fastify";
import { LICENSE_SERVER_TYPES } from "../../parsers/types.js";
import { licenseServerBody } from "../schemas.js";
import { licenseServerToWire } from "../wire.js";
import type { RouteContext } from "./context.js";
import { registerResourceRoutes } from "./resource-routes.js";

export function licenseServerRoutes(app: FastifyInstance, context: RouteContext): void {
  const { licenseServers } = context.store;
  registerResourceRoutes(app, context, {
    path: "/lm/license_servers",
    tag: "license_servers",
    permission: "license-server",
    idName: "license server id",
    store: licenseServers,
    toWire: licenseServerToWire,
    create: {
      body: licenseServerBody,
      run: (body) =>
        licenseServers.create(body.config_id, {
          host: body.host,
          port: body.port,
          ...(body.position === undefined ? {} : { position: body.position }),
        }),
    },
    update: {
      body: licenseServerBody.partial(),
      run: (id, body) =>
        licenseServers.update(id, {
          ...(body.config_id === undefined ? {} : { configId: body.config_id }),
          ...(body.host === undefined ? {} : { host: body.host }),
          ...(body.port === undefined ? {} : { port: body.port }),
          ...(body.position === undefined ? {} : { position: body.position }),
        }),
    },
  });
  app.get(
    "/lm/license_servers/types/",
    { preHandler: context.guard("license-server", "read"), schema: { tags: ["license_servers"] } },
    async () => [...LICENSE_SERVER_TYPES],
  );
}
