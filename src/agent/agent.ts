import type { Logger } from "pino";
import { ApiClient } from "./api-client.js";
import type { AgentConfig } from "./config.js";
import { runCycle, type CycleResult } from "./cycle.js";
import type { AgentMetrics } from "./metrics.js";
import type { JobPresence, ClusterLicenseReconciler } from "./reconcile/seams.js";
import { ClientCredentialsTokenProvider } from "./token.js";

/** Wires the configured API client, token source and tools into a cycle function. */
export function createCycleRunner(
  config: AgentConfig,
  options: {
    logger: Logger;
    metrics?: AgentMetrics;
    statusIntervalSeconds: number;
    /** where the Slurm-backed job presence and license-count reconcile plug in */
    jobPresence?: JobPresence;
    clusterLicenses?: ClusterLicenseReconciler;
  },
): () => Promise<CycleResult> {
  const tokens = config.oidc
    ? new ClientCredentialsTokenProvider(config.oidc, {
        requestTimeoutMs: config.api.requestTimeoutMs,
      })
    : undefined;
  const api = new ApiClient({
    baseUrl: config.api.url,
    ...(tokens ? { tokens } : {}),
    retries: config.api.retries,
    requestTimeoutMs: config.api.requestTimeoutMs,
    onRetry: ({ method, path, attempt, error }) =>
      options.logger.warn(
        { method, path, attempt, error: error.message },
        "API call failed; retrying",
      ),
  });
  return () =>
    runCycle({
      api,
      clusterClientId: config.clusterClientId,
      tools: config.tools,
      toolTimeoutMs: config.toolTimeoutMs,
      concurrency: config.concurrency,
      statusIntervalSeconds: options.statusIntervalSeconds,
      logger: options.logger,
      ...(options.metrics ? { metrics: options.metrics } : {}),
      ...(options.jobPresence ? { jobPresence: options.jobPresence } : {}),
      ...(options.clusterLicenses ? { clusterLicenses: options.clusterLicenses } : {}),
    });
}
