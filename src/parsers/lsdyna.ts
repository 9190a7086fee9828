import { ParseError, ServerError } from "./errors.js";
import {
  DASH,
  mergePrograms,
  poolRow,
  programRow,
  type ProgramRow,
  type RunningUse,
} from "./lsdyna-programs.js";
import {
  ShortStrings,
  keepClassesWarm,
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
 * headers, Running/Queued Programs rows) are sliced and read with regexes.
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
const PROGRAMS_ROW = /^(\S+)\s+(\d+)@(\S+)\s+(\S+)\s+(.*?)\s+(\d+)$/;

const AT = 64;
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
    features: mergePrograms(output, reader.programs, reader.running, reader.queuedBy),
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
  readonly programs: ProgramRow[] = objectArray();
  readonly running: RunningUse[] = [];
  readonly queuedBy = new Map<string, number>();
  readonly warnings: string[] = [];
  private section: Section = "preamble";
  /** programs printed since the last LICENSE GROUP row */
  private readonly ungrouped: ProgramRow[] = objectArray();
  /** the last program row: user lines belong to it */
  private current: ProgramRow | undefined = undefined;
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
  /** user names and expiry dates, which repeat */
  private readonly shortSlices: ShortStrings;
  /** whether the current line's only whitespace is plain spaces */
  private plain = false;
  /** the first space at or after spaceFrom (text.length when none) */
  private spaceAt = -1;
  private spaceFrom = 0;

  constructor(private readonly text: string) {
    this.cursor = new LineCursor(text);
    this.oddSpaces = new UnusualWhitespace(text);
    this.shortSlices = new ShortStrings(text);
  }

  readAll(): void {
    const { text, cursor } = this;
    while (cursor.advance()) {
      const start = skipWhitespace(text, cursor.start, cursor.end);
      if (start === cursor.end) continue;
      this.plain = this.oddSpaces.at(start) >= cursor.end;
      if (this.section === "table" && this.readUserLine(start, cursor.end)) continue;
      this.readLine(start, trimmedEnd(text, start, cursor.end));
    }
    this.closeProgram();
  }

  /**
   * A `user pid@host count` line under a program, read in place (it is the line printed per
   * checkout). False, with nothing read, for any other line and for a line that needs an
   * error or warning: readLine then reads it like every rare line.
   */
  private readUserLine(start: number, end: number): boolean {
    const program = this.current;
    if (program === undefined) return false;
    const text = this.text;
    const userEnd = this.fieldEnd(start, end);
    const pidStart = skipWhitespace(text, userEnd, end);
    let at = pidStart;
    while (at < end && isDigit(text.charCodeAt(at))) at++;
    if (at === pidStart || at === end || text.charCodeAt(at) !== AT) return false;
    const hostStart = at + 1;
    const hostEnd = this.fieldEnd(hostStart, end);
    const countStart = skipWhitespace(text, hostEnd, end);
    if (hostEnd === hostStart || countStart === end) return false;
    let countEnd = countStart;
    let count = 0;
    for (; countEnd < end && isDigit(text.charCodeAt(countEnd)); countEnd++) {
      count = count * 10 + (text.charCodeAt(countEnd) - 48);
    }
    if (countEnd === countStart || countEnd - countStart > 15) return false;
    if (skipWhitespace(text, countEnd, end) !== end || this.hasBar(start, end)) return false;
    this.addUse({
      username: this.shortSlices.slice(start, userEnd),
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
    const program = this.current;
    if (program === undefined) return;
    program.uses = this.usesCount === 0 ? [] : this.uses.slice(0, this.usesCount);
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
    if (text.startsWith("PROGRAM", start) && TABLE_HEADER.test(text.slice(start, end))) {
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
    const program = this.current;
    if (user && program) {
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
    const isGroup = count >= 3 && text.startsWith(GROUP_PREFIX, start) && fields[3] === start + 13;
    const queueStart = skipWhitespace(text, bar + 1, end);
    const queueEnd = this.fieldEnd(queueStart, end);
    const leftOk = isGroup ? count === 5 : count === 5 || count === 6;
    if (!leftOk || skipWhitespace(text, queueEnd, end) !== end) {
      throw this.rowError("license table row without USED, FREE and MAX columns");
    }
    const used = this.countOrDash(count - 3, "USED");
    const row = poolRow(
      used,
      this.countOf(fields[2 * count - 4] ?? 0, fields[2 * count - 3] ?? 0, "FREE"),
      this.countOf(fields[2 * count - 2] ?? 0, fields[2 * count - 1] ?? 0, "MAX"),
      isDash(text, queueStart, queueEnd) ? DASH : this.countOf(queueStart, queueEnd, "QUEUE"),
      this.cursor.number,
      this.cursor.start,
      this.cursor.end,
    );
    if (isGroup) {
      for (const program of this.ungrouped) program.group = row;
      this.ungrouped.length = 0;
      return;
    }
    const program = programRow(
      text.slice(fields[0] ?? 0, fields[1] ?? 0),
      this.shortSlices.slice(fields[2] ?? 0, fields[3] ?? 0),
      row,
    );
    this.closeProgram();
    this.programs.push(program);
    this.ungrouped.push(program);
    this.current = program;
  }

  /** Records the whitespace-separated fields of `[start, bar)`; returns how many (up to 7). */
  private splitLeft(start: number, bar: number): number {
    const { text, fields } = this;
    let count = 0;
    for (let i = skipWhitespace(text, start, bar); i < bar && count < 7; count++) {
      const end = this.fieldEnd(i, bar);
      fields[2 * count] = i;
      fields[2 * count + 1] = end;
      i = skipWhitespace(text, end, bar);
    }
    return count;
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

/**
 * An empty array whose elements V8 already takes for objects. A fresh `[]` starts as an
 * array of small integers, and the first object stored into it throws the optimized row
 * reader back to the interpreter on every parse until V8 has compiled it again.
 */
function objectArray<T extends object>(): T[] {
  const array: Array<T | null> = [null];
  array.length = 0;
  return array as T[];
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

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
