import { join } from "node:path";
import { DEFAULT_ADMIN_PASSWORD } from "../../../src/server-core/admin-auth.js";
import type { RunningServer } from "../../../src/server-core/server.js";
import { api, basic, startTestServer, writeLicense, type ManualClock } from "../helpers.js";

export const ADMIN_PASSWORD = "Manag3r-Pass!";

/**
 * A license file with `count` extra features (feat00001 …) besides solver (two versions, one
 * expiring before the other), mesher and an uncounted viewer.
 */
export function bigLicense(count: number): string {
  const lines = [
    "SERVER this_host ANY 27000",
    "VENDOR acme PORT=27001",
    "FEATURE solver acme 1.0 31-dec-2030 10 SIGN=01",
    "INCREMENT solver acme 1.0 30-jun-2028 5 SIGN=02",
    "INCREMENT solver acme 2.0 permanent 3 SIGN=03",
    "FEATURE mesher acme 1.0 permanent 4 SIGN=04",
    "FEATURE viewer acme 1.0 permanent uncounted HOSTID=ANY SIGN=05",
  ];
  for (let index = 1; index <= count; index += 1)
    lines.push(`FEATURE feat${String(index).padStart(5, "0")} acme 1.0 permanent 2 SIGN=${index}`);
  return `${lines.join("\n")}\n`;
}

export async function startManagerServer(
  dir: string,
  features: number,
  options: { changePassword?: boolean } = {},
): Promise<{ server: RunningServer; clock: ManualClock }> {
  const license = writeLicense(dir, "big.lic", bigLicense(features));
  const started = await startTestServer(dir, {
    license_files: [license],
    entitlements_file: undefined,
    database: join(dir, "manager.db"),
  });
  if (options.changePassword ?? true) {
    const changed = await api(
      started.server,
      "PUT",
      "/api/1.0/admin/password",
      { newPassword: ADMIN_PASSWORD },
      { authorization: basic(DEFAULT_ADMIN_PASSWORD) },
    );
    if (changed.status !== 200)
      throw new Error(`password change failed: ${JSON.stringify(changed)}`);
  }
  return started;
}

export async function checkout(
  server: RunningServer,
  lease: {
    feature: string;
    version?: string;
    count?: number;
    user: string;
    host: string;
    deviceId?: string;
  },
): Promise<string> {
  const answer = await api(server, "POST", "/api/1.0/leases", { version: "1.0", ...lease });
  if (answer.status !== 201 && answer.status !== 200)
    throw new Error(`checkout failed: ${JSON.stringify(answer)}`);
  return answer.body.lease?.id ?? answer.body.id;
}
