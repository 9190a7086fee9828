import { tokenResponseSchema } from "./api-types.js";
import type { OidcConfig } from "./config.js";
import type { TokenStore } from "./token-store.js";

export type FetchLike = typeof fetch;

/** Where the API client gets its bearer token; `invalidate` drops a token the API rejected. */
export interface TokenSource {
  getToken(): Promise<string>;
  invalidate(): void;
}

export class TokenError extends Error {
  readonly status: number | undefined;

  constructor(message: string, status?: number) {
    super(message);
    this.name = "TokenError";
    this.status = status;
  }
}

export interface TokenProviderOptions {
  /**
   * Platform fetch (Node's built-in undici) by default; injectable so tests can observe it.
   * The global one is used rather than the undici package's so request interceptors see it.
   */
  fetch?: FetchLike;
  now?: () => number;
  /** refresh this long before the token expires (capped at half its lifetime) */
  refreshMarginMs?: number;
  requestTimeoutMs?: number;
  /** lifetime assumed when the provider does not send expires_in */
  defaultLifetimeMs?: number;
  /** keeps the token beyond this process (the Slurm hooks run once per job) */
  store?: TokenStore;
}

/** OAuth 2 client-credentials tokens, cached until shortly before they expire. */
export class ClientCredentialsTokenProvider implements TokenSource {
  private readonly fetchImpl: FetchLike;
  private readonly now: () => number;
  private readonly refreshMarginMs: number;
  private readonly requestTimeoutMs: number;
  private readonly defaultLifetimeMs: number;
  private readonly store: TokenStore | undefined;
  private cached: { token: string; refreshAt: number } | undefined;
  private inFlight: Promise<string> | undefined;

  constructor(
    private readonly oidc: OidcConfig,
    options: TokenProviderOptions = {},
  ) {
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.now = options.now ?? Date.now;
    this.refreshMarginMs = options.refreshMarginMs ?? 30_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.defaultLifetimeMs = options.defaultLifetimeMs ?? 300_000;
    this.store = options.store;
  }

  async getToken(): Promise<string> {
    this.cached ??= this.store?.load();
    if (this.cached && this.now() < this.cached.refreshAt) return this.cached.token;
    // Concurrent callers share one request to the token endpoint.
    this.inFlight ??= this.fetchToken().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  invalidate(): void {
    this.cached = undefined;
    this.store?.clear();
  }

  private async fetchToken(): Promise<string> {
    const form = new URLSearchParams({ grant_type: "client_credentials" });
    if (this.oidc.audience) form.set("audience", this.oidc.audience);
    if (this.oidc.resource) form.set("resource", this.oidc.resource);
    const basic = Buffer.from(
      `${encodeURIComponent(this.oidc.clientId)}:${encodeURIComponent(this.oidc.clientSecret)}`,
    ).toString("base64");
    const requestedAt = this.now();
    let response: Response;
    try {
      response = await this.fetchImpl(this.oidc.tokenUrl, {
        method: "POST",
        headers: {
          authorization: `Basic ${basic}`,
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
        },
        body: form.toString(),
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
    } catch (error) {
      throw new TokenError(`token request to ${this.oidc.tokenUrl} failed: ${describe(error)}`);
    }
    const text = await response.text();
    if (!response.ok) {
      throw new TokenError(
        `token endpoint ${this.oidc.tokenUrl} answered ${response.status}: ${text.slice(0, 200)}`,
        response.status,
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new TokenError(
        `token endpoint ${this.oidc.tokenUrl} did not answer JSON`,
        response.status,
      );
    }
    const parsed = tokenResponseSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new TokenError(
        `token endpoint ${this.oidc.tokenUrl} answered without a usable token (${issue?.path.join(".")}: ${issue?.message})`,
        response.status,
      );
    }
    const lifetimeMs =
      parsed.data.expires_in !== undefined ? parsed.data.expires_in * 1000 : this.defaultLifetimeMs;
    const margin = Math.min(this.refreshMarginMs, lifetimeMs / 2);
    this.cached = { token: parsed.data.access_token, refreshAt: requestedAt + lifetimeMs - margin };
    this.store?.save(this.cached);
    return parsed.data.access_token;
  }
}

export function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    const causeText = cause instanceof Error ? ` (${cause.message})` : "";
    return `${error.message}${causeText}`;
  }
  return String(error);
}
