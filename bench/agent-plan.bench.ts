/**
 * The agent's pure planning work per cycle at site scale: the Slurm reconcile plan for F
 * features with 10 checkouts each, 10·F running jobs each holding one booking, and one sacctmgr
 * row per feature. Measured at F = 500 (the baseline) and F = 2,000 in the same run: work that
 * grows linearly takes about 4× as long on the second, work that compares every feature with
 * every booking 16×. Target: growth ≤ 6× for 4× the input.
 */
import { availableParallelism, loadavg } from "node:os";
import {
  planReconcile,
  type JobBooking,
  type ServerFeature,
  type SlurmState,
} from "../src/agent/slurm/reconcile-plan.js";
import type { SlurmResource } from "../src/agent/slurm/sacctmgr-parse.js";
import { parseSlurmVersion } from "../src/agent/slurm/scontrol-parse.js";
import type { SlurmJob } from "../src/agent/slurm/squeue-parse.js";
import { reportJson } from "./report.js";

const RUNS = Number(process.env["BENCH_RUNS"] ?? 5);
const SMALL = 500;
const LARGE = 2_000;
const JOBS_PER_FEATURE = 10;
const TARGET_GROWTH = 6;
const OPTIONS = {
  cluster: "bench",
  reservationName: "lmkeeper",
  reservationUser: "root",
  reservationMinutes: 30,
};

interface Site {
  features: ServerFeature[];
  bookings: JobBooking[];
  slurm: SlurmState;
}

function site(featureCount: number): Site {
  const indexes = Array.from({ length: featureCount }, (_, i) => i);
  const features: ServerFeature[] = indexes.map((i) => ({
    productName: `Product${i % 50}`,
    featureName: `feature${i}`,
    type: "flexlm",
    total: 100,
    used: 60,
    uses: Array.from({ length: 10 }, (_, u) => ({
      username: `user${u}`,
      host: `node${u}.cluster.example.org`,
      count: 1,
    })),
  }));
  const jobs: SlurmJob[] = Array.from({ length: featureCount * JOBS_PER_FEATURE }, (_, j) => ({
    jobId: String(j),
    user: `user${j % 10}`,
    state: "RUNNING",
    reason: "None",
    licenses: [],
  }));
  const bookings: JobBooking[] = jobs.map((job, j) => ({
    slurmJobId: job.jobId,
    username: job.user,
    leadHost: `node${j % 13}`,
    productName: `product${(j % featureCount) % 50}`,
    featureName: `feature${j % featureCount}`,
    quantity: 1,
  }));
  const resources: SlurmResource[] = features.map((feature) => ({
    name: `${feature.productName}.${feature.featureName}`.toLowerCase(),
    server: "flexlm",
    type: "License",
    count: 100,
    cluster: OPTIONS.cluster,
    allowed: 100,
    fields: {},
  }));
  const slurm: SlurmState = {
    version: parseSlurmVersion("slurm 23.11.4"),
    resources,
    licenses: [],
    jobs,
    reservation: undefined,
  };
  return { features, bookings, slurm };
}

function bestMs(input: Site): number {
  let best = Number.POSITIVE_INFINITY;
  let sink = 0;
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    sink += planReconcile(input.features, input.bookings, input.slurm, OPTIONS).actions.length;
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
  }
  if (sink < 0) process.stdout.write("impossible\n");
  return best;
}

const small = site(SMALL);
const large = site(LARGE);
bestMs(small); // JIT warm-up
const smallMs = bestMs(small);
const largeMs = bestMs(large);
const growth = largeMs / smallMs;
process.stdout.write(
  `reconcile plan  ${SMALL} features, ${SMALL * JOBS_PER_FEATURE} bookings ${smallMs.toFixed(1).padStart(7)} ms\n` +
    `reconcile plan  ${LARGE} features, ${LARGE * JOBS_PER_FEATURE} bookings ${largeMs.toFixed(1).padStart(7)} ms\n` +
    `growth for 4× the input: ${growth.toFixed(2)}× (target ≤ ${TARGET_GROWTH}×) ${growth <= TARGET_GROWTH ? "ok" : "MISSED"}\n`,
);
reportJson({
  runs: RUNS,
  smallFeatures: SMALL,
  largeFeatures: LARGE,
  bookingsPerFeature: JOBS_PER_FEATURE,
  smallMs: Number(smallMs.toFixed(2)),
  largeMs: Number(largeMs.toFixed(2)),
  growth: Number(growth.toFixed(2)),
  targetGrowth: TARGET_GROWTH,
  meetsTarget: growth <= TARGET_GROWTH,
  cpus: availableParallelism(),
  loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(2)),
});
