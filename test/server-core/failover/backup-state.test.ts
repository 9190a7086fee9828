import { describe, expect, it } from "vitest";
import { afterPull, INITIAL_BACKUP_STATE } from "../../../src/server-core/failover/backup-state.js";
import { hasSyncSecret } from "../../../src/server-core/failover/protocol.js";

describe("afterPull", () => {
  it("stands by and adopts while the main answers", () => {
    expect(afterPull(INITIAL_BACKUP_STATE, true, 2)).toEqual({
      state: { mode: "standby", consecutiveFailures: 0 },
      action: "adopt",
    });
  });

  it("enters failover only after the configured number of failed pulls in a row", () => {
    const once = afterPull(INITIAL_BACKUP_STATE, false, 3);
    expect(once).toEqual({ state: { mode: "standby", consecutiveFailures: 1 }, action: "none" });
    const twice = afterPull(once.state, false, 3);
    expect(twice.action).toBe("none");
    const thrice = afterPull(twice.state, false, 3);
    expect(thrice).toEqual({
      state: { mode: "failover", consecutiveFailures: 3 },
      action: "enter-failover",
    });
    expect(afterPull(thrice.state, false, 3)).toEqual({
      state: { mode: "failover", consecutiveFailures: 4 },
      action: "none",
    });
  });

  it("a good pull in between resets the count", () => {
    const failed = afterPull(INITIAL_BACKUP_STATE, false, 2);
    const ok = afterPull(failed.state, true, 2);
    expect(afterPull(ok.state, false, 2).action).toBe("none");
  });

  it("hands leases over on the first good pull after failover", () => {
    expect(afterPull({ mode: "failover", consecutiveFailures: 5 }, true, 2)).toEqual({
      state: { mode: "standby", consecutiveFailures: 0 },
      action: "handover-then-adopt",
    });
  });
});

describe("hasSyncSecret", () => {
  it("accepts only the pair's bearer secret", () => {
    const secret = "pair-secret-0123456789";
    expect(hasSyncSecret(`Bearer ${secret}`, secret)).toBe(true);
    expect(hasSyncSecret(`Bearer ${secret}x`, secret)).toBe(false);
    expect(hasSyncSecret(`Basic ${secret}`, secret)).toBe(false);
    expect(hasSyncSecret(undefined, secret)).toBe(false);
  });
});
