import { ParseError, ServerError } from "./errors.js";
import { parseCount, splitLines } from "./text.js";
import {
  UNLIMITED_TOTAL,
  type FeatureUsage,
  type LicenseUse,
  type ParsedReport,
  type Parser,
} from "./types.js";

/**
 * Reads `lstc_qrun -R` and `-r` output (LSTC license manager).
 *
 * The LICENSE INFORMATION table lists programs; the programs printed above a
 * `LICENSE GROUP` row share that group's pool, so the group's USED and MAX are their used and
 * total (their own USED column is often `-`). A program after the last group row stands
 * alone with its own counts. User lines `user pid@host count` belong to the program above.
 * Optional `Running Programs` / `Queued Programs` tables give holders (for programs without
 * user lines) and queued users. The tool's exit status means nothing; `*** ERROR` does.
 */

const SERVER_ERROR = /^\*+\s*ERROR\b/;
const TABLE_TITLE = /^LICENSE INFORMATION$/;
const TABLE_HEADER = /^PROGRAM\s+EXPIRATION\b/;
const RULE = /^[-|\s]+$/;
const GROUP_PREFIX = /^LICENSE GROUP\s+/;
const USER_LINE = /^(\S+)\s+(\d+)@(\S+)\s+(\S+)$/;
const PROGRAMS_TITLE = /^(Running|Queued) Programs$/;
const PROGRAMS_HEADER = /^User\s+Host\s+Program\b/;
const NO_PROGRAMS = /^No programs (running|queued)$/;
const PROGRAMS_ROW = /^(\S+)\s+(\d+)@(\S+)\s+(\S+)\s+(.*?)\s+(\d+)$/;

interface Counts {
  /** undefined when the tool printed `-` */
  used: number | undefined;
  free: number;
  max: number;
  queue: number | undefined;
}

interface ProgramRow extends Counts {
  name: string;
  expires: string;
  lineNumber: number;
  lineText: string;
  uses: LicenseUse[];
  group?: Counts & { lineNumber: number; lineText: string };
}

type Section = "preamble" | "table" | "running" | "queued";

export function parseLstcQrun(output: string): ParsedReport {
  const lines = splitLines(output);
  if (lines.every((line) => line.trim() === "")) {
    throw new ParseError("lstc_qrun output is empty");
  }
  lines.forEach((raw, index) => {
    if (SERVER_ERROR.test(raw.trim())) {
      throw new ServerError("LSTC license server is not reachable", index + 1, raw);
    }
  });

  const state: QrunState = {
    programs: [],
    ungrouped: [],
    running: [],
    queuedBy: new Map(),
    warnings: [],
  };
  let section: Section = "preamble";
  let sawTable = false;

  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === "") return;
    if (TABLE_TITLE.test(line)) {
      section = "table";
      sawTable = true;
      return;
    }
    const programsTitle = PROGRAMS_TITLE.exec(line);
    if (programsTitle) {
      section = programsTitle[1] === "Running" ? "running" : "queued";
      return;
    }
    if (section === "preamble" || NO_PROGRAMS.test(line)) return;
    if (section === "table") readTableLine(state, line, index + 1, raw);
    else readProgramsLine(state, section, line, index + 1, raw);
  });

  if (!sawTable) {
    throw new ParseError(
      "no LICENSE INFORMATION table in the output",
      1,
      lines[0] ?? "",
      numbered(lines),
    );
  }
  return {
    type: "lsdyna",
    features: mergePrograms(state.programs, state.running, state.queuedBy),
    warnings: state.warnings,
  };
}

interface QrunState {
  programs: ProgramRow[];
  /** programs printed since the last LICENSE GROUP row */
  ungrouped: ProgramRow[];
  running: Array<{ program: string; use: LicenseUse }>;
  queuedBy: Map<string, number>;
  warnings: string[];
}

/** A program row, a LICENSE GROUP row or a user line of the program above. */
function readTableLine(state: QrunState, line: string, lineNumber: number, raw: string): void {
  if (TABLE_HEADER.test(line) || RULE.test(line)) return;
  if (line.includes("|")) {
    const row = readRow(line, lineNumber, raw);
    if (row.kind === "group") {
      for (const program of state.ungrouped) {
        program.group = { ...row.counts, lineNumber, lineText: raw };
      }
      state.ungrouped.length = 0;
      return;
    }
    const program: ProgramRow = {
      ...row.counts,
      ...row.program,
      lineNumber,
      lineText: raw,
      uses: [],
    };
    state.programs.push(program);
    state.ungrouped.push(program);
    return;
  }
  const user = USER_LINE.exec(line);
  const program = state.programs[state.programs.length - 1];
  if (user && program) {
    program.uses.push({
      username: user[1] ?? "",
      host: user[3] ?? "",
      count: parseCount(user[4] ?? "", lineNumber, raw, "licenses held"),
    });
    return;
  }
  state.warnings.push(`line ${lineNumber}: not understood in LICENSE INFORMATION: ${raw}`);
}

