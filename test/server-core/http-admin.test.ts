import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_ADMIN_PASSWORD, LOCKOUT_MS } from "../../src/server-core/admin-auth.js";
import type { RunningServer } from "../../src/server-core/server.js";
import { api, basic, ManualClock, startTestServer, tempDir } from "./helpers.js";

const NEW_PASSWORD = "Lic3nse-Admin";
const CODE = "9876-WXYZ-0000-1111";

let dir: ReturnType<typeof tempDir>;
let server: RunningServer;
let clock: ManualClock;

beforeEach(async () => {
  dir = tempDir();
  ({ server, clock } = await startTestServer(dir.path));
});

afterEach(async () => {
  await server.close();
  dir.remove();
});

const admin = (method: string, path: string, password: string, body?: unknown) =>
  api(server, method, `/api/1.0/admin${path}`, body, { authorization: basic(password) });

async function changeDefaultPassword(): Promise<void> {
  const changed = await admin("PUT", "/password", DEFAULT_ADMIN_PASSWORD, {
    newPassword: NEW_PASSWORD,
  });
  expect(changed).toEqual({ status: 200, body: { changed: true } });
}

describe("admin access", () => {
  it("needs credentials on every admin route", async () => {
    const none = await api(server, "GET", "/api/1.0/admin/licenses");
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe("AUTH_REQUIRED");
    const wrongUser = await api(server, "GET", "/api/1.0/admin/licenses", undefined, {
      authorization: basic(DEFAULT_ADMIN_PASSWORD, "root"),
    });
    expect(wrongUser.body.error.code).toBe("BAD_CREDENTIALS");
  });

  it("refuses every other admin call until the default password is changed", async () => {
    expect(await admin("GET", "/licenses", DEFAULT_ADMIN_PASSWORD)).toEqual({
      status: 403,
      body: {
        error: {
          code: "DEFAULT_PASSWORD_MUST_CHANGE",
          message:
            "The default admin password must be changed first (lmkeeper server set-password)",
        },
      },
    });
    expect(
      (await admin("PUT", `/activations/${CODE}`, DEFAULT_ADMIN_PASSWORD, { count: 1 })).status,
    ).toBe(403);
    await changeDefaultPassword();
    expect((await admin("GET", "/licenses", NEW_PASSWORD)).status).toBe(200);
    expect((await admin("GET", "/licenses", DEFAULT_ADMIN_PASSWORD)).body.error.code).toBe(
      "BAD_CREDENTIALS",
    );
  });

  it("enforces the password rules and refuses reusing the default", async () => {
    const weak = await admin("PUT", "/password", DEFAULT_ADMIN_PASSWORD, {
      newPassword: "password",
    });
    expect(weak.status).toBe(400);
    expect(weak.body.error.code).toBe("PASSWORD_RULES");
    expect(weak.body.error.details).toEqual([
      "must contain at least one uppercase letter",
      "must contain at least one digit",
      "must contain at least one symbol other than ' \" \\",
    ]);
    const same = await admin("PUT", "/password", DEFAULT_ADMIN_PASSWORD, {
      newPassword: DEFAULT_ADMIN_PASSWORD,
    });
    expect(same.body.error.code).toBe("PASSWORD_UNCHANGED");
  });

  it("locks admin access for 10 minutes after 3 consecutive wrong passwords, until restart", async () => {
    await changeDefaultPassword();
    for (const attempt of [1, 2, 3]) {
      const wrong = await admin("GET", "/licenses", `Wrong-pass${attempt}`);
      expect(wrong.status).toBe(401);
    }
    const locked = await admin("GET", "/licenses", NEW_PASSWORD);
    expect(locked).toEqual({
      status: 429,
      body: {
        error: {
          code: "TOO_MANY_FAILED_LOGINS",
          message:
            "Too many failed logins: admin access is blocked for 10 minutes or until the server restarts",
        },
      },
    });
    // checkouts are not admin calls and keep working
    expect(
      (await api(server, "POST", "/api/1.0/leases", { feature: "mesher", user: "a", host: "h" }))
        .status,
    ).toBe(201);
    clock.advance(LOCKOUT_MS / 1000 - 1);
    expect((await admin("GET", "/licenses", NEW_PASSWORD)).status).toBe(429);
    clock.advance(1);
    expect((await admin("GET", "/licenses", NEW_PASSWORD)).status).toBe(200);

    // lock again, then a restart lifts it; the changed password survived the restart
    for (const attempt of [1, 2, 3]) await admin("GET", "/licenses", `Wrong-pass${attempt}`);
    expect((await admin("GET", "/licenses", NEW_PASSWORD)).status).toBe(429);
    await server.close();
    ({ server } = await startTestServer(dir.path, {}, clock));
    expect((await admin("GET", "/licenses", NEW_PASSWORD)).status).toBe(200);
  });
});

