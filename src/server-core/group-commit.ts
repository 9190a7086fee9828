import type Database from "better-sqlite3";

type Write = () => void;

interface Pending {
  write: Write;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Collects the writes submitted during one event-loop turn and commits them in one
 * transaction (one fsync under synchronous=FULL), then settles their promises. A caller
 * answers its client only after its promise resolves, so an acknowledged write is durable.
 * Batches commit in submission order; if a batch fails, every write in it is rejected.
 */
export class GroupCommitter {
  private pending: Pending[] = [];
  private scheduled = false;
  private readonly commitBatch: (writes: Write[]) => void;

  constructor(db: Database.Database) {
    this.commitBatch = db.transaction((writes: Write[]) => {
      for (const write of writes) write();
    });
  }

  submit(write: Write): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ write, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits whatever is pending now (also used on shutdown). */
  flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    try {
      this.commitBatch(batch.map((entry) => entry.write));
    } catch (error) {
      for (const entry of batch) entry.reject(error as Error);
      return;
    }
    for (const entry of batch) entry.resolve();
  }
}
