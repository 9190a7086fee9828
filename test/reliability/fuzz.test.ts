import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BUILTIN_PARSERS,
  ParseError,
  ServerError,
  type ParsedReport,
  type Parser,
} from "../../src/parsers/index.js";
import { renderStatus, type StatusFormat } from "../../src/server-core/status/render.js";
import { generateSnapshot } from "../generators/flexlm.js";
import { corrupted, parsesCleanlyOrFailsTyped, stretched } from "../generators/text-corruption.js";
import { bySize, timeoutMs } from "./mode.js";

/**
 * Seeded, reproducible damage to every parser's real fixtures and to a rendered server state:
 * each damaged output parses into clean counts (no NaN, no negative, no fraction) or throws
 * ParseError/ServerError, and no single input takes long enough to look like a hang.
 * A failure prints fast-check's seed and path; rerun with them to reproduce it.
 */

const RUNS_PER_PARSER = bySize(2_000, 100_000);
const STRETCHED_RUNS_PER_PARSER = bySize(300, 3_000);
const SEED = 20261123;
/** far above any sane parse of these few-KB inputs: only a runaway (backtracking, loop) passes it */
const HANG_BOUND_MS = 1_000;

const FIXTURE_DIRS: Record<StatusFormat, string> = {
  flexlm: "flexlm",
  rlm: "rlm",
  lsdyna: "lsdyna",
  lmx: "lmx",
  olicense: "olicense",
  dsls: "dsls",
};

function inputsFor(format: StatusFormat): string[] {
  const dir = new URL(`../../fixtures/${FIXTURE_DIRS[format]}/`, import.meta.url);
  const fixtures = readdirSync(dir)
    .filter((name) => name.endsWith(".txt"))
    .map((name) => readFileSync(new URL(name, dir), "utf8"));
  const rendered = renderStatus(
    format,
    generateSnapshot({ seed: 7, features: 12, leases: 40, vendors: 2, longNames: false }),
    { now: new Date(Date.UTC(2026, 10, 23, 12)), licenseSpec: "27000@lic1" },
  );
  return [...fixtures, rendered];
}

describe.each(BUILTIN_PARSERS.map((parser, index) => [parser.type, parser, index] as const))(
  "fuzzing the %s parser",
  (type, parser: Parser, index) => {
    it(
      `gives clean counts or a typed error for ${RUNS_PER_PARSER} damaged outputs`,
      () => {
        const inputs = inputsFor(type as StatusFormat);
        expect(inputs.length).toBeGreaterThanOrEqual(5);
        let slowest = 0;
        let typedErrors = 0;
        let parsed = 0;
        const countingParse = (text: string): ParsedReport => {
          try {
            const report = parser.parse(text);
            parsed += 1;
            return report;
          } catch (error) {
            if (error instanceof ParseError || error instanceof ServerError) typedErrors += 1;
            throw error;
          }
        };
        fc.assert(
          fc.property(corrupted(inputs), (text) => {
            const started = performance.now();
            const clean = parsesCleanlyOrFailsTyped(countingParse, text);
            slowest = Math.max(slowest, performance.now() - started);
            return clean;
          }),
          { seed: SEED + index, numRuns: RUNS_PER_PARSER },
        );
        expect(parsed + typedErrors).toBe(RUNS_PER_PARSER);
        // both outcomes must occur, or the damage is too mild (or too harsh) to test anything
        expect(parsed).toBeGreaterThan(0);
        expect(typedErrors).toBeGreaterThan(0);
        expect(slowest, "slowest single parse (ms)").toBeLessThan(HANG_BOUND_MS);
      },
      timeoutMs(30_000, 1_800_000),
    );

    it(
      `stays clean and far from a hang on ${STRETCHED_RUNS_PER_PARSER} stretched outputs`,
      () => {
        let slowest = 0;
        fc.assert(
          fc.property(stretched(inputsFor(type as StatusFormat)), (text) => {
            const started = performance.now();
            const clean = parsesCleanlyOrFailsTyped((input) => parser.parse(input), text);
            slowest = Math.max(slowest, performance.now() - started);
            return clean;
          }),
          { seed: SEED + 100 + index, numRuns: STRETCHED_RUNS_PER_PARSER },
        );
        expect(slowest, "slowest single parse (ms)").toBeLessThan(HANG_BOUND_MS);
      },
      timeoutMs(60_000, 1_800_000),
    );
  },
);
