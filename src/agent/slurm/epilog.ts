import { SlurmInputError } from "./errors.js";
import { JobsApiRefusedError, JobsApiUnavailableError } from "./jobs-api.js";
import {
  jobBookings,
  requiredEnv,
  withTimeout,
  type HookOptions,
  type HookOutcome,
} from "./prolog.js";

export type EpilogResult = "no-tracked-licenses" | "deleted" | "not-found" | "failed" | "bad-input";

/**
 * EpilogSlurmctld: deletes the job and its bookings from the API. A job the API does not know
 * is fine. A failure exits 1, which slurmctld only logs; the agent expires the booking later.
 */
export async function runEpilog(options: HookOptions): Promise<HookOutcome<EpilogResult>> {
  const { env, log } = options;
  let jobId: string;
  try {
    if (jobBookings(env, options.trackedTypes).length === 0)
      return { exitCode: 0, result: "no-tracked-licenses" };
    jobId = requiredEnv(env, "SLURM_JOB_ID");
  } catch (error) {
    if (!(error instanceof SlurmInputError)) throw error;
    log.error({ field: error.field, value: error.value }, `epilog: ${error.message}`);
    return { exitCode: 1, result: "bad-input" };
  }
  try {
    const outcome = await withTimeout(`deleting job ${jobId}`, options.timeoutMs, (signal) =>
      options.api.deleteJobBySlurmId(jobId, signal),
    );
    log.info(
      { jobId, outcome },
      outcome === "deleted"
        ? "epilog: job and bookings deleted"
        : "epilog: the API had no such job",
    );
    return { exitCode: 0, result: outcome };
  } catch (error) {
    if (error instanceof JobsApiRefusedError || error instanceof JobsApiUnavailableError) {
      log.error({ jobId }, `epilog: ${error.message}`);
      return { exitCode: 1, result: "failed" };
    }
    throw error;
  }
}
