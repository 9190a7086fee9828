import type { ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ADMIN_PASSWORD } from "../../../src/server-core/admin-auth.js";
import { api, basic, tempDir } from "../helpers.js";
import { POLICY_LICENSE } from "../policy/setup.js";
import {
  ensureBuilt,
  exited,
  freePort,
  killAll,
  pairConfigLines,
  startServerProcess,
  waitFor,
  writeYaml,
} from "./processes.js";

const children: ChildProcess[] = [];
let dir: ReturnType<typeof tempDir>;

beforeAll(() => {
  ensureBuilt();
  dir = tempDir();
});

afterAll(() => {
  killAll(children);
  dir.remove();
});

function pairConfig(role: "main" | "backup", port: number, peer: string): string[] {
  return pairConfigLines(role, port, peer, {
    mainOnly: [
      `license_files: [${JSON.stringify(POLICY_LICENSE)}]`,
      "access_config: access-config.json",
    ],
  });
}

const ADMIN_PASSWORD = "Lic3nse-Admin";
const admin = (url: string, method: string, path: string, body?: unknown) =>
  api({ url }, method, `/api/1.0/admin${path}`, body, {
    authorization: basic(ADMIN_PASSWORD),
  });

/** Each server has its own admin password (not part of the sync). */
async function setAdminPassword(url: string): Promise<void> {
  const changed = await api(
    { url },
    "PUT",
    "/api/1.0/admin/password",
    { newPassword: ADMIN_PASSWORD },
    { authorization: basic(DEFAULT_ADMIN_PASSWORD) },
  );
  expect(changed.status).toBe(200);
}
const checkout = (url: string, user: string, feature: string, count = 1) =>
  api({ url }, "POST", "/api/1.0/leases", { feature, user, host: `${user}-ws`, count });
const inFailover = async (url: string) =>
  (await api({ url }, "GET", "/api/1.0/status")).body.server.inFailover === true ? true : undefined;

const LAB = {
  name: "Lab",
  reservations: [{ hostId: "alice", idType: "USER", feature: "solver", version: "1.0", count: 2 }],
};

describe("policies across a failover pair of two server processes", () => {
  it("a reservation and an access rule set on the main hold on the backup through an outage and its restart", async () => {
    writeFileSync(
      join(dir.path, "access-config.json"),
      JSON.stringify({ blacklist: [{ userName: "mallory" }] }),
    );
    const [mainPort, backupPort] = [await freePort(), await freePort()];
    const mainUrl = `http://127.0.0.1:${mainPort}`;
    const backupUrl = `http://127.0.0.1:${backupPort}`;
    const mainConfig = writeYaml(
      join(dir.path, "main.yaml"),
      pairConfig("main", mainPort, backupUrl),
    );
    const backupConfig = writeYaml(
      join(dir.path, "backup.yaml"),
      pairConfig("backup", backupPort, mainUrl),
    );
    const main = await startServerProcess(mainConfig, children);
    let backup = await startServerProcess(backupConfig, children);
    await setAdminPassword(mainUrl);
    await setAdminPassword(backupUrl);

    expect((await admin(mainUrl, "POST", "/reservations", LAB)).status).toBe(201);
    await waitFor("the backup to take the main's reservations", async () => {
      const listed = await admin(backupUrl, "GET", "/reservations/export");
      return listed.body.groups?.length === 1 ? true : undefined;
    });
    expect((await admin(backupUrl, "GET", "/reservations/export")).body).toEqual({
      groups: [LAB],
    });
    expect((await admin(backupUrl, "GET", "/access")).body).toEqual({
      source: join(dir.path, "access-config.json"),
      config: { blacklist: [{ userName: "mallory" }] },
    });
    const refused = await admin(backupUrl, "DELETE", "/reservations/Lab");
    expect([refused.status, refused.body.error.code]).toEqual([409, "BACKUP_READ_ONLY"]);

    main.child.kill("SIGKILL");
    await exited(main.child);
    await waitFor("the backup to serve", () => inFailover(backupUrl));

    // 4 solver seats, 2 kept for alice; mallory is refused whatever is free
    const denied = await checkout(backupUrl, "mallory", "solver");
    expect([denied.status, denied.body.error.code]).toEqual([403, "ACCESS_DENIED"]);
    expect((await checkout(backupUrl, "carol", "solver")).status).toBe(201);
    expect((await checkout(backupUrl, "dave", "solver")).status).toBe(201);
    const full = await checkout(backupUrl, "erin", "solver");
    expect([full.status, full.body.error.code]).toEqual([409, "ALL_IN_USE"]);
    expect((await checkout(backupUrl, "alice", "solver", 2)).status).toBe(201);

    // restarted while the main is still down, the backup keeps the policies it stored
    backup.child.kill("SIGTERM");
    await exited(backup.child);
    backup = await startServerProcess(backupConfig, children);
    await waitFor("the restarted backup to serve", () => inFailover(backupUrl));
    const stillDenied = await checkout(backupUrl, "mallory", "mesher");
    expect([stillDenied.status, stillDenied.body.error.code]).toEqual([403, "ACCESS_DENIED"]);
    const stillFull = await checkout(backupUrl, "erin", "solver");
    expect([stillFull.status, stillFull.body.error.code]).toEqual([409, "ALL_IN_USE"]);
    backup.child.kill("SIGTERM");
    await exited(backup.child);
  });
});
