/** The license-server families lmkeeper knows out of the box. */
export const LICENSE_SERVER_TYPES = ["flexlm", "rlm", "lsdyna", "lmx", "olicense", "dsls"] as const;
export type LicenseServerType = (typeof LICENSE_SERVER_TYPES)[number];

/**
 * The total reported for features without a finite count (RLM `unlimited`, FlexLM
 * `Uncounted`, LM-X token pools): the largest count Slurm accepts. `unlimited: true` says so.
 */
export const UNLIMITED_TOTAL = 2_147_483_647;

/** One holder of licenses of a feature. */
export interface LicenseUse {
  username: string;
  host: string;
  /** tokens held */
  count: number;
}

export interface FeatureUsage {
  /** as the tool prints it; compare case-insensitively */
  feature: string;
  total: number;
  /** as the server reports it (FlexLM includes outstanding reservations) */
  used: number;
  /** how many of `used` are reservations (never added twice) */
  reserved: number;
  uses: LicenseUse[];
  /** set when the tool reports no finite count; `total` is then UNLIMITED_TOTAL */
  unlimited?: boolean;
  /** users waiting for a seat, where the tool says so */
  queued?: number;
  product?: string;
  vendor?: string;
  version?: string;
  expires?: string;
}

export interface ParsedReport {
  type: LicenseServerType | string;
  features: FeatureUsage[];
  /** lines inside an understood block that were not understood, with their line numbers */
  warnings: string[];
}

export interface ServerAddress {
  host: string;
  port: number;
}

export interface CommandOptions {
  /** restrict the query to these features, where the tool can */
  features?: string[];
  /** path of the vendor tool; defaults to its usual name on PATH */
  binary?: string;
}

/** How to run a vendor tool: an argument vector (never a shell string) and optional stdin. */
export interface ToolCommand {
  argv: string[];
  stdin?: string;
}

export interface Parser {
  type: LicenseServerType | string;
  command(server: ServerAddress, opts?: CommandOptions): ToolCommand;
  /** @throws ParseError when the output is not understood, ServerError when it says the server is down */
  parse(output: string): ParsedReport;
}
