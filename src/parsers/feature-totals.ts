import { isDigitCode } from "./scan.js";
import type { FeatureUsage } from "./types.js";

export interface PoolInfo {
  total: number;
  product?: string | undefined;
  vendor?: string | undefined;
  expires?: string | undefined;
}

const DASH = 45;
/** where `YYYY-MM-DD` has its digits */
const DATE_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9];

/**
 * Sums pools of the same feature (compared case-insensitively, printed as first seen) and
 * keeps every use, in the order the tool printed them.
 */
export class FeatureAccumulator {
  private readonly byKey = new Map<string, FeatureUsage>();

  /**
   * Adds a pool's total to its feature, creating it. Returns the feature itself: callers add
   * to its `used` and push to its `uses` directly (once per checkout, so no lookup by name).
   */
  addPool(name: string, pool: PoolInfo): FeatureUsage {
    const key = name.toLowerCase();
    const existing = this.byKey.get(key);
    if (!existing) {
      const feature: FeatureUsage = {
        feature: name,
        total: pool.total,
        used: 0,
        reserved: 0,
        uses: [],
      };
      if (pool.product !== undefined) feature.product = pool.product;
      if (pool.vendor !== undefined) feature.vendor = pool.vendor;
      if (pool.expires !== undefined) feature.expires = pool.expires;
      this.byKey.set(key, feature);
      return feature;
    }
    return this.addPoolTo(existing, pool);
  }

  /** Adds a further pool to a feature this accumulator made (no lookup by name). */
  addPoolTo(feature: FeatureUsage, pool: PoolInfo): FeatureUsage {
    feature.total += pool.total;
    // set only what is known, so every feature keeps the keys (and object shape) it was made with
    if (feature.product === undefined && pool.product !== undefined) feature.product = pool.product;
    if (feature.vendor === undefined && pool.vendor !== undefined) feature.vendor = pool.vendor;
    if (pool.expires !== undefined && pool.expires !== feature.expires) {
      feature.expires = earlierExpiry(feature.expires, pool.expires);
    }
    return feature;
  }

  toFeatures(): FeatureUsage[] {
    return [...this.byKey.values()];
  }
}

/** The sooner of two `YYYY-MM-DD…` expiries; otherwise the one already known. */
function earlierExpiry(current: string | undefined, next: string): string {
  if (current === undefined) return next;
  if (
    startsWithIsoDateAt(current, 0, current.length) &&
    startsWithIsoDateAt(next, 0, next.length)
  ) {
    return next < current ? next : current;
  }
  return current;
}

/** Whether the `length` characters at `from` start with a `YYYY-MM-DD` date. */
export function startsWithIsoDateAt(text: string, from: number, length: number): boolean {
  if (length < 10 || text.charCodeAt(from + 4) !== DASH || text.charCodeAt(from + 7) !== DASH) {
    return false;
  }
  return DATE_DIGITS.every((at) => isDigitCode(text.charCodeAt(from + at)));
}
