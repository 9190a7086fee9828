import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ServerError } from "../../src/parsers/errors.js";
import { lsdynaParser } from "../../src/parsers/lsdyna.js";
import { renderLsdynaStatus } from "../../src/server-core/status/lsdyna.js";
import { corrupted, parsesCleanlyOrFailsTyped } from "../generators/text-corruption.js";
import {
  byName,
  expectedUsage,
  projectUsage,
  statusSnapshot,
} from "../generators/vendor-snapshot.js";

const SEED = 20261123;
const fixtureDir = new URL("../../fixtures/lsdyna/", import.meta.url);
const fixtures = readdirSync(fixtureDir).map((name) =>
  readFileSync(new URL(name, fixtureDir), "utf8"),
);

describe("lsdyna renderer and parser round trip", () => {
  it("reads back every feature's numbers and holders from the rendered status", () => {
    fc.assert(
      fc.property(
        statusSnapshot,
        fc.constantFrom({ form: "-R" as const }, { form: "-r" as const }),
        (snapshot, opts) => {
          const report = lsdynaParser.parse(renderLsdynaStatus(snapshot, opts));
          expect(report.warnings).toEqual([]);
          const expected = expectedUsage(snapshot, false).map((usage) =>
            opts.form === "-r" ? { ...usage, uses: [] } : usage,
          );
          expect(byName(report.features.map(projectUsage))).toEqual(byName(expected));
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });

  it("renders a server that is down as output the parser reports as a ServerError", () => {
    fc.assert(
      fc.property(
        statusSnapshot,
        fc.constantFrom({ form: "-R" as const }, { form: "-r" as const }),
        (snapshot, opts) => {
          const down = { ...snapshot, server: { ...snapshot.server, up: false } };
          expect(() => lsdynaParser.parse(renderLsdynaStatus(down, opts))).toThrow(ServerError);
        },
      ),
      { seed: SEED, numRuns: 50 },
    );
  });
});

describe("lsdyna parser on damaged output", () => {
  it("gives clean non-negative integer counts or a typed error, never another throw", () => {
    fc.assert(
      fc.property(corrupted(fixtures), (text) =>
        parsesCleanlyOrFailsTyped(lsdynaParser.parse, text),
      ),
      { seed: SEED, numRuns: 300 },
    );
  });
});
