import { join } from "node:path";
import { expect } from "vitest";
import { DEFAULT_ADMIN_PASSWORD } from "../../../src/server-core/admin-auth.js";
import type { ServerConfigInput } from "../../../src/server-core/config.js";
import type { RunningServer } from "../../../src/server-core/server.js";
import { api, basic, FIXTURES, ManualClock, startTestServer } from "../helpers.js";

export const POLICY_LICENSE = join(FIXTURES, "policy", "policy.lic");
export const ADMIN_PASSWORD = "Lic3nse-Admin";

/** A server on the policy licenses with the admin password already changed. */
export async function startPolicyServer(
  dir: string,
  overrides: Partial<ServerConfigInput> = {},
  clock = new ManualClock(),
): Promise<{ server: RunningServer; clock: ManualClock }> {
  const started = await startTestServer(
    dir,
    { license_files: [POLICY_LICENSE], entitlements_file: undefined, ...overrides },
    clock,
  );
  const changed = await api(
    started.server,
    "PUT",
    "/api/1.0/admin/password",
    { newPassword: ADMIN_PASSWORD },
    { authorization: basic(DEFAULT_ADMIN_PASSWORD) },
  );
  if (changed.status !== 200 && changed.body?.error?.code !== "BAD_CREDENTIALS")
    expect(changed.status).toBe(200);
  return started;
}

export const admin = (server: { url: string }, method: string, path: string, body?: unknown) =>
  api(server, method, `/api/1.0/admin${path}`, body, { authorization: basic(ADMIN_PASSWORD) });

/** Uploads a model definition as text. */
export async function putModel(server: { url: string }, text: string) {
  const response = await fetch(`${server.url}/api/1.0/admin/model`, {
    method: "PUT",
    headers: { authorization: basic(ADMIN_PASSWORD), "content-type": "text/plain" },
    body: text,
  });
  return { status: response.status, body: JSON.parse(await response.text()) };
}

export const checkout = (server: { url: string }, body: Record<string, unknown>) =>
  api(server, "POST", "/api/1.0/leases", { host: `${String(body.user)}-ws`, ...body });
