/**
 * The features of one OLicense output, summed over the module rows that name them.
 *
 * Does what FeatureAccumulator does (names compared as `toLowerCase` compares them, features in
 * the order first seen, each pool merged the same way), but finds a row's feature from the
 * name's characters in the output: half the rows of a large output repeat a module of an earlier
 * license, and for those neither the name nor the expiry is cut out, lower-cased or hashed as a
 * new string.
 */
import type { FeatureUsage } from "./types.js";

const FIRST_CAPACITY = 64;
const GOLDEN_RATIO = 0x9e3779b1;
const UPPER_A = 65;
const UPPER_Z = 90;
const TO_LOWER = 32;
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
const HASH = 0;
/** where the lower-cased name is in `chars`, or -1 for a name beyond ASCII (compared by key) */
const NAME_AT = 1;
const NAME_LENGTH = 2;
/** where the expiry is in `chars`, or -1 while the feature has none */
const EXPIRES_AT = 3;
const EXPIRES_LENGTH = 4;
const RECORD = 5;

/**
 * Names and expiries are compared with copies of their characters kept together in `chars`:
 * the output itself, or strings cut from it, would be read at a random place of many megabytes
 * for every row, each read a miss of the processor's caches.
 */
export class OlicenseFeatures {
  private text = "";
  private features: FeatureUsage[] = [];
  /** each feature's name in lower case, at the feature's index */
  private keys: string[] = [];
  private records = new Int32Array(FIRST_CAPACITY * RECORD);
  private chars = new Uint16Array(FIRST_CAPACITY * 16);
  private charsEnd = 0;
  /** feature index + 1 per slot of an open-addressing table (0: empty), and its hash */
  private slots = new Int32Array(FIRST_CAPACITY);
  private slotHashes = new Int32Array(FIRST_CAPACITY);

  /** Starts over on `text`, keeping nothing of the previous output. */
  start(text: string): void {
    this.text = text;
    this.features = [];
    this.keys = [];
    this.records = new Int32Array(FIRST_CAPACITY * RECORD);
    this.chars = new Uint16Array(FIRST_CAPACITY * 16);
    this.charsEnd = 0;
    this.slots = new Int32Array(FIRST_CAPACITY);
    this.slotHashes = new Int32Array(FIRST_CAPACITY);
  }

  /** The features in the order first seen. */
  toFeatures(): FeatureUsage[] {
    return this.features;
  }

  /**
   * Adds a pool of `total` to the feature a row names, creating the feature. `bounds` must hold
   * a non-empty name.
   */
  addPool(bounds: PoolBounds, total: number, product: string | undefined): FeatureUsage {
    const index = this.indexOfName(bounds.nameStart, bounds.nameEnd);
    if (index < 0) return this.create(bounds, total, product);
    const feature = this.features[index] as FeatureUsage;
    feature.total += total;
    if (feature.product === undefined && product !== undefined) feature.product = product;
    const { expiresStart, expiresEnd } = bounds;
    if (expiresStart < expiresEnd && this.isEarlierExpiry(index, expiresStart, expiresEnd)) {
      feature.expires = this.text.slice(expiresStart, expiresEnd);
      this.keepExpiry(index, expiresStart, expiresEnd);
    }
    return feature;
  }

  /** Keys as FeatureAccumulator adds them, each in the object as made (no later reshaping). */
  private create(bounds: PoolBounds, total: number, product: string | undefined): FeatureUsage {
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
    const key = feature.toLowerCase();
    this.features.push(made);
    this.keys.push(key);
    this.growRecords(index);
    const record = index * RECORD;
    this.records[record + HASH] = hashOf(key);
    this.records[record + NAME_LENGTH] = key.length;
    this.records[record + NAME_AT] = isAscii(feature) ? this.keepChars(key, 0, key.length) : -1;
    this.records[record + EXPIRES_AT] = -1;
    if (expires !== undefined) this.keepExpiry(index, expiresStart, expiresEnd);
    if (this.features.length * 2 > this.slots.length) this.growSlots();
    else this.place(index);
    return made;
  }

  private keepExpiry(index: number, from: number, to: number): void {
    this.records[index * RECORD + EXPIRES_AT] = this.keepChars(this.text, from, to);
    this.records[index * RECORD + EXPIRES_LENGTH] = to - from;
  }

