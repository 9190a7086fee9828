import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { FastifyInstance } from "fastify";
import { stringify } from "yaml";
import { buildApi } from "../../src/api/app.js";
import { oidcAuthenticator } from "../../src/api/auth.js";
import { startDevOidcProvider, type DevOidcProvider } from "../../src/api/dev-oidc.js";
import { ADMIN_PERMISSION } from "../../src/api/permissions.js";
import { createStore } from "../../src/api/store/index.js";
import { openDatabase } from "../../src/api/store/open.js";
import { parseServerConfig } from "../../src/server-core/config.js";
import { LicenseClient } from "../../src/server-core/client.js";
import { startServer, type RunningServer } from "../../src/server-core/server.js";

/*
 * The whole loop on loopback for end-to-end tests: the development OIDC provider, the License
 * Manager API over a SQLite file, lmkeeper's reference license server, and the built CLI run
 * as the agent (and its hooks) in child processes.
 */

export const REPO = resolve(import.meta.dirname, "../..");
export const CLI = join(REPO, "dist/cli/main.js");
/** the FlexLM tool as the agent runs it: the vendor-named shim in front of the reference server */
export const LMUTIL_SHIM = join(REPO, "deploy/shims/lmutil");
export const E2E_LICENSE = join(REPO, "fixtures/agent/e2e.lic");

export const CLUSTER_ID = "cluster-a";
const CLUSTER_SECRET = "secret-a";

export function requireBuiltCli(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first`);
}

export function scratchDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export async function startOidc(): Promise<DevOidcProvider> {
  // the agent authenticates at the token endpoint with HTTP Basic
  return startDevOidcProvider({
    clients: [
      {
        clientId: CLUSTER_ID,
        secret: CLUSTER_SECRET,
        permissions: [ADMIN_PERMISSION],
        authMethod: "client_secret_basic",
      },
    ],
  });
}

export interface Reply {
  status: number;
  body: unknown;
}

/** The API over one SQLite file; it can be stopped and started again on the same port. */
export class TestApi {
  private app: FastifyInstance | undefined;
  private closeDb: (() => Promise<void>) | undefined;
  port = 0;
  /** the API's clock runs this far from the real one (bookings "created" in the past) */
  offsetMs = 0;

  constructor(
    private readonly oidc: DevOidcProvider,
    private readonly database: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const db = await openDatabase(this.database);
    const now = (): Date => new Date(Date.now() + this.offsetMs);
    const app = await buildApi({
      store: createStore(db, now),
      now,
      authenticator: oidcAuthenticator({
        issuer: this.oidc.issuer,
        audience: this.oidc.audience,
        permissionsClaim: "permissions",
      }),
    });
    await app.listen({ host: "127.0.0.1", port: this.port });
    this.port = (app.server.address() as { port: number }).port;
    this.app = app;
    this.closeDb = () => db.close();
    return this;
  }

  async stop(): Promise<void> {
    await this.app?.close();
    await this.closeDb?.();
    this.app = undefined;
    this.closeDb = undefined;
  }

  async call(method: string, path: string, body?: unknown): Promise<Reply> {
    const token = await this.oidc.fetchToken(CLUSTER_ID, CLUSTER_SECRET);
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === "" ? null : (JSON.parse(text) as unknown) };
  }

  async ok(method: string, path: string, body?: unknown): Promise<unknown> {
    const reply = await this.call(method, path, body);
    if (reply.status >= 300)
      throw new Error(`${method} ${path} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    return reply.body;
  }

  /** `product.feature` → { total, used, booked_total } as the API holds them now */
  async features(): Promise<Record<string, { total: number; used: number; booked: number }>> {
    const features = (await this.ok("GET", "/lm/features")) as Array<{
      name: string;
      product: { name: string };
      total: number;
      used: number;
      booked_total: number;
    }>;
    return Object.fromEntries(
      features.map((f) => [
        `${f.product.name}.${f.name}`,
        { total: f.total, used: f.used, booked: f.booked_total },
      ]),
    );
  }

  /** one FlexLM configuration of this cluster with the given features and servers, in order */
  async seed(options: {
    product: string;
    features: string[];
    servers: Array<{ host: string; port: number }>;
    graceTime?: number;
  }): Promise<{ configId: number; featureIds: Record<string, number> }> {
    const product = (await this.ok("POST", "/lm/products", { name: options.product })) as {
      id: number;
    };
    const config = (await this.ok("POST", "/lm/configurations", {
      name: `${options.product} licenses`,
      cluster_client_id: CLUSTER_ID,
      grace_time: options.graceTime ?? 60,
      type: "flexlm",
      features: options.features.map((name) => ({ name, product_id: product.id, reserved: 0 })),
      license_servers: options.servers,
    })) as { id: number; features: Array<{ id: number; name: string }> };
    return {
      configId: config.id,
      featureIds: Object.fromEntries(config.features.map((f) => [f.name, f.id])),
    };
  }
}

