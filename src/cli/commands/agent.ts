import type { Command } from "commander";
import type { Logger } from "pino";
import type { HostedServer, HostedServerSection } from "../../agent/hosted-server.js";

interface AgentOptions {
  config?: string;
  once?: boolean;
  pretty?: boolean;
}

/** Exit statuses of `lmkeeper agent`. */
export const AGENT_EXIT = { ok: 0, cycleFailed: 1, badConfig: 2 } as const;

export function registerAgentCommand(program: Command): void {
  program
    .command("agent")
    .description("run the reconcile agent: read license servers, update the License Manager API")
    .option(
      "-c, --config <path>",
      "YAML configuration file (default /etc/lmkeeper/agent.yaml; LMKEEPER_* env vars override keys)",
    )
    .option("--once", "run one cycle and exit: 0 when every configuration succeeded, 1 otherwise")
    .option("--pretty", "human-readable logs instead of JSON")
    .action(async (options: AgentOptions) => {
      process.exitCode = await runAgentCommand(options);
    });
}

async function runAgentCommand(options: AgentOptions): Promise<number> {
  const { ConfigError, loadAgentConfig } = await import("../../agent/config.js");
  const { isValidSchedule, scheduleIntervalSeconds } = await import("../../agent/schedule.js");
  let config;
  try {
    config = loadAgentConfig({
      ...(options.config ? { path: options.config } : {}),
      validateSchedule: isValidSchedule,
    });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`lmkeeper agent: ${error.message}\n`);
      return AGENT_EXIT.badConfig;
    }
    throw error;
  }
  const { createAgentLogger } = await import("../../agent/logger.js");
  const { createCycleRunner } = await import("../../agent/agent.js");
  const logger = await createAgentLogger({
    level: config.logLevel,
    pretty: options.pretty ?? false,
  });
  logger.debug({ config }, "configuration loaded");
  const statusIntervalSeconds = await scheduleIntervalSeconds(config.schedule);
  const hosted = await startConfiguredServer(config.server, logger);
  if (hosted === "failed") return AGENT_EXIT.badConfig;

  if (options.once) {
    const result = await createCycleRunner(config, { logger, statusIntervalSeconds })();
    await hosted?.close();
    logger.flush();
    return result.success ? AGENT_EXIT.ok : AGENT_EXIT.cycleFailed;
  }

  const { AgentMetrics, startMetricsServer } = await import("../../agent/metrics.js");
  const { startDaemon } = await import("../../agent/daemon.js");
  const metrics = new AgentMetrics();
  const metricsServer = config.metrics.enabled
    ? await startMetricsServer(metrics, config.metrics)
    : undefined;
  if (metricsServer)
    logger.info(
      { host: config.metrics.host, port: metricsServer.port },
      "metrics served on /metrics",
    );
  const daemon = startDaemon({
    schedule: config.schedule,
    runCycle: createCycleRunner(config, { logger, metrics, statusIntervalSeconds }),
    logger,
  });
  logger.info(
    { schedule: config.schedule, clusterClientId: config.clusterClientId },
    "agent started",
  );
  await new Promise<void>((resolve) => {
    const shutdown = (signal: NodeJS.Signals): void => {
      logger.info({ signal }, "stopping after the running cycle");
      process.off("SIGTERM", shutdown);
      process.off("SIGINT", shutdown);
      resolve();
    };
    process.on("SIGTERM", shutdown);
    process.on("SIGINT", shutdown);
  });
  await daemon.stop();
  await metricsServer?.close();
  await hosted?.close();
  logger.info("agent stopped");
  logger.flush();
  return AGENT_EXIT.ok;
}

/** The `server:` section's license server, started before the first cycle; "failed" is reported. */
async function startConfiguredServer(
  section: HostedServerSection | undefined,
  logger: Logger,
): Promise<HostedServer | undefined | "failed"> {
  if (section === undefined) return undefined;
  const { HostedServerConfigError, startHostedServer } =
    await import("../../agent/hosted-server.js");
  try {
    return await startHostedServer(section, logger);
  } catch (error) {
    const reason = error instanceof HostedServerConfigError ? "invalid" : "cannot start";
    process.stderr.write(`lmkeeper agent: server: ${reason}: ${(error as Error).message}\n`);
    logger.flush();
    return "failed";
  }
}
