import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ServerError } from "../../src/parsers/errors.js";
import { lmxParser } from "../../src/parsers/lmx.js";
import { renderLmxStatus } from "../../src/server-core/status/lmx.js";
import { corrupted, parsesCleanlyOrFailsTyped } from "../generators/text-corruption.js";
import {
  byName,
  expectedUsage,
  projectUsage,
  statusSnapshot,
} from "../generators/vendor-snapshot.js";

const SEED = 20261123;
const fixtureDir = new URL("../../fixtures/lmx/", import.meta.url);
const fixtures = readdirSync(fixtureDir).map((name) =>
  readFileSync(new URL(name, fixtureDir), "utf8"),
);

describe("lmx renderer and parser round trip", () => {
  it("reads back every feature's numbers and holders from the rendered status", () => {
    fc.assert(
      fc.property(
        statusSnapshot,
        fc.constantFrom({ xml: false }, { xml: true }),
        (snapshot, opts) => {
          const report = lmxParser.parse(renderLmxStatus(snapshot, opts));
          expect(report.warnings).toEqual([]);
          expect(byName(report.features.map(projectUsage))).toEqual(
            byName(expectedUsage(snapshot, false)),
          );
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });

  it("renders a server that is down as output the parser reports as a ServerError", () => {
    fc.assert(
      fc.property(
        statusSnapshot,
        fc.constantFrom({ xml: false }, { xml: true }),
        (snapshot, opts) => {
          const down = { ...snapshot, server: { ...snapshot.server, up: false } };
          expect(() => lmxParser.parse(renderLmxStatus(down, opts))).toThrow(ServerError);
        },
      ),
      { seed: SEED, numRuns: 50 },
    );
  });
});

describe("lmx parser on damaged output", () => {
  it("gives clean non-negative integer counts or a typed error, never another throw", () => {
    fc.assert(
      fc.property(corrupted(fixtures), (text) => parsesCleanlyOrFailsTyped(lmxParser.parse, text)),
      { seed: SEED, numRuns: 300 },
    );
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
      { seed: SEED, numRuns: 200 },
    );
  });
});
