import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseDocument } from "yaml";
import { z } from "zod";
import { booleanLike } from "./config-values.js";
import type { HostedServerSection } from "./hosted-server.js";
import {
  SLURM_SECTION_KEYS,
  slurmSectionSchema,
  toSlurmSettings,
  type SlurmSettings,
} from "./slurm/config-section.js";

export const DEFAULT_CONFIG_PATH = "/etc/lmkeeper/agent.yaml";
export const ENV_PREFIX = "LMKEEPER_";

/** The vendor tool types whose paths can be set under `tools:` (and by `LMKEEPER_TOOLS_<TYPE>`). */
export const TOOL_TYPES = ["flexlm", "rlm", "lsdyna", "lmx", "olicense", "dsls"] as const;

/**
 * Every leaf key of the YAML file, as a dotted path. Each one can be overridden by the
 * environment variable `LMKEEPER_` + the path upper-cased with `.` replaced by `_`
 * (`oidc.client_secret` → `LMKEEPER_OIDC_CLIENT_SECRET`). Keys are matched against this list,
 * so underscores inside a key name are never ambiguous.
 */
export const CONFIG_KEYS = [
  "api.url",
  "api.request_timeout",
  "api.retries",
  "oidc.token_url",
  "oidc.client_id",
  "oidc.client_secret",
  "oidc.client_secret_file",
  "oidc.audience",
  "oidc.resource",
  "cluster_client_id",
  "schedule",
  ...TOOL_TYPES.map((type) => `tools.${type}`),
  "tool_timeout",
  "tool_max_output",
  "concurrency",
  "metrics.enabled",
  "metrics.host",
  "metrics.port",
  "log_level",
  ...SLURM_SECTION_KEYS.map((key) => `slurm.${key}` as const),
] as const;

export function envNameOf(key: string): string {
  return ENV_PREFIX + key.toUpperCase().replace(/\./g, "_");
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const httpUrl = z
  .string()
  .url()
  .refine((value) => /^https?:\/\//i.test(value), "must be an http:// or https:// URL");

const positiveSeconds = z.coerce.number().positive().max(86_400);

const nonEmpty = z.string().trim().min(1);

const MIB = 1024 * 1024;

const rawSchema = z.strictObject({
  api: z.strictObject({
    url: httpUrl,
    request_timeout: positiveSeconds.default(30),
    retries: z.coerce.number().int().min(0).max(20).default(4),
  }),
  oidc: z
    .strictObject({
      token_url: httpUrl,
      client_id: nonEmpty,
      client_secret: nonEmpty.optional(),
      client_secret_file: nonEmpty.optional(),
      audience: nonEmpty.optional(),
      resource: nonEmpty.optional(),
    })
    .optional(),
  // the reference server's own keys; validated by server-core when the agent hosts it
  server: z.record(z.string(), z.unknown()).optional(),
  cluster_client_id: nonEmpty,
  schedule: nonEmpty.default("* * * * *"),
  tools: z
    .strictObject(Object.fromEntries(TOOL_TYPES.map((type) => [type, nonEmpty.optional()])))
    .default({}),
  tool_timeout: positiveSeconds.default(30),
  /**
   * MiB of output kept per tool run; a run that prints more is a failed query. At most 256:
   * an output is read as one string, and V8 caps a string at 512 MiB.
   */
  tool_max_output: z.coerce.number().int().min(1).max(256).default(64),
  concurrency: z.coerce.number().int().min(1).max(1000).default(8),
  metrics: z
    .strictObject({
      enabled: booleanLike.default(true),
      host: nonEmpty.default("0.0.0.0"),
      port: z.coerce.number().int().min(0).max(65_535).default(9471),
    })
    .default({ enabled: true, host: "0.0.0.0", port: 9471 }),
  log_level: z.enum(LOG_LEVELS).default("info"),
  slurm: slurmSectionSchema,
});

export interface OidcConfig {
  tokenUrl: string;
  clientId: string;
  /** never log this */
  clientSecret: string;
  audience?: string;
  resource?: string;
}

export interface AgentConfig {
  api: { url: string; requestTimeoutMs: number; retries: number };
  oidc?: OidcConfig;
  /** `server:`: host the reference license server in this process (see hosted-server.ts) */
  server?: HostedServerSection;
  clusterClientId: string;
  schedule: string;
  /** per license-server type: path of the vendor tool */
  tools: Record<string, string>;
  toolTimeoutMs: number;
  /** bytes of stdout (and of stderr) kept per tool run; more fails the query */
  toolMaxOutputBytes: number;
  concurrency: number;
  metrics: { enabled: boolean; host: string; port: number };
  logLevel: (typeof LOG_LEVELS)[number];
  /** the `slurm:` section: reconcile, job presence and the prolog/epilog hooks */
  slurm: SlurmSettings;
}

export interface ConfigIssue {
  /** dotted YAML key, e.g. `api.url` */
  key: string;
  reason: string;
  /** where the value came from: the file path or the environment variable */
  source: string;
}

export class ConfigError extends Error {
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    super(
      `invalid agent configuration: ${issues
        .map((issue) => `${issue.key}: ${issue.reason} (${issue.source})`)
        .join("; ")}`,
    );
    this.name = "ConfigError";
    this.issues = issues;
  }
}

export interface LoadConfigOptions {
  /** path given with --config; when absent the default path is used if it exists */
  path?: string;
  env?: NodeJS.ProcessEnv;
  /** validates the cron expression (kept injectable so this module stays free of node-cron) */
  validateSchedule?: (expression: string) => boolean;
}

/** Reads the YAML file (if any), applies `LMKEEPER_*` overrides, validates, resolves the secret. */
export function loadAgentConfig(options: LoadConfigOptions = {}): AgentConfig {
  const env = options.env ?? process.env;
  const path = options.path ?? DEFAULT_CONFIG_PATH;
  let raw: Record<string, unknown> = {};
  if (options.path !== undefined || existsSync(path)) {
    raw = readYamlFile(path);
  }
  const sources = new Map<string, string>();
  for (const key of CONFIG_KEYS) {
    const value = env[envNameOf(key)];
    if (value === undefined || value === "") continue;
    setPath(raw, key.split("."), value);
    sources.set(key, envNameOf(key));
  }
  const sourceOf = (key: string): string => sources.get(key) ?? path;

  const parsed = rawSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const keys = "keys" in issue && Array.isArray(issue.keys) ? (issue.keys as string[]) : [];
        const key = [...issue.path.map(String), ...keys.slice(0, 1)].join(".") || "(root)";
        const missing = issue.code === "invalid_type" && /received undefined$/.test(issue.message);
        const reason =
          issue.code === "unrecognized_keys" ? "unknown key" : missing ? "required" : issue.message;
        const canComeFromEnv = (CONFIG_KEYS as readonly string[]).includes(key);
        const source = missing && canComeFromEnv ? `${path} or ${envNameOf(key)}` : sourceOf(key);
        return { key, reason, source };
      }),
    );
  }
  const value = parsed.data;
  const issues: ConfigIssue[] = [];
  if (options.validateSchedule && !options.validateSchedule(value.schedule)) {
    issues.push({
      key: "schedule",
      reason: `"${value.schedule}" is not a valid cron expression`,
      source: sourceOf("schedule"),
    });
  }
  let oidc: OidcConfig | undefined;
  if (value.oidc) {
    const secret = resolveSecret(
      value.oidc.client_secret,
      value.oidc.client_secret_file,
      sourceOf,
      issues,
    );
    if (secret !== undefined) {
      oidc = {
        tokenUrl: value.oidc.token_url,
        clientId: value.oidc.client_id,
        clientSecret: secret,
        ...(value.oidc.audience ? { audience: value.oidc.audience } : {}),
        ...(value.oidc.resource ? { resource: value.oidc.resource } : {}),
      };
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);

  const tools: Record<string, string> = {};
  for (const [type, toolPath] of Object.entries(value.tools)) {
    if (typeof toolPath === "string") tools[type] = toolPath;
  }
  return {
    api: {
      url: value.api.url.replace(/(?<!\/)\/+$/, ""),
      requestTimeoutMs: Math.round(value.api.request_timeout * 1000),
      retries: value.api.retries,
    },
    ...(oidc ? { oidc } : {}),
    ...(value.server
      ? { server: { settings: value.server, baseDir: dirname(resolve(path)), source: path } }
      : {}),
    clusterClientId: value.cluster_client_id,
    schedule: value.schedule,
    tools,
    toolTimeoutMs: Math.round(value.tool_timeout * 1000),
    toolMaxOutputBytes: value.tool_max_output * MIB,
    concurrency: value.concurrency,
    metrics: value.metrics,
    logLevel: value.log_level,
    slurm: toSlurmSettings(value.slurm),
  };
}

