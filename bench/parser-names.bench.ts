/**
 * Feature names made to collide: each parser reads an output of 16,384 features whose names
 * all have one hash under the polynomial hash (31·h + c, lower-cased) that the hand-written
 * name tables use, and the same output with ordinary names of the same length. A table that
 * walked past every earlier name would take quadratic time on the first; a bounded one takes
 * about as long on both. Target: colliding ≤ 3× ordinary, for every format.
 */
import { availableParallelism, loadavg } from "node:os";
import { BUILTIN_PARSERS, type Parser } from "../src/parsers/index.js";
import {
  renderStatus,
  STATUS_FORMATS,
  type StatusFormat,
} from "../src/server-core/status/render.js";
import type { StatusSnapshot } from "../src/server-core/status/snapshot.js";
import { generateSnapshot } from "../test/generators/flexlm.js";
import { reportJson } from "./report.js";

const RUNS = Number(process.env["BENCH_RUNS"] ?? 5);
/** name pieces: 2^PIECES features */
const PIECES = 14;
const TARGET_RATIO = 3;
/** "an" and "c0" hash alike (31·97 + 110 = 31·99 + 48), so names built of them all do */
const COLLIDING = ["an", "c0"] as const;
/** the same lengths and letters, hashes spread */
const ORDINARY = ["an", "c1"] as const;

function namesOf(pieces: readonly [string, string]): string[] {
  return Array.from({ length: 1 << PIECES }, (_, n) => {
    let name = "m";
    for (let bit = 0; bit < PIECES; bit++) name += pieces[(n >> bit) & 1];
    return name;
  });
}

function snapshotNamed(names: string[]): StatusSnapshot {
  const snapshot = generateSnapshot({ seed: 7, features: names.length, leases: names.length });
  snapshot.features.forEach((feature, i) => {
    feature.name = names[i] as string;
  });
  return snapshot;
}

function bestOf(runs: number, work: () => number): number {
  let best = Number.POSITIVE_INFINITY;
  let sink = 0;
  for (let i = 0; i < runs; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    const start = process.hrtime.bigint();
    sink += work();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
  }
  if (sink < 0) process.stdout.write("impossible\n");
  return best;
}

function parserOf(type: StatusFormat): Parser {
  const parser = BUILTIN_PARSERS.find((candidate) => candidate.type === type);
  if (!parser) throw new Error(`no built-in parser for ${type}`);
  return parser;
}

const render = (format: StatusFormat, snapshot: StatusSnapshot): string =>
  renderStatus(format, snapshot, {
    now: new Date(Date.UTC(2026, 10, 22, 14, 53)),
    licenseSpec: "27000@lic1",
  });

const ordinary = snapshotNamed(namesOf(ORDINARY));
const colliding = snapshotNamed(namesOf(COLLIDING));

interface FormatResult {
  format: StatusFormat;
  features: number;
  ordinaryMs: number;
  collidingMs: number;
  ratio: number;
  meetsTarget: boolean;
}

const results: FormatResult[] = [];
for (const format of STATUS_FORMATS) {
  const parser = parserOf(format);
  const ordinaryText = render(format, ordinary);
  const collidingText = render(format, colliding);
  for (let i = 0; i < 2; i++) {
    parser.parse(ordinaryText);
    parser.parse(collidingText);
  }
  const ordinaryMs = bestOf(RUNS, () => parser.parse(ordinaryText).features.length);
  const collidingMs = bestOf(RUNS, () => parser.parse(collidingText).features.length);
  const features = parser.parse(collidingText).features.length;
  if (features !== parser.parse(ordinaryText).features.length)
    throw new Error(`${format}: colliding names read as ${features} features`);
  const ratio = collidingMs / ordinaryMs;
  const result: FormatResult = {
    format,
    features,
    ordinaryMs: Number(ordinaryMs.toFixed(1)),
    collidingMs: Number(collidingMs.toFixed(1)),
    ratio: Number(ratio.toFixed(2)),
    meetsTarget: ratio <= TARGET_RATIO,
  };
  results.push(result);
  process.stdout.write(
    `${format.padEnd(9)} ${String(features).padStart(6)} features  ordinary ${result.ordinaryMs.toFixed(1).padStart(7)} ms  ` +
      `colliding ${result.collidingMs.toFixed(1).padStart(7)} ms  ratio ${result.ratio.toFixed(2)}× ` +
      `${result.meetsTarget ? "ok" : "MISSED"}\n`,
  );
}
process.stdout.write(`target: colliding names ≤ ${TARGET_RATIO}× ordinary names\n`);
reportJson({
  features: 1 << PIECES,
  runs: RUNS,
  targetRatio: TARGET_RATIO,
  cpus: availableParallelism(),
  loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(2)),
  formats: results,
});
