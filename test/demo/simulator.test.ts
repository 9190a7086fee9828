import { describe, expect, it } from "vitest";
import {
  CheckoutSimulator,
  DEMO_HOSTS,
  DEMO_USERS,
  planTick,
  type HeldLease,
  type SimClient,
} from "../../src/demo/simulator.js";
import type { CheckoutParams, LeaseView } from "../../src/server-core/index.js";

/** A repeatable sequence in [0, 1). */
function sequence(...values: number[]): () => number {
  let index = 0;
  return () => values[index++ % values.length] as number;
}

const held = (id: string): HeldLease => ({
  id,
  feature: "solver",
  user: "alice",
  host: "node001",
  count: 1,
});

describe("planTick", () => {
  it("checks out when nothing is held, picking feature, user, host and a count of 1 to 3", () => {
    const actions = planTick([], ["solver", "mesher"], sequence(0.5, 0.2, 0.99, 0.7), 1);
    expect(actions).toEqual([
      {
        kind: "checkout",
        params: { feature: "mesher", user: DEMO_USERS[1], host: DEMO_HOSTS[3], count: 3 },
      },
    ]);
  });

  it("checks a held lease in, never the same one twice in a tick", () => {
    const leases = [held("a"), held("b"), held("c"), held("d"), held("e"), held("f")];
    const actions = planTick(leases, ["solver"], sequence(0, 0), 3);
    expect(actions.map((action) => (action.kind === "checkin" ? action.lease.id : "out"))).toEqual([
      "a",
      "b",
      "c",
    ]);
  });
});

/** The server's part: grants up to `seats`, then denies like the reference server does. */
class SeatCounter implements SimClient {
  next = 1;
  live = new Map<string, number>();
  heartbeats = 0;
  constructor(private readonly seats: number) {}
  private view(id: string, count: number): LeaseView {
    const at = "2026-11-23T12:00:00.000Z";
    return {
      id,
      feature: "solver",
      version: "0",
      grantedVersion: "2026.0",
      count,
      handle: 1,
      startedAt: at,
      lastSeenAt: at,
      expiresAt: at,
    };
  }
  async checkout(params: CheckoutParams): Promise<LeaseView> {
    const used = [...this.live.values()].reduce((sum, count) => sum + count, 0);
    const count = params.count ?? 1;
    if (used + count > this.seats) throw new Error("LICENSES_IN_USE");
    const id = `lease-${this.next++}`;
    this.live.set(id, count);
    return this.view(id, count);
  }
  async checkin(id: string): Promise<LeaseView> {
    const count = this.live.get(id) ?? 0;
    this.live.delete(id);
    return this.view(id, count);
  }
  async heartbeat(id: string): Promise<LeaseView> {
    this.heartbeats += 1;
    return this.view(id, this.live.get(id) ?? 0);
  }
}

describe("CheckoutSimulator", () => {
  it("holds exactly what the server granted, skips denials, and renews what it holds", async () => {
    const server = new SeatCounter(4);
    // every checkout asks for 3 seats: the first is granted, the second denied
    const simulator = new CheckoutSimulator(server, ["solver"], sequence(0.9));
    await simulator.tick(1);
    expect(simulator.heldLeases().map((lease) => lease.count)).toEqual([3]);
    await simulator.tick(1);
    expect(simulator.heldLeases()).toEqual([
      { id: "lease-1", feature: "solver", user: "erin", host: "node004", count: 3 },
    ]);
    expect([...server.live.entries()]).toEqual([["lease-1", 3]]);
    expect(server.heartbeats).toBe(2);
  });
});