describe("activation codes", () => {
  beforeEach(changeDefaultPassword);

  it("sets the total (5 then 10 gives 10), serves it as a pool, and returns them all", async () => {
    expect(await admin("PUT", `/activations/${CODE}`, NEW_PASSWORD, { count: 5 })).toEqual({
      status: 200,
      body: { code: CODE, active: 5, previous: 0 },
    });
    expect(await admin("PUT", `/activations/${CODE}`, NEW_PASSWORD, { count: 10 })).toEqual({
      status: 200,
      body: { code: CODE, active: 10, previous: 5 },
    });
    const solverPools = () =>
      server
        .snapshot()
        .features.find((feature) => feature.name === "solver")
        ?.pools.map((pool) => pool.count);
    expect(solverPools()).toEqual([10, 5, 10]);

    // 15 license-file seats + 10 activated seats
    const results = await Promise.all(
      Array.from({ length: 30 }, () =>
        api(server, "POST", "/api/1.0/leases", { feature: "solver", user: "u", host: "h" }),
      ),
    );
    expect(results.filter((result) => result.status === 201)).toHaveLength(25);

    const list = (await admin("GET", "/licenses", NEW_PASSWORD)).body;
    expect(list.features.at(-1)).toEqual({
      id: 5,
      feature: "solver",
      vendor: "acme",
      version: "2026.0",
      expires: "31-dec-2030",
      count: 10,
      used: 10,
      available: 0,
      source: `activation ${CODE}`,
    });

    const busy = await admin("DELETE", `/activations/${CODE}`, NEW_PASSWORD);
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe("ACTIVATION_IN_USE");

    for (const result of results.filter((r) => r.status === 201)) {
      await api(server, "DELETE", `/api/1.0/leases/${result.body.lease.id}`);
    }
    expect(await admin("DELETE", `/activations/${CODE}`, NEW_PASSWORD)).toEqual({
      status: 200,
      body: { code: CODE, returned: 10, active: 0 },
    });
    expect(solverPools()).toEqual([10, 5]);
  });

  it("fails with ACTIVATION_ID_COUNT_EXCEEDED and ACTIVATION_ID_INVALID", async () => {
    const exceeded = await admin("PUT", `/activations/${CODE}`, NEW_PASSWORD, { count: 21 });
    expect(exceeded).toEqual({
      status: 409,
      body: {
        error: {
          code: "ACTIVATION_ID_COUNT_EXCEEDED",
          message: `Activation code ${CODE} holds 20 licenses; 21 were requested`,
        },
      },
    });
    const invalid = await admin("PUT", "/activations/0000-NOPE", NEW_PASSWORD, { count: 1 });
    expect(invalid).toEqual({
      status: 404,
      body: {
        error: { code: "ACTIVATION_ID_INVALID", message: "Activation code 0000-NOPE is not valid" },
      },
    });
  });

  it("keeps activations and leases across a restart", async () => {
    await admin("PUT", `/activations/${CODE}`, NEW_PASSWORD, { count: 7 });
    const lease = await api(server, "POST", "/api/1.0/leases", {
      feature: "mesher",
      user: "a",
      host: "h",
      count: 3,
    });
    await server.close();
    ({ server } = await startTestServer(dir.path, {}, clock));
    const list = (await admin("GET", "/licenses", NEW_PASSWORD)).body;
    expect(
      list.features.map((entry: { count: number; used: number }) => [entry.count, entry.used]),
    ).toEqual([
      [10, 0],
      [5, 0],
      [4, 3],
      ["uncounted", 0],
      [7, 0],
    ]);
    expect(
      (await api(server, "POST", `/api/1.0/leases/${lease.body.lease.id}/heartbeat`)).status,
    ).toBe(200);
  });
});
