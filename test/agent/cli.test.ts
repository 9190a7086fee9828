import { existsSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { execa } from "execa";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { flexlmConfiguration, startFakeApi, type FakeApi } from "../generators/fake-lm-api.js";
import { eventually, FAKE_TOOL, fakeToolWorkspace, FIXTURE } from "./helpers.js";

const CLI = resolve("dist/cli/main.js");
const SECRET = "cl1ent-s3cret-value";
let api: FakeApi | undefined;

beforeAll(async () => {
  // CI builds before testing; a fresh checkout run locally builds here once.
  if (!existsSync(CLI)) await execa("npm", ["run", "build"], { stdio: "inherit" });
}, 120_000);

afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function setUp(ports: number[]): Promise<{ config: string; env: NodeJS.ProcessEnv }> {
  api = await startFakeApi({
    configurations: [flexlmConfiguration(1, "alpha", ports, [["vendor1", "feature2"]])],
    client: { id: "alpha", secret: SECRET },
  });
  const tool = fakeToolWorkspace({ 27202: { fixture: FIXTURE("lmstat_app2.txt") } });
  const secretFile = join(tool.dir, "secret");
  writeFileSync(secretFile, `${SECRET}\n`);
  const config = join(tool.dir, "agent.yaml");
  writeFileSync(
    config,
    [
      "api:",
      `  url: ${api.url}`,
      "  retries: 0",
      "oidc:",
      `  token_url: ${api.tokenUrl}`,
      "  client_id: alpha",
      `  client_secret_file: ${secretFile}`,
      "cluster_client_id: alpha",
      "tools:",
      `  flexlm: ${FAKE_TOOL}`,
      "tool_timeout: 10",
      "metrics:",
      "  host: 127.0.0.1",
      "  port: 0",
      "log_level: debug",
      "",
    ].join("\n"),
  );
  return { config, env: tool.env };
}

function logLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("lmkeeper agent (built CLI, loopback API, real tools)", () => {
  it("--once exits 0 when every configuration succeeded, logging JSON without the secret", async () => {
    const { config, env } = await setUp([27201, 27202]);
    const run = await execa(process.execPath, [CLI, "agent", "--once", "--config", config], {
      env,
      reject: false,
    });
    expect(run.exitCode).toBe(0);
    expect(api?.bulkPuts).toEqual([
      [{ product_name: "vendor1", feature_name: "feature2", total: 144, used: 22 }],
    ]);
    expect(api?.statuses).toEqual([{ interval: 60, success: true, errors: [] }]);
    const lines = logLines(run.stdout);
    expect(lines.at(-1)).toMatchObject({
      msg: "reconcile cycle finished",
      success: true,
      featuresUpdated: 1,
    });
    expect(run.stdout + run.stderr).not.toContain(SECRET);
  });

  it("--once exits 1 when a configuration failed on all its servers", async () => {
    const { config, env } = await setUp([27201, 27203]);
    const run = await execa(process.execPath, [CLI, "agent", "--once", "--config", config], {
      env,
      reject: false,
    });
    expect(run.exitCode).toBe(1);
    expect(api?.bulkPuts).toEqual([]);
    expect(api?.statuses[0]?.success).toBe(false);
  });

  it("exits 2 naming the key and the variable of an invalid setting", async () => {
    const { config, env } = await setUp([27202]);
    const run = await execa(process.execPath, [CLI, "agent", "--once", "--config", config], {
      env: { ...env, LMKEEPER_CONCURRENCY: "0" },
      reject: false,
    });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(
      /^lmkeeper agent: invalid agent configuration: concurrency: .* \(LMKEEPER_CONCURRENCY\)$/m,
    );
    expect(api?.statuses).toEqual([]);
  });

  it("runs on its schedule, serves /metrics, and exits 0 after SIGTERM", async () => {
    const { config, env } = await setUp([27202]);
    const daemon = execa(process.execPath, [CLI, "agent", "--config", config], {
      env: { ...env, LMKEEPER_SCHEDULE: "*/1 * * * * *" },
      reject: false,
    });
    let stdout = "";
    daemon.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    expect(await eventually(() => (api?.statuses.length ?? 0) >= 2, 15_000)).toBe(true);
    const started = logLines(stdout).find((line) => line.msg === "metrics served on /metrics");
    const metrics = await (await fetch(`http://127.0.0.1:${String(started?.port)}/metrics`)).text();
    expect(metrics).toContain(
      'lmkeeper_feature_used{configuration="config-1",product="vendor1",feature="feature2"} 22',
    );
    daemon.kill("SIGTERM");
    const result = await daemon;
    expect(result.exitCode).toBe(0);
    expect(logLines(stdout).at(-1)).toMatchObject({ msg: "agent stopped" });
    expect(api?.statuses.every((status) => status.success)).toBe(true);
  });
});
