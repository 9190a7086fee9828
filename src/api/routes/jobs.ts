import type { FastifyInstance } from "fastify";
import { jobBody, parse, parseId, parseSlurmJobId } from "../schemas.js";
import { jobToWire } from "../wire.js";
import {
  type RouteContext,
  docSchema,
  idParam,
  listDoc,
  listQueryOf,
  principalOf,
  sendPage,
} from "./context.js";

export function jobRoutes(app: FastifyInstance, { store, guard }: RouteContext): void {
  const tags = ["jobs"];
  app.post(
    "/lm/jobs",
    { preHandler: guard("job", "create"), schema: { tags, body: docSchema(jobBody) } },
    async (request, reply) => {
      const body = parse(jobBody, request.body, "body");
      const job = await store.jobs.create({
        slurmJobId: body.slurm_job_id,
        clusterClientId: body.cluster_client_id ?? principalOf(request).clientId,
        username: body.username,
        leadHost: body.lead_host,
        bookings: body.bookings.map((b) =>
          "feature_id" in b
            ? { featureId: b.feature_id, quantity: b.quantity }
            : { productName: b.product_name, featureName: b.feature_name, quantity: b.quantity },
        ),
      });
      return reply.code(201).send(jobToWire(job));
    },
  );
  app.get(
    "/lm/jobs",
    { preHandler: guard("job", "read"), schema: { tags, ...listDoc } },
    async (request, reply) =>
      sendPage(reply, await store.jobs.list(listQueryOf(request)), jobToWire),
  );
  app.get(
    "/lm/jobs/by_client_id",
    { preHandler: guard("job", "read"), schema: { tags, ...listDoc } },
    async (request, reply) =>
      sendPage(
        reply,
        await store.jobs.list(listQueryOf(request), principalOf(request).clientId),
        jobToWire,
      ),
  );
  app.get<{ Params: { slurm_job_id: string } }>(
    "/lm/jobs/slurm_job_id/:slurm_job_id",
    { preHandler: guard("job", "read"), schema: { tags, params: idParam("slurm_job_id") } },
    async (request) =>
      jobToWire(
        await store.jobs.getBySlurmJobId(
          principalOf(request).clientId,
          parseSlurmJobId(request.params.slurm_job_id),
        ),
      ),
  );
  app.delete<{ Params: { slurm_job_id: string } }>(
    "/lm/jobs/slurm_job_id/:slurm_job_id",
    { preHandler: guard("job", "delete"), schema: { tags, params: idParam("slurm_job_id") } },
    async (request, reply) => {
      await store.jobs.deleteBySlurmJobId(
        principalOf(request).clientId,
        parseSlurmJobId(request.params.slurm_job_id),
      );
      return reply.code(204).send();
    },
  );
  app.get<{ Params: { id: string } }>(
    "/lm/jobs/:id",
    { preHandler: guard("job", "read"), schema: { tags, params: idParam() } },
    async (request) => jobToWire(await store.jobs.get(parseId(request.params.id, "job id"))),
  );
  app.delete<{ Params: { id: string } }>(
    "/lm/jobs/:id",
    { preHandler: guard("job", "delete"), schema: { tags, params: idParam() } },
    async (request, reply) => {
      await store.jobs.delete(parseId(request.params.id, "job id"));
      return reply.code(204).send();
    },
  );
}
