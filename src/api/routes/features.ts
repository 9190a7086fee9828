import type { FastifyInstance } from "fastify";
import { bulkBody, featureBody, featureCountersBody, parse, parseId } from "../schemas.js";
import type { FeatureInput } from "../store/index.js";
import { featureToWire } from "../wire.js";
import {
  type RouteContext,
  docSchema,
  idParam,
  listDoc,
  listQueryOf,
  principalOf,
  sendPage,
} from "./context.js";

function toInput(body: Partial<ReturnType<typeof featureBody.parse>>): Partial<FeatureInput> {
  return {
    ...(body.name === undefined ? {} : { name: body.name }),
    ...(body.product_id === undefined ? {} : { productId: body.product_id }),
    ...(body.config_id === undefined ? {} : { configId: body.config_id }),
    ...(body.reserved === undefined ? {} : { reserved: body.reserved }),
    ...(body.total === undefined ? {} : { total: body.total }),
    ...(body.used === undefined ? {} : { used: body.used }),
  };
}

export function featureRoutes(app: FastifyInstance, { store, guard }: RouteContext): void {
  const tags = ["features"];
  app.post(
    "/lm/features",
    { preHandler: guard("feature", "create"), schema: { tags, body: docSchema(featureBody) } },
    async (request, reply) => {
      const body = parse(featureBody, request.body, "body");
      return reply
        .code(201)
        .send(featureToWire(await store.features.create(toInput(body) as FeatureInput)));
    },
  );
  app.get(
    "/lm/features",
    { preHandler: guard("feature", "read"), schema: { tags, ...listDoc } },
    async (request, reply) =>
      sendPage(reply, await store.features.list(listQueryOf(request)), featureToWire),
  );
  app.get(
    "/lm/features/by_client_id",
    { preHandler: guard("feature", "read"), schema: { tags, ...listDoc } },
    async (request, reply) =>
      sendPage(
        reply,
        await store.features.list(listQueryOf(request), principalOf(request).clientId),
        featureToWire,
      ),
  );
  app.put(
    "/lm/features/bulk",
    { preHandler: guard("feature", "update"), schema: { tags, body: docSchema(bulkBody) } },
    async (request) => {
      const body = parse(bulkBody, request.body, "body");
      const result = await store.features.bulkUpdate(
        principalOf(request).clientId,
        body.map((e) => ({
          productName: e.product_name,
          featureName: e.feature_name,
          total: e.total,
          used: e.used,
        })),
      );
      return {
        updated: result.updated,
        missing: result.missing.map((m) => ({
          product_name: m.productName,
          feature_name: m.featureName,
        })),
      };
    },
  );
  app.put(
    "/lm/features/by_client_id",
    {
      preHandler: guard("feature", "update"),
      schema: { tags, body: docSchema(featureCountersBody) },
    },
    async (request) => {
      const body = parse(featureCountersBody, request.body, "body");
      const features = await store.features.updateCountersByName(principalOf(request).clientId, {
        productName: body.product_name,
        featureName: body.feature_name,
        total: body.total,
        used: body.used,
      });
      return features.map(featureToWire);
    },
  );
  app.get<{ Params: { id: string } }>(
    "/lm/features/:id",
    { preHandler: guard("feature", "read"), schema: { tags, params: idParam() } },
    async (request) =>
      featureToWire(await store.features.get(parseId(request.params.id, "feature id"))),
  );
  app.put<{ Params: { id: string } }>(
    "/lm/features/:id",
    {
      preHandler: guard("feature", "update"),
      schema: { tags, params: idParam(), body: docSchema(featureBody.partial()) },
    },
    async (request) => {
      const id = parseId(request.params.id, "feature id");
      const body = parse(featureBody.partial(), request.body, "body");
      return featureToWire(await store.features.update(id, toInput(body)));
    },
  );
  app.delete<{ Params: { id: string } }>(
    "/lm/features/:id",
    { preHandler: guard("feature", "delete"), schema: { tags, params: idParam() } },
    async (request, reply) => {
      await store.features.delete(parseId(request.params.id, "feature id"));
      return reply.code(204).send();
    },
  );
}
