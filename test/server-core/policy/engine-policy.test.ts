import { describe, expect, it } from "vitest";
import {
  allocate,
  type CheckoutRequest,
  type EngineState,
  type Lease,
  type Pool,
} from "../../../src/server-core/engine.js";
import { PolicyError } from "../../../src/server-core/policy/errors.js";
import { freeFor } from "../../../src/server-core/policy/holds.js";
import { parseModelDefinition } from "../../../src/server-core/policy/model-definition.js";
import {
  describePools,
  namedPoolOf,
  planNamedPools,
} from "../../../src/server-core/policy/named-pools.js";
import { chooseRevocation } from "../../../src/server-core/policy/priority.js";
import {
  parseReservationGroup,
  parseReservationImport,
  planReservations,
  type ReservationGroup,
} from "../../../src/server-core/policy/reservations.js";

const NOW = Date.UTC(2026, 10, 23, 12);

function pool(id: string, overrides: Partial<Pool> = {}): Pool {
  return {
    id,
    feature: "solver",
    vendor: "acme",
    version: "1.0",
    expires: "permanent",
    expiresAt: null,
    count: 4,
    source: { kind: "license-file", file: "acme.lic", line: 1 },
    ...overrides,
  };
}

let serial = 0;
function lease(poolId: string, who: string, count = 1, lastSeenAt = NOW - 1000): Lease {
  serial += 1;
  return {
    id: `L${serial}`,
    poolId,
    feature: "solver",
    version: "0",
    count,
    user: who,
    host: `${who}-host`,
    display: "/dev/tty",
    deviceId: `${who}-host`,
    handle: serial,
    startedAt: NOW - 5000,
    lastSeenAt,
    expiresAt: NOW + 60_000,
  };
}

const ask = (who: string, overrides: Partial<CheckoutRequest> = {}): CheckoutRequest => ({
  feature: "solver",
  version: "1.0",
  count: 1,
  user: who,
  host: `${who}-host`,
  display: "/dev/tty",
  deviceId: `${who}-host`,
  ...overrides,
});

function state(pools: Pool[], leases: Lease[], holds: EngineState["holds"] = []): EngineState {
  return { pools, holds, leasesOf: (id) => leases.filter((entry) => entry.poolId === id) };
}

const group = (
  name: string,
  ...reservations: ReservationGroup["reservations"]
): ReservationGroup => ({
  name,
  reservations,
});

describe("reservations", () => {
  it("keep reserved seats for their owner only", () => {
    const pools = [pool("p")];
    const { holds } = planReservations(
      [
        group("Lab", {
          hostId: "alice",
          idType: "USER",
          feature: "solver",
          version: "1.0",
          count: 2,
        }),
      ],
      pools,
      NOW,
    );
    const leases = [lease("p", "bob"), lease("p", "carol")];
    const current = state(pools, leases, holds);
    expect(allocate(current, ask("dave"), NOW)).toEqual({
      kind: "deny",
      code: "ALL_IN_USE",
      message: 'All licenses of "solver" are in use or kept for others',
    });
    expect(allocate(current, ask("alice", { count: 2 }), NOW)).toEqual({
      kind: "grant",
      poolId: "p",
      count: 2,
    });
    expect(freeFor(current, "p", 4, ask("alice"), NOW)).toBe(2);
    expect(freeFor(current, "p", 4, ask("dave"), NOW)).toBe(0);
  });

  it("match a device reservation on the device id and let the owner use shared seats too", () => {
    const pools = [pool("p")];
    const { holds } = planReservations(
      [
        group("Lab", {
          hostId: "ws-7",
          idType: "STRING",
          feature: "solver",
          version: "1.0",
          count: 1,
        }),
      ],
      pools,
      NOW,
    );
    const current = state(pools, [], holds);
    expect(freeFor(current, "p", 4, ask("anyone", { deviceId: "ws-7" }), NOW)).toBe(4);
    expect(freeFor(current, "p", 4, ask("anyone"), NOW)).toBe(3);
  });

  it("are satisfied by a newer version, not an older one", () => {
    const pools = [
      pool("v1", { version: "1.0", count: 3 }),
      pool("v2", { version: "2.0", count: 3 }),
    ];
    const plan = planReservations(
      [
        group(
          "G",
          { hostId: "a", idType: "USER", feature: "solver", version: "1.0", count: 2 },
          { hostId: "b", idType: "USER", feature: "solver", version: "1.5", count: 3 },
          { hostId: "c", idType: "USER", feature: "solver", version: "2.0", count: 1 },
          { hostId: "d", idType: "USER", feature: "solver", version: "3.0", count: 1 },
        ),
      ],
      pools,
      NOW,
    );
    expect(plan.views.map((view) => [view.hostId, view.status])).toEqual([
      ["a", "satisfiable"],
      ["b", "satisfiable"],
      ["c", "unsatisfiable"],
      ["d", "unsatisfiable"],
    ]);
    expect(plan.holds.map((hold) => [hold.poolId, hold.count])).toEqual([
      ["v1", 2],
      ["v2", 3],
    ]);
  });

  it("reject bad versions, counts, id types and unknown fields with the field named", () => {
    const entry = { hostId: "a", idType: "USER", feature: "solver", version: "1.0", count: 1 };
    const bad = (override: object) => () =>
      parseReservationGroup(
        { name: "G", reservations: [{ ...entry, ...override }] },
        "import.json",
      );
    expect(bad({ version: "1" })).toThrow(
      'import.json: (group).reservations[0].version: "1" is not a version in numeric a.b format (like 1.0)',
    );
    expect(bad({ version: "1.2.3" })).toThrow(/version: "1.2.3" is not a version/);
    expect(bad({ count: 0 })).toThrow(
      "import.json: (group).reservations[0].count: 0 is not a positive whole number",
    );
    expect(bad({ count: 1.5 })).toThrow(/count: 1.5 is not a positive whole number/);
    expect(bad({ idType: "PHONE" })).toThrow(
      /idType: must be one of STRING, ETHERNET, VM_UUID, USER/,
    );
    expect(bad({ colour: "red" })).toThrow(/reservations\[0\].colour: unknown field/);
    expect(() =>
      parseReservationImport({ groups: [{ name: "G", reservations: [] }] }, "x.json"),
    ).toThrow("x.json: groups[0].reservations: must be a non-empty array");
    expect(
      parseReservationGroup({ name: "G", reservations: [{ ...entry, version: 2.5 }] }, "x")
        .reservations[0]?.version,
    ).toBe("2.5");
  });
});