function resolveSecret(
  inline: string | undefined,
  file: string | undefined,
  sourceOf: (key: string) => string,
  issues: ConfigIssue[],
): string | undefined {
  if (inline !== undefined && file !== undefined) {
    issues.push({
      key: "oidc.client_secret",
      reason: "set either oidc.client_secret or oidc.client_secret_file, not both",
      source: `${sourceOf("oidc.client_secret")}, ${sourceOf("oidc.client_secret_file")}`,
    });
    return undefined;
  }
  if (inline !== undefined) return inline;
  if (file === undefined) {
    issues.push({
      key: "oidc.client_secret",
      reason: "required (or oidc.client_secret_file)",
      source: sourceOf("oidc.client_secret"),
    });
    return undefined;
  }
  let content: string;
  try {
    content = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "read error";
    issues.push({
      key: "oidc.client_secret_file",
      reason: `cannot read ${file} (${code})`,
      source: sourceOf("oidc.client_secret_file"),
    });
    return undefined;
  }
  const secret = content.replace(/\r?\n$/, "");
  if (secret.trim() === "") {
    issues.push({
      key: "oidc.client_secret_file",
      reason: `${file} is empty`,
      source: sourceOf("oidc.client_secret_file"),
    });
    return undefined;
  }
  return secret;
}

function readYamlFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "read error";
    throw new ConfigError([
      { key: "(file)", reason: `cannot read the file (${code})`, source: path },
    ]);
  }
  const document = parseDocument(text, { prettyErrors: true });
  const firstError = document.errors[0];
  if (firstError) {
    const line = firstError.linePos?.[0]?.line;
    throw new ConfigError([
      {
        key: "(file)",
        reason: `YAML syntax error${line ? ` at line ${line}` : ""}: ${firstError.message.split("\n")[0]}`,
        source: path,
      },
    ]);
  }
  const content: unknown = document.toJS();
  if (content === null || content === undefined) return {};
  if (typeof content !== "object" || Array.isArray(content)) {
    throw new ConfigError([
      { key: "(root)", reason: "the file must hold a mapping of keys", source: path },
    ]);
  }
  return content as Record<string, unknown>;
}

function setPath(target: Record<string, unknown>, path: string[], value: string): void {
  let node = target;
  for (const segment of path.slice(0, -1)) {
    const next = node[segment];
    if (typeof next !== "object" || next === null || Array.isArray(next)) {
      node[segment] = {};
    }
    node = node[segment] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}
