import { execFileSync } from "node:child_process";
import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { hostname, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  planReconcile,
  type PlanOptions,
  type ServerFeature,
} from "../../../src/agent/slurm/reconcile-plan.js";
import { parseLicenses } from "../../../src/agent/slurm/scontrol-parse.js";
import { runCommand } from "../../../src/agent/slurm/slurm-commands.js";
import { reconcileSlurm, SlurmReconciler } from "../../../src/agent/slurm/slurm-reconciler.js";
import { parseJobs, SQUEUE_FORMAT, type SlurmJob } from "../../../src/agent/slurm/squeue-parse.js";
import {
  checkout,
  requireBuiltCli,
  runAgentOnce,
  startLicenseServer,
  startOidc,
  TestApi,
  writeAgentConfig,
} from "../../e2e/stack.js";

// A real single-node Slurm 22.05 with accounting, started by the shared lab scripts (root only).
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const scriptDirs = [
  process.env.LMKEEPER_SLURM_LAB,
  join(repoRoot, "../shared/slurm"), // CI and the main checkout
  join(repoRoot, "../../shared/slurm"), // a worktree one level further down
].filter((dir): dir is string => dir !== undefined && dir !== "");
const labDir = scriptDirs.find((dir) => existsSync(join(dir, "slurm-up.sh")));
const isRoot = process.getuid?.() === 0;
const CLUSTER = "lictest";
const STATE = "/tmp/slurmlab";
const SLURM_ENV = { ...process.env, CLUSTER, RESET: "1", STATE };
const cli = join(repoRoot, "dist/cli/main.js");

const feature = (used: number): ServerFeature => ({
  productName: "lmktest",
  featureName: "Solver",
  type: "FlexLM",
  total: 10,
  used,
  uses: [],
});
const OPTIONS: PlanOptions = {
  cluster: CLUSTER,
  reservationName: "lmkeeper-test",
  reservationUser: "root",
  reservationMinutes: 30,
};
const LICENSE = "lmktest.solver@flexlm";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Installs PrologSlurmctld/EpilogSlurmctld (through deploy/slurm/*.sh) and restarts slurmctld
 * so it reads them, keeping slurm-down.sh's PID list right.
 */
async function installHooks(hookDir: string, configFile: string): Promise<void> {
  const shim = join(hookDir, "lmkeeper");
  writeFileSync(shim, `#!/bin/sh\nexec ${process.execPath} ${cli} "$@"\n`);
  for (const kind of ["prolog", "epilog"]) {
    const wrapper = join(hookDir, `${kind}.sh`);
    writeFileSync(
      wrapper,
      `#!/bin/sh\nexport LMKEEPER_BIN=${shim} LMKEEPER_CONFIG=${configFile}\nexec ${join(repoRoot, "deploy/slurm", `${kind}.sh`)} 2>>${join(hookDir, "hooks.log")}\n`,
    );
    chmodSync(wrapper, 0o755);
  }
  chmodSync(shim, 0o755);
  writeFileSync(join(hookDir, "hooks.log"), "");
  chmodSync(join(hookDir, "hooks.log"), 0o666); // the hooks' stderr, written as SlurmUser
  appendFileSync(
    "/etc/slurm/slurm.conf",
    `PrologSlurmctld=${join(hookDir, "prolog.sh")}\nEpilogSlurmctld=${join(hookDir, "epilog.sh")}\n`,
  );

  const pidsFile = join(STATE, "pids");
  const entries = readFileSync(pidsFile, "utf8").trim().split("\n");
  const old = Number(entries.find((line) => line.startsWith("slurmctld "))?.split(" ")[1]);
  process.kill(old, "SIGTERM");
  await waitFor(
    "old slurmctld gone",
    async () => alive(old),
    (running) => !running,
  );
  execFileSync("/usr/sbin/slurmctld", { stdio: "ignore", timeout: 30_000 });
  const fresh = await waitFor(
    "new slurmctld",
    async () => Number(readFileSync("/run/slurmctld.pid", "utf8").trim() || 0),
    (pid) => pid > 0 && pid !== old && alive(pid),
  );
  writeFileSync(
    pidsFile,
    `${entries.map((line) => (line.startsWith("slurmctld ") ? `slurmctld ${fresh}` : line)).join("\n")}\n`,
  );
  await waitFor(
    "node idle",
    async () =>
      (
        await runCommand(["sinfo", "-h", "-o", "%t"], 20_000).catch(() => ({ stdout: "" }))
      ).stdout.trim(),
    (state) => state === "idle",
  );
}

async function waitFor<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!done(last)) {
    if (Date.now() > deadline)
      throw new Error(`gave up waiting for ${what}; last seen: ${JSON.stringify(last)}`);
    await sleep(250);
    last = await read();
  }
  return last;
}

