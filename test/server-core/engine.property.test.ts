import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  allocate,
  poolInUse,
  type EngineState,
  type Lease,
  type Pool,
} from "../../src/server-core/engine.js";

type Step =
  | { kind: "checkout"; feature: string; version: string; count: number }
  | { kind: "checkin"; pick: number }
  | { kind: "wait"; seconds: number };

const FEATURES = ["solver", "mesher"];
const VERSIONS = ["1.0", "2.0", "3.0"];

const poolArb = fc.record({
  feature: fc.constantFrom(...FEATURES),
  version: fc.constantFrom(...VERSIONS),
  count: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.constant("uncounted" as const)),
});

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant("checkout" as const),
    feature: fc.constantFrom(...FEATURES, "other"),
    version: fc.constantFrom("0", ...VERSIONS, "4.0"),
    count: fc.integer({ min: 1, max: 4 }),
  }),
  fc.record({ kind: fc.constant("checkin" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("wait" as const), seconds: fc.integer({ min: 1, max: 40 }) }),
);

describe("allocate (property)", () => {
  it("never leases more than a counted pool holds, and only grants versions ≥ requested", () => {
    fc.assert(
      fc.property(
        fc.array(poolArb, { minLength: 1, maxLength: 5 }),
        fc.array(stepArb, { maxLength: 80 }),
        (specs, steps) => {
          const pools: Pool[] = specs.map((spec, index) => ({
            ...spec,
            id: `p${index}`,
            vendor: "acme",
            expires: "permanent",
            expiresAt: null,
            hostId: "ANY",
            source: { kind: "license-file", file: "x.lic", line: index + 1 },
          }));
          let leases: Lease[] = [];
          let now = 0;
          const state: EngineState = {
            pools,
            leasesOf: (id) => leases.filter((lease) => lease.poolId === id),
          };
          for (const step of steps) {
            if (step.kind === "wait") now += step.seconds * 1000;
            else if (step.kind === "checkin") {
              if (leases.length > 0)
                leases = leases.filter((_, index) => index !== step.pick % leases.length);
            } else {
              const decision = allocate(
                state,
                { ...step, user: "u", host: "h", display: "", deviceId: "h" },
                now,
              );
              if (decision.kind === "grant") {
                const pool = pools.find((candidate) => candidate.id === decision.poolId)!;
                expect(pool.feature).toBe(step.feature);
                expect(Number(pool.version)).toBeGreaterThanOrEqual(Number(step.version));
                leases.push({
                  id: String(leases.length),
                  poolId: pool.id,
                  feature: pool.feature,
                  version: step.version,
                  count: decision.count,
                  user: "u",
                  host: "h",
                  display: "",
                  deviceId: "h",
                  handle: 1,
                  startedAt: now,
                  lastSeenAt: now,
                  expiresAt: now + 60_000,
                });
              } else {
                // a denial for room is only right when no eligible counted pool has room
                if (decision.code === "ALL_IN_USE" || decision.code === "REQUEST_EXCEEDS_TOTAL") {
                  for (const pool of pools) {
                    if (
                      pool.feature !== step.feature ||
                      Number(pool.version) < Number(step.version)
                    )
                      continue;
                    expect(pool.count).not.toBe("uncounted");
                    expect((pool.count as number) - poolInUse(state, pool.id, now)).toBeLessThan(
                      step.count,
                    );
                  }
                }
              }
            }
            for (const pool of pools) {
              if (pool.count !== "uncounted")
                expect(poolInUse(state, pool.id, now)).toBeLessThanOrEqual(pool.count);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
