import type { Pool } from "../engine.js";
import type { Store } from "../store.js";

/** A backup keeps the main's pools on disk, so it can serve after a restart while the main is down. */
export function loadMirroredPools(store: Store): { pools: Pool[]; syncedAt: number } | undefined {
  const row = store.db
    .prepare("SELECT pools_json, synced_at FROM failover_mirror WHERE id = 1")
    .get() as { pools_json: string; synced_at: number } | undefined;
  return row && { pools: JSON.parse(row.pools_json) as Pool[], syncedAt: row.synced_at };
}

export function saveMirroredPools(
  store: Store,
  mainUrl: string,
  pools: readonly Pool[],
  now: number,
): Promise<void> {
  const statement = store.db.prepare(
    `INSERT INTO failover_mirror (id, main_url, pools_json, synced_at) VALUES (1, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET main_url = excluded.main_url,
     pools_json = excluded.pools_json, synced_at = excluded.synced_at`,
  );
  return store.write(() => statement.run(mainUrl, JSON.stringify(pools), now));
}
