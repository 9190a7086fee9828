import fc from "fast-check";
import { describe, it } from "vitest";
import { rlmParser } from "../../src/parsers/rlm.js";
import { renderRlmStatus } from "../../src/server-core/status/rlm.js";
import {
  assertDamagedFixturesParseOrFailTyped,
  assertDownServerIsServerError,
  assertUsageRoundTrip,
  PROPERTY_SEED,
  vendorFixtures,
} from "../generators/parser-properties.js";
import { expectedUsage } from "../generators/vendor-snapshot.js";

const fixtures = vendorFixtures("rlm");
const toolVersions = fc.constantFrom({ toolVersion: "v12.2" }, { toolVersion: "v15.2" });

describe("rlm renderer and parser round trip", () => {
  it("reads back every feature's numbers and holders from the rendered status", () => {
    assertUsageRoundTrip(toolVersions, renderRlmStatus, rlmParser.parse, (snapshot) =>
      expectedUsage(snapshot, true),
    );
  });

  it("renders a server that is down as output the parser reports as a ServerError", () => {
    assertDownServerIsServerError(toolVersions, renderRlmStatus, rlmParser.parse);
  });
});

describe("rlm parser on damaged output", () => {
  it("gives clean non-negative integer counts or a typed error, never another throw", () => {
    assertDamagedFixturesParseOrFailTyped(fixtures, rlmParser.parse, {
      seed: PROPERTY_SEED,
      numRuns: 300,
    });
  });
});
