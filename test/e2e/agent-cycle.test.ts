import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DevOidcProvider } from "../../src/api/dev-oidc.js";
import type { RunningServer } from "../../src/server-core/server.js";
import {
  checkin,
  checkout,
  closedPort,
  requireBuiltCli,
  runAgentOnce,
  scratchDir,
  startLicenseServer,
  startOidc,
  TestApi,
  writeAgentConfig,
} from "./stack.js";

// One agent cycle at a time (`lmkeeper agent --once`, a real child process) against the real
// API, the dev OIDC provider and the reference license server behind the lmutil shim.
describe("agent --once through the real stack", () => {
  const dir = scratchDir("lmk-e2e-cycle-");
  let oidc: DevOidcProvider;
  let api: TestApi;
  let server: RunningServer;
  let second: RunningServer;

  beforeAll(async () => {
    requireBuiltCli();
    oidc = await startOidc();
    api = await new TestApi(oidc, `${dir.path}/api.sqlite`).start();
    server = await startLicenseServer(dir.path);
    second = await startLicenseServer(dir.path);
  });

  afterAll(async () => {
    await server?.close();
    await second?.close();
    await api?.stop();
    await oidc?.close();
    dir.remove();
  });

  it("shows usage changed on the license server in the API after one cycle", async () => {
    await api.seed({
      product: "acme",
      features: ["solver", "mesher"],
      servers: [{ host: "127.0.0.1", port: server.port }],
    });
    const config = writeAgentConfig(dir.path, { api, oidc }, {}, "usage.yaml");
    const first = await checkout(server, "solver", 3, "alice", "ws1");

    const run1 = await runAgentOnce(config);
    expect(run1.stderr).toBe("");
    expect(run1.code).toBe(0);
    expect(await api.features()).toEqual({
      "acme.solver": { total: 10, used: 3, booked: 0 },
      "acme.mesher": { total: 4, used: 0, booked: 0 },
    });

    await checkin(server, first);
    await checkout(server, "solver", 5, "bob", "ws2");
    await checkout(server, "mesher", 1, "bob", "ws2");
    const run2 = await runAgentOnce(config);
    expect(run2.code).toBe(0);
    expect(await api.features()).toEqual({
      "acme.solver": { total: 10, used: 5, booked: 0 },
      "acme.mesher": { total: 4, used: 1, booked: 0 },
    });
    const statuses = (await api.ok("GET", "/lm/cluster_statuses")) as Array<
      Record<string, unknown>
    >;
    expect(statuses).toHaveLength(1);
    expect(statuses[0]).toMatchObject({ cluster_client_id: "cluster-a", interval: 60, errors: [] });
    await removeConfigurations();
  });

  it("asks the second server when the first one is down", async () => {
    const dead = await closedPort();
    await api.seed({
      product: "failover",
      features: ["solver"],
      servers: [
        { host: "127.0.0.1", port: dead },
        { host: "127.0.0.1", port: second.port },
      ],
    });
    await checkout(second, "solver", 2, "erin", "ws5");
    const run = await runAgentOnce(writeAgentConfig(dir.path, { api, oidc }, {}, "failover.yaml"));
    expect(run.code).toBe(0);
    expect((await api.features())["failover.solver"]).toEqual({ total: 10, used: 2, booked: 0 });
    const failed = run.logs.filter((line) => line.msg === "license server failed");
    expect(failed.map((line) => line.server)).toEqual([`127.0.0.1:${dead}`]);
    await removeConfigurations();
  });

  it("when every server is down: exit 1, the cluster status says why, features untouched", async () => {
    const [deadA, deadB] = [await closedPort(), await closedPort()];
    const seeded = await api.seed({
      product: "down",
      features: ["solver"],
      servers: [
        { host: "127.0.0.1", port: deadA },
        { host: "127.0.0.1", port: deadB },
      ],
    });
    await api.ok("PUT", `/lm/features/${seeded.featureIds.solver}`, { total: 10, used: 7 });
    const run = await runAgentOnce(writeAgentConfig(dir.path, { api, oidc }, {}, "down.yaml"));
    expect(run.code).toBe(1);
    expect((await api.features())["down.solver"]).toEqual({ total: 10, used: 7, booked: 0 });
    const [status] = (await api.ok("GET", "/lm/cluster_statuses")) as Array<{
      errors: string[];
    }>;
    expect(status?.errors).toHaveLength(1);
    expect(status?.errors[0]).toMatch(
      new RegExp(
        `^configuration down licenses \\(flexlm\\): 127\\.0\\.0\\.1:${deadA}: .+; 127\\.0\\.0\\.1:${deadB}: .+`,
      ),
    );
    await removeConfigurations();
  });

  it("deletes a booking past grace_time once its usage shows on the server, keeps the others", async () => {
    await api.seed({
      product: "hygiene",
      features: ["solver"],
      servers: [{ host: "127.0.0.1", port: server.port }],
      graceTime: 60,
    });
    const config = writeAgentConfig(dir.path, { api, oidc }, {}, "hygiene.yaml");
    expect((await runAgentOnce(config)).code).toBe(0); // the API learns the 10 seats

    const job = (id: string, username: string, leadHost: string, quantity: number) =>
      api.ok("POST", "/lm/jobs", {
        slurm_job_id: id,
        username,
        lead_host: leadHost,
        bookings: [{ product_name: "hygiene", feature_name: "solver", quantity }],
      });
    api.offsetMs = -120_000; // these bookings were made two minutes ago
    await job("501", "carol", "node7", 2); // its usage shows below: deleted
    await job("502", "dave", "node8", 1); // nothing on the server yet: kept
    api.offsetMs = 0;
    await job("503", "frank", "node9", 1); // shows on the server, but within grace: kept
    await checkout(server, "solver", 2, "carol", "node7.cluster.local");
    await checkout(server, "solver", 1, "dave", "node9"); // right user, wrong host
    await checkout(server, "solver", 1, "frank", "node9");

    const run = await runAgentOnce(config);
    expect(run.code).toBe(0);
    const deleted = run.logs.filter((line) => line.msg === "booking deleted");
    expect(deleted.map((line) => [line.slurmJobId, line.reason])).toEqual([
      ["501", "usage-visible"],
    ]);
    const jobs = (await api.ok("GET", "/lm/jobs")) as Array<{
      slurm_job_id: string;
      bookings: Array<{ feature_id: number; quantity: number }>;
    }>;
    expect(
      Object.fromEntries(jobs.map((entry) => [entry.slurm_job_id, entry.bookings.length])),
    ).toEqual({ "501": 0, "502": 1, "503": 1 });
    // 4 seats above + bob's 5 from the first test, still out
    expect((await api.features())["hygiene.solver"]).toEqual({ total: 10, used: 9, booked: 2 });
  });

  async function removeConfigurations(): Promise<void> {
    const configurations = (await api.ok("GET", "/lm/configurations")) as Array<{ id: number }>;
    for (const configuration of configurations)
      await api.ok("DELETE", `/lm/configurations/${configuration.id}`);
  }
});
