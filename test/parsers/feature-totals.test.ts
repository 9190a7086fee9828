import { describe, expect, it } from "vitest";
import { FeatureAccumulator } from "../../src/parsers/feature-totals.js";

describe("FeatureAccumulator", () => {
  it("sums pools of a feature named in any case, keeping the first spelling and the earliest ISO expiry", () => {
    const features = new FeatureAccumulator();
    const first = features.addPool("Solver", { total: 4, expires: "2030-05-01" });
    expect(features.addPool("SOLVER", { total: 2, vendor: "acme", expires: "2029-12-31" })).toBe(
      first,
    );
    features.addPoolTo(first, { total: 1, expires: "2031-01-01 00:00:00" });
    features.addPoolTo(first, { total: 1, expires: "permanent" });
    expect(features.toFeatures()).toStrictEqual([
      {
        feature: "Solver",
        total: 8,
        used: 0,
        reserved: 0,
        uses: [],
        vendor: "acme",
        expires: "2029-12-31",
      },
    ]);
  });

  it("adds no key a pool does not know", () => {
    const features = new FeatureAccumulator();
    const feature = features.addPool("A", { total: 1 });
    features.addPoolTo(feature, { total: 1, vendor: undefined, product: undefined });
    expect(Object.keys(feature).sort()).toEqual(["feature", "reserved", "total", "used", "uses"]);
  });
});
