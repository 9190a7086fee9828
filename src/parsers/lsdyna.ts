import { ParseError, ServerError } from "./errors.js";
import { nameHash } from "./lsdyna-names.js";
import { mergePrograms, type RunningUse } from "./lsdyna-programs.js";
import { DASH, objectArray, ProgramTable } from "./lsdyna-table.js";
import {
  hasAt,
  isDigitCode,
  keepClassesWarm,
  shortHashStep,
  ShortStrings,
  UnusualWhitespace,
  isBlankText,
  isWhitespaceCode,
  skipWhitespace,
  trimmedEnd,
  wordEndAt,
} from "./scan.js";
import { LineCursor, parseCount, readCount, splitLines } from "./text.js";
import type { LicenseUse, ParsedReport, Parser } from "./types.js";

/**
 * Reads `lstc_qrun -R` and `-r` output (LSTC license manager).
 *
 * The LICENSE INFORMATION table lists programs; the programs printed above a
 * `LICENSE GROUP` row share that group's pool, so the group's USED and MAX are their used and
 * total (their own USED column is often `-`). A program after the last group row stands
 * alone with its own counts. User lines `user pid@host count` belong to the program above.
 * Optional `Running Programs` / `Queued Programs` tables give holders (for programs without
 * user lines) and queued users. The tool's exit status means nothing; `*** ERROR` does.
 *
 * Outputs run to one user line per checkout, so lines are walked in place: user lines and
 * table rows are read field by field without slicing the line; the rare lines (titles,
 * headers, Running/Queued Programs rows) are sliced and read with regexes. Table rows are
 * kept column by column in a ProgramTable, not as objects.
 */

const SERVER_ERROR = /^\*+\s*ERROR\b/;
const TABLE_TITLE = "LICENSE INFORMATION";
const TABLE_HEADER = /^PROGRAM\s+EXPIRATION\b/;
const RULE = /^[-|\s]+$/;
const GROUP_PREFIX = "LICENSE GROUP";
const USER_LINE = /^(\S+)\s+(\d+)@(\S+)\s+(\S+)$/;
const PROGRAMS_TITLE = /^(Running|Queued) Programs$/;
const PROGRAMS_HEADER = /^User\s+Host\s+Program\b/;
const NO_PROGRAMS = /^No programs (running|queued)$/;
/**
 * `user pid@host program … count`: what `\s+(.*?)\s+(\d+)$` after the program reads (a middle
 * with no line terminator between its first and last non-blank, or two blanks at least when
 * there is no middle), written so that no run of blanks can be split in many ways: that pattern
 * took cubic time on a row with a few thousand blanks.
 */
const PROGRAMS_ROW = /^(\S+)\s+(\d+)@(\S+)\s+(\S+)(?:\s\s+|\s+(\S.*?\S|\S)\s+)(\d+)$/;

const AT = 64;
const SPACE = 32;
const ZERO = 48;
const DASH_CHAR = 45;
const BAR_CHAR = 124;

type Section = "preamble" | "table" | "running" | "queued";

export function parseLstcQrun(output: string): ParsedReport {
  if (isBlankText(output)) throw new ParseError("lstc_qrun output is empty");
  throwServerError(output);
  const reader = new QrunReader(output);
  reader.readAll();
  if (!reader.sawTable) {
    const lines = splitLines(output);
    throw new ParseError(
      "no LICENSE INFORMATION table in the output",
      1,
      lines[0] ?? "",
      numbered(lines),
    );
  }
  return {
    type: "lsdyna",
    features: mergePrograms(output, reader.table, reader.running, reader.queuedBy),
    warnings: reader.warnings,
  };
}

/**
 * The first `*** ERROR` line wins over anything else in the output. Only lines holding
 * `ERROR` can be one, so they are found with indexOf instead of testing every line.
 */
function throwServerError(text: string): void {
  for (let at = text.indexOf("ERROR"); at >= 0;) {
    const lineStart = text.lastIndexOf("\n", at) + 1;
    let lineEnd = text.indexOf("\n", at);
    if (lineEnd < 0) lineEnd = text.length;
    if (SERVER_ERROR.test(text.slice(lineStart, lineEnd).trim())) {
      const cursor = new LineCursor(text);
      while (cursor.advance() && cursor.start < lineStart);
      throw new ServerError("LSTC license server is not reachable", cursor.number, cursor.line());
    }
    at = text.indexOf("ERROR", lineEnd);
  }
}

