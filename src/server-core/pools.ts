import { expiryInstant, startInstant, type LicenseFile } from "./license-file.js";
import type { Pool } from "./engine.js";
import type { Entitlement } from "./entitlements.js";

export interface LicensePools {
  pools: Pool[];
  warnings: string[];
}

/**
 * Turns license files into pools as FlexLM does: only the first FEATURE line per feature
 * (and vendor) counts; every INCREMENT line adds a pool of its own. Pool ids are
 * `lic:<feature>:<n>`, n counting that feature's pools in file order, so they stay stable
 * while the files do.
 */
export function poolsFromLicenseFiles(files: readonly LicenseFile[]): LicensePools {
  const pools: Pool[] = [];
  const warnings: string[] = [];
  const seenFeatureLine = new Set<string>();
  const ordinal = new Map<string, number>();
  for (const file of files) {
    warnings.push(...file.warnings);
    for (const line of file.features) {
      const key = `${line.feature.toLowerCase()}\u0000${line.vendor.toLowerCase()}`;
      if (line.kind === "FEATURE") {
        if (seenFeatureLine.has(key)) {
          warnings.push(
            `${file.path}:${line.lineNumber}: a second FEATURE line for "${line.feature}" is ignored (use INCREMENT to add licenses)`,
          );
          continue;
        }
        seenFeatureLine.add(key);
      }
      const n = (ordinal.get(line.feature.toLowerCase()) ?? 0) + 1;
      ordinal.set(line.feature.toLowerCase(), n);
      const pool: Pool = {
        id: `lic:${line.feature.toLowerCase()}:${n}`,
        feature: line.feature,
        vendor: line.vendor,
        version: line.version,
        expires: line.expires,
        expiresAt: expiryInstant(line.expires),
        count: line.count,
        source: { kind: "license-file", file: file.path, line: line.lineNumber },
      };
      const vendorString = line.attributes["VENDOR_STRING"];
      if (vendorString !== undefined) pool.vendorString = vendorString;
      const start = line.attributes["START"];
      if (start !== undefined) pool.startsAt = startInstant(start);
      const hostId = line.attributes["HOSTID"];
      if (hostId !== undefined) pool.hostId = hostId;
      pools.push(pool);
    }
  }
  return { pools, warnings };
}

/** A pool for the seats activated under one code; absent while nothing is activated. */
export function poolFromActivation(entitlement: Entitlement, activated: number): Pool {
  return {
    id: `act:${entitlement.code}`,
    feature: entitlement.feature,
    vendor: entitlement.vendor,
    version: entitlement.version,
    expires: entitlement.expires,
    expiresAt: expiryInstant(entitlement.expires),
    count: activated,
    source: { kind: "activation", code: entitlement.code },
  };
}
