import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { loadAgentConfig } from "../../src/agent/config.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const deploy = join(repoRoot, "deploy");
const unitDir = join(deploy, "systemd");
const units = readdirSync(unitDir)
  .filter((name) => /\.(service|timer)$/.test(name))
  .sort();
const work = mkdtempSync(join(tmpdir(), "lmk-deploy-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const hasSystemdAnalyze =
  spawnSync("systemd-analyze", ["--version"], { stdio: "ignore" }).status === 0;

describe("systemd units", () => {
  it("ships the five units", () => {
    expect(units).toEqual([
      "lmkeeper-agent-once.service",
      "lmkeeper-agent.service",
      "lmkeeper-agent.timer",
      "lmkeeper-api.service",
      "lmkeeper-server.service",
    ]);
  });

  it("runs every service as the lmkeeper user with the hardening options and an optional env file", () => {
    for (const unit of units.filter((name) => name.endsWith(".service"))) {
      const text = readFileSync(join(unitDir, unit), "utf8");
      for (const line of [
        "User=lmkeeper",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "CapabilityBoundingSet=",
        "SystemCallFilter=@system-service",
        "ReadWritePaths=/var/lib/lmkeeper /var/log/lmkeeper",
        "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6",
      ]) {
        expect(text.split("\n"), `${unit}: ${line}`).toContain(line);
      }
      expect(text).toMatch(/^EnvironmentFile=-\/etc\/lmkeeper\/\w+\.env$/m);
      expect(text).toMatch(/^ExecStart=\/usr\/bin\/lmkeeper /m);
    }
    expect(readFileSync(join(unitDir, "lmkeeper-agent-once.service"), "utf8")).toMatch(
      /^ExecStart=\/usr\/bin\/lmkeeper agent --once --config \/etc\/lmkeeper\/agent.yaml$/m,
    );
    expect(readFileSync(join(unitDir, "lmkeeper-agent.timer"), "utf8")).toMatch(
      /^Unit=lmkeeper-agent-once.service$/m,
    );
  });

  // verify also needs ExecStart to exist: the copies point it at an existing executable
  it.runIf(hasSystemdAnalyze)("passes systemd-analyze verify without a single message", () => {
    const copies = join(work, "units");
    execFileSync("mkdir", ["-p", copies]);
    for (const unit of units) {
      const text = readFileSync(join(unitDir, unit), "utf8").replaceAll(
        "/usr/bin/lmkeeper",
        process.execPath,
      );
      writeFileSync(join(copies, unit), text);
    }
    for (const unit of units) {
      const result = spawnSync("systemd-analyze", ["verify", "--man=no", join(copies, unit)], {
        encoding: "utf8",
        env: { ...process.env, SYSTEMD_LOG_COLOR: "0" },
      });
      expect({
        unit,
        status: result.status,
        output: `${result.stdout}${result.stderr}`.trim(),
      }).toEqual({ unit, status: 0, output: "" });
    }
  });

  it.runIf(hasSystemdAnalyze)("would notice a misspelt option (the check can fail)", () => {
    const broken = join(work, "lmkeeper-broken.service");
    const text = readFileSync(join(unitDir, "lmkeeper-api.service"), "utf8").replaceAll(
      "/usr/bin/lmkeeper",
      process.execPath,
    );
    writeFileSync(broken, text.replace("NoNewPrivileges=yes", "NoNewPrivilege=yes"));
    const result = spawnSync("systemd-analyze", ["verify", "--man=no", broken], {
      encoding: "utf8",
    });
    expect(result.stderr).toMatch(/Unknown key 'NoNewPrivilege'/);
  });
});

describe("deployment samples", () => {
  it("the sample agent.yaml is a valid config for the agent and its Slurm hooks", () => {
    const config = loadAgentConfig({
      path: join(deploy, "agent.yaml"),
      env: { LMKEEPER_OIDC_CLIENT_SECRET: "change-me" },
    });
    expect(config.api.url).toBe("https://lm.example.org");
    expect(config.oidc?.clientSecret).toBe("change-me");
    expect(config.slurm).toMatchObject({
      enabled: true,
      prologOnApiDown: "allow",
      clusterName: "cluster1",
      reservationMinutes: 30,
    });
  });

  it("the Dockerfile builds api and server targets as a non-root user from node:20-slim", () => {
    const text = readFileSync(join(deploy, "Dockerfile"), "utf8");
    expect(text.match(/^FROM node:20-slim AS \w+$/gm)).toEqual([
      "FROM node:20-slim AS build",
      "FROM node:20-slim AS runtime",
    ]);
    expect(text).toMatch(/^FROM runtime AS api$/m);
    expect(text).toMatch(/^FROM runtime AS server$/m);
    expect(text).toMatch(/^USER lmkeeper$/m);
  });
});

describe("Slurm hook wrappers", () => {
  const fakeBin = join(work, "fake-lmkeeper");
  writeFileSync(
    fakeBin,
    '#!/bin/sh\necho "args=$* config=$LMKEEPER_CONFIG"\n[ "$FAKE_HANG" = 1 ] && exec sleep 60\nexit "${FAKE_EXIT:-0}"\n',
  );
  chmodSync(fakeBin, 0o755);

  for (const kind of ["prolog", "epilog"] as const) {
    it(`${kind}.sh execs "lmkeeper slurm ${kind}" and passes its exit status on`, () => {
      const script = join(work, `${kind}.sh`);
      copyFileSync(join(deploy, "slurm", `${kind}.sh`), script);
      chmodSync(script, 0o755);
      const env = { PATH: "/usr/bin:/bin", LMKEEPER_BIN: fakeBin };
      const ok = spawnSync(script, { encoding: "utf8", env });
      expect(ok.status).toBe(0);
      expect(ok.stdout.trim()).toBe(`args=slurm ${kind} config=/etc/lmkeeper/agent.yaml`);
      expect(spawnSync(script, { env: { ...env, FAKE_EXIT: "1" } }).status).toBe(1);
      // a hung hook is ended by timeout(1) with status 124
      expect(
        spawnSync(script, { env: { ...env, FAKE_HANG: "1", LMKEEPER_HOOK_TIMEOUT: "1" } }).status,
      ).toBe(124);
    });
  }
});
