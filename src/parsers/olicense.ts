/**
 * OLicense: `olixtool -sv HOST:PORT`.
 *
 * The output is a banner, then one block per license (introduced by a `====` rule) with
 * `Key:<TAB>value` lines and a `Modules:` table. Each module row is `name; type; count;
 * expiration;` (separators are `;` followed by spaces and/or TABs); a row may be followed by
 * `N FloatsLockedBy:` and one `user@host #tokens` line per holder. A module that appears in
 * several licenses is summed.
 *
 * The patterns below define what each line means. Outputs run to hundreds of thousands of
 * holder lines, so the three frequent kinds of line inside a module table (holder, FloatsLockedBy
 * and module row) are first tried by hand-written scans that read them in place; each scan accepts
 * only lines it can show the patterns would read the same way, and leaves any other line to them.
 */
import { ParseError, ServerError } from "./errors.js";
import { OlicenseFeatures, type PoolBounds } from "./olicense-features.js";
import {
  isDigitCode,
  ShortStrings,
  keepClassesWarm,
  NextIndex,
  UnusualWhitespace,
  skipWhitespace,
  trimmedEnd,
} from "./scan.js";
import { LineCursor, lineAround, lineNumberAt, parseCount, readCount } from "./text.js";
import type { FeatureUsage, LicenseUse, ParsedReport, Parser } from "./types.js";

const SERVER_ERROR = /^\s*OlComm\s+\d+\b.*$/;
const SERVER_ERROR_WORD = "OlComm";
const LICENSE_RULE = /^\s*={3,}\s*$/;
const BANNER = /^\s*olixtool\b/i;
const PREAMBLE = [
  BANNER,
  /^\s*Copyright\b/i,
  /^\s*Server:\s*</,
  /^\s*List of requested licenses:\s*$/,
];
/** the value starts at a non-blank, so the blanks before it are read one way only */
const KEY_VALUE = /^\s*([A-Za-z][\w-]*):[ \t]*([^ \t\n\r\u2028\u2029].*)?$/;
const MODULES_START = /^\s*Modules:\s*$/;
const MODULE_HEADER = /^\s*Name\s*;.*\bFloatCount\b/;
const DASH_RULE = /^\s*-{3,}\s*$/;
const LOCKED_BY = /^\s*(\S+)\s+FloatsLockedBy:\s*$/;
/**
 * `user@host #N`, split at the last `@` that leaves a host: as `(\S+)@(\S+)` would split it,
 * but written so that a word of thousands of `@` is read in linear time, not quadratic (the
 * host holds no `@`, or ends in the word's last one).
 */
const LOCK_HOLDER = /^\s*(\S+)@([^\s@]+|[^\s@]*@)\s+#(\S+)\s*$/;

const FLOATS_LOCKED_BY = "FloatsLockedBy:";
const HEADER_START = "Name";
const NAME_INITIAL = 78;
const SPACE = 32;
const HASH = 35;
const COLON = 58;

type Section = "preamble" | "license" | "modules";

/** Where a module row keeps its fields; read from the table header when there is one. */
interface ModuleColumns {
  name: number;
  floatCount: number;
  expiration: number | undefined;
  /** the highest of the three: fields after it are not read */
  last: number;
}

const DEFAULT_COLUMNS: ModuleColumns = { name: 0, floatCount: 2, expiration: 3, last: 3 };

export function parseOlixtool(output: string): ParsedReport {
  throwIfServerError(output);
  return READER.read(output);
}

/**
 * An `OlComm NNN` line anywhere wins over anything else wrong with the output. Searched for as a
 * word first: real outputs do not contain it, and the word search is far cheaper than a line walk.
 */
function throwIfServerError(output: string): void {
  for (let at = output.indexOf(SERVER_ERROR_WORD); at >= 0;) {
    const line = lineAround(output, at);
    if (SERVER_ERROR.test(line.text)) {
      throw new ServerError(
        `olixtool reports an error: ${line.text.trim()}`,
        lineNumberAt(output, line.start),
        line.text,
      );
    }
    at = output.indexOf(SERVER_ERROR_WORD, line.end + 1);
  }
}

/**
 * Walks an output once, keeping which section it is in and which module row is open.
 *
 * One reader serves every parse (parse is synchronous, so never two at once) and lets go of the
 * output and the report when done. V8 discards optimised code when the objects whose shapes it
 * was compiled for are all collected; a reader made per parse would therefore have its code
 * thrown away by a full garbage collection between two parses, and each large parse would start
 * over in the interpreter.
 */
