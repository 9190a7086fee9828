import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, CONFIG_KEYS, envNameOf, loadAgentConfig } from "../../src/agent/config.js";
import { isValidSchedule } from "../../src/agent/schedule.js";

const dir = mkdtempSync(join(tmpdir(), "lmkeeper-agent-config-"));

function writeFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const minimal = `
api:
  url: http://127.0.0.1:8000/
cluster_client_id: alpha
`;

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("agent config", () => {
  it("reads the sample file with its secret from a file", () => {
    const secretFile = writeFile("secret", "s3cr3t\n");
    const config = loadAgentConfig({
      path: "fixtures/agent/agent.yaml",
      env: { LMKEEPER_OIDC_CLIENT_SECRET_FILE: secretFile },
      validateSchedule: isValidSchedule,
    });
    expect(config.oidc).toEqual({
      tokenUrl: "https://sso.example.org/realms/hpc/protocol/openid-connect/token",
      clientId: "cluster-alpha",
      clientSecret: "s3cr3t",
      audience: "https://license-manager.example.org",
    });
    expect(config.tools.flexlm).toBe("/opt/flexlm/bin/lmutil");
    expect(config.toolTimeoutMs).toBe(30_000);
    expect(config.metrics).toEqual({ enabled: true, host: "0.0.0.0", port: 9471 });
    expect(config.slurm).toMatchObject({
      enabled: false,
      clusterName: "alpha",
      hookTimeoutMs: 10_000,
    });
  });

  it("applies defaults and trims the trailing slash of the API URL", () => {
    const config = loadAgentConfig({ path: writeFile("minimal.yaml", minimal), env: {} });
    expect(config).toEqual({
      api: { url: "http://127.0.0.1:8000", requestTimeoutMs: 30_000, retries: 4 },
      clusterClientId: "alpha",
      schedule: "* * * * *",
      tools: {},
      toolTimeoutMs: 30_000,
      toolMaxOutputBytes: 64 * 1024 * 1024,
      concurrency: 8,
      metrics: { enabled: true, host: "0.0.0.0", port: 9471 },
      logLevel: "info",
      slurm: {
        enabled: false,
        reservationName: "lmkeeper",
        reservationUser: "root",
        reservationMinutes: 30,
        commandTimeoutMs: 30_000,
        binaries: { scontrol: "scontrol", sacctmgr: "sacctmgr", squeue: "squeue" },
        trackedTypes: ["flexlm", "rlm", "lsdyna", "lmx", "olicense", "dsls"],
        prologOnApiDown: "allow",
        hookTimeoutMs: 10_000,
      },
    });
  });

  it("lets LMKEEPER_* variables override nested keys, including keys with underscores", () => {
    const config = loadAgentConfig({
      path: writeFile("override.yaml", minimal),
      env: {
        LMKEEPER_API_URL: "http://127.0.0.1:9000",
        LMKEEPER_OIDC_TOKEN_URL: "http://127.0.0.1:9000/token",
        LMKEEPER_OIDC_CLIENT_ID: "beta",
        LMKEEPER_OIDC_CLIENT_SECRET: "from-env",
        LMKEEPER_TOOL_TIMEOUT: "2.5",
        LMKEEPER_TOOL_MAX_OUTPUT: "200",
        LMKEEPER_TOOLS_RLM: "/usr/local/bin/rlmutil",
        LMKEEPER_METRICS_ENABLED: "false",
        LMKEEPER_CONCURRENCY: "3",
        LMKEEPER_UNRELATED: "ignored",
      },
    });
    expect(config.api.url).toBe("http://127.0.0.1:9000");
    expect(config.oidc?.clientId).toBe("beta");
    expect(config.oidc?.clientSecret).toBe("from-env");
    expect(config.toolTimeoutMs).toBe(2500);
    expect(config.toolMaxOutputBytes).toBe(200 * 1024 * 1024);
    expect(config.tools).toEqual({ rlm: "/usr/local/bin/rlmutil" });
    expect(config.metrics.enabled).toBe(false);
    expect(config.concurrency).toBe(3);
  });

  it("works from the environment alone when the default file is absent", () => {
    const config = loadAgentConfig({
      env: { LMKEEPER_API_URL: "http://127.0.0.1:1", LMKEEPER_CLUSTER_CLIENT_ID: "gamma" },
    });
    expect(config.clusterClientId).toBe("gamma");
  });

  it("maps every key to a distinct variable name", () => {
    const names = CONFIG_KEYS.map(envNameOf);
    expect(new Set(names).size).toBe(names.length);
    expect(envNameOf("oidc.client_secret")).toBe("LMKEEPER_OIDC_CLIENT_SECRET");
  });

  it("names the key, the reason and the variable that set a bad value", () => {
    const error = configError(() =>
      loadAgentConfig({
        path: writeFile("bad-env.yaml", minimal),
        env: { LMKEEPER_CONCURRENCY: "lots" },
      }),
    );
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.key).toBe("concurrency");
    expect(error.issues[0]?.source).toBe("LMKEEPER_CONCURRENCY");
    expect(error.message).toMatch(/^invalid agent configuration: concurrency: .*number/);
  });

  it("refuses an output limit that could not be read as one string", () => {
    const error = configError(() =>
      loadAgentConfig({
        path: writeFile("huge-output.yaml", `${minimal}tool_max_output: 1024\n`),
        env: {},
      }),
    );
    expect(error.issues.map((issue) => issue.key)).toEqual(["tool_max_output"]);
    expect(error.message).toMatch(/tool_max_output: .*256/);
  });

  it("names unknown and missing keys of the file", () => {
    const path = writeFile("typo.yaml", "api:\n  url: http://127.0.0.1:1\n  retires: 3\n");
    const error = configError(() => loadAgentConfig({ path, env: {} }));
    expect(error.issues.map((issue) => [issue.key, issue.reason, issue.source])).toEqual([
      ["api.retires", "unknown key", path],
      ["cluster_client_id", "required", `${path} or LMKEEPER_CLUSTER_CLIENT_ID`],
    ]);
  });

  it("rejects a URL that is not http(s), a bad cron expression and a bad log level", () => {
    const path = writeFile(
      "bad.yaml",
      "api:\n  url: ftp://example.org\ncluster_client_id: a\nschedule: every minute\nlog_level: loud\n",
    );
    const error = configError(() =>
      loadAgentConfig({ path, env: {}, validateSchedule: isValidSchedule }),
    );
    expect(error.issues.map((issue) => issue.key)).toEqual(["api.url", "log_level"]);
    const cron = configError(() =>
      loadAgentConfig({
        path: writeFile("cron.yaml", `${minimal}schedule: every minute\n`),
        env: {},
        validateSchedule: isValidSchedule,
      }),
    );
    expect(cron.issues).toEqual([
      {
        key: "schedule",
        reason: '"every minute" is not a valid cron expression',
        source: join(dir, "cron.yaml"),
      },
    ]);
  });

  it("requires exactly one source for the client secret and never shows it", () => {
    const base = `${minimal}oidc:\n  token_url: http://127.0.0.1:1/token\n  client_id: alpha\n`;
    const none = configError(() =>
      loadAgentConfig({ path: writeFile("none.yaml", base), env: {} }),
    );
    expect(none.issues[0]?.key).toBe("oidc.client_secret");
    const both = configError(() =>
      loadAgentConfig({
        path: writeFile("both.yaml", `${base}  client_secret: hunter2\n`),
        env: { LMKEEPER_OIDC_CLIENT_SECRET_FILE: join(dir, "secret") },
      }),
    );
    expect(both.issues[0]?.reason).toMatch(/not both/);
    expect(both.message).not.toContain("hunter2");
    const missingFile = configError(() =>
      loadAgentConfig({
        path: writeFile("nofile.yaml", `${base}  client_secret_file: ${join(dir, "absent")}\n`),
        env: {},
      }),
    );
    expect(missingFile.issues[0]).toMatchObject({
      key: "oidc.client_secret_file",
      reason: expect.stringMatching(/ENOENT/),
    });
  });

  it("reports a YAML syntax error with its line and a missing --config file", () => {
    const path = writeFile("syntax.yaml", "api:\n  url: [unclosed\ncluster_client_id: a\n");
    const error = configError(() => loadAgentConfig({ path, env: {} }));
    expect(error.issues[0]?.reason).toMatch(/YAML syntax error/);
    const missing = configError(() => loadAgentConfig({ path: join(dir, "absent.yaml"), env: {} }));
    expect(missing.issues[0]).toMatchObject({
      key: "(file)",
      reason: "cannot read the file (ENOENT)",
    });
  });
});
