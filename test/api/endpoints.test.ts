import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DevOidcProvider } from "../../src/api/dev-oidc.js";
import { DRIVERS, startApi, startOidc, type RunningApi } from "./helpers/api.js";
import { startPostgres, type TestPostgres } from "./helpers/postgres.js";
import { featureId, seedConfiguration } from "./helpers/seed.js";

let oidc: DevOidcProvider;
let postgres: TestPostgres;
beforeAll(async () => {
  oidc = await startOidc();
  postgres = await startPostgres();
});
afterAll(async () => {
  await postgres?.stop();
  await oidc?.close();
});

describe.each(DRIVERS)("License Manager API over %s", (driver) => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi(driver, oidc, postgres);
  });
  afterAll(async () => api?.close());

  test("products: create, list, get, rename, refuse duplicates, delete", async () => {
    const created = await api.call("POST", "/lm/products", { body: { name: "Abaqus" } });
    expect(created.status).toBe(201);
    const id = (created.body as { id: number }).id;
    expect(created.body).toEqual({ id, name: "Abaqus" });

    const duplicate = await api.call("POST", "/lm/products", { body: { name: "abaqus" } });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toEqual({ detail: 'a product named "abaqus" already exists' });

    expect((await api.call("GET", `/lm/products/${id}`)).body).toEqual({ id, name: "Abaqus" });
    const renamed = await api.call("PUT", `/lm/products/${id}`, { body: { name: "abaqus-2026" } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({ id, name: "abaqus-2026" });

    const list = await api.call("GET", "/lm/products?search=ABAQUS-20");
    expect(list.body).toEqual([{ id, name: "abaqus-2026" }]);
    expect(list.headers.get("x-total-count")).toBe("1");

    expect((await api.call("DELETE", `/lm/products/${id}`)).status).toBe(204);
    const gone = await api.call("GET", `/lm/products/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ detail: `product ${id} not found` });
    expect((await api.call("DELETE", `/lm/products/${id}`)).status).toBe(404);
  });

  test("products: a product with features cannot be deleted", async () => {
    const seeded = await seedConfiguration(api, {
      product: "ansys",
      features: { cfd: { total: 4 } },
    });
    const refused = await api.call("DELETE", `/lm/products/${seeded.productId}`);
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({
      detail: `product ${seeded.productId} is used by 1 feature(s); delete them first`,
    });
  });

  test("configurations: nested features and servers, by_client_id, update, cascade delete", async () => {
    const product = (await api.call("POST", "/lm/products", { body: { name: "comsol" } })).body as {
      id: number;
    };
    const created = await api.call("POST", "/lm/configurations", {
      body: {
        name: "COMSOL site",
        cluster_client_id: "cluster-a",
        grace_time: 600,
        type: "flexlm",
        features: [
          { name: "multiphysics", product_id: product.id, reserved: 2 },
          { name: "acdc", product_id: product.id },
        ],
        license_servers: [
          { host: "lic-primary", port: 1718 },
          { host: "lic-backup", port: 1719 },
        ],
      },
    });
    expect(created.status).toBe(201);
    const config = created.body as {
      id: number;
      features: Array<{ id: number; name: string }>;
      license_servers: Array<{ id: number }>;
    };
    expect(config).toMatchObject({
      name: "COMSOL site",
      cluster_client_id: "cluster-a",
      grace_time: 600,
      type: "flexlm",
    });
    expect(
      config.features.map((f) => [f.name, (f as unknown as { reserved: number }).reserved]),
    ).toEqual([
      ["multiphysics", 2],
      ["acdc", 0],
    ]);
    expect(config.features[0]).toEqual({
      id: config.features[0]?.id,
      name: "multiphysics",
      product: { id: product.id, name: "comsol" },
      config_id: config.id,
      reserved: 2,
      total: 0,
      used: 0,
      booked_total: 0,
    });
    expect(config.license_servers.map((s) => s)).toEqual([
      {
        id: config.license_servers[0]?.id,
        config_id: config.id,
        host: "lic-primary",
        port: 1718,
        position: 0,
      },
      {
        id: config.license_servers[1]?.id,
        config_id: config.id,
        host: "lic-backup",
        port: 1719,
        position: 1,
      },
    ]);

    await api.call("POST", "/lm/configurations", {
      as: "cluster-b",
      body: { name: "B only", cluster_client_id: "cluster-b", grace_time: 60, type: "rlm" },
    });
    const mine = await api.call("GET", "/lm/configurations/by_client_id", { as: "cluster-b" });
    expect((mine.body as Array<{ name: string }>).map((c) => c.name)).toEqual(["B only"]);
    const all = await api.call("GET", "/lm/configurations?search=comsol");
    expect((all.body as Array<{ id: number }>).map((c) => c.id)).toEqual([config.id]);

    const keptId = config.features[0]?.id;
    const updated = await api.call("PUT", `/lm/configurations/${config.id}`, {
      body: {
        grace_time: 900,
        features: [
          { name: "MULTIPHYSICS", product_id: product.id, reserved: 3 },
          { name: "cfd", product_id: product.id },
        ],
        license_servers: [{ host: "lic-new", port: 1800 }],
      },
    });
    expect(updated.status).toBe(200);
    const after = updated.body as {
      grace_time: number;
      name: string;
      features: Array<{ id: number; name: string; reserved: number }>;
      license_servers: Array<{ host: string; port: number }>;
    };
    expect(after.grace_time).toBe(900);
    expect(after.name).toBe("COMSOL site");
    expect(after.features.map((f) => [f.name, f.reserved])).toEqual([
      ["MULTIPHYSICS", 3],
      ["cfd", 0],
    ]);
    expect(after.features[0]?.id).toBe(keptId);
    expect(after.license_servers.map((s) => [s.host, s.port])).toEqual([["lic-new", 1800]]);

    expect((await api.call("GET", `/lm/configurations/${config.id}`)).body).toEqual(updated.body);
    expect((await api.call("DELETE", `/lm/configurations/${config.id}`)).status).toBe(204);
    expect((await api.call("GET", `/lm/configurations/${config.id}`)).status).toBe(404);
    expect((await api.call("GET", `/lm/features/${keptId}`)).status).toBe(404);
  });

  test("license servers: failover order, types, update, delete", async () => {
    const config = (
      await api.call("POST", "/lm/configurations", {
        body: { name: "rlm site", cluster_client_id: "cluster-a", grace_time: 60, type: "rlm" },
      })
    ).body as { id: number };
    const first = await api.call("POST", "/lm/license_servers", {
      body: { config_id: config.id, host: "rlm1", port: 5053 },
    });
    const second = await api.call("POST", "/lm/license_servers", {
      body: { config_id: config.id, host: "rlm2", port: 5053 },
    });
    expect(first.status).toBe(201);
    expect(second.body).toMatchObject({
      config_id: config.id,
      host: "rlm2",
      port: 5053,
      position: 1,
    });
    const secondId = (second.body as { id: number }).id;

    const promoted = await api.call("PUT", `/lm/license_servers/${secondId}`, {
      body: { position: -1 },
    });
    expect(promoted.status).toBe(422);
    await api.call("PUT", `/lm/license_servers/${(first.body as { id: number }).id}`, {
      body: { position: 5 },
    });
    const view = (await api.call("GET", `/lm/configurations/${config.id}`)).body as {
      license_servers: Array<{ host: string }>;
    };
    expect(view.license_servers.map((s) => s.host)).toEqual(["rlm2", "rlm1"]);

    const types = await api.call("GET", "/lm/license_servers/types/");
    expect(types.body).toEqual(["flexlm", "rlm", "lsdyna", "lmx", "olicense", "dsls"]);
    expect((await api.call("GET", "/lm/license_servers/types")).body).toEqual(types.body);
    expect((await api.call("GET", `/lm/license_servers/${secondId}/`)).body).toMatchObject({
      host: "rlm2",
    });
    const found = await api.call("GET", "/lm/license_servers?search=rlm2");
    expect((found.body as Array<{ id: number }>).map((s) => s.id)).toEqual([secondId]);
    expect((await api.call("GET", `/lm/license_servers/${secondId}`)).body).toMatchObject({
      host: "rlm2",
    });

    const orphan = await api.call("POST", "/lm/license_servers", {
      body: { config_id: 999999, host: "x", port: 1 },
    });
    expect(orphan.status).toBe(404);
    expect(orphan.body).toEqual({ detail: "configuration 999999 not found" });

    expect((await api.call("DELETE", `/lm/license_servers/${secondId}`)).status).toBe(204);
    expect((await api.call("GET", `/lm/license_servers/${secondId}`)).status).toBe(404);
  });

  test("features: create, search, sort, page, by_client_id, update, delete", async () => {
    const seeded = await seedConfiguration(api, {
      product: "matlab",
      features: {
        simulink: { total: 10, used: 2 },
        toolbox_a: { total: 5 },
        toolbox_b: { total: 7 },
      },
    });
    const extra = await api.call("POST", "/lm/features", {
      body: {
        name: "compiler",
        product_id: seeded.productId,
        config_id: seeded.configId,
        total: 3,
        reserved: 1,
      },
    });
    expect(extra.status).toBe(201);
    expect(extra.body).toMatchObject({
      name: "compiler",
      total: 3,
      used: 0,
      reserved: 1,
      booked_total: 0,
    });
    const dup = await api.call("POST", "/lm/features", {
      body: { name: "COMPILER", product_id: seeded.productId, config_id: seeded.configId },
    });
    expect(dup.status).toBe(409);

    const paged = await api.call(
      "GET",
      "/lm/features?search=matlab&sort_field=total&sort_ascending=false&page=2&size=2",
    );
    expect(paged.headers.get("x-total-count")).toBe("4");
    expect(
      (paged.body as Array<{ name: string; total: number }>).map((f) => [f.name, f.total]),
    ).toEqual([
      ["toolbox_a", 5],
      ["compiler", 3],
    ]);
    const badSort = await api.call("GET", "/lm/features?sort_field=color");
    expect(badSort.status).toBe(422);
    expect((badSort.body as { detail: string }).detail).toContain(
      'sort_field "color" is not one of: id, name, product',
    );

    const other = await api.call("GET", "/lm/features/by_client_id?search=matlab", {
      as: "cluster-b",
    });
    expect(other.body).toEqual([]);
    const mine = await api.call("GET", "/lm/features/by_client_id?search=matlab");
    expect((mine.body as unknown[]).length).toBe(4);

    const simulink = featureId(seeded, "simulink");
    const changed = await api.call("PUT", `/lm/features/${simulink}`, { body: { reserved: 4 } });
    expect(changed.body).toMatchObject({ id: simulink, total: 10, used: 2, reserved: 4 });
    expect((await api.call("DELETE", `/lm/features/${simulink}`)).status).toBe(204);
    expect((await api.call("GET", `/lm/features/${simulink}`)).status).toBe(404);
  });

  test("features/bulk: updates the caller's cluster in one go and reports the unknown", async () => {
    const seeded = await seedConfiguration(api, {
      product: "starccm",
      features: { ccmpsuite: { total: 1 }, hpcdomains: { total: 1 } },
    });
    const bulk = await api.call("PUT", "/lm/features/bulk", {
      body: [
        { product_name: "STARCCM", feature_name: "ccmpsuite", total: 20, used: 7 },
        { product_name: "starccm", feature_name: "hpcdomains", total: 512, used: 128 },
        { product_name: "starccm", feature_name: "nosuch", total: 1, used: 0 },
        { product_name: "unknown", feature_name: "x", total: 1, used: 0 },
      ],
    });
    expect(bulk.status).toBe(200);
    expect(bulk.body).toEqual({
      updated: 2,
      missing: [
        { product_name: "starccm", feature_name: "nosuch" },
        { product_name: "unknown", feature_name: "x" },
      ],
    });
    expect(
      (await api.call("GET", `/lm/features/${featureId(seeded, "ccmpsuite")}`)).body,
    ).toMatchObject({
      total: 20,
      used: 7,
    });

    const foreign = await api.call("PUT", "/lm/features/bulk", {
      as: "cluster-b",
      body: [{ product_name: "starccm", feature_name: "ccmpsuite", total: 0, used: 0 }],
    });
    expect(foreign.body).toEqual({
      updated: 0,
      missing: [{ product_name: "starccm", feature_name: "ccmpsuite" }],
    });
    expect(
      (await api.call("GET", `/lm/features/${featureId(seeded, "ccmpsuite")}`)).body,
    ).toMatchObject({
      total: 20,
      used: 7,
    });

    const single = await api.call("PUT", "/lm/features/by_client_id", {
      body: { product_name: "starccm", feature_name: "HPCDOMAINS", total: 256, used: 64 },
    });
    expect(single.status).toBe(200);
    expect(single.body).toEqual([
      expect.objectContaining({ id: featureId(seeded, "hpcdomains"), total: 256, used: 64 }),
    ]);
    const notMine = await api.call("PUT", "/lm/features/by_client_id", {
      as: "cluster-b",
      body: { product_name: "starccm", feature_name: "hpcdomains", total: 1, used: 1 },
    });
    expect(notMine.status).toBe(404);
    expect(notMine.body).toEqual({
      detail: 'feature of cluster "cluster-b": "starccm.hpcdomains" not found',
    });

    const invalid = await api.call("PUT", "/lm/features/bulk", {
      body: [
        { product_name: "starccm", feature_name: "ccmpsuite", total: 3, used: 1 },
        { product_name: "starccm", feature_name: "hpcdomains", total: -1, used: 0 },
      ],
    });
    expect(invalid.status).toBe(422);
    expect((invalid.body as { detail: string }).detail).toContain("body.1.total");
    expect(
      (await api.call("GET", `/lm/features/${featureId(seeded, "ccmpsuite")}`)).body,
    ).toMatchObject({
      total: 20,
    });
  });

  test("jobs: created with bookings atomically; refused whole when one booking does not fit", async () => {
    const seeded = await seedConfiguration(api, {
      product: "fluent",
      features: { solver: { total: 10, used: 3, reserved: 2 }, mesher: { total: 2 } },
    });
    const solver = featureId(seeded, "solver");
    const mesher = featureId(seeded, "mesher");
    const job = await api.call("POST", "/lm/jobs", {
      body: {
        slurm_job_id: "1001",
        username: "alice",
        lead_host: "node01",
        bookings: [
          { product_name: "fluent", feature_name: "SOLVER", quantity: 4 },
          { feature_id: mesher, quantity: 1 },
        ],
      },
    });
    expect(job.status).toBe(201);
    const created = job.body as { id: number; bookings: Array<Record<string, unknown>> };
    expect(created).toMatchObject({
      slurm_job_id: "1001",
      cluster_client_id: "cluster-a",
      username: "alice",
      lead_host: "node01",
    });
    expect(
      created.bookings.map((b) => [b["feature_id"], b["quantity"], b["job_id"], b["created_at"]]),
    ).toEqual([
      [solver, 4, created.id, "2026-01-15T12:00:00.000Z"],
      [mesher, 1, created.id, "2026-01-15T12:00:00.000Z"],
    ]);
    expect((await api.call("GET", `/lm/features/${solver}`)).body).toMatchObject({
      booked_total: 4,
    });

    const tooMany = await api.call("POST", "/lm/jobs", {
      body: {
        slurm_job_id: "1002",
        username: "bob",
        lead_host: "node02",
        bookings: [
          { feature_id: mesher, quantity: 1 },
          { product_name: "fluent", feature_name: "solver", quantity: 2 },
        ],
      },
    });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body).toEqual({
      detail: `not enough fluent.solver (feature ${solver}): asked for 2, 1 free (total 10, used 3, reserved 2, booked 4)`,
      feature_id: solver,
      product_name: "fluent",
      feature_name: "solver",
      requested: 2,
      total: 10,
      used: 3,
      reserved: 2,
      booked_total: 4,
    });
    expect((await api.call("GET", "/lm/jobs/slurm_job_id/1002")).status).toBe(404);
    expect((await api.call("GET", `/lm/features/${mesher}`)).body).toMatchObject({
      booked_total: 1,
    });

    const again = await api.call("POST", "/lm/jobs", {
      body: { slurm_job_id: "1001", username: "alice", lead_host: "node01", bookings: [] },
    });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({
      detail: 'job with slurm_job_id "1001" already exists for cluster "cluster-a"',
    });

    const otherCluster = await api.call("POST", "/lm/jobs", {
      as: "cluster-b",
      body: { slurm_job_id: 1001, username: "carol", lead_host: "b01" },
    });
    expect(otherCluster.status).toBe(201);
    expect(otherCluster.body).toMatchObject({
      slurm_job_id: "1001",
      cluster_client_id: "cluster-b",
      bookings: [],
    });

    const unknownFeature = await api.call("POST", "/lm/jobs", {
      body: {
        slurm_job_id: "1003",
        username: "dan",
        lead_host: "n3",
        bookings: [{ product_name: "fluent", feature_name: "nosuch", quantity: 1 }],
      },
    });
    expect(unknownFeature.status).toBe(404);
    expect(unknownFeature.body).toEqual({
      detail: 'feature for cluster "cluster-a": "fluent.nosuch" not found',
    });
    const foreignFeature = await api.call("POST", "/lm/jobs", {
      as: "cluster-b",
      body: {
        slurm_job_id: "2001",
        username: "erin",
        lead_host: "b2",
        bookings: [{ feature_id: solver, quantity: 1 }],
      },
    });
    expect(foreignFeature.status).toBe(422);
  });

  test("jobs: list, by_client_id, get, slurm_job_id scoped to the caller, delete frees bookings", async () => {
    const seeded = await seedConfiguration(api, {
      product: "lsdyna",
      features: { mppdyna: { total: 100 } },
    });
    const mpp = featureId(seeded, "mppdyna");
    const a = await api.call("POST", "/lm/jobs", {
      body: {
        slurm_job_id: "7",
        username: "u1",
        lead_host: "h1",
        bookings: [{ feature_id: mpp, quantity: 16 }],
      },
    });
    const jobId = (a.body as { id: number }).id;
    expect((await api.call("GET", `/lm/jobs/${jobId}`)).body).toEqual(a.body);
    expect((await api.call("GET", "/lm/jobs/slurm_job_id/7")).body).toEqual(a.body);
    expect((await api.call("GET", "/lm/jobs/slurm_job_id/7", { as: "cluster-b" })).status).toBe(
      404,
    );
    const byClient = await api.call("GET", "/lm/jobs/by_client_id?search=u1", { as: "cluster-a" });
    expect((byClient.body as Array<{ id: number }>).map((j) => j.id)).toEqual([jobId]);
    const listed = await api.call("GET", "/lm/jobs?search=u1");
    expect(listed.headers.get("x-total-count")).toBe("1");

    expect((await api.call("DELETE", "/lm/jobs/slurm_job_id/7", { as: "cluster-b" })).status).toBe(
      404,
    );
    expect((await api.call("GET", `/lm/features/${mpp}`)).body).toMatchObject({ booked_total: 16 });
    expect((await api.call("DELETE", "/lm/jobs/slurm_job_id/7")).status).toBe(204);
    expect((await api.call("GET", `/lm/features/${mpp}`)).body).toMatchObject({ booked_total: 0 });

    const b = await api.call("POST", "/lm/jobs", {
      body: {
        slurm_job_id: "8",
        username: "u2",
        lead_host: "h2",
        bookings: [{ feature_id: mpp, quantity: 8 }],
      },
    });
    const bId = (b.body as { id: number }).id;
    expect((await api.call("DELETE", `/lm/jobs/${bId}`)).status).toBe(204);
    expect((await api.call("GET", `/lm/jobs/${bId}`)).status).toBe(404);
    expect((await api.call("GET", "/lm/bookings")).body).not.toContainEqual(
      expect.objectContaining({ job_id: bId }),
    );
  });

  test("bookings: create within the free seats, get, list, delete", async () => {
    const seeded = await seedConfiguration(api, {
      product: "cadence",
      features: { spectre: { total: 5, used: 1 } },
    });
    const spectre = featureId(seeded, "spectre");
    const job = (
      await api.call("POST", "/lm/jobs", {
        body: { slurm_job_id: "b-1", username: "u", lead_host: "h" },
      })
    ).body as { id: number };
    const booking = await api.call("POST", "/lm/bookings", {
      body: { job_id: job.id, feature_id: spectre, quantity: 3 },
    });
    expect(booking.status).toBe(201);
    const id = (booking.body as { id: number }).id;
    expect(booking.body).toEqual({
      id,
      job_id: job.id,
      feature_id: spectre,
      quantity: 3,
      created_at: "2026-01-15T12:00:00.000Z",
    });
    const over = await api.call("POST", "/lm/bookings", {
      body: { job_id: job.id, feature_id: spectre, quantity: 2 },
    });
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({
      requested: 2,
      total: 5,
      used: 1,
      reserved: 0,
      booked_total: 3,
    });
    const last = await api.call("POST", "/lm/bookings", {
      body: { job_id: job.id, feature_id: spectre, quantity: 1 },
    });
    expect(last.status).toBe(201);

    expect((await api.call("GET", `/lm/bookings/${id}`)).body).toEqual(booking.body);
    const listed = await api.call(
      "GET",
      "/lm/bookings?sort_field=quantity&sort_ascending=false&size=1",
    );
    expect(listed.status).toBe(200);
    expect((await api.call("GET", `/lm/jobs/${job.id}`)).body).toMatchObject({
      bookings: [booking.body, last.body],
    });
    expect(
      (
        await api.call("POST", "/lm/bookings", {
          body: { job_id: 999999, feature_id: spectre, quantity: 1 },
        })
      ).body,
    ).toEqual({
      detail: "job 999999 not found",
    });
    expect((await api.call("DELETE", `/lm/bookings/${id}`)).status).toBe(204);
    expect((await api.call("GET", `/lm/bookings/${id}`)).status).toBe(404);
    expect((await api.call("GET", `/lm/features/${spectre}`)).body).toMatchObject({
      booked_total: 1,
    });
  });

  test("cluster statuses: reported by the agent, stale after two missed intervals", async () => {
    const start = api.clock.now;
    const report = await api.call("PUT", "/lm/cluster_statuses", {
      as: "cluster-b",
      body: { interval: 60, success: true, errors: [] },
    });
    expect(report.status).toBe(200);
    expect(report.body).toEqual({
      cluster_client_id: "cluster-b",
      interval: 60,
      last_reported: start.toISOString(),
      last_success: start.toISOString(),
      errors: [],
      is_healthy: true,
    });
    api.clock.now = new Date(start.getTime() + 90_000);
    const failed = await api.call("PUT", "/lm/cluster_statuses", {
      as: "cluster-b",
      body: {
        interval: 60,
        success: false,
        errors: ["lic1:27000: Cannot connect to license server"],
      },
    });
    expect(failed.body).toMatchObject({
      last_reported: "2026-01-15T12:01:30.000Z",
      last_success: "2026-01-15T12:00:00.000Z",
      errors: ["lic1:27000: Cannot connect to license server"],
      is_healthy: true,
    });
    api.clock.now = new Date(start.getTime() + 90_000 + 120_000);
    expect((await api.call("GET", "/lm/cluster_statuses")).body).toContainEqual(
      expect.objectContaining({ cluster_client_id: "cluster-b", is_healthy: true }),
    );
    api.clock.now = new Date(start.getTime() + 90_000 + 120_001);
    expect((await api.call("GET", "/lm/cluster_statuses")).body).toContainEqual(
      expect.objectContaining({ cluster_client_id: "cluster-b", is_healthy: false }),
    );
    api.clock.now = start;
  });

  test("bad JSON, wrong types, unknown ids and unknown routes give 4xx with a clear detail", async () => {
    const badJson = await api.call("POST", "/lm/products", { rawBody: '{"name": ' });
    expect(badJson.status).toBe(400);
    expect((badJson.body as { detail: string }).detail).toMatch(/JSON/);

    const wrongType = await api.call("POST", "/lm/configurations", {
      body: { name: "x", cluster_client_id: "cluster-a", grace_time: "soon", type: "hasp" },
    });
    expect(wrongType.status).toBe(422);
    const detail = (wrongType.body as { detail: string }).detail;
    expect(detail).toContain("body.grace_time");
    expect(detail).toContain("body.type");

    const noBody = await api.call("POST", "/lm/products");
    expect(noBody.status).toBe(422);
    expect((noBody.body as { detail: string }).detail).toMatch(/^body: /);

    const notAnId = await api.call("GET", "/lm/features/abc");
    expect(notAnId.status).toBe(422);
    expect(notAnId.body).toEqual({
      detail: 'feature id must be a positive integer up to 2147483647, got "abc"',
    });

    const unknownProduct = await api.call("POST", "/lm/features", {
      body: { name: "f", product_id: 424242, config_id: 1 },
    });
    expect(unknownProduct.status).toBe(404);
    expect(unknownProduct.body).toEqual({ detail: "product 424242 not found" });

    const zeroQuantity = await api.call("POST", "/lm/bookings", {
      body: { job_id: 1, feature_id: 1, quantity: 0 },
    });
    expect(zeroQuantity.status).toBe(422);

    const badPage = await api.call("GET", "/lm/products?page=0");
    expect(badPage.status).toBe(422);

    const route = await api.call("GET", "/lm/nothing-here");
    expect(route.status).toBe(404);
    expect(route.body).toEqual({ detail: "no route for GET /lm/nothing-here" });

    for (const path of [
      "/lm/configurations/99999",
      "/lm/license_servers/99999",
      "/lm/jobs/99999",
      "/lm/bookings/99999",
    ]) {
      const reply = await api.call("GET", path);
      expect(reply.status, path).toBe(404);
      expect((reply.body as { detail: string }).detail).toMatch(/99999 not found$/);
    }
  });

  test("hostile input never gives a 500", async () => {
    const seeded = await seedConfiguration(api, {
      product: "hostile",
      features: { f: { total: 1 } },
    });
    const f = featureId(seeded, "f");
    const cases: Array<
      [string, string, { body?: unknown; rawBody?: string; headers?: Record<string, string> }]
    > = [
      ["GET", "/lm/products/3000000000", {}],
      ["GET", "/lm/products/99999999999999999999999", {}],
      ["PUT", `/lm/features/${f}`, { body: { total: 3_000_000_000 } }],
      ["POST", "/lm/products", { body: { name: "nul\u0000byte" } }],
      ["GET", "/lm/products?search=%00", {}],
      ["GET", "/lm/jobs/slurm_job_id/%00", {}],
      ["GET", "/lm/products?sort_ascending=maybe", {}],
      ["GET", "/lm/products?page=abc", {}],
      ["GET", "/lm/products?size=100000", {}],
      ["GET", "/lm/products?search=a&search=b", {}],
      ["POST", "/lm/products", { rawBody: "null" }],
      ["POST", "/lm/products", { rawBody: '"just a string"' }],
      ["POST", "/lm/products", { rawBody: "[1,2,3]" }],
      ["POST", "/lm/products", { rawBody: "", headers: { "content-type": "application/json" } }],
      ["POST", "/lm/products", { rawBody: "name=x", headers: { "content-type": "text/plain" } }],
      ["PUT", "/lm/features/bulk", { body: { product_name: "not", feature_name: "an array" } }],
      ["POST", "/lm/jobs", { body: { slurm_job_id: -5, username: "u", lead_host: "h" } }],
      [
        "POST",
        "/lm/jobs",
        { body: { slurm_job_id: "9", username: "u", lead_host: "h", bookings: [{ quantity: 1 }] } },
      ],
      ["POST", "/lm/bookings", { body: { job_id: 2_147_483_648, feature_id: f, quantity: 1 } }],
      ["PUT", "/lm/cluster_statuses", { body: { interval: 0, success: "yes" } }],
      [
        "PUT",
        `/lm/configurations/${seeded.configId}`,
        { body: { features: [{ name: "x", product_id: 999999 }] } },
      ],
    ];
    for (const [method, path, options] of cases) {
      const reply = await api.call(method, path, options);
      const label = `${method} ${path} ${JSON.stringify(options)}`;
      expect(reply.status, label).toBeGreaterThanOrEqual(400);
      expect(reply.status, label).toBeLessThan(500);
      expect(typeof (reply.body as { detail?: unknown }).detail, label).toBe("string");
    }
    expect((await api.call("GET", `/lm/features/${f}`)).body).toMatchObject({ total: 1 });
    const config = (await api.call("GET", `/lm/configurations/${seeded.configId}`)).body as {
      features: unknown[];
    };
    expect(config.features).toHaveLength(1);
  });

  test("authentication: no token, a malformed one, or one from another issuer is 401", async () => {
    const none = await api.call("GET", "/lm/products", { as: null });
    expect(none.status).toBe(401);
    expect(none.body).toEqual({
      detail: "missing Authorization header (expected: Bearer <access token>)",
    });
    const garbage = await api.call("GET", "/lm/products", {
      as: null,
      headers: { authorization: "Bearer not.a.jwt" },
    });
    expect(garbage.status).toBe(401);
    expect((garbage.body as { detail: string }).detail).toMatch(/^invalid access token/);
    const { startDevOidcProvider } = await import("../../src/api/dev-oidc.js");
    const stranger = await startDevOidcProvider({
      clients: [{ clientId: "x", secret: "y", permissions: ["license-manager:admin"] }],
    });
    try {
      const token = await stranger.fetchToken("x", "y");
      const foreign = await api.call("GET", "/lm/products", {
        as: null,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(foreign.status).toBe(401);
    } finally {
      await stranger.close();
    }
  });

  test("metrics: features total, used and booked per cluster, without auth", async () => {
    const seeded = await seedConfiguration(api, {
      as: "cluster-b",
      product: "metrics",
      features: { gauge: { total: 9, used: 4 } },
    });
    await api.call("POST", "/lm/jobs", {
      as: "cluster-b",
      body: {
        slurm_job_id: "m-1",
        username: "u",
        lead_host: "h",
        bookings: [{ feature_id: featureId(seeded, "gauge"), quantity: 2 }],
      },
    });
    const metrics = await api.call("GET", "/lm/metrics", { as: null });
    expect(metrics.status).toBe(200);
    const text = metrics.body as string;
    expect(text).toContain(
      'lmkeeper_feature_total{cluster="cluster-b",product="metrics",feature="gauge"} 9',
    );
    expect(text).toContain(
      'lmkeeper_feature_used{cluster="cluster-b",product="metrics",feature="gauge"} 4',
    );
    expect(text).toContain(
      'lmkeeper_feature_booked{cluster="cluster-b",product="metrics",feature="gauge"} 2',
    );
  });

  test("OpenAPI document at /lm/docs", async () => {
    const doc = await api.call("GET", "/lm/docs/json", { as: null });
    expect(doc.status).toBe(200);
    const paths = Object.keys((doc.body as { paths: Record<string, unknown> }).paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        "/lm/configurations/by_client_id",
        "/lm/features/bulk",
        "/lm/jobs/slurm_job_id/{slurm_job_id}",
        "/lm/cluster_statuses",
        "/lm/license_servers/types/",
      ]),
    );
    expect((await api.call("GET", "/lm/docs", { as: null })).status).toBeLessThan(400);
  });
});
