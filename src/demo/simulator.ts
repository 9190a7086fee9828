/**
 * Simulated license users for the demo: every tick a few people on a few hosts check seats
 * out of the reference server or give them back, and the leases still held are renewed.
 * The choice of what happens next is pure (`planTick`); the class does the HTTP calls.
 */
import type { CheckoutParams, LeaseView } from "../server-core/index.js";

export const DEMO_USERS = ["alice", "bob", "carol", "dave", "erin"] as const;
export const DEMO_HOSTS = ["node001", "node002", "node003", "node004"] as const;

export interface HeldLease {
  id: string;
  feature: string;
  user: string;
  host: string;
  count: number;
}

export type SimAction =
  | {
      kind: "checkout";
      params: Required<Pick<CheckoutParams, "feature" | "user" | "host" | "count">>;
    }
  | { kind: "checkin"; lease: HeldLease };

/** A few changes per tick: mostly checkouts while little is held, mostly checkins after. */
export function planTick(
  held: readonly HeldLease[],
  features: readonly string[],
  random: () => number,
  changes = 2,
): SimAction[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const actions: SimAction[] = [];
  const remaining = [...held];
  for (let i = 0; i < changes; i++) {
    const checkIn = remaining.length > 0 && random() < Math.min(0.8, remaining.length / 6);
    if (checkIn) {
      const lease = pick(remaining);
      remaining.splice(remaining.indexOf(lease), 1);
      actions.push({ kind: "checkin", lease });
    } else {
      actions.push({
        kind: "checkout",
        params: {
          feature: pick(features),
          user: pick(DEMO_USERS),
          host: pick(DEMO_HOSTS),
          count: 1 + Math.floor(random() * 3),
        },
      });
    }
  }
  return actions;
}

export interface SimClient {
  checkout(params: CheckoutParams): Promise<LeaseView>;
  checkin(leaseId: string): Promise<LeaseView>;
  heartbeat(leaseId: string): Promise<LeaseView>;
}

export class CheckoutSimulator {
  private held: HeldLease[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly client: SimClient,
    private readonly features: readonly string[],
    private readonly random: () => number = Math.random,
  ) {}

  /** One round of changes; a denial (all seats in use) is part of the show, not an error. */
  async tick(changes = 2): Promise<void> {
    for (const action of planTick(this.held, this.features, this.random, changes)) {
      if (action.kind === "checkout") {
        try {
          const lease = await this.client.checkout(action.params);
          this.held.push({ id: lease.id, ...action.params, count: lease.count });
        } catch {
          // denied: nothing held, nothing to undo
        }
      } else {
        await this.client.checkin(action.lease.id).catch(() => undefined);
        this.held = this.held.filter((lease) => lease.id !== action.lease.id);
      }
    }
    await Promise.all(
      this.held.map((lease) => this.client.heartbeat(lease.id).catch(() => undefined)),
    );
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.tick().finally(() => {
        this.running = undefined;
      });
    }, intervalMs);
  }

  /** Stops the ticks and waits for a running one; the leases stay (the server is closing). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  heldLeases(): readonly HeldLease[] {
    return this.held;
  }
}