/** One pass over the output, collecting program rows, holders, queued users and warnings. */
class QrunReader {
  sawTable = false;
  readonly table = new ProgramTable();
  readonly running: RunningUse[] = [];
  readonly queuedBy = new Map<string, number>();
  readonly warnings: string[] = [];
  private section: Section = "preamble";
  /** the first program printed since the last LICENSE GROUP row (later ones are too) */
  private firstUngrouped = 0;
  /**
   * The current program's users so far (the first usesCount entries), handed to it as one
   * array of the right size when its user lines end, instead of an array grown line by line.
   */
  private readonly uses: LicenseUse[] = objectArray();
  private usesCount = 0;
  /** the first `|` at or after the line being read (text.length when none) */
  private nextBar = -1;
  /** start and end of the fields left of a table row's `|` (seven at most are needed) */
  private readonly fields = new Int32Array(14);
  private readonly cursor: LineCursor;
  private readonly oddSpaces: UnusualWhitespace;
  private readonly userNames: ShortStrings;
  /** expiry dates, which repeat (`permanent` above all) */
  private readonly expiries: ShortStrings;
  /** the first unusual blank at or after the line being read (see UnusualWhitespace) */
  private nextOddSpace = -1;
  /** whether the current line's only whitespace is plain spaces */
  private plain = false;
  /** the first space at or after spaceFrom (text.length when none) */
  private spaceAt = -1;
  private spaceFrom = 0;

  constructor(private readonly text: string) {
    this.cursor = new LineCursor(text);
    this.oddSpaces = new UnusualWhitespace(text);
    this.userNames = new ShortStrings(text);
    this.expiries = new ShortStrings(text);
  }

  readAll(): void {
    const { text, cursor } = this;
    while (cursor.advance()) {
      const end = cursor.end;
      const start = skipWhitespace(text, cursor.start, end);
      if (start === end) continue;
      if (this.nextOddSpace < start) this.nextOddSpace = this.oddSpaces.at(start);
      this.plain = this.nextOddSpace >= end;
      if (this.section === "table" && this.table.programCount > 0 && !this.hasBar(start, end)) {
        if (this.plain ? this.readPlainUserLine(start, end) : this.readUserLine(start, end)) {
          continue;
        }
      }
      this.readLine(start, trimmedEnd(text, start, end));
    }
    this.closeProgram();
  }

  /**
   * readUserLine for a line whose only blanks are spaces, the usual case: the user name is
   * hashed (for ShortStrings) while its end is looked for, and the count is read from the end
   * of the line back, so the host's end is known without searching past the line.
   */
  private readPlainUserLine(start: number, end: number): boolean {
    const text = this.text;
    let at = start;
    let hash = 0;
    for (let code = text.charCodeAt(at); code !== SPACE; code = text.charCodeAt(at)) {
      hash = shortHashStep(hash, code);
      if (++at === end) return false;
    }
    const userEnd = at;
    while (text.charCodeAt(at) === SPACE) at++;
    const pidStart = at;
    while (at < end && isDigitCode(text.charCodeAt(at))) at++;
    if (at === pidStart || at === end || text.charCodeAt(at) !== AT) return false;
    const hostStart = at + 1;
    let countEnd = end;
    while (countEnd > hostStart && text.charCodeAt(countEnd - 1) === SPACE) countEnd--;
    let countStart = countEnd;
    let count = 0;
    for (let unit = 1; countStart > hostStart; unit *= 10) {
      const digit = text.charCodeAt(countStart - 1) - ZERO;
      if (digit < 0 || digit > 9) break;
      count += digit * unit;
      countStart--;
    }
    if (countStart === countEnd || countEnd - countStart > 15) return false;
    let hostEnd = countStart;
    while (hostEnd > hostStart && text.charCodeAt(hostEnd - 1) === SPACE) hostEnd--;
    if (hostEnd === countStart || hostEnd === hostStart) return false;
    if (text.indexOf(" ", hostStart) < hostEnd) return false;
    this.addUse({
      username: this.userNames.sliceHashed(start, userEnd, hash),
      host: text.slice(hostStart, hostEnd),
      count,
    });
    return true;
  }

