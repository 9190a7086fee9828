import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedPort, FakeLmApi } from "./fake-lm-api.js";

// `lmkeeper slurm prolog|epilog` as slurmctld runs them: a real child process, the real
// HTTP API on loopback, the answer in the exit status.
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const cli = join(repoRoot, "dist/cli/main.js");
const dir = mkdtempSync(join(tmpdir(), "lmk-slurm-cli-"));

interface Run {
  code: number;
  stderr: string;
}

function run(kind: "prolog" | "epilog", env: Record<string, string>, config: string): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [cli, "slurm", kind, "--config", config],
      {
        env: { PATH: process.env.PATH ?? "", LMKEEPER_API_TOKEN: "test-token", ...env },
        timeout: 20_000,
      },
      (error, _stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stderr }),
    );
  });
}

describe("lmkeeper slurm prolog/epilog (built CLI)", () => {
  let fake: FakeLmApi;
  let config: string;
  const job = {
    SLURM_JOB_ID: "77",
    SLURM_JOB_USER: "carol",
    SLURM_JOB_NODELIST: "cn[010-012]",
    SLURM_JOB_LICENSES: "Abaqus.Standard@FlexLM:3",
  };

  beforeAll(async () => {
    if (!existsSync(cli))
      throw new Error(`${cli} is missing: run "npm run build" before these tests`);
    fake = await new FakeLmApi({ "abaqus.standard": 4 }).start();
    config = join(dir, "agent.yaml");
    writeFileSync(
      config,
      `api:\n  url: ${fake.url}\nslurm:\n  tracked_types: [flexlm]\n  hook_timeout_seconds: 5\n`,
    );
  });
  afterAll(async () => {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("books, refuses the next job with exit 1, and frees the seats in the epilog", async () => {
    expect((await run("prolog", job, config)).code).toBe(0);
    expect(fake.jobs.get("77")).toEqual({
      slurm_job_id: "77",
      username: "carol",
      lead_host: "cn010",
      bookings: [{ product_name: "abaqus", feature_name: "standard", quantity: 3 }],
    });
    const refused = await run("prolog", { ...job, SLURM_JOB_ID: "78" }, config);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/HTTP 409/);
    expect((await run("epilog", job, config)).code).toBe(0);
    expect(fake.jobs.size).toBe(0);
  });

  it("follows prolog_on_api_down when nothing listens", async () => {
    const down = join(dir, "down.yaml");
    writeFileSync(
      down,
      `api:\n  url: http://127.0.0.1:${await closedPort()}\nslurm:\n  prolog_on_api_down: allow\n`,
    );
    expect((await run("prolog", job, down)).code).toBe(0);
    expect(
      (await run("prolog", { ...job, LMKEEPER_SLURM_PROLOG_ON_API_DOWN: "requeue" }, down)).code,
    ).toBe(1);
  });

  it("exits 0 for a job without licenses even without a config, and 1 on a broken config", async () => {
    expect((await run("prolog", { SLURM_JOB_ID: "1" }, join(dir, "absent.yaml"))).code).toBe(0);
    const broken = await run("prolog", job, join(dir, "absent.yaml"));
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/absent.yaml: cannot read the config file/);
  });
});
