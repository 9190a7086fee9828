import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ParseError, ServerError } from "../../src/parsers/index.js";
import { lsdynaParser } from "../../src/parsers/lsdyna.js";

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/lsdyna/${name}`, import.meta.url), "utf8");

describe("lsdyna parser command", () => {
  it("runs lstc_qrun -R against port@host", () => {
    expect(lsdynaParser.command({ host: "lic4", port: 31010 })).toEqual({
      argv: ["lstc_qrun", "-s", "31010@lic4", "-R"],
    });
  });

  it("lets the binary path replace argv[0]", () => {
    const { argv } = lsdynaParser.command(
      { host: "lic4", port: 31010 },
      { binary: "/opt/lstc/lstc_qrun" },
    );
    expect(argv).toEqual(["/opt/lstc/lstc_qrun", "-s", "31010@lic4", "-R"]);
  });
});

describe("lsdyna parser on -R output", () => {
  it("gives every program of the group the group's used and max, and its own users", () => {
    expect(lsdynaParser.parse(fixture("lstc_qrun_R.txt"))).toEqual({
      type: "lsdyna",
      warnings: [],
      features: [
        {
          feature: "MPPDYNA",
          total: 500,
          used: 440,
          reserved: 0,
          queued: 0,
          expires: "12/30/2022",
          uses: [
            { username: "dvds3g", host: "n-c13.com", count: 80 },
            { username: "ssss1d", host: "n-c52.com", count: 80 },
            { username: "ywap0o", host: "n-c53.com", count: 80 },
            { username: "ndha1a", host: "n-c55.com", count: 40 },
          ],
        },
        {
          feature: "MPPDYNA_971",
          total: 500,
          used: 440,
          reserved: 0,
          queued: 0,
          expires: "12/30/2022",
          uses: [],
        },
        {
          feature: "LS-DYNA",
          total: 500,
          used: 440,
          reserved: 0,
          queued: 0,
          expires: "12/30/2022",
          uses: [],
        },
      ],
    });
  });

  it("counts queued users, accepts '-' and reads a program outside any group on its own", () => {
    expect(lsdynaParser.parse(fixture("lstc_qrun_R_queued.txt"))).toEqual({
      type: "lsdyna",
      warnings: [],
      features: [
        {
          feature: "MPPDYNA",
          total: 256,
          used: 240,
          reserved: 0,
          queued: 2,
          expires: "06/30/2027",
          uses: [
            { username: "alice.k", host: "cn101.example.org", count: 128 },
            { username: "bob", host: "cn117.example.org", count: 96 },
          ],
        },
        {
          feature: "LS-DYNA",
          total: 256,
          used: 240,
          reserved: 0,
          expires: "06/30/2027",
          uses: [{ username: "carol", host: "ws12.example.org", count: 16 }],
        },
        {
          feature: "LSPREPOST",
          total: 8,
          used: 3,
          reserved: 0,
          expires: "06/30/2027",
          uses: [
            { username: "dave", host: "ws03.example.org", count: 1 },
            { username: "erin", host: "ws04.example.org", count: 2 },
          ],
        },
      ],
    });
  });
});

describe("lsdyna parser on -r output", () => {
  it("reads a server with nothing in use", () => {
    expect(lsdynaParser.parse(fixture("lstc_qrun_r.txt"))).toEqual({
      type: "lsdyna",
      warnings: [],
      features: [
        {
          feature: "LS-DYNA",
          total: 2000,
          used: 0,
          reserved: 0,
          queued: 0,
          expires: "07/31/2020",
          uses: [],
        },
        {
          feature: "MPPDYNA",
          total: 2000,
          used: 0,
          reserved: 0,
          queued: 0,
          expires: "07/31/2020",
          uses: [],
        },
      ],
    });
  });

  it("takes holders from the Running Programs table", () => {
    const report = lsdynaParser.parse(fixture("lstc_qrun_running.txt"));
    expect(report.warnings).toEqual([]);
    expect(report.features).toEqual([
      {
        feature: "LS-DYNA",
        total: 2000,
        used: 38,
        reserved: 0,
        queued: 0,
        expires: "07/31/2020",
        uses: [],
      },
      {
        feature: "MPPDYNA",
        total: 2000,
        used: 38,
        reserved: 0,
        queued: 0,
        expires: "07/31/2020",
        uses: [
          { username: "hna", host: "o0284.ten.osc.ed", count: 28 },
          { username: "sciappst", host: "o0579.ten.osc.ed", count: 10 },
        ],
      },
    ]);
  });
});

describe("lsdyna parser errors", () => {
  it("reports *** ERROR as a ServerError naming the line", () => {
    let caught: unknown;
    try {
      lsdynaParser.parse(fixture("lstc_qrun_server_down.txt"));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ServerError);
    expect(caught).toMatchObject({
      lineNumber: 2,
      lineText: "*** ERROR failed to open server localhost",
    });
  });

  it("rejects empty output and output without the license table", () => {
    expect(() => lsdynaParser.parse("")).toThrow(ParseError);
    expect(() => lsdynaParser.parse("Using default server 31010@localhost\n")).toThrow(ParseError);
  });

  it("rejects an unreadable count instead of reading zero", () => {
    const text = fixture("lstc_qrun_r.txt").replace("LICENSE GROUP     0", "LICENSE GROUP     x");
    expect(() => lsdynaParser.parse(text)).toThrow(
      /USED "x" is not a non-negative integer \(line 9:/,
    );
  });

  it("rejects '-' for USED when FREE exceeds MAX", () => {
    const text =
      "LICENSE INFORMATION\nSOLO             01/01/2030          -     9      8 |     0\n";
    expect(() => lsdynaParser.parse(text)).toThrow(/FREE exceeds MAX/);
  });

  it("warns about lines it does not understand inside the table", () => {
    const text = [
      "LICENSE INFORMATION",
      "SOLO             01/01/2030          2      6      8 |     0",
      " ann  12@n1  2",
      "  something unexpected",
    ].join("\n");
    const report = lsdynaParser.parse(text);
    expect(report.features).toEqual([
      {
        feature: "SOLO",
        total: 8,
        used: 2,
        reserved: 0,
        queued: 0,
        expires: "01/01/2030",
        uses: [{ username: "ann", host: "n1", count: 2 }],
      },
    ]);
    expect(report.warnings).toEqual([
      "line 4: not understood in LICENSE INFORMATION:   something unexpected",
    ]);
  });
});
