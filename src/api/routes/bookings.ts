import type { FastifyInstance } from "fastify";
import { bookingBody, parse, parseId } from "../schemas.js";
import { bookingToWire } from "../wire.js";
import {
  type RouteContext,
  docSchema,
  idParam,
  listDoc,
  listQueryOf,
  sendPage,
} from "./context.js";

export function bookingRoutes(app: FastifyInstance, { store, guard }: RouteContext): void {
  const tags = ["bookings"];
  app.post(
    "/lm/bookings",
    { preHandler: guard("booking", "create"), schema: { tags, body: docSchema(bookingBody) } },
    async (request, reply) => {
      const body = parse(bookingBody, request.body, "body");
      const booking = await store.bookings.create({
        jobId: body.job_id,
        featureId: body.feature_id,
        quantity: body.quantity,
      });
      return reply.code(201).send(bookingToWire(booking));
    },
  );
  app.get(
    "/lm/bookings",
    { preHandler: guard("booking", "read"), schema: { tags, ...listDoc } },
    async (request, reply) =>
      sendPage(reply, await store.bookings.list(listQueryOf(request)), bookingToWire),
  );
  app.get<{ Params: { id: string } }>(
    "/lm/bookings/:id",
    { preHandler: guard("booking", "read"), schema: { tags, params: idParam() } },
    async (request) =>
      bookingToWire(await store.bookings.get(parseId(request.params.id, "booking id"))),
  );
  app.delete<{ Params: { id: string } }>(
    "/lm/bookings/:id",
    { preHandler: guard("booking", "delete"), schema: { tags, params: idParam() } },
    async (request, reply) => {
      await store.bookings.delete(parseId(request.params.id, "booking id"));
      return reply.code(204).send();
    },
  );
}
