/**
 * Sums getLicenseUsage rows by license: each license (its describing columns plus Count and
 * Inuse) adds its Count and Inuse once, and each of its session rows adds a use.
 */
import { type Columns } from "./dsls-header.js";
import { RowFields, afterPrompt, wordEnd } from "./dsls-fields.js";
import { SeenLicenses } from "./dsls-seen.js";
import { skipWhitespace } from "./scan.js";
import { ParseError } from "./errors.js";
import { FeatureAccumulator } from "./feature-totals.js";
import { parseCount, readCount, type LineCursor } from "./text.js";
import type { FeatureUsage } from "./types.js";

export class LicenseRows {
  private readonly features = new FeatureAccumulator();
  private readonly seenLicenses = new SeenLicenses();
  private readonly fields: RowFields;
  private columns: Columns;
  /**
   * The previous row's text up to the comma after its last identifying column, "" when it has
   * none. Rows of one license come one after another, so a row that starts with this text is
   * of `license` and needs no key.
   */
  private identityPrefix = "";
  private license: FeatureUsage | undefined;

  constructor(
    private readonly text: string,
    columns: Columns,
    private readonly warnings: string[],
  ) {
    this.columns = columns;
    this.fields = new RowFields(columns.lastRead + 1);
  }

  /** A header line changed where the columns sit. */
  useColumns(columns: Columns): void {
    this.columns = columns;
    this.fields.reserve(columns.lastRead);
    this.identityPrefix = "";
  }

  /** Reads the cursor's line: a row, a blank line or a line not understood (a warning). */
  read(cursor: LineCursor): void {
    const { text, columns, fields } = this;
    const { start, end } = cursor;
    fields.startLine(text, start, end);
    let license = this.license;
    const prefix = this.identityPrefix;
    // slice and === compare with memcmp; startsWith at an offset compares char by char
    if (prefix !== "" && text.slice(start, start + prefix.length) === prefix) {
      fields.read(start + prefix.length, columns.identityLast + 1, columns.lastRead);
    } else {
      const from = afterPrompt(text, start, end);
      if (skipWhitespace(text, from, end) === end) return;
      fields.read(from, 0, columns.lastRead);
      if (fields.count <= columns.inuse) {
        // its fields overwrote those the identity prefix stands for
        this.identityPrefix = "";
        this.warnings.push(`line ${cursor.number}: not understood: ${cursor.line()}`);
        return;
      }
      license = this.licenseOf(cursor);
    }
    if (license === undefined) return;
    this.addUse(license, cursor);
  }

  toFeatures(): FeatureUsage[] {
    return this.features.toFeatures();
  }

  /** The license of the current row, found by key (and added when first seen). */
  private licenseOf(cursor: LineCursor): FeatureUsage {
    const { columns, fields } = this;
    const name = fields.value(columns.feature);
    if (!name) throw new ParseError("row has no feature name", cursor.number, cursor.line());
    const total = this.count(columns.count, cursor, "Count");
    const used = this.count(columns.inuse, cursor, "Inuse");

    const group = this.seenLicenses.group(name);
    let license = group.feature;
    // a group gets its feature with its first license, so `license` is only unset then
    if (group.add(this.licenseKey(total, used)) || license === undefined) {
      const pool = {
        total,
        vendor: fields.value(columns.editor) || undefined,
        expires: fields.value(columns.expires) || undefined,
      };
      license =
        license === undefined
          ? this.features.addPool(name, pool)
          : this.features.addPoolTo(license, pool);
      license.used += used;
      group.feature = license;
    }
    this.license = license;
    const identityEnd = fields.rawEnd(columns.identityLast);
    this.identityPrefix =
      identityEnd < fields.lineEnd ? this.text.slice(fields.lineStart, identityEnd + 1) : "";
    return license;
  }

  /**
   * Identifies the current row's license: its describing fields plus Count and Inuse, joined
   * by commas. A field holds no comma, so no field content can make two licenses share a key.
   */
  private licenseKey(total: number, used: number): string {
    const { columns, fields } = this;
    if (columns.identityLeads && this.identityIsCanonical()) {
      // the row's own text already reads `Editor,…,Customer ID,Count,Inuse`: one slice
      return this.text.slice(fields.start(0), fields.rawEnd(columns.identityLast));
    }
    let key = "";
    for (const position of columns.license) key += `${fields.value(position)},`;
    return `${key}${total},${used}`;
  }

  /** Whether the identifying fields need no trimming and the counts have no leading zero. */
  private identityIsCanonical(): boolean {
    const { columns, fields } = this;
    return (
      fields.untrimmed(columns.identityLast) &&
      this.isCanonicalCount(columns.count) &&
      this.isCanonicalCount(columns.inuse)
    );
  }

  private isCanonicalCount(field: number): boolean {
    const start = this.fields.start(field);
    return this.text.charCodeAt(start) !== 48 || this.fields.end(field) - start === 1;
  }

  private addUse(license: FeatureUsage, cursor: LineCursor): void {
    const { columns, fields, text } = this;
    const { user, host, tokens } = columns;
    if (fields.isEmpty(user) && fields.isEmpty(host) && fields.isEmpty(tokens)) return;
    // a session of a non-token model holds one license and prints no token share
    const count = fields.isEmpty(tokens) ? 1 : this.count(tokens, cursor, "Tokens");
    const hostStart = fields.start(host);
    license.uses.push({
      username: fields.value(user),
      // `name (id)/ip`: the name is the first word
      host: fields.isEmpty(host) ? "" : text.slice(hostStart, wordEnd(text, hostStart)),
      count,
    });
  }

  /** A count column of the current row; a ParseError when it is not a non-negative integer. */
  private count(field: number, cursor: LineCursor, what: string): number {
    const { fields } = this;
    const value = field < 0 ? -1 : readCount(this.text, fields.start(field), fields.end(field));
    if (value >= 0) return value;
    return parseCount(fields.value(field), cursor.number, cursor.line(), what);
  }
}