  /** Copies `source[from, to)` into `chars`; returns where it starts there. */
  private keepChars(source: string, from: number, to: number): number {
    const at = this.charsEnd;
    if (at + to - from > this.chars.length) {
      const larger = new Uint16Array(Math.max(this.chars.length * 2, at + to - from));
      larger.set(this.chars);
      this.chars = larger;
    }
    const chars = this.chars;
    for (let i = from; i < to; i++) chars[at + i - from] = source.charCodeAt(i);
    this.charsEnd = at + to - from;
    return at;
  }

  private growRecords(index: number): void {
    if ((index + 1) * RECORD <= this.records.length) return;
    const larger = new Int32Array(this.records.length * 2);
    larger.set(this.records);
    this.records = larger;
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
    if (!startsWithIsoDate(text, from, to - from) || !isIsoDateAt(chars, at, length)) return false;
    for (let i = 0; i < length && i < to - from; i++) {
      const next = text.charCodeAt(from + i);
      const current = chars[at + i] as number;
      if (next !== current) return next < current;
    }
    return to - from < length;
  }

  /** Index of the feature whose key is the lower-cased name in `[from, to)`, or -1. */
  private indexOfName(from: number, to: number): number {
    const text = this.text;
    let hash = 0;
    for (let i = from; i < to; i++) {
      const code = text.charCodeAt(i);
      if (code > LAST_ASCII) return this.indexOfKey(text.slice(from, to).toLowerCase());
      hash = (Math.imul(hash, 31) + asciiLower(code)) | 0;
    }
    const mask = this.slots.length - 1;
    for (let slot = mix(hash) & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot] as number;
      if (entry === 0) return -1;
      if (this.slotHashes[slot] === hash && this.sameName(from, to, entry - 1)) return entry - 1;
    }
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
      if (asciiLower(text.charCodeAt(from + i)) !== chars[at + i]) return false;
    }
    return true;
  }

  /** For names beyond ASCII, whose lower case only `toLowerCase` knows. */
  private indexOfKey(key: string): number {
    const hash = hashOf(key);
    const mask = this.slots.length - 1;
    for (let slot = mix(hash) & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot] as number;
      if (entry === 0) return -1;
      if (this.slotHashes[slot] === hash && this.keys[entry - 1] === key) return entry - 1;
    }
  }

  /** Doubles the table and places every feature again (the last one included). */
  private growSlots(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    this.slotHashes = new Int32Array(this.slots.length);
    for (let index = 0; index < this.features.length; index++) this.place(index);
  }

  private place(index: number): void {
    const hash = this.records[index * RECORD + HASH] as number;
    const mask = this.slots.length - 1;
    let slot = mix(hash) & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = index + 1;
    this.slotHashes[slot] = hash;
  }
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > LAST_ASCII) return false;
  return true;
}

function asciiLower(code: number): number {
  return code >= UPPER_A && code <= UPPER_Z ? code + TO_LOWER : code;
}

/** The hash indexOfName computes in place: a key has no upper-case ASCII letter to lower. */
function hashOf(key: string): number {
  let hash = 0;
  for (let i = 0; i < key.length; i++) hash = (Math.imul(hash, 31) + key.charCodeAt(i)) | 0;
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
    if (asciiLower(text.charCodeAt(from + i)) !== key.charCodeAt(i)) return false;
  }
  return true;
}

function isIsoDateAt(chars: Uint16Array, from: number, length: number): boolean {
  if (length < 10 || chars[from + 4] !== DASH || chars[from + 7] !== DASH) return false;
  for (const at of DATE_DIGITS) {
    const code = chars[from + at] as number;
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/** Whether the `length` characters at `from` start with a `YYYY-MM-DD` date. */
function startsWithIsoDate(text: string, from: number, length: number): boolean {
  if (length < 10 || text.charCodeAt(from + 4) !== DASH || text.charCodeAt(from + 7) !== DASH) {
    return false;
  }
  for (const at of DATE_DIGITS) {
    const code = text.charCodeAt(from + at);
    if (code < 48 || code > 57) return false;
  }
  return true;
}
