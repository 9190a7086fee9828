import type { FeatureUsage } from "./types.js";

const INITIAL_SLOTS = 1024;
/**
 * Slots a name is looked for in, from where its hash points, before the Map of crowded names:
 * however the names fall, no lookup walks past more than this many others.
 */
const MAX_PROBES = 32;

/** A feature name's hash; the index takes any, so tests can make every name collide. */
export type NameHash = (name: string) => number;

/**
 * Finds the feature already listed under a name and vendor. A hash table of its own rather
 * than a Map keyed by name: every name is a fresh slice of the output, and V8 hashes a fresh
 * string key in a runtime call that costs ten times this loop over a short name.
 * Open addressing: `slots` holds 1 + the feature's index in the report (0: empty),
 * `hashes` the name's hash, so only names with an equal hash are compared. A feature that
 * finds no free slot within MAX_PROBES of its hash is kept in `crowded` instead.
 */
export class FeatureIndex {
  private slots = new Int32Array(INITIAL_SLOTS);
  private hashes = new Int32Array(INITIAL_SLOTS);
  private size = 0;
  /** by vendor, then name */
  private readonly crowded = new Map<string | undefined, Map<string, FeatureUsage>>();

  constructor(private readonly hashOf: NameHash = seededNameHash) {}

  /** Forgets every feature; keeps the table's size for the next report. */
  clear(): void {
    this.crowded.clear();
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
    const hash = this.hashOf(name);
    if ((this.size + 1) * 2 > this.slots.length) this.grow(listed);
    const mask = this.slots.length - 1;
    let slot = spread(hash) & mask;
    for (let probe = 0; probe < MAX_PROBES; probe++, slot = (slot + 1) & mask) {
      const entry = this.slots[slot] as number;
      if (entry === 0) {
        const known = this.crowded.size === 0 ? undefined : this.crowdedFind(usage);
        if (known === undefined) this.fill(slot, listed.length + 1, hash);
        return known;
      }
      if (this.hashes[slot] === hash) {
        const known = listed[entry - 1] as FeatureUsage;
        if (known.feature === name && known.vendor === usage.vendor) return known;
      }
    }
    const known = this.crowdedFind(usage);
    if (known === undefined) this.crowd(usage);
    return known;
  }

  private fill(slot: number, entry: number, hash: number): void {
    this.slots[slot] = entry;
    this.hashes[slot] = hash;
    this.size++;
  }

  private crowdedFind(usage: FeatureUsage): FeatureUsage | undefined {
    return this.crowded.get(usage.vendor)?.get(usage.feature);
  }

  private crowd(usage: FeatureUsage): void {
    let byName = this.crowded.get(usage.vendor);
    if (byName === undefined) {
      byName = new Map();
      this.crowded.set(usage.vendor, byName);
    }
    byName.set(usage.feature, usage);
  }

  /** Doubles the table and places every feature in it again (crowded ones stay crowded). */
  private grow(listed: readonly FeatureUsage[]): void {
    const oldSlots = this.slots;
    const oldHashes = this.hashes;
    this.slots = new Int32Array(oldSlots.length * 2);
    this.hashes = new Int32Array(oldSlots.length * 2);
    this.size = 0;
    const mask = this.slots.length - 1;
    for (let i = 0; i < oldSlots.length; i++) {
      const entry = oldSlots[i] as number;
      if (entry === 0) continue;
      const hash = oldHashes[i] as number;
      let slot = spread(hash) & mask;
      let probe = 0;
      while (probe < MAX_PROBES && this.slots[slot] !== 0) {
        slot = (slot + 1) & mask;
        probe++;
      }
      if (probe < MAX_PROBES) this.fill(slot, entry, hash);
      else this.crowd(listed[entry - 1] as FeatureUsage);
    }
  }
}

/** A per-process start, so that no fixed set of names collides on every machine (FNV-1a). */
const HASH_SEED = (Math.random() * 0x7fffffff) | 0;

function seededNameHash(name: string): number {
  let hash = HASH_SEED;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return hash;
}

/** Mixes the high bits in: names differing only in their last characters differ in the low bits anyway. */
function spread(hash: number): number {
  return hash ^ (hash >>> 15);
}
