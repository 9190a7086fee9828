/**
 * The `getLicenseUsage -csv` header: where each column a row is read for sits. Resolved once
 * per header line, so rows are read by position only.
 */
import { ParseError } from "./errors.js";

/** How the CSV header starts; it is found by this content, wherever it sits on its line. */
export const HEADER_START = "Editor,EditorId,Feature,";

/** Columns that describe a license (pool); with Count and Inuse they identify it. */
const LICENSE_COLUMNS = [
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
] as const;
const REQUIRED_COLUMNS = ["Feature", "Count", "Inuse"] as const;

/** Column positions; -1 where the header lacks an optional column. */
export interface Columns {
  feature: number;
  count: number;
  inuse: number;
  editor: number;
  expires: number;
  user: number;
  host: number;
  tokens: number;
  /** positions of LICENSE_COLUMNS */
  license: number[];
  /** the last column that identifies a license (its describing columns, Count and Inuse) */
  identityLast: number;
  /** whether the row starts with exactly those columns, in LICENSE_COLUMNS order, Count, Inuse */
  identityLeads: boolean;
  /** the last column a row is read for */
  lastRead: number;
}

export function readHeader(line: string, lineNumber: number): Columns {
  const names = line
    .slice(line.indexOf(HEADER_START))
    .split(",")
    .map((name) => name.trim());
  const positions = new Map<string, number>();
  names.forEach((name, position) => {
    if (name && !positions.has(name)) positions.set(name, position);
  });
  for (const required of REQUIRED_COLUMNS) {
    if (!positions.has(required)) {
      throw new ParseError(`getLicenseUsage header has no "${required}" column`, lineNumber, line);
    }
  }
  const at = (name: string): number => positions.get(name) ?? -1;
  const license = LICENSE_COLUMNS.map(at);
  const count = at("Count");
  const inuse = at("Inuse");
  const identity = [...license, count, inuse];
  const identityLast = Math.max(...identity);
  const columns = {
    feature: at("Feature"),
    count,
    inuse,
    editor: at("Editor"),
    expires: at("Expiration Date"),
    user: at("User"),
    host: at("Host"),
    tokens: at("Tokens"),
    license,
    identityLast,
    identityLeads: identity.every((position, index) => position === index),
  };
  return {
    ...columns,
    lastRead: Math.max(identityLast, columns.user, columns.host, columns.tokens),
  };
}
