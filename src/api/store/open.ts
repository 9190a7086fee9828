import type { Database } from "./db.js";
import { migrate } from "./migrations.js";

/** `postgres://…`/`postgresql://…` selects PostgreSQL; anything else is a SQLite file path. */
export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}

/** Opens the database the target names and brings its schema up to date. */
export async function openDatabase(target: string): Promise<Database> {
  let db: Database;
  if (isPostgresUrl(target)) {
    const { PostgresDatabase } = await import("./postgres.js");
    db = new PostgresDatabase(target);
  } else {
    const { SqliteDatabase } = await import("./sqlite.js");
    db = new SqliteDatabase(target.replace(/^sqlite:(\/\/)?/i, ""));
  }
  try {
    await migrate(db);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  return db;
}
