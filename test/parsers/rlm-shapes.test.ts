import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ParseError, ServerError } from "../../src/parsers/index.js";
import { rlmParser } from "../../src/parsers/rlm.js";
import { errorThrownBy } from "./error-thrown.js";

// The parser reads product, count and checkout lines in place and every other line with its
// patterns; these outputs sit on the border between the two, where both must read alike.

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/rlm/${name}`, import.meta.url), "utf8");

const POOL_HEADER = "acme license pool status on h (port 1)";
const USAGE_HEADER = "acme license usage status on h (port 1)";
/** a pool block of one product, solver, for the checkout lines below it */
const SOLVER_POOL = [
  POOL_HEADER,
  "solver v1.0",
  "  count: 4, # reservations: 0, inuse: 1, exp: permanent",
] as const;

function parse(lines: readonly string[]): ReturnType<typeof rlmParser.parse> {
  return rlmParser.parse(`${lines.join("\n")}\n`);
}

describe("rlm parser on the same output with other whitespace", () => {
  const plain = rlmParser.parse(fixture("rlmstat_v15_pools.txt"));

  it("reads CRLF line ends and space indentation as it reads LF and tabs", () => {
    const text = fixture("rlmstat_v15_pools.txt");
    expect(rlmParser.parse(text.replace(/\n/g, "\r\n"))).toEqual(plain);
    expect(rlmParser.parse(text.replace(/\t/g, "    "))).toEqual(plain);
  });

  it("keeps a user name with a non-breaking space out of the counts, as a warning", () => {
    const text = fixture("rlmstat_v15_pools.txt").replace("j.smith@", "j.\u00a0smith@");
    const report = rlmParser.parse(text);
    expect(report.warnings).toEqual([
      "line 53: not understood in sidefx license usage status: \tnuke_r v2025.0118: j.\u00a0smith@ws-comp-12 1/1 at 03/29 09:31  (handle: 4a) ",
    ]);
    expect(report.features.find((f) => f.feature === "nuke_r")?.uses).toHaveLength(1);
  });

  it("warns about a checkout line with a tab inside instead of reading it", () => {
    const report = parse([
      ...SOLVER_POOL,
      USAGE_HEADER,
      "solver v1.0: bob@n1\t1/0 at 01/02 03:04  (handle: 1)",
    ]);
    expect(report.features[0]?.uses).toEqual([]);
    expect(report.warnings).toHaveLength(1);
  });
});

describe("rlm parser on unusual count and checkout lines", () => {
  it("reads count lines that are not printed as usual by their fields", () => {
    const report = parse([
      POOL_HEADER,
      "solver v1.0",
      "  count:  5 , inuse: 2",
      "mesher v2.0",
      "  count: 3, count: 7, inuse: 1, exp: 1-jan-2030, exp: permanent",
    ]);
    expect(report.features).toEqual([
      {
        feature: "solver",
        total: 5,
        used: 2,
        reserved: 0,
        vendor: "acme",
        version: "1.0",
        uses: [],
      },
      {
        feature: "mesher",
        total: 7,
        used: 1,
        reserved: 0,
        vendor: "acme",
        version: "2.0",
        expires: "permanent",
        uses: [],
      },
    ]);
  });

  it("takes the user up to the last @ of a checkout", () => {
    const report = parse([
      ...SOLVER_POOL,
      USAGE_HEADER,
      "solver v1.0: a@b@node1 2/0 at 01/02 03:04  (handle: 1)",
    ]);
    expect(report.features[0]?.uses).toEqual([{ username: "a@b", host: "node1", count: 2 }]);
  });

  it("rejects tokens held that are too long to be a count", () => {
    const error = errorThrownBy(() =>
      parse([
        ...SOLVER_POOL,
        USAGE_HEADER,
        "solver v1.0: bob@n1 1234567890123456/0 at 01/02 03:04  (handle: 1)",
      ]),
    );
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({ lineNumber: 5 });
  });

  it("adds checkouts listed before their pool to it, in output order", () => {
    const report = parse([
      USAGE_HEADER,
      "solver v1.0: bob@n1 1/0 at 01/02 03:04  (handle: 1)",
      "Solver v1.0: carol@n2 2/0 at 01/02 03:04  (handle: 2)",
      POOL_HEADER,
      "solver v1.0",
      "  count: 4, # reservations: 0, inuse: 3, exp: permanent",
      USAGE_HEADER,
      "solver v1.0: dave@n3 3/0 at 01/02 03:04  (handle: 3)",
    ]);
    expect(report.features[0]?.uses.map((use) => use.username)).toEqual(["bob", "carol", "dave"]);
  });
});

describe("rlm parser on the labels of count lines", () => {
  it("does not take a label from a later line for a count line that lacks it", () => {
    const report = parse([
      POOL_HEADER,
      "solver v1.0",
      "  count: 4, # reservation: 2, inuse: 1, exp: permanent",
      "mesher v2",
      "  count: 3, # reservations: 1, inuse: 0, exp: permanent",
    ]);
    expect(report.features.map((f) => [f.feature, f.total, f.used, f.reserved])).toEqual([
      ["solver", 4, 1, 0],
      ["mesher", 3, 0, 1],
    ]);
  });

  it("rejects a count line cut short at the very end of the output", () => {
    const error = errorThrownBy(() =>
      rlmParser.parse([POOL_HEADER, "solver v1.0", "  count: 4"].join("\n")),
    );
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({ lineNumber: 3, lineText: "  count: 4" });
  });

  it("reads products whose names start like statistics counters", () => {
    const report = parse([
      POOL_HEADER,
      "Compiler v1.0",
      "  count: 4, # reservations: 0, inuse: 1, exp: permanent",
      "Checkouts: v1",
      "Chem v2",
      "  count: 2, # reservations: 0, inuse: 0, exp: permanent",
      USAGE_HEADER,
      "Compiler v1.0: bob@n1 1/0 at 01/02 03:04  (handle: 1)",
      "Connections: v1.0: bob@n1 1/0 at 01/02 03:04  (handle: 2)",
    ]);
    expect(report.warnings).toEqual([]);
    expect(report.features.map((f) => [f.feature, f.uses.length])).toEqual([
      ["Compiler", 1],
      ["Chem", 0],
    ]);
  });
});

describe("rlm parser on headers that look like pool lines", () => {
  it("takes a header whose ISV looks like a pool field for a header", () => {
    const report = parse([
      ...SOLVER_POOL,
      "obsolete: license usage status on h (port 1)",
      "solver v1.0: bob@n1 1/0 at 01/02 03:04  (handle: 1)",
    ]);
    expect(report.warnings).toEqual([]);
    expect(report.features[0]?.uses).toEqual([{ username: "bob", host: "n1", count: 1 }]);
  });

  it("ends the pool block at a product line that names statistics", () => {
    const report = parse([
      ...SOLVER_POOL,
      "mesher v1.statistics",
      "  count: 9, # reservations: 0, inuse: 1, exp: permanent",
    ]);
    expect(report.features.map((f) => f.feature)).toEqual(["solver"]);
    expect(report.warnings).toEqual([]);
  });
});

describe("rlm parser on a server error after other damage", () => {
  it("reports the server error, not the damage before it", () => {
    const error = errorThrownBy(() =>
      parse([
        POOL_HEADER,
        "solver v1.0",
        "  count: many, # reservations: 0, inuse: 1, exp: permanent",
        "rlmutil: can't connect to the license server",
      ]),
    );
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ lineNumber: 4 });
  });

  it("reports a server error inside a checkout line", () => {
    const error = errorThrownBy(() =>
      parse([...SOLVER_POOL, USAGE_HEADER, "solver v1.0: bob@n1 1/0 at license server is down"]),
    );
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ lineNumber: 5 });
  });
});
