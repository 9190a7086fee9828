import { describe, expect, it } from "vitest";
import { UsageHistory, usageByFeature } from "../../../src/server-core/usage-history.js";

const sample = (at: number, used: number) => ({
  at,
  features: new Map([["solver", { used, total: 10 }]]),
});

describe("usage history", () => {
  it("keeps only the newest samples up to its capacity", () => {
    const history = new UsageHistory(3);
    for (let at = 1; at <= 5; at += 1) history.record(sample(at * 1000, at));
    expect(history.length).toBe(3);
    expect(history.series(["solver", "absent"])).toEqual([
      {
        feature: "solver",
        points: [
          { at: 3000, used: 3, total: 10 },
          { at: 4000, used: 4, total: 10 },
          { at: 5000, used: 5, total: 10 },
        ],
      },
      { feature: "absent", points: [] },
    ]);
  });

  it("plots idle features at zero and follows a changed total", () => {
    const history = new UsageHistory(5);
    const at = (ms: number, idleTotal: number) => ({
      at: ms,
      features: new Map([
        ["solver", { used: 2, total: 10 }],
        ["idle", { used: 0, total: idleTotal }],
      ]),
    });
    history.record(at(1000, 4));
    history.record(at(2000, 4));
    history.record(at(3000, 6));
    expect(history.series(["idle"])[0]?.points).toEqual([
      { at: 1000, used: 0, total: 4 },
      { at: 2000, used: 0, total: 4 },
      { at: 3000, used: 0, total: 6 },
    ]);
    expect(history.busiest(1)).toEqual(["solver"]);
  });

  it("refuses a capacity that is not a positive whole number", () => {
    expect(() => new UsageHistory(0)).toThrow(
      "usage history capacity must be a positive integer, got 0",
    );
  });

  it("sums versions of a feature; uncounted stays uncounted", () => {
    const totals = usageByFeature([
      { name: "solver", used: 2, total: 10 },
      { name: "solver", used: 1, total: 3 },
      { name: "viewer", used: 4, total: null },
    ]);
    expect([...totals.entries()]).toEqual([
      ["solver", { used: 3, total: 13 }],
      ["viewer", { used: 4, total: null }],
    ]);
  });
});
