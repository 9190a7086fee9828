import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Configuration, Job } from "../../src/agent/api-types.js";
import { planReconcile, type ConfigurationQuery } from "../../src/agent/reconcile/plan.js";
import { flexlmParser, type ParsedReport } from "../../src/parsers/index.js";

function configuration(
  id: number,
  features: Array<[number, string, string]>,
  graceTimeSeconds = 300,
): Configuration {
  return {
    id,
    name: `conf${id}`,
    clusterClientId: "alpha",
    graceTimeSeconds,
    type: "flexlm",
    features: features.map(([featureId, product, name]) => ({
      id: featureId,
      name,
      product: { id: featureId, name: product },
      configId: id,
      reserved: 0,
      total: 0,
      used: 0,
      bookedTotal: 0,
    })),
    licenseServers: [{ id: id, configId: id, host: "lic1", port: 27000 }],
  };
}

const report: ParsedReport = {
  type: "flexlm",
  warnings: [],
  features: [
    {
      feature: "CAE",
      total: 20,
      used: 5,
      reserved: 1,
      uses: [
        { username: "alice", host: "node001.cluster.local", count: 3 },
        { username: "bob", host: "node007", count: 1 },
      ],
    },
    { feature: "solver", total: 10, used: 0, reserved: 0, uses: [] },
  ],
};

const server = { host: "lic1", port: 27000 };
const now = new Date("2026-11-23T12:00:00Z");

function job(
  id: number,
  username: string,
  leadHost: string,
  bookings: Array<[number, number, string]>,
): Job {
  return {
    id,
    slurmJobId: String(1000 + id),
    clusterClientId: "alpha",
    username,
    leadHost,
    bookings: bookings.map(([bookingId, featureId, createdAt]) => ({
      id: bookingId,
      jobId: id,
      featureId,
      quantity: 1,
      createdAt,
    })),
  };
}