const SEED_MODEL = `model "exampleModelDefinition" {
  // Total feature count of eb-feature-android-eval: 8
  // Default partition shall get 0 lic and 8 in below partitions
  partitions {
    partition "0800 - PUNE" {
      "eb-feature-android-eval" 2.0 3 // P1 license count = 3
    }
    partition "0800 - PUNE" {
      "eb-feature-android-eval" 2.0 2 // P1 license count = 2
    }
    partition "2200 - NECKARSULM" {
      "eb-feature-android-eval" 2.0 3 // P1 license count = 2
    }
    partition "4600 - BRUSSELS" {
      "eb-feature-android-eval" 2.0 2 // P1 license count = 1
    }
    partition "1400 - KASSEL" {
      "eb-feature-android-eval" 2.0 1 // P1 license count = 4
    }
  }
}
`;

describe("model definitions", () => {
  it("parse the seed's example, merging a partition named twice", () => {
    const model = parseModelDefinition(SEED_MODEL);
    expect(model.name).toBe("exampleModelDefinition");
    expect(
      model.partitions.map((partition) => [
        partition.name,
        partition.entries.map((entry) => [
          entry.feature,
          entry.version,
          entry.count,
          entry.lineNumber,
        ]),
      ]),
    ).toEqual([
      [
        "0800 - PUNE",
        [
          ["eb-feature-android-eval", "2.0", 3, 6],
          ["eb-feature-android-eval", "2.0", 2, 9],
        ],
      ],
      ["2200 - NECKARSULM", [["eb-feature-android-eval", "2.0", 3, 12]]],
      ["4600 - BRUSSELS", [["eb-feature-android-eval", "2.0", 2, 15]]],
      ["1400 - KASSEL", [["eb-feature-android-eval", "2.0", 1, 18]]],
    ]);
    expect(model.rules).toEqual([]);
  });

  it("name the line of a syntax error", () => {
    const broken = SEED_MODEL.replace(
      '"eb-feature-android-eval" 2.0 2 //',
      '"eb-feature-android-eval" 2 2 //',
    );
    const error = (() => {
      try {
        parseModelDefinition(broken);
      } catch (caught) {
        return caught as PolicyError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(PolicyError);
    expect(error?.lineNumber).toBe(9);
    expect(error?.message).toBe(
      'model definition: "2" is not a version in numeric a.b format (line 9: "      \\"eb-feature-android-eval\\" 2 2 // P1 license count = 2")',
    );
    expect(() => parseModelDefinition('model "m" {\n partitions {\n  partition "A" {\n')).toThrow(
      /unexpected end of file, expected a feature line/,
    );
    expect(() =>
      parseModelDefinition(
        'model "m" {\n partitions { }\n rules {\n  rule "B" { user "x" }\n }\n}',
      ),
    ).toThrow(
      'model definition: rule names partition "B", which the model does not define (line 4: "  rule \\"B\\" { user \\"x\\" }")',
    );
    expect(() =>
      parseModelDefinition(
        'model "m" {\n partitions { partition "A" { "f" 1.0 1 } }\n rules { rule "A" { user "(" } }\n}',
      ),
    ).toThrow(/line 3: .*invalid regular expression "\("|invalid regular expression "\(".*line 3/);
    expect(() =>
      parseModelDefinition('model "m" {\n partitions { partition "A" { "f" 1.0 0 } }\n}'),
    ).toThrow(/"0" is not a positive whole count \(line 2/);
  });

  it("send clients by the first matching rule; the rest use the default pool", () => {
    const model = parseModelDefinition(`model "sites" {
      partitions {
        partition "Pune" { "solver" 1.0 2 }
        partition "Kassel" { "solver" 1.0 1 }
      }
      rules {
        rule "Pune" { user "(alice|bob)" }
        rule "Kassel" { host ".*\\.kassel\\.example" }
      }
    }`);
    expect(namedPoolOf(model.rules, ask("alice"))).toBe("Pune");
    expect(namedPoolOf(model.rules, ask("alice2"))).toBeUndefined();
    expect(namedPoolOf(model.rules, ask("zed", { host: "n1.kassel.example" }))).toBe("Kassel");
    const pools = [pool("p", { count: 5 })];
    const holds = planNamedPools(model, pools, NOW);
    const leases = [
      lease("p", "alice"),
      lease("p", "alice"),
      lease("p", "alice"),
      lease("p", "zed"),
    ];
    const current = state(pools, leases, holds);
    // Pune: 2 held, alice uses both and one shared; default: 2 seats, alice + zed use them
    expect(allocate(current, ask("bob"), NOW).kind).toBe("deny");
    expect(allocate(current, ask("kim", { host: "a.kassel.example" }), NOW).kind).toBe("grant");
    expect(allocate(current, ask("dave"), NOW).kind).toBe("deny");
    expect(describePools(current, ["Pune", "Kassel"], NOW)).toEqual([
      { name: "Pune", features: [{ feature: "solver", version: "1.0", allocated: 2, used: 2 }] },
      { name: "Kassel", features: [{ feature: "solver", version: "1.0", allocated: 1, used: 0 }] },
      { name: "default", features: [{ feature: "solver", version: "1.0", allocated: 2, used: 2 }] },
    ]);
  });

  it("refuse a model that allocates more than the server has, naming the line", () => {
    const model = parseModelDefinition(SEED_MODEL);
    const pools = [
      pool("android", { feature: "eb-feature-android-eval", version: "2.0", count: 8 }),
    ];
    expect(() => planNamedPools(model, pools, NOW)).toThrow(
      'model definition: partition "4600 - BRUSSELS" allocates 2 of "eb-feature-android-eval" 2.0 but only 0 counted, current licenses of version 2.0 or newer are left for it (line 15',
    );
    expect(
      planNamedPools(model, [{ ...pools[0]!, count: 11 }], NOW).map((hold) => [
        hold.pool,
        hold.count,
      ]),
    ).toEqual([
      ["0800 - PUNE", 3],
      ["0800 - PUNE", 2],
      ["2200 - NECKARSULM", 3],
      ["4600 - BRUSSELS", 2],
      ["1400 - KASSEL", 1],
    ]);
  });
});

describe("priority revocation", () => {
  it("takes the lease with the oldest last-seen", () => {
    const pools = [pool("p", { count: 3 })];
    const leases = [
      lease("p", "bob", 1, NOW - 2000),
      lease("p", "carol", 1, NOW - 9000),
      lease("p", "dave", 1, NOW - 5000),
    ];
    const chosen = chooseRevocation(state(pools, leases), ask("kate"), NOW);
    expect(chosen?.lease.user).toBe("carol");
    expect(chosen?.decision).toEqual({ kind: "grant", poolId: "p", count: 1 });
  });

  it("skips a lease whose seats would not be enough, and a reserved seat the requester may not use", () => {
    const pools = [pool("p", { count: 3 })];
    const { holds } = planReservations(
      [
        group("G", {
          hostId: "carol",
          idType: "USER",
          feature: "solver",
          version: "1.0",
          count: 1,
        }),
      ],
      pools,
      NOW,
    );
    const leases = [
      lease("p", "carol", 1, NOW - 9000),
      lease("p", "bob", 1, NOW - 7000),
      lease("p", "dave", 1, NOW - 1000),
    ];
    expect(chooseRevocation(state(pools, leases, holds), ask("kate"), NOW)?.lease.user).toBe("bob");
    expect(chooseRevocation(state(pools, leases), ask("kate", { count: 2 }), NOW)).toBeUndefined();
  });
});