class OlixtoolReader {
  private text = "";
  private readonly features = new OlicenseFeatures();
  private warnings: string[] = [];
  /** whether any line has more than whitespace */
  private sawText = false;
  private section: Section = "preamble";
  private recognised = false;
  private application: string | undefined = undefined;
  /** the feature index of the last row in this license block, or -1 */
  private module = -1;
  /**
   * Holders of the open module not yet added to its uses: added all at once when another module
   * opens, so a module's uses are one array of the right size rather than one grown by pushes.
   */
  private holders: LicenseUse[] = [];
  private holderCount = 0;
  /** whether the open module's FloatsLockedBy line has been read */
  private locked = false;
  private columns = DEFAULT_COLUMNS;
  private cursor = new LineCursor("");
  private readonly fields = new RowFields();
  private semicolons = new NextIndex("", ";");
  private atSigns = new NextIndex("", "@");
  private unusualWhitespace = new UnusualWhitespace("");
  private users = new ShortStrings("");
  read(text: string): ParsedReport {
    this.begin(text);
    try {
      this.readAll();
      this.openModule(-1);
      if (!this.sawText) throw new ParseError("olixtool output is empty");
      return { type: "olicense", features: this.features.toFeatures(), warnings: this.warnings };
    } finally {
      this.begin("");
    }
  }

  /** Starts over on `text`, keeping nothing of the previous output. */
  private begin(text: string): void {
    this.text = text;
    this.features.start(text);
    this.warnings = [];
    this.sawText = false;
    this.section = "preamble";
    this.recognised = false;
    this.application = undefined;
    this.module = -1;
    this.holders = [];
    this.holderCount = 0;
    this.locked = false;
    this.columns = DEFAULT_COLUMNS;
    this.cursor = new LineCursor(text);
    this.semicolons = new NextIndex(text, ";");
    this.atSigns = new NextIndex(text, "@");
    this.unusualWhitespace = new UnusualWhitespace(text);
    this.users = new ShortStrings(text);
  }

  private readAll(): void {
    const text = this.text;
    const cursor = this.cursor;
    while (cursor.advance()) {
      const first = skipWhitespace(text, cursor.start, cursor.end);
      if (first === cursor.end) continue;
      this.sawText = true;
      if (this.section === "modules" && this.readTableLineInPlace(cursor, first)) continue;
      this.readLine(cursor.line(), cursor.number);
    }
  }

  /** The frequent module-table lines, read without slicing the line; false for any other line. */
  private readTableLineInPlace(cursor: LineCursor, first: number): boolean {
    const end = cursor.end;
    return (
      (isDigitCode(this.text.charCodeAt(first)) && this.readLockedByInPlace(first, end)) ||
      this.readHolderInPlace(first, end) ||
      this.readModuleRowInPlace(cursor, first)
    );
  }

  /**
   * `N FloatsLockedBy:` with one space and nothing after, which LOCKED_BY reads as N; no other
   * pattern before it can match a line starting with a digit.
   */
  private readLockedByInPlace(first: number, end: number): boolean {
    const text = this.text;
    const module = this.module;
    if (module < 0 || this.locked) return false;
    let digitsEnd = first;
    while (digitsEnd < end && isDigitCode(text.charCodeAt(digitsEnd))) digitsEnd++;
    if (
      digitsEnd + 1 + FLOATS_LOCKED_BY.length !== end ||
      text.charCodeAt(digitsEnd) !== SPACE ||
      !text.startsWith(FLOATS_LOCKED_BY, digitsEnd + 1)
    ) {
      return false;
    }
    const count = readCount(text, first, digitsEnd);
    if (count < 0) return false;
    this.locked = true;
    this.features.addUsed(module, count);
    return true;
  }