  /**
   * A `user pid@host count` line under a program, read in place (it is the line printed per
   * checkout); the caller has made sure it holds no `|`. False, with nothing read, for any
   * other line and for a line that needs an error or warning: readLine then reads it like
   * every rare line.
   */
  private readUserLine(start: number, end: number): boolean {
    const text = this.text;
    const userEnd = this.fieldEnd(start, end);
    const pidStart = skipWhitespace(text, userEnd, end);
    let at = pidStart;
    while (at < end && isDigitCode(text.charCodeAt(at))) at++;
    if (at === pidStart || at === end || text.charCodeAt(at) !== AT) return false;
    const hostStart = at + 1;
    const hostEnd = this.fieldEnd(hostStart, end);
    const countStart = skipWhitespace(text, hostEnd, end);
    if (hostEnd === hostStart || countStart === end) return false;
    let countEnd = countStart;
    let count = 0;
    for (; countEnd < end && isDigitCode(text.charCodeAt(countEnd)); countEnd++) {
      count = count * 10 + (text.charCodeAt(countEnd) - 48);
    }
    if (countEnd === countStart || countEnd - countStart > 15) return false;
    if (skipWhitespace(text, countEnd, end) !== end) return false;
    this.addUse({
      username: this.userNames.slice(start, userEnd),
      host: text.slice(hostStart, hostEnd),
      count,
    });
    return true;
  }

  private addUse(use: LicenseUse): void {
    this.uses[this.usesCount++] = use;
  }

  /** Hands the current program the users read under it. */
  private closeProgram(): void {
    const { table } = this;
    if (table.programCount === 0) return;
    table.uses[table.programCount - 1] =
      this.usesCount === 0 ? [] : this.uses.slice(0, this.usesCount);
    this.usesCount = 0;
  }

  /** A non-blank line `[start, end)` (trimmed) other than a well-formed user line. */
  private readLine(start: number, end: number): void {
    if (this.section === "table" && this.hasBar(start, end)) {
      if (!this.isHeaderOrRule(start, end)) this.readPoolRow(start, end);
      return;
    }
    const line = this.text.slice(start, end);
    if (line === TABLE_TITLE) {
      this.section = "table";
      this.sawTable = true;
      return;
    }
    const programsTitle = PROGRAMS_TITLE.exec(line);
    if (programsTitle) {
      this.section = programsTitle[1] === "Running" ? "running" : "queued";
      return;
    }
    if (this.section === "preamble" || NO_PROGRAMS.test(line)) return;
    if (this.section === "table") this.readOtherTableLine(line);
    else this.readProgramsLine(this.section, line);
  }

  /**
   * The end of the field at `from` (its first whitespace, or `to`). On a plain line that is
   * the next space, which indexOf finds far faster than a test of every character.
   */
  private fieldEnd(from: number, to: number): number {
    if (!this.plain) return wordEndAt(this.text, from, to);
    if (from < this.spaceFrom || from > this.spaceAt) {
      const space = this.text.indexOf(" ", from);
      this.spaceAt = space < 0 ? this.text.length : space;
      this.spaceFrom = from;
    }
    return this.spaceAt < to ? this.spaceAt : to;
  }

  /** Whether `[start, end)` holds a `|`; the next `|` is looked up once per row, not per line. */
  private hasBar(start: number, end: number): boolean {
    if (this.nextBar < start) {
      const bar = this.text.indexOf("|", start);
      this.nextBar = bar < 0 ? this.text.length : bar;
    }
    return this.nextBar < end;
  }

  private isHeaderOrRule(start: number, end: number): boolean {
    const text = this.text;
    if (hasAt(text, start, "PROGRAM") && TABLE_HEADER.test(text.slice(start, end))) {
      return true;
    }
    for (let i = start; i < end; i++) {
      const code = text.charCodeAt(i);
      if (code !== DASH_CHAR && code !== BAR_CHAR && !isWhitespaceCode(code)) return false;
    }
    return true;
  }

  /** A table line without `|` that is not a well-formed user line of a program. */
  private readOtherTableLine(line: string): void {
    if (TABLE_HEADER.test(line) || RULE.test(line)) return;
    const { cursor } = this;
    const user = USER_LINE.exec(line);
    if (user && this.table.programCount > 0) {
      this.addUse({
        username: user[1] ?? "",
        host: user[3] ?? "",
        count: parseCount(user[4] ?? "", cursor.number, cursor.line(), "licenses held"),
      });
      return;
    }
    this.warnings.push(
      `line ${cursor.number}: not understood in LICENSE INFORMATION: ${cursor.line()}`,
    );
  }

