import { ParseError } from "../../parsers/errors.js";
import { parseCount, splitLines } from "../../parsers/text.js";

/** One license as `scontrol show lic` prints it. */
export interface SlurmLicense {
  /** the full name Slurm prints, e.g. "abaqus.abaqus@flexlm" (lower-case for remote ones) */
  name: string;
  total: number;
  used: number;
  reserved: number;
  free?: number;
  remote: boolean;
  /** 23.02+: usage pushed with `sacctmgr … set lastconsumed=` */
  lastConsumed?: number;
  lastDeficit?: number;
  /** every key as printed, known or not */
  fields: Record<string, string>;
}

/** One license held by a reservation: `name@server:count` (22.05 prints `:`, older docs `*`). */
export interface ReservedLicense {
  name: string;
  count: number;
}

export interface SlurmReservation {
  name: string;
  startTime: string;
  endTime: string;
  flags: string[];
  licenses: ReservedLicense[];
  state?: string;
  fields: Record<string, string>;
}

interface Record_ {
  lineNumber: number;
  text: string;
}

/**
 * Splits `Key=Value` tokens. A token without `=` continues the previous value (values such as
 * a reason may contain spaces), so no key is lost and none is invented.
 */
export function parseKeyValues(text: string, lineNumber = 0): Record<string, string> {
  const fields: Record<string, string> = {};
  let lastKey: string | undefined;
  for (const token of text.trim().split(/\s+/)) {
    if (token === "") continue;
    const eq = token.indexOf("=");
    if (eq > 0) {
      lastKey = token.slice(0, eq);
      fields[lastKey] = token.slice(eq + 1);
    } else if (lastKey !== undefined) {
      fields[lastKey] = `${fields[lastKey]} ${token}`;
    } else {
      throw new ParseError(`"${token}" is not a Key=Value token`, lineNumber, text);
    }
  }
  return fields;
}

/** Joins indented continuation lines onto the record they belong to. */
function records(output: string, startKey: string): Record_[] {
  const result: Record_[] = [];
  splitLines(output).forEach((line, index) => {
    if (line.trim() === "") return;
    const last = result[result.length - 1];
    if (/^\s/.test(line) && last !== undefined && !line.trimStart().startsWith(`${startKey}=`)) {
      last.text += ` ${line.trim()}`;
    } else {
      result.push({ lineNumber: index + 1, text: line.trim() });
    }
  });
  return result;
}

function requiredCount(fields: Record<string, string>, key: string, record: Record_): number {
  const value = fields[key];
  if (value === undefined) throw new ParseError(`missing ${key}=`, record.lineNumber, record.text);
  return parseCount(value, record.lineNumber, record.text, key);
}

function optionalCount(
  fields: Record<string, string>,
  key: string,
  record: Record_,
): number | undefined {
  const value = fields[key];
  return value === undefined ? undefined : parseCount(value, record.lineNumber, record.text, key);
}

/** Parses `scontrol show lic` or `scontrol -o show lic`; "No licenses configured" is an empty list. */
export function parseLicenses(output: string): SlurmLicense[] {
  const licenses: SlurmLicense[] = [];
  for (const record of records(output, "LicenseName")) {
    if (/^No licenses configured/i.test(record.text)) continue;
    if (!record.text.startsWith("LicenseName=")) {
      throw new ParseError("expected a LicenseName= record", record.lineNumber, record.text);
    }
    const fields = parseKeyValues(record.text, record.lineNumber);
    const name = fields.LicenseName ?? "";
    if (name === "") throw new ParseError("empty LicenseName=", record.lineNumber, record.text);
    const license: SlurmLicense = {
      name,
      total: requiredCount(fields, "Total", record),
      used: requiredCount(fields, "Used", record),
      reserved: requiredCount(fields, "Reserved", record),
      remote: (fields.Remote ?? "no").toLowerCase() === "yes",
      fields,
    };
    const free = optionalCount(fields, "Free", record);
    if (free !== undefined) license.free = free;
    const lastConsumed = optionalCount(fields, "LastConsumed", record);
    if (lastConsumed !== undefined) license.lastConsumed = lastConsumed;
    const lastDeficit = optionalCount(fields, "LastDeficit", record);
    if (lastDeficit !== undefined) license.lastDeficit = lastDeficit;
    licenses.push(license);
  }
  return licenses;
}

