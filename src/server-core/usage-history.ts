/** A feature's seats at one moment: what the usage chart plots. */
export interface UsagePoint {
  at: number;
  used: number;
  /** null for uncounted features */
  total: number | null;
}

export interface UsageSeries {
  feature: string;
  points: UsagePoint[];
}

export interface UsageSample {
  at: number;
  features: ReadonlyMap<string, { used: number; total: number | null }>;
}

export const DEFAULT_HISTORY_LENGTH = 720;

/**
 * The last `capacity` usage samples, kept in memory only (a restart starts a new history).
 * The oldest sample is dropped when a new one arrives at capacity.
 */
export class UsageHistory {
  private readonly samples: UsageSample[] = [];

  constructor(readonly capacity = DEFAULT_HISTORY_LENGTH) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`usage history capacity must be a positive integer, got ${capacity}`);
  }

  record(sample: UsageSample): void {
    this.samples.push(sample);
    if (this.samples.length > this.capacity) this.samples.shift();
  }

  get length(): number {
    return this.samples.length;
  }

  /** Feature names seen in the newest sample, busiest first. */
  busiest(limit: number): string[] {
    const newest = this.samples[this.samples.length - 1];
    if (!newest) return [];
    return [...newest.features.entries()]
      .sort(([a, x], [b, y]) => y.used - x.used || a.localeCompare(b))
      .slice(0, limit)
      .map(([name]) => name);
  }

  /** One series per feature; a sample in which a feature is missing counts as no point. */
  series(features: readonly string[]): UsageSeries[] {
    return features.map((feature) => ({
      feature,
      points: this.samples.flatMap((sample) => {
        const value = sample.features.get(feature);
        return value ? [{ at: sample.at, used: value.used, total: value.total }] : [];
      }),
    }));
  }
}

/** Sums a feature's seats over all of its versions. */
export function usageByFeature(
  rows: readonly { name: string; used: number; total: number | null }[],
): Map<string, { used: number; total: number | null }> {
  const byName = new Map<string, { used: number; total: number | null }>();
  for (const row of rows) {
    const seen = byName.get(row.name);
    if (!seen) byName.set(row.name, { used: row.used, total: row.total });
    else {
      seen.used += row.used;
      seen.total =
        seen.total === null && row.total === null ? null : (seen.total ?? 0) + (row.total ?? 0);
    }
  }
  return byName;
}
