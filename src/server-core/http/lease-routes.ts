import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Lease, Pool } from "../engine.js";
import type { LicenseService } from "../license-service.js";
import type { PolicyService } from "../policy/policy-service.js";
import type { StatusSnapshot } from "../status/snapshot.js";
import { sendError, sendValidationError } from "./errors.js";

// status output is whitespace-separated (lmstat and friends), so names carry no blanks;
// control characters (NUL, ESC, …) would corrupt that output and the terminals showing it
const name = z
  .string()
  .min(1)
  .max(256)
  .regex(/^\S+$/, "must not contain spaces")
  .regex(/^\P{Cc}+$/u, "must not contain control characters");

export const checkoutSchema = z
  .object({
    feature: name,
    version: z
      .union([z.string(), z.number()])
      .transform(String)
      .pipe(z.string().regex(/^\d+(\.\d+)*$/, "must be a version like 1.0"))
      .default("0"),
    count: z.number().int().positive().max(1_000_000).default(1),
    user: name,
    host: name,
    /** FlexLM clients report a tty or X display; scripts that say nothing get /dev/tty */
    display: name.default("/dev/tty"),
    deviceId: name.optional(),
    /** for access rules: the product the client runs (its license may be a pack covering it) */
    product: z.string().min(1).max(256).optional(),
    /** for access rules: the client's build number */
    buildNumber: z.string().min(1).max(256).optional(),
  })
  .strict();

export type CheckoutBody = z.output<typeof checkoutSchema>;

/** HTTP status of a checkout denial. */
export function denialStatus(code: string): number {
  if (code === "FEATURE_NOT_FOUND") return 404;
  if (code === "ACCESS_DENIED") return 403;
  if (code === "LDAP_UNAVAILABLE") return 503;
  return 409;
}

/** The lease as clients see it. */
export interface LeaseView {
  id: string;
  feature: string;
  /** version the client asked for */
  version: string;
  /** version of the pool that granted it */
  grantedVersion: string;
  count: number;
  handle: number;
  startedAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

export function leaseView(lease: Lease, pool: Pool | undefined): LeaseView {
  return {
    id: lease.id,
    feature: lease.feature,
    version: lease.version,
    grantedVersion: pool?.version ?? lease.version,
    count: lease.count,
    handle: lease.handle,
    startedAt: new Date(lease.startedAt).toISOString(),
    lastSeenAt: new Date(lease.lastSeenAt).toISOString(),
    expiresAt: new Date(lease.expiresAt).toISOString(),
  };
}

export interface PublicRouteContext {
  service: LicenseService;
  snapshot(): StatusSnapshot;
  /** access rules and priority; without it every client is admitted */
  policy?: PolicyService;
}

/** Health, status and the lease life cycle: no credentials needed (like lmstat and checkouts). */
export function registerLeaseRoutes(app: FastifyInstance, context: PublicRouteContext): void {
  const { service } = context;
  const poolOf = (lease: Lease) => service.pools().find((pool) => pool.id === lease.poolId);

  app.get("/api/1.0/health", async () => ({ status: "ok" }));

  app.get("/api/1.0/status", async () => context.snapshot());

  app.post("/api/1.0/leases", async (request, reply) => {
    const parsed = checkoutSchema.safeParse(request.body ?? {});
    if (!parsed.success) return sendValidationError(reply, parsed.error);
    const { product, buildNumber, ...body } = parsed.data;
    const checkout = { ...body, deviceId: body.deviceId ?? body.host };
    const outcome = context.policy
      ? await context.policy.checkout(checkout, { product, buildNumber, ip: request.ip })
      : await service.checkout(checkout);
    if (!outcome.ok)
      return sendError(reply, denialStatus(outcome.code), outcome.code, outcome.message);
    return reply.code(201).send({ lease: leaseView(outcome.lease, outcome.pool) });
  });

  app.post<{ Params: { id: string } }>("/api/1.0/leases/:id/heartbeat", async (request, reply) => {
    const outcome = await service.heartbeat(request.params.id);
    if (!outcome.ok)
      return sendError(
        reply,
        outcome.code === "LEASE_NOT_FOUND" ? 404 : 410,
        outcome.code,
        outcome.message,
      );
    return { lease: leaseView(outcome.lease, poolOf(outcome.lease)) };
  });

  app.delete<{ Params: { id: string } }>("/api/1.0/leases/:id", async (request, reply) => {
    const outcome = await service.checkin(request.params.id);
    if (!outcome.ok) return sendError(reply, 404, outcome.code, outcome.message);
    return { released: leaseView(outcome.lease, poolOf(outcome.lease)) };
  });
}
