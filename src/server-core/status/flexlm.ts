/**
 * Prints a status snapshot exactly as `lmutil lmstat -a` does (FORMATS.md A9), so lmkeeper's
 * own parser and the peers' regexes read the reference server unchanged. Pure: dates are
 * printed in UTC from `opts.now` (default: the snapshot's time).
 */
import type { StatusFeature, StatusPool, StatusSnapshot } from "./snapshot.js";

export interface LmstatRenderOptions {
  /** print only these features (`lmstat -f`); compared case-insensitively */
  features?: string[];
  /** the time printed in the banner; defaults to snapshot.generatedAt */
  now?: Date;
  /** what follows `License server status:`; defaults to `PORT@HOST` */
  licenseSpec?: string;
}

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const SERVER_DOWN = 'Cannot connect to license server system. (-15,570:111 "Connection refused")';
const VENDOR_DOWN = "The desired vendor daemon is down. (-97,121)";

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? "" : "s"}`;

function clock(date: Date): string {
  return `${date.getUTCHours()}:${String(date.getUTCMinutes()).padStart(2, "0")}`;
}

/** `Sun 11/22/2026 14:53`: unpadded month, day and hour, as lmutil prints it. */
function bannerDate(date: Date): string {
  return `${WEEKDAYS[date.getUTCDay()]} ${date.getUTCMonth() + 1}/${date.getUTCDate()}/${date.getUTCFullYear()} ${clock(date)}`;
}

/** `Sun 11/22 9:05`: checkout start, without the year. */
function startDate(date: Date): string {
  return `${WEEKDAYS[date.getUTCDay()]} ${date.getUTCMonth() + 1}/${date.getUTCDate()} ${clock(date)}`;
}

function expiryText(expires: string): string {
  return expires === "permanent" ? "permanent(no expiration date)" : expires;
}

function poolInUse(pool: StatusPool): number {
  let inUse = 0;
  for (const lease of pool.leases) inUse += lease.count;
  for (const reservation of pool.reservations) inUse += reservation.count;
  return inUse;
}

function poolKindLine(pool: StatusPool): string {
  if (pool.count === "uncounted")
    return "  uncounted nodelocked license locked to NOTHING (hostid=ANY)";
  if (pool.nodeLockedTo !== undefined)
    return `  nodelocked license, locked to "${pool.nodeLockedTo}"`;
  return "  floating license";
}

function renderFeature(feature: StatusFeature, where: string, out: string[]): void {
  const uncounted = feature.pools.some((pool) => pool.count === "uncounted");
  let total = 0;
  let inUse = 0;
  for (const pool of feature.pools) {
    if (pool.count !== "uncounted") total += pool.count;
    inUse += poolInUse(pool);
  }
  out.push(
    uncounted
      ? `Users of ${feature.name}:  (Uncounted, node-locked)`
      : `Users of ${feature.name}:  (Total of ${plural(total, "license")} issued;  Total of ${plural(inUse, "license")} in use)`,
  );
  out.push("");
  if (inUse === 0) return;
  for (const pool of feature.pools) {
    if (poolInUse(pool) === 0) continue;
    out.push(
      `  "${feature.name}" v${pool.version}, vendor: ${feature.vendor}, expiry: ${expiryText(pool.expires)}`,
    );
    if (pool.vendorString !== undefined) out.push(`  vendor_string: ${pool.vendorString}`);
    out.push(poolKindLine(pool));
    out.push("");
    for (const reservation of pool.reservations) {
      if (reservation.count <= 0) continue;
      out.push(
        `\t${reservation.count} RESERVATION${reservation.count === 1 ? "" : "s"} for ${reservation.kind} ${reservation.name} (${where})`,
      );
    }
    for (const lease of pool.leases) {
      const holder = [lease.user, lease.host, lease.display]
        .filter((part) => part !== "")
        .join(" ");
      const count = lease.count === 1 ? "" : `, ${lease.count} licenses`;
      const pid = lease.pid === undefined ? "" : `, PID: ${lease.pid}`;
      out.push(
        `    ${holder} (v${lease.version}) (${where} ${lease.handle}), start ${startDate(new Date(lease.startedAt))}${count}${pid}`,
      );
    }
    out.push("");
  }
}

/** lmutil's first two lines, each ending in a newline. */
export function lmstatBanner(now: Date): string {
  return (
    `lmutil - Copyright (c) 1989-${now.getUTCFullYear()} Flexera. All Rights Reserved.\n` +
    `Flexible License Manager status on ${bannerDate(now)}\n`
  );
}

export function renderLmstat(snapshot: StatusSnapshot, opts: LmstatRenderOptions = {}): string {
  const now = opts.now ?? new Date(snapshot.generatedAt);
  const { server } = snapshot;
  const out: string[] = [
    lmstatBanner(now),
    `License server status: ${opts.licenseSpec ?? `${server.port}@${server.host}`}`,
    `    License file(s) on ${server.host}: ${server.licenseFiles.join(":")}:`,
    "",
  ];
  if (!server.up) {
    out.push(`${server.host}: ${SERVER_DOWN}`, "");
    out.push("");
    return out.join("\n");
  }
  const master = server.role === "backup" && !server.inFailover ? "" : "(MASTER) ";
  out.push(`${server.host}: license server UP ${master}v${server.version}`, "");
  out.push(`Vendor daemon status (on ${server.host}):`, "");
  const vendorsUp = new Set<string>();
  for (const vendor of snapshot.vendors) {
    if (vendor.up) vendorsUp.add(vendor.name);
    out.push(
      vendor.up ? `  ${vendor.name}: UP v${vendor.version}` : `  ${vendor.name}: ${VENDOR_DOWN}`,
    );
  }
  if (vendorsUp.size === 0) {
    out.push("");
    out.push("");
    return out.join("\n");
  }
  out.push("Feature usage info:", "");
  const wanted = opts.features?.map((name) => name.toLowerCase());
  const where = `${server.host}/${server.port}`;
  for (const feature of snapshot.features) {
    if (!vendorsUp.has(feature.vendor)) continue;
    if (wanted && !wanted.includes(feature.name.toLowerCase())) continue;
    renderFeature(feature, where, out);
  }
  out.push("");
  return out.join("\n");
}
