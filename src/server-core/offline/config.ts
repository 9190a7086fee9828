import { z } from "zod";

/**
 * `offline:` in the server config: the back office's Ed25519 public key (PEM) that every
 * offline capability response must be signed with.
 */
export const offlineSchema = z.object({ publicKeyFile: z.string().min(1) }).strict();

export type OfflineConfig = z.output<typeof offlineSchema>;
