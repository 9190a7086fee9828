import { describe, expect, it } from "vitest";
import { SlurmCommandError } from "../../../src/agent/slurm/errors.js";
import type { ReconcilePlan } from "../../../src/agent/slurm/reconcile-plan.js";
import type { CommandRunner } from "../../../src/agent/slurm/slurm-commands.js";
import { reconcileSlurm, SlurmReconciler } from "../../../src/agent/slurm/slurm-reconciler.js";

/** A runner that answers from a table of argv → output and records every call. */
function recordingRunner(
  answers: Record<
    string,
    string | SlurmCommandError | ((argv: readonly string[]) => SlurmCommandError)
  >,
) {
  const calls: string[] = [];
  const run: CommandRunner = async (argv) => {
    const line = argv.join(" ");
    calls.push(line);
    const key = Object.keys(answers).find((prefix) => line.startsWith(prefix));
    const answer = key === undefined ? "" : answers[key];
    if (answer instanceof SlurmCommandError) throw answer;
    if (typeof answer === "function") throw answer(argv);
    return { stdout: answer ?? "", stderr: "" };
  };
  return { run, calls };
}

const fail = (stderr: string) => (argv: readonly string[]) =>
  new SlurmCommandError(argv, { exitCode: 1, stderr });

describe("SlurmReconciler.readState", () => {
  it("reads version, resources, licenses, jobs and a missing reservation", async () => {
    const { run, calls } = recordingRunner({
      "scontrol --version": "slurm-wlm 22.05.8\n",
      "sacctmgr -P show resource withclusters":
        "Name|Server|Type|Count|% Allocated|ServerType|Cluster|% Allowed\na.b|flexlm|License|10|100|flexlm|c1|100\n",
      "scontrol -o show lic":
        "LicenseName=a.b@flexlm Total=10 Used=2 Free=8 Reserved=4 Remote=yes\n",
      squeue: "5|alice|RUNNING|None|a.b@flexlm:2\n",
      "scontrol -o show reservation lmkeeper": fail("Reservation lmkeeper not found"),
    });
    const state = await new SlurmReconciler({ run }).readState("lmkeeper");
    expect(state.version.major).toBe(22);
    expect(state.resources[0]).toMatchObject({ name: "a.b", count: 10, cluster: "c1" });
    expect(state.licenses[0]).toMatchObject({ name: "a.b@flexlm", used: 2, reserved: 4 });
    expect(state.jobs).toEqual([
      {
        jobId: "5",
        user: "alice",
        state: "RUNNING",
        reason: "None",
        licenses: [{ name: "a.b", server: "flexlm", count: 2 }],
      },
    ]);
    expect(state.reservation).toBeUndefined();
    expect(calls).toContain("squeue --noheader --all --array --format=%A|%u|%T|%r|%W");
  });

  it("fails the read when a call fails for another reason", async () => {
    const { run } = recordingRunner({
      "scontrol --version": fail("slurm_load_ctl_conf error: Unable to contact slurm controller"),
    });
    await expect(new SlurmReconciler({ run }).readState("lmkeeper")).rejects.toThrow(
      /scontrol --version: exited with status 1: slurm_load_ctl_conf error/,
    );
  });

  it("uses the configured binaries", async () => {
    const { run, calls } = recordingRunner({
      "/opt/slurm/bin/scontrol --version": "slurm 23.11.1\n",
    });
    const version = await new SlurmReconciler({
      run,
      binaries: { scontrol: "/opt/slurm/bin/scontrol" },
    }).version();
    expect(version.minor).toBe(11);
    expect(calls).toEqual(["/opt/slurm/bin/scontrol --version"]);
  });
});

