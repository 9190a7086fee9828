import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { GroupCommitter } from "../../src/server-core/group-commit.js";
import { LATEST_SCHEMA_VERSION, migrate } from "../../src/server-core/migrations.js";
import { Store } from "../../src/server-core/store.js";
import { tempDir } from "./helpers.js";

const dirs: { remove: () => void }[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));

function dir(): string {
  const made = tempDir();
  dirs.push(made);
  return made.path;
}

describe("Store", () => {
  it("opens the file in WAL mode with synchronous=FULL and the latest schema", () => {
    const store = new Store(join(dir(), "nested", "server.db"));
    expect(store.db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(store.db.pragma("synchronous", { simple: true })).toBe(2);
    const versions = store.db
      .prepare("SELECT version FROM schema_migrations ORDER BY version")
      .pluck()
      .all();
    expect(versions).toEqual([1, 2, 3, 10, 11, 12]);
    expect(LATEST_SCHEMA_VERSION).toBe(12);
    store.close();
  });

  it("upgrades a version-1 database file and keeps its leases", async () => {
    const path = join(dir(), "old.db");
    const old = new Database(path);
    expect(migrate(old, 1)).toEqual([1]);
    old
      .prepare(
        `INSERT INTO leases (id, pool_id, feature, version, count, user, host, display, handle, started_at, last_seen_at, expires_at)
         VALUES ('L1', 'lic:solver:1', 'solver', '1.0', 2, 'alice', 'node001', ':0', 7, 100, 200, 300)`,
      )
      .run();
    old.close();

    const store = new Store(path);
    expect(
      store.db.prepare("SELECT version FROM schema_migrations ORDER BY version").pluck().all(),
    ).toEqual([1, 2, 3, 10, 11, 12]);
    expect(store.loadLeases()).toEqual([
      {
        id: "L1",
        poolId: "lic:solver:1",
        feature: "solver",
        version: "1.0",
        count: 2,
        user: "alice",
        host: "node001",
        display: ":0",
        deviceId: "",
        handle: 7,
        startedAt: 100,
        lastSeenAt: 200,
        expiresAt: 300,
      },
    ]);
    expect(store.loadCredentials()).toBeUndefined();
    await store.setCredentials({ passwordHash: "scrypt$x", isDefault: true }, 1);
    expect(store.loadCredentials()).toEqual({ passwordHash: "scrypt$x", isDefault: true });
    store.close();
  });

  it("keeps the file owner-only and refuses a second server on the same database", () => {
    const path = join(dir(), "one.db");
    const store = new Store(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(`${path}.pid`, "utf8")).toBe(`${process.pid}\n`);
    expect(() => new Store(path)).toThrow(
      `${path} is in use by another lmkeeper server (pid ${process.pid})`,
    );
    store.close();
    expect(existsSync(`${path}.pid`)).toBe(false);
    new Store(path).close();
  });

  it("takes over the lock of a server that died without releasing it", () => {
    const path = join(dir(), "stale.db");
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
      encoding: "utf8",
    });
    writeFileSync(`${path}.pid`, `${dead.stdout}\n`);
    const store = new Store(path);
    expect(readFileSync(`${path}.pid`, "utf8")).toBe(`${process.pid}\n`);
    store.close();
  });

  it("refuses a database from a newer lmkeeper", () => {
    const path = join(dir(), "future.db");
    const db = new Database(path);
    migrate(db);
    db.prepare("INSERT INTO schema_migrations VALUES (99, 'future', 'now')").run();
    db.close();
    expect(() => new Store(path)).toThrow(
      /schema version 99 is newer than this lmkeeper knows \(12\)/,
    );
    expect(existsSync(`${path}.pid`)).toBe(false);
  });
});

describe("GroupCommitter", () => {
  it("commits every write submitted in one event-loop turn in a single transaction", async () => {
    const path = join(dir(), "batch.db");
    const db = new Database(path);
    db.pragma("journal_mode = WAL");
    db.exec("CREATE TABLE t (n INTEGER)");
    const reader = new Database(path, { readonly: true });
    const committer = new GroupCommitter(db);
    const insert = db.prepare("INSERT INTO t VALUES (?)");
    const seen: { inTransaction: boolean; visibleToWriter: number; visibleToReader: number }[] = [];
    const writes = Array.from({ length: 50 }, (_, n) =>
      committer.submit(() => {
        insert.run(n);
        seen.push({
          inTransaction: db.inTransaction,
          visibleToWriter: db.prepare("SELECT COUNT(*) FROM t").pluck().get() as number,
          visibleToReader: reader.prepare("SELECT COUNT(*) FROM t").pluck().get() as number,
        });
      }),
    );
    await Promise.all(writes);
    // all 50 ran inside one open transaction: none was visible to another connection until the end
    expect(seen.every((entry) => entry.inTransaction)).toBe(true);
    expect(seen.map((entry) => entry.visibleToWriter)).toEqual(
      Array.from({ length: 50 }, (_, n) => n + 1),
    );
    expect(seen.every((entry) => entry.visibleToReader === 0)).toBe(true);
    expect(reader.prepare("SELECT COUNT(*) FROM t").pluck().get()).toBe(50);
    reader.close();
    db.close();
  });

  it("rejects the whole batch and keeps nothing of it when one write fails", async () => {
    const db = new Database(join(dir(), "fail.db"));
    db.exec("CREATE TABLE t (n INTEGER NOT NULL)");
    const committer = new GroupCommitter(db);
    const insert = db.prepare("INSERT INTO t VALUES (?)");
    const results = await Promise.allSettled([
      committer.submit(() => insert.run(1)),
      committer.submit(() => insert.run(null)),
    ]);
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected"]);
    expect(db.prepare("SELECT COUNT(*) FROM t").pluck().get()).toBe(0);
    await committer.submit(() => insert.run(3));
    expect(db.prepare("SELECT n FROM t").pluck().all()).toEqual([3]);
    db.close();
  });
});
