import type { FeatureUsage } from "./types.js";

const INITIAL_SLOTS = 1024;

/**
 * Finds the feature already listed under a name and vendor. A hash table of its own rather
 * than a Map keyed by name: every name is a fresh slice of the output, and V8 hashes a fresh
 * string key in a runtime call that costs ten times this loop over a short name.
 * Open addressing: `slots` holds 1 + the feature's index in the report (0: empty),
 * `hashes` the name's hash, so only names with an equal hash are compared.
 */
export class FeatureIndex {
  private slots = new Int32Array(INITIAL_SLOTS);
  private hashes = new Int32Array(INITIAL_SLOTS);
  private size = 0;

  /** Forgets every feature; keeps the table's size for the next report. */
  clear(): void {
    if (this.size === 0) return;
    this.slots.fill(0);
    this.size = 0;
  }

  /**
   * The feature in `listed` with the name and vendor of `usage`; when there is none, undefined,
   * and `usage` is indexed as the next one the caller lists (at `listed.length`).
   */
  findOrAdd(usage: FeatureUsage, listed: readonly FeatureUsage[]): FeatureUsage | undefined {
    const name = usage.feature;
    const hash = nameHash(name);
    if ((this.size + 1) * 2 > this.slots.length) this.grow();
    const mask = this.slots.length - 1;
    let slot = spread(hash) & mask;
    for (;;) {
      const entry = this.slots[slot] as number;
      if (entry === 0) break;
      if (this.hashes[slot] === hash) {
        const known = listed[entry - 1] as FeatureUsage;
        if (known.feature === name && known.vendor === usage.vendor) return known;
      }
      slot = (slot + 1) & mask;
    }
    this.slots[slot] = listed.length + 1;
    this.hashes[slot] = hash;
    this.size++;
    return undefined;
  }

  private grow(): void {
    const oldSlots = this.slots;
    const oldHashes = this.hashes;
    this.slots = new Int32Array(oldSlots.length * 2);
    this.hashes = new Int32Array(oldSlots.length * 2);
    const mask = this.slots.length - 1;
    for (let i = 0; i < oldSlots.length; i++) {
      const entry = oldSlots[i] as number;
      if (entry === 0) continue;
      const hash = oldHashes[i] as number;
      let slot = spread(hash) & mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = entry;
      this.hashes[slot] = hash;
    }
  }
}

/** A per-process start, so that no fixed set of names collides on every machine (FNV-1a). */
const HASH_SEED = (Math.random() * 0x7fffffff) | 0;

function nameHash(name: string): number {
  let hash = HASH_SEED;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return hash;
}

/** Mixes the high bits in: names differing only in their last characters differ in the low bits anyway. */
function spread(hash: number): number {
  return hash ^ (hash >>> 15);
}
