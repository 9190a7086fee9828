import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { buildApi } from "../../../src/api/app.js";
import { oidcAuthenticator } from "../../../src/api/auth.js";
import {
  type DevOidcClient,
  type DevOidcProvider,
  startDevOidcProvider,
} from "../../../src/api/dev-oidc.js";
import {
  ACTIONS,
  ADMIN_PERMISSION,
  RESOURCES,
  permissionName,
} from "../../../src/api/permissions.js";
import { createStore, type Database, type Store } from "../../../src/api/store/index.js";
import { openDatabase } from "../../../src/api/store/open.js";
import type { TestPostgres } from "./postgres.js";

export const DRIVERS = ["sqlite", "postgres"] as const;
export type Driver = (typeof DRIVERS)[number];

/** Clients of the test provider: two clusters with admin rights, a caller with none, and one per permission. */
export function testClients(): DevOidcClient[] {
  const clients: DevOidcClient[] = [
    { clientId: "cluster-a", secret: "secret-a", permissions: [ADMIN_PERMISSION] },
    { clientId: "cluster-b", secret: "secret-b", permissions: [ADMIN_PERMISSION] },
    { clientId: "nobody", secret: "secret-nobody", permissions: [] },
  ];
  for (const resource of RESOURCES) {
    for (const action of ACTIONS) {
      const permission = permissionName(resource, action);
      clients.push({
        clientId: `only-${resource}-${action}`,
        secret: `secret-${permission}`,
        permissions: [permission],
      });
    }
  }
  return clients;
}

export interface Reply {
  status: number;
  body: unknown;
  headers: Headers;
}

export interface RunningApi {
  baseUrl: string;
  store: Store;
  app: FastifyInstance;
  /** the API's clock; tests move it */
  clock: { now: Date };
  /** a bearer token of a test client */
  token(clientId: string): Promise<string>;
  call(
    method: string,
    path: string,
    options?: {
      as?: string | null;
      body?: unknown;
      rawBody?: string;
      headers?: Record<string, string>;
    },
  ): Promise<Reply>;
  close(): Promise<void>;
}

export async function startOidc(): Promise<DevOidcProvider> {
  return startDevOidcProvider({ clients: testClients() });
}

/** The API on 127.0.0.1:0 over a fresh database of the driver, trusting the provider. */
export async function startApi(
  driver: Driver,
  oidc: DevOidcProvider,
  postgres?: TestPostgres,
  options: { wrapDatabase?: (db: Database) => Database } = {},
): Promise<RunningApi> {
  let target: string;
  let dir: string | undefined;
  if (driver === "sqlite") {
    dir = mkdtempSync(join(tmpdir(), "lmkeeper-api-"));
    target = join(dir, "lm.sqlite");
  } else {
    if (postgres === undefined) throw new Error("postgres driver needs a running test PostgreSQL");
    target = await postgres.createDatabase(`lm_${Math.random().toString(36).slice(2, 10)}`);
  }
  const opened = await openDatabase(target);
  const db = options.wrapDatabase === undefined ? opened : options.wrapDatabase(opened);
  const clock = { now: new Date("2026-01-15T12:00:00.000Z") };
  const store = createStore(db, () => clock.now);
  const app = await buildApi({
    store,
    now: () => clock.now,
    authenticator: oidcAuthenticator({
      issuer: oidc.issuer,
      audience: oidc.audience,
      permissionsClaim: "permissions",
    }),
  });
  const baseUrl = await app.listen({ host: "127.0.0.1", port: 0 });
  const secrets = new Map(testClients().map((c) => [c.clientId, c.secret]));
  const tokens = new Map<string, Promise<string>>();
  const token = (clientId: string) => {
    let cached = tokens.get(clientId);
    if (cached === undefined) {
      cached = oidc.fetchToken(clientId, secrets.get(clientId) ?? "unknown");
      tokens.set(clientId, cached);
    }
    return cached;
  };
  return {
    baseUrl,
    store,
    app,
    clock,
    token,
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      const as = options.as === undefined ? "cluster-a" : options.as;
      if (as !== null) headers["authorization"] = `Bearer ${await token(as)}`;
      let body: string | undefined;
      if (options.rawBody !== undefined) body = options.rawBody;
      else if (options.body !== undefined) body = JSON.stringify(options.body);
      if (body !== undefined) headers["content-type"] ??= "application/json";
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
      });
      const text = await response.text();
      let parsed: unknown = text;
      if ((response.headers.get("content-type") ?? "").includes("json") && text !== "")
        parsed = JSON.parse(text);
      return { status: response.status, body: parsed, headers: response.headers };
    },
    async close() {
      await app.close();
      await db.close();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}
