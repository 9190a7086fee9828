import { isIP } from "node:net";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { sendValidationError } from "./http/errors.js";
import type { Store } from "./store.js";

export interface ListenAddress {
  port: number;
  bind: string;
}

export const LISTEN_SETTINGS_PATH = "/api/1.0/admin/settings/listen";

const changeSchema = z
  .object({
    port: z.number().int().min(1).max(65535).optional(),
    bind: z
      .string()
      .refine(
        (text) => isIP(text) !== 0 || /^[A-Za-z0-9.-]+$/.test(text),
        "must be an IP address or a host name",
      )
      .optional(),
  })
  .strict()
  .refine((value) => value.port !== undefined || value.bind !== undefined, {
    message: "give port, bind or both",
  });

/** The address set through the admin API, which wins over the config file from the next start. */
export function storedListenAddress(store: Store): ListenAddress | undefined {
  return store.db.prepare("SELECT port, bind FROM listen_settings WHERE id = 1").get() as
    ListenAddress | undefined;
}

function describe(address: ListenAddress): string {
  return `${address.bind.includes(":") ? `[${address.bind}]` : address.bind}:${address.port}`;
}

/**
 * Port and bind address can be changed while the server runs, but take effect only when it
 * restarts: the answer says so, and so does GET until then.
 */
export function registerListenSettingsRoutes(
  scope: FastifyInstance,
  store: Store,
  current: () => ListenAddress,
  now: () => number,
): void {
  const view = () => {
    const pending = storedListenAddress(store);
    const live = current();
    const restartRequired =
      pending !== undefined && (pending.port !== live.port || pending.bind !== live.bind);
    return {
      current: live,
      next: pending ?? live,
      restartRequired,
      message: restartRequired
        ? `Restart required: the server listens on ${describe(live)} until it restarts, then on ${describe(pending)}`
        : `The server listens on ${describe(live)}`,
    };
  };

  scope.get(LISTEN_SETTINGS_PATH, async () => view());

  scope.put(LISTEN_SETTINGS_PATH, async (request, reply) => {
    const parsed = changeSchema.safeParse(request.body ?? {});
    if (!parsed.success) return sendValidationError(reply, parsed.error);
    const base = storedListenAddress(store) ?? current();
    const next: ListenAddress = {
      port: parsed.data.port ?? base.port,
      bind: parsed.data.bind ?? base.bind,
    };
    const upsert = store.db.prepare(
      `INSERT INTO listen_settings (id, port, bind, changed_at) VALUES (1, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET port = excluded.port, bind = excluded.bind,
       changed_at = excluded.changed_at`,
    );
    await store.write(() => upsert.run(next.port, next.bind, now()));
    return view();
  });
}
