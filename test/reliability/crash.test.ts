import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pool } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StatusSnapshot } from "../../src/server-core/status/snapshot.js";
import {
  ensureBuilt,
  killHard,
  startServerChild,
  writeServerConfig,
} from "../generators/server-process.js";
import { bySize, timeoutMs } from "./mode.js";

/**
 * Rounds of `kill -9` of `lmkeeper server` while 64 keep-alive clients check licenses out
 * and in, each followed by a restart on the same database. After every restart: every lease
 * whose checkout was acknowledged (and whose checkin was never sent) is still there, no lease
 * whose checkin was acknowledged comes back, no counted pool holds more than it has, and
 * handles stay unique. The restart time of each round is printed.
 */

const ROUNDS = bySize(3, 20);
const CLIENTS = 64;
/** acknowledged checkouts per round before the kill */
const GRANTS_BEFORE_KILL = 150;
const FEATURES = ["solver", "mesher", "post", "post"] as const;
/** seats of the counted features in fixtures/server/acme.lic */
const SEATS: Record<string, number> = { solver: 15, mesher: 4 };

let dir: string;
let config: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), "lmkeeper-crash-"));
  config = writeServerConfig(dir);
});

afterAll(async () => {
  for (const child of children) await killHard(child);
  rmSync(dir, { recursive: true, force: true });
});

interface Ledger {
  /** checkout acknowledged, checkin never sent: must survive every crash */
  held: Set<string>;
  /** checkin acknowledged: must never come back */
  released: Set<string>;
  /** checkin sent but its answer lost in the crash: either outcome is fine */
  uncertain: Set<string>;
  /** checkouts whose answer was lost in a crash: each may or may not have been granted */
  unansweredCheckouts: number;
}

/** Load until `GRANTS_BEFORE_KILL` grants were acknowledged, then kill -9 mid-traffic. */
async function roundUnderLoad(url: string, child: ChildProcess, ledger: Ledger): Promise<number> {
  const pool = new Pool(url, { connections: CLIENTS, pipelining: 1 });
  let granted = 0;
  let inFlightCheckouts = 0;
  let stop = false;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await pool.request({
      method,
      path,
      ...(body === undefined
        ? {}
        : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    });
    const text = await response.body.text();
    return { status: response.statusCode, body: text };
  };
  const client = async (index: number): Promise<void> => {
    const feature = FEATURES[index % FEATURES.length]!;
    while (!stop) {
      let id: string;
      try {
        inFlightCheckouts += 1;
        const checkout = await call("POST", "/api/1.0/leases", {
          feature,
          user: `user${index}`,
          host: `node${String(index).padStart(3, "0")}`,
        });
        inFlightCheckouts -= 1;
        if (checkout.status === 409) continue; // the pool is full: correct, try again
        if (checkout.status !== 201) throw new Error(`checkout answered ${checkout.status}`);
        id = (JSON.parse(checkout.body) as { lease: { id: string } }).lease.id;
      } catch (error) {
        if (stop) return;
        throw error;
      }
      ledger.held.add(id);
      granted += 1;
      // every other lease is checked in again, so releases are crashed mid-flight too
      if (granted % 2 === 0) {
        ledger.held.delete(id);
        ledger.uncertain.add(id);
        try {
          const checkin = await call("DELETE", `/api/1.0/leases/${id}`);
          if (checkin.status !== 200) throw new Error(`checkin answered ${checkin.status}`);
          ledger.uncertain.delete(id);
          ledger.released.add(id);
        } catch (error) {
          if (stop) return;
          throw error;
        }
      }
    }
  };
  const clients = Array.from({ length: CLIENTS }, (_, index) => client(index));
  const killer = (async () => {
    while (granted < GRANTS_BEFORE_KILL) await new Promise((resolve) => setTimeout(resolve, 2));
    stop = true;
    await killHard(child);
    ledger.unansweredCheckouts += inFlightCheckouts;
  })();
  await Promise.all([killer, ...clients]);
  await pool.destroy();
  expect(child.signalCode).toBe("SIGKILL");
  return granted;
}

