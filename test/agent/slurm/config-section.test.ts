import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, loadAgentConfig } from "../../../src/agent/config.js";

// The `slurm:` section lives in the agent's config file; the hooks read the same file.
const dir = mkdtempSync(join(tmpdir(), "lmk-slurm-section-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function configFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const BASE = "api:\n  url: http://127.0.0.1:8000\ncluster_client_id: cluster-a\n";

describe("the agent config's slurm section", () => {
  it("is off by default and fills every default", () => {
    const config = loadAgentConfig({ path: configFile("plain.yaml", BASE), env: {} });
    expect(config.slurm).toEqual({
      enabled: false,
      reservationName: "lmkeeper",
      reservationUser: "root",
      reservationMinutes: 30,
      commandTimeoutMs: 30_000,
      binaries: { scontrol: "scontrol", sacctmgr: "sacctmgr", squeue: "squeue" },
      trackedTypes: ["flexlm", "rlm", "lsdyna", "lmx", "olicense", "dsls"],
      prologOnApiDown: "allow",
      hookTimeoutMs: 10_000,
    });
  });

  it("reads every key from the file", () => {
    const path = configFile(
      "full.yaml",
      `${BASE}slurm:
  enabled: true
  cluster_name: cluster1
  reservation_name: lmk-res
  reservation_user: slurm
  reservation_minutes: 15
  command_timeout: 2.5
  scontrol: /opt/slurm/bin/scontrol
  sacctmgr: /opt/slurm/bin/sacctmgr
  squeue: /opt/slurm/bin/squeue
  tracked_types: [FlexLM, rlm]
  prolog_on_api_down: requeue
  hook_timeout: 5
  token_cache: /var/lib/lmkeeper/slurm/token.json
`,
    );
    expect(loadAgentConfig({ path, env: {} }).slurm).toEqual({
      enabled: true,
      clusterName: "cluster1",
      reservationName: "lmk-res",
      reservationUser: "slurm",
      reservationMinutes: 15,
      commandTimeoutMs: 2_500,
      binaries: {
        scontrol: "/opt/slurm/bin/scontrol",
        sacctmgr: "/opt/slurm/bin/sacctmgr",
        squeue: "/opt/slurm/bin/squeue",
      },
      trackedTypes: ["flexlm", "rlm"],
      prologOnApiDown: "requeue",
      hookTimeoutMs: 5_000,
      tokenCache: "/var/lib/lmkeeper/slurm/token.json",
    });
  });

  it("lets LMKEEPER_SLURM_* variables override the file, lists comma-separated", () => {
    const config = loadAgentConfig({
      path: configFile("env.yaml", `${BASE}slurm:\n  prolog_on_api_down: allow\n`),
      env: {
        LMKEEPER_SLURM_ENABLED: "yes",
        LMKEEPER_SLURM_PROLOG_ON_API_DOWN: "requeue",
        LMKEEPER_SLURM_TRACKED_TYPES: "flexlm, dsls",
        LMKEEPER_SLURM_HOOK_TIMEOUT: "3",
        LMKEEPER_SLURM_SQUEUE: "/usr/local/bin/squeue",
      },
    });
    expect(config.slurm).toMatchObject({
      enabled: true,
      prologOnApiDown: "requeue",
      trackedTypes: ["flexlm", "dsls"],
      hookTimeoutMs: 3_000,
      binaries: { squeue: "/usr/local/bin/squeue" },
    });
  });

  it("names the bad key, the reason and where the value came from", () => {
    const path = configFile(
      "bad.yaml",
      `${BASE}slurm:\n  prolog_on_api_down: maybe\n  reservation_name: "a b;rm"\n  retries: 3\n`,
    );
    let error: unknown;
    try {
      loadAgentConfig({ path, env: { LMKEEPER_SLURM_RESERVATION_MINUTES: "1" } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.map((issue) => [issue.key, issue.source]);
    expect(issues).toEqual(
      expect.arrayContaining([
        ["slurm.prolog_on_api_down", path],
        ["slurm.reservation_name", path],
        ["slurm.reservation_minutes", "LMKEEPER_SLURM_RESERVATION_MINUTES"],
        ["slurm.retries", path],
      ]),
    );
    expect(issues).toHaveLength(4);
    expect((error as ConfigError).message).toMatch(/slurm\.retries: unknown key/);
  });
});
