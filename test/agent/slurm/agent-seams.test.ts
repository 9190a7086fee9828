import { describe, expect, it } from "vitest";
import type { Configuration, Job } from "../../../src/agent/api-types.js";
import type { ConfigurationQuery } from "../../../src/agent/reconcile/plan.js";
import {
  slurmBookings,
  slurmFeatures,
  SlurmClusterLicenses,
  SqueueJobPresence,
} from "../../../src/agent/slurm/agent-seams.js";
import type { SlurmSettings } from "../../../src/agent/slurm/config-section.js";
import { SlurmCommandError } from "../../../src/agent/slurm/errors.js";
import type { CommandRunner } from "../../../src/agent/slurm/slurm-commands.js";

function configuration(
  id: number,
  type: string,
  features: Array<[featureId: number, product: string, name: string]>,
): Configuration {
  return {
    id,
    name: `config ${id}`,
    clusterClientId: "alpha",
    graceTimeSeconds: 60,
    type,
    features: features.map(([featureId, product, name]) => ({
      id: featureId,
      name,
      product: { id: featureId * 10, name: product },
      configId: id,
      reserved: 0,
      total: 0,
      used: 0,
      bookedTotal: 0,
    })),
    licenseServers: [{ id: id * 100, configId: id, host: "lic1", port: 27000 }],
  };
}

const configurations = [
  configuration(1, "FlexLM", [
    [11, "abaqus", "Standard"],
    [12, "abaqus", "cae"],
  ]),
  configuration(2, "rlm", [[21, "ansys", "cfd"]]),
];

const queries: ConfigurationQuery[] = [
  {
    configurationId: 1,
    ok: true,
    server: { host: "lic1", port: 27000 },
    report: {
      type: "flexlm",
      warnings: [],
      features: [
        {
          feature: "standard",
          total: 10,
          used: 5,
          reserved: 0,
          uses: [{ username: "alice", host: "n1", count: 5 }],
        },
        // a second version of the same feature: summed
        {
          feature: "STANDARD",
          total: 2,
          used: 1,
          reserved: 0,
          uses: [{ username: "bob", host: "n2", count: 1 }],
        },
      ],
    },
  },
  { configurationId: 2, ok: false, errors: ["lic1:27000: Cannot connect"] },
];

const jobs: Job[] = [
  {
    id: 1,
    slurmJobId: "501",
    clusterClientId: "alpha",
    username: "alice",
    leadHost: "n1",
    bookings: [
      { id: 1, jobId: 1, featureId: 11, quantity: 3, createdAt: "2026-11-23T10:00:00Z" },
      { id: 2, jobId: 1, featureId: 999, quantity: 1, createdAt: "2026-11-23T10:00:00Z" },
    ],
  },
  {
    id: 2,
    slurmJobId: "502",
    clusterClientId: "alpha",
    username: "x",
    leadHost: "y",
    bookings: [],
  },
];

const settings: SlurmSettings = {
  enabled: true,
  clusterName: "c1",
  reservationName: "lmkeeper",
  reservationUser: "root",
  reservationMinutes: 30,
  commandTimeoutMs: 1_000,
  binaries: { scontrol: "/s/scontrol", sacctmgr: "/s/sacctmgr", squeue: "/s/squeue" },
  trackedTypes: ["flexlm"],
  prologOnApiDown: "allow",
  hookTimeoutMs: 1_000,
};

describe("what an agent cycle hands to Slurm", () => {
  it("mirrors the features a server answered for and holds the ones that failed or are missing", () => {
    expect(slurmFeatures(configurations, queries)).toEqual({
      features: [
        {
          productName: "abaqus",
          featureName: "Standard",
          type: "FlexLM",
          total: 12,
          used: 6,
          uses: [
            { username: "alice", host: "n1", count: 5 },
            { username: "bob", host: "n2", count: 1 },
          ],
        },
      ],
      heldLicenses: ["abaqus.cae@flexlm", "ansys.cfd@rlm"],
    });
  });

  it("names each booking by product and feature, skipping features of no configuration", () => {
    expect(slurmBookings(configurations, jobs)).toEqual([
      {
        slurmJobId: "501",
        username: "alice",
        leadHost: "n1",
        productName: "abaqus",
        featureName: "Standard",
        quantity: 3,
      },
    ]);
  });
});

