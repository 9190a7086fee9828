import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Pool } from "undici";
import type { DevOidcProvider } from "../../src/api/dev-oidc.js";
import {
  generateBadRequests,
  type BadRequest,
  type TargetDescription,
} from "../generators/bad-requests.js";
import { startApi, startOidc, type RunningApi } from "../api/helpers/api.js";
import { startTestServer, tempDir } from "../server-core/helpers.js";
import type { RunningServer } from "../../src/server-core/server.js";
import { bySize, timeoutMs } from "./mode.js";

/**
 * Malformed requests against the reference server and the License Manager API, sent over
 * keep-alive connections: each gets a 4xx (the specific one where there is one: 400 bad
 * JSON, 413 too large, 415 wrong content type, 404 unknown route), never a 5xx, and the
 * server still answers its health check afterwards.
 */

const REQUESTS = bySize(600, 2_000);
const BODY_LIMIT = 1024 * 1024;

interface Answer {
  request: BadRequest;
  status: number | string;
}

async function sendAll(baseUrl: string, requests: BadRequest[]): Promise<Answer[]> {
  const pool = new Pool(baseUrl, { connections: 16, pipelining: 1 });
  const answers: Answer[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < requests.length) {
      const request = requests[next++]!;
      try {
        const response = await pool.request({
          method: request.method,
          path: request.path,
          headers: request.headers,
          ...(request.body === undefined ? {} : { body: request.body }),
        });
        await response.body.text();
        answers.push({ request, status: response.statusCode });
      } catch (error) {
        answers.push({ request, status: (error as { code?: string }).code ?? String(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  await pool.close();
  return answers;
}

function describeAnswer(answer: Answer): string {
  const { request } = answer;
  const body = request.body === undefined ? "" : ` ${request.body.slice(0, 120)}`;
  return `${answer.status} ← ${request.kind}: ${request.method} ${request.path.slice(0, 120)}${body}`;
}

function expectAllRefused(answers: Answer[]): void {
  const wrong = answers.filter((answer) => {
    if (typeof answer.status !== "number") return true;
    if (answer.status < 400 || answer.status > 499) return true;
    const expected = answer.request.expectStatus;
    return expected !== undefined && answer.status !== expected;
  });
  expect(wrong.map(describeAnswer)).toEqual([]);
  const kinds = new Set(answers.map((answer) => answer.request.kind));
  expect([...kinds].sort()).toEqual([
    "bad-auth",
    "bad-json",
    "bad-path-parameter",
    "huge-body",
    "unknown-route",
    "wrong-content-type",
    "wrong-method",
    "wrong-types",
  ]);
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}

describe("malformed requests to the reference server", () => {
  let dir: ReturnType<typeof tempDir>;
  let server: RunningServer;

  beforeAll(async () => {
    dir = tempDir();
    ({ server } = await startTestServer(dir.path));
  });
  afterAll(async () => {
    await server.close();
    dir.remove();
  });

  it(
    `answers ${REQUESTS} of them with 4xx and keeps serving`,
    async () => {
      const target: TargetDescription = {
        prefix: "/api/1.0",
        bodyRoutes: [
          {
            method: "POST",
            path: "/api/1.0/leases",
            valid: { feature: "solver", user: "alice", host: "node001", count: 1 },
          },
        ],
        idRoutes: [
          { method: "POST", path: "/api/1.0/leases/{id}/heartbeat" },
          { method: "DELETE", path: "/api/1.0/leases/{id}" },
        ],
        goodAuth: {},
        badAuthValues: [
          "",
          "Basic",
          "Basic !!!",
          basic("admin", "wrong"),
          basic("root", "admin"),
          "Bearer abc",
        ],
        authRoutes: [
          { method: "PUT", path: "/api/1.0/admin/password", body: '{"newPassword":"x"}' },
          { method: "PUT", path: "/api/1.0/admin/activations/abc", body: '{"count":1}' },
        ],
        bodyLimitBytes: BODY_LIMIT,
      };
      const answers = await sendAll(server.url, generateBadRequests(target, REQUESTS, 4242));
      expectAllRefused(answers);
      const health = await fetch(`${server.url}/api/1.0/health`);
      expect(health.status).toBe(200);
      // nothing malformed was granted
      expect(server.service.liveLeases()).toEqual([]);
    },
    timeoutMs(30_000, 120_000),
  );

  it("refuses names with control characters, which would corrupt the status output", async () => {
    const statuses = [];
    for (const [field, value] of [
      ["host", "node\u0000x"],
      ["user", "eve\u001b[2J"],
      ["feature", "solver\u007f"],
    ] as const) {
      const body = { feature: "solver", user: "alice", host: "node001", [field]: value };
      const response = await fetch(`${server.url}/api/1.0/leases`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      statuses.push([field, response.status]);
    }
    expect(statuses).toEqual([
      ["host", 400],
      ["user", 400],
      ["feature", 400],
    ]);
    expect(server.service.liveLeases()).toEqual([]);
  });
});

describe("malformed requests to the License Manager API", () => {
  let oidc: DevOidcProvider;
  let api: RunningApi;

  beforeAll(async () => {
    oidc = await startOidc();
    api = await startApi("sqlite", oidc);
  });
  afterAll(async () => {
    await api.close();
    await oidc.close();
  });

  it(
    `answers ${REQUESTS} of them with 4xx and keeps serving`,
    async () => {
      const admin = `Bearer ${await api.token("cluster-a")}`;
      const powerless = `Bearer ${await api.token("nobody")}`;
      const [header, payload] = (await api.token("cluster-a")).split(".");
      const unsigned = Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url");
      const target: TargetDescription = {
        prefix: "/lm",
        bodyRoutes: [
          { method: "POST", path: "/lm/products", valid: { name: "solver" } },
          {
            method: "POST",
            path: "/lm/configurations",
            valid: { name: "c", cluster_client_id: "cluster-a", grace_time: 300, type: "flexlm" },
          },
          {
            method: "POST",
            path: "/lm/license_servers",
            valid: { config_id: 1, host: "lic1", port: 27000 },
          },
          {
            method: "POST",
            path: "/lm/features",
            valid: { name: "f", product_id: 1, config_id: 1 },
          },
          {
            method: "PUT",
            path: "/lm/features/bulk",
            array: true,
            valid: { product_name: "p", feature_name: "f", total: 10, used: 2 },
          },
          {
            method: "POST",
            path: "/lm/jobs",
            valid: { slurm_job_id: "17", username: "alice", lead_host: "node001" },
            alsoAccepts: { slurm_job_id: ["number"] },
          },
          {
            method: "POST",
            path: "/lm/bookings",
            valid: { job_id: 1, feature_id: 1, quantity: 1 },
          },
          {
            method: "PUT",
            path: "/lm/cluster_statuses",
            valid: { interval: 60, success: true },
          },
        ],
        idRoutes: [
          { method: "GET", path: "/lm/features/{id}" },
          { method: "PUT", path: "/lm/features/{id}" },
          { method: "DELETE", path: "/lm/products/{id}" },
          { method: "GET", path: "/lm/configurations/{id}" },
          { method: "DELETE", path: "/lm/bookings/{id}" },
          { method: "GET", path: "/lm/jobs/{id}" },
          { method: "GET", path: "/lm/license_servers/{id}" },
        ],
        goodAuth: { authorization: admin },
        badAuthValues: [
          "",
          "Bearer",
          "Bearer garbage",
          "Bearer a.b.c",
          `Bearer ${unsigned}.${payload}.`,
          `Bearer ${header}.${payload}.AAAA`,
          basic("cluster-a", "secret-a"),
          powerless,
        ],
        authRoutes: [
          { method: "GET", path: "/lm/configurations" },
          { method: "POST", path: "/lm/products", body: '{"name":"x"}' },
          { method: "PUT", path: "/lm/features/bulk", body: "[]" },
          { method: "GET", path: "/lm/jobs/by_client_id" },
        ],
        bodyLimitBytes: BODY_LIMIT,
      };
      const answers = await sendAll(api.baseUrl, generateBadRequests(target, REQUESTS, 2424));
      expectAllRefused(answers);
      const health = await fetch(`${api.baseUrl}/lm/health`);
      expect(health.status).toBe(200);
      // nothing malformed was stored
      const products = await api.call("GET", "/lm/products");
      expect(products.body).toEqual([]);
    },
    timeoutMs(30_000, 120_000),
  );
});
