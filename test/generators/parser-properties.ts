import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { expect } from "vitest";
import { ServerError } from "../../src/parsers/errors.js";
import type { ParsedReport } from "../../src/parsers/types.js";
import type { StatusSnapshot } from "../../src/server-core/status/snapshot.js";
import { corrupted, parsesCleanlyOrFailsTyped } from "./text-corruption.js";
import {
  byName,
  type ExpectedUsage,
  expectedCountedUsage,
  projectUsage,
  statusSnapshot,
} from "./vendor-snapshot.js";

/**
 * The property checks every vendor's renderer and parser share: a random snapshot rendered and
 * parsed back gives its numbers, a server that is down gives a ServerError, damaged fixtures give
 * clean counts or a typed error.
 */

export const PROPERTY_SEED = 20261123;

type Parse = (text: string) => ParsedReport;
type Render<Form> = (snapshot: StatusSnapshot, form: Form) => string;

/** The texts of fixtures/<vendor>/, in directory order; only names ending in `suffix` when given. */
export function vendorFixtures(vendor: string, suffix = ""): string[] {
  const dir = new URL(`../../fixtures/${vendor}/`, import.meta.url);
  return readdirSync(dir)
    .filter((name) => name.endsWith(suffix))
    .map((name) => readFileSync(new URL(name, dir), "utf8"));
}

/**
 * Random snapshot in each output form → render → parse: no warnings, and per feature the
 * numbers and holders `expected` gives, compared in name order.
 */
export function assertUsageRoundTrip<Form>(
  forms: fc.Arbitrary<Form>,
  render: Render<Form>,
  parse: Parse,
  expected: (snapshot: StatusSnapshot, form: Form) => ExpectedUsage[],
): void {
  fc.assert(
    fc.property(statusSnapshot, forms, (snapshot, form) => {
      const report = parse(render(snapshot, form));
      expect(report.warnings).toEqual([]);
      expect(byName(report.features.map(projectUsage))).toEqual(byName(expected(snapshot, form)));
    }),
    { seed: PROPERTY_SEED, numRuns: 200 },
  );
}

/**
 * Random snapshot → render → parse for tools that print neither reservations nor uncounted
 * pools: no warnings, the counted usage by lower-cased name, and no feature with reserved seats.
 */
export function assertCountedUsageRoundTrip(
  render: (snapshot: StatusSnapshot) => string,
  parse: Parse,
): void {
  fc.assert(
    fc.property(statusSnapshot, (snapshot) => {
      const report = parse(render(snapshot));
      expect(report.warnings).toEqual([]);
      const read = new Map(
        report.features.map((f) => [
          f.feature.toLowerCase(),
          { total: f.total, used: f.used, uses: f.uses },
        ]),
      );
      expect(read).toEqual(expectedCountedUsage(snapshot));
      for (const feature of report.features) expect(feature.reserved).toBe(0);
    }),
    { seed: PROPERTY_SEED, numRuns: 200 },
  );
}

/** Random snapshot with its server down, in each output form: the parser throws a ServerError. */
export function assertDownServerIsServerError<Form>(
  forms: fc.Arbitrary<Form>,
  render: Render<Form>,
  parse: Parse,
): void {
  fc.assert(
    fc.property(statusSnapshot, forms, (snapshot, form) => {
      const down = { ...snapshot, server: { ...snapshot.server, up: false } };
      expect(() => parse(render(down, form))).toThrow(ServerError);
    }),
    { seed: PROPERTY_SEED, numRuns: 50 },
  );
}

/** Randomly damaged fixtures: the parser gives clean counts or a ParseError or ServerError. */
export function assertDamagedFixturesParseOrFailTyped(
  fixtures: readonly string[],
  parse: Parse,
  run: { seed: number; numRuns: number },
): void {
  fc.assert(
    fc.property(corrupted(fixtures), (text) => parsesCleanlyOrFailsTyped(parse, text)),
    run,
  );
}
