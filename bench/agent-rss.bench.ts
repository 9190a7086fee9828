/**
 * Agent memory over a long run: 1,000 reconcile cycles against a loopback fake API, each
 * reading 20 configurations with a fast fake vendor tool (a /bin/sh script printing a real
 * lmstat output), with the agent's metrics registry and API client kept across cycles as the
 * daemon keeps them. RSS and heap are taken after a forced GC at cycle 10, every tenth of the
 * run and at the end. Both growths are printed: from cycle 10 (which includes the allocator and
 * JIT settling in over the first hundred cycles) and from a fifth of the run on (steady state),
 * where a leak would show as a steady climb; the verdict is on the steady state.
 * BENCH_AGENT_CYCLES sets the number of cycles (default 1000).
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pino } from "pino";
import { ApiClient } from "../src/agent/api-client.js";
import { runCycle } from "../src/agent/cycle.js";
import { AgentMetrics } from "../src/agent/metrics.js";
import { flexlmConfiguration, startFakeApi } from "../test/generators/fake-lm-api.js";
import { reportJson } from "./report.js";

const CYCLES = Number(process.env["BENCH_AGENT_CYCLES"] ?? 1000);
const CONFIGURATIONS = 20;
const CONCURRENCY = 8;
const EARLY_CYCLE = 10;
/** steady-state RSS growth still called noise (allocator arenas, JIT code) */
const NOISE_MB = 8;

interface Memory {
  cycle: number;
  rssMB: number;
  heapUsedMB: number;
  externalMB: number;
}

function memory(cycle: number): Memory {
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  const mb = (bytes: number): number => Number((bytes / 1e6).toFixed(1));
  return {
    cycle,
    rssMB: mb(usage.rss),
    heapUsedMB: mb(usage.heapUsed),
    externalMB: mb(usage.external),
  };
}

const dir = mkdtempSync(join(tmpdir(), "lmkeeper-agent-rss-"));
const tool = join(dir, "lmutil");
writeFileSync(tool, `#!/bin/sh\ncat '${resolve("fixtures/flexlm/lmstat_app2.txt")}'\n`);
chmodSync(tool, 0o755);
const api = await startFakeApi({
  configurations: Array.from({ length: CONFIGURATIONS }, (_, index) =>
    flexlmConfiguration(
      index + 1,
      "bench",
      [27000 + index],
      [
        ["vendor1", "feature2"],
        ["vendor1", "feature5"],
      ],
    ),
  ),
});
try {
  const client = new ApiClient({ baseUrl: api.url, retries: 0 });
  const metrics = new AgentMetrics();
  const logger = pino({ level: "silent" });
  let early: Memory | undefined;
  /** RSS along the run, to tell a leak (steady climb) from the allocator settling (plateau) */
  const series: Memory[] = [];
  const sampleEvery = Math.max(1, Math.floor(CYCLES / 10));
  const started = performance.now();
  for (let cycle = 1; cycle <= CYCLES; cycle++) {
    const result = await runCycle({
      api: client,
      clusterClientId: "bench",
      tools: { flexlm: tool },
      toolTimeoutMs: 10_000,
      concurrency: CONCURRENCY,
      statusIntervalSeconds: 60,
      logger,
      metrics,
    });
    if (!result.success)
      throw new Error(`cycle ${cycle} failed: ${result.errors.slice(0, 3).join("; ")}`);
    // the fake API keeps what it was sent; only the agent's memory is being measured
    api.bulkPuts.length = 0;
    api.statuses.length = 0;
    if (cycle === EARLY_CYCLE) {
      early = memory(cycle);
      series.push(early);
    } else if (cycle % sampleEvery === 0) series.push(memory(cycle));
  }
  const late = series.at(-1)?.cycle === CYCLES ? series.at(-1)! : memory(CYCLES);
  const elapsedS = (performance.now() - started) / 1000;
  if (!early) throw new Error(`fewer than ${EARLY_CYCLE} cycles ran`);
  const growthMB = Number((late.rssMB - early.rssMB).toFixed(1));
  const steady = series.find((m) => m.cycle >= CYCLES / 5) ?? early;
  const steadyGrowthMB = Number((late.rssMB - steady.rssMB).toFixed(1));
  process.stdout.write(
    `${CYCLES} cycles × ${CONFIGURATIONS} configurations (${CYCLES * CONFIGURATIONS} tool runs) in ${elapsedS.toFixed(0)} s\n` +
      `RSS after ${EARLY_CYCLE} cycles ${early.rssMB} MB (heap ${early.heapUsedMB} MB); after ${CYCLES}: ${late.rssMB} MB ` +
      `(heap ${late.heapUsedMB} MB); growth ${growthMB} MB\n` +
      `steady state: RSS after ${steady.cycle} cycles ${steady.rssMB} MB, growth to ${CYCLES}: ${steadyGrowthMB} MB ` +
      `(noise bound ${NOISE_MB} MB) ${steadyGrowthMB <= NOISE_MB ? "ok" : "GROWS"}\n` +
      `RSS by cycle: ${series.map((m) => `${m.cycle}:${m.rssMB}`).join(" ")}\n` +
      `heap by cycle: ${series.map((m) => `${m.cycle}:${m.heapUsedMB}`).join(" ")}\n`,
  );
  reportJson({
    cycles: CYCLES,
    configurations: CONFIGURATIONS,
    concurrency: CONCURRENCY,
    earlyCycle: EARLY_CYCLE,
    early,
    late,
    series,
    rssGrowthMB: growthMB,
    steadyFromCycle: steady.cycle,
    steadyRssGrowthMB: steadyGrowthMB,
    heapGrowthMB: Number((late.heapUsedMB - early.heapUsedMB).toFixed(1)),
    noiseBoundMB: NOISE_MB,
    withinNoise: steadyGrowthMB <= NOISE_MB,
    seconds: Math.round(elapsedS),
    cpus: availableParallelism(),
    loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(2)),
  });
} finally {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
}
