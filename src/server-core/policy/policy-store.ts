import type { Database } from "better-sqlite3";
import type { Store } from "../store.js";
import type { IdType, ReservationGroup } from "./reservations.js";

export interface RevocationRecord {
  leaseId: string;
  feature: string;
  user: string;
  host: string;
  revokedAt: number;
  /** who the seat went to, `user@host` */
  revokedFor: string;
}

interface ReservationRow {
  group_name: string;
  host_id: string;
  id_type: string;
  feature: string;
  version: string;
  count: number;
}

/** Policy state in trusted storage; every change goes through the store's group committer. */
export class PolicyStore {
  constructor(private readonly store: Store) {}

  loadReservationGroups(): ReservationGroup[] {
    const groups = this.store.db
      .prepare("SELECT name FROM reservation_groups ORDER BY position")
      .pluck()
      .all() as string[];
    const rows = this.store.db
      .prepare("SELECT * FROM reservations ORDER BY group_name, position")
      .all() as ReservationRow[];
    return groups.map((name) => ({
      name,
      reservations: rows
        .filter((row) => row.group_name === name)
        .map((row) => ({
          hostId: row.host_id,
          idType: row.id_type as IdType,
          feature: row.feature,
          version: row.version,
          count: row.count,
        })),
    }));
  }

  /** Adds groups in one transaction (an import is all or nothing). */
  addReservationGroups(groups: readonly ReservationGroup[], now: number): Promise<void> {
    const db = this.store.db;
    return this.store.write(() => {
      insertReservationGroups(db, groups, now);
    });
  }

  deleteReservationGroup(name: string): Promise<void> {
    const db = this.store.db;
    return this.store.write(() => {
      db.prepare("DELETE FROM reservations WHERE group_name = ?").run(name);
      db.prepare("DELETE FROM reservation_groups WHERE name = ?").run(name);
    });
  }

  loadModelDefinition(): string | undefined {
    return this.store.db
      .prepare("SELECT source_text FROM model_definition WHERE id = 1")
      .pluck()
      .get() as string | undefined;
  }

  saveModelDefinition(text: string | undefined, now: number): Promise<void> {
    const db = this.store.db;
    return this.store.write(() => {
      if (text === undefined) db.prepare("DELETE FROM model_definition").run();
      else
        db.prepare(
          `INSERT INTO model_definition (id, source_text, uploaded_at) VALUES (1, ?, ?)
           ON CONFLICT (id) DO UPDATE SET source_text = excluded.source_text, uploaded_at = excluded.uploaded_at`,
        ).run(text, now);
    });
  }

  loadAccessConfig(): { json: string; source: string } | undefined {
    return this.store.db.prepare("SELECT json, source FROM access_config WHERE id = 1").get() as
      { json: string; source: string } | undefined;
  }

  saveAccessConfig(json: string, source: string, now: number): Promise<void> {
    const db = this.store.db;
    return this.store.write(() => {
      db.prepare(
        `INSERT INTO access_config (id, json, source, loaded_at) VALUES (1, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET json = excluded.json, source = excluded.source, loaded_at = excluded.loaded_at`,
      ).run(json, source, now);
    });
  }

  /**
   * Replaces every policy in one transaction (a backup taking its main's); `accessConfig`
   * null removes the stored one.
   */
  replaceAll(
    groups: readonly ReservationGroup[],
    modelText: string | undefined,
    accessConfig: { json: string; source: string } | null,
    now: number,
  ): Promise<void> {
    const db = this.store.db;
    return this.store.write(() => {
      db.prepare("DELETE FROM reservations").run();
      db.prepare("DELETE FROM reservation_groups").run();
      db.prepare("DELETE FROM model_definition").run();
      db.prepare("DELETE FROM access_config").run();
      insertReservationGroups(db, groups, now);
      if (modelText !== undefined)
        db.prepare(
          "INSERT INTO model_definition (id, source_text, uploaded_at) VALUES (1, ?, ?)",
        ).run(modelText, now);
      if (accessConfig !== null)
        db.prepare(
          "INSERT INTO access_config (id, json, source, loaded_at) VALUES (1, ?, ?, ?)",
        ).run(accessConfig.json, accessConfig.source, now);
    });
  }

  loadRevocations(): RevocationRecord[] {
    const rows = this.store.db.prepare("SELECT * FROM revoked_leases").all() as {
      lease_id: string;
      feature: string;
      user: string;
      host: string;
      revoked_at: number;
      revoked_for: string;
    }[];
    return rows.map((row) => ({
      leaseId: row.lease_id,
      feature: row.feature,
      user: row.user,
      host: row.host,
      revokedAt: row.revoked_at,
      revokedFor: row.revoked_for,
    }));
  }
}

/** Journals a priority revocation: the lease is gone and its holder is told on its next call. */
export function recordRevocation(store: Store, record: RevocationRecord): Promise<void> {
  const db = store.db;
  return store.write(() => {
    db.prepare("DELETE FROM leases WHERE id = ?").run(record.leaseId);
    db.prepare(
      `INSERT INTO revoked_leases (lease_id, feature, user, host, revoked_at, revoked_for)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(
      record.leaseId,
      record.feature,
      record.user,
      record.host,
      record.revokedAt,
      record.revokedFor,
    );
  });
}

/** The holder has been told: forget the revocation. */
export function forgetRevocation(store: Store, leaseId: string): Promise<void> {
  const db = store.db;
  return store.write(() => {
    db.prepare("DELETE FROM revoked_leases WHERE lease_id = ?").run(leaseId);
  });
}

/** Appends groups after the last stored one, keeping each group's entries in order. */
function insertReservationGroups(
  db: Database,
  groups: readonly ReservationGroup[],
  now: number,
): void {
  const next = db.prepare("SELECT COALESCE(MAX(position), 0) + 1 FROM reservation_groups").pluck();
  const insertGroup = db.prepare(
    "INSERT INTO reservation_groups (name, position, created_at) VALUES (?, ?, ?)",
  );
  const insertEntry = db.prepare(`INSERT INTO reservations
    (group_name, position, host_id, id_type, feature, version, count) VALUES (?, ?, ?, ?, ?, ?, ?)`);
  for (const group of groups) {
    insertGroup.run(group.name, next.get() as number, now);
    group.reservations.forEach((entry, index) =>
      insertEntry.run(
        group.name,
        index,
        entry.hostId,
        entry.idType,
        entry.feature,
        entry.version,
        entry.count,
      ),
    );
  }
}
