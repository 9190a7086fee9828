/**
 * Prints a StatusSnapshot the way `olixtool -sv HOST:PORT` prints a server's licenses.
 *
 * Each vendor's k-th pools form one license block (License-ID `VENDOR-k@HOST`), so a feature
 * with several pools appears in several License-IDs and parsers sum it. OLicense has no
 * reservations: seats reserved but not checked out are counted in `N FloatsLockedBy` (they
 * are not available to anyone else) without a holder line. Uncounted (node-locked) pools
 * have no OLicense equivalent and are left out, as are the features of a vendor that is down.
 */
import type { StatusFeature, StatusPool, StatusSnapshot } from "./snapshot.js";
import { expiryDay } from "./vendor-dates.js";

export interface OlicenseRenderOptions {
  /** only these features (compared case-insensitively) */
  features?: string[];
}

const RULE = "=".repeat(46);
const NAME_WIDTH = 20;

export function renderOlicenseStatus(
  snapshot: StatusSnapshot,
  opts: OlicenseRenderOptions = {},
): string {
  const { host, port } = snapshot.server;
  const out = [
    "olixtool 4.8.0 - OLicense XML Status Application",
    "",
    `Server: <${host}:${port}:0> (Proxy: <>)`,
    "",
  ];
  if (!snapshot.server.up) {
    out.push("OlComm 454 Request cannot connect to target");
    return `${out.join("\n")}\n`;
  }
  out.push("List of requested licenses:", "");

  for (const [vendor, features] of featuresByVendor(snapshot, opts)) {
    const poolCount = Math.max(0, ...features.map((feature) => feature.pools.length));
    for (let k = 0; k < poolCount; k++) {
      const modules = features.flatMap((feature) => {
        const pool = feature.pools[k];
        return pool && pool.count !== "uncounted"
          ? [renderModule(feature.name, pool, pool.count)]
          : [];
      });
      if (modules.length === 0) continue;
      out.push(
        RULE,
        `Application:\t${vendor}`,
        `VersionRange:\t0-${versionOf(features, k)}`,
        `Licenser:\t${vendor}`,
        "Licensee:\tlmkeeper",
        `License-ID:\t${vendor}-${k + 1}@${host}`,
        "Modules:",
        "  Name; LicenseType; FloatCount; Expiration",
        `  ${"-".repeat(44)}`,
        ...modules.flat(),
        "",
      );
    }
  }
  return `${out.join("\n")}\n`;
}

function featuresByVendor(
  snapshot: StatusSnapshot,
  opts: OlicenseRenderOptions,
): Map<string, StatusFeature[]> {
  const wanted = opts.features?.map((name) => name.toLowerCase());
  const downVendors = new Set(snapshot.vendors.filter((v) => !v.up).map((v) => v.name));
  const groups = new Map<string, StatusFeature[]>();
  for (const feature of snapshot.features) {
    if (wanted && !wanted.includes(feature.name.toLowerCase())) continue;
    if (downVendors.has(feature.vendor)) continue;
    const vendor = token(feature.vendor);
    groups.set(vendor, [...(groups.get(vendor) ?? []), feature]);
  }
  return groups;
}

function renderModule(name: string, pool: StatusPool, count: number): string[] {
  const moduleName = `${token(name)};`.padEnd(NAME_WIDTH + 1);
  const lines = [`  ${moduleName}\tFreeFloating;\t${count};\t${expiryDay(pool.expires)} 23:59:59;`];
  const reserved = pool.reservations.reduce((sum, r) => sum + r.count, 0);
  const locked = pool.leases.reduce((sum, lease) => sum + lease.count, reserved);
  if (locked > 0) {
    lines.push(`    ${locked} FloatsLockedBy:`);
    for (const lease of pool.leases) {
      lines.push(`      ${token(lease.user)}@${token(lease.host)} #${lease.count}`);
    }
  }
  return lines;
}

function versionOf(features: readonly StatusFeature[], k: number): string {
  const version = features.find((feature) => feature.pools[k])?.pools[k]?.version ?? "0";
  return token(version);
}

/** Names as olixtool prints them: no separators or spaces inside a field. */
function token(text: string): string {
  return text.replace(/[\s;@#]+/g, "_") || "_";
}
