import { UNLIMITED_TOTAL, type FeatureUsage, type LicenseUse } from "./types.js";

/**
 * One product summed over its pools (in every ISV), with its checkouts in output order.
 * Vendor, version and expiry are kept while every pool agrees on them. Values can be offered
 * in place (`text[from, to)`), so the many pools that repeat the first value need no substring
 * of their own; the fields sit on this object rather than on three helpers, as there is one
 * per product of a large output.
 */
export class ProductTotals {
  total = 0;
  unlimited = false;
  used = 0;
  reserved = 0;
  /** where the reader last listed this product (its own bookkeeping) */
  listedAt = -1;
  private vendor: string | undefined = undefined;
  private vendorsDiffer = false;
  private version: string | undefined = undefined;
  private versionsDiffer = false;
  private expires: string | undefined = undefined;
  private expiriesDiffer = false;

  constructor(
    readonly feature: string,
    readonly uses: LicenseUse[],
  ) {}

  addVendor(vendor: string): void {
    if (this.vendor === undefined) this.vendor = vendor;
    else if (vendor !== this.vendor) this.vendorsDiffer = true;
  }

  addVersionAt(text: string, from: number, to: number): void {
    if (this.version === undefined) this.version = text.slice(from, to);
    else if (!isAt(text, from, to, this.version)) this.versionsDiffer = true;
  }

  addExpires(expires: string): void {
    if (this.expires === undefined) this.expires = expires;
    else if (expires !== this.expires) this.expiriesDiffer = true;
  }

  addExpiresAt(text: string, from: number, to: number): void {
    if (this.expires === undefined) this.expires = text.slice(from, to);
    else if (!isAt(text, from, to, this.expires)) this.expiriesDiffer = true;
  }

  /** Vendor, version and expiry are reported only when every pool of the product agrees. */
  toFeatureUsage(): FeatureUsage {
    const usage: FeatureUsage = {
      feature: this.feature,
      total: this.unlimited ? UNLIMITED_TOTAL : this.total,
      used: this.used,
      reserved: this.reserved,
      uses: this.uses,
    };
    if (this.unlimited) usage.unlimited = true;
    if (this.vendor !== undefined && !this.vendorsDiffer) usage.vendor = this.vendor;
    if (this.version !== undefined && !this.versionsDiffer) usage.version = this.version;
    if (this.expires !== undefined && !this.expiriesDiffer) usage.expires = this.expires;
    return usage;
  }
}

/** True when `text[from, to)` is `value`. */
function isAt(text: string, from: number, to: number, value: string): boolean {
  return to - from === value.length && text.startsWith(value, from);
}
