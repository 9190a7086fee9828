import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Authenticator } from "./auth.js";
import { ApiError } from "./errors.js";
import { createMetrics } from "./metrics.js";
import { type Action, type Resource, isAllowed, permissionName } from "./permissions.js";
import { bookingRoutes } from "./routes/bookings.js";
import { clusterStatusRoutes } from "./routes/cluster-statuses.js";
import { configurationRoutes } from "./routes/configurations.js";
import type { RouteContext } from "./routes/context.js";
import { featureRoutes } from "./routes/features.js";
import { jobRoutes } from "./routes/jobs.js";
import { licenseServerRoutes } from "./routes/license-servers.js";
import { productRoutes } from "./routes/products.js";
import { ConstraintViolation, InvalidValue } from "./store/db.js";
import type { Store } from "./store/index.js";
import { VERSION } from "../cli/version.js";

export interface ApiOptions {
  store: Store;
  authenticator: Authenticator;
  now?: () => Date;
  /** a pino logger; none by default */
  logger?: FastifyBaseLogger;
  /** largest accepted request body in bytes; default 1 MiB */
  bodyLimit?: number;
}

function statusOf(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown }).statusCode;
  return typeof code === "number" ? code : undefined;
}

/** The License Manager API as a fastify instance (not yet listening). */
export async function buildApi(options: ApiOptions): Promise<FastifyInstance> {
  const now = options.now ?? (() => new Date());
  const common = {
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // clients written for the upstream API call e.g. /lm/configurations/ with a slash
    routerOptions: { ignoreTrailingSlash: true },
  };
  const app: FastifyInstance =
    options.logger === undefined
      ? Fastify({ logger: false, ...common })
      : (Fastify({ loggerInstance: options.logger, ...common }) as unknown as FastifyInstance);
  // request bodies are validated by zod in the handlers; the JSON Schemas only document them
  app.setValidatorCompiler(() => () => true);

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof ApiError) {
      return reply.code(error.statusCode).send({ detail: error.message, ...error.extra });
    }
    if (error instanceof InvalidValue)
      return reply.code(422).send({ detail: `invalid value: ${error.message}` });
    if (error instanceof ConstraintViolation) {
      const status = error.kind === "check" ? 422 : 409;
      return reply.code(status).send({ detail: `refused by the database: ${error.message}` });
    }
    const status = statusOf(error);
    if (status !== undefined && status >= 400 && status < 500) {
      return reply.code(status).send({ detail: (error as Error).message });
    }
    request.log.error({ err: error }, "request failed");
    return reply.code(500).send({ detail: "internal error; see the API's log" });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ detail: `no route for ${request.method} ${request.url.split("?")[0]}` }),
  );

  const { default: swagger } = await import("@fastify/swagger");
  const { default: swaggerUi } = await import("@fastify/swagger-ui");
  await app.register(swagger, {
    openapi: {
      info: { title: "lmkeeper License Manager API", version: VERSION },
      components: {
        securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: "/lm/docs" });

  const guard: RouteContext["guard"] = (resource: Resource, action: Action) => async (request) => {
    const principal = await options.authenticator.authenticate(request.headers.authorization);
    const permission = permissionName(resource, action);
    if (!isAllowed(principal, permission)) {
      throw new ApiError(403, `missing permission ${permission}`, {
        missing_permission: permission,
      });
    }
    request.principal = principal;
  };
  const context: RouteContext = { store: options.store, now, guard };
  for (const routes of [
    configurationRoutes,
    licenseServerRoutes,
    productRoutes,
    featureRoutes,
    jobRoutes,
    bookingRoutes,
    clusterStatusRoutes,
  ]) {
    routes(app, context);
  }

  const metrics = createMetrics(options.store, now);
  app.get("/lm/metrics", { schema: { hide: true } }, async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.render()),
  );
  app.get("/lm/health", { schema: { hide: true } }, async () => ({ status: "ok" }));
  return app;
}
