/** Timing helpers shared by the parser benchmarks. */
import { BUILTIN_PARSERS, type Parser } from "../src/parsers/index.js";

/**
 * The shortest of `runs` timed calls of `work`, in seconds; each after a full GC when node
 * runs with --expose-gc (bench/run.ts starts every benchmark so). `work` returns a number so
 * that its result is used and cannot be optimised away.
 */
export function bestSeconds(runs: number, work: () => number): number {
  let best = Number.POSITIVE_INFINITY;
  let sink = 0;
  for (let i = 0; i < runs; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    const start = process.hrtime.bigint();
    sink += work();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  if (sink < 0) process.stdout.write("impossible\n");
  return best;
}

export function builtinParser(type: string): Parser {
  const parser = BUILTIN_PARSERS.find((candidate) => candidate.type === type);
  if (!parser) throw new Error(`no built-in parser for ${type}`);
  return parser;
}
