/**
 * A small License Manager API on loopback (node:http, in memory) speaking the wire shapes
 * the agent uses, with an OAuth client-credentials token endpoint. Used by the agent's
 * process-level tests and its benchmark; it records what the agent sent.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface WireFeature {
  id: number;
  name: string;
  product: { id: number; name: string };
  config_id: number;
  reserved: number;
  total: number;
  used: number;
  booked_total: number;
}

export interface WireConfiguration {
  id: number;
  name: string;
  cluster_client_id: string;
  grace_time: number;
  type: string;
  features: WireFeature[];
  license_servers: { id: number; config_id: number; host: string; port: number }[];
}

export interface WireJob {
  id: number;
  slurm_job_id: string;
  cluster_client_id: string;
  username: string;
  lead_host: string;
  bookings: {
    id: number;
    job_id: number;
    feature_id: number;
    quantity: number;
    created_at: string;
  }[];
}

export interface FakeApiOptions {
  configurations?: WireConfiguration[];
  jobs?: WireJob[];
  /** when set, /token issues tokens for these credentials and /lm requires them */
  client?: { id: string; secret: string; expiresIn?: number };
}

export interface FakeApi {
  url: string;
  tokenUrl: string;
  configurations: WireConfiguration[];
  jobs: WireJob[];
  bulkPuts: Array<
    Array<{ product_name: string; feature_name: string; total: number; used: number }>
  >;
  deletedBookings: number[];
  statuses: Array<{ interval: number; success: boolean; errors: string[] }>;
  tokenRequests: number;
  /** answers the next requests to `path` with these statuses (one per request) */
  failNext(path: string, ...statuses: number[]): void;
  close(): Promise<void>;
}

export async function startFakeApi(options: FakeApiOptions = {}): Promise<FakeApi> {
  const failures = new Map<string, number[]>();
  const issued = new Set<string>();
  const api: Omit<FakeApi, "url" | "tokenUrl" | "close"> = {
    configurations: options.configurations ?? [],
    jobs: options.jobs ?? [],
    bulkPuts: [],
    deletedBookings: [],
    statuses: [],
    tokenRequests: 0,
    failNext(path, ...statuses) {
      failures.set(path, [...(failures.get(path) ?? []), ...statuses]);
    },
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = (request.url ?? "/").split("?")[0] ?? "/";
    const body = await readBody(request);
    const send = (status: number, value?: unknown): void => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(value === undefined ? "" : JSON.stringify(value));
    };
    const queued = failures.get(path);
    if (queued && queued.length > 0) {
      send(queued.shift() as number, { detail: "injected failure" });
      return;
    }
    if (path === "/token" && request.method === "POST") {
      api.tokenRequests += 1;
      const expected = options.client
        ? `Basic ${Buffer.from(`${options.client.id}:${options.client.secret}`).toString("base64")}`
        : undefined;
      const form = new URLSearchParams(body);
      if (
        !expected ||
        request.headers.authorization !== expected ||
        form.get("grant_type") !== "client_credentials"
      ) {
        send(401, { error: "invalid_client" });
        return;
      }
      const token = `token-${api.tokenRequests}`;
      issued.add(token);
      send(200, {
        access_token: token,
        expires_in: options.client?.expiresIn ?? 300,
        token_type: "Bearer",
      });
      return;
    }
    if (options.client) {
      const bearer = (request.headers.authorization ?? "").replace(/^Bearer /, "");
      if (!issued.has(bearer)) {
        send(401, { detail: "not authenticated" });
        return;
      }
    }
    if (request.method === "GET" && path === "/lm/configurations/by_client_id") {
      send(200, api.configurations);
    } else if (request.method === "GET" && path === "/lm/jobs/by_client_id") {
      send(200, api.jobs);
    } else if (request.method === "PUT" && path === "/lm/features/bulk") {
      const updates = JSON.parse(body) as FakeApi["bulkPuts"][number];
      api.bulkPuts.push(updates);
      const missing: string[] = [];
      let updated = 0;
      const byName = featuresByName(api.configurations);
      for (const update of updates) {
        const feature = byName.get(featureKey(update.product_name, update.feature_name));
        if (!feature) {
          missing.push(`${update.product_name}.${update.feature_name}`);
          continue;
        }
        feature.total = update.total;
        feature.used = update.used;
        updated += 1;
      }
      send(200, { updated, missing });
    } else if (request.method === "DELETE" && path.startsWith("/lm/bookings/")) {
      const id = Number(path.slice("/lm/bookings/".length));
      const job = api.jobs.find((j) => j.bookings.some((booking) => booking.id === id));
      if (!job) {
        send(404, { detail: "booking not found" });
        return;
      }
      job.bookings = job.bookings.filter((booking) => booking.id !== id);
      api.deletedBookings.push(id);
      send(200, { message: "deleted" });
    } else if (request.method === "PUT" && path === "/lm/cluster_statuses") {
      api.statuses.push(JSON.parse(body) as FakeApi["statuses"][number]);
      send(200, { message: "ok" });
    } else {
      send(404, { detail: `no route ${request.method} ${path}` });
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return Object.assign(api, {
    url,
    tokenUrl: `${url}/token`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** A FlexLM configuration in wire shape: features are `[product, feature]` pairs. */
export function flexlmConfiguration(
  id: number,
  clusterClientId: string,
  ports: number[],
  features: Array<[string, string]>,
  graceTime = 300,
): WireConfiguration {
  return {
    id,
    name: `config-${id}`,
    cluster_client_id: clusterClientId,
    grace_time: graceTime,
    type: "flexlm",
    features: features.map(([product, name], index) => ({
      id: id * 1000 + index,
      name,
      product: { id: id * 1000 + index, name: product },
      config_id: id,
      reserved: 0,
      total: 0,
      used: 0,
      booked_total: 0,
    })),
    license_servers: ports.map((port, index) => ({
      id: id * 100 + index,
      config_id: id,
      host: "127.0.0.1",
      port,
    })),
  };
}

const featureKey = (product: string, feature: string): string => `${product}\u0000${feature}`;

/** The first feature of each product and name, as a bulk update finds it (one pass, not one per update). */
function featuresByName(
  configurations: WireConfiguration[],
): Map<string, WireConfiguration["features"][number]> {
  const byName = new Map<string, WireConfiguration["features"][number]>();
  for (const configuration of configurations) {
    for (const feature of configuration.features) {
      const key = featureKey(feature.product.name, feature.name);
      if (!byName.has(key)) byName.set(key, feature);
    }
  }
  return byName;
}
