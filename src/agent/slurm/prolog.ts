import { SlurmInputError } from "./errors.js";
import { firstHost } from "./hostlist.js";
import {
  JobsApiRefusedError,
  JobsApiUnavailableError,
  type JobsApi,
  type NewJob,
} from "./jobs-api.js";
import { parseLicenseRequests, trackedBookings, type FeatureBooking } from "./licenses-env.js";

export type HookEnv = Readonly<Record<string, string | undefined>>;

/** pino-compatible: the hooks log one structured line per decision. */
export interface HookLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export type ApiDownPolicy = "allow" | "requeue";

export interface HookOptions {
  env: HookEnv;
  trackedTypes: readonly string[];
  api: JobsApi;
  /** the whole API exchange is bounded by this; past it the API counts as down */
  timeoutMs: number;
  log: HookLogger;
}

export interface PrologOptions extends HookOptions {
  onApiDown: ApiDownPolicy;
}

export type PrologResult =
  | "no-tracked-licenses"
  | "booked"
  | "refused"
  | "api-down-allowed"
  | "api-down-requeued"
  | "bad-input";

export interface HookOutcome<R extends string> {
  /** 0 lets the job start; non-zero makes slurmctld requeue it (prolog) or log it (epilog) */
  exitCode: 0 | 1;
  result: R;
}

/** The job's tracked license bookings, read from SLURM_JOB_LICENSES. */
export function jobBookings(env: HookEnv, trackedTypes: readonly string[]): FeatureBooking[] {
  return trackedBookings(parseLicenseRequests(env.SLURM_JOB_LICENSES), trackedTypes);
}

export function requiredEnv(env: HookEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new SlurmInputError(name, env[name] ?? "", "is not set");
  return value;
}

/**
 * Runs `operation` with an abort signal, and gives up when the timeout passes even if the
 * operation ignores the signal: a hook must never hang slurmctld.
 */
export async function withTimeout<T>(
  what: string,
  timeoutMs: number,
  operation: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new JobsApiUnavailableError(what, `no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([operation(controller.signal), expiry]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * PrologSlurmctld: books the job's tracked licenses in the API before the job starts.
 * Refused (e.g. 409, not enough seats) → exit 1 so Slurm requeues the job. API down →
 * the configured policy decides.
 */
export async function runProlog(options: PrologOptions): Promise<HookOutcome<PrologResult>> {
  const { env, log } = options;
  let job: NewJob;
  try {
    const bookings = jobBookings(env, options.trackedTypes);
    if (bookings.length === 0) return { exitCode: 0, result: "no-tracked-licenses" };
    job = {
      slurmJobId: requiredEnv(env, "SLURM_JOB_ID"),
      username: requiredEnv(env, "SLURM_JOB_USER"),
      leadHost: firstHost(requiredEnv(env, "SLURM_JOB_NODELIST")),
      bookings,
    };
  } catch (error) {
    if (!(error instanceof SlurmInputError)) throw error;
    log.error(
      { field: error.field, value: error.value, jobId: env.SLURM_JOB_ID },
      `prolog: ${error.message}`,
    );
    return { exitCode: 1, result: "bad-input" };
  }

  const fields = {
    jobId: job.slurmJobId,
    user: job.username,
    leadHost: job.leadHost,
    bookings: job.bookings,
  };
  try {
    await withTimeout(`creating job ${job.slurmJobId}`, options.timeoutMs, (signal) =>
      options.api.createJob(job, signal),
    );
    log.info(fields, "prolog: licenses booked");
    return { exitCode: 0, result: "booked" };
  } catch (error) {
    if (error instanceof JobsApiRefusedError) {
      log.warn(
        { ...fields, status: error.status },
        `prolog: booking refused, job goes back to the queue: ${error.message}`,
      );
      return { exitCode: 1, result: "refused" };
    }
    if (error instanceof JobsApiUnavailableError) {
      if (options.onApiDown === "allow") {
        log.error(fields, `prolog: job runs without a booking: ${error.message}`);
        return { exitCode: 0, result: "api-down-allowed" };
      }
      log.error(fields, `prolog: job goes back to the queue: ${error.message}`);
      return { exitCode: 1, result: "api-down-requeued" };
    }
    throw error;
  }
}
