import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  checkinRemembered,
  checkoutAndRemember,
  refreshLeases,
} from "../../src/server-core/client-session.js";
import { DEFAULT_GRACE_MS, readClientState } from "../../src/server-core/client-state.js";
import { LicenseServerError } from "../../src/server-core/client.js";
import type { RunningServer } from "../../src/server-core/server.js";
import { ManualClock, startTestServer, tempDir } from "./helpers.js";

const DAY_S = 86_400;
let dir: ReturnType<typeof tempDir>;
let server: RunningServer | undefined;
let serverClock: ManualClock;
let statePath: string;

beforeEach(async () => {
  dir = tempDir();
  statePath = join(dir.path, "client", "leases.json");
  ({ server, clock: serverClock } = await startTestServer(dir.path, { lease_seconds: 3600 }));
});

afterEach(async () => {
  await server?.close();
  dir.remove();
});

const request = { feature: "mesher", version: "2026", user: "alice", host: "node001" };

describe("client grace period", () => {
  it("keeps a granted lease working for 7 days while the server is unreachable, and says so", async () => {
    const clientClock = new ManualClock(Date.UTC(2026, 10, 23, 12));
    const options = { statePath, now: clientClock.now };
    const lease = await checkoutAndRemember(server!.url, request, options);
    expect(readClientState(statePath).leases.map((held) => held.lease.id)).toEqual([lease.id]);
    expect((await refreshLeases(DEFAULT_GRACE_MS, options))[0]?.standing).toEqual({
      state: "valid",
    });

    const port = server!.port;
    await server!.close();
    server = undefined;
    const downSince = new Date(clientClock.now()).toISOString();
    expect((await refreshLeases(DEFAULT_GRACE_MS, options))[0]?.standing).toEqual({
      state: "grace",
      since: downSince,
      graceEndsAt: "2026-11-30T12:00:00.000Z",
    });
    // the grace period counts from the first failed attempt, not the latest
    clientClock.advance(6 * DAY_S);
    expect((await refreshLeases(DEFAULT_GRACE_MS, options))[0]?.standing).toMatchObject({
      state: "grace",
      since: downSince,
    });
    clientClock.advance(DAY_S);
    expect((await refreshLeases(DEFAULT_GRACE_MS, options))[0]?.standing).toEqual({
      state: "expired",
      since: downSince,
      graceEndedAt: "2026-11-30T12:00:00.000Z",
    });

    // the server comes back a week later on the same port and database: valid again, grace reset
    serverClock.advance(7 * DAY_S);
    ({ server } = await startTestServer(dir.path, { lease_seconds: 3600, port }, serverClock));
    const [back] = await refreshLeases(DEFAULT_GRACE_MS, options);
    expect(back?.standing).toEqual({ state: "valid" });
    expect(readClientState(statePath).leases[0]?.unreachableSince).toBeUndefined();

    expect((await checkinRemembered(undefined, options)).map((held) => held.lease.id)).toEqual([
      lease.id,
    ]);
    expect(readClientState(statePath).leases).toEqual([]);
    expect(
      server.snapshot().features.find((feature) => feature.name === "mesher")?.pools[0]?.leases,
    ).toEqual([]);
  });

  it("gives no grace to a lease the server no longer holds", async () => {
    const options = { statePath };
    const lease = await checkoutAndRemember(server!.url, request, options);
    serverClock.advance(3601);
    const [report] = await refreshLeases(DEFAULT_GRACE_MS, options);
    expect(report?.standing).toEqual({
      state: "lost",
      code: "LEASE_EXPIRED",
      message: `Lease ${lease.id} expired; check out again`,
    });
    expect(readClientState(statePath).leases).toEqual([]);
  });

  it("loses no lease when several invocations share the state file at once", async () => {
    const leases = await Promise.all(
      Array.from({ length: 8 }, (_, n) =>
        checkoutAndRemember(
          server!.url,
          { ...request, feature: "solver", user: `u${n}` },
          { statePath },
        ),
      ),
    );
    const held = readClientState(statePath)
      .leases.map((entry) => entry.lease.id)
      .sort();
    expect(held).toEqual(leases.map((lease) => lease.id).sort());
    expect(existsSync(`${statePath}.lock`)).toBe(false);
  });

  it("reports a denial as a LicenseServerError and remembers nothing", async () => {
    await expect(
      checkoutAndRemember(server!.url, { ...request, version: "2099" }, { statePath }),
    ).rejects.toMatchObject({
      constructor: LicenseServerError,
      code: "VERSION_TOO_NEW",
      status: 409,
    });
    expect(existsSync(statePath)).toBe(false);
  });
});

