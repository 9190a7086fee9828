import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ServerConfigInput } from "../../../src/server-core/config.js";
import type { RunningServer } from "../../../src/server-core/server.js";
import { api, tempDir } from "../helpers.js";
import { admin, checkout, putModel, startPolicyServer } from "../policy/setup.js";

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

function failover(role: "main" | "backup", peer: string): Partial<ServerConfigInput> {
  return {
    failover: { role, peer, sync_secret: SECRET, sync_seconds: 0.05, failover_after_failures: 1 },
  };
}

async function start(name: string, overrides: Partial<ServerConfigInput>): Promise<RunningServer> {
  const { server } = await startPolicyServer(dir.path, {
    database: `${name}/server.db`,
    hostname: name,
    ...overrides,
  });
  running.push(server);
  return server;
}

async function stop(server: RunningServer): Promise<void> {
  running.splice(running.indexOf(server), 1);
  await server.close();
}

async function waitFor(check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("condition not met in 5 s");
}

const inFailover = async (server: RunningServer) =>
  (await api(server, "GET", "/api/1.0/status")).body.server.inFailover === true;

const LAB = {
  name: "Lab",
  reservations: [{ hostId: "alice", idType: "USER", feature: "solver", version: "1.0", count: 2 }],
};
const ACCESS = { blacklist: [{ userName: "mallory" }] };
const SITES = `model "sites" {
  partitions {
    partition "Pune" { "mesher" 1.0 2 }
  }
  rules {
    rule "Pune" { user "(alice|bob)" }
  }
}
`;

describe("policies in the failover sync (real HTTP and SQLite)", () => {
  it("reservations and access rules set on the main hold on the backup during an outage, also after its restart", async () => {
    const main = await start("main", failover("main", UNUSED));
    const backupConfig = { license_files: [], ...failover("backup", main.url) };
    let backup = await start("backup", backupConfig);
    expect((await admin(main, "POST", "/reservations", LAB)).status).toBe(201);
    expect((await admin(main, "PUT", "/access", ACCESS)).status).toBe(200);
    await waitFor(
      () =>
        backup.policy.snapshot().reservationGroups.length === 1 &&
        backup.policy.snapshot().accessConfig !== null,
    );
    expect(backup.policy.snapshot()).toEqual(main.policy.snapshot());
    expect((await admin(backup, "GET", "/access")).body).toEqual({
      source: "access config (admin API)",
      config: ACCESS,
    });

    // while the main is up, the backup refuses policy changes like license changes
    for (const [method, path, body] of [
      ["POST", "/reservations", { ...LAB, name: "Other" }],
      ["POST", "/reservations/import", { groups: [] }],
      ["DELETE", "/reservations/Lab", undefined],
      ["PUT", "/access", {}],
      ["DELETE", "/model", undefined],
    ] as const) {
      const refused = await admin(backup, method, path, body);
      expect([path, refused.status, refused.body.error.code]).toEqual([
        path,
        409,
        "BACKUP_READ_ONLY",
      ]);
    }
    const model = await putModel(backup, SITES);
    expect([model.status, model.body.error.code]).toEqual([409, "BACKUP_READ_ONLY"]);
    expect(backup.policy.snapshot()).toEqual(main.policy.snapshot());

    await stop(main);
    await waitFor(() => inFailover(backup));

    // 4 solver seats, 2 kept for alice; mallory is refused whatever is free
    const denied = await checkout(backup, { feature: "solver", user: "mallory" });
    expect([denied.status, denied.body.error.code]).toEqual([403, "ACCESS_DENIED"]);
    expect((await checkout(backup, { feature: "solver", user: "carol" })).status).toBe(201);
    expect((await checkout(backup, { feature: "solver", user: "dave" })).status).toBe(201);
    const full = await checkout(backup, { feature: "solver", user: "erin" });
    expect([full.status, full.body.error.code]).toEqual([409, "ALL_IN_USE"]);
    expect((await checkout(backup, { feature: "solver", user: "alice", count: 2 })).status).toBe(
      201,
    );

    // the backup restarts while the main is still down: its stored copy still holds
    await stop(backup);
    backup = await start("backup", backupConfig);
    await waitFor(() => inFailover(backup));
    expect((await admin(backup, "GET", "/reservations/export")).body).toEqual({ groups: [LAB] });
    const stillDenied = await checkout(backup, { feature: "mesher", user: "mallory" });
    expect([stillDenied.status, stillDenied.body.error.code]).toEqual([403, "ACCESS_DENIED"]);
    expect(
      backup.service
        .liveLeases()
        .map((lease) => `${lease.user}x${lease.count}`)
        .sort(),
    ).toEqual(["alicex2", "carolx1", "davex1"]);
  });

  it("follows the main's changes: a group deleted and a model uploaded replace what the backup had", async () => {
    const main = await start("main", failover("main", UNUSED));
    const backup = await start("backup", { license_files: [], ...failover("backup", main.url) });
    expect((await admin(main, "POST", "/reservations", LAB)).status).toBe(201);
    await waitFor(() => backup.policy.snapshot().reservationGroups.length === 1);

    expect((await admin(main, "DELETE", "/reservations/Lab")).status).toBe(200);
    expect((await putModel(main, SITES)).status).toBe(200);
    await waitFor(() => backup.policy.snapshot().modelDefinition === SITES);
    expect(backup.policy.snapshot()).toEqual({
      reservationGroups: [],
      modelDefinition: SITES,
      accessConfig: null,
    });

    await stop(main);
    await waitFor(() => inFailover(backup));
    // mesher has 2 seats, both in the Pune pool: only alice and bob draw from it
    const carol = await checkout(backup, { feature: "mesher", user: "carol" });
    expect([carol.status, carol.body.error.code]).toEqual([409, "ALL_IN_USE"]);
    expect((await checkout(backup, { feature: "mesher", user: "bob" })).status).toBe(201);
    expect((await admin(backup, "GET", "/model")).body.name).toBe("sites");
  });
});
