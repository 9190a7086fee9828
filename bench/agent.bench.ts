/**
 * Agent cycle throughput: 500 configurations × 3 license servers against a loopback fake
 * API, with a fake vendor tool that takes 50 ms to answer; for 20 % of the configurations
 * the first server is down (the tool fails at once, the agent moves on). The same cycle runs
 * at the configured concurrency and at concurrency 1; the ratio is the figure of merit.
 */
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pino } from "pino";
import { ApiClient } from "../src/agent/api-client.js";
import { runCycle, type CycleResult } from "../src/agent/cycle.js";
import { flexlmConfiguration, startFakeApi } from "../test/generators/fake-lm-api.js";
import { reportJson } from "./report.js";

const CONFIGURATIONS = 500;
const SERVERS = 3;
const TOOL_DELAY_MS = 50;
const FIRST_DOWN_EVERY = 5; // 20 %
const CONCURRENCY = Number(process.env.BENCH_AGENT_CONCURRENCY ?? 64);
const TARGET_RATIO = 15;
const PARALLEL_RUNS = 3;

const DOWN_PORT_BASE = 40_000;
const UP_PORT_BASE = 20_000;

/**
 * The fake tool is a POSIX shell script, so process start-up stays small next to the 50 ms
 * the tool "works": the benchmark measures the agent's scheduling, not node's start time.
 * It ends by exec-ing cat, so a run is two processes (sh, sleep) besides cat, not three.
 */
function writeFakeTool(dir: string, fixture: string): string {
  const path = join(dir, "lmutil");
  writeFileSync(
    path,
    [
      "#!/bin/sh",
      "# argv: lmstat -c PORT@HOST -a",
      'case "$3" in',
      `  4*@*) echo 'Error getting status: Cannot connect to license server (-15,570:111 "Connection refused")'; exit 1 ;;`,
      "esac",
      `sleep ${TOOL_DELAY_MS / 1000}`,
      `exec cat '${fixture}'`,
      "",
    ].join("\n"),
  );
  chmodSync(path, 0o755);
  return path;
}

function ports(index: number): number[] {
  const first = index % FIRST_DOWN_EVERY === 0 ? DOWN_PORT_BASE + index : UP_PORT_BASE + index;
  return [
    first,
    ...Array.from({ length: SERVERS - 1 }, (_, k) => UP_PORT_BASE + 1000 * (k + 1) + index),
  ];
}

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "lmkeeper-agent-bench-"));
  const tool = writeFakeTool(dir, resolve("fixtures/flexlm/lmstat_app2.txt"));
  const configurations = Array.from({ length: CONFIGURATIONS }, (_, index) =>
    flexlmConfiguration(index + 1, "bench", ports(index), [
      ["vendor1", "feature2"],
      ["vendor1", "feature5"],
    ]),
  );
  const api = await startFakeApi({ configurations });
  const logger = pino({ level: "silent" });
  const cycle = (concurrency: number): Promise<CycleResult> =>
    runCycle({
      api: new ApiClient({ baseUrl: api.url, retries: 0 }),
      clusterClientId: "bench",
      tools: { flexlm: tool },
      toolTimeoutMs: 10_000,
      concurrency,
      statusIntervalSeconds: 60,
      logger,
    });

  try {
    const check = (label: string, result: CycleResult): void => {
      const pushed = api.bulkPuts.at(-1)?.length ?? 0;
      if (!result.success || pushed !== CONFIGURATIONS * 2) {
        throw new Error(
          `${label} cycle did not read every configuration (pushed ${pushed}): ${result.errors.slice(0, 3).join("; ")}`,
        );
      }
    };
    check("warm-up", await cycle(CONCURRENCY));
    // Best of several parallel cycles, as the other benchmarks take the best of their runs: a
    // 2-second cycle is easily disturbed by other work, the 30-second serial one averages it out.
    const parallelMs: number[] = [];
    const parallelCpuMs: number[] = [];
    for (let run = 0; run < PARALLEL_RUNS; run++) {
      const cpuBefore = process.cpuUsage();
      const parallel = await cycle(CONCURRENCY);
      parallelCpuMs.push(cpuMs(process.cpuUsage(cpuBefore)));
      check("parallel", parallel);
      parallelMs.push(parallel.durationMs);
    }
    const bestParallelMs = Math.min(...parallelMs);
    const cpuBefore = process.cpuUsage();
    const serial = await cycle(1);
    const serialCpuMs = cpuMs(process.cpuUsage(cpuBefore));
    check("serial", serial);
    const ratio = serial.durationMs / bestParallelMs;
    process.stdout.write(
      `${CONFIGURATIONS} configurations × ${SERVERS} servers: ${bestParallelMs.toFixed(0)} ms at concurrency ${CONCURRENCY} ` +
        `(best of ${parallelMs.map((ms) => ms.toFixed(0)).join(", ")}), ` +
        `${serial.durationMs.toFixed(0)} ms at concurrency 1, ratio ${ratio.toFixed(1)}× (target ≥ ${TARGET_RATIO}×)\n` +
        `benchmark process CPU per cycle: ${parallelCpuMs.map((ms) => ms.toFixed(0)).join(", ")} ms at concurrency ${CONCURRENCY}, ` +
        `${serialCpuMs.toFixed(0)} ms at concurrency 1\n`,
    );
    reportJson({
      configurations: CONFIGURATIONS,
      serversPerConfiguration: SERVERS,
      toolDelayMs: TOOL_DELAY_MS,
      firstServerDownShare: 1 / FIRST_DOWN_EVERY,
      toolRuns: CONFIGURATIONS + CONFIGURATIONS / FIRST_DOWN_EVERY,
      concurrency: CONCURRENCY,
      cycleMs: Math.round(bestParallelMs),
      parallelRunsMs: parallelMs.map(Math.round),
      baselineConcurrency1Ms: Math.round(serial.durationMs),
      // CPU of the whole benchmark process (agent and fake API, all threads), not of the tools
      processCpuMsPerParallelCycle: parallelCpuMs.map(Math.round),
      processCpuMsConcurrency1: Math.round(serialCpuMs),
      ratio: Number(ratio.toFixed(2)),
      targetRatio: TARGET_RATIO,
      meetsTarget: ratio >= TARGET_RATIO,
      // Process start-up is CPU work done by the agent's main thread and the kernel: on a
      // machine already busy the parallel run is bound by it, the serial run is not.
      cpus: availableParallelism(),
      loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(2)),
    });
  } finally {
    await api.close();
  }
}

await main();
