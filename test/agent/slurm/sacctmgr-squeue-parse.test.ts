import { describe, expect, it } from "vitest";
import { ParseError } from "../../../src/parsers/errors.js";
import { parseResources } from "../../../src/agent/slurm/sacctmgr-parse.js";
import { holdsLicenses, parseJobs } from "../../../src/agent/slurm/squeue-parse.js";

describe("parseResources", () => {
  it("reads the 22.05 columns by their header names", () => {
    const output = [
      "Name|Server|Type|Count|% Allocated|ServerType|Cluster|% Allowed",
      "p.f|flexlm|License|12|100|flexlm|lictest|100",
      "p.g|flexlm|License|5|50|flexlm|lictest|50",
      "",
    ].join("\n");
    expect(parseResources(output).map(({ fields: _fields, ...rest }) => rest)).toEqual([
      {
        name: "p.f",
        server: "flexlm",
        type: "License",
        count: 12,
        serverType: "flexlm",
        cluster: "lictest",
        allowed: 100,
      },
      {
        name: "p.g",
        server: "flexlm",
        type: "License",
        count: 5,
        serverType: "flexlm",
        cluster: "lictest",
        allowed: 50,
      },
    ]);
  });

  it("reads 23.02+ columns (LastConsumed, Allowed, Flags), a trailing | and a resource without cluster", () => {
    const output = [
      "Name|Server|Type|Count|LastConsumed|Allocated|ServerType|Cluster|Allowed|Flags|",
      "nastran|flex_host|License|100|30|100|flexlm|fluid|50||",
      "matlab|rlm_host|License|50|0|0|rlm||||",
    ].join("\n");
    const [nastran, matlab] = parseResources(output);
    expect(nastran).toMatchObject({
      name: "nastran",
      count: 100,
      lastConsumed: 30,
      cluster: "fluid",
      allowed: 50,
    });
    expect(matlab?.cluster).toBeUndefined();
    expect(matlab?.lastConsumed).toBe(0);
  });

  it("reads a header alone as no resources", () => {
    expect(
      parseResources("Name|Server|Type|Count|% Allocated|ServerType|Cluster|% Allowed\n"),
    ).toEqual([]);
  });

  it("fails on a short row or a bad count, naming the line", () => {
    const header = "Name|Server|Type|Count|% Allocated|ServerType|Cluster|% Allowed";
    expect(() => parseResources(`${header}\np.f|flexlm|License|12`)).toThrow(
      /expected 8 "\|"-separated fields, got 4 \(line 2/,
    );
    expect(() => parseResources(`${header}\np.f|flexlm|License|many|100|flexlm|c|100`)).toThrow(
      ParseError,
    );
    expect(() => parseResources("p.f|flexlm|License|12|100|flexlm|c|100")).toThrow(
      /no "name" column/,
    );
    expect(() => parseResources("")).toThrow(/no header/);
  });
});

describe("parseJobs", () => {
  it("reads job id, user, state, reason and licenses", () => {
    const output = [
      "2|root|PENDING|Licenses|p.f@flexlm:2,p.g@flexlm",
      "1|alice|RUNNING|None|p.f@flexlm:9",
      "3|bob|PENDING|None|(null)",
      "7_2|bob|COMPLETING|None|(null)",
    ].join("\n");
    const jobs = parseJobs(output);
    expect(jobs).toEqual([
      {
        jobId: "2",
        user: "root",
        state: "PENDING",
        reason: "Licenses",
        licenses: [
          { name: "p.f", server: "flexlm", count: 2 },
          { name: "p.g", server: "flexlm", count: 1 },
        ],
      },
      {
        jobId: "1",
        user: "alice",
        state: "RUNNING",
        reason: "None",
        licenses: [{ name: "p.f", server: "flexlm", count: 9 }],
      },
      { jobId: "3", user: "bob", state: "PENDING", reason: "None", licenses: [] },
      { jobId: "7_2", user: "bob", state: "COMPLETING", reason: "None", licenses: [] },
    ]);
    expect(jobs.map(holdsLicenses)).toEqual([false, true, false, true]);
  });

  it("reads empty output as no jobs and fails on a malformed line", () => {
    expect(parseJobs("")).toEqual([]);
    expect(() => parseJobs("1|root|RUNNING")).toThrow(/expected 5/);
    expect(() => parseJobs("x|root|RUNNING|None|(null)")).toThrow(/not a Slurm job id/);
    expect(() => parseJobs("1|root|RUNNING|None|p.f@flexlm:lots")).toThrow(ParseError);
  });
});
