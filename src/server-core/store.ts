import { chmodSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { Lease } from "./engine.js";
import { claimDatabase } from "./db-lock.js";
import { GroupCommitter } from "./group-commit.js";
import { migrate } from "./migrations.js";

export interface AdminCredentials {
  passwordHash: string;
  isDefault: boolean;
}

interface LeaseRow {
  id: string;
  pool_id: string;
  feature: string;
  version: string;
  count: number;
  user: string;
  host: string;
  display: string;
  device_id: string;
  handle: number;
  started_at: number;
  last_seen_at: number;
  expires_at: number;
}

/**
 * Trusted storage: one SQLite file in WAL mode with synchronous=FULL. Reads happen at
 * start-up; every change afterwards goes through the group committer, so the in-memory
 * state is the working copy and the file is its durable journal.
 */
export class Store {
  readonly db: Database.Database;
  private readonly committer: GroupCommitter;
  private readonly statements;
  private readonly release: () => void;

  constructor(path: string) {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.release = path === ":memory:" ? () => undefined : claimDatabase(path);
    let db: Database.Database | undefined;
    try {
      db = new Database(path);
      // trusted storage holds the admin password hash: owner only
      if (path !== ":memory:") chmodSync(path, 0o600);
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = FULL");
      db.pragma("busy_timeout = 5000");
      migrate(db);
    } catch (error) {
      db?.close();
      this.release();
      throw error;
    }
    this.db = db;
    this.committer = new GroupCommitter(db);
    this.statements = {
      insertLease: db.prepare(`INSERT INTO leases
        (id, pool_id, feature, version, count, user, host, display, device_id, handle, started_at, last_seen_at, expires_at)
        VALUES (@id, @poolId, @feature, @version, @count, @user, @host, @display, @deviceId, @handle, @startedAt, @lastSeenAt, @expiresAt)`),
      renewLease: db.prepare("UPDATE leases SET last_seen_at = ?, expires_at = ? WHERE id = ?"),
      deleteLease: db.prepare("DELETE FROM leases WHERE id = ?"),
      upsertActivation:
        db.prepare(`INSERT INTO activations (code, count, updated_at) VALUES (?, ?, ?)
        ON CONFLICT (code) DO UPDATE SET count = excluded.count, updated_at = excluded.updated_at`),
      upsertCredentials:
        db.prepare(`INSERT INTO admin_credentials (id, password_hash, is_default, changed_at)
        VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET password_hash = excluded.password_hash,
        is_default = excluded.is_default, changed_at = excluded.changed_at`),
    };
  }

  loadLeases(): Lease[] {
    const rows = this.db
      .prepare("SELECT * FROM leases ORDER BY started_at, handle")
      .all() as LeaseRow[];
    return rows.map((row) => ({
      id: row.id,
      poolId: row.pool_id,
      feature: row.feature,
      version: row.version,
      count: row.count,
      user: row.user,
      host: row.host,
      display: row.display,
      deviceId: row.device_id,
      handle: row.handle,
      startedAt: row.started_at,
      lastSeenAt: row.last_seen_at,
      expiresAt: row.expires_at,
    }));
  }

  loadActivations(): Map<string, number> {
    const rows = this.db.prepare("SELECT code, count FROM activations").all() as {
      code: string;
      count: number;
    }[];
    return new Map(rows.map((row) => [row.code, row.count]));
  }

  loadCredentials(): AdminCredentials | undefined {
    const row = this.db
      .prepare("SELECT password_hash, is_default FROM admin_credentials WHERE id = 1")
      .get() as { password_hash: string; is_default: number } | undefined;
    return row && { passwordHash: row.password_hash, isDefault: row.is_default === 1 };
  }

  insertLease(lease: Lease): Promise<void> {
    return this.committer.submit(() => this.statements.insertLease.run(lease));
  }

  renewLease(id: string, lastSeenAt: number, expiresAt: number): Promise<void> {
    return this.committer.submit(() => this.statements.renewLease.run(lastSeenAt, expiresAt, id));
  }

  deleteLease(id: string): Promise<void> {
    return this.committer.submit(() => this.statements.deleteLease.run(id));
  }

  setActivation(code: string, count: number, now: number): Promise<void> {
    return this.committer.submit(() => this.statements.upsertActivation.run(code, count, now));
  }

  /** Only inside a `write()` change: upserts an activation in the running transaction. */
  writeActivationNow(code: string, count: number, now: number): void {
    this.statements.upsertActivation.run(code, count, now);
  }

  setCredentials(credentials: AdminCredentials, now: number): Promise<void> {
    return this.committer.submit(() =>
      this.statements.upsertCredentials.run(
        credentials.passwordHash,
        credentials.isDefault ? 1 : 0,
        now,
      ),
    );
  }

  /** Replaces every stored lease at once (a failover backup taking its main's table). */
  replaceLeases(leases: readonly Lease[]): Promise<void> {
    return this.committer.submit(() => {
      this.db.prepare("DELETE FROM leases").run();
      for (const lease of leases) this.statements.insertLease.run(lease);
    });
  }

  /**
   * Runs a write of another module (its own tables) in the next group commit; a write that
   * throws rolls its whole batch back.
   */
  write(change: () => void): Promise<void> {
    return this.committer.submit(change);
  }

  close(): void {
    this.committer.flush();
    this.db.close();
    this.release();
  }
}
