import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { z } from "zod";
import type { LeaseView } from "./http/lease-routes.js";

export const DEFAULT_GRACE_MS = 7 * 24 * 60 * 60 * 1000;

const heldLeaseSchema = z.object({
  server: z.string(),
  lease: z.object({
    id: z.string(),
    feature: z.string(),
    version: z.string(),
    grantedVersion: z.string(),
    count: z.number(),
    handle: z.number(),
    startedAt: z.string(),
    lastSeenAt: z.string(),
    expiresAt: z.string(),
  }),
  /** last time the server confirmed the lease */
  validatedAt: z.string(),
  /** first failed attempt to reach the server since the last success */
  unreachableSince: z.string().optional(),
});

const stateSchema = z.object({ version: z.literal(1), leases: z.array(heldLeaseSchema) });

export type HeldLease = z.output<typeof heldLeaseSchema>;
export type ClientState = z.output<typeof stateSchema>;

export type Standing =
  | { state: "valid" }
  | { state: "grace"; since: string; graceEndsAt: string }
  | { state: "expired"; since: string; graceEndedAt: string };

/**
 * A lease the server once granted keeps working while the server cannot be reached, for the
 * grace period counted from the first failed attempt; reaching the server again resets it.
 */
export function standingOf(held: HeldLease, now: number, graceMs: number): Standing {
  if (held.unreachableSince === undefined) return { state: "valid" };
  const ends = Date.parse(held.unreachableSince) + graceMs;
  const endsAt = new Date(ends).toISOString();
  return now < ends
    ? { state: "grace", since: held.unreachableSince, graceEndsAt: endsAt }
    : { state: "expired", since: held.unreachableSince, graceEndedAt: endsAt };
}

export function defaultStatePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env["LMKEEPER_LEASE_STATE"]) return env["LMKEEPER_LEASE_STATE"];
  const base = env["XDG_STATE_HOME"] || join(homedir(), ".local", "state");
  return join(base, "lmkeeper", "leases.json");
}

export class ClientStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ClientStateError";
  }
}

export function readClientState(path: string): ClientState {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { version: 1, leases: [] };
    throw error;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ClientStateError(`${path}: not valid JSON: ${(error as Error).message}`);
  }
  const result = stateSchema.safeParse(data);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ClientStateError(`${path}: ${issues.join("; ")}`);
  }
  return result.data;
}

/** Writes via a temporary file and rename, so a crash never leaves half a state file. */
export function writeClientState(path: string, state: ClientState): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}

export function rememberLease(
  state: ClientState,
  server: string,
  lease: LeaseView,
  now: number,
): ClientState {
  return {
    version: 1,
    leases: [...state.leases, { server, lease, validatedAt: new Date(now).toISOString() }],
  };
}

const LOCK_WAIT_MS = 10_000;
/** a lock older than this was left by a process that died holding it */
const STALE_LOCK_MS = 60_000;

/**
 * Runs `work` while holding `<state>.lock` (created exclusively), so concurrent invocations
 * of the script commands do not lose each other's leases in the read-modify-write.
 */
export async function withStateLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(path), { recursive: true });
  const lockPath = `${path}.lock`;
  const giveUpAt = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      closeSync(openSync(lockPath, "wx"));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (isStale(lockPath)) {
        unlinkSync(lockPath);
        continue;
      }
      if (Date.now() > giveUpAt)
        throw new ClientStateError(`${lockPath}: still locked after ${LOCK_WAIT_MS / 1000} s`);
      await sleep(10 + Math.random() * 20);
    }
  }
  try {
    return await work();
  } finally {
    unlinkSync(lockPath);
  }
}

function isStale(lockPath: string): boolean {
  try {
    return Date.now() - statSync(lockPath).mtimeMs > STALE_LOCK_MS;
  } catch {
    return false;
  }
}