  /**
   * `user@host #N`: one `@` in a first word free of any whitespace, one space, `#`, digits to the
   * end of the line. LOCK_HOLDER reads such a line the same way; of the patterns before it only
   * MODULE_HEADER could also match, and only a line starting with `Name`.
   */
  private readHolderInPlace(first: number, end: number): boolean {
    const text = this.text;
    if (this.module < 0 || !this.locked) return false;
    const at = this.atSigns.at(first);
    if (at <= first || at >= end) return false;
    const space = text.indexOf(" ", first);
    if (space <= at + 1 || space + 2 >= end || text.charCodeAt(space + 1) !== HASH) return false;
    const count = readCount(text, space + 2, end);
    if (count < 0) return false;
    if (this.atSigns.at(at + 1) < space) return false;
    if (this.unusualWhitespace.at(first) < space) return false;
    if (text.charCodeAt(first) === NAME_INITIAL && text.startsWith(HEADER_START, first)) {
      return false;
    }
    this.holders[this.holderCount++] = {
      username: this.users.slice(first, at),
      host: text.slice(at + 1, space),
      count,
    };
    return true;
  }

  /**
   * A line with a `;` is a module row unless an earlier pattern matches it: LOCK_HOLDER needs an
   * `@`, LOCKED_BY a line ending in `:`, MODULE_HEADER a line starting with `Name`, the two rules
   * a line without `;`.
   */
  private readModuleRowInPlace(cursor: LineCursor, first: number): boolean {
    const text = this.text;
    const { start, end } = cursor;
    if (this.semicolons.at(start) >= end) return false;
    if (this.atSigns.at(first) < end) return false;
    if (text.charCodeAt(first) === NAME_INITIAL && text.startsWith(HEADER_START, first)) {
      return false;
    }
    if (text.charCodeAt(trimmedEnd(text, first, end) - 1) === COLON) return false;
    this.readModuleRow(text, start, end, this.semicolons, cursor.number);
    return true;
  }

  /** Any line, read by the patterns. */
  private readLine(line: string, lineNumber: number): void {
    if (LICENSE_RULE.test(line)) {
      this.recognised = true;
      this.section = "license";
      this.application = undefined;
      this.openModule(-1);
      this.locked = false;
      return;
    }
    if (this.section === "preamble") this.readPreambleLine(line, lineNumber);
    else if (this.section === "license") this.readLicenseLine(line, lineNumber);
    else this.readTableLine(line, lineNumber);
  }

  private readPreambleLine(line: string, lineNumber: number): void {
    if (PREAMBLE.some((pattern) => pattern.test(line))) this.recognised = true;
    else this.notUnderstood(lineNumber, line);
  }

  private readLicenseLine(line: string, lineNumber: number): void {
    if (MODULES_START.test(line)) {
      this.section = "modules";
      return;
    }
    const pair = KEY_VALUE.exec(line);
    if (!pair) {
      this.notUnderstood(lineNumber, line);
      return;
    }
    if (pair[1] === "Application") this.application = pair[2]?.trim() || undefined;
  }

  private readTableLine(line: string, lineNumber: number): void {
    if (MODULE_HEADER.test(line)) {
      this.columns = readModuleHeader(line);
      return;
    }
    if (DASH_RULE.test(line)) return;

    const locked = LOCKED_BY.exec(line);
    if (locked) {
      if (this.module < 0 || this.locked) {
        throw new ParseError("FloatsLockedBy without a module row before it", lineNumber, line);
      }
      const count = parseCount(locked[1] ?? "", lineNumber, line, "FloatsLockedBy count");
      this.locked = true;
      this.features.addUsed(this.module, count);
      return;
    }

    const holder = LOCK_HOLDER.exec(line);
    if (holder) {
      if (this.module < 0 || !this.locked) {
        throw new ParseError("lock holder outside a FloatsLockedBy list", lineNumber, line);
      }
      const count = parseCount(holder[3] ?? "", lineNumber, line, "tokens");
      this.holders[this.holderCount++] = {
        username: holder[1] ?? "",
        host: holder[2] ?? "",
        count,
      };
      return;
    }

    if (line.includes(";")) {
      const { start, end } = this.cursor;
      this.readModuleRow(this.text, start, end, this.semicolons, lineNumber);
      return;
    }

    this.notUnderstood(lineNumber, line);
  }

