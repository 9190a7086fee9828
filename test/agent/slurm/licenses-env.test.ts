import { describe, expect, it } from "vitest";
import { SlurmInputError } from "../../../src/agent/slurm/errors.js";
import {
  parseLicenseRequests,
  slurmLicenseName,
  trackedBookings,
} from "../../../src/agent/slurm/licenses-env.js";

describe("parseLicenseRequests", () => {
  it("reads name@server:count entries with every separator and a default count of 1", () => {
    expect(
      parseLicenseRequests("abaqus.abaqus@flexlm:4,ansys.cfd@rlm;matlab.ml@flexlm:2|local:3"),
    ).toEqual([
      { name: "abaqus.abaqus", server: "flexlm", count: 4 },
      { name: "ansys.cfd", server: "rlm", count: 1 },
      { name: "matlab.ml", server: "flexlm", count: 2 },
      { name: "local", count: 3 },
    ]);
  });

  it("treats unset, empty and (null) as no licenses", () => {
    expect(parseLicenseRequests(undefined)).toEqual([]);
    expect(parseLicenseRequests("")).toEqual([]);
    expect(parseLicenseRequests("(null)")).toEqual([]);
    expect(parseLicenseRequests("(null),p.f@flexlm:2")).toEqual([
      { name: "p.f", server: "flexlm", count: 2 },
    ]);
  });

  it("lower-cases names as Slurm stores them", () => {
    expect(parseLicenseRequests("Abaqus.Standard@FlexLM:2")).toEqual([
      { name: "abaqus.standard", server: "flexlm", count: 2 },
    ]);
  });

  it("rejects a count that is not a whole number, naming the variable", () => {
    expect(() => parseLicenseRequests("p.f@flexlm:two")).toThrow(SlurmInputError);
    expect(() => parseLicenseRequests("p.f@flexlm:-1")).toThrow(
      /SLURM_JOB_LICENSES="p.f@flexlm:-1": license count "-1"/,
    );
    expect(() => parseLicenseRequests("@flexlm:1")).toThrow(/empty name or server/);
  });
});

describe("trackedBookings", () => {
  it("keeps product.feature@type for configured types and sums repeats", () => {
    const requests = parseLicenseRequests(
      "abaqus.std@flexlm:2,local:5,other.f@unknown:1,abaqus.std@flexlm:3,nodot@rlm:1,ansys.cfd@rlm",
    );
    expect(trackedBookings(requests, ["flexlm", "RLM"])).toEqual([
      { productName: "abaqus", featureName: "std", quantity: 5 },
      { productName: "ansys", featureName: "cfd", quantity: 1 },
    ]);
  });

  it("splits the product at the first dot so features may contain dots", () => {
    expect(
      trackedBookings(parseLicenseRequests("comsol.heat.transfer@flexlm:1"), ["flexlm"]),
    ).toEqual([{ productName: "comsol", featureName: "heat.transfer", quantity: 1 }]);
  });

  it("names licenses product.feature@type in lower case", () => {
    expect(slurmLicenseName("Abaqus", "Standard", "FlexLM")).toBe("abaqus.standard@flexlm");
  });
});
