import { SlurmInputError } from "./errors.js";

/** Expansion stops here: a larger hostlist is almost certainly a mistake, not a job. */
const MAX_HOSTS = 100_000;

interface Range {
  start: number;
  end: number;
  /** zero-padded width, 0 when unpadded */
  width: number;
}

type Part = { literal: string } | { ranges: Range[] };

/**
 * Expands a Slurm hostlist expression (`node[001-004,007],gpu01`, `r[1-2]n[1-3]`) into
 * host names, in order, without calling Slurm.
 */
export function expandHostlist(expression: string, field = "SLURM_JOB_NODELIST"): string[] {
  const hosts: string[] = [];
  for (const item of splitTopLevel(expression, field)) {
    for (const host of expandItem(parseItem(item, expression, field))) {
      hosts.push(host);
      if (hosts.length > MAX_HOSTS) {
        throw new SlurmInputError(field, expression, `expands to more than ${MAX_HOSTS} hosts`);
      }
    }
  }
  return hosts;
}

/** The first host of a hostlist expression (the job's lead host), computed without expanding it all. */
export function firstHost(expression: string, field = "SLURM_JOB_NODELIST"): string {
  const items = splitTopLevel(expression, field);
  const first = items[0];
  if (first === undefined) throw new SlurmInputError(field, expression, "is empty");
  return parseItem(first, expression, field)
    .map((part) =>
      "literal" in part ? part.literal : formatNumber(part.ranges[0]!.start, part.ranges[0]!.width),
    )
    .join("");
}

function splitTopLevel(expression: string, field: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of expression.trim()) {
    if (char === "[") depth += 1;
    if (char === "]") depth -= 1;
    if (depth < 0 || depth > 1)
      throw new SlurmInputError(field, expression, "has unbalanced brackets");
    if ((char === "," || char === " ") && depth === 0) {
      if (current !== "") items.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  if (depth !== 0) throw new SlurmInputError(field, expression, "has unbalanced brackets");
  if (current !== "") items.push(current);
  return items;
}

function parseItem(item: string, expression: string, field: string): Part[] {
  const parts: Part[] = [];
  const pattern = /\[([^[\]]*)\]|[^[]+/g;
  for (const match of item.matchAll(pattern)) {
    if (match[1] === undefined) parts.push({ literal: match[0] });
    else parts.push({ ranges: parseRanges(match[1], expression, field) });
  }
  return parts;
}

function parseRanges(body: string, expression: string, field: string): Range[] {
  return body.split(",").map((piece) => {
    const match = /^(\d+)(?:-(\d+))?$/.exec(piece.trim());
    if (!match) throw new SlurmInputError(field, expression, `range "${piece}" is not N or N-M`);
    const startText = match[1]!;
    const endText = match[2] ?? startText;
    const start = Number(startText);
    const end = Number(endText);
    if (end < start)
      throw new SlurmInputError(field, expression, `range "${piece}" runs backwards`);
    const width = startText.length > 1 && startText.startsWith("0") ? startText.length : 0;
    return { start, end, width };
  });
}

function* expandItem(parts: Part[]): Generator<string> {
  const [head, ...rest] = parts;
  if (head === undefined) {
    yield "";
    return;
  }
  const prefixes = "literal" in head ? [head.literal] : rangeValues(head.ranges);
  for (const prefix of prefixes) {
    for (const suffix of expandItem(rest)) yield prefix + suffix;
  }
}

function* rangeValues(ranges: Range[]): Generator<string> {
  for (const range of ranges) {
    for (let value = range.start; value <= range.end; value += 1)
      yield formatNumber(value, range.width);
  }
}

function formatNumber(value: number, width: number): string {
  return String(value).padStart(width, "0");
}
