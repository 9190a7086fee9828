/**
 * The agent config's `server:` section: the built agent hosts the reference license server
 * in its own process, reads it through the lmutil shim in the first cycle, and stops it on
 * exit. The API is the loopback fake that records what the agent pushed.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execa } from "execa";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadAgentConfig } from "../../src/agent/config.js";
import { flexlmConfiguration, startFakeApi, type FakeApi } from "../generators/fake-lm-api.js";
import { eventually } from "./helpers.js";

const CLI = resolve("dist/cli/main.js");
const LMUTIL_SHIM = resolve("deploy/shims/lmutil");
const ACME_LICENSE = resolve("fixtures/server/acme.lic");
const SECRET = "h0sted-s3cret";

let api: FakeApi | undefined;
let dir: string | undefined;

beforeAll(async () => {
  if (!existsSync(CLI)) await execa("npm", ["run", "build"], { stdio: "inherit" });
}, 120_000);

afterEach(async () => {
  await api?.close();
  api = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, "127.0.0.1", done));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((done) => probe.close(() => done()));
  return port;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      done(true);
    });
    socket.once("error", () => done(false));
  });
}

/** An agent config with a `server:` section on `port`, and the fake API reading that port. */
async function setUp(serverLines: string[]): Promise<string> {
  dir = mkdtempSync(join(tmpdir(), "lmkeeper-hosted-"));
  const port = await freePort();
  api = await startFakeApi({
    configurations: [
      flexlmConfiguration(
        1,
        "alpha",
        [port],
        [
          ["acme", "solver"],
          ["acme", "mesher"],
        ],
      ),
    ],
    client: { id: "alpha", secret: SECRET },
  });
  const config = join(dir, "agent.yaml");
  writeFileSync(
    config,
    [
      "api:",
      `  url: ${api.url}`,
      "  retries: 0",
      "oidc:",
      `  token_url: ${api.tokenUrl}`,
      "  client_id: alpha",
      `  client_secret: ${SECRET}`,
      "cluster_client_id: alpha",
      "tools:",
      `  flexlm: ${LMUTIL_SHIM}`,
      "metrics:",
      "  enabled: false",
      "server:",
      `  port: ${port}`,
      "  bind: 127.0.0.1",
      "  hostname: lic1",
      ...serverLines.map((line) => `  ${line}`),
      "",
    ].join("\n"),
  );
  return config;
}

const SERVER_FILES = [`license_files: [${ACME_LICENSE}]`, "database: state/server.db"];

describe("agent config server: section", () => {
  it("keeps the section's keys and resolves its paths against the config file", async () => {
    const config = await setUp(SERVER_FILES);
    const loaded = loadAgentConfig({ path: config, env: {} });
    expect(loaded.server?.baseDir).toBe(dir);
    expect(loaded.server?.settings).toMatchObject({
      bind: "127.0.0.1",
      hostname: "lic1",
      license_files: [ACME_LICENSE],
      database: "state/server.db",
    });
    expect(loadAgentConfig({ path: config, env: {} }).server?.source).toBe(config);
  });

  it("--once hosts the server before the first cycle, reads it through lmutil, then stops it", async () => {
    const config = await setUp(SERVER_FILES);
    const port = api?.configurations[0]?.license_servers[0]?.port as number;
    const run = await execa(process.execPath, [CLI, "agent", "--once", "--config", config], {
      env: { LMKEEPER_BIN: CLI },
      reject: false,
    });
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    // acme.lic: solver 10 + INCREMENT 5, mesher 4; nothing checked out
    expect(api?.bulkPuts).toEqual([
      [
        { product_name: "acme", feature_name: "solver", total: 15, used: 0 },
        { product_name: "acme", feature_name: "mesher", total: 4, used: 0 },
      ],
    ]);
    expect(existsSync(join(dir as string, "state/server.db"))).toBe(true);
    expect(await accepts(port)).toBe(false);
  });

  it("the daemon stops the hosted server on SIGTERM and exits 0", async () => {
    const config = await setUp(SERVER_FILES);
    const port = api?.configurations[0]?.license_servers[0]?.port as number;
    const daemon = execa(process.execPath, [CLI, "agent", "--config", config], {
      env: { LMKEEPER_BIN: CLI, LMKEEPER_SCHEDULE: "*/1 * * * * *" },
      reject: false,
    });
    expect(await eventually(() => (api?.statuses.length ?? 0) >= 1, 15_000)).toBe(true);
    expect(api?.statuses[0]).toEqual({ interval: 1, success: true, errors: [] });
    expect(await accepts(port)).toBe(true);
    daemon.kill("SIGTERM");
    const result = await daemon;
    expect(result.exitCode).toBe(0);
    expect(await accepts(port)).toBe(false);
  });

  it("an invalid section exits 2 naming the key, before any cycle", async () => {
    const config = await setUp([`license_files: [${ACME_LICENSE}]`, "lease_seconds: soon"]);
    const run = await execa(process.execPath, [CLI, "agent", "--once", "--config", config], {
      reject: false,
    });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`lmkeeper agent: server: invalid: server (${config}):`);
    expect(run.stderr).toMatch(/database: .*lease_seconds: /);
    expect(api?.statuses).toEqual([]);
  });

  it("a camelCase key in the section exits 2 naming the snake_case key to write", async () => {
    const config = await setUp([`licenseFiles: [${ACME_LICENSE}]`, "database: server.db"]);
    const run = await execa(process.execPath, [CLI, "agent", "--once", "--config", config], {
      reject: false,
    });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(
      `lmkeeper agent: server: invalid: server (${config}): licenseFiles: keys are snake_case: write license_files`,
    );
    expect(api?.statuses).toEqual([]);
  });

  it("a license file that does not parse exits 2 naming the file and line", async () => {
    const bad = join(mkdtempSync(join(tmpdir(), "lmkeeper-hosted-lic-")), "bad.lic");
    writeFileSync(bad, "FEATURE solver acme 2026.0 31-dec-2030 lots\n");
    const config = await setUp([`license_files: [${bad}]`, "database: server.db"]);
    const run = await execa(process.execPath, [CLI, "agent", "--once", "--config", config], {
      reject: false,
    });
    rmSync(join(bad, ".."), { recursive: true, force: true });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`lmkeeper agent: server: invalid: ${bad}: count "lots"`);
    expect(run.stderr).toContain('(line 1: "FEATURE solver acme 2026.0 31-dec-2030 lots")');
    expect(api?.statuses).toEqual([]);
  });
});
