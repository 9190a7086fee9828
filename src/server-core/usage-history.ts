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
 * How a sample is kept: only the features in use, and the totals shared with the previous
 * sample while they stay the same, so 10,000 idle features cost next to nothing per sample.
 */
interface StoredSample {
  at: number;
  used: ReadonlyMap<string, number>;
  totals: ReadonlyMap<string, number | null>;
}

function sameTotals(
  a: ReadonlyMap<string, number | null>,
  b: ReadonlyMap<string, number | null>,
): boolean {
  if (a.size !== b.size) return false;
  for (const [name, total] of a) if (b.get(name) !== total || !b.has(name)) return false;
  return true;
}

/**
 * The last `capacity` usage samples, kept in memory only (a restart starts a new history).
 * The oldest sample is dropped when a new one arrives at capacity.
 */
export class UsageHistory {
  private readonly samples: StoredSample[] = [];

  constructor(readonly capacity = DEFAULT_HISTORY_LENGTH) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`usage history capacity must be a positive integer, got ${capacity}`);
  }

  record(sample: UsageSample): void {
    const used = new Map<string, number>();
    const totals = new Map<string, number | null>();
    for (const [name, value] of sample.features) {
      if (value.used !== 0) used.set(name, value.used);
      totals.set(name, value.total);
    }
    const previous = this.samples[this.samples.length - 1];
    this.samples.push({
      at: sample.at,
      used,
      totals: previous && sameTotals(previous.totals, totals) ? previous.totals : totals,
    });
    if (this.samples.length > this.capacity) this.samples.shift();
  }

  get length(): number {
    return this.samples.length;
  }

  /** Feature names seen in the newest sample, busiest first. */
  busiest(limit: number): string[] {
    const newest = this.samples[this.samples.length - 1];
    if (!newest) return [];
    return [...newest.totals.keys()]
      .map((name): [string, number] => [name, newest.used.get(name) ?? 0])
      .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
      .slice(0, limit)
      .map(([name]) => name);
  }

  /** One series per feature; a sample in which a feature is missing counts as no point. */
  series(features: readonly string[]): UsageSeries[] {
    return features.map((feature) => ({
      feature,
      points: this.samples.flatMap((sample) =>
        sample.totals.has(feature)
          ? [
              {
                at: sample.at,
                used: sample.used.get(feature) ?? 0,
                total: sample.totals.get(feature) ?? null,
              },
            ]
          : [],
      ),
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
