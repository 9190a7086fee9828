/** A value bound to a `?` placeholder. */
export type SqlValue = string | number | null;

/** Runs SQL written once for both drivers: `?` placeholders, portable syntax. */
export interface SqlExecutor {
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
}

export type Dialect = "sqlite" | "postgres";

export interface Database extends SqlExecutor {
  readonly dialect: Dialect;
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws.
   * Statements must go through the given executor.
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A constraint the database refused, told apart from other failures by the drivers. */
export class ConstraintViolation extends Error {
  constructor(
    readonly kind: "unique" | "foreign-key" | "check",
    message: string,
  ) {
    super(message);
    this.name = "ConstraintViolation";
  }
}

/** A value the database cannot store (PostgreSQL's data exceptions: out of range, bad bytes). */
export class InvalidValue extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidValue";
  }
}
