import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DevOidcProvider } from "../../src/api/dev-oidc.js";
import { ACTIONS, permissionName, type Action, type Resource } from "../../src/api/permissions.js";
import { startApi, startOidc, type RunningApi } from "./helpers/api.js";

/** Every protected route, with the permission it demands. Path ids need not exist. */
const ROUTES: Array<[method: string, path: string, resource: Resource, action: Action]> = [
  ["POST", "/lm/configurations", "config", "create"],
  ["GET", "/lm/configurations", "config", "read"],
  ["GET", "/lm/configurations/by_client_id", "config", "read"],
  ["GET", "/lm/configurations/{id}", "config", "read"],
  ["PUT", "/lm/configurations/{id}", "config", "update"],
  ["DELETE", "/lm/configurations/{id}", "config", "delete"],
  ["POST", "/lm/license_servers", "license-server", "create"],
  ["GET", "/lm/license_servers", "license-server", "read"],
  ["GET", "/lm/license_servers/types/", "license-server", "read"],
  ["GET", "/lm/license_servers/{id}", "license-server", "read"],
  ["PUT", "/lm/license_servers/{id}", "license-server", "update"],
  ["DELETE", "/lm/license_servers/{id}", "license-server", "delete"],
  ["POST", "/lm/products", "product", "create"],
  ["GET", "/lm/products", "product", "read"],
  ["GET", "/lm/products/{id}", "product", "read"],
  ["PUT", "/lm/products/{id}", "product", "update"],
  ["DELETE", "/lm/products/{id}", "product", "delete"],
  ["POST", "/lm/features", "feature", "create"],
  ["GET", "/lm/features", "feature", "read"],
  ["GET", "/lm/features/by_client_id", "feature", "read"],
  ["PUT", "/lm/features/bulk", "feature", "update"],
  ["PUT", "/lm/features/by_client_id", "feature", "update"],
  ["GET", "/lm/features/{id}", "feature", "read"],
  ["PUT", "/lm/features/{id}", "feature", "update"],
  ["DELETE", "/lm/features/{id}", "feature", "delete"],
  ["POST", "/lm/jobs", "job", "create"],
  ["GET", "/lm/jobs", "job", "read"],
  ["GET", "/lm/jobs/by_client_id", "job", "read"],
  ["GET", "/lm/jobs/{id}", "job", "read"],
  ["DELETE", "/lm/jobs/{id}", "job", "delete"],
  ["GET", "/lm/jobs/slurm_job_id/{slurm_job_id}", "job", "read"],
  ["DELETE", "/lm/jobs/slurm_job_id/{slurm_job_id}", "job", "delete"],
  ["POST", "/lm/bookings", "booking", "create"],
  ["GET", "/lm/bookings", "booking", "read"],
  ["GET", "/lm/bookings/{id}", "booking", "read"],
  ["DELETE", "/lm/bookings/{id}", "booking", "delete"],
  ["PUT", "/lm/cluster_statuses", "cluster-status", "update"],
  ["GET", "/lm/cluster_statuses", "cluster-status", "read"],
];

const concrete = (path: string) => path.replace("{id}", "12345").replace("{slurm_job_id}", "12345");

let oidc: DevOidcProvider;
let api: RunningApi;
beforeAll(async () => {
  oidc = await startOidc();
  api = await startApi("sqlite", oidc);
});
afterAll(async () => {
  await api?.close();
  await oidc?.close();
});

describe("permission matrix", () => {
  test("the matrix covers every route of the OpenAPI document", async () => {
    const doc = (await api.call("GET", "/lm/docs/json", { as: null })).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(ROUTES.map(([method, path]) => `${method} ${path}`).sort());
  });

  test.each(ROUTES)("%s %s", async (method, path, resource, action) => {
    const needed = permissionName(resource, action);
    const body = method === "GET" || method === "DELETE" ? undefined : {};

    const anonymous = await api.call(method, concrete(path), { as: null, body });
    expect(anonymous.status).toBe(401);

    const nobody = await api.call(method, concrete(path), { as: "nobody", body });
    expect(nobody.status).toBe(403);
    expect(nobody.body).toEqual({
      detail: `missing permission ${needed}`,
      missing_permission: needed,
    });

    for (const other of ACTIONS.filter((a) => a !== action)) {
      const wrong = await api.call(method, concrete(path), {
        as: `only-${resource}-${other}`,
        body,
      });
      expect(wrong.status, `only-${resource}-${other}`).toBe(403);
      expect(wrong.body).toMatchObject({ missing_permission: needed });
    }

    const allowed = await api.call(method, concrete(path), {
      as: `only-${resource}-${action}`,
      body,
    });
    expect([401, 403, 500]).not.toContain(allowed.status);
    const admin = await api.call(method, concrete(path), { as: "cluster-a", body });
    expect(admin.status).toBe(allowed.status);
  });
});
