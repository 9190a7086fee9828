/**
 * Prints a StatusSnapshot the way `DSLicSrv -admin` answers `connect HOST PORT`,
 * `getLicenseUsage -csv` and `quit`.
 *
 * Every pool is one license (its Customer ID tells pools of a feature apart), printed as one
 * row per lease, or as a single row ending after `Inuse,` when no lease holds it. Counts are
 * in the token model. DSLS has no reservations: seats reserved but not checked out are counted
 * in `Inuse` without a session row. Uncounted (node-locked) pools and the features of a vendor
 * that is down are left out.
 */
import type { StatusFeature, StatusLease, StatusPool, StatusSnapshot } from "./snapshot.js";
import { expiryDay, utcSeconds } from "./vendor-dates.js";

export interface DslsRenderOptions {
  /** only these features (compared case-insensitively) */
  features?: string[];
}

const HEADER = [
  "Editor",
  "EditorId",
  "Feature",
  "Model",
  "Commercial Type",
  "Max Release Number",
  "Max Release Date",
  "Pricing Structure",
  "Max Casual Duration",
  "Expiration Date",
  "Customer ID",
  "Count",
  "Inuse",
  "Tokens",
  "Casual Usage (mn)",
  "Host",
  "User",
  "Internal ID",
  "Active Process",
  "Client Code Version",
  "Session ID",
  "Granted Since",
  "Last Used At",
  "Granted At",
  "Queue Position",
];
const PROMPT = "admin >";
const FIRST_CUSTOMER_ID = 10_000_001;

export function renderDslsStatus(snapshot: StatusSnapshot, opts: DslsRenderOptions = {}): string {
  const { host, port, version } = snapshot.server;
  const out = [`License Administration Tool Version ${version}.`];
  if (!snapshot.server.up) {
    out.push(`${PROMPT}Cannot connect to server ${host} on port ${port}`, PROMPT);
    return `${out.join("\n")}\n`;
  }
  out.push(
    `${PROMPT}\tSoftware version: ${version}`,
    `    ${snapshot.server.role === "standalone" ? "Standalone" : "Failover"} mode`,
    "    Ready: yes",
    `    Server name: ${host}   Server id: LMK-${port}`,
    `${PROMPT}${HEADER.join(",")},`,
  );
  const lastUsedAt = utcSeconds(snapshot.generatedAt);
  for (const feature of selectedFeatures(snapshot, opts)) {
    feature.pools.forEach((pool, index) => {
      if (pool.count === "uncounted") return;
      const license = licenseColumns(feature, pool, index, pool.count);
      if (pool.leases.length === 0) {
        out.push(`${license.join(",")},`);
        return;
      }
      for (const lease of pool.leases) {
        out.push(`${[...license, ...sessionColumns(feature, lease, lastUsedAt)].join(",")},`);
      }
    });
  }
  out.push(PROMPT);
  return `${out.join("\n")}\n`;
}

function selectedFeatures(snapshot: StatusSnapshot, opts: DslsRenderOptions): StatusFeature[] {
  const wanted = opts.features?.map((name) => name.toLowerCase());
  const downVendors = new Set(snapshot.vendors.filter((v) => !v.up).map((v) => v.name));
  return snapshot.features.filter(
    (feature) =>
      !downVendors.has(feature.vendor) && (!wanted || wanted.includes(feature.name.toLowerCase())),
  );
}

/** Editor … Inuse: what identifies the license and its counts, repeated on each session row. */
function licenseColumns(
  feature: StatusFeature,
  pool: StatusPool,
  index: number,
  count: number,
): string[] {
  const reserved = pool.reservations.reduce((sum, r) => sum + r.count, 0);
  const inUse = pool.leases.reduce((sum, lease) => sum + lease.count, reserved);
  const expires = `${expiryDay(pool.expires)} 23:59:00`;
  return [
    field(feature.vendor),
    editorId(feature.vendor),
    field(feature.name),
    "Token",
    "STD",
    field(pool.version),
    expires,
    "YLC",
    "0",
    expires,
    String(FIRST_CUSTOMER_ID + index),
    String(count),
    String(inUse),
  ];
}

/** Tokens … Granted At of one lease; Queue Position stays empty. */
function sessionColumns(feature: StatusFeature, lease: StatusLease, lastUsedAt: string): string[] {
  const grantedAt = utcSeconds(lease.startedAt);
  const host = word(lease.host);
  return [
    String(lease.count),
    "",
    `${host} (${lease.handle}.0)/${host}`,
    word(lease.user),
    field(feature.name),
    `${field(lease.display) || "-"} ( ${lease.pid ?? lease.handle})`,
    field(lease.version),
    lease.handle.toString(16).toUpperCase().padStart(7, "0"),
    grantedAt,
    lastUsedAt,
    grantedAt,
  ];
}

/** A stable 8-hex-digit editor id derived from the vendor name (FNV-1a). */
function editorId(vendor: string): string {
  let hash = 0x811c9dc5;
  for (const char of vendor) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).toUpperCase().padStart(8, "0");
}

/** A CSV field without separators or line breaks. */
function field(text: string): string {
  return text.replace(/[,\r\n]+/g, " ").trim();
}

/** A single word, as DSLS prints user names and the host name before its `(id)/ip`. */
function word(text: string): string {
  return text.replace(/[\s,]+/g, "_") || "_";
}
