import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, ApiHttpError, ApiResponseError } from "../../src/agent/api-client.js";

const API = "http://api.test";
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function client(retries = 3): ApiClient {
  return new ApiClient({ baseUrl: `${API}/`, retries, minRetryDelayMs: 1, maxRetryDelayMs: 2 });
}

const wireConfiguration = {
  id: 7,
  name: "abaqus",
  cluster_client_id: "alpha",
  grace_time: 60,
  type: "flexlm",
  created_at: "2026-01-01T00:00:00Z",
  features: [
    {
      id: 70,
      name: "abaqus",
      product: { id: 3, name: "abaqus" },
      config_id: 7,
      reserved: 2,
      total: 100,
      used: 10,
      booked_total: 4,
      extra: true,
    },
  ],
  license_servers: [
    { id: 1, config_id: 7, host: "lic1", port: 27000 },
    { id: 2, config_id: 7, host: "lic2", port: 27000 },
  ],
};

/** Answers with the given statuses in turn, then with `final`. */
function sequence(
  statuses: number[],
  final: () => Response,
): { calls: () => number; handler: () => Response } {
  let calls = 0;
  return {
    calls: () => calls,
    handler: () => {
      const status = statuses[calls];
      calls += 1;
      return status === undefined ? final() : HttpResponse.json({ detail: "x" }, { status });
    },
  };
}

describe("API client", () => {
  it("converts configurations to camelCase and tolerates unknown fields", async () => {
    server.use(
      http.get(`${API}/lm/configurations/by_client_id`, () =>
        HttpResponse.json([wireConfiguration]),
      ),
    );
    expect(await client().getConfigurations()).toEqual([
      {
        id: 7,
        name: "abaqus",
        clusterClientId: "alpha",
        graceTimeSeconds: 60,
        type: "flexlm",
        features: [
          {
            id: 70,
            name: "abaqus",
            product: { id: 3, name: "abaqus" },
            configId: 7,
            reserved: 2,
            total: 100,
            used: 10,
            bookedTotal: 4,
          },
        ],
        licenseServers: [
          { id: 1, configId: 7, host: "lic1", port: 27000 },
          { id: 2, configId: 7, host: "lic2", port: 27000 },
        ],
      },
    ]);
  });

  it("sends the bulk update in snake_case", async () => {
    let body: unknown;
    server.use(
      http.put(`${API}/lm/features/bulk`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ updated: 1, missing: [] });
      }),
    );
    const result = await client().putFeaturesBulk([
      { productName: "abaqus", featureName: "cae", total: 9, used: 3 },
    ]);
    expect(body).toEqual([{ product_name: "abaqus", feature_name: "cae", total: 9, used: 3 }]);
    expect(result).toEqual({ updated: 1, missing: [] });
  });

  it("retries 5xx answers with backoff until one succeeds", async () => {
    const answers = sequence([500, 502, 503], () => HttpResponse.json([]));
    server.use(http.get(`${API}/lm/jobs/by_client_id`, answers.handler));
    const retries: number[] = [];
    const api = new ApiClient({
      baseUrl: API,
      retries: 3,
      minRetryDelayMs: 1,
      onRetry: ({ attempt }) => retries.push(attempt),
    });
    expect(await api.getJobs()).toEqual([]);
    expect(answers.calls()).toBe(4);
    expect(retries).toEqual([1, 2, 3]);
  });

  it("gives up on 5xx after the configured retries", async () => {
    const answers = sequence([503, 503, 503, 503], () => HttpResponse.json([]));
    server.use(http.get(`${API}/lm/jobs/by_client_id`, answers.handler));
    const error = await client(2)
      .getJobs()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiHttpError);
    expect((error as ApiHttpError).status).toBe(503);
    expect(answers.calls()).toBe(3);
  });

  it("does not retry 4xx answers", async () => {
    for (const status of [400, 403, 409, 422]) {
      const answers = sequence([status], () => new HttpResponse(null, { status: 204 }));
      server.use(http.delete(`${API}/lm/bookings/5`, answers.handler));
      await expect(client().deleteBooking(5)).rejects.toThrow(
        `DELETE /lm/bookings/5 answered ${status}`,
      );
      expect(answers.calls()).toBe(1);
    }
  });

  it("takes a 404 on deleting a booking as already deleted, without retrying", async () => {
    const answers = sequence([404], () => new HttpResponse(null, { status: 204 }));
    server.use(http.delete(`${API}/lm/bookings/9`, answers.handler));
    await expect(client().deleteBooking(9)).resolves.toBeUndefined();
    expect(answers.calls()).toBe(1);
    const other = sequence([404], () => HttpResponse.json([]));
    server.use(http.get(`${API}/lm/jobs/by_client_id`, other.handler));
    await expect(client().getJobs()).rejects.toThrow("answered 404");
    expect(other.calls()).toBe(1);
  });

  it("retries network errors", async () => {
    let calls = 0;
    server.use(
      http.put(`${API}/lm/cluster_statuses`, async ({ request }) => {
        calls += 1;
        if (calls < 3) return HttpResponse.error();
        expect(await request.json()).toEqual({ interval: 60, success: false, errors: ["x"] });
        return HttpResponse.json({});
      }),
    );
    await client().putClusterStatus({ intervalSeconds: 60, success: false, errors: ["x"] });
    expect(calls).toBe(3);
  });

  it("reports a network error after the retries are used up", async () => {
    let calls = 0;
    server.use(
      http.get(`${API}/lm/configurations/by_client_id`, () => {
        calls += 1;
        return HttpResponse.error();
      }),
    );
    await expect(client(1).getConfigurations()).rejects.toThrow(
      /GET \/lm\/configurations\/by_client_id failed/,
    );
    expect(calls).toBe(2);
  });

  it("does not retry a 2xx answer of the wrong shape, and names the field", async () => {
    let calls = 0;
    server.use(
      http.get(`${API}/lm/configurations/by_client_id`, () => {
        calls += 1;
        return HttpResponse.json([{ ...wireConfiguration, grace_time: "soon" }]);
      }),
    );
    const error = await client()
      .getConfigurations()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiResponseError);
    expect((error as Error).message).toContain("0.grace_time");
    expect(calls).toBe(1);
  });
});
