import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunningServer } from "../../../src/server-core/server.js";
import { tempDir } from "../helpers.js";
import { admin, checkout, putModel, startPolicyServer } from "./setup.js";

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

const SEED_MODEL = `model "exampleModelDefinition" {
  // Total feature count of eb-feature-android-eval: 8
  partitions {
    partition "0800 - PUNE" {
      "eb-feature-android-eval" 2.0 3 // P1 license count = 3
    }
    partition "0800 - PUNE" {
      "eb-feature-android-eval" 2.0 2 // P1 license count = 2
    }
    partition "2200 - NECKARSULM" {
      "eb-feature-android-eval" 2.0 3
    }
    partition "4600 - BRUSSELS" {
      "eb-feature-android-eval" 2.0 2
    }
    partition "1400 - KASSEL" {
      "eb-feature-android-eval" 2.0 1
    }
  }
}
`;

const SITE_MODEL = `model "sites" {
  partitions {
    partition "Pune" { "solver" 1.0 2 }
    partition "Kassel" { "solver" 2.0 1 }
  }
  rules {
    rule "Pune" { user "(alice|bob)" }
    rule "Kassel" { host ".*\\.kassel\\.example" }
  }
}
`;

describe("named license pools through HTTP", () => {
  it("loads the seed's model and shows it with every pool's allocation", async () => {
    const uploaded = await putModel(server, SEED_MODEL);
    expect(uploaded).toEqual({
      status: 200,
      body: {
        name: "exampleModelDefinition",
        text: SEED_MODEL,
        partitions: ["0800 - PUNE", "2200 - NECKARSULM", "4600 - BRUSSELS", "1400 - KASSEL"],
      },
    });
    expect((await admin(server, "GET", "/model")).body.name).toBe("exampleModelDefinition");
    const pools = (await admin(server, "GET", "/pools")).body.pools as {
      name: string;
      features: { feature: string; allocated: number; used: number }[];
    }[];
    expect(pools.map((pool) => pool.name)).toEqual([
      "0800 - PUNE",
      "2200 - NECKARSULM",
      "4600 - BRUSSELS",
      "1400 - KASSEL",
      "default",
    ]);
    expect(pools[0]?.features).toEqual([
      { feature: "eb-feature-android-eval", version: "2.0", allocated: 5, used: 0 },
    ]);
    const fallback = pools[4]?.features.find((row) => row.feature === "eb-feature-android-eval");
    expect(fallback).toEqual({
      feature: "eb-feature-android-eval",
      version: "2.0",
      allocated: 0,
      used: 0,
    });
    // nobody matches a rule (the model has none) and the default pool has no seats left
    const refused = await checkout(server, { feature: "eb-feature-android-eval", user: "zed" });
    expect(refused.status).toBe(409);
  });

  it("sends clients to their pool by the rules; the rest draw from the default pool", async () => {
    expect((await putModel(server, SITE_MODEL)).status).toBe(200);
    // solver: 2 seats of 1.0 and 2 of 2.0; Pune holds 2 (1.0), Kassel 1 (2.0), default 1
    expect((await checkout(server, { feature: "solver", user: "zed" })).status).toBe(201);
    expect((await checkout(server, { feature: "solver", user: "yan" })).status).toBe(409);
    expect((await checkout(server, { feature: "solver", user: "alice" })).status).toBe(201);
    expect((await checkout(server, { feature: "solver", user: "bob" })).status).toBe(201);
    expect((await checkout(server, { feature: "solver", user: "bob" })).status).toBe(409);
    const kassel = await checkout(server, {
      feature: "solver",
      user: "kim",
      host: "n1.kassel.example",
    });
    expect(kassel.status).toBe(201);
    expect(kassel.body.lease.grantedVersion).toBe("2.0");
    expect((await admin(server, "GET", "/pools")).body.pools).toEqual([
      { name: "Pune", features: [{ feature: "solver", version: "1.0", allocated: 2, used: 2 }] },
      { name: "Kassel", features: [{ feature: "solver", version: "2.0", allocated: 1, used: 1 }] },
      {
        name: "default",
        features: [
          { feature: "solver", version: "1.0", allocated: 0, used: 0 },
          { feature: "solver", version: "2.0", allocated: 1, used: 1 },
          { feature: "mesher", version: "1.0", allocated: 2, used: 0 },
          { feature: "eb-feature-android-eval", version: "2.0", allocated: 11, used: 0 },
          { feature: "RS", version: "2017.3", allocated: 5, used: 0 },
          { feature: "II", version: "2017.2", allocated: 5, used: 0 },
          { feature: "GO", version: "2017.3", allocated: 5, used: 0 },
          { feature: "RSU", version: "2019.1", allocated: 5, used: 0 },
          { feature: "RS0", version: "2019.1", allocated: 5, used: 0 },
          { feature: "ALL", version: "2019.1", allocated: 5, used: 0 },
          { feature: "viewer", version: "1.0", allocated: 2, used: 0 },
        ],
      },
    ]);
  });

  it("refuses a broken model naming the line, and one that needs more licenses than exist", async () => {
    const broken = await putModel(server, SITE_MODEL.replace('"solver" 2.0 1', '"solver" 2.0 one'));
    expect(broken.status).toBe(400);
    expect(broken.body.error).toEqual({
      code: "POLICY_INVALID",
      message:
        'model definition: "one" is not a positive whole count (line 4: "    partition \\"Kassel\\" { \\"solver\\" 2.0 one }")',
      details: {
        source: "model definition",
        lineNumber: 4,
        lineText: '    partition "Kassel" { "solver" 2.0 one }',
      },
    });
    const greedy = await putModel(server, SITE_MODEL.replace('"solver" 2.0 1', '"solver" 2.0 3'));
    expect(greedy.status).toBe(400);
    expect(greedy.body.error.message).toBe(
      'model definition: partition "Kassel" allocates 3 of "solver" 2.0 but only 2 counted, current licenses of version 2.0 or newer are left for it (line 4: "    partition \\"Kassel\\" { \\"solver\\" 2.0 3 }")',
    );
    expect((await admin(server, "GET", "/model")).status).toBe(404);
    const notText = await admin(server, "PUT", "/model", { model: "x" });
    expect(notText.body.error.code).toBe("INVALID_REQUEST");
  });

  it("refuses reservations while a model is loaded, until it is deleted; the model survives a restart", async () => {
    await putModel(server, SITE_MODEL);
    const group = {
      name: "Lab",
      reservations: [
        { hostId: "alice", idType: "USER", feature: "mesher", version: "1.0", count: 1 },
      ],
    };
    const refused = await admin(server, "POST", "/reservations", group);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toEqual({
      code: "POLICY_CONFLICT",
      message:
        'Reservations and named license pools cannot both be active: model "sites" is loaded; delete it first (DELETE /api/1.0/admin/model)',
    });
    await server.close();
    ({ server } = await startPolicyServer(dir.path));
    expect((await admin(server, "GET", "/model")).body.name).toBe("sites");
    expect(await admin(server, "DELETE", "/model")).toEqual({
      status: 200,
      body: { deleted: "sites" },
    });
    expect((await admin(server, "POST", "/reservations", group)).status).toBe(201);
    expect(
      (await admin(server, "GET", "/pools")).body.pools.map((pool: { name: string }) => pool.name),
    ).toEqual(["default"]);
  });
});
