import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { AdminAccess } from "../admin-access.js";
import type { LicenseList } from "../list-licenses.js";
import type { LicenseService } from "../license-service.js";
import { sendError, sendValidationError } from "./errors.js";

export interface AdminRouteContext {
  service: LicenseService;
  admin: AdminAccess;
  licenseList(): LicenseList;
  /** more admin routes (offline updates, settings), behind the same credentials */
  extraRoutes?: ReadonlyArray<(scope: FastifyInstance) => void>;
}

const PASSWORD_ROUTE = "/api/1.0/admin/password";

/** The preHandler every admin route uses: HTTP Basic as `admin`, default password refused. */
export function adminPreHandler(service: LicenseService, admin: AdminAccess) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const auth = await admin.authenticate(request.headers.authorization, service.now());
    if (!auth.ok) {
      // the web manager asks for no browser login dialog: it shows its own form
      if (auth.status === 401 && request.headers["x-lmkeeper-ui"] === undefined)
        reply.header("www-authenticate", 'Basic realm="lmkeeper admin"');
      return sendError(reply, auth.status, auth.code, auth.message);
    }
    if (auth.isDefaultPassword && request.routeOptions.url !== PASSWORD_ROUTE) {
      return sendError(
        reply,
        403,
        "DEFAULT_PASSWORD_MUST_CHANGE",
        "The default admin password must be changed first (lmkeeper server set-password)",
      );
    }
    return undefined;
  };
}

/**
 * Admin routes: HTTP Basic as `admin`. Until the default password is changed, only the
 * password route answers; three wrong passwords in a row lock admin access for 10 minutes.
 */
export function registerAdminRoutes(app: FastifyInstance, context: AdminRouteContext): void {
  const { service, admin } = context;

  const requireAdmin = adminPreHandler(service, admin);

  app.register(async (scope) => {
    scope.addHook("preHandler", requireAdmin);

    scope.put(PASSWORD_ROUTE, async (request, reply) => {
      const parsed = z
        .object({ newPassword: z.string() })
        .strict()
        .safeParse(request.body ?? {});
      if (!parsed.success) return sendValidationError(reply, parsed.error);
      const outcome = await admin.changePassword(parsed.data.newPassword, service.now());
      if (!outcome.ok)
        return sendError(reply, 400, outcome.code, outcome.message, outcome.problems);
      return { changed: true };
    });

    scope.put<{ Params: { code: string } }>(
      "/api/1.0/admin/activations/:code",
      async (request, reply) => {
        const parsed = z
          .object({ count: z.number().int().min(0) })
          .strict()
          .safeParse(request.body ?? {});
        if (!parsed.success) return sendValidationError(reply, parsed.error);
        const outcome = await service.activate(request.params.code, parsed.data.count);
        if (!outcome.ok)
          return sendError(
            reply,
            outcome.code === "ACTIVATION_ID_INVALID" ? 404 : 409,
            outcome.code,
            outcome.message,
          );
        return { code: outcome.code, active: outcome.count, previous: outcome.previous };
      },
    );

    scope.delete<{ Params: { code: string } }>(
      "/api/1.0/admin/activations/:code",
      async (request, reply) => {
        const outcome = await service.activate(request.params.code, 0);
        if (!outcome.ok)
          return sendError(
            reply,
            outcome.code === "ACTIVATION_ID_INVALID" ? 404 : 409,
            outcome.code,
            outcome.message,
          );
        return { code: outcome.code, returned: outcome.previous, active: 0 };
      },
    );

    scope.get("/api/1.0/admin/licenses", async () => context.licenseList());
    for (const register of context.extraRoutes ?? []) register(scope);
  });
}
