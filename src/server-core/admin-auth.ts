import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

/** The password every new installation starts with; it must be changed before any other admin call. */
export const DEFAULT_ADMIN_PASSWORD = "1P@ssw0rd!";
export const ADMIN_USER = "admin";
export const MAX_FAILED_LOGINS = 3;
export const LOCKOUT_MS = 10 * 60 * 1000;

/** Every rule the password breaks, empty when it is acceptable. */
export function passwordProblems(password: string): string[] {
  const problems: string[] = [];
  if (password.length < 8 || password.length > 30)
    problems.push("must be between 8 and 30 characters long");
  if (!/[a-z]/.test(password)) problems.push("must contain at least one lowercase letter");
  if (!/[A-Z]/.test(password)) problems.push("must contain at least one uppercase letter");
  if (!/[0-9]/.test(password)) problems.push("must contain at least one digit");
  if (/['"\\\s]/.test(password)) problems.push("must not contain ' \" \\ or spaces");
  if (!/[^A-Za-z0-9'"\\\s]/.test(password))
    problems.push("must contain at least one symbol other than ' \" \\");
  return problems;
}

const SCRYPT = { N: 16384, r: 8, p: 1, keyLength: 32 };

function scryptAsync(
  password: string,
  salt: Buffer,
  N: number,
  r: number,
  p: number,
  keyLength: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, { N, r, p, maxmem: 128 * N * r * 2 }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** `scrypt$N$r$p$salt$hash` (base64 parts): the only form a password is ever stored in. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p, SCRYPT.keyLength);
  return [
    "scrypt",
    SCRYPT.N,
    SCRYPT.r,
    SCRYPT.p,
    salt.toString("base64"),
    key.toString("base64"),
  ].join("$");
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !n || !r || !p || !salt || !hash)
    throw new Error("stored password hash is malformed");
  const expected = Buffer.from(hash, "base64");
  const key = await scryptAsync(
    password,
    Buffer.from(salt, "base64"),
    Number(n),
    Number(r),
    Number(p),
    expected.length,
  );
  return timingSafeEqual(key, expected);
}

/** Decodes `Authorization: Basic …`; undefined when absent or not Basic. */
export function parseBasicAuth(
  header: string | undefined,
): { user: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "");
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Consecutive wrong passwords lock admin access for LOCKOUT_MS. Kept in memory only, so a
 * restart lifts the lock (as the vendor server does).
 */
export class LoginGuard {
  private failures = 0;
  private lockedUntil = 0;

  isLocked(now: number): boolean {
    return now < this.lockedUntil;
  }

  lockedUntilMs(): number {
    return this.lockedUntil;
  }

  recordFailure(now: number): void {
    this.failures += 1;
    if (this.failures >= MAX_FAILED_LOGINS) {
      this.lockedUntil = now + LOCKOUT_MS;
      this.failures = 0;
    }
  }

  recordSuccess(): void {
    this.failures = 0;
  }
}
