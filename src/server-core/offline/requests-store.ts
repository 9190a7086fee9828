import { randomUUID } from "node:crypto";
import type { Store } from "../store.js";

/** This server's identity for the back office: made once, kept in trusted storage. */
export async function serverIdentity(store: Store): Promise<string> {
  const row = store.db.prepare("SELECT server_id FROM server_identity WHERE id = 1").get() as
    { server_id: string } | undefined;
  if (row) return row.server_id;
  const id = randomUUID();
  const insert = store.db.prepare("INSERT INTO server_identity (id, server_id) VALUES (1, ?)");
  await store.write(() => insert.run(id));
  return id;
}

export function recordRequest(store: Store, requestId: string, now: number): Promise<void> {
  const insert = store.db.prepare(
    "INSERT INTO offline_requests (request_id, created_at) VALUES (?, ?)",
  );
  return store.write(() => insert.run(requestId, now));
}

export type RequestStanding = "open" | "used" | "unknown";

export function requestStanding(store: Store, requestId: string): RequestStanding {
  const row = store.db
    .prepare("SELECT consumed_at FROM offline_requests WHERE request_id = ?")
    .get(requestId) as { consumed_at: number | null } | undefined;
  if (!row) return "unknown";
  return row.consumed_at === null ? "open" : "used";
}

/**
 * To run inside the transaction that applies the response: marks the request used, and
 * throws if another import used it first.
 */
export function consumeRequestNow(store: Store, requestId: string, now: number): void {
  const result = store.db
    .prepare(
      "UPDATE offline_requests SET consumed_at = ? WHERE request_id = ? AND consumed_at IS NULL",
    )
    .run(now, requestId);
  if (result.changes !== 1) throw new Error(`capability request ${requestId} was already used`);
}