  /**
   * `NAME EXPIRATION [CPUS] USED FREE MAX | QUEUE` or `LICENSE GROUP USED FREE MAX | QUEUE`,
   * trimmed to `[start, end)`, its first `|` at nextBar. Fields are found in place.
   */
  private readPoolRow(start: number, end: number): void {
    const { text, fields } = this;
    const bar = this.nextBar;
    const count = this.splitLeft(start, bar);
    const isGroup = count >= 3 && hasAt(text, start, GROUP_PREFIX) && fields[3] === start + 13;
    const queueStart = this.skipBlanks(bar + 1, end);
    const queueEnd = this.fieldEnd(queueStart, end);
    const leftOk = isGroup ? count === 5 : count === 5 || count === 6;
    if (!leftOk || this.skipBlanks(queueEnd, end) !== end) {
      throw this.rowError("license table row without USED, FREE and MAX columns");
    }
    const used = this.countOrDash(count - 3, "USED");
    const free = this.countOf(fields[2 * count - 4] ?? 0, fields[2 * count - 3] ?? 0, "FREE");
    const max = this.countOf(fields[2 * count - 2] ?? 0, fields[2 * count - 1] ?? 0, "MAX");
    const queue = isDash(text, queueStart, queueEnd)
      ? DASH
      : this.countOf(queueStart, queueEnd, "QUEUE");
    const { table, cursor } = this;
    const pool = table.addPool(used, free, max, queue, cursor.number, cursor.start, cursor.end);
    if (isGroup) {
      table.setGroup(this.firstUngrouped, table.programCount, pool);
      this.firstUngrouped = table.programCount;
      return;
    }
    this.closeProgram();
    const nameStart = fields[0] ?? 0;
    const nameEnd = fields[1] ?? 0;
    const expiryStart = fields[2] ?? 0;
    const expiryEnd = fields[3] ?? 0;
    table.addProgram(
      text.slice(nameStart, nameEnd),
      nameHash(text, nameStart, nameEnd),
      this.expiries.slice(expiryStart, expiryEnd),
      pool,
    );
  }

  /** Records the whitespace-separated fields of `[start, bar)`; returns how many (up to 7). */
  private splitLeft(start: number, bar: number): number {
    const fields = this.fields;
    let count = 0;
    for (let i = this.skipBlanks(start, bar); i < bar && count < 7; count++) {
      const end = this.fieldEnd(i, bar);
      fields[2 * count] = i;
      fields[2 * count + 1] = end;
      i = this.skipBlanks(end, bar);
    }
    return count;
  }

  /** skipWhitespace, by a plain test for a space on a line whose only blanks are spaces. */
  private skipBlanks(from: number, to: number): number {
    const text = this.text;
    if (!this.plain) return skipWhitespace(text, from, to);
    let at = from;
    while (at < to && text.charCodeAt(at) === SPACE) at++;
    return at;
  }

  private countOrDash(field: number, what: string): number {
    const from = this.fields[2 * field] ?? 0;
    const to = this.fields[2 * field + 1] ?? 0;
    return isDash(this.text, from, to) ? DASH : this.countOf(from, to, what);
  }

  /** The count written in `[from, to)` of the current line, or the ParseError parseCount gives. */
  private countOf(from: number, to: number, what: string): number {
    const count = readCount(this.text, from, to);
    if (count >= 0) return count;
    return parseCount(this.text.slice(from, to), this.cursor.number, this.cursor.line(), what);
  }

  private rowError(message: string): ParseError {
    return new ParseError(message, this.cursor.number, this.cursor.line());
  }

  /** A row of the Running Programs (holders) or Queued Programs (waiting users) table. */
  private readProgramsLine(section: "running" | "queued", line: string): void {
    if (PROGRAMS_HEADER.test(line) || RULE.test(line)) return;
    const { cursor } = this;
    const row = PROGRAMS_ROW.exec(line);
    if (!row) {
      this.warnings.push(
        `line ${cursor.number}: not understood in ${section} programs: ${cursor.line()}`,
      );
      return;
    }
    const program = row[4] ?? "";
    if (section === "running") {
      const count = parseCount(row[6] ?? "", cursor.number, cursor.line(), "# procs");
      this.running.push({ program, use: { username: row[1] ?? "", host: row[3] ?? "", count } });
      return;
    }
    const key = program.toLowerCase();
    this.queuedBy.set(key, (this.queuedBy.get(key) ?? 0) + 1);
  }
}

// keeps the classes of a reader and its helpers alive between parses (see keepClassesWarm)
keepClassesWarm(new QrunReader(""));

function isDash(text: string, from: number, to: number): boolean {
  return to === from + 1 && text.charCodeAt(from) === DASH_CHAR;
}

/** The first non-blank lines as `N: text`, for a ParseError about the whole output. */
function numbered(lines: readonly string[], limit = 20): string[] {
  return lines.flatMap((line, i) => (line.trim() ? [`${i + 1}: ${line}`] : [])).slice(0, limit);
}

export const lsdynaParser: Parser = {
  type: "lsdyna",
  command: (server, opts) => ({
    argv: [opts?.binary ?? "lstc_qrun", "-s", `${server.port}@${server.host}`, "-R"],
  }),
  parse: parseLstcQrun,
};
