import { describe, expect, it } from "vitest";
import {
  allocate,
  compareVersions,
  type CheckoutRequest,
  type EngineState,
  type Lease,
  type Pool,
} from "../../src/server-core/engine.js";

const NOW = Date.UTC(2026, 10, 23, 12);

function pool(id: string, overrides: Partial<Pool> = {}): Pool {
  return {
    id,
    feature: "solver",
    vendor: "acme",
    version: "2026.0",
    expires: "permanent",
    expiresAt: null,
    count: 10,
    source: { kind: "license-file", file: "acme.lic", line: 1 },
    ...overrides,
  };
}

function lease(poolId: string, count: number, expiresAt = NOW + 60_000): Lease {
  return {
    id: `${poolId}-${count}-${expiresAt}`,
    poolId,
    feature: "solver",
    version: "0",
    count,
    user: "u",
    host: "h",
    display: "",
    deviceId: "h",
    handle: 1,
    startedAt: NOW - 1000,
    lastSeenAt: NOW - 1000,
    expiresAt,
  };
}

function state(pools: Pool[], leases: Lease[] = []): EngineState {
  return { pools, leasesOf: (id) => leases.filter((entry) => entry.poolId === id) };
}

const request = (overrides: Partial<CheckoutRequest> = {}): CheckoutRequest => ({
  feature: "solver",
  version: "0",
  count: 1,
  user: "alice",
  host: "node001",
  display: "",
  deviceId: "node001",
  ...overrides,
});

describe("allocate", () => {
  it("grants from the first pool with room, then the next one", () => {
    const pools = [pool("a", { count: 2 }), pool("b", { count: 5 })];
    expect(allocate(state(pools, [lease("a", 1)]), request(), NOW)).toEqual({
      kind: "grant",
      poolId: "a",
      count: 1,
    });
    expect(allocate(state(pools, [lease("a", 2)]), request({ count: 3 }), NOW)).toEqual({
      kind: "grant",
      poolId: "b",
      count: 3,
    });
  });

  it("denies ALL_IN_USE when every pool is full, and REQUEST_EXCEEDS_TOTAL when no pool is big enough", () => {
    const pools = [pool("a", { count: 2 }), pool("b", { count: 3 })];
    const full = state(pools, [lease("a", 2), lease("b", 1)]);
    expect(allocate(full, request({ count: 3 }), NOW)).toMatchObject({
      kind: "deny",
      code: "ALL_IN_USE",
    });
    expect(allocate(full, request({ count: 2 }), NOW)).toMatchObject({
      kind: "grant",
      poolId: "b",
    });
    expect(allocate(state(pools), request({ count: 4 }), NOW)).toMatchObject({
      kind: "deny",
      code: "REQUEST_EXCEEDS_TOTAL",
    });
  });

  it("ignores leases past their expiry", () => {
    const pools = [pool("a", { count: 2 })];
    const leases = [lease("a", 2, NOW)];
    expect(allocate(state(pools, leases), request({ count: 2 }), NOW)).toMatchObject({
      kind: "grant",
      poolId: "a",
    });
    expect(allocate(state(pools, leases), request(), NOW - 1)).toMatchObject({
      code: "ALL_IN_USE",
    });
  });

  it("grants version ≥ requested only", () => {
    const pools = [
      pool("old", { version: "2026.0" }),
      pool("new", { version: "2027.1", count: 1 }),
    ];
    expect(allocate(state(pools), request({ version: "2026.5" }), NOW)).toMatchObject({
      poolId: "new",
    });
    expect(allocate(state(pools), request({ version: "2027.1" }), NOW)).toMatchObject({
      poolId: "new",
    });
    expect(allocate(state(pools), request({ version: "2026" }), NOW)).toMatchObject({
      poolId: "old",
    });
    const denied = allocate(state(pools), request({ version: "2027.2" }), NOW);
    expect(denied).toEqual({
      kind: "deny",
      code: "VERSION_TOO_NEW",
      message: 'Version 2027.2 of "solver" was requested; the newest licensed is 2027.1',
    });
  });

  it("denies an unknown feature and matches names case-insensitively", () => {
    expect(allocate(state([pool("a")]), request({ feature: "nope" }), NOW)).toMatchObject({
      code: "FEATURE_NOT_FOUND",
    });
    expect(allocate(state([pool("a")]), request({ feature: "SOLVER" }), NOW)).toMatchObject({
      kind: "grant",
    });
  });

  it("denies LICENSE_EXPIRED once every matching pool is past its expiry day", () => {
    const expiring = pool("a", { expires: "22-nov-2026", expiresAt: Date.UTC(2026, 10, 23) });
    expect(allocate(state([expiring]), request(), NOW)).toMatchObject({
      kind: "deny",
      code: "LICENSE_EXPIRED",
    });
    expect(allocate(state([expiring]), request(), Date.UTC(2026, 10, 22, 23))).toMatchObject({
      kind: "grant",
    });
  });

  it("denies NOT_YET_VALID before a pool's START date", () => {
    const later = pool("a", { startsAt: NOW + 1 });
    expect(allocate(state([later]), request(), NOW)).toMatchObject({
      kind: "deny",
      code: "NOT_YET_VALID",
    });
    expect(allocate(state([later]), request(), NOW + 1)).toMatchObject({ kind: "grant" });
  });

  it("serves uncounted pools first and without limit", () => {
    const pools = [
      pool("counted", { count: 1 }),
      pool("free", { count: "uncounted", hostId: "ANY" }),
    ];
    expect(allocate(state(pools, [lease("free", 500)]), request({ count: 7 }), NOW)).toEqual({
      kind: "grant",
      poolId: "free",
      count: 7,
    });
  });
});

describe("compareVersions", () => {
  it("compares dotted numbers numerically", () => {
    expect(compareVersions("1.10", "1.9")).toBe(1);
    expect(compareVersions("2026", "2026.0")).toBe(0);
    expect(compareVersions("11.5", "11.19")).toBe(-1);
  });
});
