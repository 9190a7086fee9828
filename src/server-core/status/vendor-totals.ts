import { UNLIMITED_TOTAL } from "../../parsers/types.js";
import type { StatusFeature, StatusPool, StatusSnapshot } from "./snapshot.js";

/**
 * Figures the RLM, LS-DYNA and LM-X status renderers share. As in FlexLM, a pool's "in use"
 * includes its outstanding reservations: seats held for someone are not free.
 */

export function poolLeased(pool: StatusPool): number {
  return pool.leases.reduce((sum, lease) => sum + lease.count, 0);
}

export function poolReserved(pool: StatusPool): number {
  return pool.reservations.reduce((sum, reservation) => sum + reservation.count, 0);
}

export function poolInUse(pool: StatusPool): number {
  return poolLeased(pool) + poolReserved(pool);
}

/** The pool's seats, UNLIMITED_TOTAL for an uncounted pool. */
export function poolTotal(pool: StatusPool): number {
  return pool.count === "uncounted" ? UNLIMITED_TOTAL : pool.count;
}

/** All pools of a feature together; any uncounted pool makes the feature unlimited. */
export function featureTotal(feature: StatusFeature): number {
  if (feature.pools.some((pool) => pool.count === "uncounted")) return UNLIMITED_TOTAL;
  return Math.min(
    feature.pools.reduce((sum, pool) => sum + poolTotal(pool), 0),
    UNLIMITED_TOTAL,
  );
}

export function featureInUse(feature: StatusFeature): number {
  return feature.pools.reduce((sum, pool) => sum + poolInUse(pool), 0);
}

/** Features with at least one pool whose vendor daemon is up (an unknown vendor counts as up). */
export function servedFeatures(snapshot: StatusSnapshot): StatusFeature[] {
  const down = new Set(snapshot.vendors.filter((v) => !v.up).map((v) => v.name.toLowerCase()));
  return snapshot.features.filter(
    (feature) => feature.pools.length > 0 && !down.has(feature.vendor.toLowerCase()),
  );
}

/** The vendors that serve features, in first-seen order, with their up/down state. */
export function vendorsInUse(snapshot: StatusSnapshot): Array<{ name: string; up: boolean }> {
  const seen = new Map<string, { name: string; up: boolean }>();
  for (const vendor of snapshot.vendors) {
    seen.set(vendor.name.toLowerCase(), { name: vendor.name, up: vendor.up });
  }
  for (const feature of snapshot.features) {
    const key = feature.vendor.toLowerCase();
    if (!seen.has(key)) seen.set(key, { name: feature.vendor, up: true });
  }
  return [...seen.values()];
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** `dd-mmm-yyyy` as numbers; undefined for "permanent", FlexLM's `1-jan-0` and anything else. */
export function expiryDate(
  expires: string,
): { year: number; month: number; day: number } | undefined {
  const match = /^(\d{1,2})-([a-z]{3})-(\d{4})$/i.exec(expires.trim());
  if (!match) return undefined;
  const month = MONTHS.indexOf((match[2] ?? "").toLowerCase()) + 1;
  const year = Number(match[3]);
  if (month === 0 || year === 0) return undefined;
  return { year, month, day: Number(match[1]) };
}

export function pad2(value: number): string {
  return String(value).padStart(2, "0");
}

/** A name printed as one whitespace-free token, as the vendor tools print user and host names. */
export function token(value: string): string {
  const cleaned = value.trim().replace(/\s+/g, "_");
  return cleaned === "" ? "unknown" : cleaned;
}

/** An ISO time as UTC parts; an unreadable time prints as the epoch rather than NaN. */
export function utcParts(iso: string): {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
} {
  const time = Date.parse(iso);
  const date = new Date(Number.isNaN(time) ? 0 : time);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
  };
}
