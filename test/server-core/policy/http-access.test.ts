import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunningServer } from "../../../src/server-core/server.js";
import { api, ManualClock, tempDir } from "../helpers.js";
import { admin, checkout, startPolicyServer } from "./setup.js";

let dir: ReturnType<typeof tempDir>;
let server: RunningServer;
let clock: ManualClock;

beforeEach(async () => {
  dir = tempDir();
  ({ server, clock } = await startPolicyServer(dir.path));
});

afterEach(async () => {
  await server.close();
  dir.remove();
});

const setAccess = async (config: unknown) => {
  const response = await admin(server, "PUT", "/access", config);
  expect(response.status).toBe(200);
};

/** Status of a checkout of one seat, released again at once so seats never run out. */
async function attempt(body: Record<string, unknown>): Promise<number> {
  const response = await checkout(server, body);
  if (response.status === 201)
    await api(server, "DELETE", `/api/1.0/leases/${response.body.lease.id}`);
  return response.status;
}

describe("access rules through HTTP: the seed's cases", () => {
  it("case 1: the blacklist refuses only listed users with an empty host name, so these all get RS 2017.3", async () => {
    await setAccess({
      blacklist: [{ product: "RS 2017.3", userName: "(username1|username3|katya)", hostName: "" }],
    });
    for (const user of ["katya", "username1", "katya123", "username333", "olga"])
      expect([user, await attempt({ feature: "RS", version: "2017.3", user })]).toEqual([
        user,
        201,
      ]);
    await setAccess({
      blacklist: [{ product: "RS 2017.3", userName: "(username1|username3|katya)" }],
    });
    const refused = await checkout(server, { feature: "RS", version: "2017.3", user: "katya" });
    expect(refused).toEqual({
      status: 403,
      body: {
        error: { code: "ACCESS_DENIED", message: "katya@katya-ws is refused by blacklist[0]" },
      },
    });
    expect(await attempt({ feature: "RS", version: "2017.2", user: "katya" })).toBe(201);
    expect(await attempt({ feature: "II", version: "2017.2", user: "katya" })).toBe(201);
  });

  it("case 2: the whitelist with an empty host name admits nobody who sends a host name", async () => {
    await setAccess({
      whitelist: [{ product: "RS 2017.3", userName: "(username1|username3|katya)", hostName: "" }],
    });
    const refused = await checkout(server, { feature: "RS", version: "2017.3", user: "katya" });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe(
      'katya@katya-ws matches no whitelist rule for "RS" 2017.3',
    );
    expect(await attempt({ feature: "GO", version: "2017.3", user: "katya" })).toBe(403);
    expect(await attempt({ feature: "RS", version: "2017.3", user: "olga" })).toBe(403);
    await setAccess({
      whitelist: [{ product: "RS 2017.3", userName: "(username1|username3|katya)" }],
    });
    expect(await attempt({ feature: "RS", version: "2017.3", user: "katya" })).toBe(201);
    expect(await attempt({ feature: "RS", version: "2017.2", user: "katya" })).toBe(403);
    expect(await attempt({ feature: "RS", version: "2017.3", user: "olga" })).toBe(403);
  });

  it("case 3: the whitelist wins; the lookahead blacklist keeps other products open", async () => {
    await setAccess({
      blacklist: [{ product: "II 2017.2", userName: "(username1|username2)" }],
      whitelist: [{ product: "GO 2017.3", userName: "(username3|username4|katya)" }],
    });
    expect(await attempt({ feature: "II", version: "2017.2", user: "username1" })).toBe(403);
    expect(await attempt({ feature: "II", version: "2017.2", user: "stranger" })).toBe(403);
    expect(await attempt({ feature: "GO", version: "2017.3", user: "katya" })).toBe(201);
    await setAccess({
      blacklist: [
        { product: "II 2017.2", userName: "(username1|username2)" },
        { product: "GO 2017.3", userName: "((?!username3|username4|katya).)*" },
      ],
    });
    expect(await attempt({ feature: "GO", version: "2017.3", user: "username3" })).toBe(201);
    expect(await attempt({ feature: "GO", version: "2017.3", user: "stranger" })).toBe(403);
    expect(await attempt({ feature: "II", version: "2017.2", user: "stranger" })).toBe(201);
    expect(await attempt({ feature: "II", version: "2017.2", user: "username2" })).toBe(403);
  });

  it("case 4: checkLicenseOnly gives user2 ReSharper only from single ReSharper licenses", async () => {
    await setAccess({
      whitelist: [
        { product: "RSU", userName: "user" },
        { product: "RS0", userName: "user2", checkLicenseOnly: "true" },
      ],
    });
    expect(await attempt({ feature: "RS0", product: "RS0", user: "user2" })).toBe(201);
    expect(await attempt({ feature: "RSU", product: "RS0", user: "user2" })).toBe(403);
    expect(await attempt({ feature: "ALL", product: "RS0", user: "user2" })).toBe(403);
    expect(await attempt({ feature: "RSU", product: "DC", user: "user2" })).toBe(403);
    expect(await attempt({ feature: "RSU", product: "DC", user: "user" })).toBe(201);
  });
});

