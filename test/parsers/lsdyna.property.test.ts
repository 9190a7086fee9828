import fc from "fast-check";
import { describe, it } from "vitest";
import { lsdynaParser } from "../../src/parsers/lsdyna.js";
import { renderLsdynaStatus } from "../../src/server-core/status/lsdyna.js";
import {
  assertDamagedFixturesParseOrFailTyped,
  assertDownServerIsServerError,
  assertUsageRoundTrip,
  PROPERTY_SEED,
  vendorFixtures,
} from "../generators/parser-properties.js";
import { expectedUsage } from "../generators/vendor-snapshot.js";

const fixtures = vendorFixtures("lsdyna");
const forms = fc.constantFrom({ form: "-R" as const }, { form: "-r" as const });

describe("lsdyna renderer and parser round trip", () => {
  it("reads back every feature's numbers and holders from the rendered status", () => {
    assertUsageRoundTrip(forms, renderLsdynaStatus, lsdynaParser.parse, (snapshot, opts) =>
      expectedUsage(snapshot, false).map((usage) =>
        opts.form === "-r" ? { ...usage, uses: [] } : usage,
      ),
    );
  });

  it("renders a server that is down as output the parser reports as a ServerError", () => {
    assertDownServerIsServerError(forms, renderLsdynaStatus, lsdynaParser.parse);
  });
});

describe("lsdyna parser on damaged output", () => {
  it("gives clean non-negative integer counts or a typed error, never another throw", () => {
    assertDamagedFixturesParseOrFailTyped(fixtures, lsdynaParser.parse, {
      seed: PROPERTY_SEED,
      numRuns: 300,
    });
  });
});