async function verifyAfterRestart(url: string, ledger: Ledger): Promise<void> {
  const pool = new Pool(url, { connections: 16 });
  try {
    const heartbeat = async (id: string): Promise<number> => {
      const response = await pool.request({
        method: "POST",
        path: `/api/1.0/leases/${id}/heartbeat`,
      });
      await response.body.text();
      return response.statusCode;
    };
    const lost: string[] = [];
    for (const id of ledger.held) if ((await heartbeat(id)) !== 200) lost.push(id);
    expect(lost, "acknowledged leases lost in the crash").toEqual([]);
    const resurrected: string[] = [];
    for (const id of ledger.released) if ((await heartbeat(id)) !== 404) resurrected.push(id);
    expect(resurrected, "checked-in leases that came back").toEqual([]);
    // a checkin whose answer was lost settled one way or the other; the ledger follows it
    for (const id of ledger.uncertain) {
      if ((await heartbeat(id)) === 200) ledger.held.add(id);
      else ledger.released.add(id);
    }
    ledger.uncertain.clear();

    const statusResponse = await pool.request({ method: "GET", path: "/api/1.0/status" });
    const snapshot = (await statusResponse.body.json()) as StatusSnapshot;
    const leases = snapshot.features.flatMap((f) => f.pools.flatMap((p) => p.leases));
    // besides the acknowledged ones, only checkouts granted as the server died may be held
    expect(leases.length).toBeGreaterThanOrEqual(ledger.held.size);
    expect(leases.length - ledger.held.size).toBeLessThanOrEqual(ledger.unansweredCheckouts);
    expect(new Set(leases.map((lease) => lease.handle)).size).toBe(leases.length);
    for (const feature of snapshot.features) {
      for (const pool of feature.pools) {
        if (pool.count === "uncounted") continue;
        const leased = pool.leases.reduce((sum, lease) => sum + lease.count, 0);
        expect(leased, `over-grant on ${feature.name} ${pool.version}`).toBeLessThanOrEqual(
          pool.count,
        );
      }
      const seats = SEATS[feature.name];
      if (seats !== undefined) {
        const leased = feature.pools.reduce(
          (sum, pool) => sum + pool.leases.reduce((inner, lease) => inner + lease.count, 0),
          0,
        );
        expect(leased, `${feature.name} leased`).toBeLessThanOrEqual(seats);
      }
    }
  } finally {
    await pool.close();
  }
}

describe("kill -9 under load", () => {
  it(
    `loses no acknowledged lease and never over-grants over ${ROUNDS} crash rounds`,
    async () => {
      const ledger: Ledger = {
        held: new Set(),
        released: new Set(),
        uncertain: new Set(),
        unansweredCheckouts: 0,
      };
      let server = await startServerChild(config);
      children.push(server.child);
      const restarts: number[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        const granted = await roundUnderLoad(server.url, server.child, ledger);
        server = await startServerChild(config);
        children.push(server.child);
        restarts.push(server.startMs);
        await verifyAfterRestart(server.url, ledger);
        process.stdout.write(
          `crash round ${round}/${ROUNDS}: kill -9 after ${granted} grants, restart ${server.startMs.toFixed(0)} ms, ` +
            `${ledger.held.size} acknowledged leases held, ${ledger.released.size} released\n`,
        );
      }
      // the counted pools are still exactly as big as the license says: fill solver to the brim
      const pool = new Pool(server.url, { connections: 8 });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) {
        const response = await pool.request({
          method: "POST",
          path: "/api/1.0/leases",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ feature: "solver", user: "fill", host: "node999" }),
        });
        await response.body.text();
        statuses.push(response.statusCode);
      }
      await pool.close();
      const snapshot = (await (
        await fetch(`${server.url}/api/1.0/status`)
      ).json()) as StatusSnapshot;
      const solver = snapshot.features.find((f) => f.name === "solver")!;
      const solverLeased = solver.pools.reduce(
        (sum, p) => sum + p.leases.reduce((inner, lease) => inner + lease.count, 0),
        0,
      );
      expect(solverLeased).toBe(15);
      expect(statuses.filter((s) => s === 201).length).toBe(
        20 - statuses.filter((s) => s === 409).length,
      );
      expect(statuses).toContain(409);
      process.stdout.write(
        `restart times (ms): ${restarts.map((ms) => ms.toFixed(0)).join(", ")}; ` +
          `max ${Math.max(...restarts).toFixed(0)}\n`,
      );
      await killHard(server.child);
    },
    timeoutMs(45_000, 300_000),
  );
});
