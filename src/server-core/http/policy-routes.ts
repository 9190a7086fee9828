import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import type { AdminAccess } from "../admin-access.js";
import type { LicenseService } from "../license-service.js";
import { PolicyConflictError, PolicyError } from "../policy/errors.js";
import { NotFoundError, type PolicyService } from "../policy/policy-service.js";
import { parseReservationGroup, parseReservationImport } from "../policy/reservations.js";
import { adminPreHandler } from "./admin-routes.js";
import { sendError, sendValidationError } from "./errors.js";
import { checkoutSchema, denialStatus, leaseView } from "./lease-routes.js";

export interface PolicyRouteContext {
  service: LicenseService;
  admin: AdminAccess;
  policy: PolicyService;
}

const ADMIN = "/api/1.0/admin";

const capabilitySchema = z
  .object({
    user: checkoutSchema.shape.user,
    host: checkoutSchema.shape.host,
    display: checkoutSchema.shape.display,
    deviceId: checkoutSchema.shape.deviceId,
    product: checkoutSchema.shape.product,
    buildNumber: checkoutSchema.shape.buildNumber,
    features: z
      .array(
        z
          .object({
            feature: checkoutSchema.shape.feature,
            version: checkoutSchema.shape.version,
            count: checkoutSchema.shape.count,
          })
          .strict(),
      )
      .max(1000)
      .default([]),
  })
  .strict();

/** Maps the policy layer's errors to API errors; anything else is a server fault. */
async function answer<T>(reply: FastifyReply, work: () => Promise<T>): Promise<T | FastifyReply> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof PolicyConflictError)
      return sendError(reply, 409, "POLICY_CONFLICT", error.message);
    if (error instanceof NotFoundError) return sendError(reply, 404, "NOT_FOUND", error.message);
    if (error instanceof PolicyError)
      return sendError(reply, 400, "POLICY_INVALID", error.message, {
        source: error.source,
        lineNumber: error.lineNumber,
        lineText: error.lineText,
      });
    throw error;
  }
}

/**
 * Reservations, named license pools (model definition), access rules (admin), and the
 * capability request clients use to take what is reserved for them.
 */
export function registerPolicyRoutes(app: FastifyInstance, context: PolicyRouteContext): void {
  const { service, policy } = context;

  app.post("/api/1.0/capabilities", async (request, reply) => {
    const parsed = capabilitySchema.safeParse(request.body ?? {});
    if (!parsed.success) return sendValidationError(reply, parsed.error);
    const { features, product, buildNumber, ...client } = parsed.data;
    const deviceId = client.deviceId ?? client.host;
    const wanted =
      features.length > 0
        ? features
        : policy
            .reservedFor({ user: client.user, deviceId })
            .map(({ feature, version, count }) => ({ feature, version, count }));
    const leases = [];
    const denied = [];
    for (const item of wanted) {
      const outcome = await policy.checkout(
        { ...client, ...item, deviceId },
        { product, buildNumber, ip: request.ip },
      );
      if (outcome.ok) leases.push(leaseView(outcome.lease, outcome.pool));
      else
        denied.push({
          ...item,
          error: {
            code: outcome.code,
            status: denialStatus(outcome.code),
            message: outcome.message,
          },
        });
    }
    return { leases, denied };
  });

  app.register(async (scope) => {
    scope.addHook("preHandler", adminPreHandler(service, context.admin));

    scope.get(`${ADMIN}/reservations`, async () => ({ reservations: policy.reservations() }));

    scope.post(`${ADMIN}/reservations`, async (request, reply) =>
      answer(reply, async () => {
        const group = parseReservationGroup(request.body, "reservation group");
        await policy.addReservationGroups([group]);
        return reply.code(201).send({ added: group.name, reservations: policy.reservations() });
      }),
    );

    scope.post(`${ADMIN}/reservations/import`, async (request, reply) =>
      answer(reply, async () => {
        const groups = parseReservationImport(request.body, "reservation import");
        await policy.addReservationGroups(groups);
        return reply.code(201).send({
          imported: groups.map((group) => group.name),
          reservations: policy.reservations(),
        });
      }),
    );

    scope.get(`${ADMIN}/reservations/export`, async () => policy.exportReservations());

    scope.delete<{ Params: { group: string } }>(
      `${ADMIN}/reservations/:group`,
      async (request, reply) =>
        answer(reply, async () => {
          const group = await policy.deleteReservationGroup(request.params.group);
          return { deleted: group.name, reservations: group.reservations.length };
        }),
    );

    scope.get(`${ADMIN}/model`, async (_request, reply) => {
      const model = policy.modelView();
      if (!model) return sendError(reply, 404, "NOT_FOUND", "No model definition is loaded");
      return model;
    });

    scope.put(`${ADMIN}/model`, async (request, reply) =>
      answer(reply, async () => {
        if (typeof request.body !== "string")
          return sendError(
            reply,
            400,
            "INVALID_REQUEST",
            "Send the model definition as text (content-type: text/plain)",
          );
        return policy.uploadModel(request.body);
      }),
    );

    scope.delete(`${ADMIN}/model`, async (_request, reply) =>
      answer(reply, async () => ({ deleted: await policy.deleteModel() })),
    );

    scope.get(`${ADMIN}/pools`, async () => ({ pools: policy.licensePools() }));

    scope.get(`${ADMIN}/access`, async () => policy.accessView());

    scope.put(`${ADMIN}/access`, async (request, reply) =>
      answer(reply, async () => {
        await policy.replaceAccess(request.body ?? {});
        return policy.accessView();
      }),
    );
  });
}
