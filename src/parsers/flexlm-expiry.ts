import { ParseError, ServerError } from "./errors.js";
import { allDigits, hasAt, isDigitCode } from "./scan.js";
import { splitLines } from "./text.js";
import { UNLIMITED_TOTAL } from "./types.js";

/** One row of `lmstat -i`: what the license file says, not what the server serves. */
export interface LicenseExpiry {
  feature: string;
  version: string;
  /** seats in the license file row; UNLIMITED_TOTAL when the row says `uncounted` */
  count: number;
  unlimited?: boolean;
  /** ISO date `YYYY-MM-DD`, or `permanent` */
  expires: string;
  vendor: string;
}

const MONTHS: Record<string, string> = {
  jan: "01",
  feb: "02",
  mar: "03",
  apr: "04",
  may: "05",
  jun: "06",
  jul: "07",
  aug: "08",
  sep: "09",
  oct: "10",
  nov: "11",
  dec: "12",
};

/**
 * Reads a FlexLM expiry (`31-dec-2026`, `1-jan-0`, `01-jan-0000`, `permanent`,
 * `permanent(no expiration date)`). Year 0 means never. Returns `permanent`, an ISO date,
 * or undefined when the text is not an expiry.
 */
export function normaliseFlexlmExpiry(text: string): string | undefined {
  const value = text.trim().toLowerCase();
  if (hasAt(value, 0, "permanent")) return "permanent";
  const match = /^(\d{1,2})-([a-z]{3})-(\d{1,4})$/.exec(value);
  if (!match) return undefined;
  const [, dayText, monthText, yearText] = match as unknown as [string, string, string, string];
  const month = MONTHS[monthText];
  const day = Number(dayText);
  if (month === undefined || day < 1 || day > 31) return undefined;
  return isoDate(Number(yearText), month, day);
}

/** A month's three lowercase letters as one number, for a lookup without a slice. */
const monthCode = (text: string, at: number): number =>
  (text.charCodeAt(at) << 16) | (text.charCodeAt(at + 1) << 8) | text.charCodeAt(at + 2);
const MONTH_BY_CODE = new Map(
  Object.entries(MONTHS).map(([name, number]) => [monthCode(name, 0), number]),
);

const isLowerAsciiLetter = (code: number): boolean => code >= 97 && code <= 122;

/** The value of the digits `text[from, to)`, which the caller has checked. */
function digitsValue(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) value = value * 10 + (text.charCodeAt(i) - 48);
  return value;
}

/**
 * normaliseFlexlmExpiry(text.slice(from, to)). The forms every pool header carries,
 * `permanent…` and a lowercase `D-mon-YYYY` with nothing around it, are read in place;
 * anything else is sliced and left to normaliseFlexlmExpiry.
 */
export function readFlexlmExpiryAt(text: string, from: number, to: number): string | undefined {
  if (hasAt(text, from, "permanent")) return "permanent";
  let dayEnd = from;
  while (dayEnd < to && dayEnd - from < 2 && isDigitCode(text.charCodeAt(dayEnd))) dayEnd++;
  const monthAt = dayEnd + 1;
  const yearAt = monthAt + 4;
  const inPlace =
    dayEnd > from &&
    yearAt < to &&
    to - yearAt <= 4 &&
    text.charCodeAt(dayEnd) === 45 /* - */ &&
    isLowerAsciiLetter(text.charCodeAt(monthAt)) &&
    isLowerAsciiLetter(text.charCodeAt(monthAt + 1)) &&
    isLowerAsciiLetter(text.charCodeAt(monthAt + 2)) &&
    text.charCodeAt(monthAt + 3) === 45 &&
    allDigits(text, yearAt, to);
  if (!inPlace) return normaliseFlexlmExpiry(text.slice(from, to));
  const month = MONTH_BY_CODE.get(monthCode(text, monthAt));
  const day = digitsValue(text, from, dayEnd);
  if (month === undefined || day < 1 || day > 31) return undefined;
  return isoDate(digitsValue(text, yearAt, to), month, day);
}

