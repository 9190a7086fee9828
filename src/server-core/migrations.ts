import type Database from "better-sqlite3";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Numbered, append-only: never edit a released migration, add the next one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "leases and activations",
    sql: `
      CREATE TABLE leases (
        id TEXT PRIMARY KEY,
        pool_id TEXT NOT NULL,
        feature TEXT NOT NULL,
        version TEXT NOT NULL,
        count INTEGER NOT NULL CHECK (count > 0),
        user TEXT NOT NULL,
        host TEXT NOT NULL,
        display TEXT NOT NULL,
        handle INTEGER NOT NULL,
        started_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX leases_pool ON leases (pool_id);
      CREATE TABLE activations (
        code TEXT PRIMARY KEY,
        count INTEGER NOT NULL CHECK (count >= 0),
        updated_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: "device ids and admin credentials",
    sql: `
      ALTER TABLE leases ADD COLUMN device_id TEXT NOT NULL DEFAULT '';
      CREATE TABLE admin_credentials (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        password_hash TEXT NOT NULL,
        is_default INTEGER NOT NULL,
        changed_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: "policies: reservations, model definition, access config, revoked leases",
    sql: `
      CREATE TABLE reservation_groups (
        name TEXT PRIMARY KEY,
        position INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE reservations (
        group_name TEXT NOT NULL,
        position INTEGER NOT NULL,
        host_id TEXT NOT NULL,
        id_type TEXT NOT NULL,
        feature TEXT NOT NULL,
        version TEXT NOT NULL,
        count INTEGER NOT NULL CHECK (count > 0),
        PRIMARY KEY (group_name, position)
      );
      CREATE TABLE model_definition (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        source_text TEXT NOT NULL,
        uploaded_at INTEGER NOT NULL
      );
      CREATE TABLE access_config (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        json TEXT NOT NULL,
        source TEXT NOT NULL,
        loaded_at INTEGER NOT NULL
      );
      CREATE TABLE revoked_leases (
        lease_id TEXT PRIMARY KEY,
        feature TEXT NOT NULL,
        user TEXT NOT NULL,
        host TEXT NOT NULL,
        revoked_at INTEGER NOT NULL,
        revoked_for TEXT NOT NULL
        );
      `,
  },
  {
    version: 10,
    name: "failover mirror of the main's pools",
    sql: `
      CREATE TABLE failover_mirror (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        main_url TEXT NOT NULL,
        pools_json TEXT NOT NULL,
        synced_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 11,
    name: "server identity and offline capability requests",
    sql: `
      CREATE TABLE server_identity (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        server_id TEXT NOT NULL
      );
      CREATE TABLE offline_requests (
        request_id TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        consumed_at INTEGER
      );
    `,
  },
  {
    version: 12,
    name: "listen settings changed through the admin API",
    sql: `
      CREATE TABLE listen_settings (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        port INTEGER NOT NULL,
        bind TEXT NOT NULL,
        changed_at INTEGER NOT NULL
      );
    `,
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

export function appliedVersion(db: Database.Database): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const row = db.prepare("SELECT MAX(version) AS version FROM schema_migrations").get() as {
    version: number | null;
  };
  return row.version ?? 0;
}

/** Applies every migration newer than the file's, each in its own transaction. */
export function migrate(db: Database.Database, upTo = LATEST_SCHEMA_VERSION): number[] {
  const from = appliedVersion(db);
  if (from > LATEST_SCHEMA_VERSION) {
    throw new Error(
      `database schema version ${from} is newer than this lmkeeper knows (${LATEST_SCHEMA_VERSION}); upgrade lmkeeper`,
    );
  }
  const applied: number[] = [];
  const record = db.prepare(
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
  );
  for (const migration of MIGRATIONS) {
    if (migration.version <= from || migration.version > upTo) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
    })();
    applied.push(migration.version);
  }
  return applied;
}