/** Reads a reservation's `Licenses=` value: `a@s:4,b@s:1`, `lustre*1000`, or `(null)`. */
export function parseReservedLicenses(
  value: string,
  lineNumber = 0,
  lineText = value,
): ReservedLicense[] {
  if (value === "" || value === "(null)") return [];
  return value.split(",").map((entry) => {
    const match = /^([^:*]+)(?:[:*](\d+))?$/.exec(entry.trim());
    if (!match || match[1] === undefined) {
      throw new ParseError(
        `reservation license "${entry}" is not name:count`,
        lineNumber,
        lineText,
      );
    }
    const count =
      match[2] === undefined ? 1 : parseCount(match[2], lineNumber, lineText, "license count");
    return { name: match[1].toLowerCase(), count };
  });
}

/**
 * Parses `scontrol show reservation NAME` (with or without -o). Returns undefined when Slurm
 * says the reservation does not exist.
 */
export function parseReservation(output: string): SlurmReservation | undefined {
  const found = records(output, "ReservationName");
  const first = found[0];
  if (first === undefined) throw new ParseError("no output from scontrol show reservation");
  if (/^(Reservation \S+ not found|No reservations in the system)/i.test(first.text))
    return undefined;
  if (!first.text.startsWith("ReservationName=")) {
    throw new ParseError("expected a ReservationName= record", first.lineNumber, first.text);
  }
  if (found.length > 1) {
    const second = found[1]!;
    throw new ParseError("expected one reservation", second.lineNumber, second.text);
  }
  const fields = parseKeyValues(first.text, first.lineNumber);
  const name = fields.ReservationName ?? "";
  const startTime = fields.StartTime;
  const endTime = fields.EndTime;
  if (name === "" || startTime === undefined || endTime === undefined) {
    throw new ParseError(
      "reservation without ReservationName/StartTime/EndTime",
      first.lineNumber,
      first.text,
    );
  }
  const flags = (fields.Flags ?? "").split(",").filter((flag) => flag !== "" && flag !== "(null)");
  const reservation: SlurmReservation = {
    name,
    startTime,
    endTime,
    flags,
    licenses: parseReservedLicenses(fields.Licenses ?? "", first.lineNumber, first.text),
    fields,
  };
  if (fields.State !== undefined) reservation.state = fields.State;
  return reservation;
}

export interface SlurmVersion {
  major: number;
  minor: number;
  patch: number;
  text: string;
}

/** Reads `scontrol --version` / `sinfo --version` ("slurm-wlm 22.05.8", "slurm 23.02.7"). */
export function parseSlurmVersion(output: string): SlurmVersion {
  const text = output.trim();
  const match = /^slurm(?:-wlm)?\s+(\d+)\.(\d+)(?:\.(\d+))?/i.exec(text);
  if (!match) throw new ParseError("not a Slurm version line", 1, splitLines(output)[0] ?? "");
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0), text };
}

/** `lastconsumed` on remote licenses arrived in Slurm 23.02. */
export function supportsLastConsumed(version: SlurmVersion): boolean {
  return version.major > 23 || (version.major === 23 && version.minor >= 2);
}

/** Reads one `Key = value` line of `scontrol show config`; undefined when absent or (null). */
export function parseConfigValue(output: string, key: string): string | undefined {
  for (const line of splitLines(output)) {
    const match = /^([^\s=]+)\s*=\s*(\S.*)?$/.exec(line.trim());
    if (match && match[1]!.toLowerCase() === key.toLowerCase()) {
      const value = (match[2] ?? "").trim();
      return value === "" || value === "(null)" ? undefined : value;
    }
  }
  return undefined;
}
