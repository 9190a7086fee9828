import { isBlankText } from "./scan.js";
import { ParseError, ServerError } from "./errors.js";
import { LmxFeatureMerger, type LmxBlockEnd } from "./lmx-merge.js";
import { findServerErrorLine, findXmlStartLine, type OutputLine } from "./lmx-scan.js";
import { parseLmxText } from "./lmx-text.js";
import { scanXmlTags, type XmlTag } from "./lmx-xml.js";
import { parseCount } from "./text.js";
import type { FeatureUsage, LicenseUse, ParsedReport, Parser } from "./types.js";

/**
 * Reads `lmxendutil -licstat` (text) and `-licstatxml` (XML) output, telling them apart by
 * content. Both are preceded by the utility's banner. A feature printed more than once
 * (several servers or versions) is summed. A total of 2147483647 is LM-X's "unlimited".
 */

interface XmlFeatureBlock extends LmxBlockEnd {
  feature: string;
  uses: LicenseUse[];
}

export function parseLmxendutil(output: string): ParsedReport {
  if (isBlankText(output)) throw new ParseError("lmxendutil output is empty");
  const serverError = findServerErrorLine(output);
  if (serverError) {
    throw new ServerError(
      "LM-X license server is not reachable",
      serverError.number,
      serverError.text,
    );
  }
  const xmlStart = findXmlStartLine(output);
  return xmlStart ? parseXml(output, xmlStart) : parseLmxText(output);
}

function parseXml(output: string, xmlStart: OutputLine): ParsedReport {
  const tags = scanXmlTags(output, xmlStart.start);
  const blocks: XmlFeatureBlock[] = [];
  const warnings: string[] = [];
  const failedPaths: XmlTag[] = [];
  let paths = 0;
  let pathFailed = false;
  let current: XmlFeatureBlock | undefined;

  for (const tag of tags) {
    if (tag.kind === "close") {
      if (tag.name === "FEATURE") current = undefined;
      if (tag.name === "LICENSE_PATH") pathFailed = false;
      continue;
    }
    if (tag.name === "LICENSE_PATH") {
      paths += 1;
      const status = tag.attributes.get("STATUS");
      pathFailed = status !== undefined && status.toUpperCase() !== "SUCCESS";
      if (pathFailed) failedPaths.push(tag);
      if (tag.selfClosing) pathFailed = false;
      continue;
    }
    if (pathFailed) continue;
    if (tag.name === "FEATURE") {
      const block = readXmlFeature(tag);
      blocks.push(block);
      current = tag.selfClosing ? undefined : block;
      continue;
    }
    if (tag.name === "USER") {
      if (!current) {
        warnings.push(`line ${tag.lineNumber}: USER outside a FEATURE: ${tag.lineText}`);
        continue;
      }
      current.uses.push(readXmlUser(tag));
    }
  }

  const failed = failedPaths[0];
  if (failed && failedPaths.length === paths) {
    const status = failed.attributes.get("STATUS") ?? "";
    throw new ServerError(
      `LM-X license server answered STATUS="${status}"`,
      failed.lineNumber,
      failed.lineText,
    );
  }
  for (const path of failedPaths) {
    warnings.push(
      `line ${path.lineNumber}: license path ${path.attributes.get("HOST") ?? "?"} answered STATUS="${path.attributes.get("STATUS") ?? ""}"`,
    );
  }
  if (paths === 0 && blocks.length === 0) {
    throw new ParseError(
      "no LICENSE_PATH or FEATURE element in the XML",
      xmlStart.number,
      xmlStart.text,
    );
  }
  return { type: "lmx", features: mergeBlocks(blocks), warnings };
}

function readXmlFeature(tag: XmlTag): XmlFeatureBlock {
  const attribute = (name: string): string | undefined => tag.attributes.get(name);
  const count = (name: string): number => {
    const value = attribute(name);
    if (value === undefined) {
      throw new ParseError(`FEATURE has no ${name}`, tag.lineNumber, tag.lineText);
    }
    return parseCount(value, tag.lineNumber, tag.lineText, name);
  };
  const name = attribute("NAME");
  if (!name) throw new ParseError("FEATURE has no NAME", tag.lineNumber, tag.lineText);
  const block: XmlFeatureBlock = {
    feature: name,
    used: count("USED_LICENSES"),
    total: count("TOTAL_LICENSES"),
    version: undefined,
    vendor: undefined,
    expires: undefined,
    uses: [],
  };
  // DENIED_LICENSES has no field in the report yet; still refuse a garbled one
  if (attribute("DENIED_LICENSES") !== undefined) count("DENIED_LICENSES");
  const version = attribute("VERSION");
  if (version) block.version = version;
  const vendor = attribute("VENDOR");
  if (vendor) block.vendor = vendor;
  const expires = attribute("END");
  if (expires) block.expires = expires;
  return block;
}

function readXmlUser(tag: XmlTag): LicenseUse {
  const used = tag.attributes.get("USED_LICENSES");
  if (used === undefined)
    throw new ParseError("USER has no USED_LICENSES", tag.lineNumber, tag.lineText);
  return {
    username: tag.attributes.get("NAME") ?? "",
    host: tag.attributes.get("HOST") ?? "",
    count: parseCount(used, tag.lineNumber, tag.lineText, "USED_LICENSES"),
  };
}

/** Sums blocks of the same feature; version, vendor and expiry only when every block agrees. */
function mergeBlocks(blocks: readonly XmlFeatureBlock[]): FeatureUsage[] {
  const merger = new LmxFeatureMerger();
  for (const block of blocks) {
    const uses = merger.open(block.feature);
    for (const use of block.uses) uses.push(use);
    merger.close(block);
  }
  return merger.finish();
}

export const lmxParser: Parser = {
  type: "lmx",
  command: (server, opts) => ({
    argv: [
      opts?.binary ?? "lmxendutil",
      "-licstat",
      "-host",
      server.host,
      "-port",
      String(server.port),
    ],
  }),
  parse: parseLmxendutil,
};