/** `permanent` for year 0, else `YYYY-MM-DD` (year up to 9999, zero-padded), built in one go. */
function isoDate(year: number, month: string, day: number): string {
  if (year === 0) return "permanent";
  const digit = (value: number, unit: number): number => 48 + (Math.floor(value / unit) % 10);
  return String.fromCharCode(
    digit(year, 1000),
    digit(year, 100),
    digit(year, 10),
    digit(year, 1),
    45,
    month.charCodeAt(0),
    month.charCodeAt(1),
    45,
    digit(day, 10),
    digit(day, 1),
  );
}

const DOWN_TEXT =
  /\(-\d{1,4},\d+|Cannot (connect to|read data from|find) license|lmgrd is not running/i;

/**
 * Parses the `lmstat -i` expiry table. Columns are found by the header line, which comes in
 * two orders (`… Expires Vendor` and `… Vendor Expires`); the NOTE preamble is skipped.
 * @throws ParseError for a missing header or a row that does not fit it; ServerError when
 *   the tool says it could not read the license
 */
export function parseLmstatExpiryTable(output: string): LicenseExpiry[] {
  const lines = splitLines(output);
  let headerIndex = -1;
  let vendorFirst = false;
  for (let i = 0; i < lines.length; i++) {
    const columns = (lines[i] ?? "").trim().split(/\s+/);
    if (columns[0] === "Feature" && columns.includes("Expires") && columns.includes("Vendor")) {
      headerIndex = i;
      vendorFirst = columns.indexOf("Vendor") < columns.indexOf("Expires");
      break;
    }
  }
  if (headerIndex < 0) {
    const downIndex = lines.findIndex((line) => DOWN_TEXT.test(line));
    if (downIndex >= 0) {
      throw new ServerError(
        "lmstat -i could not read the license",
        downIndex + 1,
        lines[downIndex] ?? "",
      );
    }
    const firstIndex = lines.findIndex((line) => line.trim() !== "");
    if (firstIndex < 0) throw new ParseError("empty lmstat -i output");
    throw new ParseError(
      "no `Feature … Version … #licenses … Expires … Vendor` header in lmstat -i output",
      firstIndex + 1,
      lines[firstIndex] ?? "",
    );
  }

  const rows: LicenseExpiry[] = [];
  for (let i = headerIndex + 1; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const trimmed = line.trim();
    if (trimmed === "" || /^_+(\s+_+)*$/.test(trimmed)) continue;
    if (hasAt(trimmed, 0, "NOTE:")) continue;
    rows.push(parseExpiryRow(trimmed, vendorFirst, i + 1, line));
  }
  return rows;
}

function parseExpiryRow(
  trimmed: string,
  vendorFirst: boolean,
  lineNumber: number,
  line: string,
): LicenseExpiry {
  // each group begins with a non-blank, so no run of blanks can be split two ways
  const match = /^(\S+)\s+(\S+)\s+(\S+)\s+(\S.*)$/.exec(trimmed);
  if (!match) throw new ParseError("lmstat -i row has too few columns", lineNumber, line);
  const [, feature, version, countText, rest] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
  ];
  let expiresText: string;
  let vendor: string;
  if (vendorFirst) {
    const split = /^(\S+)\s+(\S.*)$/.exec(rest);
    if (!split) throw new ParseError("lmstat -i row lacks the Expires column", lineNumber, line);
    vendor = split[1] ?? "";
    expiresText = split[2] ?? "";
  } else {
    const split = /^(.*\S)\s+(\S+)$/.exec(rest);
    if (!split) throw new ParseError("lmstat -i row lacks the Vendor column", lineNumber, line);
    expiresText = split[1] ?? "";
    vendor = split[2] ?? "";
  }
  const expires = normaliseFlexlmExpiry(expiresText);
  if (expires === undefined) {
    throw new ParseError(`expiry "${expiresText}" is not a FlexLM date`, lineNumber, line);
  }
  if (/^uncounted$/i.test(countText)) {
    return { feature, version, count: UNLIMITED_TOTAL, unlimited: true, expires, vendor };
  }
  if (!/^\d{1,10}$/.test(countText)) {
    throw new ParseError(
      `#licenses "${countText}" is not a non-negative integer`,
      lineNumber,
      line,
    );
  }
  return { feature, version, count: Number(countText), expires, vendor };
}
