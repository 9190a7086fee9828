import {
  ADMIN_USER,
  DEFAULT_ADMIN_PASSWORD,
  LoginGuard,
  hashPassword,
  parseBasicAuth,
  passwordProblems,
  verifyPassword,
} from "./admin-auth.js";
import type { AdminCredentials, Store } from "./store.js";

export type AdminDenialCode = "AUTH_REQUIRED" | "BAD_CREDENTIALS" | "TOO_MANY_FAILED_LOGINS";

export type AuthOutcome =
  | { ok: true; isDefaultPassword: boolean }
  | { ok: false; status: 401 | 429; code: AdminDenialCode; message: string };

export type PasswordChangeOutcome =
  | { ok: true }
  | {
      ok: false;
      code: "PASSWORD_RULES" | "PASSWORD_UNCHANGED";
      message: string;
      problems: string[];
    };

/** Admin credentials (scrypt hash in the store) and the failed-login lockout. */
export class AdminAccess {
  private readonly guard = new LoginGuard();

  private constructor(
    private readonly store: Store,
    private credentials: AdminCredentials,
  ) {}

  /** Loads the stored credentials, or starts with the default password on a new database. */
  static async open(store: Store, now: number): Promise<AdminAccess> {
    let credentials = store.loadCredentials();
    if (!credentials) {
      credentials = { passwordHash: await hashPassword(DEFAULT_ADMIN_PASSWORD), isDefault: true };
      await store.setCredentials(credentials, now);
    }
    return new AdminAccess(store, credentials);
  }

  get isDefaultPassword(): boolean {
    return this.credentials.isDefault;
  }

  async authenticate(authorization: string | undefined, now: number): Promise<AuthOutcome> {
    if (this.guard.isLocked(now)) return this.lockedOut();
    const given = parseBasicAuth(authorization);
    if (!given) {
      return {
        ok: false,
        status: 401,
        code: "AUTH_REQUIRED",
        message: "Admin credentials are required (HTTP Basic, user admin)",
      };
    }
    const matches =
      (await verifyPassword(given.password, this.credentials.passwordHash)) &&
      given.user === ADMIN_USER;
    if (this.guard.isLocked(now)) return this.lockedOut();
    if (!matches) {
      this.guard.recordFailure(now);
      return {
        ok: false,
        status: 401,
        code: "BAD_CREDENTIALS",
        message: "Wrong admin user or password",
      };
    }
    this.guard.recordSuccess();
    return { ok: true, isDefaultPassword: this.credentials.isDefault };
  }

  /** Call only after authenticate() succeeded with the current password. */
  async changePassword(newPassword: string, now: number): Promise<PasswordChangeOutcome> {
    const problems = passwordProblems(newPassword);
    if (problems.length > 0) {
      return {
        ok: false,
        code: "PASSWORD_RULES",
        message: `The new password ${problems.join("; ")}`,
        problems,
      };
    }
    if (
      newPassword === DEFAULT_ADMIN_PASSWORD ||
      (await verifyPassword(newPassword, this.credentials.passwordHash))
    ) {
      return {
        ok: false,
        code: "PASSWORD_UNCHANGED",
        message: "The new password must differ from the current and the default password",
        problems: [],
      };
    }
    const credentials = { passwordHash: await hashPassword(newPassword), isDefault: false };
    await this.store.setCredentials(credentials, now);
    this.credentials = credentials;
    return { ok: true };
  }

  private lockedOut(): AuthOutcome {
    return {
      ok: false,
      status: 429,
      code: "TOO_MANY_FAILED_LOGINS",
      message:
        "Too many failed logins: admin access is blocked for 10 minutes or until the server restarts",
    };
  }
}