  /**
   * Reads `name; type; count; expiration;` in `text[start, end)` (fields as `split(";")` and
   * `trim()` would give them), adds the count to the module's total and opens the module.
   */
  private readModuleRow(
    text: string,
    start: number,
    end: number,
    semicolons: NextIndex,
    lineNumber: number,
  ): void {
    const fields = this.fields;
    fields.locate(text, start, end, this.columns, semicolons);
    if (fields.nameStart === fields.nameEnd || fields.countStart < 0) {
      throw new ParseError(
        "module row needs a name and a FloatCount",
        lineNumber,
        text.slice(start, end),
      );
    }
    const countStart = skipWhitespace(text, fields.countStart, fields.countEnd);
    const countEnd = trimmedEnd(text, countStart, fields.countEnd);
    const count = readCount(text, countStart, countEnd);
    const total =
      count >= 0
        ? count
        : parseCount(
            text.slice(countStart, countEnd),
            lineNumber,
            text.slice(start, end),
            "FloatCount",
          );
    this.openModule(this.features.addPool(fields, total, this.application));
    this.locked = false;
  }

  /** Makes `module` the open module, first giving the holders read since to the previous one. */
  private openModule(module: number): void {
    if (this.holderCount > 0) this.addHolders();
    this.module = module;
  }

  private addHolders(): void {
    // holders are only read while a module is open
    if (this.module >= 0)
      this.features.addUses(this.module, this.holders.slice(0, this.holderCount));
    this.holderCount = 0;
  }

  private notUnderstood(lineNumber: number, line: string): void {
    if (!this.recognised) {
      throw new ParseError("not olixtool output", lineNumber, line);
    }
    this.warnings.push(`line ${lineNumber}: not understood: ${line}`);
  }
}

/**
 * Bounds of a module row's fields: the name and expiration trimmed (start = end when the row has
 * none), the FloatCount untrimmed (a start of -1 when the row has none).
 */
class RowFields implements PoolBounds {
  nameStart = 0;
  nameEnd = 0;
  countStart = -1;
  countEnd = -1;
  expiresStart = 0;
  expiresEnd = 0;

  /** Finds the fields `split(";")` would give at the columns' positions, without splitting. */
  locate(
    text: string,
    start: number,
    end: number,
    columns: ModuleColumns,
    semicolons: NextIndex,
  ): void {
    this.nameStart = this.nameEnd = this.expiresStart = this.expiresEnd = 0;
    this.countStart = -1;
    let fieldStart = start;
    for (let index = 0; ; index++) {
      const fieldEnd = Math.min(semicolons.at(fieldStart), end);
      if (index === columns.name) {
        this.nameStart = skipWhitespace(text, fieldStart, fieldEnd);
        this.nameEnd = trimmedEnd(text, this.nameStart, fieldEnd);
      }
      if (index === columns.floatCount) {
        this.countStart = fieldStart;
        this.countEnd = fieldEnd;
      }
      if (index === columns.expiration) {
        this.expiresStart = skipWhitespace(text, fieldStart, fieldEnd);
        this.expiresEnd = trimmedEnd(text, this.expiresStart, fieldEnd);
      }
      if (fieldEnd === end || index === columns.last) return;
      fieldStart = fieldEnd + 1;
    }
  }
}

/** Column positions from `Name; LicenseType; FloatCount; Expiration`, in whatever order. */
function readModuleHeader(line: string): ModuleColumns {
  const names = line.split(";").map((name) => name.trim().toLowerCase());
  const position = (name: string): number | undefined => {
    const index = names.indexOf(name);
    return index < 0 ? undefined : index;
  };
  const name = position("name") ?? DEFAULT_COLUMNS.name;
  const floatCount = position("floatcount") ?? DEFAULT_COLUMNS.floatCount;
  const expiration = position("expiration");
  return { name, floatCount, expiration, last: Math.max(name, floatCount, expiration ?? 0) };
}

/** Features as a parse makes them (one pool or several, with and without holders). */
function sampleFeatures(): FeatureUsage[] {
  return READER.read(
    [
      "olixtool",
      "====",
      "Application: sample",
      "Modules:",
      "  single; x; 1; 2027-01-01 23:59:59;",
      "  several; x; 1; 2027-01-01 23:59:59;",
      "  several; x; 1; 2027-01-01 23:59:59;",
      "    1 FloatsLockedBy:",
      "      user@host #1",
    ].join("\n"),
  ).features;
}

const READER = new OlixtoolReader();
// kept for the reason READER is: once no object of a shape is left, code assuming it is dropped
keepClassesWarm(...sampleFeatures());

export const olicenseParser: Parser = {
  type: "olicense",
  command: (server, opts = {}) => ({
    argv: [opts.binary ?? "olixtool", "-sv", `${server.host}:${server.port}`],
  }),
  parse: parseOlixtool,
};
