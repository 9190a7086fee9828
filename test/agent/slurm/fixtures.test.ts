import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { planReconcile } from "../../../src/agent/slurm/reconcile-plan.js";
import { parseResources } from "../../../src/agent/slurm/sacctmgr-parse.js";
import {
  parseLicenses,
  parseReservation,
  parseSlurmVersion,
} from "../../../src/agent/slurm/scontrol-parse.js";
import { parseJobs } from "../../../src/agent/slurm/squeue-parse.js";

// Outputs captured from a live Slurm 22.05.8 (see fixtures/slurm/README.md).
const dir = join(resolve(dirname(fileURLToPath(import.meta.url)), "../../.."), "fixtures/slurm");
const fixture = (name: string) => readFileSync(join(dir, name), "utf8");

describe("captured Slurm 22.05 outputs", () => {
  const state = {
    version: parseSlurmVersion(fixture("scontrol-version.txt")),
    licenses: parseLicenses(fixture("scontrol-show-lic-o.txt")),
    resources: parseResources(fixture("sacctmgr-show-resource.txt")),
    jobs: parseJobs(fixture("squeue.txt")),
    reservation: parseReservation(fixture("scontrol-show-reservation.txt")),
  };

  it("parses every capture", () => {
    expect(state.version.text).toBe("slurm-wlm 22.05.8");
    expect(
      state.licenses.map((license) => [
        license.name,
        license.total,
        license.used,
        license.reserved,
      ]),
    ).toEqual([
      ["localfeat", 4, 0, 0],
      ["p.f@flexlm", 12, 9, 2],
      ["p.g@flexlm", 5, 0, 1],
    ]);
    expect(
      state.resources.map((resource) => [
        resource.name,
        resource.server,
        resource.count,
        resource.cluster,
      ]),
    ).toEqual([
      ["p.f", "flexlm", 12, "lictest"],
      ["p.g", "flexlm", 5, "lictest"],
    ]);
    expect(state.jobs.map((job) => [job.jobId, job.state, job.reason])).toEqual([
      ["2", "PENDING", "Licenses"],
      ["1", "RUNNING", "None"],
    ]);
    expect(state.reservation?.licenses).toEqual([
      { name: "p.f@flexlm", count: 2 },
      { name: "p.g@flexlm", count: 1 },
    ]);
  });

  it("plans against them: Slurm's 9 in use are not blocked again", () => {
    const features = [
      { productName: "p", featureName: "f", type: "flexlm", total: 12, used: 11, uses: [] },
      { productName: "p", featureName: "g", type: "flexlm", total: 5, used: 0, uses: [] },
    ];
    const plan = planReconcile(features, [], state, {
      cluster: "lictest",
      reservationName: "lmkeeper",
      reservationUser: "root",
      reservationMinutes: 30,
    });
    expect(plan.mode).toBe("reservation");
    expect(plan.features.map((feature) => [feature.license, feature.blocked])).toEqual([
      ["p.f@flexlm", 2],
      ["p.g@flexlm", 0],
    ]);
    expect(plan.actions).toEqual([
      {
        kind: "update-reservation",
        reservation: "lmkeeper",
        user: "root",
        minutes: 30,
        licenses: [{ name: "p.f@flexlm", count: 2 }],
      },
    ]);
  });
});
