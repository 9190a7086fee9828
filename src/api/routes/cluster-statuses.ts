import type { FastifyInstance } from "fastify";
import { clusterStatusBody, parse } from "../schemas.js";
import { clusterStatusToWire } from "../wire.js";
import { type RouteContext, docSchema, principalOf } from "./context.js";

export function clusterStatusRoutes(
  app: FastifyInstance,
  { store, guard, now }: RouteContext,
): void {
  const tags = ["cluster_statuses"];
  app.put(
    "/lm/cluster_statuses",
    {
      preHandler: guard("cluster-status", "update"),
      schema: { tags, body: docSchema(clusterStatusBody) },
    },
    async (request) => {
      const body = parse(clusterStatusBody, request.body, "body");
      const status = await store.clusterStatuses.report(principalOf(request).clientId, body);
      return clusterStatusToWire(status, now());
    },
  );
  app.get(
    "/lm/cluster_statuses",
    { preHandler: guard("cluster-status", "read"), schema: { tags } },
    async (_request, reply) => {
      const statuses = await store.clusterStatuses.list();
      void reply.header("X-Total-Count", String(statuses.length));
      const at = now();
      return statuses.map((s) => clusterStatusToWire(s, at));
    },
  );
}
