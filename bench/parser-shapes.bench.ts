/**
 * Output shapes that would make a careless parser quadratic, each against an ordinary output
 * of the same size: 16,384 features whose names all have one hash under the polynomial hash
 * (31·h + c, lower-cased) the hand-written name tables use, and one feature printed 16,384
 * times (a module in that many licenses, a program printed again and again), each time with
 * its own checkout. A table that walked past every earlier name, or uses copied on every
 * repeat, would take quadratic time; a linear parser about as long as on the ordinary output.
 * Target: each shape ≤ 3× the ordinary output, for every format.
 */
import { availableParallelism, loadavg } from "node:os";
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

const render = (format: StatusFormat, snapshot: StatusSnapshot): string =>
  renderStatus(format, snapshot, {
    now: new Date(Date.UTC(2026, 10, 22, 14, 53)),
    licenseSpec: "27000@lic1",
  });

const ordinary = snapshotNamed(namesOf(ORDINARY));
const colliding = snapshotNamed(namesOf(COLLIDING));
const repeated = snapshotNamed(namesOf(ORDINARY).map(() => "solver"));

const checkoutsIn = (report: { features: { uses: unknown[] }[] }): number =>
  report.features.reduce((sum, feature) => sum + feature.uses.length, 0);

interface FormatResult {
  format: StatusFormat;
  ordinaryMs: number;
  collidingMs: number;
  repeatedMs: number;
  collidingRatio: number;
  repeatedRatio: number;
  meetsTarget: boolean;
}

const results: FormatResult[] = [];
for (const format of STATUS_FORMATS) {
  const parser = builtinParser(format);
  const texts = [ordinary, colliding, repeated].map((snapshot) => render(format, snapshot));
  for (let i = 0; i < 2; i++) for (const text of texts) parser.parse(text);
  const [ordinaryMs, collidingMs, repeatedMs] = texts.map(
    (text) => 1000 * bestSeconds(RUNS, () => parser.parse(text).features.length),
  ) as [number, number, number];
  const [plainReport, collidingReport, repeatedReport] = texts.map((text) => parser.parse(text));
  if (collidingReport?.features.length !== plainReport?.features.length)
    throw new Error(
      `${format}: colliding names read as ${collidingReport?.features.length} features`,
    );
  if (
    repeatedReport?.features.length !== 1 ||
    checkoutsIn(repeatedReport) !== checkoutsIn(plainReport!)
  )
    throw new Error(`${format}: the repeated feature was not read as one with every checkout`);
  const result: FormatResult = {
    format,
    ordinaryMs: Number(ordinaryMs.toFixed(1)),
    collidingMs: Number(collidingMs.toFixed(1)),
    repeatedMs: Number(repeatedMs.toFixed(1)),
    collidingRatio: Number((collidingMs / ordinaryMs).toFixed(2)),
    repeatedRatio: Number((repeatedMs / ordinaryMs).toFixed(2)),
    meetsTarget: Math.max(collidingMs, repeatedMs) / ordinaryMs <= TARGET_RATIO,
  };
  results.push(result);
  process.stdout.write(
    `${format.padEnd(9)} ordinary ${result.ordinaryMs.toFixed(1).padStart(6)} ms  ` +
      `colliding names ${result.collidingMs.toFixed(1).padStart(6)} ms (${result.collidingRatio.toFixed(2)}×)  ` +
      `one feature repeated ${result.repeatedMs.toFixed(1).padStart(6)} ms (${result.repeatedRatio.toFixed(2)}×) ` +
      `${result.meetsTarget ? "ok" : "MISSED"}\n`,
  );
}
process.stdout.write(`target: each shape ≤ ${TARGET_RATIO}× the ordinary output\n`);
reportJson({
  features: 1 << PIECES,
  runs: RUNS,
  targetRatio: TARGET_RATIO,
  cpus: availableParallelism(),
  loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(2)),
  formats: results,
});
