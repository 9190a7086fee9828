import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";

/** A token and when to stop using it (epoch ms). */
export interface StoredToken {
  token: string;
  refreshAt: number;
}

/** Where a token provider keeps its token between processes. */
export interface TokenStore {
  load(): StoredToken | undefined;
  save(entry: StoredToken): void;
  clear(): void;
}

/**
 * A token kept in a file (mode 0600), so short-lived processes (the Slurm prolog and epilog,
 * one per job) share one token instead of asking the identity provider each time. The
 * file is replaced atomically; an unreadable or malformed file just means "no token".
 */
export class FileTokenStore implements TokenStore {
  constructor(private readonly path: string) {}

  load(): StoredToken | undefined {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.path, "utf8"));
    } catch {
      return undefined;
    }
    if (
      typeof parsed === "object" &&
      parsed !== null &&
      typeof (parsed as StoredToken).token === "string" &&
      (parsed as StoredToken).token !== "" &&
      Number.isFinite((parsed as StoredToken).refreshAt)
    ) {
      const { token, refreshAt } = parsed as StoredToken;
      return { token, refreshAt };
    }
    return undefined;
  }

  /** Best effort: a cache that cannot be written costs one token request next time. */
  save(entry: StoredToken): void {
    const temporary = `${this.path}.${process.pid}.tmp`;
    try {
      writeFileSync(temporary, JSON.stringify(entry), { mode: 0o600 });
      renameSync(temporary, this.path);
    } catch {
      rmSync(temporary, { force: true });
    }
  }

  clear(): void {
    rmSync(this.path, { force: true });
  }
}
