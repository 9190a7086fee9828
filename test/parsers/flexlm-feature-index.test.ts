import { describe, expect, it } from "vitest";
import { FeatureIndex } from "../../src/parsers/flexlm-feature-index.js";
import type { FeatureUsage } from "../../src/parsers/types.js";

function usage(feature: string, vendor?: string): FeatureUsage {
  const made: FeatureUsage = { feature, total: 1, used: 0, reserved: 0, uses: [] };
  if (vendor !== undefined) made.vendor = vendor;
  return made;
}

/** Lists each usage the index has not seen; returns the ones it had (by index in `listed`). */
function listAll(
  index: FeatureIndex,
  usages: FeatureUsage[],
): { listed: FeatureUsage[]; repeats: number[] } {
  const listed: FeatureUsage[] = [];
  const repeats: number[] = [];
  for (const next of usages) {
    const known = index.findOrAdd(next, listed);
    if (known) repeats.push(listed.indexOf(known));
    else listed.push(next);
  }
  return { listed, repeats };
}

describe("FeatureIndex", () => {
  it("finds a feature by exact name and vendor, and keeps other vendors and letter cases apart", () => {
    const { listed, repeats } = listAll(new FeatureIndex(), [
      usage("CFD", "acme"),
      usage("CFD", "cdslmd"),
      usage("cfd", "acme"),
      usage("CFD"),
      usage("CFD", "acme"),
      usage("CFD"),
    ]);
    expect(listed.map((u) => `${u.feature}/${u.vendor ?? "-"}`)).toEqual([
      "CFD/acme",
      "CFD/cdslmd",
      "cfd/acme",
      "CFD/-",
    ]);
    expect(repeats).toEqual([0, 3]);
  });

  it("still finds every feature after growing far past its first table, and after clear", () => {
    const index = new FeatureIndex();
    const names = Array.from({ length: 5000 }, (_, i) => `feature_${i}`);
    const first = listAll(
      index,
      names.map((name) => usage(name, "v")),
    );
    expect(first.listed).toHaveLength(5000);
    const again = names.map((name) => index.findOrAdd(usage(name, "v"), first.listed));
    expect(again.map((known) => known?.feature)).toEqual(names);

    index.clear();
    expect(index.findOrAdd(usage("feature_7", "v"), [])).toBeUndefined();
  });

  it("keeps features whose names all hash alike apart, through growth and clear", () => {
    const index = new FeatureIndex(() => 7);
    const names = Array.from({ length: 3000 }, (_, i) => `f${i}`);
    const usages = names.flatMap((name) => [usage(name, "a"), usage(name, "b"), usage(name)]);
    const first = listAll(index, usages);
    expect(first.listed).toHaveLength(usages.length);
    expect(first.repeats).toEqual([]);

    const found = [usage("f2999"), usage("f0", "b"), usage("f1500", "a")].map((next) =>
      index.findOrAdd(next, first.listed),
    );
    expect(found.map((known) => known && first.listed.indexOf(known))).toEqual([
      3 * 2999 + 2,
      1,
      3 * 1500,
    ]);

    index.clear();
    expect(index.findOrAdd(usage("f2999"), [])).toBeUndefined();
    expect(index.findOrAdd(usage("f1"), [usage("f2999")])).toBeUndefined();
  });
});
