/**
 * Durable checkout+checkin round trips per second of `lmkeeper server` with 64 concurrent
 * keep-alive clients, against a bare node:http server that answers the same two requests with
 * constants, measured the same way in the same run. Both servers are child processes; the load
 * comes from worker threads (undici Pools), so the measuring process is not the bottleneck.
 * Every lmkeeper checkout and checkin is committed to SQLite (WAL, synchronous=FULL) before it
 * is answered. Runs alternate bare, lmkeeper, bare, lmkeeper, …; each figure is the median of
 * its runs, so a burst of load from elsewhere on the machine skews one run, not the result.
 * BENCH_SECONDS sets each measured window (default 4), BENCH_REPS the runs of each server
 * (default 3), BENCH_WORKERS the load threads (default 2).
 * BENCH_CPU_PROF=DIR writes a V8 CPU profile of the lmkeeper server into DIR.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import {
  ensureBuilt,
  startListeningChild,
  startServerChild,
  writeServerConfig,
  type ServerChild,
} from "../test/generators/server-process.js";
import type { LoadWorkerInput, LoadWorkerResult } from "./load-worker.js";
import { reportJson } from "./report.js";

const CLIENTS = 64;
const SECONDS = Number(process.env["BENCH_SECONDS"] ?? 4);
const REPS = Number(process.env["BENCH_REPS"] ?? 3);
const WORKERS = Number(process.env["BENCH_WORKERS"] ?? 2);
const WARM_UP_MS = 1_500;
const TARGET = 0.4;
const CPU_PROF = process.env["BENCH_CPU_PROF"];

/** Answers checkout and checkin with constants shaped like lmkeeper's answers. */
const BARE_SERVER = `
const http = require("node:http");
const lease = JSON.stringify({ lease: { id: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", feature: "post", version: "0", grantedVersion: "2026.0", count: 1, handle: 101, startedAt: "2026-11-23T12:00:00.000Z", lastSeenAt: "2026-11-23T12:00:00.000Z", expiresAt: "2026-11-23T13:00:00.000Z" } });
const released = lease.replace('"lease"', '"released"');
const server = http.createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    const checkout = req.method === "POST";
    res.writeHead(checkout ? 201 : 200, { "content-type": "application/json; charset=utf-8" });
    res.end(checkout ? lease : released);
  });
});
server.keepAliveTimeout = 72000;
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ msg: "license server listening", url: "http://127.0.0.1:" + server.address().port })));
`;

interface Measurement {
  roundTripsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

function runWorker(input: LoadWorkerInput): Promise<LoadWorkerResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./load-worker.js", import.meta.url), { workerData: input });
    worker.once("message", (result: LoadWorkerResult) => resolve(result));
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code !== 0) reject(new Error(`load worker exited with ${code}`));
    });
  });
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function measure(url: string): Promise<Measurement> {
  const perWorker = Math.ceil(CLIENTS / WORKERS);
  const results = await Promise.all(
    Array.from({ length: WORKERS }, (_, index) =>
      runWorker({
        url,
        connections: Math.min(perWorker, CLIENTS - index * perWorker),
        warmUpMs: WARM_UP_MS,
        measureMs: SECONDS * 1000,
      }),
    ),
  );
  const failed = results.find((result) => result.errors > 0);
  if (failed) throw new Error(`${failed.errors} round trips failed: ${failed.firstError}`);
  const all = new Float64Array(results.reduce((sum, r) => sum + r.latenciesMicros.length, 0));
  let offset = 0;
  for (const result of results) {
    all.set(result.latenciesMicros, offset);
    offset += result.latenciesMicros.length;
  }
  all.sort();
  return {
    roundTripsPerSecond: all.length / SECONDS,
    p50Ms: percentile(all, 50) / 1000,
    p99Ms: percentile(all, 99) / 1000,
    errors: 0,
  };
}

async function measureServer(start: () => Promise<ServerChild>): Promise<Measurement> {
  const server = await start();
  try {
    return await measure(server.url);
  } finally {
    const exited = new Promise((resolve) => server.child.once("exit", resolve));
    server.child.kill("SIGTERM");
    await exited;
  }
}

function median(runs: Measurement[]): Measurement {
  const mid = (pick: (m: Measurement) => number): number => {
    const sorted = runs.map(pick).sort((a, b) => a - b);
    const half = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[half]! : (sorted[half - 1]! + sorted[half]!) / 2;
  };
  return {
    roundTripsPerSecond: mid((m) => m.roundTripsPerSecond),
    p50Ms: mid((m) => m.p50Ms),
    p99Ms: mid((m) => m.p99Ms),
    errors: 0,
  };
}

const fmt = (m: Measurement): string =>
  `${m.roundTripsPerSecond.toFixed(0)} round trips/s, p50 ${m.p50Ms.toFixed(2)} ms, p99 ${m.p99Ms.toFixed(2)} ms`;

ensureBuilt();
const dir = mkdtempSync(join(tmpdir(), "lmkeeper-bench-"));
try {
  const config = writeServerConfig(dir);
  const profileOptions = CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${CPU_PROF}`] : [];
  const bareRuns: Measurement[] = [];
  const lmkeeperRuns: Measurement[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    const bare = await measureServer(() => startListeningChild(["-e", BARE_SERVER]));
    process.stdout.write(`bare node:http      ${fmt(bare)}\n`);
    bareRuns.push(bare);
    const lmkeeper = await measureServer(() => startServerChild(config, profileOptions));
    process.stdout.write(`lmkeeper (durable)  ${fmt(lmkeeper)}\n`);
    lmkeeperRuns.push(lmkeeper);
  }
  const bare = median(bareRuns);
  const lmkeeper = median(lmkeeperRuns);
  const ratio = lmkeeper.roundTripsPerSecond / bare.roundTripsPerSecond;
  process.stdout.write(
    `ratio ${(ratio * 100).toFixed(1)} % of bare node:http (target ≥ ${TARGET * 100} %) ${ratio >= TARGET ? "ok" : "MISSED"}\n`,
  );
  reportJson({
    clients: CLIENTS,
    loadWorkers: WORKERS,
    seconds: SECONDS,
    roundTrip: "POST /api/1.0/leases + DELETE /api/1.0/leases/:id",
    bare,
    lmkeeper,
    bareRuns,
    lmkeeperRuns,
    ratio: Number(ratio.toFixed(3)),
    target: TARGET,
    meetsTarget: ratio >= TARGET,
    cpus: availableParallelism(),
    loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(2)),
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
