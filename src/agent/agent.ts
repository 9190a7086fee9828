import type { Logger } from "pino";
import { createApiClient } from "./api-from-config.js";
import type { AgentConfig } from "./config.js";
import { runCycle, type CycleResult } from "./cycle.js";
import type { AgentMetrics } from "./metrics.js";
import type { JobPresence, ClusterLicenseReconciler } from "./reconcile/seams.js";
import { SlurmClusterLicenses, SqueueJobPresence } from "./slurm/agent-seams.js";

/**
 * Wires the configured API client, token source and tools into a cycle function. With
 * `slurm.enabled`, each cycle also reconciles Slurm's licenses and asks squeue which jobs
 * are gone.
 */
export function createCycleRunner(
  config: AgentConfig,
  options: {
    logger: Logger;
    metrics?: AgentMetrics;
    statusIntervalSeconds: number;
    /** override the Slurm-backed job presence (tests, other schedulers) */
    jobPresence?: JobPresence;
    clusterLicenses?: ClusterLicenseReconciler;
  },
): () => Promise<CycleResult> {
  const api = createApiClient(config, options.logger);
  const slurm = config.slurm.enabled
    ? {
        jobPresence: new SqueueJobPresence(config.slurm),
        clusterLicenses: new SlurmClusterLicenses(
          config.slurm,
          options.logger.child({ part: "slurm" }),
        ),
      }
    : {};
  const jobPresence = options.jobPresence ?? slurm.jobPresence;
  const clusterLicenses = options.clusterLicenses ?? slurm.clusterLicenses;
  return () =>
    runCycle({
      api,
      clusterClientId: config.clusterClientId,
      tools: config.tools,
      toolTimeoutMs: config.toolTimeoutMs,
      toolMaxOutputBytes: config.toolMaxOutputBytes,
      concurrency: config.concurrency,
      statusIntervalSeconds: options.statusIntervalSeconds,
      logger: options.logger,
      ...(options.metrics ? { metrics: options.metrics } : {}),
      ...(jobPresence ? { jobPresence } : {}),
      ...(clusterLicenses ? { clusterLicenses } : {}),
    });
}
