import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { ConstraintViolation, type Database, type SqlExecutor, type SqlValue } from "./db.js";

function translate(error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== "string") return error;
  const message = (error as Error).message;
  if (code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY") {
    return new ConstraintViolation("unique", message);
  }
  if (code === "SQLITE_CONSTRAINT_FOREIGNKEY")
    return new ConstraintViolation("foreign-key", message);
  if (code === "SQLITE_CONSTRAINT_CHECK") return new ConstraintViolation("check", message);
  return error;
}

/**
 * SQLite through one better-sqlite3 connection (WAL). Statements are synchronous but the
 * repository awaits between them, so every operation waits its turn in a queue: a
 * transaction owns the connection from BEGIN IMMEDIATE to COMMIT and nothing interleaves.
 */
export class SqliteDatabase implements Database {
  readonly dialect = "sqlite" as const;
  private readonly db: BetterSqlite3.Database;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly executor: SqlExecutor;

  constructor(path: string) {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.db = new BetterSqlite3(path);
    this.db.pragma("journal_mode = WAL");
    // an acknowledged booking must survive a power cut
    this.db.pragma("synchronous = FULL");
    this.db.pragma("foreign_keys = ON");
    this.db.pragma("busy_timeout = 5000");
    const statement = (sql: string) => this.db.prepare(sql);
    this.executor = {
      all: async <T>(sql: string, params: readonly SqlValue[] = []) => {
        try {
          return statement(sql).all(...params) as T[];
        } catch (error) {
          throw translate(error);
        }
      },
      get: async <T>(sql: string, params: readonly SqlValue[] = []) => {
        try {
          return statement(sql).get(...params) as T | undefined;
        } catch (error) {
          throw translate(error);
        }
      },
      run: async (sql: string, params: readonly SqlValue[] = []) => {
        try {
          return { changes: statement(sql).run(...params).changes };
        } catch (error) {
          throw translate(error);
        }
      },
    };
  }

  get journalMode(): string {
    return String(this.db.pragma("journal_mode", { simple: true }));
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.inTurn(() => this.executor.all<T>(sql, params));
  }

  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return this.inTurn(() => this.executor.get<T>(sql, params));
  }

  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }> {
    return this.inTurn(() => this.executor.run(sql, params));
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.inTurn(async () => {
      this.db.exec("BEGIN IMMEDIATE");
      try {
        const result = await work(this.executor);
        this.db.exec("COMMIT");
        return result;
      } catch (error) {
        this.db.exec("ROLLBACK");
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    await this.queue;
    this.db.close();
  }
}
