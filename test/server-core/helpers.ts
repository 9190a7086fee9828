import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  parseServerConfig,
  type ServerConfig,
  type ServerConfigInput,
} from "../../src/server-core/config.js";
import { startServer, type RunningServer } from "../../src/server-core/server.js";

export const FIXTURES = fileURLToPath(new URL("../../fixtures/server/", import.meta.url));
export const ACME_LICENSE = join(FIXTURES, "acme.lic");
export const ENTITLEMENTS = join(FIXTURES, "entitlements.yaml");

export function tempDir(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), "lmkeeper-server-"));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A clock tests move by hand. */
export class ManualClock {
  constructor(public ms = Date.UTC(2026, 10, 23, 12, 0, 0)) {}
  readonly now = (): number => this.ms;
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

export function writeLicense(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

export function testConfig(dir: string, overrides: Partial<ServerConfigInput> = {}): ServerConfig {
  return parseServerConfig(
    {
      port: 0,
      bind: "127.0.0.1",
      hostname: "lic1",
      license_files: [ACME_LICENSE],
      entitlements_file: ENTITLEMENTS,
      database: join(dir, "server.db"),
      lease_seconds: 60,
      log_level: "silent",
      ...overrides,
    },
    "test config",
    dir,
  );
}

export async function startTestServer(
  dir: string,
  overrides: Partial<ServerConfigInput> = {},
  clock = new ManualClock(),
): Promise<{ server: RunningServer; clock: ManualClock }> {
  const server = await startServer(testConfig(dir, overrides), { now: clock.now });
  return { server, clock };
}

export function basic(password: string, user = "admin"): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}

export async function api(
  server: { url: string },
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  // response bodies vary per route; tests compare them against exact literals
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
