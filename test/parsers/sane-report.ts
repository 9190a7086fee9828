import { expect } from "vitest";
import type { ParsedReport } from "../../src/parsers/index.js";

const isCount = (value: number): boolean => Number.isSafeInteger(value) && value >= 0;

/** Every count in the report is a non-negative integer and every feature has a name. */
export function expectSaneReport(report: ParsedReport): void {
  for (const feature of report.features) {
    expect(feature.feature.trim()).not.toBe("");
    expect(isCount(feature.total), `total of ${feature.feature}: ${feature.total}`).toBe(true);
    expect(isCount(feature.used), `used of ${feature.feature}: ${feature.used}`).toBe(true);
    expect(isCount(feature.reserved), `reserved of ${feature.feature}: ${feature.reserved}`).toBe(
      true,
    );
    for (const use of feature.uses) {
      expect(isCount(use.count), `use of ${feature.feature}: ${use.count}`).toBe(true);
    }
  }
  for (const warning of report.warnings) expect(warning).toMatch(/^line \d+: /);
}
