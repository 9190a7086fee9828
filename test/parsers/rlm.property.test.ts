import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ServerError } from "../../src/parsers/errors.js";
import { rlmParser } from "../../src/parsers/rlm.js";
import { renderRlmStatus } from "../../src/server-core/status/rlm.js";
import { corrupted, parsesCleanlyOrFailsTyped } from "../generators/text-corruption.js";
import {
  byName,
  expectedUsage,
  projectUsage,
  statusSnapshot,
} from "../generators/vendor-snapshot.js";

const SEED = 20261123;
const fixtureDir = new URL("../../fixtures/rlm/", import.meta.url);
const fixtures = readdirSync(fixtureDir).map((name) =>
  readFileSync(new URL(name, fixtureDir), "utf8"),
);

describe("rlm renderer and parser round trip", () => {
  it("reads back every feature's numbers and holders from the rendered status", () => {
    fc.assert(
      fc.property(
        statusSnapshot,
        fc.constantFrom({ toolVersion: "v12.2" }, { toolVersion: "v15.2" }),
        (snapshot, opts) => {
          const report = rlmParser.parse(renderRlmStatus(snapshot, opts));
          expect(report.warnings).toEqual([]);
          expect(byName(report.features.map(projectUsage))).toEqual(
            byName(expectedUsage(snapshot, true)),
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
        fc.constantFrom({ toolVersion: "v12.2" }, { toolVersion: "v15.2" }),
        (snapshot, opts) => {
          const down = { ...snapshot, server: { ...snapshot.server, up: false } };
          expect(() => rlmParser.parse(renderRlmStatus(down, opts))).toThrow(ServerError);
        },
      ),
      { seed: SEED, numRuns: 50 },
    );
  });
});

describe("rlm parser on damaged output", () => {
  it("gives clean non-negative integer counts or a typed error, never another throw", () => {
    fc.assert(
      fc.property(corrupted(fixtures), (text) => parsesCleanlyOrFailsTyped(rlmParser.parse, text)),
      { seed: SEED, numRuns: 300 },
    );
  });
});
