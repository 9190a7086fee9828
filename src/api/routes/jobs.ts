import type { FastifyInstance } from "fastify";
import { jobBody, parseSlurmJobId } from "../schemas.js";
import { jobToWire } from "../wire.js";
import { type RouteContext, idParam, principalOf } from "./context.js";
import { registerResourceRoutes } from "./resource-routes.js";

export function jobRoutes(app: FastifyInstance, context: RouteContext): void {
  const { jobs } = context.store;
  registerResourceRoutes(app, context, {
    path: "/lm/jobs",
    tag: "jobs",
    permission: "job",
    idName: "job id",
    store: jobs,
    toWire: jobToWire,
    listByClientId: true,
    create: {
      body: jobBody,
      run: (body, request) =>
        jobs.create({
          slurmJobId: body.slurm_job_id,
          clusterClientId: body.cluster_client_id ?? principalOf(request).clientId,
          username: body.username,
          leadHost: body.lead_host,
          bookings: body.bookings.map((b) =>
            "feature_id" in b
              ? { featureId: b.feature_id, quantity: b.quantity }
              : { productName: b.product_name, featureName: b.feature_name, quantity: b.quantity },
          ),
        }),
    },
  });
  app.get<{ Params: { slurm_job_id: string } }>(
    "/lm/jobs/slurm_job_id/:slurm_job_id",
    {
      preHandler: context.guard("job", "read"),
      schema: { tags: ["jobs"], params: idParam("slurm_job_id") },
    },
    async (request) =>
      jobToWire(
        await jobs.getBySlurmJobId(
          principalOf(request).clientId,
          parseSlurmJobId(request.params.slurm_job_id),
        ),
      ),
  );
  app.delete<{ Params: { slurm_job_id: string } }>(
    "/lm/jobs/slurm_job_id/:slurm_job_id",
    {
      preHandler: context.guard("job", "delete"),
      schema: { tags: ["jobs"], params: idParam("slurm_job_id") },
    },
    async (request, reply) => {
      await jobs.deleteBySlurmJobId(
        principalOf(request).clientId,
        parseSlurmJobId(request.params.slurm_job_id),
      );
      return reply.code(204).send();
    },
  );
}
