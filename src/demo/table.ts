/**
 * The demo's per-cycle view: what the license server says, what the API holds after the
 * agent's push, and what is booked. Pure: numbers in, text out.
 */
import type { StatusSnapshot } from "../server-core/index.js";

export interface FeatureCounts {
  total: number;
  used: number;
}

/** Per feature name: seats issued (uncounted pools left out) and seats checked out. */
export function usageFromSnapshot(snapshot: StatusSnapshot): Map<string, FeatureCounts> {
  const usage = new Map<string, FeatureCounts>();
  for (const feature of snapshot.features) {
    let total = 0;
    let used = 0;
    for (const pool of feature.pools) {
      if (pool.count !== "uncounted") total += pool.count;
      for (const lease of pool.leases) used += lease.count;
      for (const reservation of pool.reservations) used += reservation.count;
    }
    usage.set(feature.name, { total, used });
  }
  return usage;
}

export interface DemoRow {
  feature: string;
  total: number;
  usedOnServer: number;
  /** undefined while the API has no number for it yet */
  usedInApi: number | undefined;
  booked: number;
}

const HEADERS = ["feature", "total", "used on server", "used in API", "booked", ""] as const;

/** A fixed-width table; the last column says whether the API caught up with the server. */
export function formatCycleTable(title: string, rows: readonly DemoRow[]): string {
  const cells = rows.map((row) => [
    row.feature,
    String(row.total),
    String(row.usedOnServer),
    row.usedInApi === undefined ? "-" : String(row.usedInApi),
    String(row.booked),
    row.usedInApi === row.usedOnServer ? "in sync" : "catching up",
  ]);
  const widths = HEADERS.map((header, column) =>
    Math.max(header.length, ...cells.map((line) => (line[column] ?? "").length)),
  );
  const line = (values: readonly string[]): string =>
    `  ${values
      .map((value, column) =>
        column === 0 || column === values.length - 1
          ? value.padEnd(widths[column] ?? 0)
          : value.padStart(widths[column] ?? 0),
      )
      .join("  ")
      .trimEnd()}`;
  return [title, line(HEADERS), ...cells.map(line)].join("\n") + "\n";
}
