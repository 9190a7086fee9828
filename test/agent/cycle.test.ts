import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { ApiClient } from "../../src/agent/api-client.js";
import { runCycle } from "../../src/agent/cycle.js";
import { AgentMetrics, startMetricsServer } from "../../src/agent/metrics.js";
import type { JobPresence } from "../../src/agent/reconcile/seams.js";
import { ClientCredentialsTokenProvider } from "../../src/agent/token.js";
import { flexlmConfiguration, startFakeApi, type FakeApi } from "../generators/fake-lm-api.js";
import { FAKE_TOOL, fakeToolWorkspace, FIXTURE } from "./helpers.js";

const logger = pino({ level: "silent" });
let api: FakeApi | undefined;

afterEach(async () => {
  await api?.close();
  api = undefined;
});

const minutesAgo = (minutes: number): string =>
  new Date(Date.now() - minutes * 60_000).toISOString();

describe("reconcile cycle against a loopback API and real tool processes", () => {
  it("pushes what the answering servers said, skips the failed configuration, deletes bookings, reports", async () => {
    const healthy = flexlmConfiguration(
      1,
      "alpha",
      [27101, 27102],
      [
        ["vendor1", "feature2"],
        ["vendor1", "FEATURE5"],
      ],
    );
    const dead = flexlmConfiguration(2, "alpha", [27101, 27103], [["other", "feature1"]]);
    const foreign = flexlmConfiguration(3, "beta", [27102], [["beta", "feature2"]]);
    api = await startFakeApi({
      configurations: [healthy, dead, foreign],
      client: { id: "alpha", secret: "s3cret" },
      jobs: [
        {
          id: 1,
          slurm_job_id: "501",
          cluster_client_id: "alpha",
          username: "user1",
          lead_host: "server034.cluster.local",
          bookings: [
            { id: 11, job_id: 1, feature_id: 1000, quantity: 1, created_at: minutesAgo(10) },
            { id: 12, job_id: 1, feature_id: 1000, quantity: 1, created_at: minutesAgo(1) },
          ],
        },
        {
          id: 2,
          slurm_job_id: "502",
          cluster_client_id: "alpha",
          username: "user9",
          lead_host: "node9",
          bookings: [
            { id: 21, job_id: 2, feature_id: 2000, quantity: 2, created_at: minutesAgo(10) },
            { id: 22, job_id: 2, feature_id: 1001, quantity: 2, created_at: minutesAgo(10) },
          ],
        },
      ],
    });
    const tool = fakeToolWorkspace({
      27102: { fixture: FIXTURE("lmstat_app2.txt") },
      27103: { stdout: "garbled\n" },
    });
    const presence: JobPresence = {
      goneJobs: async (jobs) =>
        new Set(jobs.filter((j) => j.username === "user9").map((j) => j.slurmJobId)),
    };
    const metrics = new AgentMetrics();
    const tokens = new ClientCredentialsTokenProvider({
      tokenUrl: api.tokenUrl,
      clientId: "alpha",
      clientSecret: "s3cret",
    });
    const result = await runCycle({
      api: new ApiClient({ baseUrl: api.url, tokens, retries: 2, minRetryDelayMs: 1 }),
      clusterClientId: "alpha",
      tools: { flexlm: FAKE_TOOL },
      toolTimeoutMs: 10_000,
      concurrency: 2,
      statusIntervalSeconds: 60,
      logger,
      toolEnv: tool.env,
      jobPresence: presence,
      metrics,
    });

    expect(api.bulkPuts).toEqual([
      [
        { product_name: "vendor1", feature_name: "feature2", total: 144, used: 22 },
        { product_name: "vendor1", feature_name: "FEATURE5", total: 144, used: 15 },
      ],
    ]);
    expect(api.configurations[1]?.features[0]).toMatchObject({ total: 0, used: 0 }); // untouched, never zeroed by a push
    // 11: old and user1 holds feature2 on server034; 12: within the grace time;
    // 21 and 22: job 502 is gone (21 is for the failed configuration's feature).
    expect(api.deletedBookings.sort()).toEqual([11, 21, 22]);
    expect(result.success).toBe(false);
    expect(
      result.outcomes.map((outcome) => [outcome.name, outcome.ok, outcome.server?.port]),
    ).toEqual([
      ["config-1", true, 27102],
      ["config-2", false, undefined],
    ]);
    expect(api.statuses).toHaveLength(1);
    expect(api.statuses[0]?.interval).toBe(60);
    expect(api.statuses[0]?.success).toBe(false);
    expect(api.statuses[0]?.errors).toHaveLength(1);
    expect(api.statuses[0]?.errors[0]).toMatch(
      /^configuration config-2 \(flexlm\): 127\.0\.0\.1:27101: ServerError: .*; 127\.0\.0\.1:27103: ParseError: /,
    );
    expect(
      tool
        .runs()
        .map((run) => run.argv[2])
        .sort(),
    ).toEqual(["27101@127.0.0.1", "27101@127.0.0.1", "27102@127.0.0.1", "27103@127.0.0.1"]);
    expect(api.tokenRequests).toBe(1);

    const served = await startMetricsServer(metrics, { host: "127.0.0.1", port: 0 });
    try {
      const text = await (await fetch(`http://127.0.0.1:${served.port}/metrics`)).text();
      expect(text).toContain(
        'lmkeeper_feature_used{configuration="config-1",product="vendor1",feature="feature2"} 22',
      );
      expect(text).toContain(
        'lmkeeper_feature_total{configuration="config-1",product="vendor1",feature="FEATURE5"} 144',
      );
      expect(text).toContain(
        'lmkeeper_feature_booked{configuration="config-2",product="other",feature="feature1"} 0',
      );
      expect(text).not.toMatch(/lmkeeper_feature_used\{configuration="config-2"/);
      expect(text).toContain(
        'lmkeeper_license_server_up{configuration="config-1",type="flexlm",server="127.0.0.1:27101"} 0',
      );
      expect(text).toContain(
        'lmkeeper_license_server_up{configuration="config-1",type="flexlm",server="127.0.0.1:27102"} 1',
      );
      expect(text).toContain(
        'lmkeeper_license_server_query_seconds_count{type="flexlm",server="127.0.0.1:27101"} 2',
      );
      expect(text).toContain("lmkeeper_agent_cycle_failures_total 1");
      expect(text).toContain('lmkeeper_configuration_failures_total{configuration="config-2"} 1');
      expect((await fetch(`http://127.0.0.1:${served.port}/other`)).status).toBe(404);
    } finally {
      await served.close();
    }
  });

  it("succeeds when every configuration is read, and pushes nothing when none is", async () => {
    api = await startFakeApi({
      configurations: [flexlmConfiguration(1, "alpha", [27102], [["vendor1", "feature7"]])],
    });
    const tool = fakeToolWorkspace({ 27102: { fixture: FIXTURE("lmstat_app2.txt") } });
    const deps = {
      api: new ApiClient({ baseUrl: api.url, retries: 0 }),
      clusterClientId: "alpha",
      tools: { flexlm: FAKE_TOOL },
      toolTimeoutMs: 10_000,
      concurrency: 4,
      statusIntervalSeconds: 300,
      logger,
      toolEnv: tool.env,
    };
    const good = await runCycle(deps);
    expect(good.success).toBe(true);
    expect(api.bulkPuts).toEqual([
      [{ product_name: "vendor1", feature_name: "feature7", total: 144, used: 1 }],
    ]);
    expect(api.statuses).toEqual([{ interval: 300, success: true, errors: [] }]);

    const down = fakeToolWorkspace({});
    const bad = await runCycle({ ...deps, toolEnv: down.env });
    expect(bad.success).toBe(false);
    expect(api.bulkPuts).toHaveLength(1);
    expect(api.statuses[1]?.success).toBe(false);

    // agent.yaml's tool_max_output: an output past it is a failed query, never a truncated one
    const capped = await runCycle({ ...deps, toolMaxOutputBytes: 100 });
    expect(capped.success).toBe(false);
    expect(api.bulkPuts).toHaveLength(1);
    expect(api.statuses[2]?.errors.join("\n")).toMatch(/output larger than 100 bytes/);
  });

  it("hands the pushed counts to the cluster license reconciler and reports its errors", async () => {
    api = await startFakeApi({
      configurations: [flexlmConfiguration(1, "alpha", [27102], [["vendor1", "feature7"]])],
    });
    const tool = fakeToolWorkspace({ 27102: { fixture: FIXTURE("lmstat_app2.txt") } });
    const seen: unknown[] = [];
    const result = await runCycle({
      api: new ApiClient({ baseUrl: api.url, retries: 0 }),
      clusterClientId: "alpha",
      tools: { flexlm: FAKE_TOOL },
      toolTimeoutMs: 10_000,
      concurrency: 1,
      statusIntervalSeconds: 60,
      logger,
      toolEnv: tool.env,
      clusterLicenses: {
        reconcile: async ({ bulk }) => {
          seen.push(bulk);
          return ["sacctmgr: permission denied"];
        },
      },
    });
    expect(seen).toEqual([
      [{ productName: "vendor1", featureName: "feature7", total: 144, used: 1 }],
    ]);
    expect(result.success).toBe(false);
    expect(api.statuses).toEqual([
      { interval: 60, success: false, errors: ["sacctmgr: permission denied"] },
    ]);
  });

  it("reports a failed cycle when the configurations cannot be fetched", async () => {
    api = await startFakeApi();
    api.failNext("/lm/configurations/by_client_id", 500, 500);
    const result = await runCycle({
      api: new ApiClient({ baseUrl: api.url, retries: 1, minRetryDelayMs: 1 }),
      clusterClientId: "alpha",
      tools: {},
      toolTimeoutMs: 1_000,
      concurrency: 1,
      statusIntervalSeconds: 60,
      logger,
    });
    expect(result.success).toBe(false);
    expect(api.statuses).toEqual([
      {
        interval: 60,
        success: false,
        errors: [
          expect.stringMatching(
            /^cannot fetch the configurations: GET \/lm\/configurations\/by_client_id answered 500/,
          ),
        ],
      },
    ]);
  });
});
