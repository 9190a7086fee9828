import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { LICENSE_SERVER_TYPES } from "../../parsers/types.js";

export const DEFAULT_CONFIG_PATH = "/etc/lmkeeper/agent.yaml";

/**
 * The keys of the agent config the Slurm side reads (hooks and reconcile). Other keys (the agent's own) are
 * accepted and ignored, so the hooks share the agent's file.
 */
const hookConfigSchema = z.looseObject({
  api: z.looseObject({
    url: z.url({ protocol: /^https?$/ }),
    /** a file holding a static bearer token (LMKEEPER_API_TOKEN wins over it) */
    token_file: z.string().min(1).optional(),
  }),
  slurm: z
    .looseObject({
      tracked_types: z
        .array(z.string().min(1))
        .min(1)
        .default([...LICENSE_SERVER_TYPES]),
      prolog_on_api_down: z.enum(["allow", "requeue"]).default("allow"),
      hook_timeout_seconds: z.number().positive().max(300).default(10),
      /** this cluster's name in Slurm accounting; the agent reads it from Slurm when unset */
      cluster_name: z.string().min(1).optional(),
      reservation_name: z
        .string()
        .regex(/^[\w.-]+$/)
        .default("lmkeeper"),
      reservation_user: z
        .string()
        .regex(/^[\w.-]+$/)
        .default("root"),
      reservation_minutes: z.number().int().min(2).max(1440).default(30),
      command_timeout_seconds: z.number().positive().max(600).default(30),
    })
    .prefault({}),
});

export type HookConfig = z.infer<typeof hookConfigSchema>;

export class HookConfigError extends Error {
  readonly file: string;

  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = "HookConfigError";
    this.file = file;
  }
}

/** Validates a parsed config object; errors name the key (`slurm.prolog_on_api_down: …`). */
export function parseHookConfig(
  raw: unknown,
  file: string,
  env: Readonly<Record<string, string | undefined>> = {},
): HookConfig {
  const withEnv = applyEnv(raw, env);
  const result = hookConfigSchema.safeParse(withEnv);
  if (!result.success) {
    const issues = result.error.issues.map(
      (issue) => `${issue.path.join(".") || "(top level)"}: ${issue.message}`,
    );
    throw new HookConfigError(file, issues.join("; "));
  }
  return result.data;
}

/** Reads and validates the YAML config file. */
export function loadHookConfig(
  file: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): HookConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new HookConfigError(file, `cannot read the config file: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new HookConfigError(file, `not valid YAML: ${(error as Error).message}`);
  }
  return parseHookConfig(raw ?? {}, file, env);
}

/** LMKEEPER_API_URL and LMKEEPER_SLURM_PROLOG_ON_API_DOWN override the file. */
function applyEnv(raw: unknown, env: Readonly<Record<string, string | undefined>>): unknown {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return raw;
  const config = { ...(raw as Record<string, unknown>) };
  if (env.LMKEEPER_API_URL) config.api = { ...asObject(config.api), url: env.LMKEEPER_API_URL };
  if (env.LMKEEPER_SLURM_PROLOG_ON_API_DOWN) {
    config.slurm = {
      ...asObject(config.slurm),
      prolog_on_api_down: env.LMKEEPER_SLURM_PROLOG_ON_API_DOWN,
    };
  }
  return config;
}

function asObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** The static token: LMKEEPER_API_TOKEN, else the first line of api.token_file. */
export function staticToken(
  config: HookConfig,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined {
  if (env.LMKEEPER_API_TOKEN) return env.LMKEEPER_API_TOKEN.trim();
  if (config.api.token_file === undefined) return undefined;
  try {
    return readFileSync(config.api.token_file, "utf8").split(/\r?\n/)[0]?.trim() || undefined;
  } catch (error) {
    throw new HookConfigError(
      config.api.token_file,
      `cannot read api.token_file: ${(error as Error).message}`,
    );
  }
}
