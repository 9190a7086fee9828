import type { FeatureBooking } from "./licenses-env.js";

/** A Slurm job and the seats it books, as the prolog creates it in the License Manager API. */
export interface NewJob {
  slurmJobId: string;
  username: string;
  leadHost: string;
  bookings: FeatureBooking[];
}

export type DeleteOutcome = "deleted" | "not-found";

/**
 * The part of the License Manager API the Slurm hooks use. The agent's authenticated client
 * implements it too; both throw JobsApiRefusedError or JobsApiUnavailableError.
 */
export interface JobsApi {
  createJob(job: NewJob, signal: AbortSignal): Promise<void>;
  deleteJobBySlurmId(slurmJobId: string, signal: AbortSignal): Promise<DeleteOutcome>;
}

/** The API answered and said no (409: not enough seats; other 4xx: a bad or unauthorised request). */
export class JobsApiRefusedError extends Error {
  readonly status: number;
  readonly body: string;

  constructor(what: string, status: number, body: string) {
    super(
      `${what}: the License Manager API refused it with HTTP ${status}${body ? `: ${body.slice(0, 500)}` : ""}`,
    );
    this.name = "JobsApiRefusedError";
    this.status = status;
    this.body = body;
  }
}

/** The API could not be reached, did not answer in time, or failed (5xx). */
export class JobsApiUnavailableError extends Error {
  constructor(what: string, reason: string, options?: { cause?: unknown }) {
    super(`${what}: the License Manager API is unavailable: ${reason}`, options);
    this.name = "JobsApiUnavailableError";
  }
}
