import type { Logger } from "pino";
import { getParser, type Parser } from "../parsers/index.js";
import type { ApiClient } from "./api-client.js";
import type { Configuration, FeatureUpdate, Job } from "./api-types.js";
import { mapWithConcurrency } from "./concurrency.js";
import { queryServers } from "./failover.js";
import type { AgentMetrics } from "./metrics.js";
import {
  planReconcile,
  type ConfigurationOutcome,
  type ConfigurationQuery,
} from "./reconcile/plan.js";
import {
  jobsNeverGone,
  noClusterLicenseReconcile,
  type JobPresence,
  type ClusterLicenseReconciler,
} from "./reconcile/seams.js";
import { describe } from "./token.js";
import { runTool as defaultRunTool, type ToolRunner } from "./tool-runner.js";

export type CycleApi = Pick<
  ApiClient,
  "getConfigurations" | "getJobs" | "putFeaturesBulk" | "deleteBooking" | "putClusterStatus"
>;

export interface CycleDeps {
  api: CycleApi;
  clusterClientId: string;
  /** per type: path of the vendor tool */
  tools: Record<string, string>;
  toolTimeoutMs: number;
  /** bytes of output kept per tool run (the tool runner's default when absent) */
  toolMaxOutputBytes?: number;
  concurrency: number;
  /** sent with the cluster status: how often cycles run */
  statusIntervalSeconds: number;
  logger: Logger;
  getParser?: (type: string) => Parser;
  runTool?: ToolRunner;
  toolEnv?: NodeJS.ProcessEnv;
  jobPresence?: JobPresence;
  clusterLicenses?: ClusterLicenseReconciler;
  metrics?: AgentMetrics;
  now?: () => Date;
}

export interface CycleResult {
  /** every configuration was read and every API call succeeded */
  success: boolean;
  outcomes: ConfigurationOutcome[];
  /** every problem of the cycle, as reported in the cluster status */
  errors: string[];
  bulk: FeatureUpdate[];
  deletedBookings: number;
  durationMs: number;
}

/** Exit status types whose tools exit non-zero even when they answered. */
const EXIT_CODE_MEANINGLESS = new Set(["lsdyna"]);

/** One reconcile cycle: read every configuration's license servers, push, tidy bookings, report. */
export async function runCycle(deps: CycleDeps): Promise<CycleResult> {
  const started = performance.now();
  const now = deps.now ?? (() => new Date());
  const log = deps.logger;
  const errors: string[] = [];
  let outcomes: ConfigurationOutcome[] = [];
  let bulk: FeatureUpdate[] = [];
  let deletedBookings = 0;

  const configurations = await fetchConfigurations(deps, errors);
  if (configurations) {
    const toolEnv = deps.toolEnv ?? snapshotEnv();
    const queries = await mapWithConcurrency(configurations, deps.concurrency, (configuration) =>
      queryConfiguration(configuration, deps, toolEnv),
    );
    const jobs = await fetchJobs(deps, errors);
    let gone: Set<string> = new Set();
    if (jobs) {
      try {
        gone = await (deps.jobPresence ?? jobsNeverGone).goneJobs(jobs);
      } catch (error) {
        errors.push(`cannot tell which jobs are gone: ${describe(error)}`);
      }
    }
    const plan = planReconcile({
      configurations,
      queries,
      ...(jobs ? { jobs } : {}),
      goneSlurmJobIds: gone,
      now: now(),
    });
    outcomes = plan.outcomes;
    bulk = plan.bulk;
    for (const outcome of outcomes) {
      if (outcome.ok) continue;
      errors.push(`configuration ${outcome.name} (${outcome.type}): ${outcome.errors.join("; ")}`);
      if (outcome.updated === 0) deps.metrics?.recordConfigurationFailure(outcome.name);
    }
    await pushBulk(deps, bulk, errors);
    deletedBookings = await deleteBookings(deps, plan.bookingsToDelete, errors);
    try {
      errors.push(
        ...(await (deps.clusterLicenses ?? noClusterLicenseReconcile).reconcile({
          configurations,
          bulk,
          queries,
          ...(jobs ? { jobs } : {}),
        })),
      );
    } catch (error) {
      errors.push(`cluster license reconcile failed: ${describe(error)}`);
    }
    recordFeatureMetrics(deps, configurations, bulk);
  }

  const success = errors.length === 0;
  try {
    await deps.api.putClusterStatus({
      intervalSeconds: deps.statusIntervalSeconds,
      success,
      errors,
    });
  } catch (error) {
    const message = `cannot report the cluster status: ${describe(error)}`;
    log.error(message);
    errors.push(message);
  }
  const durationMs = performance.now() - started;
  const result: CycleResult = {
    success: errors.length === 0,
    outcomes,
    errors,
    bulk,
    deletedBookings,
    durationMs,
  };
  deps.metrics?.recordCycle(durationMs / 1000, result.success);
  log.info(
    {
      success: result.success,
      durationMs: Math.round(durationMs),
      configurations: outcomes.length,
      failedConfigurations: outcomes.filter((outcome) => !outcome.ok).length,
      featuresUpdated: bulk.length,
      deletedBookings,
      errors,
    },
    "reconcile cycle finished",
  );
  return result;
}

