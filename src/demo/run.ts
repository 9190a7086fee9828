/**
 * `lmkeeper demo`: the whole loop on one machine. The reference server holds the bundled
 * license file, simulated users check seats in and out, and the agent (in this process, on a
 * seconds schedule, reading the server through the lmutil shim) pushes what it reads into the
 * License Manager API. After each cycle a table shows the server's numbers beside the API's.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pino } from "pino";
import { createCycleRunner } from "../agent/agent.js";
import type { AgentConfig } from "../agent/config.js";
import type { CycleResult } from "../agent/cycle.js";
import { startDaemon } from "../agent/daemon.js";
import { createAgentLogger } from "../agent/logger.js";
import { AgentMetrics, startMetricsServer } from "../agent/metrics.js";
import { defaultSlurmSettings } from "../agent/slurm/config-section.js";
import { DEFAULT_MAX_OUTPUT_BYTES } from "../agent/tool-runner.js";
import { LicenseClient } from "../server-core/index.js";
import { seedDemoConfiguration } from "./seed.js";
import { CheckoutSimulator } from "./simulator.js";
import { DEMO_CLUSTER, PACKAGE_ROOT, startDemoStack, type DemoStack } from "./stack.js";
import { formatCycleTable, usageFromSnapshot, type DemoRow } from "./table.js";

export interface DemoOptions {
  /** stop after this long (ignored with keepRunning) */
  durationSeconds: number;
  keepRunning: boolean;
  /** seconds between agent cycles (1–59) */
  intervalSeconds: number;
  /** seconds between simulated changes */
  changeSeconds: number;
  /** stops the demo early (Ctrl-C) */
  signal: AbortSignal;
  write: (text: string) => void;
}

const PRODUCT = "acme";
/** The counted features of fixtures/server/acme.lic (`post` is uncounted). */
const FEATURES = ["solver", "mesher"] as const;

interface ApiFeature {
  name: string;
  total: number;
  used: number;
  booked_total: number;
}

export interface DemoSummary {
  cycles: number;
  /** cycles after which the API's used count equalled the server's for every feature */
  cyclesInSync: number;
}

export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const stack = await startDemoStack();
  const stops: Array<() => Promise<void>> = [];
  try {
    return await runOnStack(stack, options, stops);
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await stack.close();
  }
}

