import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ADMIN_PASSWORD } from "../../../src/server-core/admin-auth.js";
import type { RunningServer } from "../../../src/server-core/server.js";
import { CLI, ensureBuilt } from "../failover/processes.js";
import { api, basic, startTestServer, tempDir } from "../helpers.js";

const run = promisify(execFile);
const PASSWORD = "Lic3nse-Admin";
const CODE = "9876-WXYZ-0000-1111";

let dir: ReturnType<typeof tempDir>;
let server: RunningServer;

beforeAll(async () => {
  ensureBuilt();
  dir = tempDir();
  await run(process.execPath, [CLI, "server", "offline-keygen", "--out", join(dir.path, "bo")]);
  ({ server } = await startTestServer(dir.path, {
    offline: { public_key_file: join(dir.path, "bo.pub") },
  }));
  await api(
    server,
    "PUT",
    "/api/1.0/admin/password",
    { newPassword: PASSWORD },
    { authorization: basic(DEFAULT_ADMIN_PASSWORD) },
  );
});

afterAll(async () => {
  await server.close();
  dir.remove();
});

async function lmkeeper(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      env: { ...process.env, LMKEEPER_SERVER_URL: server.url, LMKEEPER_SERVER_PASSWORD: PASSWORD },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("lmkeeper server offline-*", () => {
  it("round-trips request → signed response → import, and refuses a tampered file", async () => {
    const request = join(dir.path, "req.json");
    const response = join(dir.path, "resp.json");
    expect(
      await lmkeeper("server", "offline-request", "-o", request, "--activate", `${CODE}=6`),
    ).toMatchObject({ code: 0, stdout: `Wrote capability request ${request}\n` });
    const signed = await lmkeeper(
      "server",
      "offline-respond",
      "--key",
      join(dir.path, "bo.key"),
      "--request",
      request,
      "-o",
      response,
    );
    expect(signed.code).toBe(0);
    expect(signed.stdout).toMatch(new RegExp(`: ${CODE}=6\\n$`));

    const tampered = join(dir.path, "tampered.json");
    const file = JSON.parse(readFileSync(response, "utf8")) as { payload: string };
    const payload = Buffer.from(file.payload, "base64")
      .toString()
      .replace('"count":6', '"count":9');
    writeFileSync(
      tampered,
      JSON.stringify({ ...file, payload: Buffer.from(payload).toString("base64") }),
    );
    const refused = await lmkeeper("server", "offline-import", tampered);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^lmkeeper server offline-import: OFFLINE_RESPONSE_BAD_SIGNATURE/,
    );
    expect(server.service.activatedCount(CODE)).toBe(0);

    expect(await lmkeeper("server", "offline-import", response)).toMatchObject({
      code: 0,
      stdout: `Activation code ${CODE}: 6 licenses active (was 0)\n`,
    });
    expect(server.service.activatedCount(CODE)).toBe(6);

    const garbage = join(dir.path, "garbage.json");
    writeFileSync(garbage, "{not json");
    const unreadable = await lmkeeper("server", "offline-import", garbage);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toMatch(/garbage\.json: not a capability response/);
  });
});
