import { execFile } from "node:child_process";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DevOidcProvider } from "../../../src/api/dev-oidc.js";
import {
  CLI,
  closedPort,
  requireBuiltCli,
  scratchDir,
  startOidc,
  TestApi,
  writeAgentConfig,
} from "../../e2e/stack.js";

// `lmkeeper slurm prolog|epilog` as slurmctld runs them: a real child process reading the
// agent's config, authenticating with OIDC client credentials like the agent, against the
// real License Manager API; the answer is in the exit status.
const dir = scratchDir("lmk-slurm-cli-");

interface Run {
  code: number;
  stderr: string;
}

function run(kind: "prolog" | "epilog", env: Record<string, string>, config: string): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, "slurm", kind, "--config", config],
      { env: { PATH: process.env.PATH ?? "", ...env }, timeout: 20_000 },
      (error, _stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stderr }),
    );
  });
}

describe("lmkeeper slurm prolog/epilog (built CLI, real API)", () => {
  let oidc: DevOidcProvider;
  let api: TestApi;
  let config: string;
  const job = {
    SLURM_JOB_ID: "77",
    SLURM_JOB_USER: "carol",
    SLURM_JOB_NODELIST: "cn[010-012]",
    SLURM_JOB_LICENSES: "Abaqus.Standard@FlexLM:3",
  };

  beforeAll(async () => {
    requireBuiltCli();
    oidc = await startOidc();
    api = await new TestApi(oidc, join(dir.path, "api.sqlite")).start();
    const seeded = await api.seed({
      product: "abaqus",
      features: ["standard"],
      servers: [{ host: "127.0.0.1", port: 27000 }],
    });
    await api.ok("PUT", `/lm/features/${seeded.featureIds.standard}`, { total: 4, used: 0 });
    config = writeAgentConfig(
      dir.path,
      { api, oidc },
      {
        slurm: {
          tracked_types: ["flexlm"],
          hook_timeout: 5,
          token_cache: join(dir.path, "token.json"),
        },
      },
    );
  });
  afterAll(async () => {
    await api?.stop();
    await oidc?.close();
    dir.remove();
  });

  it("books, refuses the next job with exit 1, and frees the seats in the epilog", async () => {
    expect(await run("prolog", job, config)).toEqual({ code: 0, stderr: expect.any(String) });
    // the token is kept for the next hook run, readable by its owner only
    const cached = join(dir.path, "token.json");
    expect(statSync(cached).mode & 0o777).toBe(0o600);
    const token = (JSON.parse(readFileSync(cached, "utf8")) as { token: string }).token;
    const jobs = () =>
      api.ok("GET", "/lm/jobs") as Promise<
        Array<{ slurm_job_id: string; username: string; lead_host: string; bookings: unknown[] }>
      >;
    expect(await jobs()).toEqual([
      expect.objectContaining({
        slurm_job_id: "77",
        username: "carol",
        lead_host: "cn010",
        bookings: [expect.objectContaining({ quantity: 3 })],
      }),
    ]);
    const refused = await run("prolog", { ...job, SLURM_JOB_ID: "78" }, config);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/refused it with HTTP 409/);
    expect((await jobs()).map((entry) => entry.slurm_job_id)).toEqual(["77"]);
    expect((await run("epilog", job, config)).code).toBe(0);
    expect(await jobs()).toEqual([]);
    expect((JSON.parse(readFileSync(cached, "utf8")) as { token: string }).token).toBe(token);
  });

  it("treats a wrong client secret as a refusal, not an outage", async () => {
    const refused = await run(
      "prolog",
      { ...job, SLURM_JOB_ID: "79", LMKEEPER_OIDC_CLIENT_SECRET: "wrong" },
      writeAgentConfig(
        dir.path,
        { api, oidc },
        { oidc: { token_url: oidc.tokenUrl, client_id: "cluster-a" } },
        "nosecret.yaml",
      ),
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/refused it with HTTP 401/);
  });

  it("follows prolog_on_api_down when nothing listens", async () => {
    const down = writeAgentConfig(
      dir.path,
      { api: { url: `http://127.0.0.1:${await closedPort()}` }, oidc },
      { slurm: { prolog_on_api_down: "allow" } },
      "down.yaml",
    );
    const allowed = await run("prolog", job, down);
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toMatch(/job runs without a booking/);
    expect(
      (await run("prolog", { ...job, LMKEEPER_SLURM_PROLOG_ON_API_DOWN: "requeue" }, down)).code,
    ).toBe(1);
  });

  it("exits 0 for a job without licenses even without a config, and 1 on a broken config", async () => {
    const absent = join(dir.path, "absent.yaml");
    expect((await run("prolog", { SLURM_JOB_ID: "1" }, absent)).code).toBe(0);
    const broken = await run("prolog", job, absent);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/absent.yaml.*cannot read the file \(ENOENT\)/);
    const bad = join(dir.path, "bad.yaml");
    writeFileSync(
      bad,
      "api:\n  url: http://127.0.0.1:1\ncluster_client_id: a\nslurm:\n  hook_timeout: soon\n",
    );
    const invalid = await run("prolog", job, bad);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/slurm\.hook_timeout: /);
  });
});
