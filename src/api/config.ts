import { existsSync, readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

export const DEFAULT_API_CONFIG_PATH = "/etc/lmkeeper/api.yaml";

const configSchema = z
  .object({
    port: z.coerce.number().int().min(0).max(65535).default(8000),
    bind: z.string().min(1).default("127.0.0.1"),
    /** a SQLite file path, or a postgres:// URL */
    database: z.string().min(1).default("/var/lib/lmkeeper/api.sqlite"),
    log_level: z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
      .default("info"),
    oidc: z
      .object({
        issuer: z.url(),
        audience: z.string().min(1).optional(),
        permissions_claim: z.string().min(1).default("permissions"),
        jwks_url: z.url().optional(),
      })
      .strict(),
  })
  .strict();

export type ApiConfig = z.output<typeof configSchema>;

/** Environment variables that override a key, and the key they set. */
export const ENV_OVERRIDES: Record<string, string[]> = {
  LMKEEPER_API_PORT: ["port"],
  LMKEEPER_API_BIND: ["bind"],
  LMKEEPER_API_DATABASE: ["database"],
  LMKEEPER_API_LOG_LEVEL: ["log_level"],
  LMKEEPER_API_OIDC_ISSUER: ["oidc", "issuer"],
  LMKEEPER_API_OIDC_AUDIENCE: ["oidc", "audience"],
  LMKEEPER_API_OIDC_PERMISSIONS_CLAIM: ["oidc", "permissions_claim"],
  LMKEEPER_API_OIDC_JWKS_URL: ["oidc", "jwks_url"],
};

export class ApiConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ApiConfigError";
  }
}

function setPath(target: Record<string, unknown>, path: string[], value: string): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const child = node[key];
    if (typeof child !== "object" || child === null || Array.isArray(child)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

/**
 * Reads the YAML file (when given or present at the default path), applies LMKEEPER_API_*
 * overrides and validates; errors name the file and each offending key.
 */
export function loadApiConfig(options: { file?: string; env?: NodeJS.ProcessEnv } = {}): ApiConfig {
  const env = options.env ?? process.env;
  const file =
    options.file ?? (existsSync(DEFAULT_API_CONFIG_PATH) ? DEFAULT_API_CONFIG_PATH : undefined);
  let raw: unknown = {};
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      throw new ApiConfigError(`cannot read ${file}: ${(error as Error).message}`);
    }
    try {
      raw = parseYaml(text) ?? {};
    } catch (error) {
      throw new ApiConfigError(`${file}: not valid YAML: ${(error as Error).message}`);
    }
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      throw new ApiConfigError(`${file}: expected a mapping of settings at the top level`);
    }
  }
  const merged = structuredClone(raw) as Record<string, unknown>;
  for (const [name, path] of Object.entries(ENV_OVERRIDES)) {
    const value = env[name];
    if (value !== undefined && value !== "") setPath(merged, path, value);
  }
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const where = file ?? "environment";
    const problems = result.error.issues.map((issue) => {
      const key = issue.path.map(String).join(".");
      const unknownKeys =
        issue.code === "unrecognized_keys" ? `: unknown key(s) ${issue.keys.join(", ")}` : "";
      return `${key === "" ? "(top level)" : key}: ${issue.message}${unknownKeys}`;
    });
    throw new ApiConfigError(`invalid API configuration (${where}): ${problems.join("; ")}`);
  }
  return result.data;
}
