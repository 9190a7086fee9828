import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DevOidcProvider } from "../../src/api/dev-oidc.js";
import { DRIVERS, startApi, startOidc, type RunningApi } from "./helpers/api.js";
import { startPostgres, type TestPostgres } from "./helpers/postgres.js";

let oidc: DevOidcProvider;
let postgres: TestPostgres;
beforeAll(async () => {
  oidc = await startOidc();
  postgres = await startPostgres();
});
afterAll(async () => {
  await postgres?.stop();
  await oidc?.close();
});

describe.each(DRIVERS)("smoke on %s", (driver) => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi(driver, oidc, postgres);
  });
  afterAll(async () => api?.close());
  test("product roundtrip", async () => {
    const created = await api.call("POST", "/lm/products", { body: { name: "abaqus" } });
    expect(created.status).toBe(201);
    const list = await api.call("GET", "/lm/products");
    expect(list.body).toEqual([{ id: 1, name: "abaqus" }]);
  });
});
