import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { sendError, sendValidationError } from "../http/errors.js";
import type { OfflineUpdates } from "./updates.js";

export const OFFLINE_REQUEST_PATH = "/api/1.0/admin/offline/request";
export const OFFLINE_RESPONSE_PATH = "/api/1.0/admin/offline/response";

const desiredSchema = z
  .object({
    desired: z
      .array(z.object({ code: z.string().min(1), count: z.number().int().min(0) }).strict())
      .default([]),
  })
  .strict();

/** Admin routes (registered inside the admin scope, so behind its credentials). */
export function registerOfflineRoutes(scope: FastifyInstance, updates: OfflineUpdates): void {
  scope.post(OFFLINE_REQUEST_PATH, async (request, reply) => {
    const parsed = desiredSchema.safeParse(request.body ?? {});
    if (!parsed.success) return sendValidationError(reply, parsed.error);
    return updates.createRequest(parsed.data.desired);
  });

  scope.post(OFFLINE_RESPONSE_PATH, async (request, reply) => {
    const outcome = await updates.importResponse(request.body);
    if (!outcome.ok) return sendError(reply, outcome.status, outcome.code, outcome.message);
    return { imported: outcome.requestId, changes: outcome.changes };
  });
}
