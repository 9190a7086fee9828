import { describe, expect, it } from "vitest";
import { ParseError } from "../../../src/parsers/errors.js";
import {
  parseKeyValues,
  parseLicenses,
  parseReservation,
  parseSlurmVersion,
  supportsLastConsumed,
} from "../../../src/agent/slurm/scontrol-parse.js";

describe("parseLicenses", () => {
  it("reads the 22.05 one-line form", () => {
    const output = [
      "LicenseName=localfeat Total=4 Used=0 Free=4 Reserved=0 Remote=no",
      "LicenseName=p.f@flexlm Total=12 Used=9 Free=3 Reserved=2 Remote=yes",
      "",
    ].join("\n");
    const licenses = parseLicenses(output);
    expect(licenses.map(({ fields: _fields, ...rest }) => rest)).toEqual([
      { name: "localfeat", total: 4, used: 0, free: 4, reserved: 0, remote: false },
      { name: "p.f@flexlm", total: 12, used: 9, free: 3, reserved: 2, remote: true },
    ]);
  });

  it("joins continuation lines and keeps 23.02+ and unknown keys", () => {
    const output = [
      "LicenseName=foobar@slurmdb",
      "    Total=80 Used=0 Free=70 Reserved=0 Remote=yes",
      "    LastConsumed=30 LastDeficit=10 LastUpdate=2023-02-28T16:39:27 Future=x",
    ].join("\n");
    const [license] = parseLicenses(output);
    expect(license).toMatchObject({
      name: "foobar@slurmdb",
      total: 80,
      used: 0,
      free: 70,
      reserved: 0,
      remote: true,
      lastConsumed: 30,
      lastDeficit: 10,
    });
    expect(license?.fields.Future).toBe("x");
    expect(license?.fields.LastUpdate).toBe("2023-02-28T16:39:27");
  });

  it("reads 'No licenses configured' as an empty list", () => {
    expect(parseLicenses("No licenses configured in Slurm.\n")).toEqual([]);
  });

  it("fails on a missing or bad count, naming the line", () => {
    expect(() => parseLicenses("LicenseName=a Total=4 Used=0 Free=4 Remote=no")).toThrow(
      /missing Reserved=/,
    );
    try {
      parseLicenses(
        "LicenseName=a Total=4 Used=0 Free=4 Reserved=0\nLicenseName=b Total=x Used=0 Reserved=0",
      );
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ParseError);
      expect((error as ParseError).lineNumber).toBe(2);
    }
    expect(() => parseLicenses("garbage here")).toThrow(/expected a LicenseName= record/);
  });
});

describe("parseKeyValues", () => {
  it("joins words without = onto the previous value", () => {
    expect(parseKeyValues("Reason=waiting for things State=PENDING")).toEqual({
      Reason: "waiting for things",
      State: "PENDING",
    });
  });
});

describe("parseReservation", () => {
  const multiLine = [
    "ReservationName=lmkeeper StartTime=2026-11-23T10:58:32 EndTime=2026-11-23T11:28:32 Duration=00:30:00",
    "   Nodes=(null) NodeCnt=0 CoreCnt=0 Features=(null) PartitionName=(null) Flags=ANY_NODES",
    "   TRES=(null)",
    "   Users=root Groups=(null) Accounts=(null) Licenses=p.f@flexlm:2,p.g@flexlm:1 State=ACTIVE BurstBuffer=(null) Watts=n/a",
    "   MaxStartDelay=(null)",
    "",
  ].join("\n");

  it("reads the reservation Slurm 22.05 prints", () => {
    const reservation = parseReservation(multiLine);
    expect(reservation).toMatchObject({
      name: "lmkeeper",
      startTime: "2026-11-23T10:58:32",
      endTime: "2026-11-23T11:28:32",
      flags: ["ANY_NODES"],
      state: "ACTIVE",
      licenses: [
        { name: "p.f@flexlm", count: 2 },
        { name: "p.g@flexlm", count: 1 },
      ],
    });
    expect(reservation?.fields.Users).toBe("root");
  });

  it("reads the one-line form, * separators and several flags", () => {
    const reservation = parseReservation(
      "ReservationName=r StartTime=a EndTime=b Flags=LICENSE_ONLY,ANY_NODES Licenses=lustre*1000\n",
    );
    expect(reservation?.flags).toEqual(["LICENSE_ONLY", "ANY_NODES"]);
    expect(reservation?.licenses).toEqual([{ name: "lustre", count: 1000 }]);
  });

  it("returns undefined when the reservation does not exist", () => {
    expect(parseReservation("Reservation lmkeeper not found\n")).toBeUndefined();
    expect(parseReservation("No reservations in the system\n")).toBeUndefined();
  });

  it("fails on output it does not understand", () => {
    expect(() => parseReservation("")).toThrow(ParseError);
    expect(() => parseReservation("ReservationName=r StartTime=a\n")).toThrow(
      /without ReservationName\/StartTime\/EndTime/,
    );
    expect(() =>
      parseReservation("ReservationName=r StartTime=a EndTime=b Licenses=a@b:x\n"),
    ).toThrow(ParseError);
  });
});

describe("parseSlurmVersion", () => {
  it("reads Debian's and upstream's version lines and switches to lastconsumed at 23.02", () => {
    const debian = parseSlurmVersion("slurm-wlm 22.05.8\n");
    expect(debian).toMatchObject({ major: 22, minor: 5, patch: 8 });
    expect(supportsLastConsumed(debian)).toBe(false);
    expect(supportsLastConsumed(parseSlurmVersion("slurm 23.02.1"))).toBe(true);
    expect(supportsLastConsumed(parseSlurmVersion("slurm 23.11.0"))).toBe(true);
    expect(supportsLastConsumed(parseSlurmVersion("slurm 25.05.2"))).toBe(true);
    expect(supportsLastConsumed(parseSlurmVersion("slurm 22.05.11"))).toBe(false);
  });

  it("fails on something else", () => {
    expect(() => parseSlurmVersion("bash: scontrol: not found")).toThrow(ParseError);
  });
});