async function fetchConfigurations(
  deps: CycleDeps,
  errors: string[],
): Promise<Configuration[] | undefined> {
  let all: Configuration[];
  try {
    all = await deps.api.getConfigurations();
  } catch (error) {
    errors.push(`cannot fetch the configurations: ${describe(error)}`);
    deps.logger.error({ error: describe(error) }, "cannot fetch the configurations");
    return undefined;
  }
  const mine = all.filter(
    (configuration) => configuration.clusterClientId === deps.clusterClientId,
  );
  if (mine.length !== all.length) {
    deps.logger.warn(
      {
        ignored: all.filter((c) => !mine.includes(c)).map((c) => c.name),
        clusterClientId: deps.clusterClientId,
      },
      "ignoring configurations of another cluster",
    );
  }
  return mine;
}

async function fetchJobs(deps: CycleDeps, errors: string[]): Promise<Job[] | undefined> {
  try {
    return (await deps.api.getJobs()).filter((job) => job.clusterClientId === deps.clusterClientId);
  } catch (error) {
    errors.push(`cannot fetch the jobs, bookings left as they are: ${describe(error)}`);
    return undefined;
  }
}

/**
 * The agent's environment as a plain object, taken once per cycle: spawning with
 * `process.env` itself reads every variable through its accessors again for each tool run.
 */
function snapshotEnv(): NodeJS.ProcessEnv {
  return { ...process.env };
}

async function queryConfiguration(
  configuration: Configuration,
  deps: CycleDeps,
  toolEnv: NodeJS.ProcessEnv,
): Promise<ConfigurationQuery> {
  const type = configuration.type.toLowerCase();
  let parser: Parser;
  try {
    parser = (deps.getParser ?? getParser)(type);
  } catch (error) {
    return { configurationId: configuration.id, ok: false, errors: [describe(error)] };
  }
  const servers = configuration.licenseServers.map((server) => ({
    host: server.host,
    port: server.port,
  }));
  const binary = deps.tools[type];
  const outcome = await queryServers(servers, {
    parser,
    ...(binary ? { binary } : {}),
    timeoutMs: deps.toolTimeoutMs,
    ...(deps.toolMaxOutputBytes !== undefined ? { maxOutputBytes: deps.toolMaxOutputBytes } : {}),
    runTool: deps.runTool ?? defaultRunTool,
    env: toolEnv,
    ignoreExitCode: EXIT_CODE_MEANINGLESS.has(type),
  });
  for (const attempt of outcome.attempts) {
    const server = `${attempt.server.host}:${attempt.server.port}`;
    deps.metrics?.recordServerQuery(
      { configuration: configuration.name, type, server },
      attempt.ok,
      attempt.durationMs / 1000,
    );
    if (!attempt.ok)
      deps.logger.warn(
        { configuration: configuration.name, server, error: attempt.error },
        "license server failed",
      );
  }
  if (!outcome.ok) return { configurationId: configuration.id, ok: false, errors: outcome.errors };
  if (outcome.report.warnings.length > 0) {
    deps.logger.warn(
      { configuration: configuration.name, warnings: outcome.report.warnings },
      "parser warnings",
    );
  }
  return {
    configurationId: configuration.id,
    ok: true,
    report: outcome.report,
    server: outcome.server,
  };
}

async function pushBulk(deps: CycleDeps, bulk: FeatureUpdate[], errors: string[]): Promise<void> {
  if (bulk.length === 0) return;
  try {
    const result = await deps.api.putFeaturesBulk(bulk);
    const missing = Array.isArray(result.missing) ? result.missing.length : result.missing;
    if (missing > 0) {
      errors.push(
        `the API did not know ${missing} of the pushed features: ${JSON.stringify(result.missing)}`,
      );
    }
  } catch (error) {
    errors.push(`cannot push the feature counts: ${describe(error)}`);
  }
}

async function deleteBookings(
  deps: CycleDeps,
  deletions: ReturnType<typeof planReconcile>["bookingsToDelete"],
  errors: string[],
): Promise<number> {
  let deleted = 0;
  for (const deletion of deletions) {
    try {
      await deps.api.deleteBooking(deletion.bookingId);
      deleted += 1;
      deps.logger.info(deletion, "booking deleted");
    } catch (error) {
      errors.push(`cannot delete booking ${deletion.bookingId}: ${describe(error)}`);
    }
  }
  return deleted;
}

function recordFeatureMetrics(
  deps: CycleDeps,
  configurations: Configuration[],
  bulk: FeatureUpdate[],
): void {
  if (!deps.metrics) return;
  const pushed = new Map(
    bulk.map((update) => [`${update.productName}\u0000${update.featureName}`, update]),
  );
  for (const configuration of configurations) {
    for (const feature of configuration.features) {
      const update = pushed.get(`${feature.product.name}\u0000${feature.name}`);
      deps.metrics.setFeature(
        { configuration: configuration.name, product: feature.product.name, feature: feature.name },
        {
          ...(update ? { total: update.total, used: update.used } : {}),
          booked: feature.bookedTotal,
        },
      );
    }
  }
}
