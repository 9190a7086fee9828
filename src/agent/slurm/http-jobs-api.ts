import { fetch as undiciFetch } from "undici";
import {
  JobsApiRefusedError,
  JobsApiUnavailableError,
  type DeleteOutcome,
  type JobsApi,
  type NewJob,
} from "./jobs-api.js";

/** The fetch this client needs; undici's by default, injectable for tests. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal },
) => Promise<{
  status: number;
  text(): Promise<string>;
}>;

export interface HttpJobsApiOptions {
  /** the API's base URL, e.g. http://127.0.0.1:8000 (the /lm paths are added) */
  baseUrl: string;
  /** a bearer token for each request, or undefined to send none */
  getToken: () => Promise<string | undefined> | string | undefined;
  fetch?: FetchLike;
}

/** JobsApi over plain HTTP with a bearer token: POST /lm/jobs, DELETE /lm/jobs/slurm_job_id/{id}. */
export class HttpJobsApi implements JobsApi {
  private readonly base: string;
  private readonly getToken: HttpJobsApiOptions["getToken"];
  private readonly fetch: FetchLike;

  constructor(options: HttpJobsApiOptions) {
    this.base = options.baseUrl.endsWith("/") ? options.baseUrl : `${options.baseUrl}/`;
    this.getToken = options.getToken;
    this.fetch = options.fetch ?? (undiciFetch as unknown as FetchLike);
  }

  async createJob(job: NewJob, signal: AbortSignal): Promise<void> {
    const what = `creating job ${job.slurmJobId}`;
    const body = JSON.stringify({
      slurm_job_id: job.slurmJobId,
      username: job.username,
      lead_host: job.leadHost,
      bookings: job.bookings.map((booking) => ({
        product_name: booking.productName,
        feature_name: booking.featureName,
        quantity: booking.quantity,
      })),
    });
    const { status, text } = await this.send(what, "POST", "lm/jobs", signal, body);
    if (status >= 200 && status < 300) return;
    throw new JobsApiRefusedError(what, status, text);
  }

  async deleteJobBySlurmId(slurmJobId: string, signal: AbortSignal): Promise<DeleteOutcome> {
    const what = `deleting job ${slurmJobId}`;
    const { status, text } = await this.send(
      what,
      "DELETE",
      `lm/jobs/slurm_job_id/${encodeURIComponent(slurmJobId)}`,
      signal,
    );
    if (status === 404) return "not-found";
    if (status >= 200 && status < 300) return "deleted";
    throw new JobsApiRefusedError(what, status, text);
  }

  /** Sends one request; network errors, timeouts and 5xx answers become JobsApiUnavailableError. */
  private async send(
    what: string,
    method: string,
    path: string,
    signal: AbortSignal,
    body?: string,
  ): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    try {
      const token = await this.getToken();
      if (token) headers.authorization = `Bearer ${token}`;
      const response = await this.fetch(new URL(path, this.base).toString(), {
        method,
        headers,
        signal,
        ...(body !== undefined ? { body } : {}),
      });
      const text = await response.text();
      if (response.status >= 500)
        throw new JobsApiUnavailableError(
          what,
          `HTTP ${response.status}${text ? `: ${text.slice(0, 500)}` : ""}`,
        );
      return { status: response.status, text };
    } catch (error) {
      if (error instanceof JobsApiUnavailableError) throw error;
      throw new JobsApiUnavailableError(what, describe(error, signal), { cause: error });
    }
  }
}

function describe(error: unknown, signal: AbortSignal): string {
  if (signal.aborted) return "no answer before the timeout";
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? error.message;
  }
  return String(error);
}
