import type { LicenseUse } from "./types.js";

/** USED or QUEUE printed as `-`. */
export const DASH = -1;

/** No LICENSE GROUP row below the program (yet). */
export const NO_GROUP = -1;

const FIRST_CAPACITY = 256;

/**
 * The rows of the LICENSE INFORMATION table, column by column: pools (the counts of a program
 * row or of a LICENSE GROUP row, and where that row was printed) and programs (a name, an
 * expiry, its own pool, the group pool it shares and its users), each numbered in the order
 * printed. Kept in typed arrays rather than one object per row: a large output has tens of
 * thousands of rows, and their objects would only be garbage for the collector to copy.
 */
export class ProgramTable {
  poolCount = 0;
  /** DASH when the tool printed `-` */
  poolUsed = new Float64Array(FIRST_CAPACITY);
  poolFree = new Float64Array(FIRST_CAPACITY);
  poolMax = new Float64Array(FIRST_CAPACITY);
  /** DASH when the tool printed `-` */
  poolQueue = new Float64Array(FIRST_CAPACITY);
  poolLineNumber = new Int32Array(FIRST_CAPACITY);
  /** bounds of the row's line in the output, sliced only for an error */
  poolLineStart = new Int32Array(FIRST_CAPACITY);
  poolLineEnd = new Int32Array(FIRST_CAPACITY);

  programCount = 0;
  readonly names: string[] = objectArray();
  /** nameHash of each name (see FeatureNumbers) */
  nameHash = new Int32Array(FIRST_CAPACITY);
  readonly expiries: string[] = objectArray();
  readonly uses: LicenseUse[][] = objectArray();
  ownPool = new Int32Array(FIRST_CAPACITY);
  /** the LICENSE GROUP row below the program, whose pool it shares, or NO_GROUP */
  groupPool = new Int32Array(FIRST_CAPACITY);

  /** Records a row's counts; returns the pool's number. */
  addPool(
    used: number,
    free: number,
    max: number,
    queue: number,
    lineNumber: number,
    lineStart: number,
    lineEnd: number,
  ): number {
    const pool = this.poolCount;
    if (pool === this.poolUsed.length) this.growPools();
    this.poolUsed[pool] = used;
    this.poolFree[pool] = free;
    this.poolMax[pool] = max;
    this.poolQueue[pool] = queue;
    this.poolLineNumber[pool] = lineNumber;
    this.poolLineStart[pool] = lineStart;
    this.poolLineEnd[pool] = lineEnd;
    this.poolCount = pool + 1;
    return pool;
  }

  /** Records a program row with its own pool; its users come later. */
  addProgram(name: string, hash: number, expires: string, pool: number): void {
    const program = this.programCount;
    if (program === this.ownPool.length) this.growPrograms();
    this.names.push(name);
    this.nameHash[program] = hash;
    this.expiries.push(expires);
    this.uses.push(NO_USES_YET);
    this.ownPool[program] = pool;
    this.groupPool[program] = NO_GROUP;
    this.programCount = program + 1;
  }

  /** Puts programs `[from, to)` into the group pool `pool`. */
  setGroup(from: number, to: number, pool: number): void {
    this.groupPool.fill(pool, from, to);
  }

  private growPools(): void {
    const size = this.poolUsed.length * 2;
    this.poolUsed = grown(this.poolUsed, new Float64Array(size));
    this.poolFree = grown(this.poolFree, new Float64Array(size));
    this.poolMax = grown(this.poolMax, new Float64Array(size));
    this.poolQueue = grown(this.poolQueue, new Float64Array(size));
    this.poolLineNumber = grown(this.poolLineNumber, new Int32Array(size));
    this.poolLineStart = grown(this.poolLineStart, new Int32Array(size));
    this.poolLineEnd = grown(this.poolLineEnd, new Int32Array(size));
  }

  private growPrograms(): void {
    const size = this.ownPool.length * 2;
    this.nameHash = grown(this.nameHash, new Int32Array(size));
    this.ownPool = grown(this.ownPool, new Int32Array(size));
    this.groupPool = grown(this.groupPool, new Int32Array(size));
  }
}

const LARGEST_INT32 = 0x7fffffff;

/**
 * A count read from a Float64Array column, as a small integer where it is one. The engine
 * hands out a typed array's doubles boxed; stored into a report's object, a boxed count would
 * turn that field of the shared object shape into a double field, for every parser.
 */
export function count(value: number): number {
  return value >= DASH && value <= LARGEST_INT32 ? value | 0 : value;
}

/**
 * An empty array whose elements V8 already takes for objects or strings. A fresh `[]` starts
 * as an array of small integers, and the first object stored into it throws the optimized
 * reader back to the interpreter on every parse until V8 has compiled it again.
 */
export function objectArray<T>(): T[] {
  const array: Array<T | null> = [null];
  array.length = 0;
  return array as T[];
}

/** Stands for a program's users until the reader hands it the real ones. */
const NO_USES_YET: LicenseUse[] = [];

function grown<T extends Float64Array | Int32Array>(old: T, larger: T): T {
  larger.set(old);
  return larger;
}
