import { createServer } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_ADMIN_PASSWORD } from "../../src/server-core/admin-auth.js";
import type { RunningServer } from "../../src/server-core/server.js";
import { api, basic, ManualClock, startTestServer, tempDir } from "./helpers.js";

const PASSWORD = "Lic3nse-Admin";
let dir: ReturnType<typeof tempDir>;
let server: RunningServer;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

beforeEach(async () => {
  dir = tempDir();
  ({ server } = await startTestServer(dir.path));
  await api(
    server,
    "PUT",
    "/api/1.0/admin/password",
    { newPassword: PASSWORD },
    { authorization: basic(DEFAULT_ADMIN_PASSWORD) },
  );
});

afterEach(async () => {
  await server.close();
  dir.remove();
});

const settings = (method: string, body?: unknown) =>
  api(server, method, "/api/1.0/admin/settings/listen", body, { authorization: basic(PASSWORD) });

describe("listen settings through the admin API", () => {
  it("says a port change needs a restart, and the restart applies it", async () => {
    const first = server.port;
    expect((await settings("GET")).body).toEqual({
      current: { port: first, bind: "127.0.0.1" },
      next: { port: first, bind: "127.0.0.1" },
      restartRequired: false,
      message: `The server listens on 127.0.0.1:${first}`,
    });

    const port = await freePort();
    const changed = await settings("PUT", { port });
    expect(changed).toEqual({
      status: 200,
      body: {
        current: { port: first, bind: "127.0.0.1" },
        next: { port, bind: "127.0.0.1" },
        restartRequired: true,
        message: `Restart required: the server listens on 127.0.0.1:${first} until it restarts, then on 127.0.0.1:${port}`,
      },
    });
    // still serving where it was
    expect((await api(server, "GET", "/api/1.0/health")).status).toBe(200);

    await server.close();
    ({ server } = await startTestServer(dir.path, {}, new ManualClock()));
    expect(server.port).toBe(port);
    expect((await settings("GET")).body.restartRequired).toBe(false);
  });

  it("rejects a bad port or bind address and keeps the old one", async () => {
    const bad = await settings("PUT", { port: 70000, bind: "not an address" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/port: .*65535.*bind: must be an IP address/);
    expect((await settings("PUT", {})).status).toBe(400);
    expect((await settings("GET")).body.restartRequired).toBe(false);
  });

  it("needs admin credentials", async () => {
    expect((await api(server, "PUT", "/api/1.0/admin/settings/listen", { port: 1 })).status).toBe(
      401,
    );
  });
});
