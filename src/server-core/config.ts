import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { keysFromSnakeCase, snakeFromCamel, type SnakeCaseKeys } from "./config-keys.js";
import { failoverSchema } from "./failover/config.js";
import { offlineSchema } from "./offline/config.js";

const configSchema = z
  .object({
    /** HTTP(S) port; 0 picks a free one (the log line says which) */
    port: z.number().int().min(0).max(65535).default(7070),
    bind: z.string().min(1).default("0.0.0.0"),
    /** name shown in status output; defaults to the machine's host name */
    hostname: z
      .string()
      .regex(/^[A-Za-z0-9.-]+$/, "letters, digits, dots and dashes only")
      .optional(),
    licenseFiles: z.array(z.string().min(1)).default([]),
    entitlementsFile: z.string().min(1).optional(),
    /** access-config.json (whitelist, blacklist, prioritylist, LDAP); replaces the stored one at start */
    accessConfig: z.string().min(1).optional(),
    database: z.string().min(1),
    leaseSeconds: z.number().int().positive().default(300),
    /** how often expired leases are removed from storage */
    sweepSeconds: z.number().positive().default(30),
    /** how often the usage chart of the web manager takes a sample (kept in memory) */
    usageSampleSeconds: z.number().positive().default(60),
    tls: z
      .object({ cert: z.string().min(1), key: z.string().min(1) })
      .strict()
      .optional(),
    logLevel: z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
      .default("info"),
    /** also write the JSON log here (what `server support-bundle` collects) */
    logFile: z.string().min(1).optional(),
    failover: failoverSchema.optional(),
    offline: offlineSchema.optional(),
  })
  .strict();

export type ServerConfig = Omit<z.output<typeof configSchema>, "hostname"> & { hostname: string };
/** The config as written in YAML (and in the agent's `server:` section): snake_case keys. */
export type ServerConfigInput = SnakeCaseKeys<z.input<typeof configSchema>>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/**
 * Validates a config as written (snake_case keys, see config-keys.ts); relative paths are
 * resolved against `baseDir`. A camelCase key is an error naming the key to write instead.
 */
export function parseServerConfig(data: unknown, source: string, baseDir: string): ServerConfig {
  const { value, camelCaseKeys } = keysFromSnakeCase(data ?? {});
  if (camelCaseKeys.length > 0)
    throw new ConfigError(
      `${source}: ${camelCaseKeys
        .map((key) => `${key.path}: keys are snake_case: write ${key.use}`)
        .join("; ")}`,
    );
  const result = configSchema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => {
      const path = issue.path.map((part) => snakeFromCamel(String(part))).join(".");
      const message =
        issue.code === "unrecognized_keys"
          ? `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((key) => snakeFromCamel(key)).join(", ")}`
          : issue.message;
      return `${path || "(top level)"}: ${message}`;
    });
    throw new ConfigError(`${source}: ${issues.join("; ")}`);
  }
  const config = result.data;
  // a backup's access config is its main's, taken on every sync; a file of its own would
  // take over again at each restart of the backup
  if (config.failover?.role === "backup" && config.accessConfig !== undefined)
    throw new ConfigError(
      `${source}: access_config: a backup takes its access config from its main (failover.peer); remove it here`,
    );
  const at = (path: string): string => (path === ":memory:" ? path : resolve(baseDir, path));
  return {
    ...config,
    hostname: config.hostname ?? hostname().replace(/[^A-Za-z0-9.-]/g, "-"),
    licenseFiles: config.licenseFiles.map(at),
    entitlementsFile:
      config.entitlementsFile === undefined ? undefined : at(config.entitlementsFile),
    accessConfig: config.accessConfig === undefined ? undefined : at(config.accessConfig),
    database: at(config.database),
    tls: config.tls && { cert: at(config.tls.cert), key: at(config.tls.key) },
    logFile: config.logFile === undefined ? undefined : at(config.logFile),
    failover: config.failover && {
      ...config.failover,
      syncSecretFile:
        config.failover.syncSecretFile === undefined
          ? undefined
          : at(config.failover.syncSecretFile),
      peerCaFile:
        config.failover.peerCaFile === undefined ? undefined : at(config.failover.peerCaFile),
    },
    offline: config.offline && { publicKeyFile: at(config.offline.publicKeyFile) },
  };
}

export function loadServerConfig(path: string): ServerConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`${path}: cannot read: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${path}: not valid YAML: ${(error as Error).message}`);
  }
  return parseServerConfig(data, path, dirname(resolve(path)));
}
