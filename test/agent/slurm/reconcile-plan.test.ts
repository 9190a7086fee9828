import { describe, expect, it } from "vitest";
import {
  planReconcile,
  type JobBooking,
  type PlanOptions,
  type ServerFeature,
  type SlurmState,
} from "../../../src/agent/slurm/reconcile-plan.js";
import type { SlurmResource } from "../../../src/agent/slurm/sacctmgr-parse.js";
import {
  parseSlurmVersion,
  type SlurmLicense,
  type SlurmReservation,
} from "../../../src/agent/slurm/scontrol-parse.js";
import type { SlurmJob } from "../../../src/agent/slurm/squeue-parse.js";

const OPTIONS: PlanOptions = {
  cluster: "lictest",
  reservationName: "lmkeeper",
  reservationUser: "root",
  reservationMinutes: 30,
};
const V22 = parseSlurmVersion("slurm-wlm 22.05.8");
const V23 = parseSlurmVersion("slurm 23.02.4");

function feature(
  total: number,
  used: number,
  uses: ServerFeature["uses"] = [],
  productName = "abaqus",
  featureName = "standard",
): ServerFeature {
  return { productName, featureName, type: "flexlm", total, used, uses };
}

function resource(name: string, count: number, extra: Partial<SlurmResource> = {}): SlurmResource {
  return {
    name,
    server: "flexlm",
    type: "License",
    count,
    serverType: "flexlm",
    cluster: "lictest",
    allowed: 100,
    fields: {},
    ...extra,
  };
}

function license(name: string, total: number, used: number, reserved = 0): SlurmLicense {
  return { name, total, used, reserved, remote: true, fields: {} };
}

function job(jobId: string, state = "RUNNING"): SlurmJob {
  return { jobId, user: "alice", state, reason: "None", licenses: [] };
}

function reservation(licenses: SlurmReservation["licenses"]): SlurmReservation {
  return {
    name: "lmkeeper",
    startTime: "a",
    endTime: "b",
    flags: ["ANY_NODES"],
    licenses,
    fields: {},
  };
}

function state(partial: Partial<SlurmState> = {}): SlurmState {
  return {
    version: V22,
    resources: [],
    licenses: [],
    jobs: [],
    reservation: undefined,
    ...partial,
  };
}

const existing = state({
  resources: [resource("abaqus.standard", 10)],
  licenses: [license("abaqus.standard@flexlm", 10, 0)],
});

describe("planReconcile: resources", () => {
  it("adds a missing resource with the server's total, names lower-cased", () => {
    const plan = planReconcile([feature(10, 0, [], "Abaqus", "Standard")], [], state(), OPTIONS);
    expect(plan.actions).toEqual([
      {
        kind: "add-resource",
        license: "abaqus.standard@flexlm",
        name: "abaqus.standard",
        server: "flexlm",
        serverType: "flexlm",
        count: 10,
        cluster: "lictest",
      },
    ]);
  });

  it("changes the count when the server's total changes and leaves an equal one alone", () => {
    expect(planReconcile([feature(12, 0)], [], existing, OPTIONS).actions).toEqual([
      {
        kind: "set-count",
        license: "abaqus.standard@flexlm",
        name: "abaqus.standard",
        server: "flexlm",
        count: 12,
        previous: 10,
      },
    ]);
    expect(planReconcile([feature(10, 0)], [], existing, OPTIONS).actions).toEqual([]);
  });

  it("gives an existing resource to this cluster when only other clusters have it", () => {
    const slurm = state({ resources: [resource("abaqus.standard", 10, { cluster: "other" })] });
    expect(planReconcile([feature(10, 0)], [], slurm, OPTIONS).actions).toEqual([
      {
        kind: "add-cluster",
        license: "abaqus.standard@flexlm",
        name: "abaqus.standard",
        server: "flexlm",
        cluster: "lictest",
      },
    ]);
  });
});

