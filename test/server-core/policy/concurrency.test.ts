import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunningServer } from "../../../src/server-core/server.js";
import { api, tempDir } from "../helpers.js";
import { admin, checkout, putModel, startPolicyServer } from "./setup.js";

const FEATURE = "eb-feature-android-eval";
const POOL = `lic:${FEATURE}:1`;
const SEATS = 11;
const CLIENTS = Array.from({ length: 64 }, (_, i) => `c${i}`);

let dir: ReturnType<typeof tempDir>;
let server: RunningServer;

beforeEach(async () => {
  dir = tempDir();
  ({ server } = await startPolicyServer(dir.path));
});

afterEach(async () => {
  await server.close();
  dir.remove();
});

type Result = { user: string; status: number; id?: string };

async function everyoneAtOnce(users: readonly string[]): Promise<Result[]> {
  return Promise.all(
    users.map(async (user) => {
      const response = await checkout(server, { feature: FEATURE, user });
      expect(server.service.inUse(POOL)).toBeLessThanOrEqual(SEATS);
      return { user, status: response.status, id: response.body.lease?.id as string | undefined };
    }),
  );
}

const granted = (results: Result[]) => results.filter((result) => result.status === 201);

/**
 * Half the holders check in while all 64 check out again, several rounds; returns the seats
 * in use after each round.
 */
async function churn(rounds: number): Promise<number[]> {
  const used: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const leaving = server.service.liveLeases().filter((_, index) => index % 2 === round % 2);
    await Promise.all([
      ...leaving.map((lease) => api(server, "DELETE", `/api/1.0/leases/${lease.id}`)),
      everyoneAtOnce(CLIENTS),
    ]);
    used.push(server.service.inUse(POOL));
  }
  return used;
}

const liveOf = (user: string) =>
  server.service.liveLeases().filter((lease) => lease.user === user).length;

describe("64 concurrent clients never exceed a count", () => {
  it("with reservations and a priority user", async () => {
    await admin(server, "POST", "/reservations", {
      name: "Keep",
      reservations: [
        { hostId: "c0", idType: "USER", feature: FEATURE, version: "2.0", count: 3 },
        { hostId: "c1", idType: "USER", feature: FEATURE, version: "2.0", count: 2 },
      ],
    });
    await admin(server, "PUT", "/access", { prioritylist: [{ userName: "c63" }] });
    const results = await everyoneAtOnce([...CLIENTS, "c0", "c0", "c1"]);
    expect(server.service.inUse(POOL)).toBe(SEATS);
    const live = new Set(server.service.liveLeases().map((lease) => lease.id));
    const revoked = granted(results).filter((result) => !live.has(result.id ?? ""));
    // c63 asks last: one lease made room for it, never a reserved one
    expect(revoked).toHaveLength(1);
    expect(granted(results)).toHaveLength(SEATS + 1);
    expect(["c0", "c1", "c63"]).not.toContain(revoked[0]?.user);
    expect([liveOf("c0"), liveOf("c1"), liveOf("c63")]).toEqual([3, 2, 1]);
    // a reserved seat whose owner checked in and asked once again may stay free
    const used = await churn(4);
    for (const seats of used) expect(seats).toBeGreaterThanOrEqual(SEATS - 3);
    expect(Math.max(...used)).toBeLessThanOrEqual(SEATS);
    expect(liveOf("c0")).toBeLessThanOrEqual(3 + 1);
  });

  it("with named license pools", async () => {
    const model = `model "split" {
      partitions {
        partition "A" { "${FEATURE}" 2.0 4 }
        partition "B" { "${FEATURE}" 2.0 3 }
      }
      rules {
        rule "A" { user "c[0-9]" }
        rule "B" { user "c1[0-9]" }
      }
    }`;
    expect((await putModel(server, model)).status).toBe(200);
    const results = await everyoneAtOnce(CLIENTS);
    expect(granted(results)).toHaveLength(SEATS);
    const pools = (await admin(server, "GET", "/pools")).body.pools as {
      name: string;
      features: { feature: string; allocated: number; used: number }[];
    }[];
    const usage = pools.map((pool) => [
      pool.name,
      pool.features.find((row) => row.feature === FEATURE)?.allocated,
      pool.features.find((row) => row.feature === FEATURE)?.used,
    ]);
    expect(usage).toEqual([
      ["A", 4, 4],
      ["B", 3, 3],
      ["default", 4, 4],
    ]);
    expect(await churn(4)).toEqual([SEATS, SEATS, SEATS, SEATS]);
  });
});
