import { ParseError } from "./errors.js";
import { UNLIMITED_TOTAL, type FeatureUsage } from "./types.js";

/** What one LM-X feature block says once it has been read to its end. */
export interface LmxBlockEnd {
  total: number;
  used: number;
  version: string | undefined;
  vendor: string | undefined;
  expires: string | undefined;
}

interface MergedFeature {
  usage: FeatureUsage;
  blocks: number;
  version: string | undefined;
  vendor: string | undefined;
  expires: string | undefined;
  sameVersion: boolean;
  sameVendor: boolean;
  sameExpires: boolean;
}

interface RefusedBlock {
  feature: string;
  lineNumber: number;
  lineText: string;
}

/**
 * Sums the blocks of a feature as they are read (LM-X prints one block per server and version),
 * in the order features first appear: names compare case-insensitively, totals add up to
 * "unlimited" at most, uses are kept in print order. Version, vendor and expiry are kept only
 * when every block of the feature agrees. A block without counts is refused when the report is
 * finished, so a line-level error found later in the output is reported first.
 */
export class LmxFeatureMerger {
  private readonly byKey = new Map<string, MergedFeature>();
  private refused: RefusedBlock | undefined;
  private current: MergedFeature | undefined;
  private last: MergedFeature | undefined;
  private lastName: string | undefined;
  private currentName = "";
  private opened = 0;

  /** How many blocks have been opened. */
  get blockCount(): number {
    return this.opened;
  }

  /** Starts a block of `feature`; push its uses to the returned array. */
  open(feature: string): FeatureUsage["uses"] {
    // pools of one feature are printed one after another: the same name needs no lookup
    const merged = feature === this.lastName && this.last ? this.last : this.lookUp(feature);
    this.last = merged;
    this.lastName = feature;
    this.current = merged;
    this.currentName = feature;
    this.opened++;
    return merged.usage.uses;
  }

  private lookUp(feature: string): MergedFeature {
    const key = feature.toLowerCase();
    const known = this.byKey.get(key);
    if (known) return known;
    const merged: MergedFeature = {
      usage: { feature, total: 0, used: 0, reserved: 0, uses: [] },
      blocks: 0,
      version: undefined,
      vendor: undefined,
      expires: undefined,
      sameVersion: true,
      sameVendor: true,
      sameExpires: true,
    };
    this.byKey.set(key, merged);
    return merged;
  }

  /** Ends the block opened last, which had no count line: the report will be refused. */
  refuse(lineNumber: number, lineText: string): void {
    if (!this.current) return;
    this.current = undefined;
    this.refused ??= { feature: this.currentName, lineNumber, lineText };
  }

  /** Ends the block opened last with its counts. */
  close(block: LmxBlockEnd): void {
    const merged = this.current;
    if (!merged) return;
    this.current = undefined;
    if (this.refused) return;
    const usage = merged.usage;
    const unlimited = block.total >= UNLIMITED_TOTAL;
    if (merged.blocks === 0) {
      usage.total = Math.min(block.total, UNLIMITED_TOTAL);
      usage.used = block.used;
      if (unlimited) usage.unlimited = true;
      merged.version = block.version;
      merged.vendor = block.vendor;
      merged.expires = block.expires;
    } else {
      usage.total = Math.min(usage.total + block.total, UNLIMITED_TOTAL);
      if (unlimited || usage.total === UNLIMITED_TOTAL) usage.unlimited = true;
      usage.used += block.used;
      if (block.version !== merged.version) merged.sameVersion = false;
      if (block.vendor !== merged.vendor) merged.sameVendor = false;
      if (block.expires !== merged.expires) merged.sameExpires = false;
    }
    merged.blocks++;
  }

  /** The summed features, or the ParseError for the first block that had no counts. */
  finish(): FeatureUsage[] {
    const refused = this.refused;
    if (refused) {
      throw new ParseError(
        `feature "${refused.feature}" has no license counts`,
        refused.lineNumber,
        refused.lineText,
      );
    }
    const features: FeatureUsage[] = [];
    for (const merged of this.byKey.values()) {
      const usage = merged.usage;
      if (merged.sameVersion && merged.version) usage.version = merged.version;
      if (merged.sameVendor && merged.vendor) usage.vendor = merged.vendor;
      if (merged.sameExpires && merged.expires) usage.expires = merged.expires;
      features.push(usage);
    }
    return features;
  }
}
