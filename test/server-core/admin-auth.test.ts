import { describe, expect, it } from "vitest";
import {
  DEFAULT_ADMIN_PASSWORD,
  LOCKOUT_MS,
  LoginGuard,
  hashPassword,
  parseBasicAuth,
  passwordProblems,
  verifyPassword,
} from "../../src/server-core/admin-auth.js";

describe("password rules", () => {
  it("accepts passwords that meet every rule, including the default", () => {
    expect(passwordProblems(DEFAULT_ADMIN_PASSWORD)).toEqual([]);
    expect(passwordProblems("Abcdef1!")).toEqual([]);
    expect(passwordProblems("Abcdefghijklmnopqrstuvwxyz1#45")).toEqual([]);
  });

  it.each([
    ["Abcde1!", "must be between 8 and 30 characters long"],
    ["Abcdefghijklmnopqrstuvwxyz1#456", "must be between 8 and 30 characters long"],
    ["ABCDEFG1!", "must contain at least one lowercase letter"],
    ["abcdefg1!", "must contain at least one uppercase letter"],
    ["Abcdefgh!", "must contain at least one digit"],
    ["Abcdefgh1", "must contain at least one symbol other than ' \" \\"],
    ["Abcd efg1!", "must not contain ' \" \\ or spaces"],
    ["Abcd'efg1!", "must not contain ' \" \\ or spaces"],
    ['Abcd"efg1!', "must not contain ' \" \\ or spaces"],
    ["Abcd\\efg1!", "must not contain ' \" \\ or spaces"],
  ])("rejects %j", (password, problem) => {
    expect(passwordProblems(password)).toEqual([problem]);
  });
});

describe("password hashing", () => {
  it("stores only a salted scrypt hash and verifies against it", async () => {
    const stored = await hashPassword("Secr3t-pass");
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(stored).not.toContain("Secr3t-pass");
    expect(await hashPassword("Secr3t-pass")).not.toBe(stored);
    expect(await verifyPassword("Secr3t-pass", stored)).toBe(true);
    expect(await verifyPassword("Secr3t-pasS", stored)).toBe(false);
  });
});

describe("basic auth header", () => {
  it("decodes user and password (a password may contain colons)", () => {
    const header = `Basic ${Buffer.from("admin:a:b").toString("base64")}`;
    expect(parseBasicAuth(header)).toEqual({ user: "admin", password: "a:b" });
    expect(parseBasicAuth("Bearer x")).toBeUndefined();
    expect(parseBasicAuth(undefined)).toBeUndefined();
  });
});

describe("LoginGuard", () => {
  it("locks after 3 consecutive failures for 10 minutes; a success in between resets the count", () => {
    const guard = new LoginGuard();
    guard.recordFailure(0);
    guard.recordFailure(0);
    guard.recordSuccess();
    guard.recordFailure(0);
    guard.recordFailure(0);
    expect(guard.isLocked(0)).toBe(false);
    guard.recordFailure(1000);
    expect(guard.isLocked(1000)).toBe(true);
    expect(guard.isLocked(1000 + LOCKOUT_MS - 1)).toBe(true);
    expect(guard.isLocked(1000 + LOCKOUT_MS)).toBe(false);
  });
});