async function runOnStack(
  stack: DemoStack,
  options: DemoOptions,
  stops: Array<() => Promise<void>>,
): Promise<DemoSummary> {
  const { write } = options;
  const tokens = new TokenCache(() => stack.oidc.fetchToken(stack.client.id, stack.client.secret));
  await seedDemoConfiguration({
    apiUrl: stack.api.url,
    token: await tokens.get(),
    clusterClientId: DEMO_CLUSTER,
    product: PRODUCT,
    features: FEATURES,
    licenseServer: { host: "127.0.0.1", port: stack.server.port },
  });

  const licenseClient = new LicenseClient({ baseUrl: stack.server.url });
  stops.push(() => licenseClient.close());
  const simulator = new CheckoutSimulator(licenseClient, FEATURES);
  await simulator.tick(4);
  simulator.start(options.changeSeconds * 1000);
  stops.push(() => simulator.stop());

  // the shim runs this very CLI unless the user points it elsewhere
  const cliMain = join(PACKAGE_ROOT, "dist/cli/main.js");
  if (process.env["LMKEEPER_BIN"] === undefined && existsSync(cliMain)) {
    process.env["LMKEEPER_BIN"] = cliMain;
  }
  const config: AgentConfig = {
    api: { url: stack.api.url, requestTimeoutMs: 10_000, retries: 1 },
    oidc: {
      tokenUrl: stack.oidc.tokenUrl,
      clientId: stack.client.id,
      clientSecret: stack.client.secret,
    },
    clusterClientId: DEMO_CLUSTER,
    schedule: `*/${options.intervalSeconds} * * * * *`,
    tools: { flexlm: join(PACKAGE_ROOT, "deploy/shims/lmutil") },
    toolTimeoutMs: 10_000,
    toolMaxOutputBytes: DEFAULT_MAX_OUTPUT_BYTES,
    concurrency: 2,
    metrics: { enabled: true, host: "127.0.0.1", port: 0 },
    // a cycle's problems show in its table title; only errors are logged (to stderr, so the
    // tables on stdout stay readable)
    logLevel: "error",
    slurm: defaultSlurmSettings(), // no Slurm in the demo
  };
  const logger = await createAgentLogger({
    level: config.logLevel,
    pretty: true,
    destination: pino.destination({ fd: 2, sync: true }),
  });
  const metrics = new AgentMetrics();
  const metricsServer = await startMetricsServer(metrics, config.metrics);
  stops.push(() => metricsServer.close());

  write(
    [
      "lmkeeper demo: the reference license server, the License Manager API and the agent on loopback",
      `  license server  ${stack.server.url}  (try: lmkeeper lmstat -a -c ${stack.server.port}@127.0.0.1)`,
      `  API             ${stack.api.url}/lm  (OpenAPI at ${stack.api.url}/lm/docs)`,
      `  OIDC tokens     ${stack.oidc.tokenUrl}  (client ${stack.client.id})`,
      `  agent metrics   http://127.0.0.1:${metricsServer.port}/metrics`,
      `  state           ${stack.dir}`,
      `  agent cycle every ${options.intervalSeconds} s; simulated users change seats every ${options.changeSeconds} s`,
      options.keepRunning
        ? "  running until Ctrl-C"
        : `  stopping after ${options.durationSeconds} s (Ctrl-C stops sooner)`,
      "",
    ].join("\n") + "\n",
  );

  const summary: DemoSummary = { cycles: 0, cyclesInSync: 0 };
  const runCycle = createCycleRunner(config, {
    logger,
    metrics,
    statusIntervalSeconds: options.intervalSeconds,
  });
  const daemon = startDaemon({
    schedule: config.schedule,
    logger,
    runCycle: async () => {
      const result = await runCycle();
      summary.cycles += 1;
      const rows = await cycleRows(stack, tokens);
      if (rows.every((row) => row.usedInApi === row.usedOnServer)) summary.cyclesInSync += 1;
      write(formatCycleTable(cycleTitle(summary.cycles, result), rows));
      return result;
    },
  });
  stops.push(() => daemon.stop());

  await untilDone(options);
  await daemon.stop();
  write(
    `\nlmkeeper demo: ${summary.cycles} cycles, the API matched the server after ${summary.cyclesInSync} of them; stopping\n`,
  );
  return summary;
}

function cycleTitle(cycle: number, result: CycleResult): string {
  const time = new Date().toISOString().slice(11, 19);
  const outcome = result.success
    ? `pushed ${result.bulk.length} features`
    : `FAILED: ${result.errors.join("; ")}`;
  return `cycle ${cycle} at ${time} UTC (${Math.round(result.durationMs)} ms): ${outcome}`;
}

async function cycleRows(stack: DemoStack, tokens: TokenCache): Promise<DemoRow[]> {
  const onServer = usageFromSnapshot(stack.server.snapshot());
  const inApi = new Map<string, ApiFeature>();
  for (const feature of await apiFeatures(stack.api.url, tokens)) inApi.set(feature.name, feature);
  return FEATURES.map((name) => {
    const server = onServer.get(name) ?? { total: 0, used: 0 };
    const api = inApi.get(name);
    return {
      feature: name,
      total: server.total,
      usedOnServer: server.used,
      usedInApi: api?.used,
      booked: api?.booked_total ?? 0,
    };
  });
}

async function apiFeatures(apiUrl: string, tokens: TokenCache): Promise<ApiFeature[]> {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(`${apiUrl}/lm/features/by_client_id`, {
      headers: { authorization: `Bearer ${await tokens.get()}` },
    });
    if (response.status === 401 && attempt === 0) {
      tokens.clear();
      continue;
    }
    if (!response.ok) throw new Error(`GET /lm/features/by_client_id: ${response.status}`);
    return (await response.json()) as ApiFeature[];
  }
}

class TokenCache {
  private token: Promise<string> | undefined;
  constructor(private readonly fetchToken: () => Promise<string>) {}
  get(): Promise<string> {
    this.token ??= this.fetchToken();
    return this.token;
  }
  clear(): void {
    this.token = undefined;
  }
}

function untilDone(options: DemoOptions): Promise<void> {
  return new Promise((resolve) => {
    if (options.signal.aborted) return resolve();
    const timer = options.keepRunning
      ? undefined
      : setTimeout(resolve, options.durationSeconds * 1000);
    options.signal.addEventListener(
      "abort",
      () => {
        if (timer) clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
