import { z } from "zod";
import { booleanLike } from "../config-values.js";
import { LICENSE_SERVER_TYPES } from "../../parsers/types.js";

/*
 * The `slurm:` section of the agent config, read by the agent (reconcile, job presence) and by
 * `lmkeeper slurm prolog|epilog` from the same file. config.ts folds it into the agent schema.
 */

/** Its leaf keys, relative to `slurm.`; each is overridable by `LMKEEPER_SLURM_<KEY>`. */
export const SLURM_SECTION_KEYS = [
  "enabled",
  "cluster_name",
  "reservation_name",
  "reservation_user",
  "reservation_minutes",
  "command_timeout",
  "scontrol",
  "sacctmgr",
  "squeue",
  "tracked_types",
  "prolog_on_api_down",
  "hook_timeout",
  "token_cache",
] as const;

const slurmName = z
  .string()
  .trim()
  .regex(/^[\w.-]+$/, "letters, digits, '.', '_' or '-' only");

const binary = z.string().trim().min(1);

/** `[flexlm, rlm]` in YAML, `flexlm,rlm` from the environment. */
const typeList = z.preprocess(
  (value) =>
    typeof value === "string"
      ? value
          .split(",")
          .map((entry) => entry.trim())
          .filter((entry) => entry !== "")
      : value,
  z.array(z.string().trim().min(1).toLowerCase()).min(1),
);

export const slurmSectionSchema = z
  .strictObject({
    /** run the Slurm steps (license counts, blocked seats, job presence) in each cycle */
    enabled: booleanLike.default(false),
    /** this cluster's name in Slurm accounting; read from `scontrol show config` when unset */
    cluster_name: slurmName.optional(),
    reservation_name: slurmName.default("lmkeeper"),
    reservation_user: slurmName.default("root"),
    reservation_minutes: z.coerce.number().int().min(2).max(1440).default(30),
    /** seconds; bound on every scontrol/sacctmgr/squeue call */
    command_timeout: z.coerce.number().positive().max(600).default(30),
    scontrol: binary.default("scontrol"),
    sacctmgr: binary.default("sacctmgr"),
    squeue: binary.default("squeue"),
    tracked_types: typeList.default([...LICENSE_SERVER_TYPES]),
    prolog_on_api_down: z.enum(["allow", "requeue"]).default("allow"),
    /** seconds; bound on the prolog's and the epilog's whole API exchange */
    hook_timeout: z.coerce.number().positive().max(300).default(10),
    /** a file (in a directory only SlurmUser can write) where the hooks keep their API token */
    token_cache: z.string().trim().min(1).optional(),
  })
  .prefault({});

export interface SlurmSettings {
  enabled: boolean;
  clusterName?: string;
  reservationName: string;
  reservationUser: string;
  reservationMinutes: number;
  commandTimeoutMs: number;
  binaries: { scontrol: string; sacctmgr: string; squeue: string };
  trackedTypes: string[];
  prologOnApiDown: "allow" | "requeue";
  hookTimeoutMs: number;
  tokenCache?: string;
}

export function toSlurmSettings(section: z.output<typeof slurmSectionSchema>): SlurmSettings {
  return {
    enabled: section.enabled,
    ...(section.cluster_name === undefined ? {} : { clusterName: section.cluster_name }),
    reservationName: section.reservation_name,
    reservationUser: section.reservation_user,
    reservationMinutes: section.reservation_minutes,
    commandTimeoutMs: Math.round(section.command_timeout * 1000),
    binaries: { scontrol: section.scontrol, sacctmgr: section.sacctmgr, squeue: section.squeue },
    trackedTypes: section.tracked_types,
    prologOnApiDown: section.prolog_on_api_down,
    hookTimeoutMs: Math.round(section.hook_timeout * 1000),
    ...(section.token_cache === undefined ? {} : { tokenCache: section.token_cache }),
  };
}

/** The section as a file without `slurm:` gives it: Slurm off, every default. */
export function defaultSlurmSettings(): SlurmSettings {
  return toSlurmSettings(slurmSectionSchema.parse(undefined));
}