describe("planReconcile: blocking with a reservation (Slurm 22.05)", () => {
  it("blocks the 4 seats used outside the cluster out of 10", () => {
    const plan = planReconcile([feature(10, 4)], [], existing, OPTIONS);
    expect(plan.mode).toBe("reservation");
    expect(plan.features).toEqual([
      {
        license: "abaqus.standard@flexlm",
        total: 10,
        usedOnServer: 4,
        usedBySlurmJobs: 0,
        bookedNotYetInUse: 0,
        blocked: 4,
      },
    ]);
    expect(plan.actions).toEqual([
      {
        kind: "create-reservation",
        reservation: "lmkeeper",
        user: "root",
        minutes: 30,
        licenses: [{ name: "abaqus.standard@flexlm", count: 4 }],
      },
    ]);
  });

  it("does not block seats Slurm jobs hold, and adds seats booked but not yet checked out", () => {
    // server: 7 used = 3 outside + 4 by job 11 (alice on node001); Slurm counts 6 used (jobs 11 and 12);
    // job 12 (bob, 2 seats) has not checked out yet: 7 − 6 + 2 = 3 blocked, exactly carol's seats outside.
    const slurm = state({
      resources: [resource("abaqus.standard", 10)],
      licenses: [license("abaqus.standard@flexlm", 10, 6)],
      jobs: [job("11"), job("12")],
    });
    const uses = [
      { username: "ALICE", host: "node001.cluster.example", count: 4 },
      { username: "carol", host: "desktop7", count: 3 },
    ];
    const bookings: JobBooking[] = [
      {
        slurmJobId: "11",
        username: "alice",
        leadHost: "node001",
        productName: "abaqus",
        featureName: "standard",
        quantity: 4,
      },
      {
        slurmJobId: "12",
        username: "bob",
        leadHost: "node002",
        productName: "abaqus",
        featureName: "standard",
        quantity: 2,
      },
      // a booking of a job Slurm no longer runs is not counted (nothing in Slurm's Used to offset)
      {
        slurmJobId: "99",
        username: "dave",
        leadHost: "node003",
        productName: "abaqus",
        featureName: "standard",
        quantity: 5,
      },
    ];
    const plan = planReconcile([feature(10, 7, uses)], bookings, slurm, OPTIONS);
    expect(plan.features[0]).toEqual({
      license: "abaqus.standard@flexlm",
      total: 10,
      usedOnServer: 7,
      usedBySlurmJobs: 6,
      bookedNotYetInUse: 2,
      blocked: 3,
    });
    expect(plan.actions).toEqual([
      {
        kind: "create-reservation",
        reservation: "lmkeeper",
        user: "root",
        minutes: 30,
        licenses: [{ name: "abaqus.standard@flexlm", count: 3 }],
      },
    ]);
  });

  it("matches each of many features with its own bookings, checkouts and sacctmgr rows", () => {
    // feature i: used i % 5 + 2 on the server; job i books 2 seats of it and its user already
    // holds 1 on the job's lead host, so 1 is booked but not in use; every third resource
    // gives this cluster 50 % of the count
    const count = 300;
    const indexes = Array.from({ length: count }, (_, i) => i);
    const features = indexes.map((i) =>
      feature(
        10,
        (i % 5) + 2,
        [{ username: `u${i}`, host: `n${i}.example.org`, count: 1 }],
        `P${i % 7}`,
        `f${i}`,
      ),
    );
    const bookings: JobBooking[] = indexes.map((i) => ({
      slurmJobId: String(i),
      username: `U${i}`,
      leadHost: `n${i}`,
      productName: `p${i % 7}`,
      featureName: `F${i}`,
      quantity: 2,
    }));
    const slurm = state({
      resources: indexes.flatMap((i) => [
        resource(`p${i % 7}.f${i}`, 10, { cluster: "other" }),
        resource(`p${i % 7}.f${i}`, 10, { allowed: i % 3 === 0 ? 50 : 100 }),
      ]),
      licenses: indexes.map((i) => license(`p${i % 7}.f${i}@flexlm`, 10, 0)),
      jobs: indexes.map((i) => job(String(i))),
    });
    const plan = planReconcile([...features].reverse(), [...bookings].reverse(), slurm, OPTIONS);
    expect(plan.features.map((decision) => [decision.license, decision.blocked]).reverse()).toEqual(
      indexes.map((i) => [
        `p${i % 7}.f${i}@flexlm`,
        Math.min((i % 5) + 2 + 1, i % 3 === 0 ? 5 : 10),
      ]),
    );
    expect(plan.features.every((decision) => decision.bookedNotYetInUse === 1)).toBe(true);
    expect(plan.actions.filter((action) => action.kind !== "create-reservation")).toEqual([]);
  });

  it("counts a checkout only once when two bookings of the same user and host share it", () => {
    const slurm = state({
      resources: [resource("abaqus.standard", 10)],
      licenses: [license("abaqus.standard@flexlm", 10, 4)],
      jobs: [job("1"), job("2")],
    });
    const bookings: JobBooking[] = [
      {
        slurmJobId: "1",
        username: "alice",
        leadHost: "n1",
        productName: "abaqus",
        featureName: "standard",
        quantity: 2,
      },
      {
        slurmJobId: "2",
        username: "alice",
        leadHost: "n1",
        productName: "abaqus",
        featureName: "standard",
        quantity: 2,
      },
    ];
    const plan = planReconcile(
      [feature(10, 2, [{ username: "alice", host: "n1", count: 2 }])],
      bookings,
      slurm,
      OPTIONS,
    );
    // outside = 2 − 4 + 2 = 0
    expect(plan.features[0]?.bookedNotYetInUse).toBe(2);
    expect(plan.features[0]?.blocked).toBe(0);
  });

  it("matches a booking's lead host with a checkout's host by the same rule as booking expiry", () => {
    const slurm = state({
      resources: [resource("abaqus.standard", 10)],
      licenses: [license("abaqus.standard@flexlm", 10, 6)],
      jobs: [job("1"), job("2"), job("3")],
    });
    const booking = (slurmJobId: string, leadHost: string): JobBooking => ({
      slurmJobId,
      username: "alice",
      leadHost,
      productName: "abaqus",
      featureName: "standard",
      quantity: 2,
    });
    const uses = [
      // the short lead host's checkout, printed as an FQDN with the root's dot
      { username: "alice", host: "NODE001.cluster.example.", count: 2 },
      // same short name in another domain: not job 2's host
      { username: "alice", host: "node002.other.example", count: 2 },
      { username: "alice", host: "node003", count: 2 },
    ];
    const plan = planReconcile(
      [feature(10, 6, uses)],
      [
        booking("1", "node001"),
        booking("2", "node002.cluster.example"),
        booking("3", "node003.cluster.example"),
      ],
      slurm,
      OPTIONS,
    );
    // jobs 1 and 3 hold their seats; job 2's are not checked out yet
    expect(plan.features[0]?.bookedNotYetInUse).toBe(2);
  });

  it("clamps the block to [0, total]", () => {
    const busy = state({
      resources: [resource("abaqus.standard", 10)],
      licenses: [license("abaqus.standard@flexlm", 10, 9)],
      jobs: [job("5")],
    });
    expect(planReconcile([feature(10, 2)], [], busy, OPTIONS).features[0]?.blocked).toBe(0);
    const bookings: JobBooking[] = [
      {
        slurmJobId: "5",
        username: "u",
        leadHost: "h",
        productName: "abaqus",
        featureName: "standard",
        quantity: 9,
      },
    ];
    const over = planReconcile([feature(10, 10)], bookings, busy, OPTIONS);
    expect(over.features[0]?.blocked).toBe(10);
  });

  it("never reserves more than this cluster's share when PercentAllowed is below 100", () => {
    const shared = state({
      resources: [resource("abaqus.standard", 10, { allowed: 50 })],
      licenses: [license("abaqus.standard@flexlm", 5, 0)],
    });
    const plan = planReconcile([feature(10, 8)], [], shared, OPTIONS);
    expect(plan.features[0]?.blocked).toBe(5);
    expect(plan.actions).toEqual([
      {
        kind: "create-reservation",
        reservation: "lmkeeper",
        user: "root",
        minutes: 30,
        licenses: [{ name: "abaqus.standard@flexlm", count: 5 }],
      },
    ]);
  });

  it("updates an existing reservation every cycle and deletes it when nothing is blocked", () => {
    const withReservation = {
      ...existing,
      reservation: reservation([{ name: "abaqus.standard@flexlm", count: 4 }]),
    };
    expect(planReconcile([feature(10, 4)], [], withReservation, OPTIONS).actions).toEqual([
      {
        kind: "update-reservation",
        reservation: "lmkeeper",
        user: "root",
        minutes: 30,
        licenses: [{ name: "abaqus.standard@flexlm", count: 4 }],
      },
    ]);
    expect(planReconcile([feature(10, 0)], [], withReservation, OPTIONS).actions).toEqual([
      { kind: "delete-reservation", reservation: "lmkeeper" },
    ]);
    expect(planReconcile([feature(10, 0)], [], existing, OPTIONS).actions).toEqual([]);
  });

  it("keeps the block of a feature whose license server failed and drops untracked ones", () => {
    const slurm = {
      ...existing,
      reservation: reservation([
        { name: "ansys.cfd@rlm", count: 3 },
        { name: "gone.feature@flexlm", count: 2 },
      ]),
    };
    const plan = planReconcile([feature(10, 1)], [], slurm, {
      ...OPTIONS,
      heldLicenses: ["ANSYS.cfd@rlm"],
    });
    expect(plan.actions).toEqual([
      {
        kind: "update-reservation",
        reservation: "lmkeeper",
        user: "root",
        minutes: 30,
        licenses: [
          { name: "abaqus.standard@flexlm", count: 1 },
          { name: "ansys.cfd@rlm", count: 3 },
        ],
      },
    ]);
  });

  it("sorts several blocked features into one reservation", () => {
    const slurm = state({
      resources: [resource("abaqus.standard", 10), resource("abaqus.cae", 5)],
      licenses: [license("abaqus.standard@flexlm", 10, 0), license("abaqus.cae@flexlm", 5, 0)],
    });
    const plan = planReconcile(
      [feature(10, 2), feature(5, 1, [], "abaqus", "cae")],
      [],
      slurm,
      OPTIONS,
    );
    expect(plan.actions).toEqual([
      {
        kind: "create-reservation",
        reservation: "lmkeeper",
        user: "root",
        minutes: 30,
        licenses: [
          { name: "abaqus.cae@flexlm", count: 1 },
          { name: "abaqus.standard@flexlm", count: 2 },
        ],
      },
    ]);
  });
});

