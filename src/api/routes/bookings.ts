import type { FastifyInstance } from "fastify";
import { bookingBody } from "../schemas.js";
import { bookingToWire } from "../wire.js";
import type { RouteContext } from "./context.js";
import { registerResourceRoutes } from "./resource-routes.js";

export function bookingRoutes(app: FastifyInstance, context: RouteContext): void {
  const { bookings } = context.store;
  registerResourceRoutes(app, context, {
    path: "/lm/bookings",
    tag: "bookings",
    permission: "booking",
    idName: "booking id",
    store: bookings,
    toWire: bookingToWire,
    create: {
      body: bookingBody,
      run: (body) =>
        bookings.create({
          jobId: body.job_id,
          featureId: body.feature_id,
          quantity: body.quantity,
        }),
    },
  });
}
