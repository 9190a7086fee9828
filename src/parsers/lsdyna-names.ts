import { asciiLowerCode, shortHashStep } from "./scan.js";

/** Features numbered by program name, compared case-insensitively, as the LS-DYNA reader keeps them. */

const LAST_ASCII = 127;
const NOT_FOUND = -1;
/** slots a name is looked for in before the Map of crowded names */
const MAX_PROBES = 32;
/** 2^32 divided by the golden ratio, for Fibonacci hashing */
const GOLDEN_RATIO = 0x9e3779b1;

/**
 * What nameHash gives for a name with a character beyond ASCII (or, rarely, for another name
 * whose hash it is): FeatureNumbers then hashes the lower-cased name instead.
 */
export const NOT_ASCII = 0x7fffffff;

/** The hash FeatureNumbers takes for the name at `text[from, to)`: read where it is printed. */
export function nameHash(text: string, from: number, to: number): number {
  let hash = to - from;
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code > LAST_ASCII) return NOT_ASCII;
    hash = shortHashStep(hash, asciiLowerCode(code));
  }
  return hash;
}

/**
 * Feature numbers by program name, names compared as their `toLowerCase()` forms are. An
 * ASCII name (nearly all) is hashed and compared with A-Z folded in place, so no lower-cased
 * copy of it is made; any other name is lower-cased first (the folding then changes nothing,
 * as toLowerCase leaves no A-Z behind). A name is looked for in at most MAX_PROBES slots from
 * where its hash points; one that found none free there is kept in a Map instead, so names
 * whose hashes collide on purpose cost no more than a Map lookup each.
 */
export class FeatureNumbers {
  /** feature number + 1 per slot, 0 for an empty slot */
  private readonly slots: Int32Array;
  /** 32 - log2(slots.length): a hash's top bits pick its slot */
  private readonly shift: number;
  /** per feature in a slot, its name or lower-cased name: what it is compared by, A-Z folded */
  private readonly keys: string[] = [];
  /** features by lower-cased name, for names that found no free slot near their hash */
  private readonly crowded = new Map<string, number>();
  /** the key of the last name looked up and the free slot found for it (-1: none) */
  private lastKey = "";
  private lastSlot = NOT_FOUND;

  constructor(names: number) {
    let bits = 4;
    while (1 << bits < names * 2) bits++;
    this.slots = new Int32Array(1 << bits);
    this.shift = 32 - bits;
  }

  /** The number of the feature named like `name` (of nameHash `hash`), or -1 (then add). */
  find(name: string, hash: number): number {
    let key = name;
    let keyHash = hash;
    if (hash === NOT_ASCII) {
      key = name.toLowerCase();
      keyHash = foldedHash(key);
    }
    this.lastKey = key;
    // names that differ in their last character hash to neighbours: spread them
    const mask = this.slots.length - 1;
    let slot = Math.imul(keyHash, GOLDEN_RATIO) >>> this.shift;
    for (let probe = 0; probe < MAX_PROBES; probe++, slot = (slot + 1) & mask) {
      const feature = (this.slots[slot] ?? 0) - 1;
      if (feature === NOT_FOUND) {
        this.lastSlot = slot;
        return NOT_FOUND;
      }
      if (sameFolded(this.keys[feature] ?? "", key)) return feature;
    }
    this.lastSlot = NOT_FOUND;
    return this.crowded.get(key.toLowerCase()) ?? NOT_FOUND;
  }

  /** Numbers the name find was last asked about, which it did not know, as `feature`. */
  add(feature: number): void {
    if (this.lastSlot === NOT_FOUND) {
      this.crowded.set(this.lastKey.toLowerCase(), feature);
      return;
    }
    this.keys[feature] = this.lastKey;
    this.slots[this.lastSlot] = feature + 1;
  }
}

/** nameHash of any string, without its ASCII test. */
function foldedHash(key: string): number {
  let hash = key.length;
  for (let i = 0; i < key.length; i++)
    hash = shortHashStep(hash, asciiLowerCode(key.charCodeAt(i)));
  return hash;
}

/** Whether two names are equal with A-Z folded to a-z. */
function sameFolded(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y && asciiLowerCode(x) !== asciiLowerCode(y)) return false;
  }
  return true;
}