/** The reference license server serving fixtures/agent/e2e.lic (solver: 10 seats, mesher: 4). */
export async function startLicenseServer(dir: string, port = 0): Promise<RunningServer> {
  return startServer(
    parseServerConfig(
      {
        port,
        bind: "127.0.0.1",
        hostname: "lic1",
        license_files: [E2E_LICENSE],
        database: join(dir, `server-${port}-${Math.random().toString(36).slice(2)}.db`),
        lease_seconds: 600,
        log_level: "silent",
      },
      "e2e server",
      dir,
    ),
  );
}

/** Checks seats out as a client outside the cluster would; returns the lease ids. */
export async function checkout(
  server: RunningServer,
  feature: string,
  count: number,
  user: string,
  host: string,
): Promise<string> {
  const client = new LicenseClient({ baseUrl: server.url });
  try {
    return (await client.checkout({ feature, count, user, host })).id;
  } finally {
    await client.close();
  }
}

export async function checkin(server: RunningServer, leaseId: string): Promise<void> {
  const client = new LicenseClient({ baseUrl: server.url });
  try {
    await client.checkin(leaseId);
  } finally {
    await client.close();
  }
}

/** A loopback port nobody listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/** Writes an agent config for this stack; `extra` adds or replaces top-level keys. */
export function writeAgentConfig(
  dir: string,
  stack: { api: { url: string }; oidc: DevOidcProvider },
  extra: Record<string, unknown> = {},
  name = "agent.yaml",
): string {
  const path = join(dir, name);
  const config = {
    api: { url: stack.api.url, request_timeout: 5, retries: 1 },
    oidc: {
      token_url: stack.oidc.tokenUrl,
      client_id: CLUSTER_ID,
      client_secret: CLUSTER_SECRET,
    },
    cluster_client_id: CLUSTER_ID,
    tools: { flexlm: LMUTIL_SHIM },
    tool_timeout: 10,
    metrics: { enabled: false },
    log_level: "info",
    ...extra,
  };
  writeFileSync(path, stringify(config));
  return path;
}

export interface AgentRun {
  code: number;
  stdout: string;
  stderr: string;
  /** the JSON log lines */
  logs: Array<Record<string, unknown>>;
}

/** `lmkeeper agent --once --config FILE` as a child process. */
export function runAgentOnce(config: string, env: NodeJS.ProcessEnv = {}): Promise<AgentRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, "agent", "--once", "--config", config],
      { env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) =>
        done({
          code: error ? Number(error.code ?? 1) : 0,
          stdout,
          stderr,
          logs: jsonLines(stdout),
        }),
    );
  });
}

export function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

export const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

export async function waitFor<T>(
  what: string,
  read: () => Promise<T> | T,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!done(last)) {
    if (Date.now() > deadline)
      throw new Error(`gave up waiting for ${what}; last seen: ${JSON.stringify(last)}`);
    await sleep(100);
    last = await read();
  }
  return last;
}
