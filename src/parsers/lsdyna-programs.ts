import { ParseError } from "./errors.js";
import { UNLIMITED_TOTAL, type FeatureUsage, type LicenseUse } from "./types.js";

/** USED or QUEUE printed as `-`. */
export const DASH = -1;

/** The counts of a program row or a LICENSE GROUP row, and where that row was printed. */
export interface PoolRow {
  /** DASH when the tool printed `-` */
  used: number;
  free: number;
  max: number;
  /** DASH when the tool printed `-` */
  queue: number;
  lineNumber: number;
  /** bounds of the row's line in the output, sliced only for an error */
  lineStart: number;
  lineEnd: number;
}

/** A program of the LICENSE INFORMATION table with the users printed under it. */
export interface ProgramRow {
  name: string;
  expires: string;
  own: PoolRow;
  /** the LICENSE GROUP row below it, whose pool it shares */
  group: PoolRow | undefined;
  uses: LicenseUse[];
}

/** A holder from the Running Programs table. */
export interface RunningUse {
  program: string;
  use: LicenseUse;
}

// Rows are object literals, not class instances: V8 keeps a literal's hidden class for as
// long as the code creating it lives, so code optimized for these rows survives the garbage
// collection of one parse's rows and serves the next parse.

/** Stands for a program's users until the reader hands it the real ones. */
const USES_NOT_READ: LicenseUse[] = [];

export function programRow(name: string, expires: string, own: PoolRow): ProgramRow {
  return { name, expires, own, group: undefined, uses: USES_NOT_READ };
}

export function poolRow(
  used: number,
  free: number,
  max: number,
  queue: number,
  lineNumber: number,
  lineStart: number,
  lineEnd: number,
): PoolRow {
  return { used, free, max, queue, lineNumber, lineStart, lineEnd };
}

/**
 * One feature per program name (compared case-insensitively), with its pool's numbers; a
 * program without user lines takes its holders from the Running Programs table.
 */
export function mergePrograms(
  text: string,
  programs: readonly ProgramRow[],
  running: readonly RunningUse[],
  queuedBy: ReadonlyMap<string, number>,
): FeatureUsage[] {
  const indexByKey = new Map<string, number>();
  const features: FeatureUsage[] = [];
  const keys: string[] = [];
  const firstPools: PoolRow[] = [];
  const laterPools = new Map<number, Set<PoolRow>>();
  for (const program of programs) {
    const source = program.group ?? program.own;
    const used = usedOf(text, source);
    const key = program.name.toLowerCase();
    const index = indexByKey.get(key);
    if (index === undefined) {
      indexByKey.set(key, features.length);
      firstPools.push(source);
      features.push(newFeature(program, source.max, used));
      keys.push(key);
      continue;
    }
    const feature = features[index];
    if (feature === undefined) continue;
    // the same program printed twice: separate pools add up, one shared pool counts once
    if (countsOnce(firstPools, laterPools, index, source)) {
      feature.total = Math.min(feature.total + source.max, UNLIMITED_TOTAL);
      feature.used += used;
      if (feature.total === UNLIMITED_TOTAL) features[index] = markedUnlimited(feature);
    }
    for (const use of program.uses) feature.uses.push(use);
  }
  if (running.length > 0 || queuedBy.size > 0) {
    addProgramsTables(features, keys, holdersByProgram(running), queuedBy);
  }
  return features;
}

/** USED, or MAX − FREE where the tool printed `-`; a FREE above MAX is not a count we trust. */
function usedOf(text: string, row: PoolRow): number {
  if (row.used !== DASH) return row.used;
  if (row.free > row.max) {
    throw new ParseError(
      "USED is '-' and FREE exceeds MAX",
      row.lineNumber,
      text.slice(row.lineStart, row.lineEnd),
    );
  }
  return row.max - row.free;
}

/** The feature of a program's first row; it keeps the row's users array as its own. */
function newFeature(program: ProgramRow, total: number, used: number): FeatureUsage {
  const { name, expires, uses } = program;
  const queued = program.own.queue;
  // the usual rows as whole literals (one hidden class each, see above)
  if (queued !== DASH && expires) {
    return total >= UNLIMITED_TOTAL
      ? {
          feature: name,
          total: UNLIMITED_TOTAL,
          used,
          reserved: 0,
          uses,
          unlimited: true,
          queued,
          expires,
        }
      : { feature: name, total, used, reserved: 0, uses, queued, expires };
  }
  const feature: FeatureUsage = { feature: name, total, used, reserved: 0, uses };
  if (total >= UNLIMITED_TOTAL) {
    feature.total = UNLIMITED_TOTAL;
    feature.unlimited = true;
  }
  if (queued !== DASH) feature.queued = queued;
  if (expires) feature.expires = expires;
  return feature;
}

/** The feature with `unlimited` set, added after its other fields as before. */
function markedUnlimited(feature: FeatureUsage): FeatureUsage {
  if (feature.unlimited) return feature;
  const { queued, expires } = feature;
  // only the literals of newFeature have both: a whole literal again, see above
  if (queued !== undefined && expires !== undefined) {
    const { feature: name, total, used, uses } = feature;
    return { feature: name, total, used, reserved: 0, uses, queued, expires, unlimited: true };
  }
  feature.unlimited = true;
  return feature;
}

/**
 * Records `pool` as counted into feature `index`; false when it already was. A feature's
 * first pool is kept by position, further ones (a program printed again) in a set per feature.
 */
function countsOnce(
  firstPools: readonly PoolRow[],
  laterPools: Map<number, Set<PoolRow>>,
  index: number,
  pool: PoolRow,
): boolean {
  if (firstPools[index] === pool) return false;
  const later = laterPools.get(index);
  if (later?.has(pool)) return false;
  if (later) later.add(pool);
  else laterPools.set(index, new Set([pool]));
  return true;
}

/** Holders for features without user lines, and queued counts, from the programs tables. */
function addProgramsTables(
  features: readonly FeatureUsage[],
  keys: readonly string[],
  holdersBy: ReadonlyMap<string, LicenseUse[]>,
  queuedBy: ReadonlyMap<string, number>,
): void {
  features.forEach((feature, index) => {
    const key = keys[index] ?? "";
    if (feature.uses.length === 0) feature.uses = holdersBy.get(key) ?? [];
    const queued = queuedBy.get(key);
    if (queued !== undefined) feature.queued = queued;
  });
}

/** The Running Programs holders of each program (lower-cased), in the order printed. */
function holdersByProgram(running: readonly RunningUse[]): Map<string, LicenseUse[]> {
  const byProgram = new Map<string, LicenseUse[]>();
  for (const { program, use } of running) {
    const key = program.toLowerCase();
    const holders = byProgram.get(key);
    if (holders) holders.push(use);
    else byProgram.set(key, [use]);
  }
  return byProgram;
}
