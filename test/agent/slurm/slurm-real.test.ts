import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
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
import { SlurmReconciler } from "../../../src/agent/slurm/slurm-reconciler.js";
import { parseJobs, SQUEUE_FORMAT, type SlurmJob } from "../../../src/agent/slurm/squeue-parse.js";

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
const SLURM_ENV = { ...process.env, CLUSTER, RESET: "1" };

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
    await new Promise((resolve) => setTimeout(resolve, 250));
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
    const state = await reconciler.readState(OPTIONS.reservationName);
    const plan = planReconcile([feature(used)], [], state, OPTIONS);
    const report = await reconciler.execute(plan);
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
});
