/**
 * The features of one OLicense output, summed over the module rows that name them.
 *
 * Does what FeatureAccumulator does (names compared as `toLowerCase` compares them, features in
 * the order first seen, each pool merged the same way), but finds a row's feature from the
 * name's characters in the output: half the rows of a large output repeat a module of an earlier
 * license, and for those neither the name nor the expiry is cut out, lower-cased or hashed as a
 * new string.
 */
import { startsWithIsoDateAt } from "./feature-totals.js";
import { asciiLowerCode, isDigitCode, shortHashStep } from "./scan.js";
import type { FeatureUsage, LicenseUse } from "./types.js";

const FIRST_CAPACITY = 64;
const GOLDEN_RATIO = 0x9e3779b1;
const LAST_ASCII = 127;
const DASH = 45;
/** where `YYYY-MM-DD` has its digits */
const DATE_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9];

/** A module row's fields, as bounds in the output (already trimmed). */
export interface PoolBounds {
  nameStart: number;
  nameEnd: number;
  /** equal to expiresEnd when the row has no expiry */
  expiresStart: number;
  expiresEnd: number;
}

/** Per feature, in `records`: */
/** where the lower-cased name is in `chars`, or -1 for a name beyond ASCII (compared by key) */
const NAME_AT = 0;
const NAME_LENGTH = 1;
/** where the expiry is in `chars`, or -1 while the feature has none */
const EXPIRES_AT = 2;
const EXPIRES_LENGTH = 3;
/** 1 once the feature has a product */
const HAS_PRODUCT = 4;
/** where in the output an expiry that replaced the feature's is, or -1 */
const LATER_EXPIRY = 5;
const RECORD = 6;
/** Per slot of the table, in `slots`: the feature index + 1 (0: empty) and the name's hash. */
const SLOT = 2;
/**
 * Slots a name is looked for in, from where its hash points, before the Map of crowded names.
 * The hash is a plain polynomial one, so names made to collide are easy to write; bounded
 * probing keeps each of them at the cost of a Map lookup instead of a walk past all the others.
 */
const MAX_PROBES = 32;
/** characters of a key made from `chars` at a time */
const KEY_PIECE = 4096;

/**
 * What a row adds to a feature it repeats (its total, the holders' tokens and the holders) is
 * kept here by feature index and written into the feature objects once, at the end: the objects
 * lie scattered among hundreds of thousands of holders, and reaching one per row is a miss of
 * the processor's caches. For the same reason names and expiries are compared with copies of
 * their characters kept together in `chars`, not with the output or strings cut from it.
 */
export class OlicenseFeatures {
  private text = "";
  private features: FeatureUsage[] = [];
  /** each feature's name in lower case, at the feature's index */
  private keys: string[] = [];
  private records = new Int32Array(FIRST_CAPACITY * RECORD);
  /** plain arrays: numbers read from a Float64Array would be stored in the features boxed */
  private totals: number[] = [];
  private used: number[] = [];
  private uses: (LicenseUse[] | undefined)[] = [];
  private chars = new Uint16Array(FIRST_CAPACITY * 16);
  private charsEnd = 0;
  private slots = new Int32Array(FIRST_CAPACITY * SLOT);
  /** features by key whose name found no free slot within MAX_PROBES of its hash */
  private crowded = new Map<string, number>();
  /** what the last indexOfName learned of the name, for create */
  private nameHash = 0;
  private nameIsAscii = true;

  /** Starts over on `text`, keeping nothing of the previous output. */
  start(text: string): void {
    this.text = text;
    this.features = [];
    this.keys = [];
    this.records = new Int32Array(FIRST_CAPACITY * RECORD);
    this.totals = [];
    this.used = [];
    this.uses = [];
    this.chars = new Uint16Array(FIRST_CAPACITY * 16);
    this.charsEnd = 0;
    this.slots = new Int32Array(FIRST_CAPACITY * SLOT);
    this.crowded = new Map();
  }

