import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DevOidcProvider } from "../../src/api/dev-oidc.js";
import { DRIVERS, startApi, startOidc, type RunningApi } from "./helpers/api.js";
import { startPostgres, type TestPostgres } from "./helpers/postgres.js";
import { featureId, seedConfiguration } from "./helpers/seed.js";
import { slowWrites } from "./helpers/slow-writes.js";

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

describe.each(DRIVERS)("concurrent bookings over %s", (driver) => {
  let api: RunningApi;
  beforeAll(async () => {
    // every booking insert waits 40 ms after its transaction checked the free seats
    api = await startApi(driver, oidc, postgres, {
      wrapDatabase: (db) => slowWrites(db, /^(INSERT INTO bookings|UPDATE features SET total)/, 40),
    });
  });
  afterAll(async () => api?.close());

  test("two bookings at once for the last seat: exactly one is created", async () => {
    const seeded = await seedConfiguration(api, {
      product: "race",
      features: { seat: { total: 4, used: 2, reserved: 1 } },
    });
    const seat = featureId(seeded, "seat");
    const job = (
      await api.call("POST", "/lm/jobs", {
        body: { slurm_job_id: "r-0", username: "u", lead_host: "h" },
      })
    ).body as { id: number };
    const attempts = await Promise.all([
      api.call("POST", "/lm/bookings", { body: { job_id: job.id, feature_id: seat, quantity: 1 } }),
      api.call("POST", "/lm/bookings", { body: { job_id: job.id, feature_id: seat, quantity: 1 } }),
    ]);
    expect(attempts.map((a) => a.status).sort()).toEqual([201, 409]);
    expect((await api.call("GET", `/lm/features/${seat}`)).body).toMatchObject({ booked_total: 1 });
  });

  test("eight jobs at once for three seats: exactly three are created, no seat oversold", async () => {
    const seeded = await seedConfiguration(api, {
      product: "race8",
      features: { seat: { total: 5, used: 2 } },
    });
    const seat = featureId(seeded, "seat");
    const attempts = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        api.call("POST", "/lm/jobs", {
          body: {
            slurm_job_id: `j-${i}`,
            username: "u",
            lead_host: "h",
            bookings: [{ feature_id: seat, quantity: 1 }],
          },
        }),
      ),
    );
    const statuses = attempts.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(statuses.filter((s) => s === 409)).toHaveLength(5);
    expect((await api.call("GET", `/lm/features/${seat}`)).body).toMatchObject({ booked_total: 3 });
    const jobs = (await api.call("GET", "/lm/jobs/by_client_id")).body as Array<{
      slurm_job_id: string;
    }>;
    expect(jobs.filter((j) => j.slurm_job_id.startsWith("j-"))).toHaveLength(3);
  });
  test("bulk updates in any order alongside bookings of the same features: all succeed, none deadlock", async () => {
    const seeded = await seedConfiguration(api, {
      product: "mixed",
      features: { alpha: { total: 100 }, beta: { total: 100 } },
    });
    const forward = [
      { product_name: "mixed", feature_name: "alpha", total: 100, used: 10 },
      { product_name: "mixed", feature_name: "beta", total: 100, used: 20 },
    ];
    const attempts = await Promise.all([
      ...Array.from({ length: 4 }, (_, i) =>
        api.call("PUT", "/lm/features/bulk", {
          body: i % 2 === 0 ? forward : [...forward].reverse(),
        }),
      ),
      ...Array.from({ length: 4 }, (_, i) =>
        api.call("POST", "/lm/jobs", {
          body: {
            slurm_job_id: `mixed-${i}`,
            username: "u",
            lead_host: "h",
            bookings: [
              { feature_id: featureId(seeded, i % 2 === 0 ? "alpha" : "beta"), quantity: 2 },
              { feature_id: featureId(seeded, i % 2 === 0 ? "beta" : "alpha"), quantity: 1 },
            ],
          },
        }),
      ),
    ]);
    expect(attempts.map((a) => a.status)).toEqual([200, 200, 200, 200, 201, 201, 201, 201]);
    expect(
      (await api.call("GET", `/lm/features/${featureId(seeded, "alpha")}`)).body,
    ).toMatchObject({
      used: 10,
      booked_total: 6,
    });
    expect((await api.call("GET", `/lm/features/${featureId(seeded, "beta")}`)).body).toMatchObject(
      {
        used: 20,
        booked_total: 6,
      },
    );
  });
});
