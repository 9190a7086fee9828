import type { FastifyInstance } from "fastify";
import { bulkBody, featureBody, featureCountersBody, parse } from "../schemas.js";
import type { FeatureInput } from "../store/index.js";
import { featureToWire } from "../wire.js";
import { type RouteContext, docSchema, principalOf } from "./context.js";
import { registerResourceRoutes } from "./resource-routes.js";

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

export function featureRoutes(app: FastifyInstance, context: RouteContext): void {
  const { features } = context.store;
  registerResourceRoutes(app, context, {
    path: "/lm/features",
    tag: "features",
    permission: "feature",
    idName: "feature id",
    store: features,
    toWire: featureToWire,
    listByClientId: true,
    create: { body: featureBody, run: (body) => features.create(toInput(body) as FeatureInput) },
    update: { body: featureBody.partial(), run: (id, body) => features.update(id, toInput(body)) },
  });
  app.put(
    "/lm/features/bulk",
    {
      preHandler: context.guard("feature", "update"),
      schema: { tags: ["features"], body: docSchema(bulkBody) },
    },
    async (request) => {
      const body = parse(bulkBody, request.body, "body");
      const result = await features.bulkUpdate(
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
      preHandler: context.guard("feature", "update"),
      schema: { tags: ["features"], body: docSchema(featureCountersBody) },
    },
    async (request) => {
      const body = parse(featureCountersBody, request.body, "body");
      const updated = await features.updateCountersByName(principalOf(request).clientId, {
        productName: body.product_name,
        featureName: body.feature_name,
        total: body.total,
        used: body.used,
      });
      return updated.map(featureToWire);
    },
  );
}
