import { describe, expect, it } from "vitest";
import type { Lease } from "../../../src/server-core/engine.js";
import { LicenseService } from "../../../src/server-core/license-service.js";
import { poolsFromLicenseFiles } from "../../../src/server-core/pools.js";
import { loadLicenseFiles } from "../../../src/server-core/server.js";
import { Store } from "../../../src/server-core/store.js";
import { ACME_LICENSE, ManualClock } from "../helpers.js";

const FAILOVER_AT = Date.UTC(2026, 10, 23, 11, 0, 0);

function lease(id: string, handle: number, lastSeenAt: number, expiresAt: number): Lease {
  return {
    id,
    poolId: "lic:mesher:1",
    feature: "mesher",
    version: "0",
    count: 1,
    user: `user-${id}`,
    host: "n1",
    display: "/dev/tty",
    deviceId: "n1",
    handle,
    startedAt: lastSeenAt,
    lastSeenAt,
    expiresAt,
  };
}

describe("LicenseService.mergeLeases (a main taking its backup's leases)", () => {
  it("adds leases renewed on the backup, skips ones only copied from before, keeps later expiry", async () => {
    const clock = new ManualClock();
    const store = new Store(":memory:");
    const { pools } = poolsFromLicenseFiles(loadLicenseFiles([ACME_LICENSE]));
    const service = new LicenseService(store, pools, [], { leaseMs: 60_000, now: clock.now });
    const own = await service.checkout({
      feature: "mesher",
      version: "0",
      count: 1,
      user: "alice",
      host: "n0",
      display: "/dev/tty",
      deviceId: "n0",
    });
    if (!own.ok) throw new Error("checkout failed");
    const now = clock.now();

    const merged = await service.mergeLeases(
      [
        // the main's own lease, renewed on the backup: later expiry wins
        { ...own.lease, lastSeenAt: now, expiresAt: now + 90_000 },
        // granted by the backup during the outage, with a handle the main already uses
        lease("granted-on-backup", own.lease.handle, now - 1000, now + 50_000),
        // copied from the main before the outage and never renewed: the main had freed it
        lease("freed-on-main", 9, FAILOVER_AT - 5000, now + 10_000),
        // already expired
        lease("stale", 10, now - 1000, now - 1),
      ],
      FAILOVER_AT,
    );
    expect(merged).toEqual({ added: 1, renewed: 1 });
    const live = service.liveLeases();
    expect(live.map((entry) => [entry.id, entry.handle, entry.expiresAt])).toEqual([
      [own.lease.id, own.lease.handle, now + 90_000],
      ["granted-on-backup", own.lease.handle + 1, now + 50_000],
    ]);
    store.close();
  });
});
