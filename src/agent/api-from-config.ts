import { ApiClient } from "./api-client.js";
import type { AgentConfig } from "./config.js";
import { ClientCredentialsTokenProvider } from "./token.js";
import { FileTokenStore } from "./token-store.js";

/**
 * The License Manager API client as the config describes it: OIDC client-credentials tokens
 * (cached until shortly before they expire, refreshed on a 401), retries with back-off on
 * network errors and 5xx. Shared by the agent's cycles and the Slurm hooks.
 */
export function createApiClient(
  config: Pick<AgentConfig, "api" | "oidc">,
  logger: { warn(fields: object, message: string): void },
  /** a file to keep the token in between runs (the Slurm hooks' `slurm.token_cache`) */
  tokenCachePath?: string,
): ApiClient {
  const tokens = config.oidc
    ? new ClientCredentialsTokenProvider(config.oidc, {
        requestTimeoutMs: config.api.requestTimeoutMs,
        ...(tokenCachePath ? { store: new FileTokenStore(tokenCachePath) } : {}),
      })
    : undefined;
  return new ApiClient({
    baseUrl: config.api.url,
    ...(tokens ? { tokens } : {}),
    retries: config.api.retries,
    requestTimeoutMs: config.api.requestTimeoutMs,
    onRetry: ({ method, path, attempt, error }) =>
      logger.warn({ method, path, attempt, error: error.message }, "API call failed; retrying"),
  });
}
