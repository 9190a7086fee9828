import type { FastifyInstance } from "fastify";
import { configurationBody, parse, parseId } from "../schemas.js";
import type { ConfigurationInput } from "../store/index.js";
import { configurationToWire } from "../wire.js";
import {
  type RouteContext,
  docSchema,
  idParam,
  listDoc,
  listQueryOf,
  principalOf,
  sendPage,
} from "./context.js";

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

export function configurationRoutes(app: FastifyInstance, { store, guard }: RouteContext): void {
  const tags = ["configurations"];
  app.post(
    "/lm/configurations",
    { preHandler: guard("config", "create"), schema: { tags, body: docSchema(configurationBody) } },
    async (request, reply) => {
      const body = parse(configurationBody, request.body, "body");
      const created = await store.configurations.create(toInput(body) as ConfigurationInput);
      return reply.code(201).send(configurationToWire(created));
    },
  );
  app.get(
    "/lm/configurations",
    { preHandler: guard("config", "read"), schema: { tags, ...listDoc } },
    async (request, reply) =>
      sendPage(reply, await store.configurations.list(listQueryOf(request)), configurationToWire),
  );
  app.get(
    "/lm/configurations/by_client_id",
    { preHandler: guard("config", "read"), schema: { tags, ...listDoc } },
    async (request, reply) =>
      sendPage(
        reply,
        await store.configurations.list(listQueryOf(request), principalOf(request).clientId),
        configurationToWire,
      ),
  );
  app.get<{ Params: { id: string } }>(
    "/lm/configurations/:id",
    { preHandler: guard("config", "read"), schema: { tags, params: idParam() } },
    async (request) =>
      configurationToWire(
        await store.configurations.get(parseId(request.params.id, "configuration id")),
      ),
  );
  app.put<{ Params: { id: string } }>(
    "/lm/configurations/:id",
    {
      preHandler: guard("config", "update"),
      schema: { tags, params: idParam(), body: docSchema(configurationBody.partial()) },
    },
    async (request) => {
      const id = parseId(request.params.id, "configuration id");
      const body = parse(configurationBody.partial(), request.body, "body");
      return configurationToWire(await store.configurations.update(id, toInput(body)));
    },
  );
  app.delete<{ Params: { id: string } }>(
    "/lm/configurations/:id",
    { preHandler: guard("config", "delete"), schema: { tags, params: idParam() } },
    async (request, reply) => {
      await store.configurations.delete(parseId(request.params.id, "configuration id"));
      return reply.code(204).send();
    },
  );
}
