import pg from "pg";
import {
  ConstraintViolation,
  InvalidValue,
  type Database,
  type SqlExecutor,
  type SqlValue,
} from "./db.js";

/** `?` placeholders become `$1, $2, …` (the SQL is ours and has no `?` in literals). */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

function translate(error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  const message = (error as Error).message;
  if (code === "23505") return new ConstraintViolation("unique", message);
  if (code === "23503") return new ConstraintViolation("foreign-key", message);
  if (code === "23514") return new ConstraintViolation("check", message);
  if (typeof code === "string" && code.startsWith("22")) return new InvalidValue(message);
  return error;
}

/** deadlock_detected, serialization_failure */
function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === "40P01" || code === "40001";
}

type Queryable = Pick<pg.Pool, "query"> | pg.PoolClient;

function executorFor(target: Queryable): SqlExecutor {
  const query = async (sql: string, params: readonly SqlValue[]) => {
    try {
      return await target.query(numberPlaceholders(sql), [...params]);
    } catch (error) {
      throw translate(error);
    }
  };
  return {
    all: async <T>(sql: string, params: readonly SqlValue[] = []) =>
      (await query(sql, params)).rows as T[],
    get: async <T>(sql: string, params: readonly SqlValue[] = []) =>
      (await query(sql, params)).rows[0] as T | undefined,
    run: async (sql: string, params: readonly SqlValue[] = []) => ({
      changes: (await query(sql, params)).rowCount ?? 0,
    }),
  };
}

/** PostgreSQL through a pg connection pool; each transaction holds one pooled client. */
export class PostgresDatabase implements Database {
  readonly dialect = "postgres" as const;
  private readonly pool: pg.Pool;
  private readonly executor: SqlExecutor;

  constructor(connectionString: string) {
    this.pool = new pg.Pool({ connectionString, max: 10 });
    // an idle client losing its server must not crash the process
    this.pool.on("error", () => undefined);
    this.executor = executorFor(this.pool);
  }

  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.executor.all<T>(sql, params);
  }

  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return this.executor.get<T>(sql, params);
  }

  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }> {
    return this.executor.run(sql, params);
  }

  /** Runs `work` in a transaction; a deadlock or serialization failure reruns it (3 tries in all). */
  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.transactionOnce(work);
      } catch (error) {
        if (attempt >= 3 || !isRetryable(error)) throw error;
      }
    }
  }

  private async transactionOnce<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const result = await work(executorFor(client));
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