  /** The features in the order first seen, with everything added to them. */
  toFeatures(): FeatureUsage[] {
    const features = this.features;
    for (let index = 0; index < features.length; index++) {
      const feature = features[index] as FeatureUsage;
      feature.total = this.totals[index] as number;
      feature.used = this.used[index] as number;
      const uses = this.uses[index];
      if (uses !== undefined) feature.uses = uses;
      const laterExpiry = this.records[index * RECORD + LATER_EXPIRY] as number;
      if (laterExpiry >= 0) {
        const length = this.records[index * RECORD + EXPIRES_LENGTH] as number;
        feature.expires = this.text.slice(laterExpiry, laterExpiry + length);
      }
    }
    return features;
  }

  /**
   * Adds a pool of `total` to the feature a row names, creating the feature; returns the
   * feature's index. `bounds` must hold a non-empty name.
   */
  addPool(bounds: PoolBounds, total: number, product: string | undefined): number {
    const index = this.indexOfName(bounds.nameStart, bounds.nameEnd);
    if (index < 0) return this.create(bounds, total, product);
    this.totals[index] = (this.totals[index] as number) + total;
    const record = index * RECORD;
    if (product !== undefined && this.records[record + HAS_PRODUCT] === 0) {
      (this.features[index] as FeatureUsage).product = product;
      this.records[record + HAS_PRODUCT] = 1;
    }
    const { expiresStart, expiresEnd } = bounds;
    if (expiresStart < expiresEnd && this.isEarlierExpiry(index, expiresStart, expiresEnd)) {
      if (this.records[record + EXPIRES_AT] === -1) {
        // a new key: added now, so the keys keep the order FeatureAccumulator gives them
        (this.features[index] as FeatureUsage).expires = this.text.slice(expiresStart, expiresEnd);
      } else {
        this.records[record + LATER_EXPIRY] = expiresStart;
      }
      this.keepExpiry(index, expiresStart, expiresEnd);
    }
    return index;
  }

  /** Adds a FloatsLockedBy count to the feature at `index`. */
  addUsed(index: number, count: number): void {
    this.used[index] = (this.used[index] as number) + count;
  }

  /**
   * Appends holders to the uses of the feature at `index`, taking `uses` (a fresh array the
   * caller lets go of) as the feature's own the first time. Appended in place, not concatenated:
   * a module repeated in thousands of licenses would otherwise copy its uses thousands of times.
   */
  addUses(index: number, uses: LicenseUse[]): void {
    const known = this.uses[index];
    if (known === undefined) this.uses[index] = uses;
    else for (const use of uses) known.push(use);
  }

  /** Keys as FeatureAccumulator adds them, each in the object as made (no later reshaping). */
  private create(bounds: PoolBounds, total: number, product: string | undefined): number {
    const text = this.text;
    const { nameStart, nameEnd, expiresStart, expiresEnd } = bounds;
    const feature = text.slice(nameStart, nameEnd);
    const expires = expiresStart < expiresEnd ? text.slice(expiresStart, expiresEnd) : undefined;
    let made: FeatureUsage;
    if (product !== undefined && expires !== undefined) {
      made = { feature, total, used: 0, reserved: 0, uses: [], product, expires };
    } else if (product !== undefined) {
      made = { feature, total, used: 0, reserved: 0, uses: [], product };
    } else if (expires !== undefined) {
      made = { feature, total, used: 0, reserved: 0, uses: [], expires };
    } else {
      made = { feature, total, used: 0, reserved: 0, uses: [] };
    }
    const index = this.features.length;
    this.features.push(made);
    this.uses.push(undefined);
    this.makeRoom(index + 1);
    this.totals.push(total);
    this.used.push(0);
    const record = index * RECORD;
    this.records[record + HAS_PRODUCT] = product === undefined ? 0 : 1;
    this.records[record + EXPIRES_AT] = -1;
    this.records[record + LATER_EXPIRY] = -1;
    if (expires !== undefined) this.keepExpiry(index, expiresStart, expiresEnd);
    if (this.nameIsAscii) {
      this.keys.push("");
      this.records[record + NAME_AT] = this.keepLowerAscii(nameStart, nameEnd);
      this.records[record + NAME_LENGTH] = nameEnd - nameStart;
    } else {
      this.keys.push(feature.toLowerCase());
      this.records[record + NAME_AT] = -1;
    }
    if (this.features.length * 2 * SLOT > this.slots.length) this.growSlots();
    if (!this.place(index, this.nameHash)) {
      this.crowded.set(
        this.nameIsAscii ? feature.toLowerCase() : (this.keys[index] as string),
        index,
      );
    }
    return index;
  }

