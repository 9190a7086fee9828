import pRetry, { AbortError } from "p-retry";
import { z } from "zod";
import {
  bulkResultSchema,
  configurationSchema,
  jobSchema,
  toClusterStatusWire,
  toFeatureUpdateWire,
  toNewJobWire,
  type BulkResult,
  type ClusterStatus,
  type Configuration,
  type FeatureUpdate,
  type Job,
  type NewJobRequest,
} from "./api-types.js";
import { describe, TokenError, type FetchLike, type TokenSource } from "./token.js";

/** The API answered with an HTTP error status. 5xx are retried, 4xx are not. */
export class ApiHttpError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${path} answered ${status}${body ? `: ${body.slice(0, 300)}` : ""}`);
    this.name = "ApiHttpError";
  }
}

/** The request never got an HTTP answer (connection refused, reset, timeout). Retried. */
export class ApiNetworkError extends Error {
  constructor(method: string, path: string, cause: unknown) {
    super(`${method} ${path} failed: ${describe(cause)}`);
    this.name = "ApiNetworkError";
  }
}

/** A 2xx answer whose body is not the documented shape. Not retried. */
export class ApiResponseError extends Error {
  constructor(method: string, path: string, reason: string) {
    super(`${method} ${path}: unexpected response (${reason})`);
    this.name = "ApiResponseError";
  }
}

export interface ApiClientOptions {
  baseUrl: string;
  tokens?: TokenSource;
  fetch?: FetchLike;
  /** retries after the first attempt, for network errors and 5xx */
  retries?: number;
  /** first back-off delay; doubles per retry */
  minRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  requestTimeoutMs?: number;
  /** called before each retry */
  onRetry?: (info: {
    method: string;
    path: string;
    attempt: number;
    retriesLeft: number;
    error: Error;
  }) => void;
}

/** The License Manager API as the agent uses it. snake_case stays on the wire; callers see camelCase. */
export class ApiClient {
  private readonly fetchImpl: FetchLike;
  private readonly baseUrl: string;

  constructor(private readonly options: ApiClientOptions) {
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.baseUrl = options.baseUrl.replace(/(?<!\/)\/+$/, "");
  }

  async getConfigurations(): Promise<Configuration[]> {
    return this.request(
      "GET",
      "/lm/configurations/by_client_id",
      undefined,
      z.array(configurationSchema),
    );
  }

  async getJobs(): Promise<Job[]> {
    return this.request("GET", "/lm/jobs/by_client_id", undefined, z.array(jobSchema));
  }

  async putFeaturesBulk(updates: FeatureUpdate[]): Promise<BulkResult> {
    return this.request(
      "PUT",
      "/lm/features/bulk",
      updates.map(toFeatureUpdateWire),
      bulkResultSchema,
    );
  }

  /** A booking that is already gone (404, e.g. removed by the job's epilog meanwhile) is not an error. */
  async deleteBooking(bookingId: number): Promise<void> {
    try {
      await this.request("DELETE", `/lm/bookings/${bookingId}`, undefined, z.unknown());
    } catch (error) {
      if (error instanceof ApiHttpError && error.status === 404) return;
      throw error;
    }
  }

  async putClusterStatus(status: ClusterStatus): Promise<void> {
    await this.request("PUT", "/lm/cluster_statuses", toClusterStatusWire(status), z.unknown());
  }

  /** POST /lm/jobs: the job with its bookings, for this client's cluster (the prolog). */
  async createJob(job: NewJobRequest, signal?: AbortSignal): Promise<void> {
    await this.request("POST", "/lm/jobs", toNewJobWire(job), z.unknown(), signal);
  }

  /** DELETE /lm/jobs/slurm_job_id/{id} (the epilog). False when the API has no such job. */
  async deleteJobBySlurmId(slurmJobId: string, signal?: AbortSignal): Promise<boolean> {
    const path = `/lm/jobs/slurm_job_id/${encodeURIComponent(slurmJobId)}`;
    try {
      await this.request("DELETE", path, undefined, z.unknown(), signal);
      return true;
    } catch (error) {
      if (error instanceof ApiHttpError && error.status === 404) return false;
      throw error;
    }
  }

  private async request<T>(
    method: string,
    path: string,
    body: unknown,
    schema: z.ZodType<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    return pRetry(
      async () => {
        try {
          const text = await this.send(method, path, body, signal);
          return decode(method, path, text, schema);
        } catch (error) {
          if (isRetryable(error)) throw error;
          throw new AbortError(error as Error);
        }
      },
      {
        retries: this.options.retries ?? 4,
        minTimeout: this.options.minRetryDelayMs ?? 500,
        maxTimeout: this.options.maxRetryDelayMs ?? 10_000,
        factor: 2,
        ...(signal ? { signal } : {}),
        onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
          if (retriesLeft > 0 && isRetryable(error)) {
            this.options.onRetry?.({ method, path, attempt: attemptNumber, retriesLeft, error });
          }
        },
      },
    );
  }

  /** One attempt; a 401 gets one more try with a fresh token. */
  private async send(
    method: string,
    path: string,
    body: unknown,
    signal: AbortSignal | undefined,
  ): Promise<string> {
    let response = await this.sendOnce(method, path, body, signal);
    if (response.status === 401 && this.options.tokens) {
      await response.arrayBuffer().catch(() => undefined);
      this.options.tokens.invalidate();
      response = await this.sendOnce(method, path, body, signal);
    }
    const text = await response.text();
    if (!response.ok) throw new ApiHttpError(method, path, response.status, text);
    return text;
  }

  private async sendOnce(
    method: string,
    path: string,
    body: unknown,
    signal: AbortSignal | undefined,
  ): Promise<Response> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.options.tokens)
      headers.authorization = `Bearer ${await this.options.tokens.getToken()}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    try {
      return await this.fetchImpl(`${this.baseUrl}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: withTimeout(signal, this.options.requestTimeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new ApiNetworkError(method, path, error);
    }
  }
}

function withTimeout(signal: AbortSignal | undefined, timeoutMs: number): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

function isRetryable(error: unknown): boolean {
  if (error instanceof ApiNetworkError) return true;
  if (error instanceof ApiHttpError) return error.status >= 500;
  if (error instanceof TokenError) return error.status === undefined || error.status >= 500;
  return false;
}

function decode<T>(method: string, path: string, text: string, schema: z.ZodType<T>): T {
  let json: unknown = null;
  if (text.trim() !== "") {
    try {
      json = JSON.parse(text);
    } catch {
      throw new ApiResponseError(method, path, "body is not JSON");
    }
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ApiResponseError(
      method,
      path,
      `${issue?.path.join(".") || "body"}: ${issue?.message}`,
    );
  }
  return parsed.data;
}
