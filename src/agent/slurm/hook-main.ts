import { pino } from "pino";
import { createApiClient } from "../api-from-config.js";
import { ConfigError, DEFAULT_CONFIG_PATH, loadAgentConfig } from "../config.js";
import { AgentJobsApi } from "./api-jobs.js";
import { runEpilog } from "./epilog.js";
import type { JobsApi } from "./jobs-api.js";
import { parseLicenseRequests } from "./licenses-env.js";
import { runProlog, type HookEnv, type HookLogger } from "./prolog.js";
import { SlurmInputError } from "./errors.js";

export type HookKind = "prolog" | "epilog";

export interface HookMainOptions {
  configPath?: string;
  env?: HookEnv;
  log?: HookLogger;
  /** the API client; by default the agent's (OIDC client credentials, retries) */
  api?: JobsApi;
}

/**
 * `lmkeeper slurm prolog|epilog`: reads the agent's config file (the hooks share it: `api:`,
 * `oidc:` and `slurm:`), runs the hook, returns the exit code. slurmctld passes no
 * arguments, so the file is `--config`, else $LMKEEPER_CONFIG, else the agent's default.
 */
export async function runHook(kind: HookKind, options: HookMainOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const log =
    options.log ?? pino({ base: { hook: kind } }, pino.destination({ dest: 2, sync: true }));
  const configPath = options.configPath ?? env.LMKEEPER_CONFIG ?? DEFAULT_CONFIG_PATH;
  try {
    // a job without any name@server license needs neither the config nor the API
    if (
      !parseLicenseRequests(env.SLURM_JOB_LICENSES).some((request) => request.server !== undefined)
    )
      return 0;
  } catch (error) {
    if (!(error instanceof SlurmInputError)) throw error;
    // runProlog/runEpilog report it with the job's details
  }
  try {
    const config = loadAgentConfig({ path: configPath, env: env as NodeJS.ProcessEnv });
    const api =
      options.api ?? new AgentJobsApi(createApiClient(config, log, config.slurm.tokenCache));
    const common = {
      env,
      log,
      api,
      trackedTypes: config.slurm.trackedTypes,
      timeoutMs: config.slurm.hookTimeoutMs,
    };
    const outcome =
      kind === "prolog"
        ? await runProlog({ ...common, onApiDown: config.slurm.prologOnApiDown })
        : await runEpilog(common);
    return outcome.exitCode;
  } catch (error) {
    if (error instanceof ConfigError) {
      log.error({ file: configPath, jobId: env.SLURM_JOB_ID }, `${kind}: ${error.message}`);
      return 1;
    }
    log.error({ err: error, jobId: env.SLURM_JOB_ID }, `${kind}: unexpected failure`);
    return 1;
  }
}