  private keepExpiry(index: number, from: number, to: number): void {
    const at = this.makeCharRoom(to - from);
    const text = this.text;
    for (let i = 0; i < to - from; i++) this.chars[at + i] = text.charCodeAt(from + i);
    this.records[index * RECORD + EXPIRES_AT] = at;
    this.records[index * RECORD + EXPIRES_LENGTH] = to - from;
  }

  private keepLowerAscii(from: number, to: number): number {
    const at = this.makeCharRoom(to - from);
    const text = this.text;
    for (let i = 0; i < to - from; i++)
      this.chars[at + i] = asciiLowerCode(text.charCodeAt(from + i));
    return at;
  }

  /** Reserves `length` characters at the end of `chars`; returns where they start. */
  private makeCharRoom(length: number): number {
    const at = this.charsEnd;
    if (at + length > this.chars.length) {
      const larger = new Uint16Array(Math.max(this.chars.length * 2, at + length));
      larger.set(this.chars);
      this.chars = larger;
    }
    this.charsEnd = at + length;
    return at;
  }

  /** Makes `records` hold at least `count` features. */
  private makeRoom(count: number): void {
    if (count * RECORD <= this.records.length) return;
    const records = new Int32Array(this.records.length * 2);
    records.set(this.records);
    this.records = records;
  }

  /**
   * Whether the expiry in `[from, to)` replaces the feature's, as FeatureAccumulator decides it:
   * when the feature has none, or both start with a `YYYY-MM-DD` date and the new one sorts first.
   */
  private isEarlierExpiry(index: number, from: number, to: number): boolean {
    const at = this.records[index * RECORD + EXPIRES_AT] as number;
    if (at < 0) return true;
    const length = this.records[index * RECORD + EXPIRES_LENGTH] as number;
    const text = this.text;
    const chars = this.chars;
    let differs = length !== to - from;
    for (let i = 0; i < length && i < to - from && !differs; i++) {
      differs = text.charCodeAt(from + i) !== chars[at + i];
    }
    if (!differs) return false;
    if (!startsWithIsoDateAt(text, from, to - from) || !isIsoDateAt(chars, at, length))
      return false;
    for (let i = 0; i < length && i < to - from; i++) {
      const next = text.charCodeAt(from + i);
      const current = chars[at + i] as number;
      if (next !== current) return next < current;
    }
    return to - from < length;
  }

  /**
   * Index of the feature whose key is the lower-cased name in `[from, to)`, or -1; leaves the
   * name's hash and whether it is ASCII for create.
   */
  private indexOfName(from: number, to: number): number {
    const text = this.text;
    let hash = 0;
    for (let i = from; i < to; i++) {
      const code = text.charCodeAt(i);
      if (code > LAST_ASCII) return this.indexOfKey(text.slice(from, to).toLowerCase());
      hash = shortHashStep(hash, asciiLowerCode(code));
    }
    this.nameHash = hash;
    this.nameIsAscii = true;
    return this.probe(hash, from, to, undefined);
  }

  /**
   * The feature of name hash `hash` whose key is `key`, or, when `key` is undefined, the
   * lower-cased ASCII name in `[from, to)`; -1 if none.
   */
  private probe(hash: number, from: number, to: number, key: string | undefined): number {
    const slots = this.slots;
    const mask = slots.length / SLOT - 1;
    let slot = mix(hash) & mask;
    for (let probe = 0; probe < MAX_PROBES; probe++, slot = (slot + 1) & mask) {
      const entry = slots[slot * SLOT] as number;
      if (entry === 0) break;
      if (
        slots[slot * SLOT + 1] === hash &&
        (key === undefined ? this.sameName(from, to, entry - 1) : this.keyOf(entry - 1) === key)
      ) {
        return entry - 1;
      }
    }
    if (this.crowded.size === 0) return -1;
    return this.crowded.get(key ?? this.text.slice(from, to).toLowerCase()) ?? -1;
  }

