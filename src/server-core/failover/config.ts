import { z } from "zod";

const url = z
  .string()
  .regex(/^https?:\/\/[^\s/]+(\/.*)?$/, "must be an http:// or https:// URL")
  .transform((text) => text.replace(/(?<!\/)\/+$/, ""));

/**
 * `failover:` in the server config. The main names its backup, the backup names its main;
 * both share one sync secret (from the config, or better from a file only the service reads).
 */
export const failoverSchema = z
  .object({
    role: z.enum(["main", "backup"]),
    /** the other server of the pair: the backup's URL on a main, the main's URL on a backup */
    peer: url,
    syncSecret: z.string().min(16, "must be at least 16 characters").optional(),
    syncSecretFile: z.string().min(1).optional(),
    /** PEM CA to trust when the peer speaks https with a private CA */
    peerCaFile: z.string().min(1).optional(),
    /** how often a backup pulls its main's state */
    syncSeconds: z.number().positive().default(10),
    /** consecutive failed pulls after which a backup starts serving */
    failoverAfterFailures: z.number().int().positive().default(2),
  })
  .strict()
  .refine((value) => (value.syncSecret === undefined) !== (value.syncSecretFile === undefined), {
    message: "give exactly one of sync_secret and sync_secret_file",
  });

export type FailoverConfig = z.output<typeof failoverSchema>;