describe("reconcile planning", () => {
  it("maps configured features to the report case-insensitively, named by product and configured name", () => {
    const configurations = [
      configuration(1, [
        [11, "abaqus", "cae"],
        [12, "abaqus", "Solver"],
      ]),
    ];
    const plan = planReconcile({
      configurations,
      queries: [{ configurationId: 1, ok: true, report, server }],
      now,
    });
    expect(plan.bulk).toEqual([
      { productName: "abaqus", featureName: "cae", total: 20, used: 5 },
      { productName: "abaqus", featureName: "Solver", total: 10, used: 0 },
    ]);
    expect(plan.outcomes).toEqual([
      {
        configurationId: 1,
        name: "conf1",
        type: "flexlm",
        ok: true,
        server,
        updated: 2,
        errors: [],
      },
    ]);
  });

  it("leaves every feature of a failed configuration out of the bulk update", () => {
    const configurations = [
      configuration(1, [[11, "abaqus", "cae"]]),
      configuration(2, [[21, "ansys", "solver"]]),
    ];
    const queries: ConfigurationQuery[] = [
      {
        configurationId: 1,
        ok: false,
        errors: ["lic1:27000: ServerError: down", "lic2:27000: timeout"],
      },
      { configurationId: 2, ok: true, report, server },
    ];
    const plan = planReconcile({ configurations, queries, now });
    expect(plan.bulk).toEqual([
      { productName: "ansys", featureName: "solver", total: 10, used: 0 },
    ]);
    expect(plan.outcomes[0]).toEqual({
      configurationId: 1,
      name: "conf1",
      type: "flexlm",
      ok: false,
      updated: 0,
      errors: ["lic1:27000: ServerError: down", "lic2:27000: timeout"],
    });
  });

  it("pushes the features found and fails the configuration for one missing from the report", () => {
    const plan = planReconcile({
      configurations: [
        configuration(1, [
          [11, "abaqus", "cae"],
          [12, "abaqus", "explicit"],
        ]),
      ],
      queries: [{ configurationId: 1, ok: true, report, server }],
      now,
    });
    expect(plan.bulk).toEqual([{ productName: "abaqus", featureName: "cae", total: 20, used: 5 }]);
    expect(plan.outcomes[0]?.ok).toBe(false);
    expect(plan.outcomes[0]?.errors).toEqual([
      'feature "explicit" is not in the report of lic1:27000',
    ]);
  });

  it("sums features whose names differ only in case", () => {
    const doubled: ParsedReport = {
      ...report,
      features: [...report.features, { feature: "cae", total: 4, used: 1, reserved: 0, uses: [] }],
    };
    const plan = planReconcile({
      configurations: [configuration(1, [[11, "abaqus", "CAE"]])],
      queries: [{ configurationId: 1, ok: true, report: doubled, server }],
      now,
    });
    expect(plan.bulk).toEqual([{ productName: "abaqus", featureName: "CAE", total: 24, used: 6 }]);
  });

  it("reads a real lmstat report end to end", () => {
    const parsed = flexlmParser.parse(readFileSync("fixtures/flexlm/lmstat_app2.txt", "utf8"));
    const plan = planReconcile({
      configurations: [
        configuration(1, [
          [11, "vendor1", "FEATURE2"],
          [12, "vendor1", "feature5"],
        ]),
      ],
      queries: [{ configurationId: 1, ok: true, report: parsed, server }],
      now,
    });
    expect(plan.bulk).toEqual([
      { productName: "vendor1", featureName: "FEATURE2", total: 144, used: 22 },
      { productName: "vendor1", featureName: "feature5", total: 144, used: 15 },
    ]);
  });

  describe("bookings", () => {
    const configurations = [
      configuration(
        1,
        [
          [11, "abaqus", "cae"],
          [12, "abaqus", "solver"],
        ],
        600,
      ),
    ];
    const old = "2026-11-23T11:40:00Z"; // 20 min before now: past the 10 min grace time
    const fresh = "2026-11-23T11:55:00Z"; // 5 min: within it

    it("deletes old bookings whose usage shows (same feature, user and lead host)", () => {
      const jobs = [
        job(1, "alice", "NODE001", [
          [101, 11, old],
          [102, 12, old],
          [103, 11, fresh],
        ]),
        job(2, "alice", "node002", [[201, 11, old]]),
        job(3, "carol", "node001", [[301, 11, old]]),
        job(4, "bob", "node007.cluster.local", [[401, 11, old]]),
      ];
      const plan = planReconcile({
        configurations,
        queries: [{ configurationId: 1, ok: true, report, server }],
        jobs,
        now,
      });
      expect(plan.bookingsToDelete).toEqual([
        { bookingId: 101, jobId: 1, slurmJobId: "1001", featureId: 11, reason: "usage-visible" },
        { bookingId: 401, jobId: 4, slurmJobId: "1004", featureId: 11, reason: "usage-visible" },
      ]);
    });

    it("deletes old bookings of gone jobs even when the license server failed", () => {
      const jobs = [
        job(1, "alice", "node001", [
          [101, 11, old],
          [102, 12, fresh],
        ]),
        job(2, "dave", "node009", [[201, 12, old]]),
      ];
      const plan = planReconcile({
        configurations,
        queries: [{ configurationId: 1, ok: false, errors: ["down"] }],
        jobs,
        goneSlurmJobIds: new Set(["1001"]),
        now,
      });
      expect(plan.bookingsToDelete).toEqual([
        { bookingId: 101, jobId: 1, slurmJobId: "1001", featureId: 11, reason: "job-gone" },
      ]);
    });

    it("touches no booking when the jobs are unknown or belong to features of other clusters", () => {
      const withoutJobs = planReconcile({
        configurations,
        queries: [{ configurationId: 1, ok: true, report, server }],
        now,
      });
      expect(withoutJobs.bookingsToDelete).toEqual([]);
      const foreign = planReconcile({
        configurations,
        queries: [{ configurationId: 1, ok: true, report, server }],
        jobs: [job(1, "alice", "node001", [[101, 99, old]])],
        goneSlurmJobIds: new Set(["1001"]),
        now,
      });
      expect(foreign.bookingsToDelete).toEqual([]);
    });
  });
});