/** A row of the Running Programs (holders) or Queued Programs (waiting users) table. */
function readProgramsLine(
  state: QrunState,
  section: "running" | "queued",
  line: string,
  lineNumber: number,
  raw: string,
): void {
  if (PROGRAMS_HEADER.test(line) || RULE.test(line)) return;
  const row = PROGRAMS_ROW.exec(line);
  if (!row) {
    state.warnings.push(`line ${lineNumber}: not understood in ${section} programs: ${raw}`);
    return;
  }
  const program = row[4] ?? "";
  if (section === "running") {
    const count = parseCount(row[6] ?? "", lineNumber, raw, "# procs");
    state.running.push({ program, use: { username: row[1] ?? "", host: row[3] ?? "", count } });
    return;
  }
  const key = program.toLowerCase();
  state.queuedBy.set(key, (state.queuedBy.get(key) ?? 0) + 1);
}

type Row =
  | { kind: "group"; counts: Counts }
  | { kind: "program"; counts: Counts; program: { name: string; expires: string } };

/** `NAME EXPIRATION [CPUS] USED FREE MAX | QUEUE` or `LICENSE GROUP USED FREE MAX | QUEUE`. */
function readRow(line: string, lineNumber: number, raw: string): Row {
  const bar = line.indexOf("|");
  const left = line.slice(0, bar).trim();
  const right = line.slice(bar + 1).trim();
  const isGroup = GROUP_PREFIX.test(left);
  const tokens = (isGroup ? left.replace(GROUP_PREFIX, "") : left).split(/\s+/);
  const expected = isGroup ? [3] : [5, 6];
  if (!expected.includes(tokens.length) || right.split(/\s+/).length !== 1) {
    throw new ParseError("license table row without USED, FREE and MAX columns", lineNumber, raw);
  }
  const [used, free, max] = tokens.slice(-3);
  const counts: Counts = {
    used: used === "-" ? undefined : parseCount(used ?? "", lineNumber, raw, "USED"),
    free: parseCount(free ?? "", lineNumber, raw, "FREE"),
    max: parseCount(max ?? "", lineNumber, raw, "MAX"),
    queue: right === "-" ? undefined : parseCount(right, lineNumber, raw, "QUEUE"),
  };
  if (isGroup) return { kind: "group", counts };
  return { kind: "program", counts, program: { name: tokens[0] ?? "", expires: tokens[1] ?? "" } };
}

/** USED, or MAX − FREE where the tool printed `-`; a FREE above MAX is not a count we trust. */
function usedOf(counts: Counts, lineNumber: number, lineText: string): number {
  if (counts.used !== undefined) return counts.used;
  if (counts.free > counts.max) {
    throw new ParseError("USED is '-' and FREE exceeds MAX", lineNumber, lineText);
  }
  return counts.max - counts.free;
}

function mergePrograms(
  programs: readonly ProgramRow[],
  running: ReadonlyArray<{ program: string; use: LicenseUse }>,
  queuedBy: ReadonlyMap<string, number>,
): FeatureUsage[] {
  const features = new Map<string, FeatureUsage>();
  const countedRows = new Map<string, Set<number>>();
  for (const program of programs) {
    const source = program.group ?? program;
    const total = source.max;
    const used = usedOf(source, source.lineNumber, source.lineText);
    const key = program.name.toLowerCase();
    const existing = features.get(key);
    const counted = countedRows.get(key) ?? new Set<number>();
    countedRows.set(key, counted);
    if (existing) {
      // the same program printed twice: separate pools add up, one shared pool counts once
      if (!counted.has(source.lineNumber)) {
        existing.total = Math.min(existing.total + total, UNLIMITED_TOTAL);
        existing.used += used;
        if (existing.total === UNLIMITED_TOTAL) existing.unlimited = true;
      }
      counted.add(source.lineNumber);
      existing.uses.push(...program.uses);
      continue;
    }
    counted.add(source.lineNumber);
    const feature: FeatureUsage = {
      feature: program.name,
      total,
      used,
      reserved: 0,
      uses: [...program.uses],
    };
    if (total >= UNLIMITED_TOTAL) {
      feature.total = UNLIMITED_TOTAL;
      feature.unlimited = true;
    }
    if (program.queue !== undefined) feature.queued = program.queue;
    if (program.expires) feature.expires = program.expires;
    features.set(key, feature);
  }
  for (const [key, feature] of features) {
    if (feature.uses.length === 0) {
      feature.uses = running.filter((r) => r.program.toLowerCase() === key).map((r) => r.use);
    }
    const queued = queuedBy.get(key);
    if (queued !== undefined) feature.queued = queued;
  }
  return [...features.values()];
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
