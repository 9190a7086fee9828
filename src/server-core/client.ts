import { Agent, request, type Dispatcher } from "undici";
import type { LicenseList } from "./list-licenses.js";
import type { LeaseView } from "./http/lease-routes.js";
import type { StatusSnapshot } from "./status/snapshot.js";

export type { LeaseView } from "./http/lease-routes.js";

/** The server answered with an error: a stable code and its message. */
export class LicenseServerError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    /** the server's sentence, without the code */
    readonly serverMessage: string,
  ) {
    super(`${code}: ${serverMessage}`);
    this.name = "LicenseServerError";
  }
}

/** No answer at all: connection refused, reset, timed out, TLS failure. */
export class ServerUnreachableError extends Error {
  constructor(url: string, cause: unknown) {
    super(`license server ${url} is unreachable: ${(cause as Error).message ?? String(cause)}`);
    this.name = "ServerUnreachableError";
  }
}

export interface ClientOptions {
  /** e.g. https://lic1:7070 */
  baseUrl: string;
  /** PEM CA to trust for https */
  ca?: string | Buffer;
  /** skip certificate checks (self-signed test servers) */
  insecure?: boolean;
  timeoutMs?: number;
  /** admin password (HTTP Basic as `admin`), for the admin calls */
  adminPassword?: string;
}

export interface CheckoutParams {
  feature: string;
  version?: string;
  count?: number;
  user: string;
  host: string;
  display?: string;
  deviceId?: string;
}

export class LicenseClient {
  private readonly dispatcher: Dispatcher;
  private readonly baseUrl: string;

  constructor(private readonly options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/(?<!\/)\/+$/, "");
    const timeout = options.timeoutMs ?? 10_000;
    const connect: Record<string, unknown> = { timeout };
    if (options.ca !== undefined) connect["ca"] = options.ca;
    if (options.insecure) connect["rejectUnauthorized"] = false;
    this.dispatcher = new Agent({ connect, headersTimeout: timeout, bodyTimeout: timeout });
  }

  health(): Promise<{ status: string }> {
    return this.call("GET", "/api/1.0/health");
  }

  status(): Promise<StatusSnapshot> {
    return this.call("GET", "/api/1.0/status");
  }

  async checkout(params: CheckoutParams): Promise<LeaseView> {
    return (await this.call<{ lease: LeaseView }>("POST", "/api/1.0/leases", params)).lease;
  }

  async heartbeat(leaseId: string): Promise<LeaseView> {
    return (
      await this.call<{ lease: LeaseView }>(
        "POST",
        `/api/1.0/leases/${encodeURIComponent(leaseId)}/heartbeat`,
      )
    ).lease;
  }

  async checkin(leaseId: string): Promise<LeaseView> {
    return (
      await this.call<{ released: LeaseView }>(
        "DELETE",
        `/api/1.0/leases/${encodeURIComponent(leaseId)}`,
      )
    ).released;
  }

  setPassword(newPassword: string): Promise<{ changed: boolean }> {
    return this.call("PUT", "/api/1.0/admin/password", { newPassword }, true);
  }

  activate(
    code: string,
    count: number,
  ): Promise<{ code: string; active: number; previous: number }> {
    return this.call(
      "PUT",
      `/api/1.0/admin/activations/${encodeURIComponent(code)}`,
      { count },
      true,
    );
  }

  returnActivation(code: string): Promise<{ code: string; returned: number; active: number }> {
    return this.call(
      "DELETE",
      `/api/1.0/admin/activations/${encodeURIComponent(code)}`,
      undefined,
      true,
    );
  }

  listLicenses(): Promise<LicenseList> {
    return this.call("GET", "/api/1.0/admin/licenses", undefined, true);
  }

  offlineRequest(desired: Array<{ code: string; count: number }>): Promise<unknown> {
    return this.call("POST", "/api/1.0/admin/offline/request", { desired }, true);
  }

  offlineImport(response: unknown): Promise<{
    imported: string;
    changes: Array<{ code: string; count: number; previous: number }>;
  }> {
    return this.call("POST", "/api/1.0/admin/offline/response", response, true);
  }

  setListen(change: {
    port?: number;
    bind?: string;
  }): Promise<{ restartRequired: boolean; message: string }> {
    return this.call("PUT", "/api/1.0/admin/settings/listen", change, true);
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }

  private async call<T>(
    method: "GET" | "POST" | "PUT" | "DELETE",
    path: string,
    body?: unknown,
    admin = false,
  ): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["content-type"] = "application/json";
    if (admin) {
      if (this.options.adminPassword === undefined)
        throw new Error("this call needs the admin password");
      headers["authorization"] =
        `Basic ${Buffer.from(`admin:${this.options.adminPassword}`).toString("base64")}`;
    }
    let response: Dispatcher.ResponseData;
    try {
      response = await request(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        dispatcher: this.dispatcher,
      });
    } catch (error) {
      throw new ServerUnreachableError(this.baseUrl, error);
    }
    const text = await response.body.text();
    let json: unknown;
    try {
      json = text === "" ? undefined : JSON.parse(text);
    } catch {
      throw new LicenseServerError(
        response.statusCode,
        "BAD_RESPONSE",
        `not JSON: ${text.slice(0, 200)}`,
      );
    }
    if (response.statusCode >= 400) {
      const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new LicenseServerError(
        response.statusCode,
        error?.code ?? `HTTP_${response.statusCode}`,
        error?.message ?? text,
      );
    }
    return json as T;
  }
}