function runner(answers: Record<string, string>): { run: CommandRunner; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    run: async (argv, timeoutMs) => {
      const line = argv.join(" ");
      calls.push(`${line} (${timeoutMs} ms)`);
      const key = Object.keys(answers).find((prefix) => line.startsWith(prefix));
      if (key === undefined)
        throw new SlurmCommandError(argv, {
          exitCode: 1,
          stderr: "Reservation lmkeeper not found",
        });
      return { stdout: answers[key] ?? "", stderr: "" };
    },
  };
}

describe("SqueueJobPresence", () => {
  it("calls a job gone when squeue no longer lists it", async () => {
    const { run, calls } = runner({ "/s/squeue": "502|x|RUNNING|None|(null)\n" });
    const presence = new SqueueJobPresence(settings, run);
    expect(await presence.goneJobs(jobs)).toEqual(new Set(["501"]));
    expect(calls).toEqual(["/s/squeue --noheader --all --array --format=%A|%u|%T|%r|%W (1000 ms)"]);
  });

  it("does not ask Slurm when the API has no jobs", async () => {
    const { run, calls } = runner({});
    expect(await new SqueueJobPresence(settings, run).goneJobs([])).toEqual(new Set());
    expect(calls).toEqual([]);
  });

  it("fails (rather than calling every job gone) when squeue output is unreadable", async () => {
    const { run } = runner({ "/s/squeue": "garbage\n" });
    await expect(new SqueueJobPresence(settings, run).goneJobs(jobs)).rejects.toThrow(
      /expected 5 "\|"-separated fields/,
    );
  });
});

describe("SlurmClusterLicenses", () => {
  it("creates the license, blocks outside use in the reservation and reports failed actions", async () => {
    const { run, calls } = runner({
      "/s/scontrol --version": "slurm-wlm 22.05.8\n",
      "/s/sacctmgr -P show resource":
        "Name|Server|Type|Count|% Allocated|ServerType|Cluster|% Allowed\n",
      "/s/scontrol -o show lic": "",
      "/s/squeue": "501|alice|RUNNING|None|abaqus.standard@flexlm:3\n",
      "/s/sacctmgr -i add resource": "",
    });
    const logged: object[] = [];
    const seam = new SlurmClusterLicenses(settings, { info: (fields) => logged.push(fields) }, run);
    const errors = await seam.reconcile({ configurations, bulk: [], queries, jobs });
    // 6 used on the server, none by Slurm jobs (Used=0 in scontrol), 3 booked but alice holds 5
    expect(calls).toContain(
      "/s/sacctmgr -i add resource name=abaqus.standard server=flexlm type=license servertype=flexlm count=12 cluster=c1 percentallowed=100 (1000 ms)",
    );
    expect(calls.at(-1)).toBe(
      "/s/scontrol create reservation reservationname=lmkeeper user=root starttime=now duration=30 flags=license_only licenses=abaqus.standard@flexlm:6 (1000 ms)",
    );
    expect(errors).toEqual([
      expect.stringMatching(/^Slurm create-reservation failed: .*Reservation lmkeeper not found/),
    ]);
    expect(logged).toEqual([
      expect.objectContaining({
        mode: "reservation",
        applied: ["add-resource"],
        held: ["abaqus.cae@flexlm", "ansys.cfd@rlm"],
      }),
    ]);
  });

  it("leaves Slurm alone when the bookings are unknown", async () => {
    const { run, calls } = runner({});
    const seam = new SlurmClusterLicenses(settings, { info: () => undefined }, run);
    expect(await seam.reconcile({ configurations, bulk: [], queries })).toEqual([
      "Slurm licenses left as they are: the jobs and bookings could not be fetched",
    ]);
    expect(calls).toEqual([]);
  });
});
