import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { join } from "node:path";
import {
  checkinRemembered,
  checkoutAndRemember,
  refreshLeases,
} from "../../../src/server-core/client-session.js";
import { FailoverLicenseClient } from "../../../src/server-core/failover/client.js";
import type { RunningServer } from "../../../src/server-core/server.js";
import type { ServerConfigInput } from "../../../src/server-core/config.js";
import { api, startTestServer, tempDir } from "../helpers.js";

const SECRET = "pair-secret-0123456789";
const UNUSED = "http://127.0.0.1:9";

let dir: ReturnType<typeof tempDir>;
const running: RunningServer[] = [];

beforeEach(() => {
  dir = tempDir();
});

afterEach(async () => {
  for (const server of running.splice(0)) await server.close();
  dir.remove();
});

async function start(name: string, overrides: Partial<ServerConfigInput>): Promise<RunningServer> {
  const { server } = await startTestServer(dir.path, {
    database: `${name}/server.db`,
    hostname: name,
    ...overrides,
  });
  running.push(server);
  return server;
}

function failover(role: "main" | "backup", peer: string): Partial<ServerConfigInput> {
  return {
    failover: { role, peer, sync_secret: SECRET, sync_seconds: 0.05, failover_after_failures: 1 },
  };
}

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("condition not met in 5 s");
}

describe("failover pair in one process (real HTTP and SQLite)", () => {
  it("refuses the sync routes without the pair's secret", async () => {
    const main = await start("main", failover("main", UNUSED));
    const none = await api(main, "GET", "/api/1.0/failover/state");
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe("SYNC_AUTH_REQUIRED");
    const wrong = await api(
      main,
      "POST",
      "/api/1.0/failover/handover",
      { leases: [] },
      {
        authorization: "Bearer not-the-secret-at-all",
      },
    );
    expect(wrong.status).toBe(401);
    const right = await api(main, "GET", "/api/1.0/failover/state", undefined, {
      authorization: `Bearer ${SECRET}`,
    });
    expect(right.status).toBe(200);
    expect(right.body.inFailover).toBe(false);
    expect(right.body.pools.map((pool: { id: string }) => pool.id)).toEqual([
      "lic:solver:1",
      "lic:solver:2",
      "lic:mesher:1",
      "lic:post:1",
    ]);
  });

  it("a backup restarted while its main is down serves from the pools it kept", async () => {
    const main = await start("main", failover("main", UNUSED));
    const backupConfig = {
      license_files: [],
      entitlements_file: undefined,
      ...failover("backup", main.url),
    };
    let backup = await start("backup", backupConfig);
    await waitFor(async () => backup.service.pools().length === 4);
    const client = new FailoverLicenseClient([main.url, backup.url]);
    try {
      const held = await client.checkout({
        feature: "mesher",
        user: "alice",
        host: "n1",
        count: 3,
      });
      expect(held.server).toBe(main.url);
      await waitFor(async () => backup.service.liveLeases().length === 1);

      // the backup refuses license changes: those belong to the main
      const activate = await api(backup, "PUT", "/api/1.0/admin/activations/9876-WXYZ-0000-1111", {
        count: 1,
      });
      expect(activate.status).toBe(409);
      expect(activate.body.error.code).toBe("BACKUP_READ_ONLY");

      await main.close();
      running.splice(running.indexOf(main), 1);
      await backup.close();
      running.splice(running.indexOf(backup), 1);
      backup = await start("backup", backupConfig);
      await waitFor(
        async () => (await api(backup, "GET", "/api/1.0/status")).body.server.inFailover,
      );

      const alone = new FailoverLicenseClient([main.url, backup.url]);
      try {
        // alice's 3 seats still count: one of 4 is left
        expect((await alone.heartbeat(held.lease.id)).server).toBe(backup.url);
        const bob = await alone.checkout({ feature: "mesher", user: "bob", host: "n2" });
        expect(bob.server).toBe(backup.url);
        await expect(
          alone.checkout({ feature: "mesher", user: "carol", host: "n3" }),
        ).rejects.toMatchObject({ code: "ALL_IN_USE" });
      } finally {
        await alone.close();
      }
    } finally {
      await client.close();
    }
  });

  it("scripts that name the pair (MAIN,BACKUP) keep their lease through the main's outage", async () => {
    const main = await start("main", failover("main", UNUSED));
    const backup = await start("backup", {
      license_files: [],
      entitlements_file: undefined,
      ...failover("backup", main.url),
    });
    await waitFor(async () => backup.service.pools().length === 4);
    const session = { statePath: join(dir.path, "leases.json") };
    const servers = `${main.url},${backup.url}`;
    const lease = await checkoutAndRemember(
      servers,
      { feature: "solver", user: "alice", host: "n1", count: 2 },
      session,
    );
    expect(main.service.liveLeases().map((held) => held.id)).toEqual([lease.id]);
    await waitFor(async () => backup.service.liveLeases().length === 1);

    await main.close();
    running.splice(running.indexOf(main), 1);
    await waitFor(async () => (await api(backup, "GET", "/api/1.0/status")).body.server.inFailover);
    const reports = await refreshLeases(86_400_000, session);
    expect(reports).toEqual([
      {
        server: servers,
        leaseId: lease.id,
        feature: "solver",
        count: 2,
        standing: { state: "valid" },
      },
    ]);
    expect((await checkinRemembered("solver", session)).map((held) => held.lease.id)).toEqual([
      lease.id,
    ]);
    expect(backup.service.liveLeases()).toEqual([]);
  });
});
