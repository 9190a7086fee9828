import type { FastifyInstance } from "fastify";
import { LICENSE_SERVER_TYPES } from "../../parsers/types.js";
import { licenseServerBody, parse, parseId } from "../schemas.js";
import { licenseServerToWire } from "../wire.js";
import {
  type RouteContext,
  docSchema,
  idParam,
  listDoc,
  listQueryOf,
  sendPage,
} from "./context.js";

export function licenseServerRoutes(app: FastifyInstance, { store, guard }: RouteContext): void {
  const tags = ["license_servers"];
  app.post(
    "/lm/license_servers",
    {
      preHandler: guard("license-server", "create"),
      schema: { tags, body: docSchema(licenseServerBody) },
    },
    async (request, reply) => {
      const body = parse(licenseServerBody, request.body, "body");
      const created = await store.licenseServers.create(body.config_id, {
        host: body.host,
        port: body.port,
        ...(body.position === undefined ? {} : { position: body.position }),
      });
      return reply.code(201).send(licenseServerToWire(created));
    },
  );
  app.get(
    "/lm/license_servers",
    { preHandler: guard("license-server", "read"), schema: { tags, ...listDoc } },
    async (request, reply) =>
      sendPage(reply, await store.licenseServers.list(listQueryOf(request)), licenseServerToWire),
  );
  app.get(
    "/lm/license_servers/types/",
    { preHandler: guard("license-server", "read"), schema: { tags } },
    async () => [...LICENSE_SERVER_TYPES],
  );
  app.get<{ Params: { id: string } }>(
    "/lm/license_servers/:id",
    { preHandler: guard("license-server", "read"), schema: { tags, params: idParam() } },
    async (request) =>
      licenseServerToWire(
        await store.licenseServers.get(parseId(request.params.id, "license server id")),
      ),
  );
  app.put<{ Params: { id: string } }>(
    "/lm/license_servers/:id",
    {
      preHandler: guard("license-server", "update"),
      schema: { tags, params: idParam(), body: docSchema(licenseServerBody.partial()) },
    },
    async (request) => {
      const id = parseId(request.params.id, "license server id");
      const body = parse(licenseServerBody.partial(), request.body, "body");
      const updated = await store.licenseServers.update(id, {
        ...(body.config_id === undefined ? {} : { configId: body.config_id }),
        ...(body.host === undefined ? {} : { host: body.host }),
        ...(body.port === undefined ? {} : { port: body.port }),
        ...(body.position === undefined ? {} : { position: body.position }),
      });
      return licenseServerToWire(updated);
    },
  );
  app.delete<{ Params: { id: string } }>(
    "/lm/license_servers/:id",
    { preHandler: guard("license-server", "delete"), schema: { tags, params: idParam() } },
    async (request, reply) => {
      await store.licenseServers.delete(parseId(request.params.id, "license server id"));
      return reply.code(204).send();
    },
  );
}
