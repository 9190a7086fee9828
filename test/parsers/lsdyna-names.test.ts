import { describe, expect, it } from "vitest";
import { FeatureNumbers, nameHash } from "../../src/parsers/lsdyna-names.js";

/** Looks `name` up as the merger does, numbering it when it is new; returns its number. */
function numberOf(numbers: FeatureNumbers, name: string, next: { count: number }): number {
  const found = numbers.find(name, nameHash(name, 0, name.length));
  if (found >= 0) return found;
  numbers.add(next.count);
  return next.count++;
}

describe("FeatureNumbers", () => {
  it("gives names equal under toLowerCase one number, and other names their own", () => {
    const numbers = new FeatureNumbers(8);
    const next = { count: 0 };
    const names = ["MPPDYNA", "mppdyna", "LS-DYNA", "Ärger", "ärger", "\u212A", "k", "İ", "i"];
    const got = names.map((name) => numberOf(numbers, name, next));
    const expected = names.map((name) =>
      names.findIndex((other) => other.toLowerCase() === name.toLowerCase()),
    );
    // first-seen order numbers the distinct lower-cased names 0, 1, 2, ...
    const firsts = [...new Set(expected)];
    expect(got).toEqual(expected.map((first) => firsts.indexOf(first)));
  });

  it("keeps names whose hashes all collide apart, and finds each again", () => {
    // "b!" and "a@" fold into the same hash, so every name made of them collides
    expect(nameHash("b!", 0, 2)).toBe(nameHash("a@", 0, 2));
    const names = Array.from({ length: 128 }, (_, n) =>
      Array.from({ length: 7 }, (_, bit) => ((n >> bit) & 1 ? "b!" : "a@")).join(""),
    );
    expect(new Set(names.map((name) => nameHash(name, 0, name.length))).size).toBe(1);
    const numbers = new FeatureNumbers(names.length);
    const next = { count: 0 };
    const first = names.map((name) => numberOf(numbers, name, next));
    expect(first).toEqual(names.map((_, i) => i));
    expect(names.map((name) => numberOf(numbers, name.toUpperCase(), next))).toEqual(first);
    expect(next.count).toBe(names.length);
  });
});
