import type { StatusFeature, StatusLease, StatusPool, StatusSnapshot } from "./snapshot.js";
import {
  expiryDate,
  pad2,
  poolInUse,
  poolTotal,
  servedFeatures,
  token,
  utcParts,
} from "./vendor-totals.js";

const UNKNOWN_IP = "0.0.0.0";

export interface LmxStatusOptions {
  /** print `lmxendutil -licstatxml` instead of `-licstat` */
  xml?: boolean;
  /** the utility's version in the banner */
  toolVersion?: string;
}

/**
 * Prints `lmxendutil -licstat` (or `-licstatxml`) output for a snapshot. Each pool is one
 * feature block (LM-X prints one block per license version), which the parser sums per
 * feature. "Used" counts leased seats plus outstanding reservations (LM-X has no reservation
 * figure); an uncounted pool prints the total 2147483647, LM-X's unlimited. The tool prints a
 * client's IP address, which a snapshot does not know: it prints the unspecified address
 * 0.0.0.0, which keeps the line in the shape other LM-X readers expect. Times are UTC.
 */
export function renderLmxStatus(snapshot: StatusSnapshot, opts: LmxStatusOptions = {}): string {
  const year = utcParts(snapshot.generatedAt).year;
  const banner = [
    `LM-X End-user Utility ${opts.toolVersion ?? "v4.9.3"}`,
    `Copyright (C) 2002-${year} X-Formation. All rights reserved.`,
    "",
  ];
  const body = opts.xml ? renderXml(snapshot) : renderText(snapshot);
  return `${[...banner, ...body].join("\n")}\n`;
}

function renderText(snapshot: StatusSnapshot): string[] {
  const { host, port } = snapshot.server;
  if (!snapshot.server.up) {
    return ["LM-X license server(s):", "There are no license server(s) available."];
  }
  const lines = [
    "++++++++++++++++++++++++++++++++++++++++",
    `LM-X License Server on ${port}@${host}:`,
    "",
    `Server version: v${snapshot.server.version}`,
  ];
  for (const { feature, pool } of poolBlocks(snapshot)) {
    const used = poolInUse(pool);
    lines.push(
      "----------------------------------------",
      `Feature: ${token(feature.name)} Version: ${token(pool.version)} Vendor: ${token(feature.vendor)}`,
      `Start date: NONE Expire date: ${isoExpiry(pool)}`,
      "Key type: EXCLUSIVE License sharing: VIRTUAL",
      "",
      `${used} of ${poolTotal(pool)} license(s) used${pool.leases.length > 0 ? ":" : ""}`,
    );
    for (const lease of pool.leases) {
      lines.push(
        "",
        `${lease.count} license(s) used by ${token(lease.user)}@${token(lease.host)} [${UNKNOWN_IP}]`,
        `Login time: ${timestamp(lease)}   Checkout time: ${timestamp(lease)}`,
      );
    }
  }
  return lines;
}

function renderXml(snapshot: StatusSnapshot): string[] {
  const { host, port } = snapshot.server;
  const attr = (name: string, value: string | number): string =>
    `${name}="${escapeXmlAttribute(String(value))}"`;
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<LM-X STAT_VERSION="1.0">'];
  const path = [attr("TYPE", "NETWORK"), attr("HOST", `${port}@${host}`)];
  if (!snapshot.server.up) {
    lines.push(
      `<LICENSE_PATH ${[...path, attr("STATUS", "FAILED")].join(" ")}>`,
      "</LICENSE_PATH>",
      "</LM-X>",
    );
    return lines;
  }
  lines.push(
    `<LICENSE_PATH ${[...path, attr("SERVER_VERSION", snapshot.server.version), attr("STATUS", "SUCCESS")].join(" ")}>`,
  );
  for (const { feature, pool } of poolBlocks(snapshot)) {
    const attributes = [
      attr("NAME", feature.name),
      attr("VERSION", pool.version),
      attr("VENDOR", feature.vendor),
      attr("START", "NONE"),
      attr("END", isoExpiry(pool)),
      attr("USED_LICENSES", poolInUse(pool)),
      attr("TOTAL_LICENSES", poolTotal(pool)),
      attr("DENIED_LICENSES", 0),
      attr("SHARE", "VIRTUAL"),
    ];
    lines.push(`<FEATURE ${attributes.join(" ")}>`);
    for (const lease of pool.leases) {
      const user = [
        attr("NAME", lease.user),
        attr("HOST", lease.host),
        attr("IP", UNKNOWN_IP),
        attr("USED_LICENSES", lease.count),
        attr("LOGIN_TIME", timestamp(lease)),
        attr("CHECKOUT_TIME", timestamp(lease)),
      ];
      lines.push(`<USER ${user.join(" ")}/>`);
    }
    lines.push("</FEATURE>");
  }
  lines.push("</LICENSE_PATH>", "</LM-X>");
  return lines;
}

function poolBlocks(snapshot: StatusSnapshot): Array<{ feature: StatusFeature; pool: StatusPool }> {
  return servedFeatures(snapshot).flatMap((feature) =>
    feature.pools.map((pool) => ({ feature, pool })),
  );
}

/** LM-X prints yyyy-mm-dd; a permanent pool has no expiry date, printed as NONE. */
function isoExpiry(pool: StatusPool): string {
  const date = expiryDate(pool.expires);
  return date ? `${date.year}-${pad2(date.month)}-${pad2(date.day)}` : "NONE";
}

function timestamp(lease: StatusLease): string {
  const at = utcParts(lease.startedAt);
  return `${at.year}-${pad2(at.month)}-${pad2(at.day)} ${pad2(at.hour)}:${pad2(at.minute)}`;
}

function escapeXmlAttribute(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}
