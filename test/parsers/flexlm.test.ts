import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ParseError, ServerError, UNLIMITED_TOTAL } from "../../src/parsers/index.js";
import type { FeatureUsage, ParsedReport } from "../../src/parsers/index.js";
import { compareFlexlmVersions, flexlmParser } from "../../src/parsers/flexlm.js";
import { compareFlexlmVersionAt } from "../../src/parsers/flexlm-versions.js";

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/flexlm/${name}`, import.meta.url), "utf8");

const parseFixture = (name: string): ParsedReport => flexlmParser.parse(fixture(name));

function feature(report: ParsedReport, name: string, vendor?: string): FeatureUsage {
  const found = report.features.filter(
    (f) => f.feature === name && (vendor === undefined || f.vendor === vendor),
  );
  expect(found, `feature ${name}`).toHaveLength(1);
  return found[0] as FeatureUsage;
}

const useSum = (usage: FeatureUsage): number => usage.uses.reduce((sum, use) => sum + use.count, 0);

/** Wraps feature-usage lines in a minimal, well-formed lmstat run. */
function lmstat(body: string): string {
  return [
    "lmutil - Copyright (c) 1989-2024 Flexera. All Rights Reserved.",
    "Flexible License Manager status on Sun 11/22/2026 14:53",
    "",
    "License server status: 27000@lic1",
    "    License file(s) on lic1: /etc/lmkeeper/license.dat:",
    "",
    "lic1: license server UP (MASTER) v11.19.6",
    "",
    "Vendor daemon status (on lic1):",
    "",
    "  acme: UP v11.19.6",
    "Feature usage info:",
    "",
    body,
  ].join("\n");
}

describe("flexlm parser on real outputs", () => {
  it("reads the classic triad (lmstat_app1) with reservations, linger, queued and odd names", () => {
    const report = parseFixture("lmstat_app1.txt");
    // 54 `Users of` blocks; feature42 appears twice and is summed into one
    expect(report.features).toHaveLength(53);

    const f1 = feature(report, "feature1");
    expect(f1).toMatchObject({
      total: 1814,
      used: 1206,
      reserved: 132,
      vendor: "VENDOR1",
      version: "61.9",
    });
    expect(f1.uses).toHaveLength(55);
    expect(useSum(f1)).toBe(1085);
    expect(f1.uses[0]).toEqual({ username: "USER9", host: "SERVER45823008", count: 5 });

    const f100 = feature(report, "feature100");
    expect(f100.uses).toEqual([
      { username: "user13", host: "server0356", count: 1 },
      { username: "Administrator", host: "ServerS1", count: 1 },
      { username: "John Doe", host: "John_D", count: 1 },
      { username: "Jane Doe Jr.", host: "jane", count: 1 },
    ]);

    const f5 = feature(report, "feature5");
    expect(f5).toMatchObject({ total: 2, used: 2, reserved: 0, queued: 2 });
    expect(f5.uses).toHaveLength(2);

    expect(feature(report, "feature8")).toMatchObject({ total: 10, used: 1, reserved: 0 });
    expect(feature(report, "feature12")).toMatchObject({ total: 1, used: 0, uses: [] });

    const f30 = feature(report, "feature30");
    expect(f30).toMatchObject({ total: 1814, used: 169, reserved: 169, uses: [] });

    const f31 = feature(report, "feature31");
    expect(f31).toMatchObject({ used: 299, reserved: 169 });
    expect(f31.uses.slice(-2)).toEqual([
      { username: "cmfy211", host: "UFRTR1LT0087375", count: 1 },
      { username: "cmfy212", host: "UFRTR1LT0087375", count: 16 },
    ]);

    const f34 = feature(report, "feature34");
    expect(f34).toMatchObject({ used: 1076, reserved: 121 });
    expect(f34.uses.filter((u) => u.username === "user11")).toEqual([
      { username: "user11", host: "server19", count: 13 },
      { username: "user11", host: "server19", count: 13 },
    ]);

    expect(feature(report, "feature42")).toMatchObject({ total: 3628, used: 338, reserved: 338 });
  });

  it("warns where checkouts plus reservations exceed the header's in-use, keeping the header's numbers", () => {
    const report = parseFixture("lmstat_app1.txt");
    expect(report.warnings).toHaveLength(4);
    expect(report.warnings[0]).toMatch(
      /^line 17: feature "feature1": checkouts \(1085\) plus reservations \(132\) exceed the 1206/,
    );
    expect(report.warnings.map((w) => w.slice(0, w.indexOf(":")))).toEqual([
      "line 17",
      "line 89",
      "line 204",
      "line 268",
    ]);
  });

  it("reads a second triad with no warnings (lmstat_app2)", () => {
    const report = parseFixture("lmstat_app2.txt");
    expect(report.warnings).toEqual([]);
    expect(report.features.map((f) => f.feature)).toEqual(
      Array.from({ length: 10 }, (_, i) => `feature${i + 1}`),
    );
    const f2 = feature(report, "feature2");
    expect(f2).toMatchObject({
      total: 144,
      used: 22,
      reserved: 0,
      vendor: "vendor1",
      version: "31.0",
    });
    expect(f2.uses).toHaveLength(22);
    expect(useSum(f2)).toBe(22);
    expect(feature(report, "feature5")).toMatchObject({ used: 15 });
    expect(feature(report, "feature10")).toMatchObject({ total: 1, used: 0 });
    expect(feature(report, "feature1").vendor).toBe("vendor1");
  });

  it("reads FNP 11.19 output: Uncounted, Error features, unindented pool headers (lmstat_app4)", () => {
    const report = parseFixture("lmstat_app4.txt");
    expect(report.features).toHaveLength(58);
    expect(report.features.some((f) => f.feature.startsWith("SUBSURFACEFLOW"))).toBe(false);
    expect(report.warnings).toHaveLength(2);
    expect(report.warnings[0]).toContain('line 98: feature "SUBSURFACEFLOW" left out');
    expect(report.warnings[1]).toContain('line 100: feature "SUBSURFACEFLOWBATCH" left out');

    expect(feature(report, "SERIAL")).toEqual({
      feature: "SERIAL",
      total: UNLIMITED_TOTAL,
      unlimited: true,
      used: 1,
      reserved: 0,
      queued: 0,
      uses: [{ username: "matlab", host: "CLN-5CG3471WVY", count: 1 }],
      vendor: "LMCOMSOL",
      version: "6.3",
      expires: "permanent",
    });
    expect(feature(report, "ACDC")).toMatchObject({ total: 2, used: 1, reserved: 0 });
    expect(feature(report, "CFD")).toMatchObject({ total: 1, used: 0, vendor: "LMCOMSOL" });
  });

  it("reads several pools per feature with blank lines (lmstat_app6)", () => {
    const report = parseFixture("lmstat_app6.txt");
    expect(report.warnings).toEqual([]);
    expect(report.features).toHaveLength(53);
    const matlab = feature(report, "MATLAB");
    expect(matlab).toMatchObject({
      total: 420,
      used: 60,
      reserved: 1,
      vendor: "MLM",
      version: "53",
      expires: "2099-01-01",
    });
    expect(matlab.uses).toHaveLength(59);
    expect(useSum(matlab)).toBe(59);
    expect(feature(report, "SIMULINK")).toMatchObject({ total: 320, used: 35, reserved: 1 });
    expect(feature(report, "Power_System_Blocks")).toMatchObject({
      used: 1,
      reserved: 1,
      uses: [],
      version: "12",
      expires: "permanent",
    });
    expect(feature(report, "TMW_Archive")).toMatchObject({
      total: UNLIMITED_TOTAL,
      unlimited: true,
      used: 0,
    });
  });

  it("keeps the usage when one triad member is down, with a warning (lmstat_server_down)", () => {
    const report = parseFixture("lmstat_server_down.txt");
    expect(report.features.map((f) => [f.feature, f.total, f.used])).toEqual([
      ["feature1", 144, 0],
      ["feature2", 144, 39],
    ]);
    expect(report.warnings).toEqual([
      'line 9: part of the license path is down: "host3: Cannot connect to license server system. (-15,570:115 \\"Operation now in progress\\")"',
    ]);
  });

  it("accepts the Windows triad quirk with no feature usage as an empty report (lmstat_server_up_win)", () => {
    const report = parseFixture("lmstat_server_up_win.txt");
    expect(report.features).toEqual([]);
    expect(report.warnings).toEqual(["the server reports no feature usage"]);
  });
});

describe("flexlm parser on composed outputs", () => {
  it.each([
    ["lmstat_whole_run_down.txt", 4, "Error getting status: Cannot connect to license server"],
    ["lmstat_read_data_error.txt", 4, "Error getting status: Cannot read data"],
    ["lmstat_lmgrd_not_running.txt", 8, "lmgrd is not running"],
    ["lmstat_vendor_down.txt", 12, "       MLM: The desired vendor daemon is down. (-97,121)"],
  ])("%s is a ServerError naming line %i", (name, lineNumber, text) => {
    const error = (() => {
      try {
        flexlmParser.parse(fixture(name));
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).lineNumber).toBe(lineNumber);
    expect((error as ServerError).lineText).toContain(text);
  });

  it("reads an output where nothing is in use", () => {
    const report = parseFixture("lmstat_no_usage.txt");
    expect(report.warnings).toEqual([]);
    expect(
      report.features.map((f) => [f.feature, f.total, f.used, f.reserved, f.uses.length]),
    ).toEqual([
      ["abaqus", 250, 0, 0, 0],
      ["standard", 250, 0, 0, 0],
      ["explicit", 250, 0, 0, 0],
      ["cae", 5, 0, 0, 0],
      ["parallel", 16384, 0, 0, 0],
    ]);
    expect(report.features.every((f) => f.vendor === "ABAQUSLM")).toBe(true);
  });

  it("reads PID suffixes, with and without a count and with a trailing space", () => {
    const report = parseFixture("lmstat_pid.txt");
    expect(report.warnings).toEqual([]);
    expect(feature(report, "MATLAB")).toMatchObject({
      total: 100,
      used: 4,
      expires: "2026-03-31",
      uses: [
        { username: "user1", host: "host", count: 1 },
        { username: "user2", host: "node017", count: 1 },
        { username: "user3", host: "node018", count: 2 },
      ],
    });
    expect(feature(report, "Parallel_Computing_Toolbox")).toMatchObject({ total: 10, used: 1 });
  });

  it("reads TAB indents and singular forms", () => {
    const report = parseFixture("lmstat_tabs_singular.txt");
    expect(report.warnings).toEqual([]);
    expect(feature(report, "cfd_solver")).toEqual({
      feature: "cfd_solver",
      total: 1,
      used: 1,
      reserved: 0,
      queued: 0,
      uses: [{ username: "jdoe", host: "node12", count: 1 }],
      vendor: "cfdlmd",
      version: "2016.1",
      expires: "2017-12-31",
    });
    expect(feature(report, "cfd_mesher")).toMatchObject({
      total: 4,
      used: 3,
      reserved: 1,
      queued: 1,
      uses: [
        { username: "asmith", host: "ws04", count: 1 },
        { username: "bkim", host: "ws07", count: 1 },
      ],
    });
    expect(feature(report, "cfd_post")).toMatchObject({ total: 2, used: 0 });
  });

  it("keeps one feature per vendor when two vendor daemons serve the same name", () => {
    const report = parseFixture("lmstat_two_vendors.txt");
    expect(report.warnings).toEqual([]);
    expect(feature(report, "solver", "MLM")).toMatchObject({ total: 8, used: 3, reserved: 0 });
    expect(feature(report, "solver", "cdslmd")).toMatchObject({
      total: 20,
      used: 7,
      reserved: 2,
      uses: [
        { username: "chen", host: "eda07", count: 4 },
        { username: "dora", host: "eda09", count: 1 },
      ],
    });
    // no pool header and two daemons: the vendor is not guessed
    expect(feature(report, "Virtuoso_Schematic").vendor).toBeUndefined();
  });

  it("reads `lmstat -f FEATURE` output", () => {
    const report = parseFixture("lmstat_f_feature.txt");
    expect(report).toEqual({
      type: "flexlm",
      warnings: [],
      features: [
        {
          feature: "solver",
          total: 10,
          used: 4,
          reserved: 1,
          queued: 0,
          uses: [{ username: "alice", host: "node001", count: 3 }],
          vendor: "acme",
          version: "2026.0",
          expires: "2026-12-31",
        },
      ],
    });
  });

  it("accepts CRLF line ends", () => {
    const report = flexlmParser.parse(fixture("lmstat_f_feature.txt").replace(/\n/g, "\r\n"));
    expect(feature(report, "solver")).toMatchObject({ total: 10, used: 4, reserved: 1 });
  });

  it("sums the same feature from two servers of a license search path", () => {
    const block = (used: number, user: string): string =>
      [
        `Users of solver:  (Total of 5 licenses issued;  Total of ${used} licenses in use)`,
        "",
        '  "solver" v2, vendor: acme, expiry: 1-mar-2027',
        "  floating license",
        "",
        `    ${user} n1 /dev/pts/1 (v2) (lic1/27000 1), start Sun 11/22 9:05, ${used} licenses`,
        "",
      ].join("\n");
    const text = `${lmstat(block(2, "ann"))}\nLicense server status: 27000@lic2\n${block(3, "bob")}`;
    const report = flexlmParser.parse(text);
    expect(report.features).toEqual([
      {
        feature: "solver",
        total: 10,
        used: 5,
        reserved: 0,
        queued: 0,
        vendor: "acme",
        version: "2",
        expires: "2027-03-01",
        uses: [
          { username: "ann", host: "n1", count: 2 },
          { username: "bob", host: "n1", count: 3 },
        ],
      },
    ]);
  });

  it("keeps the other vendor's usage when one vendor daemon is down", () => {
    const text = lmstat(
      [
        "Users of solver:  (Total of 4 licenses issued;  Total of 1 license in use)",
        "",
        '  "solver" v1, vendor: acme',
        "  floating license",
        "",
        "    ann n1 /dev/pts/1 (v1) (lic1/27000 1), start Sun 11/22 9:05",
      ].join("\n"),
    ).replace(
      "  acme: UP v11.19.6",
      "  acme: UP v11.19.6\n  other: The desired vendor daemon is down. (-97,121)",
    );
    const report = flexlmParser.parse(text);
    expect(feature(report, "solver")).toMatchObject({
      total: 4,
      used: 1,
      uses: [{ username: "ann", host: "n1", count: 1 }],
    });
    expect(report.warnings).toEqual([
      'line 12: part of the license path is down: "  other: The desired vendor daemon is down. (-97,121)"',
    ]);
  });

  it("names every line it does not understand inside a feature block, never dropping it silently", () => {
    const text = lmstat(
      [
        "Users of solver:  (Total of 4 licenses issued;  Total of 2 licenses in use)",
        "",
        '  "solver" v1, vendor: acme',
        "  floating license",
        "",
        "    ann n1 /dev/pts/1 (v1) (lic1/27000 1), start Sun 11/22 9:05",
        "    bob n2 /dev/pts/2 (v1) (lic1/27000 2), start whenever it was",
        "    something else entirely",
      ].join("\n"),
    );
    const report = flexlmParser.parse(text);
    expect(feature(report, "solver")).toMatchObject({
      total: 4,
      used: 2,
      uses: [{ username: "ann", host: "n1", count: 1 }],
    });
    expect(report.warnings).toEqual([
      'line 20: checkout line in "solver" not understood: "    bob n2 /dev/pts/2 (v1) (lic1/27000 2), start whenever it was"',
      'line 21: line in "solver" not understood: "    something else entirely"',
    ]);
  });

  it("reads checkout lines by their last `), start ` anchor and expiries in every form", () => {
    const text = lmstat(
      [
        "Users of solver:  (Total of 9 licenses issued;\tTotal of 8 licenses in use)",
        "",
        '  "solver" v1, vendor: acme, expiry: 31-Dec-2026',
        '  "solver" v2, vendor: acme, expiry: 1-jan-0',
        "  floating license",
        "",
        // an anchor in the display, far from the line end
        `    ann n1 ${"x".repeat(60)}), start Sun 11/22 9:05 (v1) (lic1/27000 1), start Sun 11/22 9:05, 2 licenses`,
        // an anchor after the tail
        "    bob n2 /dev/pts/2 (v1) (lic1/27000 2), start Sun 11/22 9:05, 2 licenses), start Mon 11/23 10:00",
        // a `(v` in the display
        "    cy n3 n3:0 (vnc) (v2) (lic1/27000 3), start Sun 11/22 9:05, 3 licenses",
        '  "solver" v3, vendor: acme, expiry: 5-xyz-2026',
      ].join("\n"),
    );
    const report = flexlmParser.parse(text);
    expect(feature(report, "solver")).toMatchObject({
      total: 9,
      used: 8,
      version: "3",
      expires: "2026-12-31",
      uses: [
        { username: `ann n1 ${"x".repeat(60)}), start`, host: "Sun", count: 2 },
        { username: "bob", host: "n2", count: 1 },
        { username: "cy", host: "n3", count: 3 },
      ],
    });
    expect(report.warnings).toEqual([
      'line 23: pool header in "solver" not understood: "  \\"solver\\" v3, vendor: acme, expiry: 5-xyz-2026"',
    ]);
  });

  it("leaves out a feature whose counts it cannot read, with a warning", () => {
    const report = flexlmParser.parse(
      lmstat("Users of solver:  (Total of many licenses issued;  Total of 2 licenses in use)\n"),
    );
    expect(report.features).toEqual([]);
    expect(report.warnings[0]).toMatch(
      /^line 14: feature "solver" left out, its counts are not understood/,
    );
  });

  it("reads reservations of every kind, names with spaces included", () => {
    const report = flexlmParser.parse(
      lmstat(
        [
          "Users of solver:  (Total of 40 licenses issued;  Total of 15 licenses in use)",
          "",
          '  "solver" v1, vendor: acme',
          "  floating license",
          "",
          "\t1 RESERVATION for USER ann (lic1/27000)",
          "\t2 RESERVATIONs for HOST node7 (lic1/27000)",
          "  3 RESERVATIONs for HOST_GROUP big nodes (lic1/27000)",
          "        4 RESERVATIONs for DISPLAY :0 (lic1/27000)",
          "\t5 RESERVATIONs for INTERNET 10.1.*.* (lic1/27000)",
        ].join("\n"),
      ),
    );
    expect(report.warnings).toEqual([]);
    expect(feature(report, "solver")).toMatchObject({ used: 15, reserved: 15, uses: [] });
  });
});

describe("flexlm parser on bad input", () => {
  it("throws a ParseError for empty or blank output", () => {
    expect(() => flexlmParser.parse("")).toThrow(ParseError);
    expect(() => flexlmParser.parse("\n  \n\t\n")).toThrow(/empty lmstat output/);
  });

  it("throws a ParseError naming the first line for output that is not lmstat", () => {
    try {
      flexlmParser.parse("\nbash: lmutil: command not found\n");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ParseError);
      expect((error as ParseError).lineNumber).toBe(2);
      expect((error as ParseError).lineText).toBe("bash: lmutil: command not found");
    }
  });

  it("throws a ParseError for a banner with nothing after it", () => {
    expect(() =>
      flexlmParser.parse(
        "lmutil - Copyright (c) 1989-2024 Flexera. All Rights Reserved.\nFlexible License Manager status on Sun 11/22/2026 14:53\n",
      ),
    ).toThrow(ParseError);
  });
});

describe("flexlm command", () => {
  it("builds lmutil lmstat -a, or -f for one feature, with the binary replacing argv[0]", () => {
    expect(flexlmParser.command({ host: "lic1", port: 27000 })).toEqual({
      argv: ["lmutil", "lmstat", "-c", "27000@lic1", "-a"],
    });
    expect(
      flexlmParser.command(
        { host: "lic1", port: 1711 },
        { features: ["MATLAB"], binary: "/opt/bin/lmutil" },
      ),
    ).toEqual({ argv: ["/opt/bin/lmutil", "lmstat", "-c", "1711@lic1", "-f", "MATLAB"] });
    expect(
      flexlmParser.command({ host: "lic1", port: 1711 }, { features: ["a", "b"] }).argv,
    ).toEqual(["lmutil", "lmstat", "-c", "1711@lic1", "-a"]);
  });
});

describe("flexlm feature headers", () => {
  it("keeps a colon inside a feature name and accepts one space before the counts", () => {
    const report = flexlmParser.parse(
      [
        "License server status: 27000@lic1",
        "Users of a:b:  (Total of 3 licenses issued;  Total of 1 license in use)",
        "Users of plain: (Total of 2 licenses issued; Total of 0 licenses in use)",
        "Users of :  (Total of 2 licenses issued;  Total of 0 licenses in use)",
      ].join("\n"),
    );
    expect(report.features.map((f) => [f.feature, f.total, f.used])).toEqual([
      ["a:b", 3, 1],
      ["plain", 2, 0],
    ]);
    expect(report.warnings).toEqual([
      'line 4: feature header not understood: "Users of :  (Total of 2 licenses issued;  Total of 0 licenses in use)"',
    ]);
  });
});

describe("compareFlexlmVersions", () => {
  it.each([
    ["53", "12", 1],
    ["12", "53", -1],
    ["2026.0", "2026", 0],
    ["61.10", "61.9", 1],
    ["1.00", "1.0", 0],
    ["007", "7", 0],
    ["10.1", "9.99", 1],
    ["2024.1a", "2024.1b", -1],
    ["1.0.1", "1.0", 1],
  ])("%s vs %s → sign %i", (a, b, sign) => {
    expect(Math.sign(compareFlexlmVersions(a, b))).toBe(sign);
  });
});

describe("compareFlexlmVersionAt", () => {
  it.each([
    ["61.10", "61.9", 1],
    ["2026.0", "2026", 0],
    ["1.0", "1.0.1", -1],
    ["2024.1a", "2024.1b", -1],
  ])(
    "reads %s in place inside a pool header, and nothing past it (vs %s → sign %i)",
    (a, b, sign) => {
      const text = `  "CFD" v${a}, vendor: acme, expiry: 1-jan-2030.5`;
      const from = text.indexOf(" v") + 2;
      const to = text.indexOf(",", from);
      expect(Math.sign(compareFlexlmVersionAt(text, from, to, b))).toBe(sign);
      expect(Math.sign(compareFlexlmVersionAt(text, from, to, b))).toBe(
        Math.sign(compareFlexlmVersions(a, b)),
      );
    },
  );
});
