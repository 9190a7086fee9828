import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  allocate,
  poolInUse,
  type EngineState,
  type Lease,
  type Pool,
} from "../../../src/server-core/engine.js";
import { attribute } from "../../../src/server-core/policy/holds.js";
import { chooseRevocation } from "../../../src/server-core/policy/priority.js";
import {
  planReservations,
  type Reservation,
} from "../../../src/server-core/policy/reservations.js";

const NOW = Date.UTC(2026, 10, 23, 12);
const USERS = ["u0", "u1", "u2", "u3", "u4"];
const VERSIONS = ["1.0", "2.0"];

const poolsArb = fc.array(
  fc.record({ version: fc.constantFrom(...VERSIONS), count: fc.integer({ min: 1, max: 6 }) }),
  { minLength: 1, maxLength: 3 },
);
const reservationsArb = fc.array(
  fc.record({
    hostId: fc.constantFrom(...USERS),
    version: fc.constantFrom(...VERSIONS),
    count: fc.integer({ min: 1, max: 3 }),
  }),
  { maxLength: 4 },
);
type Step =
  | { kind: "checkout"; user: string; version: string; count: number; priority: boolean }
  | { kind: "checkin"; pick: number };
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant("checkout" as const),
    user: fc.constantFrom(...USERS, "guest"),
    version: fc.constantFrom("0", ...VERSIONS),
    count: fc.integer({ min: 1, max: 3 }),
    priority: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("checkin" as const), pick: fc.nat() }),
);

describe("kept seats under any sequence of checkouts, checkins and revocations", () => {
  it("never exceed a pool's count, and an owner always gets an idle reserved seat", () => {
    fc.assert(
      fc.property(
        poolsArb,
        reservationsArb,
        fc.array(stepArb, { maxLength: 40 }),
        (specs, wanted, steps) => {
          const pools: Pool[] = specs.map((spec, index) => ({
            id: `p${index}`,
            feature: "solver",
            vendor: "acme",
            version: spec.version,
            expires: "permanent",
            expiresAt: null,
            count: spec.count,
            source: { kind: "license-file", file: "x.lic", line: index + 1 },
          }));
          const reservations: Reservation[] = wanted.map((entry) => ({
            ...entry,
            idType: "USER",
            feature: "solver",
          }));
          const { holds } = planReservations([{ name: "G", reservations }], pools, NOW);
          const leases: Lease[] = [];
          const state: EngineState = {
            pools,
            holds,
            leasesOf: (poolId) => leases.filter((lease) => lease.poolId === poolId),
          };
          let clock = NOW;
          for (const step of steps) {
            clock += 1000;
            if (step.kind === "checkin") {
              if (leases.length > 0) leases.splice(step.pick % leases.length, 1);
            } else {
              const request = {
                feature: "solver",
                version: step.version,
                count: step.count,
                user: step.user,
                host: `${step.user}-h`,
                display: "",
                deviceId: `${step.user}-h`,
              };
              let decision = allocate(state, request, NOW);
              if (decision.kind === "deny" && decision.code === "ALL_IN_USE" && step.priority) {
                const chosen = chooseRevocation(state, request, NOW);
                if (chosen) {
                  leases.splice(leases.indexOf(chosen.lease), 1);
                  decision = chosen.decision;
                }
              }
              if (decision.kind === "grant") {
                leases.push({
                  ...request,
                  id: `L${clock}`,
                  poolId: decision.poolId,
                  count: decision.count,
                  handle: leases.length + 1,
                  startedAt: clock,
                  lastSeenAt: clock,
                  expiresAt: NOW + 3_600_000,
                });
              }
            }
            for (const pool of pools) {
              expect(poolInUse(state, pool.id, NOW)).toBeLessThanOrEqual(pool.count as number);
              const { holds: kept, usedInHold, shared } = attribute(state, pool.id, NOW);
              const keptTotal = kept.reduce((sum, hold) => sum + hold.count, 0);
              expect(shared).toBeLessThanOrEqual((pool.count as number) - keptTotal);
              kept.forEach((hold, index) => {
                if ((usedInHold[index] ?? 0) >= hold.count) return;
                const owner = reservations.find((entry) =>
                  hold.label.endsWith(` USER ${entry.hostId}`),
                );
                if (!owner) return;
                const ask = {
                  feature: "solver",
                  version: pool.version,
                  count: 1,
                  user: owner.hostId,
                  host: "x",
                  display: "",
                  deviceId: "x",
                };
                expect(allocate(state, ask, NOW).kind).toBe("grant");
              });
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
