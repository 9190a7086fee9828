import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HttpJobsApi, type FetchLike } from "../../../src/agent/slurm/http-jobs-api.js";
import { JobsApiRefusedError, JobsApiUnavailableError } from "../../../src/agent/slurm/jobs-api.js";
import { runProlog } from "../../../src/agent/slurm/prolog.js";
import { collectingLogger } from "./fake-lm-api.js";

// msw intercepts the global fetch, so the client is given that one here; the node:http
// tests cover the default undici transport.
const server = setupServer();
const api = (
  baseUrl = "http://lm.test/api/",
  getToken: () => Promise<string | undefined> = async () => "tok",
) => new HttpJobsApi({ baseUrl, getToken, fetch: globalThis.fetch as unknown as FetchLike });
const signal = () => AbortSignal.timeout(5_000);
const job = {
  slurmJobId: "42",
  username: "bob",
  leadHost: "n1",
  bookings: [{ productName: "ansys", featureName: "cfd", quantity: 2 }],
};

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe("HttpJobsApi", () => {
  it("posts the job in the API's snake_case shape with a bearer token under the base path", async () => {
    let seen: { body: unknown; auth: string | null; type: string | null } | undefined;
    server.use(
      http.post("http://lm.test/api/lm/jobs", async ({ request }) => {
        seen = {
          body: await request.json(),
          auth: request.headers.get("authorization"),
          type: request.headers.get("content-type"),
        };
        return HttpResponse.json({ id: 1 }, { status: 201 });
      }),
    );
    await api().createJob(job, signal());
    expect(seen).toEqual({
      body: {
        slurm_job_id: "42",
        username: "bob",
        lead_host: "n1",
        bookings: [{ product_name: "ansys", feature_name: "cfd", quantity: 2 }],
      },
      auth: "Bearer tok",
      type: "application/json",
    });
  });

  it("sends no authorization header without a token and accepts a base URL without a slash", async () => {
    let auth: string | null = "unset";
    server.use(
      http.post("http://lm.test/lm/jobs", ({ request }) => {
        auth = request.headers.get("authorization");
        return HttpResponse.json({}, { status: 200 });
      }),
    );
    await api("http://lm.test", async () => undefined).createJob(job, signal());
    expect(auth).toBeNull();
  });

  it("reports 409 as a refusal carrying the status and body", async () => {
    server.use(
      http.post("http://lm.test/api/lm/jobs", () =>
        HttpResponse.json({ detail: "not enough seats" }, { status: 409 }),
      ),
    );
    const error = await api()
      .createJob(job, signal())
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(JobsApiRefusedError);
    expect((error as JobsApiRefusedError).status).toBe(409);
    expect((error as JobsApiRefusedError).message).toBe(
      'creating job 42: the License Manager API refused it with HTTP 409: {"detail":"not enough seats"}',
    );
  });

  it("reports 5xx and network errors as the API being unavailable", async () => {
    server.use(
      http.post("http://lm.test/api/lm/jobs", () =>
        HttpResponse.text("db locked", { status: 503 }),
      ),
    );
    await expect(api().createJob(job, signal())).rejects.toThrow(
      new JobsApiUnavailableError("creating job 42", "HTTP 503: db locked"),
    );
    server.use(http.post("http://lm.test/api/lm/jobs", () => HttpResponse.error()));
    await expect(api().createJob(job, signal())).rejects.toBeInstanceOf(JobsApiUnavailableError);
  });

  it("deletes by Slurm job id, with 404 meaning there was nothing to delete", async () => {
    const deleted: string[] = [];
    server.use(
      http.delete("http://lm.test/api/lm/jobs/slurm_job_id/:id", ({ params }) => {
        deleted.push(String(params.id));
        return params.id === "42"
          ? HttpResponse.json({ message: "ok" })
          : HttpResponse.json({ detail: "no job" }, { status: 404 });
      }),
    );
    expect(await api().deleteJobBySlurmId("42", signal())).toBe("deleted");
    expect(await api().deleteJobBySlurmId("7_1", signal())).toBe("not-found");
    expect(deleted).toEqual(["42", "7_1"]);
  });

  it("drives the prolog: 409 requeues, an outage is allowed by default policy", async () => {
    const { log } = collectingLogger();
    const env = {
      SLURM_JOB_ID: "42",
      SLURM_JOB_USER: "bob",
      SLURM_JOB_NODELIST: "n[1-2]",
      SLURM_JOB_LICENSES: "ansys.cfd@rlm:2",
    };
    server.use(
      http.post("http://lm.test/api/lm/jobs", () =>
        HttpResponse.json({ detail: "no" }, { status: 409 }),
      ),
    );
    expect(
      await runProlog({
        env,
        trackedTypes: ["rlm"],
        api: api(),
        onApiDown: "allow",
        timeoutMs: 5_000,
        log,
      }),
    ).toEqual({ exitCode: 1, result: "refused" });
    server.use(http.post("http://lm.test/api/lm/jobs", () => HttpResponse.error()));
    expect(
      await runProlog({
        env,
        trackedTypes: ["rlm"],
        api: api(),
        onApiDown: "allow",
        timeoutMs: 5_000,
        log,
      }),
    ).toEqual({ exitCode: 0, result: "api-down-allowed" });
  });
});
