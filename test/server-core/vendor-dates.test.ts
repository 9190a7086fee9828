import { describe, expect, it } from "vitest";
import { expiryDay, utcSeconds } from "../../src/server-core/status/vendor-dates.js";

describe("expiryDay", () => {
  it("turns FlexLM's d-mmm-yyyy into YYYY-MM-DD", () => {
    expect(expiryDay("31-dec-2027")).toBe("2027-12-31");
    expect(expiryDay("1-JAN-2027")).toBe("2027-01-01");
  });

  it("gives the last day of year 9999 for licenses that never expire", () => {
    expect(expiryDay("permanent")).toBe("9999-12-31");
    expect(expiryDay("1-jan-0")).toBe("9999-12-31");
    expect(expiryDay("1-jan-0000")).toBe("9999-12-31");
  });
});

describe("utcSeconds", () => {
  it("prints an ISO instant as YYYY-MM-DD HH:MM:SS in UTC", () => {
    expect(utcSeconds("2026-11-22T09:05:07.250Z")).toBe("2026-11-22 09:05:07");
    expect(utcSeconds("2026-11-22T10:05:07+01:00")).toBe("2026-11-22 09:05:07");
  });

  it("prints nothing for a time it cannot read", () => {
    expect(utcSeconds("yesterday")).toBe("");
  });
});
