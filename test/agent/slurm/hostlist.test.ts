import { describe, expect, it } from "vitest";
import { SlurmInputError } from "../../../src/agent/slurm/errors.js";
import { expandHostlist, firstHost } from "../../../src/agent/slurm/hostlist.js";

describe("expandHostlist", () => {
  it("expands padded ranges, lists and plain hosts in order", () => {
    expect(expandHostlist("node[001-004,007],gpu01")).toEqual([
      "node001",
      "node002",
      "node003",
      "node004",
      "node007",
      "gpu01",
    ]);
  });

  it("expands several bracket groups as a product", () => {
    expect(expandHostlist("r[1-2]n[08-10]")).toEqual([
      "r1n08",
      "r1n09",
      "r1n10",
      "r2n08",
      "r2n09",
      "r2n10",
    ]);
  });

  it("keeps a single host and unpadded numbers", () => {
    expect(expandHostlist("login1")).toEqual(["login1"]);
    expect(expandHostlist("c[9-11]")).toEqual(["c9", "c10", "c11"]);
    expect(expandHostlist("n[1-2]-ib")).toEqual(["n1-ib", "n2-ib"]);
  });

  it("rejects broken expressions with a typed error", () => {
    expect(() => expandHostlist("node[1-3")).toThrow(SlurmInputError);
    expect(() => expandHostlist("node[3-1]")).toThrow(/runs backwards/);
    expect(() => expandHostlist("node[a-b]")).toThrow(/SLURM_JOB_NODELIST="node\[a-b\]"/);
    expect(() => expandHostlist("n[1-1000]m[1-1000]")).toThrow(/more than 100000 hosts/);
  });
});

describe("firstHost", () => {
  it("gives the lead host without expanding the whole list", () => {
    expect(firstHost("node[001-004,007],gpu01")).toBe("node001");
    expect(firstHost("gpu01,node[1-2]")).toBe("gpu01");
    expect(firstHost("r[3-4]n[05-06]")).toBe("r3n05");
    expect(firstHost("n[1-1000000]m[1-1000000]")).toBe("n1m1");
  });

  it("rejects an empty node list", () => {
    expect(() => firstHost("")).toThrow(/is empty/);
  });
});
