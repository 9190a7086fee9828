import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";

export class DatabaseInUseError extends Error {
  constructor(path: string, pid: number) {
    super(
      `${path} is in use by another lmkeeper server (pid ${pid}); two servers on one database would over-grant`,
    );
    this.name = "DatabaseInUseError";
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Claims `<database>.pid` for this process. A lock left by a process that no longer exists
 * (after kill -9) is taken over; a live one refuses the start. Returns the release function.
 */
export function claimDatabase(databasePath: string): () => void {
  const lockPath = `${databasePath}.pid`;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const fd = openSync(lockPath, "wx", 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(lockPath, "utf8").trim() === String(process.pid)) unlinkSync(lockPath);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number(readFileSync(lockPath, "utf8").trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
        throw new DatabaseInUseError(databasePath, holder);
      }
      if (holder === process.pid) throw new DatabaseInUseError(databasePath, holder);
      unlinkSync(lockPath);
    }
  }
  throw new Error(`${lockPath}: could not be claimed`);
}
