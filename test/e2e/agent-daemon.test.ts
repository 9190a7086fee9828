import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DevOidcProvider } from "../../src/api/dev-oidc.js";
import type { RunningServer } from "../../src/server-core/server.js";
import { isAlive } from "../agent/helpers.js";
import {
  checkout,
  CLI,
  closedPort,
  jsonLines,
  LMUTIL_SHIM,
  REPO,
  requireBuiltCli,
  runAgentOnce,
  scratchDir,
  startLicenseServer,
  startOidc,
  TestApi,
  waitFor,
  writeAgentConfig,
} from "./stack.js";

/** `lmkeeper agent` (the daemon) as a child process, its JSON log lines collected as they come. */
function startDaemon(config: string): {
  child: ChildProcess;
  logs: () => Array<Record<string, unknown>>;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, [CLI, "agent", "--config", config], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr?.resume();
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  return { child, logs: () => jsonLines(stdout.slice(0, stdout.lastIndexOf("\n") + 1)), exited };
}

const cycles = (logs: Array<Record<string, unknown>>) =>
  logs.filter((line) => line.msg === "reconcile cycle finished");

describe("the agent through the real stack, over time", () => {
  const dir = scratchDir("lmk-e2e-daemon-");
  let oidc: DevOidcProvider;
  let api: TestApi;
  let server: RunningServer;

  beforeAll(async () => {
    requireBuiltCli();
    oidc = await startOidc();
    api = await new TestApi(oidc, join(dir.path, "api.sqlite")).start();
    server = await startLicenseServer(dir.path);
  });

  afterAll(async () => {
    await server?.close();
    await api?.stop();
    await oidc?.close();
    dir.remove();
  });

  it("keeps running while the API is down for 3 cycles and catches up when it returns", async () => {
    await api.seed({
      product: "outage",
      features: ["solver"],
      servers: [{ host: "127.0.0.1", port: server.port }],
    });
    await checkout(server, "solver", 1, "alice", "ws1");
    const config = writeAgentConfig(
      dir.path,
      { api, oidc },
      { schedule: "* * * * * *", api: { url: api.url, request_timeout: 2, retries: 1 } },
      "daemon.yaml",
    );
    const daemon = startDaemon(config);
    try {
      await waitFor(
        "the first push",
        async () => (await api.features())["outage.solver"],
        (feature) => feature?.used === 1,
      );

      await api.stop();
      const failedBefore = cycles(daemon.logs()).filter((line) => !line.success).length;
      await checkout(server, "solver", 3, "bob", "ws2");
      await waitFor(
        "3 failed cycles",
        () => cycles(daemon.logs()).filter((line) => !line.success).length,
        (failed) => failed >= failedBefore + 3,
      );
      expect(daemon.child.exitCode).toBeNull();
      const failed = cycles(daemon.logs()).filter((line) => !line.success);
      expect(failed.at(-1)?.errors).toEqual([
        expect.stringMatching(
          /^cannot fetch the configurations: GET \/lm\/configurations\/by_client_id failed: fetch failed \(connect ECONNREFUSED/,
        ),
        expect.stringMatching(/^cannot report the cluster status: /),
      ]);

      const restartedAt = Date.now();
      await api.start(); // same port, same database
      const caughtUp = await waitFor(
        "the catch-up",
        async () => (await api.features())["outage.solver"],
        (feature) => feature?.used === 4,
      );
      expect(caughtUp).toEqual({ total: 10, used: 4, booked: 0 });
      await waitFor(
        "a successful status reported after the restart",
        async () =>
          (
            (await api.ok("GET", "/lm/cluster_statuses")) as Array<{
              errors: string[];
              last_reported: string;
            }>
          )[0],
        (status) =>
          status !== undefined &&
          Date.parse(status.last_reported) >= restartedAt &&
          status.errors.length === 0,
      );
    } finally {
      daemon.child.kill("SIGTERM");
    }
    expect(await daemon.exited).toBe(0);
    const configurations = (await api.ok("GET", "/lm/configurations")) as Array<{ id: number }>;
    for (const configuration of configurations)
      await api.ok("DELETE", `/lm/configurations/${configuration.id}`);
  }, 60_000);

  it("kills a hanging tool and its children at the timeout; the other configuration still goes through", async () => {
    const hangPort = await closedPort();
    const pidFile = join(dir.path, "hung.json");
    const plan = join(dir.path, "plan.json");
    writeFileSync(plan, JSON.stringify({ servers: { [hangPort]: { hang: true, pidFile } } }));
    // lmutil as a site would install it, except that one server makes it hang
    const lmutil = join(dir.path, "lmutil");
    writeFileSync(
      lmutil,
      `#!/bin/sh\ncase "$*" in *${hangPort}@*) exec ${process.execPath} ${join(REPO, "test/agent/tools/fake-tool.mjs")} "$@";; esac\nexec ${LMUTIL_SHIM} "$@"\n`,
    );
    chmodSync(lmutil, 0o755);
    await api.seed({
      product: "hung",
      features: ["solver"],
      servers: [{ host: "127.0.0.1", port: hangPort }],
    });
    await api.seed({
      product: "fine",
      features: ["mesher"],
      servers: [{ host: "127.0.0.1", port: server.port }],
    });
    await checkout(server, "mesher", 2, "carol", "ws3");
    const config = writeAgentConfig(
      dir.path,
      { api, oidc },
      { tools: { flexlm: lmutil }, tool_timeout: 2 },
      "hang.yaml",
    );

    const run = await runAgentOnce(config, { FAKE_TOOL_PLAN: plan });
    expect(run.code).toBe(1);
    const features = await api.features();
    expect(features["fine.mesher"]).toEqual({ total: 4, used: 2, booked: 0 });
    expect(features["hung.solver"]).toEqual({ total: 0, used: 0, booked: 0 });
    const finished = cycles(run.logs)[0];
    expect(finished?.errors).toEqual([
      expect.stringMatching(
        new RegExp(
          `^configuration hung licenses \\(flexlm\\): 127\\.0\\.0\\.1:${hangPort}: .*2000 ?ms`,
        ),
      ),
    ]);
    const hung = JSON.parse(readFileSync(pidFile, "utf8")) as { child: number; grandchild: number };
    expect([isAlive(hung.child), isAlive(hung.grandchild)]).toEqual([false, false]);
  }, 30_000);
});