describe("SlurmReconciler.execute", () => {
  const plan: ReconcilePlan = {
    mode: "reservation",
    features: [],
    actions: [
      {
        kind: "add-resource",
        license: "a.b@flexlm",
        name: "a.b",
        server: "flexlm",
        serverType: "flexlm",
        count: 10,
        cluster: "c1",
      },
      {
        kind: "set-count",
        license: "c.d@flexlm",
        name: "c.d",
        server: "flexlm",
        count: 5,
        previous: 4,
      },
      {
        kind: "update-reservation",
        reservation: "lmkeeper",
        user: "root",
        minutes: 30,
        licenses: [
          { name: "a.b@flexlm", count: 4 },
          { name: "c.d@flexlm", count: 1 },
        ],
      },
    ],
  };

  it("runs each action's command in order", async () => {
    const { run, calls } = recordingRunner({});
    const report = await new SlurmReconciler({ run }).execute(plan);
    expect(report.failed).toEqual([]);
    expect(calls).toEqual([
      "sacctmgr -i add resource name=a.b server=flexlm type=license servertype=flexlm count=10 cluster=c1 percentallowed=100",
      "sacctmgr -i modify resource where name=c.d server=flexlm set count=5",
      "scontrol update reservationname=lmkeeper endtime=now+30minutes licenses=a.b@flexlm:4,c.d@flexlm:1",
    ]);
  });

  it("deletes and recreates the reservation when the update fails", async () => {
    const { run, calls } = recordingRunner({
      "scontrol update": fail("Error updating the reservation: Requested reservation is invalid"),
    });
    const report = await new SlurmReconciler({ run }).execute(plan);
    expect(report.failed).toEqual([]);
    expect(calls.slice(2)).toEqual([
      "scontrol update reservationname=lmkeeper endtime=now+30minutes licenses=a.b@flexlm:4,c.d@flexlm:1",
      "scontrol delete reservationname=lmkeeper",
      "scontrol create reservation reservationname=lmkeeper user=root starttime=now duration=30 flags=license_only licenses=a.b@flexlm:4,c.d@flexlm:1",
    ]);
    expect(report.applied.map((action) => action.kind)).toEqual([
      "add-resource",
      "set-count",
      "delete-reservation",
      "create-reservation",
    ]);
  });

  it("leaves a license whose resource could not be added out of the reservation and reports the failure", async () => {
    const { run, calls } = recordingRunner({
      "sacctmgr -i add": fail(" Need a valid cluster name to add a cluster resource."),
    });
    const report = await new SlurmReconciler({ run }).execute(plan);
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]?.action.kind).toBe("add-resource");
    expect(report.failed[0]?.error.message).toMatch(/Need a valid cluster name/);
    expect(calls[2]).toBe(
      "scontrol update reservationname=lmkeeper endtime=now+30minutes licenses=c.d@flexlm:1",
    );
  });
});

describe("reconcileSlurm", () => {
  const answers = {
    "scontrol show config":
      "Configuration data as of 2026-11-23T11:00:00\nClusterName             = lictest\nEpilogSlurmctld         = (null)\n",
    "scontrol --version": "slurm-wlm 22.05.8\n",
    "sacctmgr -P show resource withclusters":
      "Name|Server|Type|Count|% Allocated|ServerType|Cluster|% Allowed\n",
    "scontrol -o show lic": "No licenses configured in Slurm.\n",
    squeue: "",
    "scontrol -o show reservation": fail("Reservation lmkeeper not found"),
  };
  const feature = {
    productName: "Abaqus",
    featureName: "Standard",
    type: "flexlm",
    total: 10,
    used: 4,
    uses: [],
  };

  it("reads Slurm, takes the cluster name from it, plans and applies", async () => {
    const { run, calls } = recordingRunner(answers);
    const { plan, report } = await reconcileSlurm(new SlurmReconciler({ run }), [feature], [], {
      reservationName: "lmkeeper",
      reservationUser: "root",
      reservationMinutes: 30,
    });
    expect(plan.actions.map((action) => action.kind)).toEqual([
      "add-resource",
      "create-reservation",
    ]);
    expect(report.failed).toEqual([]);
    expect(calls.slice(-2)).toEqual([
      "sacctmgr -i add resource name=abaqus.standard server=flexlm type=license servertype=flexlm count=10 cluster=lictest percentallowed=100",
      "scontrol create reservation reservationname=lmkeeper user=root starttime=now duration=30 flags=license_only licenses=abaqus.standard@flexlm:4",
    ]);
  });

  it("uses a configured cluster name without asking Slurm, and fails when Slurm has none", async () => {
    const { run, calls } = recordingRunner(answers);
    await reconcileSlurm(new SlurmReconciler({ run }), [feature], [], {
      cluster: "other",
      reservationName: "lmkeeper",
      reservationUser: "root",
      reservationMinutes: 30,
    });
    expect(calls).not.toContain("scontrol show config");
    expect(calls.some((call) => call.includes("cluster=other"))).toBe(true);
    const noName = recordingRunner({
      ...answers,
      "scontrol show config": "ClusterName = (null)\n",
    });
    await expect(new SlurmReconciler({ run: noName.run }).clusterName()).rejects.toThrow(
      /no ClusterName/,
    );
  });
});
