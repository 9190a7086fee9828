/**
 * Parser throughput per vendor on large generated outputs: one seeded license-server state
 * (20k features, 200k checkouts, two vendor daemons) rendered in each tool's format by the
 * reference server's status renderers, then parsed. Each parser's time is compared with a
 * same-run baseline that only splits the same text into lines. Target: parse ≤ 3× split.
 * BENCH_PARSER_SCALE (default 1) shrinks or grows the state for quick runs; BENCH_PARSERS
 * (e.g. "dsls,rlm") limits the run to some formats.
 */
import { availableParallelism, loadavg } from "node:os";
import { splitLines } from "../src/parsers/text.js";
import {
  renderStatus,
  STATUS_FORMATS,
  type StatusFormat,
} from "../src/server-core/status/render.js";
import type { StatusSnapshot } from "../src/server-core/status/snapshot.js";
import { generateSnapshot } from "../test/generators/flexlm.js";
import { bestSeconds, builtinParser } from "./measure.js";
import { reportJson } from "./report.js";

const RUNS = Number(process.env["BENCH_RUNS"] ?? 5);
const SCALE = Number(process.env["BENCH_PARSER_SCALE"] ?? 1);
const FEATURES = Math.round(20_000 * SCALE);
const LEASES = Math.round(200_000 * SCALE);
const TARGET_RATIO = 3;
/** OLicense and DSLS print counted pools only, so their checkouts on uncounted pools are not listed. */
const COUNTED_ONLY = new Set<StatusFormat>(["olicense", "dsls"]);

function expectedCheckouts(snapshot: StatusSnapshot, format: StatusFormat): number {
  let checkouts = 0;
  for (const feature of snapshot.features)
    for (const pool of feature.pools)
      if (!COUNTED_ONLY.has(format) || pool.count !== "uncounted") checkouts += pool.leases.length;
  return checkouts;
}

// Rendered once; the snapshot's objects are dropped before timing, so they do not burden GC.
const inputs = ((): { format: StatusFormat; text: string; checkouts: number }[] => {
  const snapshot = generateSnapshot({
    seed: 42,
    features: FEATURES,
    leases: LEASES,
    vendors: 2,
    longNames: true,
  });
  const wanted = process.env["BENCH_PARSERS"]?.split(",");
  const formats = STATUS_FORMATS.filter((format) => !wanted || wanted.includes(format));
  return formats.map((format) => ({
    format,
    text: renderStatus(format, snapshot, {
      now: new Date(Date.UTC(2026, 10, 22, 14, 53)),
      licenseSpec: "27000@license-server-1.hpc.university-example.org",
    }),
    checkouts: expectedCheckouts(snapshot, format),
  }));
})();

interface VendorResult {
  format: StatusFormat;
  inputMB: number;
  lines: number;
  features: number;
  checkouts: number;
  splitMBps: number;
  parseMBps: number;
  ratio: number;
  meetsTarget: boolean;
}

const results: VendorResult[] = [];
for (const input of inputs) {
  const parser = builtinParser(input.format);
  const { text } = input;
  const megabytes = Buffer.byteLength(text, "utf8") / 1e6;
  // Warm both up on the first tenth, so the timed runs measure optimised code, not the JIT.
  const warmUp = text.slice(0, Math.floor(text.length / 10));
  for (let i = 0; i < 3; i++) {
    splitLines(warmUp);
    try {
      parser.parse(warmUp);
    } catch {
      // a cut output may end mid-block; the warm-up only needs the code paths run
    }
  }
  const splitSeconds = bestSeconds(RUNS, () => splitLines(text).length);
  const parseSeconds = bestSeconds(RUNS, () => parser.parse(text).features.length);
  const report = parser.parse(text);
  const checkouts = report.features.reduce((sum, f) => sum + f.uses.length, 0);
  if (checkouts !== input.checkouts)
    throw new Error(
      `${input.format}: parser read ${checkouts} checkouts, expected ${input.checkouts}`,
    );
  const ratio = parseSeconds / splitSeconds;
  const result: VendorResult = {
    format: input.format,
    inputMB: Number(megabytes.toFixed(1)),
    lines: splitLines(text).length,
    features: report.features.length,
    checkouts,
    splitMBps: Number((megabytes / splitSeconds).toFixed(1)),
    parseMBps: Number((megabytes / parseSeconds).toFixed(1)),
    ratio: Number(ratio.toFixed(2)),
    meetsTarget: ratio <= TARGET_RATIO,
  };
  results.push(result);
  process.stdout.write(
    `${result.format.padEnd(9)} ${String(result.inputMB).padStart(6)} MB  split ${String(result.splitMBps).padStart(6)} MB/s  ` +
      `parse ${String(result.parseMBps).padStart(6)} MB/s  ratio ${result.ratio.toFixed(2)}× ` +
      `${result.meetsTarget ? "ok" : "MISSED"}\n`,
  );
}
process.stdout.write(`target: parse time ≤ ${TARGET_RATIO}× split-only time\n`);
reportJson({
  features: FEATURES,
  leases: LEASES,
  runs: RUNS,
  targetRatio: TARGET_RATIO,
  cpus: availableParallelism(),
  loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(2)),
  vendors: results,
});
