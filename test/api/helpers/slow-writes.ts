import type { Database, SqlExecutor } from "../../../src/api/store/db.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The real database, with statements matching `pattern` started only after a pause: it
 * widens the window between a transaction's check and its write, so a check-then-write
 * that is not atomic lets concurrent transactions through every time instead of by luck.
 */
export function slowWrites(db: Database, pattern: RegExp, pauseMs: number): Database {
  const slow = (ex: SqlExecutor): SqlExecutor => ({
    all: async (sql, params) => {
      if (pattern.test(sql)) await sleep(pauseMs);
      return ex.all(sql, params);
    },
    get: async (sql, params) => {
      if (pattern.test(sql)) await sleep(pauseMs);
      return ex.get(sql, params);
    },
    run: async (sql, params) => {
      if (pattern.test(sql)) await sleep(pauseMs);
      return ex.run(sql, params);
    },
  });
  return {
    dialect: db.dialect,
    ...slow(db),
    transaction: (work) => db.transaction((tx) => work(slow(tx))),
    close: () => db.close(),
  };
}
