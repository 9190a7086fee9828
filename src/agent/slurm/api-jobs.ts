import { ApiHttpError, type ApiClient } from "../api-client.js";
import { describe, TokenError } from "../token.js";
import {
  JobsApiRefusedError,
  JobsApiUnavailableError,
  type DeleteOutcome,
  type JobsApi,
  type NewJob,
} from "./jobs-api.js";

/**
 * The hooks' JobsApi over the agent's authenticated API client. An answer that says no (4xx,
 * or a token endpoint refusing our credentials) is a refusal; no answer, a timeout or a 5xx
 * after the client's retries is an outage.
 */
export class AgentJobsApi implements JobsApi {
  constructor(private readonly api: Pick<ApiClient, "createJob" | "deleteJobBySlurmId">) {}

  async createJob(job: NewJob, signal: AbortSignal): Promise<void> {
    const what = `creating job ${job.slurmJobId}`;
    try {
      await this.api.createJob(job, signal);
    } catch (error) {
      throw classify(what, error, signal);
    }
  }

  async deleteJobBySlurmId(slurmJobId: string, signal: AbortSignal): Promise<DeleteOutcome> {
    const what = `deleting job ${slurmJobId}`;
    try {
      return (await this.api.deleteJobBySlurmId(slurmJobId, signal)) ? "deleted" : "not-found";
    } catch (error) {
      throw classify(what, error, signal);
    }
  }
}

function classify(what: string, error: unknown, signal: AbortSignal): Error {
  if (error instanceof ApiHttpError && error.status < 500)
    return new JobsApiRefusedError(what, error.status, error.body);
  if (error instanceof TokenError && error.status !== undefined && error.status < 500)
    return new JobsApiRefusedError(what, error.status, error.message);
  const reason = signal.aborted ? "no answer before the timeout" : describe(error);
  return new JobsApiUnavailableError(what, reason, { cause: error });
}
