import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sameHost as sameHostRule } from "../../src/agent/reconcile/host-names.js";
import { Holders } from "../../src/agent/reconcile/holders.js";
import type { LicenseUse } from "../../src/parsers/index.js";

/** The rule, one pair at a time, written plainly: what Holders and host-names.ts must agree with. */
function sameHost(a: string, b: string): boolean {
  const left = a.toLowerCase().replace(/\.$/, "");
  const right = b.toLowerCase().replace(/\.$/, "");
  if (left === right) return true;
  const shortLeft = left.split(".")[0];
  const oneIsShort = !left.includes(".") || !right.includes(".");
  return oneIsShort && shortLeft === right.split(".")[0] && shortLeft !== "";
}

const holdsOn = (useHost: string, bookingHost: string): boolean =>
  new Holders([{ username: "u", host: useHost, count: 1 }]).holds("u", bookingHost);

describe("matching a booking's host", () => {
  it("matches short host names against FQDNs, not different domains", () => {
    expect(holdsOn("node001", "NODE001.cluster.local")).toBe(true);
    expect(holdsOn("node001.a.org", "node001.a.org.")).toBe(true);
    expect(holdsOn("node001.a.org", "node001.b.org")).toBe(false);
    expect(holdsOn("node001", "node0011")).toBe(false);
    expect(holdsOn(".a.org", "a")).toBe(false);
  });
});

const hostName = fc
  .array(fc.constantFrom("n1", "N1", "n2", "", "a"), { minLength: 1, maxLength: 3 })
  .chain((labels) =>
    fc.constantFrom(labels.join("."), `${labels.join(".")}.`, `.${labels.join(".")}`),
  );

describe("sameHost (host-names.ts), the rule the reconcile plan matches bookings by", () => {
  it("agrees with the plain rule on every pair", () => {
    fc.assert(
      fc.property(hostName, hostName, (a, b) => sameHostRule(a, b) === sameHost(a, b)),
      { numRuns: 3_000, seed: 20261123 },
    );
    expect(sameHostRule("node001", "NODE001.cluster.local.")).toBe(true);
    expect(sameHostRule("node001.a.org", "node001.b.org")).toBe(false);
  });
});

describe("Holders", () => {
  it("finds a booking's user and host among the uses", () => {
    const holders = new Holders([
      { username: "Alice", host: "node001", count: 1 },
      { username: "bob", host: "node002.cluster.local.", count: 2 },
    ]);
    expect(holders.holds("alice", "NODE001.cluster.local")).toBe(true);
    expect(holders.holds("BOB", "node002")).toBe(true);
    expect(holders.holds("bob", "node002.cluster.local")).toBe(true);
    expect(holders.holds("bob", "node002.other.org")).toBe(false);
    expect(holders.holds("alice", "node002")).toBe(false);
  });

  it("agrees with comparing the booking to every use", () => {
    const host = hostName;
    const user = fc.constantFrom("ann", "ANN", "bob");
    const use = fc.record({ username: user, host, count: fc.constant(1) });
    fc.assert(
      fc.property(fc.array(use, { maxLength: 6 }), user, host, (uses: LicenseUse[], u, h) => {
        const expected = uses.some(
          (each) => each.username.toLowerCase() === u.toLowerCase() && sameHost(each.host, h),
        );
        return new Holders(uses).holds(u, h) === expected;
      }),
      { numRuns: 3_000, seed: 20261123 },
    );
  });
});
