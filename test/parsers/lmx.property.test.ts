import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lmxParser } from "../../src/parsers/lmx.js";
import { renderLmxStatus } from "../../src/server-core/status/lmx.js";
import {
  assertDamagedFixturesParseOrFailTyped,
  assertDownServerIsServerError,
  assertUsageRoundTrip,
  PROPERTY_SEED,
  vendorFixtures,
} from "../generators/parser-properties.js";
import { expectedUsage, statusSnapshot } from "../generators/vendor-snapshot.js";

const fixtures = vendorFixtures("lmx");
const textOrXml = fc.constantFrom({ xml: false }, { xml: true });

describe("lmx renderer and parser round trip", () => {
  it("reads back every feature's numbers and holders from the rendered status", () => {
    assertUsageRoundTrip(textOrXml, renderLmxStatus, lmxParser.parse, (snapshot) =>
      expectedUsage(snapshot, false),
    );
  });

  it("renders a server that is down as output the parser reports as a ServerError", () => {
    assertDownServerIsServerError(textOrXml, renderLmxStatus, lmxParser.parse);
  });
});

describe("lmx parser on damaged output", () => {
  it("gives clean non-negative integer counts or a typed error, never another throw", () => {
    assertDamagedFixturesParseOrFailTyped(fixtures, lmxParser.parse, {
      seed: PROPERTY_SEED,
      numRuns: 300,
    });
  });
});

describe("lmx XML attribute values", () => {
  it("come back exactly as rendered, whatever characters user and host names hold", () => {
    fc.assert(
      fc.property(
        statusSnapshot,
        fc.string({ minLength: 1 }),
        fc.string({ minLength: 1 }),
        (generated, user, host) => {
          const snapshot = structuredClone(generated);
          const pool = snapshot.features[0]?.pools[0];
          fc.pre(pool !== undefined && !/license server/i.test(user + host));
          pool!.leases.unshift({
            user,
            host,
            display: "",
            version: "1.0",
            handle: 1,
            startedAt: snapshot.generatedAt,
            count: 2,
          });
          const report = lmxParser.parse(renderLmxStatus(snapshot, { xml: true }));
          const feature = report.features.find((f) => f.feature === snapshot.features[0]!.name);
          expect(feature?.uses[0]).toEqual({ username: user, host, count: 2 });
        },
      ),
      { seed: PROPERTY_SEED, numRuns: 200 },
    );
  });
});
