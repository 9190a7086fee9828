/**
 * Everything `lmkeeper demo` runs besides the agent, on loopback ports chosen by the system,
 * with its state in one temporary directory: the reference license server with the bundled
 * license file, the in-process OIDC provider and the License Manager API on SQLite.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { startDevOidcProvider, type DevOidcProvider } from "../api/dev-oidc.js";
import { ADMIN_PERMISSION } from "../api/permissions.js";
import { startApiServer, type RunningApiServer } from "../api/serve.js";
import { parseServerConfig, startServer, type RunningServer } from "../server-core/index.js";

/** The package root, from src/demo or dist/demo alike. */
export const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const DEMO_LICENSE = join(PACKAGE_ROOT, "fixtures/server/acme.lic");
export const DEMO_CLUSTER = "demo-cluster";

export interface DemoStack {
  dir: string;
  server: RunningServer;
  oidc: DevOidcProvider;
  api: RunningApiServer;
  /** the demo cluster's OIDC client */
  client: { id: string; secret: string };
  /** stops everything that started, newest first, and removes the directory */
  close(): Promise<void>;
}

export async function startDemoStack(): Promise<DemoStack> {
  const dir = mkdtempSync(join(tmpdir(), "lmkeeper-demo-"));
  const closers: Array<() => Promise<void>> = [
    async () => rmSync(dir, { recursive: true, force: true }),
  ];
  const close = async (): Promise<void> => {
    for (const closeOne of closers.reverse()) {
      await closeOne().catch(() => undefined);
    }
  };
  try {
    const server = await startServer(
      parseServerConfig(
        {
          port: 0,
          bind: "127.0.0.1",
          hostname: "demo-lic",
          license_files: [DEMO_LICENSE],
          database: join(dir, "server.db"),
          lease_seconds: 60,
          log_level: "error",
        },
        "lmkeeper demo",
        dir,
      ),
      { logger: pino({ level: "error" }, pino.destination(2)) },
    );
    closers.push(() => server.close());

    const client = { id: DEMO_CLUSTER, secret: randomBytes(18).toString("base64url") };
    const oidc = await startDevOidcProvider({
      clients: [{ clientId: client.id, secret: client.secret, permissions: [ADMIN_PERMISSION] }],
    });
    closers.push(() => oidc.close());

    const api = await startApiServer({
      port: 0,
      bind: "127.0.0.1",
      database: join(dir, "api.sqlite"),
      log_level: "error",
      oidc: { issuer: oidc.issuer, audience: oidc.audience, permissions_claim: "permissions" },
    });
    closers.push(() => api.close());
    return { dir, server, oidc, api, client, close };
  } catch (error) {
    await close();
    throw error;
  }
}
