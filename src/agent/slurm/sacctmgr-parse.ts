import { ParseError } from "../../parsers/errors.js";
import { parseCount, splitLines } from "../../parsers/text.js";

/** One row of `sacctmgr -P show resource withclusters` (one per resource and cluster). */
export interface SlurmResource {
  /** lower-cased by sacctmgr, e.g. "abaqus.abaqus" */
  name: string;
  server: string;
  type: string;
  /** the global count, shared between clusters */
  count: number;
  serverType?: string;
  /** undefined for a resource not yet given to any cluster */
  cluster?: string;
  /** this cluster's share in percent (22.05 `% Allowed`, 23.02+ `Allowed`) */
  allowed?: number;
  lastConsumed?: number;
  /** every column as printed, keyed by the normalised header */
  fields: Record<string, string>;
}

/** "% Allowed" → "allowed", "ServerType" → "servertype", "LastConsumed" → "lastconsumed". */
function columnKey(header: string): string {
  return header.replace(/%/g, "").replace(/\s+/g, "").toLowerCase();
}

/**
 * Reads `sacctmgr -P show resource withclusters` WITH its header line, so the columns are
 * found by name whatever the Slurm version prints (unknown columns are kept in `fields`).
 */
export function parseResources(output: string): SlurmResource[] {
  const lines = splitLines(output);
  const headerIndex = lines.findIndex((line) => line.trim() !== "");
  if (headerIndex === -1) throw new ParseError("no header line in sacctmgr output");
  const headerLine = lines[headerIndex]!;
  const columns = headerLine.split("|").map(columnKey);
  if (columns[columns.length - 1] === "") columns.pop(); // -p prints a trailing "|"
  for (const required of ["name", "server", "type", "count"]) {
    if (!columns.includes(required)) {
      throw new ParseError(
        `sacctmgr header has no "${required}" column`,
        headerIndex + 1,
        headerLine,
      );
    }
  }
  const resources: SlurmResource[] = [];
  lines.slice(headerIndex + 1).forEach((line, offset) => {
    if (line.trim() === "") return;
    const lineNumber = headerIndex + 2 + offset;
    const values = line.split("|");
    if (values.length === columns.length + 1 && values[values.length - 1] === "") values.pop();
    if (values.length !== columns.length) {
      throw new ParseError(
        `expected ${columns.length} "|"-separated fields, got ${values.length}`,
        lineNumber,
        line,
      );
    }
    const fields: Record<string, string> = {};
    columns.forEach((column, index) => {
      fields[column] = values[index]!.trim();
    });
    const resource: SlurmResource = {
      name: fields.name!,
      server: fields.server!,
      type: fields.type!,
      count: parseCount(fields.count!, lineNumber, line, "Count"),
      fields,
    };
    if (fields.servertype) resource.serverType = fields.servertype;
    if (fields.cluster) resource.cluster = fields.cluster;
    if (fields.allowed) resource.allowed = parseCount(fields.allowed, lineNumber, line, "Allowed");
    if (fields.lastconsumed)
      resource.lastConsumed = parseCount(fields.lastconsumed, lineNumber, line, "LastConsumed");
    resources.push(resource);
  });
  return resources;
}
