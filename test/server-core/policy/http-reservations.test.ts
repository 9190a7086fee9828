import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { flexlmParser } from "../../../src/parsers/flexlm.js";
import type { RunningServer } from "../../../src/server-core/server.js";
import { renderLmstat } from "../../../src/server-core/status/flexlm.js";
import { api, ManualClock, tempDir } from "../helpers.js";
import { admin, checkout, putModel, startPolicyServer } from "./setup.js";

let dir: ReturnType<typeof tempDir>;
let server: RunningServer;
let clock: ManualClock;

beforeEach(async () => {
  dir = tempDir();
  ({ server, clock } = await startPolicyServer(dir.path));
});

afterEach(async () => {
  await server.close();
  dir.remove();
});

const LAB = {
  name: "Lab",
  reservations: [
    { hostId: "alice", idType: "USER", feature: "solver", version: "1.0", count: 2 },
    { hostId: "ws-9", idType: "STRING", feature: "solver", version: "2.0", count: 1 },
    { hostId: "bob", idType: "USER", feature: "solver", version: "3.0", count: 1 },
  ],
};

describe("reservations through HTTP", () => {
  it("needs admin credentials", async () => {
    for (const [method, path] of [
      ["GET", "/reservations"],
      ["POST", "/reservations"],
      ["POST", "/reservations/import"],
      ["GET", "/reservations/export"],
      ["DELETE", "/reservations/Lab"],
      ["GET", "/model"],
      ["PUT", "/model"],
      ["DELETE", "/model"],
      ["GET", "/pools"],
      ["GET", "/access"],
      ["PUT", "/access"],
    ] as const) {
      const response = await api(
        server,
        method,
        `/api/1.0/admin${path}`,
        method === "GET" || method === "DELETE" ? undefined : {},
      );
      expect([path, response.status, response.body.error.code]).toEqual([
        path,
        401,
        "AUTH_REQUIRED",
      ]);
    }
  });

  it("adds a group, lists each reservation with its status, and keeps seats for owners only", async () => {
    const added = await admin(server, "POST", "/reservations", LAB);
    expect(added.status).toBe(201);
    expect(added.body.added).toBe("Lab");
    expect((await admin(server, "GET", "/reservations")).body).toEqual({
      reservations: [
        {
          group: "Lab",
          hostId: "alice",
          idType: "USER",
          feature: "solver",
          version: "1.0",
          count: 2,
          status: "satisfiable",
        },
        {
          group: "Lab",
          hostId: "ws-9",
          idType: "STRING",
          feature: "solver",
          version: "2.0",
          count: 1,
          status: "satisfiable",
        },
        {
          group: "Lab",
          hostId: "bob",
          idType: "USER",
          feature: "solver",
          version: "3.0",
          count: 1,
          status: "unsatisfiable",
        },
      ],
    });
    // 4 solver seats: 2 for alice, 1 for device ws-9, 1 shared
    expect((await checkout(server, { feature: "solver", user: "carol" })).status).toBe(201);
    const refused = await checkout(server, { feature: "solver", user: "dave" });
    expect(refused).toEqual({
      status: 409,
      body: {
        error: {
          code: "ALL_IN_USE",
          message: 'All licenses of "solver" are in use or kept for others',
        },
      },
    });
    const alice = await checkout(server, { feature: "solver", user: "alice", count: 2 });
    expect(alice.status).toBe(201);
    expect(alice.body.lease.grantedVersion).toBe("1.0");
    const device = await checkout(server, { feature: "solver", user: "erin", host: "ws-9" });
    expect(device.status).toBe(201);
    expect(device.body.lease.grantedVersion).toBe("2.0");
    expect((await checkout(server, { feature: "solver", user: "alice" })).status).toBe(409);
  });

  it("refuses invalid entries naming the field, a second group of the same name, and reports deletes", async () => {
    const bad = await admin(server, "POST", "/reservations", {
      name: "X",
      reservations: [{ hostId: "a", idType: "USER", feature: "solver", version: "1", count: 1 }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toEqual({
      code: "POLICY_INVALID",
      message:
        'reservation group: (group).reservations[0].version: "1" is not a version in numeric a.b format (like 1.0)',
      details: { source: "reservation group", lineNumber: 0, lineText: "" },
    });
    const negative = await admin(server, "POST", "/reservations", {
      name: "X",
      reservations: [{ hostId: "a", idType: "USER", feature: "solver", version: "1.0", count: -2 }],
    });
    expect(negative.body.error.message).toBe(
      "reservation group: (group).reservations[0].count: -2 is not a positive whole number",
    );
    expect((await admin(server, "POST", "/reservations", LAB)).status).toBe(201);
    const again = await admin(server, "POST", "/reservations", LAB);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe(
      'Reservation group "Lab" exists already: delete it and add it again to change it',
    );
    expect(await admin(server, "DELETE", "/reservations/Lab")).toEqual({
      status: 200,
      body: { deleted: "Lab", reservations: 3 },
    });
    expect((await admin(server, "DELETE", "/reservations/Lab")).status).toBe(404);
    expect((await admin(server, "GET", "/reservations")).body).toEqual({ reservations: [] });
  });

  it("imports and exports groups as JSON, all or nothing, and keeps them across a restart", async () => {
    const document = {
      groups: [
        LAB,
        {
          name: "Mesh",
          reservations: [
            { hostId: "kim", idType: "USER", feature: "mesher", version: "1.0", count: 1 },
          ],
        },
      ],
    };
    const imported = await admin(server, "POST", "/reservations/import", document);
    expect(imported.status).toBe(201);
    expect(imported.body.imported).toEqual(["Lab", "Mesh"]);
    const clash = await admin(server, "POST", "/reservations/import", {
      groups: [
        { name: "New", reservations: LAB.reservations },
        { name: "Mesh", reservations: LAB.reservations },
      ],
    });
    expect(clash.status).toBe(409);
    expect((await admin(server, "GET", "/reservations/export")).body).toEqual(document);
    await server.close();
    ({ server } = await startPolicyServer(dir.path));
    expect((await admin(server, "GET", "/reservations/export")).body).toEqual(document);
    expect((await checkout(server, { feature: "mesher", user: "a" })).status).toBe(201);
    expect((await checkout(server, { feature: "mesher", user: "b" })).status).toBe(409);
    expect((await checkout(server, { feature: "mesher", user: "kim" })).status).toBe(201);
  });

  it("answers a capability request without features with everything reserved for the client", async () => {
    await admin(server, "POST", "/reservations", LAB);
    await admin(server, "POST", "/reservations", {
      name: "Mesh",
      reservations: [
        { hostId: "alice", idType: "USER", feature: "mesher", version: "1.0", count: 1 },
      ],
    });
    const response = await api(server, "POST", "/api/1.0/capabilities", {
      user: "alice",
      host: "ws-9",
    });
    expect(response.status).toBe(200);
    expect(response.body.denied).toEqual([]);
    expect(
      response.body.leases.map(
        (lease: { feature: string; count: number; grantedVersion: string }) => [
          lease.feature,
          lease.count,
          lease.grantedVersion,
        ],
      ),
    ).toEqual([
      ["solver", 2, "1.0"],
      ["solver", 1, "2.0"],
      ["mesher", 1, "1.0"],
    ]);
    const bob = await api(server, "POST", "/api/1.0/capabilities", { user: "bob", host: "b1" });
    expect(bob.body).toEqual({ leases: [], denied: [] });
    const asked = await api(server, "POST", "/api/1.0/capabilities", {
      user: "bob",
      host: "b1",
      features: [{ feature: "solver", version: "1.0", count: 1 }, { feature: "nothing" }],
    });
    expect(asked.body.leases).toHaveLength(1);
    expect(asked.body.denied).toEqual([
      {
        feature: "nothing",
        version: "0",
        count: 1,
        error: {
          code: "FEATURE_NOT_FOUND",
          status: 404,
          message: 'No such feature "nothing" on this server',
        },
      },
    ]);
  });

  it("shows idle reserved seats in status output, which the FlexLM parser reads back", async () => {
    await admin(server, "POST", "/reservations", LAB);
    await checkout(server, { feature: "solver", user: "carol" });
    await checkout(server, { feature: "solver", user: "alice" });
    const status = await api(server, "GET", "/api/1.0/status");
    const solver = status.body.features.find(
      (feature: { name: string }) => feature.name === "solver",
    );
    expect(
      solver.pools.map((pool: { version: string; reservations: unknown[] }) => [
        pool.version,
        pool.reservations,
      ]),
    ).toEqual([
      ["1.0", [{ kind: "USER", name: "alice", count: 1 }]],
      ["2.0", [{ kind: "HOST", name: "ws-9", count: 1 }]],
    ]);
    const text = renderLmstat(server.snapshot());
    expect(text).toContain("\t1 RESERVATION for USER alice (");
    expect(text).toContain("\t1 RESERVATION for HOST ws-9 (");
    const parsed = flexlmParser
      .parse(text)
      .features.find((feature) => feature.feature === "solver");
    expect([parsed?.total, parsed?.used, parsed?.reserved]).toEqual([4, 4, 2]);
  });

  it("turns unsatisfiable when the license it sits on expires", async () => {
    await admin(server, "POST", "/reservations", {
      name: "View",
      reservations: [
        { hostId: "alice", idType: "USER", feature: "viewer", version: "1.0", count: 1 },
      ],
    });
    const status = async () =>
      (await admin(server, "GET", "/reservations")).body.reservations.map(
        (entry: { status: string }) => entry.status,
      );
    expect(await status()).toEqual(["satisfiable"]);
    clock.advance(10 * 24 * 3600);
    expect(await status()).toEqual(["unsatisfiable"]);
    expect((await checkout(server, { feature: "viewer", user: "alice" })).body.error.code).toBe(
      "LICENSE_EXPIRED",
    );
  });

  it("cannot be active together with named license pools", async () => {
    await admin(server, "POST", "/reservations", LAB);
    const refused = await putModel(
      server,
      'model "m" {\n partitions { partition "A" { "mesher" 1.0 1 } }\n}\n',
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error).toEqual({
      code: "POLICY_CONFLICT",
      message:
        "Reservations and named license pools cannot both be active: 1 reservation group(s) exist; delete them first",
    });
  });
});