describe("lmkeeper checkout / checkin commands", () => {
  const ROOT = fileURLToPath(new URL("../../", import.meta.url));
  const MAIN = join(ROOT, "dist", "cli", "main.js");
  const run = (args: string[]) =>
    promisify(execFile)(process.execPath, [MAIN, ...args], {
      env: { ...process.env, LMKEEPER_LEASE_STATE: statePath },
    }).then(
      (result) => ({ code: 0, ...result }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  it("checks out, reports grace while the server is down, and exits 5 once grace is over", async () => {
    if (!existsSync(MAIN)) await promisify(execFile)("npm", ["run", "build"], { cwd: ROOT });
    const out = await run([
      "checkout",
      "solver",
      "--min-version",
      "2026.5",
      "--url",
      server!.url,
      "--count",
      "2",
      "--user",
      "bob",
      "--host",
      "n7",
    ]);
    expect(out.code).toBe(0);
    const lease = JSON.parse(out.stdout) as { id: string; count: number; grantedVersion: string };
    expect(lease).toMatchObject({ count: 2, version: "2026.5", grantedVersion: "2027.0" });
    expect(JSON.parse(readFileSync(statePath, "utf8")).leases[0].lease.id).toBe(lease.id);

    const denied = await run(["checkout", "nosuch", "--url", server!.url]);
    expect(denied.code).toBe(3);
    expect(denied.stderr).toContain('FEATURE_NOT_FOUND: No such feature "nosuch" on this server');

    await server!.close();
    server = undefined;
    const grace = await run(["checkout", "--status"]);
    expect(grace.code).toBe(0);
    expect(JSON.parse(grace.stdout)[0].standing.state).toBe("grace");
    const over = await run(["checkout", "--status", "--grace-days", "0"]);
    expect(over.code).toBe(5);
    expect(JSON.parse(over.stdout)[0].standing.state).toBe("expired");
  });

  it("runs a command while holding the license, renewing it, and checks it in afterwards", async () => {
    // a real clock and a 3 s lease: the command outlives the lease unless heartbeats renew it
    const { startServer } = await import("../../src/server-core/server.js");
    const { testConfig } = await import("./helpers.js");
    await server!.close();
    server = await startServer(testConfig(dir.path, { lease_seconds: 3 }), { now: Date.now });
    const probe = [
      "setTimeout(async () => {",
      `  const status = await (await fetch(${JSON.stringify(server.url)} + "/api/1.0/status")).json();`,
      '  const pool = status.features.find((f) => f.name === "mesher").pools[0];',
      "  console.log(pool.leases.map((l) => l.user + ':' + l.count).join(','));",
      "  process.exit(7);",
      "}, 4500);",
    ].join("\n");
    const result = await run([
      "checkout",
      "mesher",
      "--url",
      server.url,
      "--count",
      "2",
      "--user",
      "carol",
      "--",
      process.execPath,
      "-e",
      probe,
    ]);
    expect(result.code).toBe(7);
    expect(result.stdout).toBe("carol:2\n");
    expect(server.snapshot().features.find((f) => f.name === "mesher")?.pools[0]?.leases).toEqual(
      [],
    );
    expect(readClientState(statePath).leases).toEqual([]);
  });
});
