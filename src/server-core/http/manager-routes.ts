import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { LicenseService } from "../license-service.js";
import {
  deviceDetail,
  deviceRows,
  featureHolders,
  featureRows,
  MAX_PAGE_SIZE,
  pageFeatures,
} from "../manager-views.js";
import type { UsageHistory } from "../usage-history.js";
import { sendError, sendValidationError } from "./errors.js";

export interface ManagerRouteContext {
  service: LicenseService;
  history: UsageHistory;
  sampleSeconds: number;
  about(): Record<string, unknown>;
  properties(): Record<string, unknown>;
  /** the loaded model definition, or null: read without a 404 when none is loaded */
  model(): unknown;
}

const ADMIN = "/api/1.0/admin";

const pageQuery = z
  .object({
    page: z.coerce.number().int().min(1).default(1),
    size: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
    search: z.string().trim().optional(),
  })
  .strict();

const historyQuery = z
  .object({
    features: z.string().optional(),
    limit: z.coerce.number().int().min(1).max(50).default(8),
  })
  .strict();

/** What the web manager reads besides the license and policy routes; behind the admin hook. */
export function registerManagerRoutes(scope: FastifyInstance, context: ManagerRouteContext): void {
  const { service, history } = context;
  const rows = () => featureRows(service.pools(), service.liveLeases());

  scope.get(`${ADMIN}/features`, async (request, reply) => {
    const parsed = pageQuery.safeParse(request.query ?? {});
    if (!parsed.success) return sendValidationError(reply, parsed.error);
    const { page, size, search } = parsed.data;
    return pageFeatures(rows(), page, size, search || undefined);
  });

  scope.get<{ Params: { name: string } }>(`${ADMIN}/features/:name`, async (request, reply) => {
    const versions = pageFeatures(rows(), 1, MAX_PAGE_SIZE, request.params.name).features;
    if (versions.length === 0)
      return sendError(reply, 404, "NOT_FOUND", `No feature named "${request.params.name}"`);
    return {
      name: versions[0]?.name,
      versions,
      holders: featureHolders(request.params.name, service.liveLeases()),
    };
  });

  scope.get(`${ADMIN}/devices`, async () => ({ devices: deviceRows(service.liveLeases()) }));

  scope.get<{ Params: { id: string } }>(`${ADMIN}/devices/:id`, async (request, reply) => {
    const device = deviceDetail(request.params.id, service.pools(), service.liveLeases());
    if (!device)
      return sendError(
        reply,
        404,
        "NOT_FOUND",
        `No device "${request.params.id}" holds a license right now`,
      );
    return device;
  });

  scope.get(`${ADMIN}/about`, async () => context.about());
  scope.get(`${ADMIN}/properties`, async () => context.properties());
  scope.get(`${ADMIN}/model-definition`, async () => ({ model: context.model() ?? null }));

  scope.get(`${ADMIN}/usage-history`, async (request, reply) => {
    const parsed = historyQuery.safeParse(request.query ?? {});
    if (!parsed.success) return sendValidationError(reply, parsed.error);
    const named = parsed.data.features
      ?.split(",")
      .map((name) => name.trim())
      .filter(Boolean);
    const features = named && named.length > 0 ? named : history.busiest(parsed.data.limit);
    return {
      sampleSeconds: context.sampleSeconds,
      capacity: history.capacity,
      samples: history.length,
      series: history.series(features),
    };
  });
}