describe.runIf(isRoot)("a real Slurm 22.05", () => {
  const reconciler = new SlurmReconciler({ timeoutMs: 20_000 });
  let started = false;

  async function license() {
    const { stdout } = await runCommand(["scontrol", "-o", "show", "lic"], 20_000);
    return parseLicenses(stdout).find((entry) => entry.name === LICENSE);
  }

  async function job(jobId: string): Promise<SlurmJob | undefined> {
    const { stdout } = await runCommand(
      ["squeue", "--noheader", `--jobs=${jobId}`, `--format=${SQUEUE_FORMAT}`],
      20_000,
    );
    return parseJobs(stdout).find((entry) => entry.jobId === jobId);
  }

  async function submit(count: number): Promise<string> {
    const { stdout } = await runCommand(
      [
        "sbatch",
        "--parsable",
        "--chdir=/tmp",
        "--output=/dev/null",
        `--licenses=${LICENSE}:${count}`,
        "--wrap",
        "sleep 30",
      ],
      20_000,
    );
    return stdout.trim().split(";")[0]!;
  }

  async function cycle(used: number) {
    // the cluster name comes from Slurm itself here
    const withoutCluster = {
      reservationName: OPTIONS.reservationName,
      reservationUser: OPTIONS.reservationUser,
      reservationMinutes: OPTIONS.reservationMinutes,
    };
    const { plan, report } = await reconcileSlurm(reconciler, [feature(used)], [], withoutCluster);
    expect(report.failed.map((failure) => failure.error.message)).toEqual([]);
    return plan;
  }

  beforeAll(() => {
    if (labDir === undefined) {
      throw new Error(
        `slurm-up.sh not found: looked in ${scriptDirs.join(", ")} (set LMKEEPER_SLURM_LAB to its folder)`,
      );
    }
    execFileSync(join(labDir, "slurm-up.sh"), { env: SLURM_ENV, stdio: "pipe", timeout: 540_000 });
    started = true;
  }, 600_000);

  afterAll(() => {
    if (labDir === undefined || !started) return;
    try {
      execFileSync("scancel", ["--user=root"], { stdio: "ignore", timeout: 20_000 });
    } finally {
      execFileSync(join(labDir, "slurm-down.sh"), {
        env: SLURM_ENV,
        stdio: "pipe",
        timeout: 120_000,
      });
    }
  }, 180_000);

  it("creates the remote license, blocks the seats used outside and schedules around them", async () => {
    const first = await cycle(4);
    expect(first.actions.map((action) => action.kind)).toEqual([
      "add-resource",
      "create-reservation",
    ]);
    expect(first.features[0]?.blocked).toBe(4);

    const reserved = await waitFor(
      "Total=10 Reserved=4",
      license,
      (found) => found?.total === 10 && found.reserved === 4,
    );
    expect(reserved).toMatchObject({
      name: LICENSE,
      total: 10,
      used: 0,
      reserved: 4,
      remote: true,
    });

    // the next cycle only moves the reservation's end time on
    const second = await cycle(4);
    expect(second.actions.map((action) => action.kind)).toEqual(["update-reservation"]);

    const tooMany = await submit(7);
    const pending = await waitFor(
      `job ${tooMany} pending on licenses`,
      () => job(tooMany),
      (found) => found?.state === "PENDING" && found.reason === "Licenses",
    );
    expect(pending?.licenses).toEqual([{ name: "lmktest.solver", server: "flexlm", count: 7 }]);

    const fits = await submit(6);
    await waitFor(
      `job ${fits} running`,
      () => job(fits),
      (found) => found?.state === "RUNNING",
    );
    expect((await job(tooMany))?.state).toBe("PENDING");
    const used = await waitFor("Used=6", license, (found) => found?.used === 6);
    expect(used).toMatchObject({ total: 10, used: 6, reserved: 4 });

    await runCommand(["scancel", tooMany, fits], 20_000);
    await waitFor(
      "jobs gone",
      async () => (await job(fits))?.state ?? "gone",
      (state) => state === "gone",
    );
  }, 180_000);

  it("follows a changed total and removes the reservation once nothing is used outside", async () => {
    const state = await reconciler.readState(OPTIONS.reservationName);
    const plan = planReconcile([{ ...feature(0), total: 12 }], [], state, OPTIONS);
    expect(plan.actions.map((action) => action.kind)).toEqual(["set-count", "delete-reservation"]);
    const report = await reconciler.execute(plan);
    expect(report.failed.map((failure) => failure.error.message)).toEqual([]);
    const after = await waitFor(
      "Total=12 Reserved=0",
      license,
      (found) => found?.total === 12 && found.reserved === 0,
    );
    expect(after).toMatchObject({ total: 12, reserved: 0 });
    expect(await reconciler.reservation(OPTIONS.reservationName)).toBeUndefined();
  }, 120_000);

  it("the whole agent keeps Slurm honest: blocks outside use, books in the prolog, frees in the epilog, requeues a refused job", async () => {
    requireBuiltCli();
    const hookDir = mkdtempSync(join(tmpdir(), "lmk-hooks-"));
    chmodSync(hookDir, 0o755); // slurmctld runs the hooks as SlurmUser
    const oidc = await startOidc();
    const api = await new TestApi(oidc, join(hookDir, "api.sqlite")).start();
    const server = await startLicenseServer(hookDir);
    const E2E_LICENSE = "lmke2e.solver@flexlm";
    const e2eLicense = async () => {
      const { stdout } = await runCommand(["scontrol", "-o", "show", "lic"], 20_000);
      return parseLicenses(stdout).find((entry) => entry.name === E2E_LICENSE);
    };
    const submitE2e = async (count: number) =>
      (
        await runCommand(
          [
            "sbatch",
            "--parsable",
            "--chdir=/tmp",
            "--output=/dev/null",
            `--licenses=${E2E_LICENSE}:${count}`,
            "--wrap",
            "sleep 60",
          ],
          20_000,
        )
      ).stdout
        .trim()
        .split(";")[0]!;
    const apiJobs = async () =>
      (await api.ok("GET", "/lm/jobs")) as Array<{
        slurm_job_id: string;
        username: string;
        lead_host: string;
        bookings: Array<{ quantity: number }>;
      }>;
    const hookLog = () => readFileSync(join(hookDir, "hooks.log"), "utf8");
    try {
      await api.seed({
        product: "lmke2e",
        features: ["solver"],
        servers: [{ host: "127.0.0.1", port: server.port }],
      });
      // 4 of the 10 seats taken outside the cluster, by a workstation
      await checkout(server, "solver", 4, "outsider", "ws9");
      const configFile = writeAgentConfig(
        hookDir,
        { api, oidc },
        {
          slurm: {
            enabled: true,
            reservation_name: "lmkeeper-e2e",
            command_timeout: 20,
            tracked_types: ["flexlm"],
            hook_timeout: 10,
          },
        },
      );
      chmodSync(configFile, 0o644);
      await installHooks(hookDir, configFile);

      const first = await runAgentOnce(configFile);
      expect(first.stderr).toBe("");
      expect(first.code).toBe(0);
      const reserved = await waitFor(
        "Total=10 Reserved=4",
        e2eLicense,
        (found) => found?.total === 10 && found.reserved === 4,
      );
      expect(reserved).toMatchObject({ total: 10, used: 0, reserved: 4, remote: true });
      expect((await api.features())["lmke2e.solver"]).toEqual({ total: 10, used: 4, booked: 0 });

      const tooMany = await submitE2e(7);
      await waitFor(
        `job ${tooMany} pending on licenses`,
        () => job(tooMany),
        (found) => found?.state === "PENDING" && found.reason === "Licenses",
      );
      const fits = await submitE2e(6);
      await waitFor(
        `job ${fits} running`,
        () => job(fits),
        (found) => found?.state === "RUNNING",
        60_000,
      );
      expect((await job(tooMany))?.state).toBe("PENDING");
      // the prolog booked the 6 seats in the API before the job started
      expect(await apiJobs()).toEqual([
        expect.objectContaining({
          slurm_job_id: fits,
          username: "root",
          lead_host: hostname().split(".")[0],
          bookings: [expect.objectContaining({ quantity: 6 })],
        }),
      ]);
      expect((await api.features())["lmke2e.solver"]).toEqual({ total: 10, used: 4, booked: 6 });

      // a cycle while the job runs: its booked seats are Slurm's own, the outside 4 stay blocked
      const second = await runAgentOnce(configFile);
      expect(second.code).toBe(0);
      const decision = second.logs.find((line) => line.msg === "Slurm licenses reconciled");
      expect(decision?.features).toEqual([
        {
          license: E2E_LICENSE,
          total: 10,
          usedOnServer: 4,
          usedBySlurmJobs: 6,
          bookedNotYetInUse: 6,
          blocked: 4,
        },
      ]);
      expect(await e2eLicense()).toMatchObject({ total: 10, used: 6, reserved: 4 });

      await runCommand(["scancel", tooMany, fits], 20_000);
      await waitFor(
        `job ${fits} deleted by the epilog`,
        async () => (await apiJobs()).length,
        (count) => count === 0,
        60_000,
      );
      expect((await api.features())["lmke2e.solver"]).toEqual({ total: 10, used: 4, booked: 0 });

      // Slurm sees 6 free seats, but the API has promised them to another job: refused.
      // That job is not in Slurm and was booked two minutes ago (past the 60 s grace time).
      api.offsetMs = -120_000;
      await api.ok("POST", "/lm/jobs", {
        slurm_job_id: "900001",
        username: "someone",
        lead_host: "elsewhere",
        bookings: [{ product_name: "lmke2e", feature_name: "solver", quantity: 6 }],
      });
      api.offsetMs = 0;
      const refused = await submitE2e(3);
      await waitFor(
        `job ${refused} refused by the API`,
        async () => hookLog(),
        (log) => log.includes(`"jobId":"${refused}"`) && log.includes("booking refused"),
        60_000,
      );
      await waitFor(
        `job ${refused} back in the queue`,
        () => job(refused),
        (found) => found !== undefined && found.state === "PENDING",
      );
      const { stdout: shown } = await runCommand(
        ["scontrol", "-o", "show", "job", refused],
        20_000,
      );
      expect(shown).toMatch(/ Restarts=[1-9]/);
      expect((await apiJobs()).map((entry) => entry.slurm_job_id)).toEqual(["900001"]);
      await runCommand(["scancel", refused], 20_000);

      // squeue does not list job 900001: the next cycle deletes its stale booking
      const third = await runAgentOnce(configFile);
      expect(third.code).toBe(0);
      const deleted = third.logs.filter((line) => line.msg === "booking deleted");
      expect(deleted.map((line) => [line.slurmJobId, line.reason])).toEqual([
        ["900001", "job-gone"],
      ]);
      expect((await api.features())["lmke2e.solver"]).toEqual({ total: 10, used: 4, booked: 0 });
    } catch (error) {
      throw new Error(`${(error as Error).message}\nhook log:\n${hookLog()}`, { cause: error });
    } finally {
      await server.close();
      await api.stop();
      await oidc.close();
      rmSync(hookDir, { recursive: true, force: true });
    }
  }, 240_000);
});