describe("planReconcile: lastconsumed (Slurm 23.02+)", () => {
  it("switches to lastconsumed by version and sets Slurm's used plus the block", () => {
    const slurm = state({
      version: V23,
      resources: [resource("abaqus.standard", 10, { lastConsumed: 0 })],
      licenses: [license("abaqus.standard@flexlm", 10, 3)],
      jobs: [job("1")],
    });
    const plan = planReconcile([feature(10, 7)], [], slurm, OPTIONS);
    expect(plan.mode).toBe("lastconsumed");
    expect(plan.features[0]?.blocked).toBe(4);
    expect(plan.actions).toEqual([
      {
        kind: "set-lastconsumed",
        license: "abaqus.standard@flexlm",
        name: "abaqus.standard",
        server: "flexlm",
        lastConsumed: 7,
      },
    ]);
  });

  it("leaves an unchanged lastconsumed alone and removes a reservation left from reservation mode", () => {
    const slurm = state({
      version: V23,
      resources: [resource("abaqus.standard", 10, { lastConsumed: 4 })],
      licenses: [license("abaqus.standard@flexlm", 10, 0)],
      reservation: reservation([{ name: "abaqus.standard@flexlm", count: 4 }]),
    });
    expect(planReconcile([feature(10, 4)], [], slurm, OPTIONS).actions).toEqual([
      { kind: "delete-reservation", reservation: "lmkeeper" },
    ]);
  });

  it("counts the other clusters' share into lastconsumed when PercentAllowed is below 100", () => {
    const slurm = state({
      version: V23,
      resources: [resource("abaqus.standard", 10, { allowed: 80, lastConsumed: 0 })],
      licenses: [license("abaqus.standard@flexlm", 8, 1)],
      jobs: [job("1")],
    });
    // 4 used on the server, 1 of them by the Slurm job: 3 blocked; deficit 6 − 1 − (10 − 8) = 3
    const plan = planReconcile([feature(10, 4)], [], slurm, OPTIONS);
    expect(plan.features[0]?.blocked).toBe(3);
    expect(plan.actions).toEqual([
      {
        kind: "set-lastconsumed",
        license: "abaqus.standard@flexlm",
        name: "abaqus.standard",
        server: "flexlm",
        lastConsumed: 6,
      },
    ]);
  });

  it("can be forced back to a reservation on a new Slurm", () => {
    const slurm = state({
      version: V23,
      resources: [resource("abaqus.standard", 10)],
      licenses: [license("abaqus.standard@flexlm", 10, 0)],
    });
    expect(
      planReconcile([feature(10, 4)], [], slurm, { ...OPTIONS, mode: "reservation" }).actions[0]
        ?.kind,
    ).toBe("create-reservation");
  });
});
