import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ParseError, ServerError } from "../../src/parsers/errors.js";
import { flexlmParser } from "../../src/parsers/flexlm.js";
import { renderLmstat } from "../../src/server-core/status/flexlm.js";
import { actualUsage, expectedUsage, generateSnapshot } from "../generators/flexlm.js";

const RUNS = { seed: 20261123, numRuns: 200 };

describe("flexlm parser properties", () => {
  it("reads back exactly the total, used, reserved and uses of any rendered state", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 0, max: 40 }),
        fc.constantFrom<1 | 2>(1, 2),
        (seed, features, leases, vendors) => {
          const snapshot = generateSnapshot({ seed, features, leases, vendors });
          const report = flexlmParser.parse(renderLmstat(snapshot));
          expect(actualUsage(report.features)).toEqual(expectedUsage(snapshot));
          expect(report.warnings.filter((w) => !w.includes("no feature usage"))).toEqual([]);
        },
      ),
      RUNS,
    );
  });

  const fixtureNames = [
    "lmstat_app1.txt",
    "lmstat_app2.txt",
    "lmstat_app4.txt",
    "lmstat_app6.txt",
    "lmstat_server_down.txt",
    "lmstat_tabs_singular.txt",
    "lmstat_pid.txt",
    "lmstat_two_vendors.txt",
  ];
  const fixtures = fixtureNames.map((name) =>
    readFileSync(new URL(`../../fixtures/flexlm/${name}`, import.meta.url), "utf8"),
  );

  type Edit =
    | { op: "delete" | "duplicate" | "truncate"; at: number; keep: number }
    | { op: "flip"; at: number; byte: number };
  const edit: fc.Arbitrary<Edit> = fc.oneof(
    fc.record({
      op: fc.constantFrom("delete" as const, "duplicate" as const, "truncate" as const),
      at: fc.nat(),
      keep: fc.nat(),
    }),
    fc.record({
      op: fc.constant("flip" as const),
      at: fc.nat(),
      byte: fc.integer({ min: 0, max: 255 }),
    }),
  );

  function corrupt(text: string, edits: Edit[]): string {
    let lines = text.split("\n");
    for (const e of edits) {
      const i = lines.length === 0 ? 0 : e.at % lines.length;
      if (e.op === "flip") {
        const joined = lines.join("\n");
        const at = joined.length === 0 ? 0 : e.at % joined.length;
        const flipped = `${joined.slice(0, at)}${String.fromCharCode(e.byte)}${joined.slice(at + 1)}`;
        lines = flipped.split("\n");
      } else if (e.op === "delete") lines.splice(i, 1);
      else if (e.op === "duplicate") lines.splice(i, 0, lines[i] ?? "");
      else {
        const line = lines[i] ?? "";
        lines[i] = line.slice(0, line.length === 0 ? 0 : e.keep % line.length);
      }
    }
    return lines.join("\n");
  }

  it("turns corrupted real outputs into a clean report or a ParseError/ServerError, nothing else", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: fixtures.length - 1 }),
        fc.array(edit, { minLength: 1, maxLength: 8 }),
        (which, edits) => {
          const text = corrupt(fixtures[which] as string, edits);
          let report;
          try {
            report = flexlmParser.parse(text);
          } catch (error) {
            expect(error instanceof ParseError || error instanceof ServerError).toBe(true);
            return;
          }
          for (const f of report.features) {
            for (const n of [
              f.total,
              f.used,
              f.reserved,
              f.queued ?? 0,
              ...f.uses.map((u) => u.count),
            ]) {
              expect(Number.isSafeInteger(n) && n >= 0).toBe(true);
            }
          }
        },
      ),
      RUNS,
    );
  });
});
