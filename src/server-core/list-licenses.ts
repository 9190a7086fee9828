import type { Lease, Pool } from "./engine.js";

/** One pool as `lmkeeper server list-licenses` shows it (also the admin API's JSON). */
export interface LicenseListEntry {
  id: number;
  feature: string;
  vendor: string;
  version: string;
  expires: string;
  count: number | "uncounted";
  used: number;
  /** null for uncounted pools */
  available: number | null;
  /** "license file" or "activation CODE" */
  source: string;
}

export interface DeviceEntry {
  device: string;
  features: { feature: string; count: number }[];
}

export interface LicenseList {
  features: LicenseListEntry[];
  devices: DeviceEntry[];
}

export function buildLicenseList(pools: readonly Pool[], leases: readonly Lease[]): LicenseList {
  const used = new Map<string, number>();
  for (const lease of leases) used.set(lease.poolId, (used.get(lease.poolId) ?? 0) + lease.count);
  const features = pools.map((pool, index): LicenseListEntry => {
    const inUse = used.get(pool.id) ?? 0;
    return {
      id: index + 1,
      feature: pool.feature,
      vendor: pool.vendor,
      version: pool.version,
      expires: pool.expires,
      count: pool.count,
      used: inUse,
      available: pool.count === "uncounted" ? null : pool.count - inUse,
      source: pool.source.kind === "activation" ? `activation ${pool.source.code}` : "license file",
    };
  });
  const devices = new Map<string, Map<string, number>>();
  for (const lease of leases) {
    const device = lease.deviceId || lease.host;
    const held = devices.get(device) ?? new Map<string, number>();
    held.set(lease.feature, (held.get(lease.feature) ?? 0) + lease.count);
    devices.set(device, held);
  }
  return {
    features,
    devices: [...devices.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([device, held]) => ({
        device,
        features: [...held.entries()].map(([feature, count]) => ({ feature, count })),
      })),
  };
}

const RULE = "=====";

function row(cells: string[], widths: number[]): string {
  return cells
    .map((cell, index) => (index === cells.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)))
    .join("  ")
    .trimEnd();
}

/** Text in the style of the vendor's list-licenses command. */
export function renderLicenseList(list: LicenseList): string {
  const header = [
    "Feature ID",
    "Feature Name",
    "Feature Version",
    "Expiration",
    "Used/Count",
    "Available",
  ];
  const rows = list.features.map((entry) => [
    String(entry.id),
    entry.feature,
    entry.version,
    entry.expires,
    `${entry.used}/${entry.count}`,
    entry.available === null ? "uncounted" : String(entry.available),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((cells) => (cells[column] ?? "").length)),
  );
  const lines = [
    "",
    RULE,
    row(header, widths),
    RULE,
    ...rows.map((cells) => row(cells, widths)),
    RULE,
    "",
  ];
  lines.push(
    "Device Information:",
    "",
    "-----",
    row(["Device Name", "Feature Registered(Used Count)"], [20]),
    "-----",
  );
  for (const device of list.devices) {
    const held = device.features.map((entry) => `${entry.feature}(${entry.count})`).join(", ");
    lines.push(row([device.device, held], [Math.max(20, device.device.length)]));
  }
  lines.push(RULE, "");
  const counted = list.features.filter((entry) => entry.count !== "uncounted");
  const total = counted.reduce((sum, entry) => sum + (entry.count as number), 0);
  const usedTotal = counted.reduce((sum, entry) => sum + entry.used, 0);
  lines.push(
    `Total feature count      : ${total}`,
    `Total feature count used : ${usedTotal}`,
    `Total uncounted features : ${list.features.length - counted.length}`,
    RULE,
    "",
  );
  return lines.join("\n");
}
