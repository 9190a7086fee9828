import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { MIGRATIONS, migrate } from "../../src/api/store/migrations.js";
import { openDatabase } from "../../src/api/store/open.js";
import { SqliteDatabase } from "../../src/api/store/sqlite.js";
import { createStore } from "../../src/api/store/index.js";
import { DRIVERS, type Driver } from "./helpers/api.js";
import { startPostgres, type TestPostgres } from "./helpers/postgres.js";

let postgres: TestPostgres;
const dir = mkdtempSync(join(tmpdir(), "lmkeeper-store-"));
beforeAll(async () => {
  postgres = await startPostgres();
});
afterAll(async () => {
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function target(driver: Driver, name: string): Promise<string> {
  return driver === "sqlite" ? join(dir, `${name}.sqlite`) : postgres.createDatabase(name);
}

describe.each(DRIVERS)("storage over %s", (driver) => {
  test("migrations are versioned and applied once; data survives a reopen", async () => {
    const where = await target(driver, `reopen_${driver}`);
    const first = await openDatabase(where);
    const versions = await first.all<{ version: number; name: string }>(
      "SELECT version, name FROM schema_migrations ORDER BY version",
    );
    expect(versions.map((v) => [Number(v.version), v.name])).toEqual(
      MIGRATIONS.map((m) => [m.version, m.name]),
    );
    expect(await migrate(first)).toEqual([]);
    const store = createStore(first);
    const product = await store.products.create("persisted");
    await first.close();

    const second = await openDatabase(where);
    expect(await createStore(second).products.get(product.id)).toEqual({
      id: product.id,
      name: "persisted",
    });
    await second.close();
  });

  test("a newer migration is applied on top, in its own version", async () => {
    const db = await openDatabase(await target(driver, `upgrade_${driver}`));
    const next = {
      version: 999,
      name: "test column",
      statements: ["ALTER TABLE products ADD COLUMN note TEXT"],
    };
    expect(await migrate(db, [...MIGRATIONS, next])).toEqual([999]);
    expect(await migrate(db, [...MIGRATIONS, next])).toEqual([]);
    await db.run("INSERT INTO products (name, note) VALUES (?, ?)", ["p", "n"]);
    expect(await db.get("SELECT note FROM products WHERE name = ?", ["p"])).toEqual({ note: "n" });
    await db.close();
  });

  test("an unpaged list larger than one statement can bind keeps every child", async () => {
    const db = await openDatabase(await target(driver, `unpaged_${driver}`));
    const rows = 33_000; // above SQLite's 32,766 parameters per statement
    const series = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows})`;
    await db.transaction(async (tx) => {
      await tx.run("INSERT INTO products (name) VALUES ('p')");
      await tx.run(
        `${series} INSERT INTO configurations (name, cluster_client_id, grace_time, type) SELECT 'c' || CAST(i AS TEXT), 'k', 60, 'flexlm' FROM n`,
      );
      await tx.run(
        `INSERT INTO features (name, product_id, config_id, total) SELECT 'f', 1, id, id FROM configurations WHERE id % 1000 = 0`,
      );
      await tx.run(
        `${series} INSERT INTO jobs (slurm_job_id, cluster_client_id, username, lead_host) SELECT CAST(i AS TEXT), 'k', 'u', 'h' FROM n`,
      );
      await tx.run(
        `INSERT INTO bookings (job_id, feature_id, quantity, created_at) SELECT j.id, f.id, 1, 'now' FROM jobs j JOIN features f ON f.config_id = j.id`,
      );
    });
    const store = createStore(db);
    const ascending = { sortAscending: true };

    const jobs = (await store.jobs.list(ascending)).items;
    expect(jobs).toHaveLength(rows);
    const booked = jobs.filter((job) => job.bookings.length > 0);
    expect(booked.map((job) => Number(job.id))).toEqual(
      Array.from({ length: 33 }, (_, k) => (k + 1) * 1000),
    );
    expect(booked.every((job) => job.bookings[0]?.jobId === job.id)).toBe(true);

    const configurations = (await store.configurations.list(ascending)).items;
    expect(configurations).toHaveLength(rows);
    const withFeatures = configurations.filter((c) => c.features.length > 0);
    expect(withFeatures.map((c) => [Number(c.id), c.features[0]?.total])).toEqual(
      Array.from({ length: 33 }, (_, k) => [(k + 1) * 1000, (k + 1) * 1000]),
    );
    await db.close();
  }, 120_000);

  test("a failed transaction leaves nothing behind", async () => {
    const db = await openDatabase(await target(driver, `rollback_${driver}`));
    await expect(
      db.transaction(async (tx) => {
        await tx.run("INSERT INTO products (name) VALUES (?)", ["half"]);
        throw new Error("stop");
      }),
    ).rejects.toThrow("stop");
    expect(await db.all("SELECT * FROM products")).toEqual([]);
    await db.close();
  });
});

test("SQLite runs in WAL mode", async () => {
  const db = new SqliteDatabase(join(dir, "wal.sqlite"));
  expect(db.journalMode).toBe("wal");
  await db.close();
});