describe("access rules through HTTP: other fields, loading and showing", () => {
  it("matches ip and buildNumber", async () => {
    await setAccess({ whitelist: [{ ip: "127\\.0\\.0\\.1", buildNumber: "2011\\.2\\..+" }] });
    expect(await attempt({ feature: "mesher", user: "a", buildNumber: "2011.2.4" })).toBe(201);
    expect(await attempt({ feature: "mesher", user: "a", buildNumber: "2012.1.0" })).toBe(403);
    expect(await attempt({ feature: "mesher", user: "a" })).toBe(403);
    await setAccess({ whitelist: [{ ip: "10\\..*" }] });
    expect(await attempt({ feature: "mesher", user: "a" })).toBe(403);
  });

  it("refuses an invalid config at load, keeping the one in force", async () => {
    await setAccess({ blacklist: [{ userName: "mallory" }] });
    const bad = await admin(server, "PUT", "/access", { blacklist: [{ userName: "([a-z" }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("POLICY_INVALID");
    expect(bad.body.error.message).toMatch(
      /^access config \(admin API\): blacklist\[0\]\.userName: invalid regular expression "\(\[a-z": /,
    );
    expect((await admin(server, "GET", "/access")).body).toEqual({
      source: "access config (admin API)",
      config: { blacklist: [{ userName: "mallory" }] },
    });
    expect(await attempt({ feature: "mesher", user: "mallory" })).toBe(403);
  });

  it("loads access-config.json named in the server config and keeps the stored one across restarts", async () => {
    await server.close();
    const file = join(dir.path, "access-config.json");
    writeFileSync(file, JSON.stringify({ whitelist: [{ userName: "kate" }] }));
    ({ server } = await startPolicyServer(dir.path, { access_config: file }));
    expect((await admin(server, "GET", "/access")).body).toEqual({
      source: file,
      config: { whitelist: [{ userName: "kate" }] },
    });
    expect(await attempt({ feature: "mesher", user: "bob" })).toBe(403);
    await server.close();
    ({ server } = await startPolicyServer(dir.path));
    expect(await attempt({ feature: "mesher", user: "bob" })).toBe(403);
    expect(await attempt({ feature: "mesher", user: "kate" })).toBe(201);
    await server.close();
    writeFileSync(file, '{ "whitelist": [ { "userName": "(" } ] }');
    await expect(startPolicyServer(dir.path, { access_config: file })).rejects.toThrow(
      `${file}: whitelist[0].userName: invalid regular expression "(": `,
    );
    ({ server } = await startPolicyServer(dir.path));
  });
});

describe("priority", () => {
  it("revokes the lease seen longest ago for a prioritylist user; its holder hears it on the next heartbeat", async () => {
    await setAccess({ prioritylist: [{ userName: "kate" }] });
    const alice = await checkout(server, { feature: "mesher", user: "alice" });
    clock.advance(5);
    const bob = await checkout(server, { feature: "mesher", user: "bob" });
    clock.advance(5);
    // alice renews: bob is now the one seen longest ago
    expect(
      (await api(server, "POST", `/api/1.0/leases/${alice.body.lease.id}/heartbeat`)).status,
    ).toBe(200);
    clock.advance(5);
    const carol = await checkout(server, { feature: "mesher", user: "carol" });
    expect(carol.body.error.code).toBe("ALL_IN_USE");
    const kate = await checkout(server, { feature: "mesher", user: "kate" });
    expect(kate.status).toBe(201);
    expect(server.service.inUse("lic:mesher:1")).toBe(2);
    expect(server.service.liveLeases().map((lease) => lease.user)).toEqual(["alice", "kate"]);
    const told = await api(server, "POST", `/api/1.0/leases/${bob.body.lease.id}/heartbeat`);
    expect(told).toEqual({
      status: 410,
      body: {
        error: {
          code: "LEASE_REVOKED",
          message: `Lease ${bob.body.lease.id} of "mesher" was revoked at 2026-11-23T12:00:15.000Z for prioritised user kate@kate-ws; check out again`,
        },
      },
    });
    expect(
      (await api(server, "POST", `/api/1.0/leases/${bob.body.lease.id}/heartbeat`)).status,
    ).toBe(404);
    expect(
      (await api(server, "POST", `/api/1.0/leases/${alice.body.lease.id}/heartbeat`)).status,
    ).toBe(200);
  });

  it("tells a revoked client after a server restart too", async () => {
    await setAccess({ prioritylist: [{ userName: "kate" }] });
    const alice = await checkout(server, { feature: "mesher", user: "alice" });
    await checkout(server, { feature: "mesher", user: "bob" });
    clock.advance(1);
    expect((await checkout(server, { feature: "mesher", user: "kate" })).status).toBe(201);
    await server.close();
    ({ server } = await startPolicyServer(dir.path, {}, clock));
    const told = await api(server, "POST", `/api/1.0/leases/${alice.body.lease.id}/heartbeat`);
    expect(told.status).toBe(410);
    expect(told.body.error.code).toBe("LEASE_REVOKED");
    expect(server.service.liveLeases().map((lease) => lease.user)).toEqual(["bob", "kate"]);
  });

  it("forgets a revocation nobody asked about after a week", async () => {
    await setAccess({ prioritylist: [{ userName: "kate" }] });
    const alice = await checkout(server, { feature: "mesher", user: "alice" });
    await checkout(server, { feature: "mesher", user: "bob" });
    expect((await checkout(server, { feature: "mesher", user: "kate" })).status).toBe(201);
    clock.advance(7 * 24 * 3600 - 1);
    await server.service.sweep();
    clock.advance(1);
    await server.service.sweep();
    const gone = await api(server, "POST", `/api/1.0/leases/${alice.body.lease.id}/heartbeat`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe("LEASE_NOT_FOUND");
  });
});
