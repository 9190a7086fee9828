/** Prints a benchmark's machine-readable result for bench/run.ts to collect. */
export function reportJson(result: unknown): void {
  process.stdout.write(`BENCH_JSON ${JSON.stringify(result)}\n`);
}