  /** Whether the ASCII name in `[from, to)`, lower-cased, is the feature's key. */
  private sameName(from: number, to: number, index: number): boolean {
    const record = index * RECORD;
    const at = this.records[record + NAME_AT] as number;
    if (at < 0) return sameAsciiLower(this.text, from, to, this.keys[index] as string);
    if (this.records[record + NAME_LENGTH] !== to - from) return false;
    const text = this.text;
    const chars = this.chars;
    for (let i = 0; i < to - from; i++) {
      if (asciiLowerCode(text.charCodeAt(from + i)) !== chars[at + i]) return false;
    }
    return true;
  }

  /** For names beyond ASCII, whose lower case only `toLowerCase` knows. */
  private indexOfKey(key: string): number {
    const hash = hashOf(key);
    this.nameHash = hash;
    this.nameIsAscii = false;
    return this.probe(hash, 0, 0, key);
  }

  /** The feature's name in lower case (cut from `chars` for an ASCII name: rarely needed). */
  private keyOf(index: number): string {
    const at = this.records[index * RECORD + NAME_AT] as number;
    if (at < 0) return this.keys[index] as string;
    const length = this.records[index * RECORD + NAME_LENGTH] as number;
    const codes = this.chars.subarray(at, at + length);
    let key = "";
    // in pieces: spreading a name of hundreds of thousands of characters would overflow the stack
    for (let i = 0; i < length; i += KEY_PIECE) {
      key += String.fromCharCode(...codes.subarray(i, i + KEY_PIECE));
    }
    return key;
  }

  /** Doubles the table and places every feature in it again (crowded ones stay in the Map). */
  private growSlots(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    for (let slot = 0; slot < old.length; slot += SLOT) {
      const entry = old[slot] as number;
      if (entry === 0) continue;
      const index = entry - 1;
      if (!this.place(index, old[slot + 1] as number)) this.crowded.set(this.keyOf(index), index);
    }
  }

  /** Puts the feature in the first free slot within MAX_PROBES of its hash; false if none. */
  private place(index: number, hash: number): boolean {
    const slots = this.slots;
    const mask = slots.length / SLOT - 1;
    let slot = mix(hash) & mask;
    for (let probe = 0; probe < MAX_PROBES; probe++, slot = (slot + 1) & mask) {
      if (slots[slot * SLOT] === 0) {
        slots[slot * SLOT] = index + 1;
        slots[slot * SLOT + 1] = hash;
        return true;
      }
    }
    return false;
  }
}

/** The hash indexOfName computes in place: a key has no upper-case ASCII letter to lower. */
function hashOf(key: string): number {
  let hash = 0;
  for (let i = 0; i < key.length; i++) hash = shortHashStep(hash, key.charCodeAt(i));
  return hash;
}

/** Spreads names that differ in a last digit, which the plain hash puts in neighbouring slots. */
function mix(hash: number): number {
  const spread = Math.imul(hash, GOLDEN_RATIO);
  return spread ^ (spread >>> 16);
}

/** Whether the ASCII text in `[from, to)`, lower-cased, is `key`. */
function sameAsciiLower(text: string, from: number, to: number, key: string): boolean {
  if (key.length !== to - from) return false;
  for (let i = 0; i < key.length; i++) {
    if (asciiLowerCode(text.charCodeAt(from + i)) !== key.charCodeAt(i)) return false;
  }
  return true;
}

function isIsoDateAt(chars: Uint16Array, from: number, length: number): boolean {
  if (length < 10 || chars[from + 4] !== DASH || chars[from + 7] !== DASH) return false;
  return DATE_DIGITS.every((at) => isDigitCode(chars[from + at] as number));
}
