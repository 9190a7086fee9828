import { ParseError } from "./errors.js";
import { FeatureNumbers } from "./lsdyna-names.js";
import { keepClassesWarm } from "./scan.js";
import { count, DASH, NO_GROUP, type ProgramTable } from "./lsdyna-table.js";
import { UNLIMITED_TOTAL, type FeatureUsage, type LicenseUse } from "./types.js";

/** A holder from the Running Programs table. */
export interface RunningUse {
  program: string;
  use: LicenseUse;
}

// Features are object literals, not class instances: V8 keeps a literal's hidden class for as
// long as the code creating it lives, so code optimized for these objects survives the garbage
// collection of one parse's report and serves the next parse.

/**
 * One feature per program name (compared case-insensitively), with its pool's numbers; a
 * program without user lines takes its holders from the Running Programs table.
 */
export function mergePrograms(
  text: string,
  table: ProgramTable,
  running: readonly RunningUse[],
  queuedBy: ReadonlyMap<string, number>,
): FeatureUsage[] {
  const featureNumbers = new FeatureNumbers(table.programCount);
  const features: FeatureUsage[] = [];
  /**
   * The pool last counted into each feature. A group's programs are printed one after the
   * other, so a pool counted into a feature before is always the one counted last.
   */
  const lastPools = new Int32Array(table.programCount);
  /** 1 once a feature's uses are an array of its own, which later programs append to */
  const copiedUses = new Uint8Array(table.programCount);
  const { names, nameHash, expiries, uses } = table;
  const { ownPool, groupPool, poolMax, poolQueue } = table;
  for (let program = 0; program < table.programCount; program++) {
    const group = groupPool[program] ?? NO_GROUP;
    const source = group === NO_GROUP ? (ownPool[program] ?? 0) : group;
    const used = usedOf(text, table, source);
    const name = names[program] ?? "";
    const index = featureNumbers.find(name, nameHash[program] ?? 0);
    const total = count(poolMax[source] ?? 0);
    const programUses = uses[program] ?? [];
    if (index < 0) {
      lastPools[features.length] = source;
      featureNumbers.add(features.length);
      const queued = count(poolQueue[ownPool[program] ?? 0] ?? DASH);
      features.push(newFeature(name, expiries[program] ?? "", queued, total, used, programUses));
      continue;
    }
    let feature = features[index];
    if (feature === undefined) continue;
    // the same program printed twice: separate pools add up, one shared pool counts once
    if (lastPools[index] !== source) {
      lastPools[index] = source;
      feature.total = Math.min(feature.total + total, UNLIMITED_TOTAL);
      feature.used += used;
      if (feature.total === UNLIMITED_TOTAL) feature = features[index] = markedUnlimited(feature);
    }
    if (programUses.length === 0) continue;
    // copied once, then appended to: a program printed thousands of times stays linear
    if (copiedUses[index] === 0) {
      copiedUses[index] = 1;
      feature.uses = feature.uses.concat(programUses);
    } else {
      for (const use of programUses) feature.uses.push(use);
    }
  }
  if (running.length > 0 || queuedBy.size > 0) {
    addProgramsTables(features, holdersByProgram(running), queuedBy);
  }
  return features;
}

// keeps the class of the name table alive between parses (see keepClassesWarm)
keepClassesWarm(new FeatureNumbers(0));

/** USED, or MAX − FREE where the tool printed `-`; a FREE above MAX is not a count we trust. */
function usedOf(text: string, table: ProgramTable, pool: number): number {
  const used = count(table.poolUsed[pool] ?? 0);
  if (used !== DASH) return used;
  const free = count(table.poolFree[pool] ?? 0);
  const max = count(table.poolMax[pool] ?? 0);
  if (free > max) {
    throw new ParseError(
      "USED is '-' and FREE exceeds MAX",
      table.poolLineNumber[pool] ?? 0,
      text.slice(table.poolLineStart[pool] ?? 0, table.poolLineEnd[pool] ?? 0),
    );
  }
  return max - free;
}

/** The feature of a program's first row; it keeps the row's users array as its own. */
function newFeature(
  name: string,
  expires: string,
  queued: number,
  total: number,
  used: number,
  uses: LicenseUse[],
): FeatureUsage {
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

/** Holders for features without user lines, and queued counts, from the programs tables. */
function addProgramsTables(
  features: readonly FeatureUsage[],
  holdersBy: ReadonlyMap<string, LicenseUse[]>,
  queuedBy: ReadonlyMap<string, number>,
): void {
  features.forEach((feature) => {
    // a feature keeps the name of its first program, which its key was made of
    const key = feature.feature.toLowerCase();
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
