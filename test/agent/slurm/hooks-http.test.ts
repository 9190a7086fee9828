import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runEpilog } from "../../../src/agent/slurm/epilog.js";
import { ApiClient } from "../../../src/agent/api-client.js";
import { AgentJobsApi } from "../../../src/agent/slurm/api-jobs.js";
import { runProlog, type HookEnv } from "../../../src/agent/slurm/prolog.js";
import { closedPort, collectingLogger, FakeLmApi } from "./fake-lm-api.js";

// The hooks against a real HTTP server on loopback, through the agent's API client.
const jobsApi = (baseUrl: string, token: string, retries = 0): AgentJobsApi =>
  new AgentJobsApi(
    new ApiClient({
      baseUrl,
      tokens: { getToken: async () => token, invalidate: () => undefined },
      retries,
      minRetryDelayMs: 1,
      maxRetryDelayMs: 5,
    }),
  );
const TYPES = ["flexlm", "rlm"];
const jobEnv = (id: string, licenses: string): HookEnv => ({
  SLURM_JOB_ID: id,
  SLURM_JOB_USER: "alice",
  SLURM_JOB_NODELIST: "node[003-004],gpu01",
  SLURM_JOB_LICENSES: licenses,
});

describe("prolog and epilog against a node:http License Manager API", () => {
  let fake: FakeLmApi;
  let api: AgentJobsApi;

  beforeAll(async () => {
    fake = await new FakeLmApi({ "abaqus.standard": 10 }).start();
    api = jobsApi(fake.url, "test-token");
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.jobs.clear();
    fake.hang = false;
  });

  it("books a job's tracked licenses with its user and lead host, then the epilog frees them", async () => {
    const { log, entries } = collectingLogger();
    const env = jobEnv("101", "abaqus.standard@flexlm:4,localscratch:2,other.x@nosuchtype:1");
    const prolog = await runProlog({
      env,
      trackedTypes: TYPES,
      api,
      onApiDown: "allow",
      timeoutMs: 5_000,
      log,
    });
    expect(prolog).toEqual({ exitCode: 0, result: "booked" });
    expect(fake.jobs.get("101")).toEqual({
      slurm_job_id: "101",
      username: "alice",
      lead_host: "node003",
      bookings: [{ product_name: "abaqus", feature_name: "standard", quantity: 4 }],
    });
    expect(fake.authorizations.at(-1)).toBe("Bearer test-token");
    expect(entries.map((entry) => entry.message)).toEqual(["prolog: licenses booked"]);

    const epilog = await runEpilog({ env, trackedTypes: TYPES, api, timeoutMs: 5_000, log });
    expect(epilog).toEqual({ exitCode: 0, result: "deleted" });
    expect(fake.jobs.size).toBe(0);
  });

  it("exits non-zero on 409 so Slurm requeues the job", async () => {
    const { log } = collectingLogger();
    const first = await runProlog({
      env: jobEnv("1", "abaqus.standard@flexlm:7"),
      trackedTypes: TYPES,
      api,
      onApiDown: "allow",
      timeoutMs: 5_000,
      log,
    });
    expect(first.exitCode).toBe(0);
    const second = await runProlog({
      env: jobEnv("2", "abaqus.standard@flexlm:4"),
      trackedTypes: TYPES,
      api,
      onApiDown: "allow",
      timeoutMs: 5_000,
      log,
    });
    expect(second).toEqual({ exitCode: 1, result: "refused" });
    expect(fake.booked("abaqus.standard")).toBe(7);
  });

  it("treats 404 on delete as done", async () => {
    const { log } = collectingLogger();
    const outcome = await runEpilog({
      env: jobEnv("999", "abaqus.standard@flexlm:1"),
      trackedTypes: TYPES,
      api,
      timeoutMs: 5_000,
      log,
    });
    expect(outcome).toEqual({ exitCode: 0, result: "not-found" });
  });

  it("does not call the API for a job without tracked licenses", async () => {
    const { log } = collectingLogger();
    const before = fake.authorizations.length;
    const env = { SLURM_JOB_ID: "5", SLURM_JOB_LICENSES: "(null)" };
    expect(
      await runProlog({
        env,
        trackedTypes: TYPES,
        api,
        onApiDown: "requeue",
        timeoutMs: 5_000,
        log,
      }),
    ).toEqual({ exitCode: 0, result: "no-tracked-licenses" });
    expect(
      await runEpilog({
        env: { SLURM_JOB_ID: "5" },
        trackedTypes: TYPES,
        api,
        timeoutMs: 5_000,
        log,
      }),
    ).toEqual({ exitCode: 0, result: "no-tracked-licenses" });
    expect(fake.authorizations.length).toBe(before);
  });

  it("refuses a job whose environment is broken, naming the variable", async () => {
    const { log, entries } = collectingLogger();
    const env = {
      SLURM_JOB_ID: "6",
      SLURM_JOB_USER: "alice",
      SLURM_JOB_LICENSES: "abaqus.standard@flexlm:2",
    };
    expect(
      await runProlog({ env, trackedTypes: TYPES, api, onApiDown: "allow", timeoutMs: 5_000, log }),
    ).toEqual({ exitCode: 1, result: "bad-input" });
    expect(entries[0]?.message).toBe('prolog: SLURM_JOB_NODELIST="": is not set');
  });

  it("gives up within the timeout when the API never answers, then follows the policy", async () => {
    fake.hang = true;
    const { log, entries } = collectingLogger();
    const env = jobEnv("7", "abaqus.standard@flexlm:1");
    const allowed = await runProlog({
      env,
      trackedTypes: TYPES,
      api,
      onApiDown: "allow",
      timeoutMs: 300,
      log,
    });
    expect(allowed).toEqual({ exitCode: 0, result: "api-down-allowed" });
    const requeued = await runProlog({
      env,
      trackedTypes: TYPES,
      api,
      onApiDown: "requeue",
      timeoutMs: 300,
      log,
    });
    expect(requeued).toEqual({ exitCode: 1, result: "api-down-requeued" });
    expect(entries[0]?.message).toMatch(
      /job runs without a booking: creating job 7: the License Manager API is unavailable/,
    );
    const epilog = await runEpilog({ env, trackedTypes: TYPES, api, timeoutMs: 300, log });
    expect(epilog).toEqual({ exitCode: 1, result: "failed" });
  });

  it("refuses with a 401 when the token is wrong (a refusal, not an outage)", async () => {
    const { log } = collectingLogger();
    const badToken = jobsApi(fake.url, "wrong");
    const outcome = await runProlog({
      env: jobEnv("8", "abaqus.standard@flexlm:1"),
      trackedTypes: TYPES,
      api: badToken,
      onApiDown: "allow",
      timeoutMs: 5_000,
      log,
    });
    expect(outcome).toEqual({ exitCode: 1, result: "refused" });
  });
});

describe("prolog when the API is down (nothing listening)", () => {
  let api: AgentJobsApi;
  beforeAll(async () => {
    // two retries, as the API client makes them; then the outage is final
    api = jobsApi(`http://127.0.0.1:${await closedPort()}/`, "test-token", 2);
  });

  it("lets the job run under 'allow' and requeues it under 'requeue'", async () => {
    const { log, entries } = collectingLogger();
    const env = jobEnv("9", "abaqus.standard@flexlm:1");
    expect(
      await runProlog({ env, trackedTypes: TYPES, api, onApiDown: "allow", timeoutMs: 5_000, log }),
    ).toEqual({ exitCode: 0, result: "api-down-allowed" });
    expect(
      await runProlog({
        env,
        trackedTypes: TYPES,
        api,
        onApiDown: "requeue",
        timeoutMs: 5_000,
        log,
      }),
    ).toEqual({ exitCode: 1, result: "api-down-requeued" });
    expect(entries[0]?.message).toMatch(
      /unavailable: POST \/lm\/jobs failed: fetch failed \(connect ECONNREFUSED 127\.0\.0\.1:\d+\)$/,
    );
  });
});
