import { describe, expect, it } from "vitest";
import {
  EntitlementsError,
  loadEntitlements,
  parseEntitlements,
  planActivation,
} from "../../src/server-core/entitlements.js";
import { ENTITLEMENTS } from "./helpers.js";

describe("entitlements file", () => {
  it("reads the sample YAML", () => {
    const entries = loadEntitlements(ENTITLEMENTS);
    expect(
      entries.map((entry) => [
        entry.code,
        entry.feature,
        entry.version,
        entry.expires,
        entry.count,
      ]),
    ).toEqual([
      ["1234-ABCD-EF12-5678", "session", "2026.0", "permanent", 30],
      ["9876-WXYZ-0000-1111", "solver", "2026.0", "31-dec-2030", 20],
    ]);
  });

  it("reads JSON too", () => {
    const entries = parseEntitlements(
      JSON.stringify({
        activationCodes: [
          { code: "A-1", feature: "f", vendor: "v", version: 2, expires: "permanent", count: 1 },
        ],
      }),
      "codes.json",
    );
    expect(entries[0]).toMatchObject({ code: "A-1", version: "2" });
  });

  it("names the file and the field that is wrong", () => {
    const text =
      "activationCodes:\n  - code: A-1\n    feature: f\n    vendor: v\n    version: '1.0'\n    expires: someday\n    count: -3\n";
    expect(() => parseEntitlements(text, "codes.yaml")).toThrow(EntitlementsError);
    expect(() => parseEntitlements(text, "codes.yaml")).toThrow(
      /^codes\.yaml: activationCodes\.0\.expires: must be "permanent" or a date like 31-dec-2027; activationCodes\.0\.count: /,
    );
    expect(() =>
      parseEntitlements(
        "activationCodes: [{code: A, feature: f, vendor: v, version: '1', expires: permanent, count: 1, colour: red}]",
        "c.yaml",
      ),
    ).toThrow(/c\.yaml: activationCodes\.0: Unrecognized key: "colour"/);
  });
});

describe("planActivation", () => {
  const entries = loadEntitlements(ENTITLEMENTS);
  const code = "9876-WXYZ-0000-1111";

  it("sets the total, not an increment", () => {
    expect(planActivation(entries, code, 5, 0)).toMatchObject({ kind: "set", count: 5 });
    expect(planActivation(entries, code, 10, 0)).toMatchObject({ kind: "set", count: 10 });
    expect(planActivation(entries, code, 20, 0)).toMatchObject({ kind: "set", count: 20 });
  });

  it("refuses more than the code holds, unknown codes, and going below what is checked out", () => {
    expect(planActivation(entries, code, 21, 0)).toMatchObject({
      kind: "error",
      code: "ACTIVATION_ID_COUNT_EXCEEDED",
    });
    expect(planActivation(entries, "1234-ABCD-EF12-567", 1, 0)).toMatchObject({
      kind: "error",
      code: "ACTIVATION_ID_INVALID",
    });
    expect(planActivation(entries, code, 2, 3)).toMatchObject({
      kind: "error",
      code: "ACTIVATION_IN_USE",
    });
  });
});
