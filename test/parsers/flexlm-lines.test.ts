import { describe, expect, it } from "vitest";
import {
  parseCheckoutLine,
  parseQueuedLine,
  reservationCount,
  splitHolder,
} from "../../src/parsers/flexlm-lines.js";

describe("splitHolder: user host display, where user and display may hold spaces", () => {
  it.each([
    ["user1 server9 /dev/tty", "user1", "server9"],
    ["user11 server19", "user11", "server19"],
    ["Mary Ann ws7 /dev/pts/3", "Mary Ann", "ws7"],
    ["Mary Ann ws7 ws7:0.0 (remote desktop)", "Mary Ann", "ws7"],
    ["bob node001 node001:0 (console 2)", "bob", "node001"],
    ['John Doe John_D "U,K$`Ct`0\'"C iQwgGsne<&!', "John Doe", "John_D"],
    ["Jane Doe Jr. jane icc&f3rU7|<7R/oW/r`?Fj_K5", "Jane Doe Jr.", "jane"],
  ])("%s → %s @ %s", (left, username, host) => {
    expect(splitHolder(left)).toEqual({ username, host });
  });

  it("needs at least a user and a host", () => {
    expect(splitHolder("lonely")).toBeUndefined();
    expect(splitHolder("   ")).toBeUndefined();
  });
});

describe("checkout, queued and reservation lines", () => {
  it("reads counts, linger and PID suffixes in either order", () => {
    const line = (tail: string): string =>
      `    ann n1 /dev/pts/1 (v1.0) (lic1/27000 12), start Sun 11/22 9:05${tail}`;
    expect(parseCheckoutLine(line(""))).toEqual({ username: "ann", host: "n1", count: 1 });
    expect(parseCheckoutLine(line(", 1 license"))?.count).toBe(1);
    expect(parseCheckoutLine(line(", 16 licenses  (linger: 88 / 134)"))?.count).toBe(16);
    expect(parseCheckoutLine(line("  (linger: 88 / 134), PID: 7"))?.count).toBe(1);
    expect(parseCheckoutLine(line(", 2 licenses, PID: 4410 "))?.count).toBe(2);
    expect(parseCheckoutLine(line(", two licenses"))).toBeUndefined();
    expect(parseCheckoutLine(line(", 2 licenses, later"))).toBeUndefined();
    expect(
      parseCheckoutLine("    ann n1 /dev/pts/1 (lic1/27000 12), start Sun 11/22 9:05"),
    ).toBeUndefined();
  });

  it("reads queued and reservation lines", () => {
    expect(
      parseQueuedLine("user3 s6 fj2 2017.06 (v2017.06) (host3/27002 15480) queued for 3 licenses"),
    ).toBe(3);
    expect(parseQueuedLine("user3 s6 fj2 (host3) queued for 3 licenses")).toBeUndefined();
    expect(reservationCount("48 RESERVATIONs for GROUP GROUP1 (host3.domain.net/27002)")).toBe(48);
    expect(reservationCount("1 RESERVATION for HOST_GROUP big nodes (lic1/27000)")).toBe(1);
    expect(reservationCount("some RESERVATIONs for GROUP g (lic1/27000)")).toBeUndefined();
    expect(reservationCount("3 RESERVATIONs for GROUP g")).toBeUndefined();
  });
});
