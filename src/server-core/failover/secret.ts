import { readFileSync } from "node:fs";
import { ConfigError } from "../config.js";
import type { FailoverConfig } from "./config.js";

/** The pair's shared secret, from the config or (better) a file only the service can read. */
export function readSyncSecret(config: FailoverConfig): string {
  if (config.syncSecret !== undefined) return config.syncSecret;
  const path = config.syncSecretFile ?? "";
  let text: string;
  try {
    text = readFileSync(path, "utf8").trim();
  } catch (error) {
    throw new ConfigError(
      `failover.sync_secret_file ${path}: cannot read: ${(error as Error).message}`,
    );
  }
  if (text.length < 16)
    throw new ConfigError(
      `failover.sync_secret_file ${path}: the secret must be at least 16 characters`,
    );
  return text;
}
