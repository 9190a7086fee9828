import type { FastifyInstance } from "fastify";
import { configurationBody } from "../schemas.js";
import type { ConfigurationInput } from "../store/index.js";
import { configurationToWire } from "../wire.js";
import type { RouteContext } from "./context.js";
import { registerResourceRoutes } from "./resource-routes.js";

function toInput(
  body: Partial<ReturnType<typeof configurationBody.parse>>,
): Partial<ConfigurationInput> {
  return {
    ...(body.name === undefined ? {} : { name: body.name }),
    ...(body.cluster_client_id === undefined ? {} : { clusterClientId: body.cluster_client_id }),
    ...(body.grace_time === undefined ? {} : { graceTime: body.grace_time }),
    ...(body.type === undefined ? {} : { type: body.type }),
    ...(body.features === undefined
      ? {}
      : {
          features: body.features.map((f) => ({
            name: f.name,
            productId: f.product_id,
            reserved: f.reserved,
          })),
        }),
    ...(body.license_servers === undefined
      ? {}
      : {
          licenseServers: body.license_servers.map((s) => ({
            host: s.host,
            port: s.port,
            position: s.position,
          })),
        }),
  };
}

export function configurationRoutes(app: FastifyInstance, context: RouteContext): void {
  const { configurations } = context.store;
  registerResourceRoutes(app, context, {
    path: "/lm/configurations",
    tag: "configurations",
    permission: "config",
    idName: "configuration id",
    store: configurations,
    toWire: configurationToWire,
    listByClientId: true,
    create: {
      body: configurationBody,
      run: (body) => configurations.create(toInput(body) as ConfigurationInput),
    },
    update: {
      body: configurationBody.partial(),
      run: (id, body) => configurations.update(id, toInput(body)),
    },
  });
}
