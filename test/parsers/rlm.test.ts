import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ParseError, ServerError, UNLIMITED_TOTAL } from "../../src/parsers/index.js";
import { rlmParser } from "../../src/parsers/rlm.js";
import { errorThrownBy } from "./error-thrown.js";

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/rlm/${name}`, import.meta.url), "utf8");

describe("rlm parser command", () => {
  it("runs rlmstat for all ISVs against port@host", () => {
    expect(rlmParser.command({ host: "lic1", port: 5053 })).toEqual({
      argv: ["rlmutil", "rlmstat", "-c", "5053@lic1", "-a", "-p"],
    });
  });

  it("lets the binary path replace argv[0]", () => {
    expect(
      rlmParser.command({ host: "lic1", port: 5053 }, { binary: "/opt/rlm/rlmutil" }).argv[0],
    ).toBe("/opt/rlm/rlmutil");
  });
});

describe("rlm parser on v12 output with a statistics block", () => {
  const report = rlmParser.parse(fixture("rlmstat_v12.txt"));

  it("reads each product's pool counts and every checkout", () => {
    expect(report).toEqual({
      type: "rlm",
      warnings: [],
      features: [
        {
          feature: "converge_super",
          total: 1000,
          used: 93,
          reserved: 0,
          vendor: "csci",
          version: "3.0",
          expires: "31-jan-2022",
          uses: [
            { username: "asdj13", host: "myserver.example.com", count: 29 },
            { username: "cddcp2", host: "myserver.example.com", count: 27 },
            { username: "cddcp2", host: "node17.example.com", count: 37 },
          ],
        },
        {
          feature: "converge_cfd",
          total: 20,
          used: 7,
          reserved: 2,
          vendor: "csci",
          version: "3.0",
          expires: "31-jan-2022",
          uses: [{ username: "jdoe", host: "node02.example.com", count: 5 }],
        },
      ],
    });
  });
});

describe("rlm parser on v15 output with pools, two ISVs and unlimited counts", () => {
  const report = rlmParser.parse(fixture("rlmstat_v15_pools.txt"));

  it("sums a product across pools and ISVs and keeps dotted user names", () => {
    expect(report.warnings).toEqual([]);
    expect(report.features).toEqual([
      {
        feature: "nuke_i",
        total: 3,
        used: 3,
        reserved: 0,
        vendor: "foundry",
        version: "2024.0331",
        uses: [
          { username: "user1.lastname", host: "mocked-computer-01", count: 1 },
          { username: "anna.m.berg", host: "mocked-computer-07", count: 2 },
        ],
      },
      {
        feature: "nuke_r",
        total: 19,
        used: 5,
        reserved: 1,
        version: "2025.0118",
        expires: "20-jan-2025",
        uses: [
          { username: "user1.lastname", host: "render-node-3", count: 3 },
          { username: "j.smith", host: "ws-comp-12", count: 1 },
        ],
      },
      {
        feature: "houdini_engine",
        total: UNLIMITED_TOTAL,
        unlimited: true,
        used: 6,
        reserved: 0,
        vendor: "sidefx",
        version: "20.0",
        expires: "01-may-2026",
        uses: [{ username: "farm.svc", host: "render-node-3", count: 6 }],
      },
    ]);
  });
});

describe("rlm parser on a server without checkouts", () => {
  it("reports the pools with nothing in use; uncounted is unlimited", () => {
    const report = rlmParser.parse(fixture("rlmstat_no_usage.txt"));
    expect(report).toEqual({
      type: "rlm",
      warnings: [],
      features: [
        {
          feature: "solver",
          total: 16,
          used: 0,
          reserved: 0,
          vendor: "acme",
          version: "2026.1",
          expires: "31-dec-2026",
          uses: [],
        },
        {
          feature: "mesher",
          total: UNLIMITED_TOTAL,
          unlimited: true,
          used: 0,
          reserved: 0,
          vendor: "acme",
          version: "1.4",
          expires: "permanent",
          uses: [],
        },
      ],
    });
  });
});

describe("rlm parser errors", () => {
  it("reports a server it could not reach as a ServerError naming the line", () => {
    const error = errorThrownBy(() => rlmParser.parse(fixture("rlmstat_server_down.txt")));
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ lineNumber: 4, lineText: 'Error connecting to "rlm" server' });
  });

  it("rejects empty output", () => {
    expect(() => rlmParser.parse("")).toThrow(ParseError);
    expect(() => rlmParser.parse("\n \n")).toThrow(ParseError);
  });

  it("rejects output that is not rlmstat's, listing the lines it saw", () => {
    const error = errorThrownBy(() => rlmParser.parse("hello\nRecent Statistics (00:01:12)\n"));
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({
      lineNumber: 1,
      lineText: "hello",
      unparsedLines: ["1: hello", "2: Recent Statistics (00:01:12)"],
    });
  });

  it("rejects a product whose count line is missing", () => {
    const text =
      "acme license pool status on h (port 1)\n\nsolver v1.0\n\nacme license usage status on h (port 1)\n";
    const error = errorThrownBy(() => rlmParser.parse(text));
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({ lineNumber: 3, lineText: "solver v1.0" });
  });

  it("rejects an unreadable count instead of reading zero", () => {
    const text =
      "acme license pool status on h (port 1)\nsolver v1.0\n  count: many, # reservations: 0, inuse: 2, exp: permanent\n";
    const error = errorThrownBy(() => rlmParser.parse(text));
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({ lineNumber: 3 });
  });

  it("rejects a checkout of a product no pool lists", () => {
    const text = [
      "acme license pool status on h (port 1)",
      "solver v1.0",
      "  count: 4, # reservations: 0, inuse: 1, exp: permanent",
      "acme license usage status on h (port 1)",
      "mesher v1.0: bob@n1 1/0 at 01/02 03:04  (handle: 1)",
    ].join("\n");
    const error = errorThrownBy(() => rlmParser.parse(text));
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({ lineNumber: 5 });
  });

  it("warns about lines it does not understand inside a pool or usage block", () => {
    const text = [
      "acme license pool status on h (port 1)",
      "solver v1.0",
      "  count: 4, # reservations: 0, inuse: 1, exp: permanent",
      "  roaming: 0, something new",
      "acme license usage status on h (port 1)",
      "solver v1.0: bob@n1 1/0 at 01/02 03:04  (handle: 1)",
      "solver v1.0: (queued) carol",
    ].join("\r\n");
    const report = rlmParser.parse(text);
    expect(report.features).toEqual([
      {
        feature: "solver",
        total: 4,
        used: 1,
        reserved: 0,
        vendor: "acme",
        version: "1.0",
        expires: "permanent",
        uses: [{ username: "bob", host: "n1", count: 1 }],
      },
    ]);
    expect(report.warnings).toEqual([
      "line 4: not understood in acme license pool status:   roaming: 0, something new",
      "line 7: not understood in acme license usage status: solver v1.0: (queued) carol",
    ]);
  });
});
