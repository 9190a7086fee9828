import type { StatusFeature, StatusSnapshot } from "./snapshot.js";
import {
  expiryDate,
  featureInUse,
  featureTotal,
  pad2,
  servedFeatures,
  token,
} from "./vendor-totals.js";

export interface LsdynaStatusOptions {
  /** `-R` (default) lists each program's users under it; `-r` prints the table only */
  form?: "-R" | "-r";
}

/**
 * Prints `lstc_qrun -R` (or `-r`) output for a snapshot.
 *
 * Shared-pool semantics: a real LSTC server puts all programs in one LICENSE GROUP whose
 * USED/MAX are the pooled figures. lmkeeper's features each have their own seats, so each
 * feature is printed as a program followed by a LICENSE GROUP row of its own: the group holds
 * exactly that feature's used and total, and the parser reads back each feature's numbers.
 * USED counts leased seats plus outstanding reservations (LSTC has no reservation column);
 * an uncounted pool prints MAX as 2147483647, which the parser reads as unlimited.
 */
export function renderLsdynaStatus(
  snapshot: StatusSnapshot,
  opts: LsdynaStatusOptions = {},
): string {
  const { host, port } = snapshot.server;
  const lines = [`Using user specified server ${port}@${host}`, ""];
  if (!snapshot.server.up) {
    lines.push(`*** ERROR failed to open server ${host}`);
    return `${lines.join("\n")}\n`;
  }
  lines.push(
    "LICENSE INFORMATION",
    "",
    "PROGRAM          EXPIRATION CPUS  USED   FREE    MAX | QUEUE",
    "---------------- ----------      ----- ------ ------ | -----",
  );
  for (const feature of servedFeatures(snapshot)) {
    const total = featureTotal(feature);
    const used = featureInUse(feature);
    const free = Math.max(total - used, 0);
    lines.push(
      `${feature.name.padEnd(16)} ${expiration(feature).padEnd(10)}${columns(used, free, total)}`,
    );
    if (opts.form !== "-r") lines.push(...userLines(feature));
    lines.push(`${" ".repeat(19)}LICENSE GROUP${column(used, 6)}${tail(free, total)}`);
  }
  return `${lines.join("\n")}\n`;
}

function columns(used: number, free: number, max: number): string {
  return `${column(used, 11)}${tail(free, max)}`;
}

function tail(free: number, max: number): string {
  return `${column(free, 7)}${column(max, 7)} |${column(0, 6)}`;
}

/** Right-aligned in its column, and never run into the column before when it is too wide. */
function column(value: number, width: number): string {
  const text = String(value);
  return text.length >= width ? ` ${text}` : text.padStart(width);
}

/** LSTC prints MM/DD/YYYY; a permanent pool keeps the word, which lmkeeper's parser accepts. */
function expiration(feature: StatusFeature): string {
  const first = feature.pools[0]?.expires ?? "permanent";
  const date = expiryDate(first);
  return date ? `${pad2(date.month)}/${pad2(date.day)}/${date.year}` : "permanent";
}

function userLines(feature: StatusFeature): string[] {
  return feature.pools.flatMap((pool) =>
    pool.leases.map((lease) => {
      const pid = Math.max(0, Math.trunc(lease.pid ?? lease.handle));
      const where = `${pid}@${token(lease.host)}`;
      return ` ${token(lease.user).padEnd(10)} ${where.padStart(16)}  ${lease.count}`;
    }),
  );
}
