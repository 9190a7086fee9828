import { UNLIMITED_TOTAL, type FeatureUsage, type LicenseUse } from "./types.js";

/**
 * A text every pool of a product gives alike (its ISV, version or expiry): known while all
 * pools agree, unknown once two differ. Values can be offered in place (`text[from, to)`), so
 * the thousands of pools that repeat the first value need no substring of their own.
 */
export class CommonText {
  private value: string | undefined = undefined;
  private differs = false;

  add(value: string): void {
    if (this.value === undefined) this.value = value;
    else if (value !== this.value) this.differs = true;
  }

  addAt(text: string, from: number, to: number): void {
    const value = this.value;
    if (value === undefined) this.value = text.slice(from, to);
    else if (to - from !== value.length || !text.startsWith(value, from)) this.differs = true;
  }

  get(): string | undefined {
    return this.differs ? undefined : this.value;
  }
}

/** One product summed over its pools (in every ISV), with its checkouts in output order. */
export class ProductTotals {
  total = 0;
  unlimited = false;
  used = 0;
  reserved = 0;
  readonly vendor = new CommonText();
  readonly version = new CommonText();
  readonly expires = new CommonText();
  /** where the reader last listed this product (its own bookkeeping) */
  listedAt = -1;

  constructor(
    readonly feature: string,
    readonly uses: LicenseUse[],
  ) {}

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
    const vendor = this.vendor.get();
    if (vendor !== undefined) usage.vendor = vendor;
    const version = this.version.get();
    if (version !== undefined) usage.version = version;
    const expires = this.expires.get();
    if (expires !== undefined) usage.expires = expires;
    return usage;
  }
}
