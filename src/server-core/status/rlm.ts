import type { StatusFeature, StatusSnapshot } from "./snapshot.js";
import {
  pad2,
  poolLeased,
  poolReserved,
  servedFeatures,
  token,
  utcParts,
  vendorsInUse,
} from "./vendor-totals.js";

export interface RlmStatusOptions {
  /** the rlmutil version in the banner; v15 prints `, pool: N` on product lines */
  toolVersion?: string;
  /** ISO time the server started, for the `up …` figures; defaults to the snapshot's time */
  startedAt?: string;
}

/**
 * Prints `rlmutil rlmstat -a -p` output for a snapshot: one ISV per vendor, each with its
 * license pool status (one product line per pool) and license usage status (one line per
 * lease). `inuse` counts leased seats plus outstanding reservations, and `# reservations`
 * says how many of those are reservations, so the parser reads back used and reserved as
 * the snapshot has them. Times are UTC.
 */
export function renderRlmStatus(snapshot: StatusSnapshot, opts: RlmStatusOptions = {}): string {
  const toolVersion = opts.toolVersion ?? "v15.2";
  const { host, port } = snapshot.server;
  const banner = [
    `Setting license file path to ${port}@${host}`,
    `rlmutil ${toolVersion}`,
    `Copyright (C) 2006-${utcParts(snapshot.generatedAt).year}, Reprise Software, Inc. All rights reserved.`,
    "",
  ];
  if (!snapshot.server.up) {
    return [
      ...banner.slice(1),
      'Error connecting to "rlm" server',
      "",
      `Connection attempted to host: "${host}" on port ${port}`,
      "",
      "No error",
      "",
    ].join("\n");
  }

  const uptime = formatUptime(opts.startedAt ?? snapshot.generatedAt, snapshot.generatedAt);
  const withPoolNumbers = !/^v?1[0-4]\./.test(toolVersion);
  const vendors = vendorsInUse(snapshot);
  const served = servedFeatures(snapshot);
  const lines = [
    ...banner,
    `\trlm status on ${host} (port ${port}), up ${uptime}`,
    `\trlm software version v${snapshot.server.version}`,
    "",
    "\t--------- ISV servers ----------",
    "\t   Name           Port Running Restarts",
    ...vendors.map(
      (vendor) =>
        `\t   ${vendor.name.padEnd(12)} ${String(port).padStart(6)}   ${vendor.up ? "Yes" : "No "}      0`,
    ),
    "\t------------------------",
    "",
  ];

  let poolNumber = 0;
  for (const vendor of vendors.filter((v) => v.up)) {
    const features = served.filter((f) => f.vendor.toLowerCase() === vendor.name.toLowerCase());
    lines.push(
      `\t${vendor.name} ISV server status on ${host} (port ${port}), up ${uptime}`,
      `\t${vendor.name} software version v${snapshot.server.version}`,
      "",
      `\t${vendor.name} license pool status on ${host} (port ${port})`,
      "",
    );
    for (const feature of features) {
      for (const pool of feature.pools) {
        poolNumber += 1;
        const count = pool.count === "uncounted" ? "uncounted" : String(pool.count);
        const reserved = poolReserved(pool);
        lines.push(
          `\t${feature.name} v${pool.version}${withPoolNumbers ? `, pool: ${poolNumber}` : ""}`,
          `\t\tcount: ${count}, # reservations: ${reserved}, inuse: ${poolLeased(pool) + reserved}, exp: ${pool.expires}`,
          `\t\tobsolete: 0, min_remove: 120, total checkouts: ${pool.leases.length}`,
        );
      }
    }
    lines.push("", `\t${vendor.name} license usage status on ${host} (port ${port})`, "");
    lines.push(...features.flatMap(usageLines));
    lines.push("");
  }
  return `${lines.join("\n")}\n`;
}

function usageLines(feature: StatusFeature): string[] {
  return feature.pools.flatMap((pool) =>
    pool.leases.map((lease) => {
      const at = utcParts(lease.startedAt);
      return (
        `\t${feature.name} v${pool.version}: ${token(lease.user)}@${token(lease.host)} ${lease.count}/0` +
        ` at ${pad2(at.month)}/${pad2(at.day)} ${pad2(at.hour)}:${pad2(at.minute)}` +
        `  (handle: ${lease.handle.toString(16)})`
      );
    }),
  );
}

function formatUptime(startedAt: string, now: string): string {
  const seconds = Math.max(0, Math.floor((Date.parse(now) - Date.parse(startedAt)) / 1000)) || 0;
  const days = Math.floor(seconds / 86_400);
  const rest = seconds % 86_400;
  return `${pad2(days)}d ${pad2(Math.floor(rest / 3600))}:${pad2(Math.floor((rest % 3600) / 60))}:${pad2(rest % 60)}`;
}
