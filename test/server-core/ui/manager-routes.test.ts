import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../../src/server-core/server.js";
import { api, basic, type ManualClock, tempDir } from "../helpers.js";
import { ADMIN_PASSWORD, checkout, startManagerServer } from "./manager-fixture.js";

let dir: ReturnType<typeof tempDir>;
let server: RunningServer;
let clock: ManualClock;

beforeAll(async () => {
  dir = tempDir();
  ({ server, clock } = await startManagerServer(dir.path, 120));
  await checkout(server, { feature: "solver", count: 3, user: "ana", host: "node01" });
  await checkout(server, {
    feature: "solver",
    count: 1,
    user: "bo",
    host: "node02",
    deviceId: "ws-7",
  });
  await checkout(server, { feature: "mesher", count: 2, user: "ana", host: "node01" });
});

afterAll(async () => {
  await server.close();
  dir.remove();
});

const admin = (path: string, password = ADMIN_PASSWORD) =>
  api(server, "GET", `/api/1.0/admin${path}`, undefined, { authorization: basic(password) });

describe("web manager routes", () => {
  it("need admin credentials", async () => {
    for (const path of [
      "/features",
      "/features/solver",
      "/devices",
      "/devices/node01",
      "/about",
      "/properties",
      "/usage-history",
      "/model-definition",
    ]) {
      const none = await api(server, "GET", `/api/1.0/admin${path}`);
      expect([path, none.status, none.body.error.code]).toEqual([path, 401, "AUTH_REQUIRED"]);
    }
    const wrong = await admin("/features", "Wrong-Pass1!");
    expect(wrong.body.error.code).toBe("BAD_CREDENTIALS");
  });

  it("offers the browser login dialog only to clients other than the web manager", async () => {
    const plain = await fetch(`${server.url}/api/1.0/admin/about`);
    expect(plain.headers.get("www-authenticate")).toBe('Basic realm="lmkeeper admin"');
    const fromUi = await fetch(`${server.url}/api/1.0/admin/about`, {
      headers: { "x-lmkeeper-ui": "1" },
    });
    expect(fromUi.status).toBe(401);
    expect(fromUi.headers.get("www-authenticate")).toBeNull();
  });

  it("pages features and finds one by its exact name", async () => {
    const first = await admin("/features?page=1&size=50");
    expect(first.status).toBe(200);
    expect([first.body.page, first.body.size, first.body.total, first.body.pages]).toEqual([
      1, 50, 124, 3,
    ]);
    expect(first.body.features[0]).toEqual({
      name: "solver",
      version: "1.0",
      vendor: "acme",
      total: 15,
      used: 4,
      available: 11,
      firstExpiration: "30-jun-2028",
      lastExpiration: "31-dec-2030",
      overdraft: 0,
      metered: false,
      counted: true,
      pools: 2,
    });
    expect(first.body.features[3]).toMatchObject({
      name: "viewer",
      total: null,
      available: null,
      counted: false,
    });
    const last = await admin("/features?page=3&size=50");
    expect(last.body.features.map((row: { name: string }) => row.name)).toEqual(
      Array.from({ length: 24 }, (_, index) => `feat${String(index + 97).padStart(5, "0")}`),
    );
    const found = await admin("/features?search=FEAT00042");
    expect(found.body.total).toBe(1);
    expect(found.body.features[0].name).toBe("feat00042");
    expect((await admin("/features?search=feat0004")).body.total).toBe(0);
    const bad = await admin("/features?size=5000");
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("size");
  });

  it("shows a feature with the devices holding it", async () => {
    const detail = await admin("/features/solver");
    expect(detail.body.versions.map((row: { version: string }) => row.version)).toEqual([
      "1.0",
      "2.0",
    ]);
    expect(detail.body.holders).toEqual([
      {
        deviceId: "node01",
        user: "ana",
        host: "node01",
        count: 3,
        expires: "2026-11-23T12:01:00.000Z",
      },
      {
        deviceId: "ws-7",
        user: "bo",
        host: "node02",
        count: 1,
        expires: "2026-11-23T12:01:00.000Z",
      },
    ]);
    const missing = await admin("/features/nope");
    expect(missing).toEqual({
      status: 404,
      body: { error: { code: "NOT_FOUND", message: 'No feature named "nope"' } },
    });
  });

  it("lists devices and what each is served", async () => {
    expect((await admin("/devices")).body.devices).toEqual([
      { deviceId: "node01", idType: "STRING", deviceType: "CLIENT", alias: "node01", seats: 5 },
      { deviceId: "ws-7", idType: "STRING", deviceType: "CLIENT", alias: "node02", seats: 1 },
    ]);
    const node = await admin("/devices/node01");
    expect(node.body.features).toEqual([
      {
        feature: "solver",
        version: "1.0",
        count: 3,
        user: "ana",
        expires: "2026-11-23T12:01:00.000Z",
      },
      {
        feature: "mesher",
        version: "1.0",
        count: 2,
        user: "ana",
        expires: "2026-11-23T12:01:00.000Z",
      },
    ]);
    expect((await admin("/devices/ghost")).status).toBe(404);
  });

  it("samples usage into the history the chart reads", async () => {
    const before = (await admin("/usage-history?features=solver")).body;
    clock.advance(10);
    server.sampleUsage();
    const after = (await admin("/usage-history?features=solver,mesher")).body;
    expect(after.samples).toBe(before.samples + 1);
    expect(after.sampleSeconds).toBe(60);
    const solver = after.series[0];
    expect(solver.feature).toBe("solver");
    expect(solver.points.at(-1)).toEqual({
      at: Date.UTC(2026, 10, 23, 12, 0, 10),
      used: 4,
      total: 18,
    });
    expect(after.series[1].points.at(-1)).toMatchObject({ used: 2, total: 4 });
    const busiest = (await admin("/usage-history?limit=2")).body.series.map(
      (s: { feature: string }) => s.feature,
    );
    expect(busiest).toEqual(["solver", "mesher"]);
  });

  it("reports about, properties and the model definition", async () => {
    const about = (await admin("/about")).body;
    expect(about).toMatchObject({
      product: "lmkeeper license server",
      hostname: "lic1",
      node: process.version,
    });
    const properties = (await admin("/properties")).body;
    expect(properties).toMatchObject({
      leaseSeconds: 60,
      sweepSeconds: 30,
      https: false,
      bind: "127.0.0.1",
      port: server.port,
    });
    expect((await admin("/model-definition")).body).toEqual({ model: null });
  });

  it("serves the web manager's files and nothing else", async () => {
    const index = await fetch(`${server.url}/`);
    expect(index.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await index.text()).toContain('<script type="module" src="/ui/app.js">');
    const script = await fetch(`${server.url}/ui/views.js`);
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    const outside = await fetch(`${server.url}/ui/..%2Fserver.ts`);
    expect(outside.status).toBe(404);
  });
});
