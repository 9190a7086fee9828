/**
 * OLicense: `olixtool -sv HOST:PORT`.
 *
 * The output is a banner, then one block per license (introduced by a `====` rule) with
 * `Key:<TAB>value` lines and a `Modules:` table. Each module row is `name; type; count;
 * expiration;` (separators are `;` followed by spaces and/or TABs); a row may be followed by
 * `N FloatsLockedBy:` and one `user@host #tokens` line per holder. A module that appears in
 * several licenses is summed.
 */
import { ParseError, ServerError } from "./errors.js";
import { FeatureAccumulator } from "./feature-totals.js";
import { parseCount, splitLines } from "./text.js";
import type { FeatureUsage, ParsedReport, Parser } from "./types.js";

const SERVER_ERROR = /^\s*OlComm\s+\d+\b.*$/;
const LICENSE_RULE = /^\s*={3,}\s*$/;
const BANNER = /^\s*olixtool\b/i;
const PREAMBLE = [
  BANNER,
  /^\s*Copyright\b/i,
  /^\s*Server:\s*</,
  /^\s*List of requested licenses:\s*$/,
];
const KEY_VALUE = /^\s*([A-Za-z][\w-]*):[ \t]*(.*)$/;
const MODULES_START = /^\s*Modules:\s*$/;
const MODULE_HEADER = /^\s*Name\s*;.*\bFloatCount\b/;
const DASH_RULE = /^\s*-{3,}\s*$/;
const LOCKED_BY = /^\s*(\S+)\s+FloatsLockedBy:\s*$/;
const LOCK_HOLDER = /^\s*(\S+)@(\S+)\s+#(\S+)\s*$/;

type Section = "preamble" | "license" | "modules";

/** Where a module row keeps its fields; read from the table header when there is one. */
interface ModuleColumns {
  name: number;
  floatCount: number;
  expiration: number | undefined;
}

const DEFAULT_COLUMNS: ModuleColumns = { name: 0, floatCount: 2, expiration: 3 };

interface OpenModule {
  feature: FeatureUsage;
  /** the FloatsLockedBy count, once its line has been read */
  locked?: number;
}

export function parseOlixtool(output: string): ParsedReport {
  const lines = splitLines(output);
  if (lines.every((line) => line.trim() === "")) {
    throw new ParseError("olixtool output is empty");
  }
  lines.forEach((line, index) => {
    if (SERVER_ERROR.test(line)) {
      throw new ServerError(`olixtool reports an error: ${line.trim()}`, index + 1, line);
    }
  });

  const features = new FeatureAccumulator();
  const warnings: string[] = [];
  let section: Section = "preamble";
  let recognised = false;
  let application: string | undefined;
  let module: OpenModule | undefined;
  let columns = DEFAULT_COLUMNS;

  const notUnderstood = (lineNumber: number, line: string): void => {
    if (!recognised) {
      throw new ParseError("not olixtool output", lineNumber, line);
    }
    warnings.push(`line ${lineNumber}: not understood: ${line}`);
  };

  lines.forEach((line, index) => {
    const lineNumber = index + 1;
    if (line.trim() === "") return;

    if (LICENSE_RULE.test(line)) {
      recognised = true;
      section = "license";
      application = undefined;
      module = undefined;
      return;
    }

    if (section === "preamble") {
      if (PREAMBLE.some((pattern) => pattern.test(line))) recognised = true;
      else notUnderstood(lineNumber, line);
      return;
    }

    if (section === "license") {
      if (MODULES_START.test(line)) {
        section = "modules";
        return;
      }
      const pair = KEY_VALUE.exec(line);
      if (pair) {
        if (pair[1] === "Application") application = pair[2]?.trim() || undefined;
        return;
      }
      notUnderstood(lineNumber, line);
      return;
    }

    // section === "modules"
    if (MODULE_HEADER.test(line)) {
      columns = readModuleHeader(line);
      return;
    }
    if (DASH_RULE.test(line)) return;

    const locked = LOCKED_BY.exec(line);
    if (locked) {
      if (!module || module.locked !== undefined) {
        throw new ParseError("FloatsLockedBy without a module row before it", lineNumber, line);
      }
      const count = parseCount(locked[1] ?? "", lineNumber, line, "FloatsLockedBy count");
      module.locked = count;
      module.feature.used += count;
      return;
    }

    const holder = LOCK_HOLDER.exec(line);
    if (holder) {
      if (!module || module.locked === undefined) {
        throw new ParseError("lock holder outside a FloatsLockedBy list", lineNumber, line);
      }
      const count = parseCount(holder[3] ?? "", lineNumber, line, "tokens");
      module.feature.uses.push({ username: holder[1] ?? "", host: holder[2] ?? "", count });
      return;
    }

    if (line.includes(";")) {
      module = { feature: readModuleRow(line, lineNumber, columns, features, application) };
      return;
    }

    notUnderstood(lineNumber, line);
  });

  return { type: "olicense", features: features.toFeatures(), warnings };
}

/** Column positions from `Name; LicenseType; FloatCount; Expiration`, in whatever order. */
function readModuleHeader(line: string): ModuleColumns {
  const names = line.split(";").map((name) => name.trim().toLowerCase());
  const position = (name: string): number | undefined => {
    const index = names.indexOf(name);
    return index < 0 ? undefined : index;
  };
  return {
    name: position("name") ?? DEFAULT_COLUMNS.name,
    floatCount: position("floatcount") ?? DEFAULT_COLUMNS.floatCount,
    expiration: position("expiration"),
  };
}

/** Reads `name; type; count; expiration;` and adds the count to the module's total. */
function readModuleRow(
  line: string,
  lineNumber: number,
  columns: ModuleColumns,
  features: FeatureAccumulator,
  application: string | undefined,
): FeatureUsage {
  const fields = line.split(";").map((field) => field.trim());
  const name = fields[columns.name];
  const floatCount = fields[columns.floatCount];
  const expiration = columns.expiration === undefined ? undefined : fields[columns.expiration];
  if (!name || floatCount === undefined) {
    throw new ParseError("module row needs a name and a FloatCount", lineNumber, line);
  }
  const total = parseCount(floatCount, lineNumber, line, "FloatCount");
  return features.addPool(name, {
    total,
    product: application,
    expires: expiration || undefined,
  });
}

export const olicenseParser: Parser = {
  type: "olicense",
  command: (server, opts = {}) => ({
    argv: [opts.binary ?? "olixtool", "-sv", `${server.host}:${server.port}`],
  }),
  parse: parseOlixtool,
};
