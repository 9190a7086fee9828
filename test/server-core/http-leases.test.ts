import Database from "better-sqlite3";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunningServer } from "../../src/server-core/server.js";
import { api, ManualClock, startTestServer, tempDir } from "./helpers.js";

let dir: ReturnType<typeof tempDir>;
let server: RunningServer;
let clock: ManualClock;

beforeEach(async () => {
  dir = tempDir();
  ({ server, clock } = await startTestServer(dir.path, { lease_seconds: 60 }));
});

afterEach(async () => {
  await server.close();
  dir.remove();
});

const checkout = (body: Record<string, unknown>) =>
  api(server, "POST", "/api/1.0/leases", { user: "alice", host: "node001", ...body });

describe("lease API over real HTTP", () => {
  it("answers health without auth", async () => {
    expect(await api(server, "GET", "/api/1.0/health")).toEqual({
      status: 200,
      body: { status: "ok" },
    });
  });

  it("never grants more than the count to 64 concurrent clients, and every grant is on disk", async () => {
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, n) =>
        checkout({ feature: "solver", user: `user${n}`, host: `node${n}` }),
      ),
    );
    const granted = results.filter((result) => result.status === 201);
    const denied = results.filter((result) => result.status === 409);
    expect(granted).toHaveLength(15); // 10 from FEATURE + 5 from INCREMENT
    expect(denied).toHaveLength(49);
    expect(new Set(denied.map((result) => result.body.error.code))).toEqual(
      new Set(["ALL_IN_USE"]),
    );
    expect(new Set(granted.map((result) => result.body.lease.handle)).size).toBe(15);

    const db = new Database(join(dir.path, "server.db"), { readonly: true });
    const rows = db
      .prepare("SELECT pool_id, SUM(count) AS used FROM leases GROUP BY pool_id ORDER BY pool_id")
      .all();
    db.close();
    expect(rows).toEqual([
      { pool_id: "lic:solver:1", used: 10 },
      { pool_id: "lic:solver:2", used: 5 },
    ]);
  });

  it("never over-grants with mixed counts under concurrency", async () => {
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, n) => checkout({ feature: "solver", count: (n % 3) + 1 })),
    );
    const snapshot = (await api(server, "GET", "/api/1.0/status")).body;
    const solver = snapshot.features.find((feature: { name: string }) => feature.name === "solver");
    for (const pool of solver.pools) {
      const leased = pool.leases.reduce(
        (sum: number, lease: { count: number }) => sum + lease.count,
        0,
      );
      expect(leased).toBeLessThanOrEqual(pool.count);
    }
    const grantedSeats = results
      .filter((result) => result.status === 201)
      .reduce((sum, result) => sum + result.body.lease.count, 0);
    // some count-1 request must have been denied (22 of them alone exceed 15), and a count-1
    // request is denied only when every seat is taken: so exactly all 15 seats were granted
    expect(grantedSeats).toBe(15);
  });

  it("grants a version ≥ the one requested and says why it cannot", async () => {
    const newer = await checkout({ feature: "solver", version: "2026.5" });
    expect(newer.status).toBe(201);
    expect(newer.body.lease).toMatchObject({
      feature: "solver",
      version: "2026.5",
      grantedVersion: "2027.0",
      count: 1,
    });
    const tooNew = await checkout({ feature: "solver", version: "2028" });
    expect(tooNew).toEqual({
      status: 409,
      body: {
        error: {
          code: "VERSION_TOO_NEW",
          message: 'Version 2028 of "solver" was requested; the newest licensed is 2027.0',
        },
      },
    });
    expect(await checkout({ feature: "nosuch" })).toEqual({
      status: 404,
      body: {
        error: { code: "FEATURE_NOT_FOUND", message: 'No such feature "nosuch" on this server' },
      },
    });
  });

  it("rejects a malformed request naming the field", async () => {
    const bad = await checkout({ feature: "solver", count: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("INVALID_REQUEST");
    expect(bad.body.error.message).toContain("count:");
    const missing = await api(server, "POST", "/api/1.0/leases", { feature: "solver" });
    expect(missing.body.error.message).toMatch(/user: .*; host: /);
    const spaced = await checkout({ feature: "solver", user: "alice smith" });
    expect(spaced.body.error.message).toBe("Invalid request: user: must not contain spaces");
  });

  it("renews on heartbeat, frees on checkin, and frees expired leases by themselves", async () => {
    const held = await Promise.all([1, 2, 3, 4].map(() => checkout({ feature: "mesher" })));
    expect(held.map((result) => result.status)).toEqual([201, 201, 201, 201]);
    expect((await checkout({ feature: "mesher" })).body.error.code).toBe("ALL_IN_USE");

    // checkin frees one seat at once
    const first = held[0]?.body.lease.id as string;
    expect((await api(server, "DELETE", `/api/1.0/leases/${first}`)).status).toBe(200);
    expect((await api(server, "DELETE", `/api/1.0/leases/${first}`)).body.error.code).toBe(
      "LEASE_NOT_FOUND",
    );
    const replacement = await checkout({ feature: "mesher", user: "bob" });
    expect(replacement.status).toBe(201);

    // 50 s later the second lease renews; 20 s after that the others (60 s old) have expired
    clock.advance(50);
    const second = held[1]?.body.lease.id as string;
    const renewed = await api(server, "POST", `/api/1.0/leases/${second}/heartbeat`);
    expect(renewed.status).toBe(200);
    expect(renewed.body.lease.expiresAt).toBe(new Date(clock.now() + 60_000).toISOString());
    clock.advance(20);
    const third = held[2]?.body.lease.id as string;
    expect(await api(server, "POST", `/api/1.0/leases/${third}/heartbeat`)).toEqual({
      status: 410,
      body: {
        error: { code: "LEASE_EXPIRED", message: `Lease ${third} expired; check out again` },
      },
    });
    // seats of the expired leases (third, fourth, bob's) are free again; the renewed one is not
    const again = await Promise.all([1, 2, 3, 4].map(() => checkout({ feature: "mesher" })));
    expect(again.map((result) => result.status)).toEqual([201, 201, 201, 409]);

    const snapshot = server.snapshot();
    const mesher = snapshot.features.find((feature) => feature.name === "mesher");
    expect(mesher?.pools[0]?.leases).toHaveLength(4);
    expect(await server.service.sweep()).toBe(2);
  });

  it("answers 500 and keeps no trace of a grant whose write failed", async () => {
    expect((await checkout({ feature: "mesher", count: 2 })).status).toBe(201);
    server.service["store"].db.exec("ALTER TABLE leases RENAME TO leases_gone");
    const failed = await checkout({ feature: "mesher", count: 2 });
    expect(failed.status).toBe(500);
    expect(failed.body.error.code).toBe("INTERNAL_ERROR");
    expect(server.service.inUse("lic:mesher:1")).toBe(2);
    server.service["store"].db.exec("ALTER TABLE leases_gone RENAME TO leases");
    // the seats of the failed grant were never taken: two are still free
    expect((await checkout({ feature: "mesher", count: 2 })).status).toBe(201);
    expect((await checkout({ feature: "mesher" })).body.error.code).toBe("ALL_IN_USE");
  });

  it("returns the status snapshot with leases mapped to their pools", async () => {
    clock.ms = Date.UTC(2026, 10, 22, 9, 5);
    const granted = await checkout({
      feature: "solver",
      version: "2027",
      count: 3,
      display: "/dev/tty",
      user: "alice",
    });
    expect(granted.status).toBe(201);
    await checkout({ feature: "post", user: "carol", host: "viz1" });
    const { status, body } = await api(server, "GET", "/api/1.0/status");
    expect(status).toBe(200);
    expect(body).toEqual({
      generatedAt: "2026-11-22T09:05:00.000Z",
      server: {
        host: "lic1",
        port: server.port,
        version: expect.any(String),
        licenseFiles: [expect.stringMatching(/fixtures\/server\/acme\.lic$/)],
        role: "standalone",
        up: true,
      },
      vendors: [{ name: "acme", version: expect.any(String), up: true }],
      features: [
        {
          name: "solver",
          vendor: "acme",
          pools: [
            {
              version: "2026.0",
              expires: "31-dec-2030",
              count: 10,
              vendorString: "site=demo",
              reservations: [],
              leases: [],
            },
            {
              version: "2027.0",
              expires: "31-dec-2030",
              count: 5,
              reservations: [],
              leases: [
                {
                  user: "alice",
                  host: "node001",
                  display: "/dev/tty",
                  version: "2027",
                  handle: 1,
                  startedAt: "2026-11-22T09:05:00.000Z",
                  count: 3,
                },
              ],
            },
          ],
        },
        {
          name: "mesher",
          vendor: "acme",
          pools: [
            { version: "2026.0", expires: "permanent", count: 4, reservations: [], leases: [] },
          ],
        },
        {
          name: "post",
          vendor: "acme",
          pools: [
            {
              version: "2026.0",
              expires: "permanent",
              count: "uncounted",
              nodeLockedTo: "ANY",
              reservations: [],
              leases: [
                {
                  user: "carol",
                  host: "viz1",
                  display: "/dev/tty",
                  version: "0",
                  handle: 2,
                  startedAt: "2026-11-22T09:05:00.000Z",
                  count: 1,
                },
              ],
            },
          ],
        },
      ],
    });
  });
});
