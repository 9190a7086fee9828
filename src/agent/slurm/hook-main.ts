import { pino } from "pino";
import { runEpilog } from "./epilog.js";
import {
  DEFAULT_CONFIG_PATH,
  HookConfigError,
  loadHookConfig,
  staticToken,
} from "./hook-config.js";
import { HttpJobsApi } from "./http-jobs-api.js";
import type { JobsApi } from "./jobs-api.js";
import { parseLicenseRequests } from "./licenses-env.js";
import { runProlog, type HookEnv, type HookLogger } from "./prolog.js";
import { SlurmInputError } from "./errors.js";

export type HookKind = "prolog" | "epilog";

export interface HookMainOptions {
  configPath?: string;
  env?: HookEnv;
  log?: HookLogger;
  /** the API client; by default plain HTTP with the static token */
  api?: JobsApi;
}

/** `lmkeeper slurm prolog|epilog`: loads the config, runs the hook, returns the exit code. */
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
    const config = loadHookConfig(configPath, env);
    const token = staticToken(config, env);
    const api = options.api ?? new HttpJobsApi({ baseUrl: config.api.url, getToken: () => token });
    const common = {
      env,
      log,
      api,
      trackedTypes: config.slurm.tracked_types,
      timeoutMs: config.slurm.hook_timeout_seconds * 1000,
    };
    const outcome =
      kind === "prolog"
        ? await runProlog({ ...common, onApiDown: config.slurm.prolog_on_api_down })
        : await runEpilog(common);
    return outcome.exitCode;
  } catch (error) {
    if (error instanceof HookConfigError) {
      log.error({ file: error.file, jobId: env.SLURM_JOB_ID }, `${kind}: ${error.message}`);
      return 1;
    }
    log.error({ err: error, jobId: env.SLURM_JOB_ID }, `${kind}: unexpected failure`);
    return 1;
  }
}
